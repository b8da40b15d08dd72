/**
 * `npm run bench:evm`: EVM-in-the-loop speed on Hardhat's in-process network — transactions per second and
 * device-epochs per second for 1,000 devices × 52 weekly epochs with weekly claims by every operator (1 device per
 * operator, so 1,000 claims a week), deployment excluded. A benchmark, not a test: it measures and prints.
 *
 *   npx ts-node --transpile-only scripts/evm/bench.ts [--devices 1000] [--epochs 52] [--runs 1] | --help
 *   BENCH_DEVICES=1000 BENCH_EPOCHS=52 BENCH_RUNS=1 npm run bench:evm
 * (`npm run bench:evm` is `hardhat run`, which refuses flags it does not know: give it the counts as variables.)
 *
 * The last line is one JSON object: devices, epochs, transactions, blocks, seconds (run, deploy), transactions per
 * second, device-epochs per second, the time spent building and signing transactions, mining, in the oracle
 * and in the equality checks, and the process's peak RSS. That peak grows with the run: the in-process network
 * keeps a few hundred KB for every transaction it has mined (22.8 GB at the default size), so a machine with less
 * memory runs fewer epochs (`--epochs 8`: ~9 GB).
 */
import hre from "hardhat";
import { parseToolArgs, positiveInt, toolHelp, UsageError, type CommandSpec } from "../../simulation/io/args";
import { parseScenario } from "../../simulation/scenario";
import { runScenarioOnEvm } from "./run";

/** The benchmark's command line; each count also reads BENCH_<NAME> (e.g. BENCH_DEVICES) when the flag is absent. */
export const BENCH_EVM_COMMAND = {
  usage: "npx ts-node --transpile-only scripts/evm/bench.ts",
  summary: "EVM-in-the-loop speed: transactions and device-epochs per second on Hardhat's in-process network",
  options: {
    devices: { type: "string", value: "N", default: "1000 (or BENCH_DEVICES)", help: "devices, one per operator" },
    epochs: { type: "string", value: "N", default: "52 (or BENCH_EPOCHS)", help: "weekly epochs" },
    runs: {
      type: "string",
      value: "N",
      default: "1 (or BENCH_RUNS)",
      help: "replicates, each from the same deployment (reverted to its snapshot)",
    },
    help: { type: "boolean", help: "print this help" },
  },
} as const satisfies CommandSpec;

/** The benchmark's counts (node:util parseArgs, then BENCH_* variables); a UsageError names the flag or variable. */
export function parseBenchArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { devices: number; epochs: number; runs: number } | "help" {
  const { values } = parseToolArgs(BENCH_EVM_COMMAND, argv);
  if (values.help) return "help";
  const count = (name: "devices" | "epochs" | "runs", fallback: number): number => {
    const variable = `BENCH_${name.toUpperCase()}`;
    if (values[name] !== undefined) return positiveInt(`--${name}`, values[name], fallback);
    return positiveInt(variable, env[variable], fallback);
  };
  return { devices: count("devices", 1_000), epochs: count("epochs", 52), runs: count("runs", 1) };
}

/** The benchmark's scenario: the baseline honest network on weekly epochs, every operator claiming every week. */
export function benchScenario(devices: number, epochs: number, runs = 1) {
  return parseScenario(
    {
      name: "bench-evm",
      seed: 7,
      runs,
      epochs,
      epochLengthSeconds: 7 * 86_400,
      emission: {
        curve: "step",
        initialEmission: 35_000,
        factorWad: "850000000000000000",
        periodEpochs: 52,
        cap: 50_000_000,
      },
      splits: { workPoolBps: 7_000, treasuryBps: 2_000, ecosystemBps: 1_000 },
      classes: [{ name: "hotspot", weight: 1, workPerEpoch: 700, hardwareCostUsd: 400, opexUsdPerEpoch: 2 }],
      levers: { minBond: 50, densityScaling: { enabled: true } },
      market: { model: "amm", initialPrice: 1, liquidityUsd: 2_000_000 },
      demand: { initialUsdPerEpoch: 7_000, growthPerEpoch: 0.02, usdPerWorkUnit: 0.02, burnAndMint: true },
      chain: { claimEveryEpochs: 1 },
      agents: [{ name: "operators", kind: "honest", count: devices, devicesPerOperator: 1, maxJoinPerEpoch: 0 }],
    },
    "bench:evm",
  );
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args === "help") {
    console.log(toolHelp(BENCH_EVM_COMMAND));
    return;
  }
  const { devices, epochs, runs } = args;
  const scenario = benchScenario(devices, epochs, runs);
  const out = await runScenarioOnEvm(hre, scenario, {
    onEpoch: (_r, e) => {
      if ((e + 1) % 10 === 0) process.stderr.write(`epoch ${e + 1}/${epochs}\n`);
    },
  });
  const deviceEpochs = out.results.reduce((a, r) => a + r.deviceEpochs, 0);
  const ms = out.timings;
  const figures = {
    devices,
    epochs,
    runs,
    transactions: out.record.transactions,
    blocks: out.record.blocks,
    seconds: Number(out.seconds.run.toFixed(2)),
    deploySeconds: Number(out.seconds.deploy.toFixed(2)),
    transactionsPerSecond: Math.round(out.record.transactions / out.seconds.run),
    deviceEpochsPerSecond: Math.round(deviceEpochs / out.seconds.run),
    buildAndSignSeconds: Number((ms.build / 1000).toFixed(2)),
    mineSeconds: Number((ms.mine / 1000).toFixed(2)),
    oracleSeconds: Number((ms.oracle / 1000).toFixed(2)),
    checkSeconds: Number((ms.check / 1000).toFixed(2)),
    cpuSeconds: Number((process.cpuUsage().user / 1e6).toFixed(1)),
    // the in-process network keeps memory for every mined transaction: the peak grows with the run's length
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(figures));
}

// `hardhat run` forks this file as the main module (with no arguments of its own), as ts-node does
if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof UsageError ? `bench:evm: ${err.message}` : err instanceof Error ? err.message : err);
    process.exit(err instanceof UsageError ? 2 : 1);
  });
}
