/**
 * `npm run bench:sim` — throughput of the engine (a benchmark, not a test).
 * Prints progress lines, then on its LAST line one JSON object:
 *   { deviceEpochsPerSecond: { "100k": …, "1M": …, sweepAllCores: …, sweepPerCore: … }, peakRssMiB, cores, … }
 * peakRssMiB is the process's peak resident memory through the largest single-thread run (start-up included).
 * `npm run bench:sim` runs this file compiled (`tsc -p tsconfig.build.json` into dist/, then plain node): the same code
 * as under ts-node, whose TypeScript compiler would add ~70 MB to every memory figure.
 * Single-thread figures run the engine in this thread on an honest network with a sybil swarm and spoofers, every
 * lever on (density scaling, detection, anomaly detector, vesting); the sweep figure runs a grid of such runs on one
 * worker per core. Options: --quick (smaller sizes, for CI smoke), --epochs N, --world h3 (the same network on real
 * cities: simulation/world/h3World.ts with Helium's HIP-17 table; also times building the world for 1M devices; each
 * timed run's h3 world is built before its timer, see `timed`),
 * --scenario <name|file> (only that scenario: one replicate in fast mode after a scaled-down warm-up of it; --runs N
 * repeats it; its last line is { deviceEpochs, seconds, deviceEpochsPerSecond, peakRssMiB, leakage, runs, seed,
 * version, commit, … } for the median run, where deviceEpochs is the scenario's devices × its epochs and
 * presentDeviceEpochs the engine's count of devices present epoch by epoch, lower when devices leave).
 */
import os from "node:os";
import { parseArgs } from "node:util";
import fs from "node:fs";
import path from "node:path";
import { runReplicate } from "./engine";
import {
  initialDevices,
  loadScenario,
  parseScenario,
  ScenarioError,
  type Scenario,
  type ScenarioInput,
} from "./scenario";
import { H3World } from "./world/h3World";
import { Rng } from "./random";
import { supplyOf } from "./supply";
import { runSweep, parseParam } from "./sweep";
import { gitCommit, packageVersion, writeFileAtomic } from "./output";

export function benchScenario(devices: number, epochs: number, world: "grid" | "h3" = "grid"): ScenarioInput {
  const side = Math.max(32, Math.round(Math.sqrt(devices / 4)));
  return {
    name: `bench-${devices}`,
    seed: 1,
    epochs,
    world: world === "h3" ? h3BenchWorld(devices) : { width: side, height: side, cities: 40, citySpread: side / 20 },
    levers: {
      ...(world === "h3" ? { densityScaling: { preset: "helium-hip17" } } : {}),
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

/**
 * The h3 world of `--world h3`: the 40 built-in cities at resolution 10, their spread growing with √devices so that
 * the world has about devices / 4 cells, as the grid world's side does (≈ 230k cells for 1M devices).
 */
function h3BenchWorld(devices: number) {
  return { kind: "h3", cities: 40, citySpreadKm: Math.max(0.3, 2 * Math.sqrt(devices / 1e6)) } as const;
}

/** Seconds to build the h3 world of `--world h3` (cells, weights, density tables) and place `devices` in it. */
function h3WorldBuild(devices: number): { seconds: number; cells: number } {
  const scenario = parseScenario(benchScenario(devices, 1, "h3"));
  const t0 = process.hrtime.bigint();
  const world = new H3World(scenario.world as Extract<Scenario["world"], { kind: "h3" }>, new Rng(scenario.seed));
  world.densityModel({
    enabled: true,
    resolutions: scenario.levers.densityScaling.resolutions,
    rollup: scenario.levers.densityScaling.rollup,
  });
  const rng = new Rng(2);
  const cell = new Int32Array(devices);
  for (let i = 0; i < devices; i++) cell[i] = world.sampleCell(rng);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, cells: world.cellCount };
}

/** Peak resident memory of this process so far (MiB), from the OS (a timer cannot sample a synchronous run). */
const maxRssMiB = (): number => Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);

function single(
  devices: number,
  epochs: number,
  world: "grid" | "h3" = "grid",
): { deviceEpochsPerSecond: number; deviceEpochs: number; seconds: number } {
  return timed(parseScenario(benchScenario(devices, epochs, world)));
}

/**
 * One replicate in fast mode, timed. An h3 world is geography shared by every replicate (built once per process,
 * `H3World.of`, with its density tables), so it is built before the timer: the figure is the epoch loop's, as the
 * issue's goal reads, and the world's build is timed apart (`worldBuildSeconds`). The grid world is drawn per
 * replicate (its city weights from the replicate's generator) and stays inside the timer.
 */
function timed(scenario: Scenario): {
  deviceEpochsPerSecond: number;
  deviceEpochs: number;
  seconds: number;
  leakage: number | null;
} {
  const supply = supplyOf(scenario);
  if ("kind" in scenario.world) {
    const density = scenario.levers.densityScaling;
    H3World.of(scenario.world, scenario.seed).topology({
      enabled: density.enabled,
      resolutions: density.resolutions,
      rollup: density.rollup,
    });
  }
  const t0 = process.hrtime.bigint();
  const result = runReplicate(scenario, supply, 0, { series: false, mode: "fast" });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    deviceEpochsPerSecond: result.deviceEpochs / seconds,
    deviceEpochs: result.deviceEpochs,
    seconds,
    leakage: result.metrics.leakage,
  };
}

/** Devices in a `--scenario` warm-up: enough to compile the engine's shared code, small beside the timed run. */
const WARM_UP_DEVICES = 10_000;

/**
 * The warm-up of `--scenario`: the same scenario over at most 20 epochs with every agent group scaled down to
 * about {@link WARM_UP_DEVICES} devices in all, so the JIT has seen its code paths before the timer starts without
 * a second full-size device table in memory.
 */
export function warmUpScenario(scenario: Scenario): Scenario {
  const devices = initialDevices(scenario);
  const f = Math.min(1, WARM_UP_DEVICES / Math.max(1, devices));
  return {
    ...scenario,
    epochs: Math.min(20, scenario.epochs),
    agents: scenario.agents.map((a) => ({ ...a, count: Math.max(1, Math.round(a.count * f)) })),
  };
}

/** `--flag` as a positive integer, or the fallback when it is absent; an error naming the flag otherwise. */
function positiveIntFlag(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: expected a positive integer, got "${text}"`);
  return n;
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      epochs: { type: "string" },
      scenario: { type: "string" },
      runs: { type: "string" },
      world: { type: "string", default: "grid" },
    },
  });
  const quick = flags.quick;
  const epochs = positiveIntFlag("epochs", flags.epochs, quick ? 60 : 365);
  const sizes = quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const out: Record<string, unknown> = { epochs, cores, node: process.version };
  if (flags.scenario !== undefined) {
    const runs = positiveIntFlag("runs", flags.runs, 1);
    let scenario: Scenario;
    try {
      scenario = loadScenario(flags.scenario, flags.epochs !== undefined ? { epochs } : {}).scenario;
    } catch (err) {
      if (err instanceof ScenarioError) throw err;
      throw new Error(`--scenario: ${(err as Error).message}`, { cause: err });
    }
    timed(warmUpScenario(scenario));
    // device-epochs as the scenario states them (its devices × its epochs), the unit of issue 8's goal and of the
    // reference model's compare.sh; the engine's own count (devices present, epoch by epoch) is reported beside it
    const stated = initialDevices(scenario) * scenario.epochs;
    const results = Array.from({ length: runs }, () => {
      const r = timed(scenario);
      console.error(
        `${scenario.name}: ${stated} device-epochs (${r.deviceEpochs} present) in ${r.seconds.toFixed(2)} s: ${(stated / r.seconds / 1e6).toFixed(2)} M device-epochs/s`,
      );
      return r;
    });
    // the median run (the shared reference-model compare.sh reads its deviceEpochsPerSecond), and every run's rate
    const median = [...results].sort((a, b) => a.seconds - b.seconds)[Math.floor((results.length - 1) / 2)];
    console.log(
      JSON.stringify({
        ...out,
        epochs: scenario.epochs,
        scenario: scenario.name,
        seed: scenario.seed,
        version: packageVersion(),
        commit: gitCommit(),
        deviceEpochs: stated,
        seconds: Number(median.seconds.toFixed(3)),
        deviceEpochsPerSecond: Math.round(stated / median.seconds),
        presentDeviceEpochs: median.deviceEpochs,
        // the process's peak resident memory through the warm-up and every run (start-up included)
        peakRssMiB: maxRssMiB(),
        leakage: median.leakage,
        runs: results.map((r) => Math.round(stated / r.seconds)),
      }),
    );
    return;
  }
  const world = flags.world;
  if (world !== "grid" && world !== "h3") throw new Error(`--world: expected grid or h3, got "${world}"`);
  out.world = world;
  const rates: Record<string, number> = {};
  if (world === "h3") {
    const build = h3WorldBuild(sizes[sizes.length - 1]);
    out.worldBuildSeconds = Number(build.seconds.toFixed(2));
    out.worldCells = build.cells;
    console.error(
      `h3 world: ${build.cells} cells, density tables and ${sizes[sizes.length - 1]} devices placed in ${build.seconds.toFixed(2)} s`,
    );
  }
  single(10_000, 20, world); // warm up the JIT
  for (const n of sizes) {
    const r = single(n, epochs, world);
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
  writeFileAtomic(file, JSON.stringify({ ...benchScenario(sweepDevices, epochs, world), runs: 1 }));
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
  const per = single(sweepDevices, epochs, world).deviceEpochs;
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
    // a bad flag or scenario is one line; anything else keeps its stack
    const known =
      err instanceof ScenarioError ||
      (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") === true ||
      /^--\w+: /.test((err as Error).message);
    console.error(known ? (err as Error).message : err);
    process.exit(known ? 2 : 1);
  });
}
