/**
 * One scenario, all its Monte Carlo replicates, and the files of simulation/OUTPUTS.md.
 */
import os from "node:os";
import path from "node:path";
import { runReplicate, type EngineMode, type RunResult } from "./engine";
import {
  GROUP_METRIC_RANGE,
  HEADLINE_METRICS,
  meanInterval,
  metricInterval,
  verdict,
  VERDICT_RULE,
  type Interval,
  type Verdict,
} from "./measure/metrics";
import { simulateCommand } from "./io/reproduce";
import { runOnPool } from "./io/pool";
import { GROUP_COLUMNS, GROUP_SUMMARY_METRICS, LORENZ_COLUMNS, RUN_FILES } from "./io/outputs";
import { RunSeriesFiles, type PartPaths, type SeriesName } from "./io/seriesFiles";
import { gitCommit, packageVersion, writeCsv, writeFileAtomic, writeJson } from "./output";
import { replicateSeeds } from "./random";
import { canonicalJson, initialDevices, loadScenario, scenarioHash, type Scenario } from "./scenario";
import { supplyOf } from "./supply";
import { onChainExpressibility, requireOnChainEmission } from "./emissionSpec";
import { REWARD_FAST_EXACT_TOLERANCE } from "../protocol/reward";

/** Whether a scenario writes strategies.csv (it has an adaptive farmer group). */
export function hasAdaptiveFarmers(scenario: Scenario): boolean {
  return scenario.agents.some((a) => a.kind === "adaptive");
}

/** What summary.json records of a run checked against the real contracts (`--mode evm`). */
export interface EvmCheckSummary {
  /** Hardhat network: `hardhat` (in-process) or `localhost` (a `npx hardhat node`). */
  network: string;
  chainId: string;
  /** Epochs whose chain state equalled the exact model, over all replicates. */
  epochsChecked: number;
  transactions: number;
  blocks: number;
  /** Operations sent as transactions, by kind (register, stake, claim, slash, suspend, move, leave, …). */
  operations: Record<string, number>;
  /** What was compared after every epoch. */
  checked: string;
}

/** Runs every replicate elsewhere (EVM mode: scripts/evm, which the simulator cannot import). */
export type ReplicatesRunner = (scenario: Scenario) => Promise<{ results: RunResult[]; evm: EvmCheckSummary }>;

export interface SimulateOptions {
  scenario: string;
  overrides?: Record<string, unknown>;
  out?: string;
  mode?: EngineMode;
  /** Worker threads for the replicates (default: {@link defaultWorkers}). */
  workers?: number;
  /** Called after each replicate (progress). */
  onReplicate?: (done: number, total: number) => void;
  /** Runs the replicates instead of the engine's workers (required in evm mode). */
  runner?: ReplicatesRunner;
}

export interface Summary {
  schema: string;
  scenario: { name: string; description: string; source: string; hash: string };
  seed: number;
  replicateSeeds: number[];
  runs: number;
  epochs: number;
  epochLengthSeconds: number;
  version: string;
  commit: string;
  mode: EngineMode;
  /** The command that regenerates these outputs (see io/reproduce.ts). */
  command: string;
  rewardTolerance: typeof REWARD_FAST_EXACT_TOLERANCE;
  metrics: Record<string, Interval & { values: number[] }>;
  groups: Record<string, { kind: string; role: string; metrics: Record<string, Interval & { values: number[] }> }>;
  verdicts: Verdict[];
  /** The verdict rule the outcomes follow (measure/metrics.ts `VERDICT_RULE`). */
  verdictRule: string;
  /** Every verdict's outcome is "pass". */
  pass: boolean;
  files: string[];
  /** Present when the run was checked on the EVM (`--mode evm`). */
  evm?: EvmCheckSummary;
  /** Exact and EVM modes: the engine's exact check of each replicate, wei as decimal strings. */
  exactChecks?: ExactCheckSummary[];
  /**
   * Present (false) only when the run used what the contracts cannot express (a simulation-only emission formula,
   * simulation/emissionFormula.ts); absent means the scenario's protocol can be deployed as simulated.
   */
  onChainExpressible?: false;
  /** Why the contracts cannot express the run (with `onChainExpressible`). */
  onChainReason?: string;
}

/** One replicate's exact check as summary.json records it (see ExactCheck in engine.ts). */
export interface ExactCheckSummary {
  run: number;
  /** Σ rewards paid (wei). */
  paidWei: string;
  /** Dust carried at the end (wei). */
  dustWei: string;
  /** Σ device pool funded by the controller (wei). */
  devicePoolWei: string;
  /** paidWei + dustWei = devicePoolWei exactly. */
  conserved: boolean;
  /** Largest per-epoch |exact − fast kernel| payout on the same inputs (wei), and the most rewarded devices. */
  maxEpochDiffWei: number;
  maxDevices: number;
}

function exactChecksOf(results: RunResult[]): ExactCheckSummary[] | undefined {
  if (results.some((r) => r.exactCheck === undefined)) return undefined;
  return results.map((r) => {
    const c = r.exactCheck!;
    return {
      run: r.replicate,
      paidWei: c.exactPaidWei.toString(),
      dustWei: c.dustWei.toString(),
      devicePoolWei: c.devicePoolWei.toString(),
      conserved: c.conserved,
      maxEpochDiffWei: c.maxEpochDiffWei,
      maxDevices: c.maxDevices,
    };
  });
}

function withValues(interval: Interval, values: Array<number | null>): Interval & { values: number[] } {
  return { ...interval, values: values.filter((v): v is number => v !== null && Number.isFinite(v)) };
}

/** Summary of replicate results (pure; used by the CLI and tests). */
export function summarise(
  scenario: Scenario,
  source: string,
  results: RunResult[],
  mode: EngineMode,
  command: string,
): Summary {
  const metrics: Summary["metrics"] = {};
  for (const key of HEADLINE_METRICS) {
    const values = results.map((r) => r.metrics[key]);
    metrics[key] = withValues(metricInterval(key, values), values);
  }
  const groups: Summary["groups"] = {};
  for (const [idx, row] of results[0].groups.entries()) {
    const m: Record<string, Interval & { values: number[] }> = {};
    for (const key of GROUP_SUMMARY_METRICS) {
      const values = results.map((r) => r.groups[idx][key] as number | null);
      m[key] = withValues(meanInterval(values, GROUP_METRIC_RANGE[key]), values);
    }
    groups[row.agent] = { kind: row.kind, role: row.role, metrics: m };
  }
  const verdicts = scenario.verdicts.map((v) => verdict(v, metrics[v.metric]));
  const exactChecks = exactChecksOf(results);
  const onChain = onChainExpressibility(scenario.emission);
  return {
    schema: "depin-lab/simulation-summary@1",
    scenario: { name: scenario.name, description: scenario.description, source, hash: scenarioHash(scenario) },
    seed: scenario.seed,
    replicateSeeds: replicateSeeds(scenario.seed, scenario.runs),
    runs: scenario.runs,
    epochs: scenario.epochs,
    epochLengthSeconds: scenario.epochLengthSeconds,
    version: packageVersion(),
    commit: gitCommit(),
    mode,
    command,
    rewardTolerance: REWARD_FAST_EXACT_TOLERANCE,
    metrics,
    groups,
    verdicts,
    verdictRule: VERDICT_RULE,
    pass: verdicts.every((v) => v.pass),
    files: hasAdaptiveFarmers(scenario) ? [...RUN_FILES, "strategies.csv"] : RUN_FILES,
    ...(exactChecks ? { exactChecks } : {}),
    ...(onChain.expressible ? {} : { onChainExpressible: false as const, onChainReason: onChain.reason }),
  };
}

/** Run every replicate of a scenario, its series kept in memory (tests; `simulate` streams them instead). */
export function runAll(
  scenario: Scenario,
  mode: EngineMode = "fast",
  onReplicate?: (done: number, total: number) => void,
): RunResult[] {
  const supply = supplyOf(scenario);
  const results: RunResult[] = [];
  for (let r = 0; r < scenario.runs; r++) {
    results.push(runReplicate(scenario, supply, r, { series: true, mode }));
    onReplicate?.(r + 1, scenario.runs);
  }
  return results;
}

/**
 * Run every replicate with its series streamed into `files` as it runs (RunResults come back with empty series
 * arrays): memory does not grow with the epochs.
 */
export function runAllStreamed(
  scenario: Scenario,
  mode: EngineMode,
  files: RunSeriesFiles,
  onReplicate?: (done: number, total: number) => void,
): RunResult[] {
  const supply = supplyOf(scenario);
  const seeds = replicateSeeds(scenario.seed, scenario.runs);
  const results: RunResult[] = [];
  for (let r = 0; r < scenario.runs; r++) {
    const sink = files.sink(r, seeds[r]);
    const result = runReplicate(scenario, supply, r, { series: true, mode, sink });
    if (result.seed !== seeds[r]) throw new Error(`replicate ${r}: seed ${result.seed}, expected ${seeds[r]}`);
    sink.flush();
    results.push(result);
    onReplicate?.(r + 1, scenario.runs);
  }
  return results;
}

/**
 * Run the replicates on `workers` threads (one pool; results gathered in replicate order, so outputs do not depend
 * on the number of workers). Falls back to the calling thread for one worker or one replicate. With `files`, every
 * replicate's series are streamed: a worker writes its replicate's part files, appended to `files` in replicate
 * order as soon as all earlier replicates are in; without, they come back in memory.
 */
export async function runAllParallel(
  nameOrFile: string,
  overrides: Record<string, unknown>,
  scenario: Scenario,
  mode: EngineMode,
  workers: number,
  onReplicate?: (done: number, total: number) => void,
  files?: RunSeriesFiles,
): Promise<RunResult[]> {
  const runs = scenario.runs;
  const count = Math.max(1, Math.min(workers, runs));
  if (count === 1)
    return files ? runAllStreamed(scenario, mode, files, onReplicate) : runAll(scenario, mode, onReplicate);
  const results: RunResult[] = new Array(runs);
  const parts: Array<{ paths: PartPaths; counts?: Partial<Record<SeriesName, number>> }> = [];
  let merged = 0;
  let done = 0;
  await runOnPool<{ id: number; result: RunResult; counts?: Partial<Record<SeriesName, number>>; error?: string }>({
    scenario: nameOrFile,
    base: overrides,
    workers: count,
    tasks: runs,
    message: (replicate) => {
      if (files) parts[replicate] = { paths: files.partPaths(replicate) };
      return {
        type: "task",
        task: { id: replicate, point: 0, replicate },
        overrides: {},
        full: { mode, ...(files ? { parts: parts[replicate].paths } : {}) },
      };
    },
    onResult: (reply) => {
      results[reply.id] = reply.result;
      if (files) {
        parts[reply.id].counts = reply.counts;
        while (merged < runs && results[merged] !== undefined) {
          files.appendParts(parts[merged].paths, parts[merged].counts);
          merged++;
        }
      }
      onReplicate?.(++done, runs);
    },
  });
  return results;
}

/**
 * Write the run files of OUTPUTS.md into `dir`. The series files come from `series` (already streamed by
 * {@link runAllStreamed} or the pool) or, without it, from the results' in-memory series (written through the same
 * streaming writer, so the bytes are the same). Every file is written to a temporary name and renamed into place
 * only when all are complete; summary.json last.
 */
export function writeRunOutputs(
  dir: string,
  scenario: Scenario,
  summary: Summary,
  results: RunResult[],
  series?: RunSeriesFiles,
): void {
  const files = series ?? RunSeriesFiles.open(dir, summary.mode, hasAdaptiveFarmers(scenario));
  try {
    if (series === undefined) {
      for (const r of results) {
        const sink = files.sink(r.replicate, r.seed);
        for (const row of r.groupSeries) sink.group(row);
        for (const row of r.networkSeries) sink.network(row);
        for (const row of r.strategySeries) sink.strategy(row);
      }
    }
    const tag = (r: RunResult) => ({ run: r.replicate, seed: r.seed });
    writeCsv(
      path.join(dir, "groups.csv"),
      GROUP_COLUMNS,
      results.flatMap((r) => r.groups.map((row) => ({ ...tag(r), ...row }))),
    );
    writeCsv(
      path.join(dir, "lorenz.csv"),
      LORENZ_COLUMNS,
      results.flatMap((r) => r.lorenz.map((row) => ({ ...tag(r), ...row }))),
    );
    files.commit();
  } catch (err) {
    files.abort();
    throw err;
  }
  writeFileAtomic(path.join(dir, "scenario.resolved.json"), canonicalJson(scenario));
  writeJson(path.join(dir, "summary.json"), summary);
}

/**
 * Default worker count for `simulate`: all cores when the run is big enough to repay thread start-up
 * (≈ 2e7 device-epochs across replicates), else 1.
 */
export function defaultWorkers(scenario: Scenario): number {
  const deviceEpochs = initialDevices(scenario) * scenario.epochs * scenario.runs;
  return scenario.runs > 1 && deviceEpochs >= 2e7 ? Math.max(1, os.availableParallelism?.() ?? os.cpus().length) : 1;
}

/** Load, run and write a scenario; returns the summary and the output directory. */
export async function simulate(
  options: SimulateOptions,
): Promise<{ summary: Summary; dir: string; results: RunResult[] }> {
  const overrides = options.overrides ?? {};
  const { scenario, source } = loadScenario(options.scenario, overrides);
  const mode = options.mode ?? "fast";
  const workers = options.workers ?? defaultWorkers(scenario);
  if (mode === "evm" && options.runner === undefined)
    throw new Error("simulate: evm mode needs a runner (scripts/evm)");
  if (mode === "evm") requireOnChainEmission(scenario.emission);
  const dir = options.out ?? path.join("out", scenario.name);
  // EVM runs come back in memory (short runs, another process's ledger); the engine's replicates stream their series.
  const streamed = options.runner ? undefined : RunSeriesFiles.open(dir, mode, hasAdaptiveFarmers(scenario));
  try {
    const outcome = options.runner
      ? await options.runner(scenario)
      : {
          results: await runAllParallel(
            options.scenario,
            overrides,
            scenario,
            mode,
            workers,
            options.onReplicate,
            streamed,
          ),
        };
    const results = outcome.results;
    const command = simulateCommand({
      scenario: options.scenario,
      overrides,
      epochs: scenario.epochs,
      runs: scenario.runs,
      seed: scenario.seed,
      mode,
    });
    const summary = summarise(scenario, source, results, mode, command);
    if ("evm" in outcome) summary.evm = outcome.evm;
    writeRunOutputs(dir, scenario, summary, results, streamed);
    return { summary, dir, results };
  } catch (err) {
    streamed?.abort();
    throw err;
  }
}
