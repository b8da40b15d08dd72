/**
 * The long-run benchmark (`npm run bench:long`): a year of 30-second epochs (1,051,200 epochs, Filecoin's epoch
 * length) of the filecoin-like scenario at about 1,000 devices, rescaled to 30-s epochs (see {@link YEAR_OF_30S}),
 * then its report. Each part runs as its own process, and the benchmark reports its wall time and peak RSS
 * (process.resourceUsage().maxRSS of that process, worker threads included), the median over `--repeat` runs.
 *
 *   npm run bench:long -- [--epochs 1051200] [--runs 1] [--repeat 1] [--out DIR] [--keep] [--no-report]
 *
 * The command it runs is printed first, so the same run can be made by hand with `npm run simulate --`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { jStat } from "jstat";
import { parseToolArgs, positiveInt, toolHelp, UsageError, type CommandSpec } from "../io/args";

const ROOT = path.join(__dirname, "..", "..");
/** Epochs in a year of 30-s epochs. */
export const YEAR_EPOCHS = (365 * 86_400) / 30;
/** Epochs of 30 s in a day: per-day rates of filecoin-like (a daily scenario) are divided by it. */
const PER_DAY = 86_400 / 30;

/**
 * filecoin-like at 30-s epochs and 1,000 devices (300 + 600 honest providers, 60 sybil sectors, 40 fake-proof
 * devices): emission, its half-life, demand, opex and detection rescaled from per day to per 30 s. Vesting keeps
 * the scenario's 180 epochs (90 minutes here): the fast ledger's vesting ring costs O(duration) per group and epoch
 * (ledger/fast.ts), so 180 days of 30-s epochs (518,400) would cost ~2·10⁶ operations per epoch.
 */
export const YEAR_OF_30S: Record<string, string> = {
  epochLengthSeconds: "30",
  "emission.initialEmission": String(8000 / PER_DAY),
  "emission.halfLifeEpochs": String(2190 * PER_DAY),
  "levers.detection.sybil": String(0.01 / PER_DAY),
  "levers.detection.fakeWork": String(0.01 / PER_DAY),
  "demand.initialUsdPerEpoch": String(2000 / PER_DAY),
  "demand.growthPerEpoch": String(Math.pow(1.003, 1 / PER_DAY) - 1),
  "classes[0].opexUsdPerEpoch": String(2 / PER_DAY),
  "agents[2].count": "60",
  "agents[2].maxDevices": "60",
  "agents[2].opexUsdPerEpoch": String(0.2 / PER_DAY),
  "agents[3].count": "40",
};

/** The benchmark's command line (`--help` prints it). */
export const BENCH_LONG_COMMAND = {
  usage: "npm run bench:long --",
  summary: "a year of 30-s epochs of filecoin-like at ~1,000 devices, then its report: wall time and peak RSS of each",
  options: {
    epochs: { type: "string", value: "N", default: String(YEAR_EPOCHS), help: "epochs of the run" },
    runs: { type: "string", value: "N", default: "1", help: "Monte Carlo replicates" },
    repeat: { type: "string", value: "N", default: "1", help: "times to measure; the figures are the median" },
    out: { type: "string", value: "DIR", default: "a temporary folder, removed after", help: "output folder" },
    keep: { type: "boolean", help: "keep the temporary output folder" },
    "no-report": { type: "boolean", help: "measure the simulation only" },
    help: { type: "boolean", help: "print this help" },
  },
} as const satisfies CommandSpec;

interface Args {
  epochs: number;
  runs: number;
  repeat: number;
  out?: string;
  keep: boolean;
  report: boolean;
  help: boolean;
}

/** The benchmark's arguments (node:util parseArgs); a {@link UsageError} names the option and what was expected. */
export function parseArgs(argv: readonly string[]): Args {
  const { values } = parseToolArgs(BENCH_LONG_COMMAND, argv);
  return {
    epochs: positiveInt("--epochs", values.epochs, YEAR_EPOCHS),
    runs: positiveInt("--runs", values.runs, 1),
    repeat: positiveInt("--repeat", values.repeat, 1),
    ...(values.out !== undefined ? { out: values.out } : {}),
    keep: values.keep === true,
    report: !values["no-report"],
    help: values.help === true,
  };
}

/** The simulate arguments of the long run. */
export function longRunArgs(epochs: number, runs: number, out: string): string[] {
  const params = Object.entries(YEAR_OF_30S).flatMap(([k, v]) => ["--param", `${k}=${v}`]);
  return ["simulate", "--scenario", "filecoin-like", "--epochs", String(epochs), "--runs", String(runs)].concat(
    params,
    ["--no-report", "--quiet", "--out", out],
  );
}

interface Measured {
  seconds: number;
  maxRssMiB: number;
}

/** Runs a ts script in its own node process; its peak RSS is written at exit by a preloaded hook. */
function measure(script: string, args: string[]): Measured {
  const hook = path.join(os.tmpdir(), `bench-long-rss-${process.pid}.js`);
  const rssFile = path.join(os.tmpdir(), `bench-long-rss-${process.pid}.txt`);
  fs.writeFileSync(
    hook,
    `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
  );
  fs.rmSync(rssFile, { force: true });
  const started = process.hrtime.bigint();
  const res = spawnSync(process.execPath, ["-r", hook, "-r", "ts-node/register/transpile-only", script, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(hook, { force: true });
  if (res.status !== 0) throw new Error(`${path.basename(script)} failed (exit ${res.status ?? res.signal})`);
  const kib = Number(fs.readFileSync(rssFile, "utf8"));
  fs.rmSync(rssFile, { force: true });
  return { seconds, maxRssMiB: kib / 1024 };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(toolHelp(BENCH_LONG_COMMAND));
    return;
  }
  const out = args.out ?? fs.mkdtempSync(path.join(os.tmpdir(), "bench-long-"));
  const simArgs = longRunArgs(args.epochs, args.runs, out);
  console.log(`npm run simulate -- ${simArgs.slice(1).join(" ")}`);
  const sims: Measured[] = [];
  const reports: Measured[] = [];
  for (let k = 0; k < args.repeat; k++) {
    sims.push(measure(path.join(ROOT, "scripts", "simulate.ts"), simArgs));
    console.log(
      `simulate ${k + 1}/${args.repeat}: ${sims[k].seconds.toFixed(1)} s, peak RSS ${sims[k].maxRssMiB.toFixed(0)} MiB`,
    );
    if (args.report) {
      reports.push(measure(path.join(ROOT, "simulation", "report", "cli.ts"), [out]));
      console.log(
        `report   ${k + 1}/${args.repeat}: ${reports[k].seconds.toFixed(1)} s, peak RSS ${reports[k].maxRssMiB.toFixed(0)} MiB`,
      );
    }
  }
  const sizes: Record<string, number> = {};
  for (const f of fs.readdirSync(out)) {
    const st = fs.statSync(path.join(out, f));
    if (st.isFile()) sizes[f] = st.size;
  }
  const epochs = (JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8")) as { epochs: number }).epochs;
  const summary = {
    epochs,
    runs: args.runs,
    repeat: args.repeat,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    node: process.version,
    simulate: {
      seconds: jStat.median(sims.map((m) => m.seconds)),
      maxRssMiB: jStat.median(sims.map((m) => m.maxRssMiB)),
      all: sims,
    },
    ...(args.report
      ? {
          report: {
            seconds: jStat.median(reports.map((m) => m.seconds)),
            maxRssMiB: jStat.median(reports.map((m) => m.maxRssMiB)),
            all: reports,
          },
        }
      : {}),
    fileBytes: sizes,
  };
  console.log(JSON.stringify(summary, null, 2));
  if (!args.keep && args.out === undefined) fs.rmSync(out, { recursive: true, force: true });
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`bench:long: ${err.message}`);
    process.exitCode = 2;
  }
}
