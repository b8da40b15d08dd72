/**
 * `npm run bench:evm`: EVM-in-the-loop speed on Hardhat's in-process network — transactions per second and
 * device-epochs per second for 1,000 devices × 52 weekly epochs with weekly claims by every operator (1 device per
 * operator, so 1,000 claims a week), deployment excluded. A benchmark, not a test: it measures and prints.
 *
 *   npm run bench:evm [-- --devices 1000 --epochs 52 --runs 1]
 *
 * The last line is one JSON object: devices, epochs, transactions, blocks, seconds (run, deploy), transactions per
 * second, device-epochs per second, and the time spent building and signing transactions, mining, in the oracle
 * and in the equality checks.
 */
import hre from "hardhat";
import { parseScenario } from "../../simulation/scenario";
import { runScenarioOnEvm } from "./run";

function flag(name: string, fallback: number): number {
  const argv = process.argv;
  const i = argv.indexOf(`--${name}`);
  const raw = i >= 0 ? argv[i + 1] : process.env[`BENCH_${name.toUpperCase()}`];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got ${raw}`);
  return value;
}

/** The benchmark's scenario: the baseline honest network on weekly epochs, every operator claiming every week. */
export function benchScenario(devices: number, epochs: number) {
  return parseScenario(
    {
      name: "bench-evm",
      seed: 7,
      runs: 1,
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
  const devices = flag("devices", 1_000);
  const epochs = flag("epochs", 52);
  const scenario = benchScenario(devices, epochs);
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
  };
  console.log(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
