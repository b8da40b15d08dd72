/**
 * Command line of the simulator.
 *
 *   cli.ts [simulate] [--scenario <name|file>] [--seed N] [--runs N] [--epochs N] [--out DIR] [--param k=v]…
 *                     [--workers N] [--mode fast|exact|evm] [--network hardhat|localhost] [--no-report] [--quiet]
 *   --mode evm runs every agent as real transactions against the contracts and checks the chain equals the exact
 *   model after every epoch; `npm run simulate` (scripts/simulate.ts) runs it inside Hardhat on the in-process
 *   network, or with --network localhost on a running `npx hardhat node`.
 *   cli.ts sweep --scenario <name|file> --param k=v1,v2 [--param …] [--runs N] [--workers N] [--shard i/n] [--out DIR]
 *                [--no-report] [--quiet]
 *   Both end by writing the governance report (report.html + report.md) into the output folder unless --no-report.
 *   cli.ts merge [--out DIR] DIR…
 *   cli.ts schema            print the JSON Schema of scenario files
 *   cli.ts list              list the built-in scenarios
 */
import fs from "node:fs";
import { builtInScenarios, parseValue, scenarioJsonSchema, ScenarioError } from "./scenario";
import { simulate, type ReplicatesRunner } from "./run";

export class UsageError extends Error {}

export interface ParsedArgs {
  command: string;
  flags: Map<string, string[]>;
  positional: string[];
}

const BOOLEAN_FLAGS = new Set(["quiet", "help", "no-report"]);

/** `--key value`, `--key=value`, repeated keys collect; booleans take no value. */
export function parseArgs(argv: string[]): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const key = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      let value: string;
      if (eq >= 0) value = a.slice(eq + 1);
      else if (BOOLEAN_FLAGS.has(key)) value = "true";
      else {
        if (i + 1 >= argv.length) throw new UsageError(`--${key} needs a value`);
        value = argv[++i];
      }
      flags.set(key, [...(flags.get(key) ?? []), value]);
    } else positional.push(a);
  }
  const commands = ["simulate", "sweep", "merge", "schema", "list"];
  const command =
    positional.length > 0 && commands.includes(positional[0]) ? (positional.shift() as string) : "simulate";
  return { command, flags, positional };
}

export function flag(args: ParsedArgs, key: string): string | undefined {
  const v = args.flags.get(key);
  return v === undefined ? undefined : v[v.length - 1];
}

export function intFlag(args: ParsedArgs, key: string, min = 0): number | undefined {
  const v = flag(args, key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${key}: expected an integer ≥ ${min}, got "${v}"`);
  return Number(v);
}

function checkFlags(args: ParsedArgs, allowed: string[]): void {
  for (const k of args.flags.keys()) {
    if (!allowed.includes(k))
      throw new UsageError(`unknown option --${k} (options: ${allowed.map((a) => "--" + a).join(", ")})`);
  }
}

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
  checkFlags(args, [
    "scenario",
    "seed",
    "runs",
    "epochs",
    "out",
    "param",
    "quiet",
    "mode",
    "workers",
    "network",
    "no-report",
    "help",
  ]);
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
  const { summary, dir } = await simulate({
    scenario,
    overrides: overridesOf(args, false),
    out: flag(args, "out"),
    mode,
    workers: intFlag(args, "workers", 1),
    onReplicate: quiet ? undefined : (done, total) => process.stderr.write(`\rrun ${done}/${total}`),
    runner: evmRunner,
  });
  if (!quiet) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stderr.write("\n");
    const m = summary.metrics;
    const fmt = (k: string) => {
      const x = m[k];
      return x.mean === null
        ? "n/a"
        : `${x.mean.toPrecision(4)} [${(x.lo as number).toPrecision(4)}, ${(x.hi as number).toPrecision(4)}]`;
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
        `  ${v.pass ? "PASS" : "FAIL"} ${v.metric} ${v.comparator} ${thr} (value ${v.value === null ? "n/a" : v.value.toPrecision(4)})`,
      );
    }
  }
  await reportUnlessDisabled(args, dir, quiet);
  return 0;
}

/** The governance report closes every run and sweep, so a reviewer always gets the picture with the numbers. */
export async function reportUnlessDisabled(args: ParsedArgs, dir: string, quiet: boolean): Promise<void> {
  if (flag(args, "no-report") === "true") return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: the report loads vega
  const { writeReport } = require("./report") as typeof import("./report");
  const written = await writeReport(dir);
  if (!quiet) console.log(`report: ${written.html}${written.markdown ? ` and ${written.markdown}` : ""}`);
}

/** The command line; `evmRunner` as in {@link runSimulate}. */
export async function main(argv: string[], evmRunner?: ReplicatesRunner): Promise<number> {
  const args = parseArgs(argv);
  if (flag(args, "help") === "true") {
    console.log(
      fs
        .readFileSync(__filename, "utf8")
        .split("*/")[0]
        .replace(/^\/\*\*?|^ \* ?/gm, ""),
    );
    return 0;
  }
  switch (args.command) {
    case "simulate":
      return runSimulate(args, evmRunner);
    case "schema":
      console.log(JSON.stringify(scenarioJsonSchema(), null, 2));
      return 0;
    case "list":
      console.log(builtInScenarios().join("\n"));
      return 0;
    case "sweep":
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- sweep imports cli (a cycle the engine restructure removes)
      return (require("./sweep") as typeof import("./sweep")).sweepCommand(args);
    case "merge":
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
      return (require("./sweep") as typeof import("./sweep")).mergeCommand(args);
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
