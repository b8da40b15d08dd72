/**
 * `npm run bench:sim` — throughput of the engine (a benchmark, not a test).
 * Prints progress lines, then on its LAST line one JSON object:
 *   { deviceEpochsPerSecond: { "100k": …, "1M": …, sweepAllCores: …, sweepPerCore: … }, peakRssMiB, cores, … }
 * peakRssMiB is the process's peak resident memory through the largest single-thread run (ts-node included).
 * Single-thread figures run the engine in this thread on an honest network with a sybil swarm and spoofers, every
 * lever on (density scaling, detection, anomaly detector, vesting); the sweep figure runs a grid of such runs on one
 * worker per core. Options: --quick (smaller sizes, for CI smoke), --epochs N.
 */
import os from "node:os";
import fs from "node:fs";
import path from "node:path";
import { runReplicate } from "./engine";
import { parseScenario, type ScenarioInput } from "./scenario";
import { supplyOf } from "./supply";
import { runSweep, parseParam } from "./sweep";
import { writeFileAtomic } from "./output";

export function benchScenario(devices: number, epochs: number): ScenarioInput {
  const side = Math.max(32, Math.round(Math.sqrt(devices / 4)));
  return {
    name: `bench-${devices}`,
    seed: 1,
    epochs,
    world: { width: side, height: side, cities: 40, citySpread: side / 20 },
    levers: {
      minBond: 50,
      detection: { sybil: 0.002, spoofer: 0.002 },
      anomalyDetector: { enabled: true, threshold: 4 },
      vesting: { immediateFraction: 0.25, durationEpochs: 90 },
      establishment: { epochs: 10, fraction: 0.1 },
    },
    market: { liquidityUsd: devices * 2000 },
    emission: {
      curve: "step",
      initialEmission: devices * 5,
      cap: devices * 1e5,
      factorWad: "500000000000000000",
      periodEpochs: 730,
    },
    demand: { initialUsdPerEpoch: devices },
    agents: [
      { name: "honest", kind: "honest", count: Math.round(devices * 0.9), maxJoinPerEpoch: Math.round(devices / 1000) },
      { name: "sybil", kind: "sybil", count: Math.round(devices * 0.05), maxDevices: Math.round(devices * 0.1) },
      { name: "spoofer", kind: "spoofer", count: Math.round(devices * 0.05), maxDevices: Math.round(devices * 0.1) },
    ],
  };
}

/** Peak resident memory of this process so far (MiB), from the OS (a timer cannot sample a synchronous run). */
const maxRssMiB = (): number => Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);

function single(
  devices: number,
  epochs: number,
): { deviceEpochsPerSecond: number; deviceEpochs: number; seconds: number } {
  const scenario = parseScenario(benchScenario(devices, epochs));
  const supply = supplyOf(scenario);
  const t0 = process.hrtime.bigint();
  const result = runReplicate(scenario, supply, 0, { series: false, mode: "fast" });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { deviceEpochsPerSecond: result.deviceEpochs / seconds, deviceEpochs: result.deviceEpochs, seconds };
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const epochsArg = process.argv.indexOf("--epochs");
  const epochs = epochsArg > 0 ? Number(process.argv[epochsArg + 1]) : quick ? 60 : 365;
  const sizes = quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const out: Record<string, unknown> = { epochs, cores, node: process.version };
  const rates: Record<string, number> = {};
  single(10_000, 20); // warm up the JIT
  for (const n of sizes) {
    const r = single(n, epochs);
    const label = n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
    rates[label] = Math.round(r.deviceEpochsPerSecond);
    console.error(
      `${label} devices × ${epochs} epochs: ${(r.deviceEpochsPerSecond / 1e6).toFixed(1)} M device-epochs/s (${r.seconds.toFixed(1)} s)`,
    );
  }
  const singleThreadPeakMiB = maxRssMiB();

  // sweep on all cores: a grid of 100k-device runs
  const sweepDevices = quick ? 10_000 : 100_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-sweep-"));
  const file = path.join(dir, "scenario.json");
  writeFileAtomic(file, JSON.stringify({ ...benchScenario(sweepDevices, epochs), runs: 1 }));
  const points = cores * 2;
  const t0 = process.hrtime.bigint();
  await runSweep({
    scenario: file,
    params: [parseParam(`levers.minBond=${Array.from({ length: points }, (_, i) => 10 + i * 10).join(",")}`)],
    base: {},
    workers: cores,
    shard: null,
    out: path.join(dir, "out"),
    quiet: true,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rows =
    fs
      .readFileSync(path.join(dir, "out", "sweep.csv"), "utf8")
      .trim()
      .split("\n").length - 1;
  // device-epochs of the sweep ≈ rows × the single-run device-epochs at that size
  const per = single(sweepDevices, epochs).deviceEpochs;
  rates.sweepAllCores = Math.round((rows * per) / seconds);
  rates.sweepPerCore = Math.round(rates.sweepAllCores / cores);
  console.error(
    `sweep: ${rows} runs of ${sweepDevices} devices on ${cores} workers: ${(rates.sweepAllCores / 1e6).toFixed(1)} M device-epochs/s (${seconds.toFixed(1)} s, worker start-up included)`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  out.deviceEpochsPerSecond = rates;
  // peak RSS of this process through the largest single-thread run (includes ts-node and the 100k run)
  out.peakRssMiB = singleThreadPeakMiB;
  out.largestDevices = sizes[sizes.length - 1];
  console.log(JSON.stringify(out));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
