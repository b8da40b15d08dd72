/**
 * Command line of the simulator: `npm run simulate -- …`, `npm run sweep -- …`, `npm run sweep:merge -- DIR…`, and
 * `cli.ts schema` / `cli.ts list`. Every command's options, values and defaults are in simulation/io/args.ts and
 * printed by `--help`. `--mode evm` runs inside Hardhat (scripts/simulate.ts starts it; the simulator may not import
 * scripts/). simulate and sweep end by writing the governance report unless `--no-report`.
 */
import os from "node:os";
import path from "node:path";
import { builtInScenarios, parseValue, readScenarioFile, scenarioJsonSchema, ScenarioError } from "./scenario";
import { simulate, type ReplicatesRunner } from "./run";
import { flag, helpText, intFlag, parseArgs, UsageError, type ParsedArgs } from "./io/args";
import { progressBar } from "./io/progress";
import { mergeShards, parseParam, parseShard, runSweep, SweepError } from "./sweep";
import { writeReport } from "./report";
import { MIN_REPLICATES_FOR_INTERVAL } from "./measure/metrics";
import { offChainSummary } from "./emissionSpec";

export { flag, intFlag, parseArgs, UsageError, type ParsedArgs };

/** Overrides from --seed/--runs/--epochs and single-valued --param k=v. */
export function overridesOf(args: ParsedArgs, allowLists: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const p of args.flags.get("param") ?? []) {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param: expected key=value, got "${p}"`);
    if (
      !allowLists &&
      p.slice(eq + 1).includes(",") &&
      !p
        .slice(eq + 1)
        .trim()
        .startsWith("[")
    ) {
      throw new UsageError(`--param ${p}: lists are for 'sweep'; simulate takes one value`);
    }
    o[p.slice(0, eq)] = parseValue(p.slice(eq + 1));
  }
  const seed = intFlag(args, "seed");
  const runs = intFlag(args, "runs", 1);
  const epochs = intFlag(args, "epochs", 1);
  if (seed !== undefined) o.seed = seed;
  if (runs !== undefined) o.runs = runs;
  if (epochs !== undefined) o.epochs = epochs;
  return o;
}

/** `evmRunner`: plays the replicates on the EVM (`--mode evm`, given by scripts/evm/simulate.ts, never imported here). */
async function runSimulate(args: ParsedArgs, evmRunner?: ReplicatesRunner): Promise<number> {
  const quiet = flag(args, "quiet") === "true";
  const mode = (flag(args, "mode") ?? "fast") as "fast" | "exact" | "evm";
  if (mode !== "fast" && mode !== "exact" && mode !== "evm") {
    throw new UsageError(`--mode: expected fast, exact or evm, got "${mode}"`);
  }
  const network = flag(args, "network");
  if (network !== undefined && mode !== "evm") throw new UsageError("--network: only with --mode evm");
  if (network !== undefined && network !== "hardhat" && network !== "localhost") {
    throw new UsageError(`--network: expected hardhat (in-process) or localhost (npx hardhat node), got "${network}"`);
  }
  if (mode === "evm" && evmRunner === undefined) {
    throw new UsageError("--mode evm runs inside Hardhat: start it with npm run simulate -- --mode evm");
  }
  const scenario = flag(args, "scenario") ?? args.positional[0] ?? "baseline";
  const started = process.hrtime.bigint();
  let bar: ReturnType<typeof progressBar>;
  const { summary, dir } = await simulate({
    scenario,
    overrides: overridesOf(args, false),
    out: flag(args, "out"),
    mode,
    workers: intFlag(args, "workers", 1),
    onReplicate: (done, total) => {
      bar ??= progressBar(total, "runs", quiet);
      bar?.update(done);
    },
    runner: evmRunner,
  });
  bar?.stop();
  if (!quiet) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const m = summary.metrics;
    const fmt = (k: string) => {
      const x = m[k];
      if (x.mean === null) return "n/a";
      const interval =
        x.lo === null || x.hi === null
          ? `(no interval: ${x.n} replicate${x.n === 1 ? "" : "s"})`
          : `[${x.lo.toPrecision(4)}, ${x.hi.toPrecision(4)}]`;
      return `${x.mean.toPrecision(4)} ${interval}`;
    };
    console.log(
      `${summary.scenario.name}: ${summary.runs} run(s) × ${summary.epochs} epochs in ${seconds.toFixed(1)} s → ${dir}/`,
    );
    for (const k of [
      "leakage",
      "farmerCapture",
      "honestCaptureRatio",
      "payEquityGini",
      "falseSlashRate",
      "farmerProfitUsd",
      "finalPrice",
    ]) {
      console.log(`  ${k.padEnd(20)} ${fmt(k)}`);
    }
    if (summary.onChainExpressible === false) {
      console.log(`  NOT ON-CHAIN   ${summary.onChainReason}`);
    }
    if (summary.evm) {
      const e = summary.evm;
      console.log(
        `  checked on the EVM (${e.network}, chain ${e.chainId}): ${e.epochsChecked} epoch(s), ${e.transactions} ` +
          `transactions in ${e.blocks} blocks, equal to the exact model to the wei`,
      );
    }
    for (const v of summary.verdicts) {
      const thr = Array.isArray(v.threshold) ? `[${v.threshold.join(", ")}]` : v.threshold;
      console.log(
        `  ${v.outcome.toUpperCase().padEnd(8)} ${v.metric} ${v.comparator} ${thr} (value ${v.value === null ? "n/a" : v.value.toPrecision(4)})`,
      );
    }
    if (summary.runs < MIN_REPLICATES_FOR_INTERVAL && summary.verdicts.length > 0)
      console.log(
        `  ${summary.runs} replicate(s) give no 95% interval, so no verdict can pass (at best marginal): ` +
          `use --runs ${MIN_REPLICATES_FOR_INTERVAL} or more`,
      );
  }
  await reportUnlessDisabled(args, dir, quiet);
  return 0;
}

/** The governance report closes every run and sweep, so a reviewer always gets the picture with the numbers. */
export async function reportUnlessDisabled(args: ParsedArgs, dir: string, quiet: boolean): Promise<void> {
  if (flag(args, "no-report") === "true") return;
  const written = await writeReport(dir);
  if (!quiet) console.log(`report: ${written.html}${written.markdown ? ` and ${written.markdown}` : ""}`);
}

async function runSweepCommand(args: ParsedArgs): Promise<number> {
  const scenario = flag(args, "scenario") ?? args.positional[0];
  if (!scenario) throw new UsageError("sweep: --scenario <name|file> is required");
  readScenarioFile(scenario); // fail early on a missing file
  const params = (args.flags.get("param") ?? []).map(parseParam);
  if (params.length === 0) throw new UsageError("sweep: give at least one --param key=v1,v2,…");
  const base: Record<string, unknown> = {};
  const runs = intFlag(args, "runs", 1);
  const seed = intFlag(args, "seed");
  const epochs = intFlag(args, "epochs", 1);
  if (runs !== undefined) base.runs = runs;
  if (seed !== undefined) base.seed = seed;
  if (epochs !== undefined) base.epochs = epochs;
  const workers = intFlag(args, "workers", 1) ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const shardText = flag(args, "shard");
  const quiet = flag(args, "quiet") === "true";
  const { manifest, dir, interrupted } = await runSweep({
    scenario,
    params,
    base,
    workers,
    shard: shardText ? parseShard(shardText) : null,
    out: flag(args, "out"),
    quiet,
  });
  if (interrupted) {
    const total = manifest.shard ? manifest.shard.endPoint - manifest.shard.firstPoint : manifest.points;
    console.error(
      `interrupted: ${manifest.completedPoints} of ${total} points are complete in ${dir}/ (sweep.partial.csv). ` +
        `Run the same command again to resume.`,
    );
    return 130;
  }
  if (!quiet) {
    console.log(`sweep complete: ${dir}/sweep.csv, ${dir}/sweep-points.csv`);
    const offChain = manifest.offChainPoints ?? [];
    if (offChain.length > 0) console.log(`  NOT ON-CHAIN   ${offChainSummary(offChain, manifest.points)}`);
  }
  // A shard is one slice of a grid: its report is written once the slices are merged.
  if (flag(args, "shard") === undefined) await reportUnlessDisabled(args, dir, quiet);
  return 0;
}

async function runMergeCommand(args: ParsedArgs): Promise<number> {
  const out = flag(args, "out") ?? path.join("out", "sweep-merged");
  const manifest = mergeShards(args.positional, out);
  if (flag(args, "quiet") !== "true")
    console.log(`merged ${args.positional.length} shard(s), ${manifest.points} points → ${out}/`);
  if (flag(args, "quiet") !== "true" && manifest.offChainPoints !== undefined)
    console.log(`  NOT ON-CHAIN   ${offChainSummary(manifest.offChainPoints, manifest.points)}`);
  await reportUnlessDisabled(args, out, flag(args, "quiet") === "true");
  return 0;
}

/** The command line; `evmRunner` as in {@link runSimulate}. */
export async function main(argv: string[], evmRunner?: ReplicatesRunner): Promise<number> {
  const args = parseArgs(argv);
  if (flag(args, "help") === "true") {
    console.log(helpText(args.command));
    return 0;
  }
  try {
    switch (args.command) {
      case "simulate":
        return await runSimulate(args, evmRunner);
      case "schema":
        console.log(JSON.stringify(scenarioJsonSchema(), null, 2));
        return 0;
      case "list":
        console.log(builtInScenarios().join("\n"));
        return 0;
      case "sweep":
        return await runSweepCommand(args);
      case "merge":
        return await runMergeCommand(args);
    }
  } catch (err) {
    if (err instanceof SweepError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
  throw new UsageError(`unknown command ${args.command}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ScenarioError) console.error(err.message);
      else if (err instanceof UsageError) console.error(`error: ${err.message}`);
      else console.error(err instanceof Error ? `error: ${err.message}` : err);
      process.exit(err instanceof ScenarioError || err instanceof UsageError ? 2 : 1);
    },
  );
}
