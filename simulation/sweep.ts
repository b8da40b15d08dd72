/**
 * Parameter sweeps: a cartesian grid of `--param key=v1,v2,…` lists × Monte Carlo replicates, run on one pool of
 * worker threads kept busy for the whole sweep. Rows stream to disk in point order (a small reorder buffer absorbs
 * out-of-order completions); only per-point aggregates stay in memory, so a 10,000-point sweep runs in bounded
 * memory. `--shard i/n` runs a contiguous slice of points; `merge` joins shards. Ctrl-C keeps completed points and a
 * rerun of the same command resumes after them.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { progressBar } from "./io/progress";
import { runOnPool } from "./io/pool";
import { HEADLINE_METRICS, metricInterval, VERDICT_RULE, type MetricValues } from "./measure/metrics";
import { sweepCommandLine } from "./io/reproduce";
import { csvText, gitCommit, packageVersion, writeFileAtomic, writeJson } from "./output";
import { onChainExpressibility, type OffChainPoint } from "./emissionSpec";
import { replicateSeeds } from "./random";
import { canonicalJson, loadScenario, parseValue, scenarioHash, type Scenario, type VerdictSpec } from "./scenario";

export interface SweepParam {
  key: string;
  values: unknown[];
}

export interface Shard {
  index: number;
  count: number;
}

export interface SweepManifest {
  schema: "depin-lab/sweep@1";
  scenario: { name: string; source: string; hash: string };
  /** Cartesian grid: points in row-major order, the last parameter varying fastest. */
  grid: "cartesian";
  params: SweepParam[];
  points: number;
  runs: number;
  seed: number;
  replicateSeeds: number[];
  shard: { index: number; count: number; firstPoint: number; endPoint: number } | null;
  /** Identifies the sweep (scenario, grid, runs) for resume and merge. */
  sweepHash: string;
  /** The command that regenerates the sweep (see io/reproduce.ts). */
  command: string;
  /** The scenario's fairness thresholds, judged by `verdictRule`, so the report needs no scenario file. */
  thresholds: VerdictSpec[];
  verdictRule: string;
  /** The base scenario as resolved (defaults applied, --runs/--seed/--epochs set; each point overrides the levers). */
  resolvedScenario: Scenario;
  /** The points of this sweep (or shard) that are simulation only, not deployable as simulated (absent: none). */
  offChainPoints?: OffChainPoint[];
  version: string;
  commit: string;
  completedPoints: number;
  complete: boolean;
  files: string[];
}

/** A sweep that cannot run or merge as asked (bad grid, shard or shard set); the CLI prints it as a usage error. */
export class SweepError extends Error {
  override name = "SweepError";
}

/** Parse `key=v1,v2,…` (values as JSON where they parse, e.g. numbers, booleans; else strings). */
export function parseParam(text: string): SweepParam {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new SweepError(`--param: expected key=v1,v2,…, got "${text}"`);
  const key = text.slice(0, eq).trim();
  const list = text.slice(eq + 1);
  const values = list.trim().startsWith("[")
    ? (parseValue(list) as unknown[])
    : list.split(",").map((v) => parseValue(v.trim()));
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => v === "")) {
    throw new SweepError(`--param ${key}: expected a non-empty comma-separated list of values`);
  }
  return { key, values };
}

/** Number of points of the cartesian grid. */
export function gridSize(params: readonly SweepParam[]): number {
  return params.reduce((n, p) => n * p.values.length, 1);
}

/** Overrides of point `index` (row-major: the last parameter varies fastest). */
export function pointOverrides(params: readonly SweepParam[], index: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  let rest = index;
  for (let k = params.length - 1; k >= 0; k--) {
    const p = params[k];
    o[p.key] = p.values[rest % p.values.length];
    rest = Math.floor(rest / p.values.length);
  }
  return o;
}

/** `i/n` → shard; points [⌊i·P/n⌋, ⌊(i+1)·P/n⌋). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) {
    throw new SweepError(`--shard: expected i/n with 0 ≤ i < n, got "${text}"`);
  }
  return { index: Number(m[1]), count: Number(m[2]) };
}

export function shardRange(points: number, shard: Shard | null): [number, number] {
  if (!shard) return [0, points];
  return [Math.floor((shard.index * points) / shard.count), Math.floor(((shard.index + 1) * points) / shard.count)];
}

const cellText = (v: unknown): string | number | boolean | null =>
  typeof v === "number" || typeof v === "boolean" || v === null ? v : typeof v === "string" ? v : JSON.stringify(v);

export function rowColumns(params: readonly SweepParam[]): string[] {
  return ["point", "replicate", "seed", ...params.map((p) => p.key), ...HEADLINE_METRICS];
}

export function pointColumns(params: readonly SweepParam[]): string[] {
  return [
    "point",
    ...params.map((p) => p.key),
    "n",
    ...HEADLINE_METRICS.flatMap((m) => [`${m}_mean`, `${m}_lo`, `${m}_hi`]),
  ];
}

export interface SweepOptions {
  scenario: string;
  params: SweepParam[];
  /** Overrides applied to every point (e.g. --runs/--seed/--epochs). */
  base: Record<string, unknown>;
  workers: number;
  shard: Shard | null;
  out?: string;
  quiet: boolean;
  /** Stop after this many points (tests of interruption). */
  stopAfterPoints?: number;
}

interface Task {
  id: number;
  point: number;
  replicate: number;
}

interface TaskResult {
  id: number;
  metrics: MetricValues;
  seed: number;
  error?: string;
}

/** Validate every point before anything runs; returns the base scenario. */
/** Loads every point of [first, end) (a bad one is a SweepError naming it); lists those the contracts cannot run. */
function validateGrid(
  options: SweepOptions,
  first: number,
  end: number,
): { scenario: Scenario; source: string; offChain: OffChainPoint[] } {
  const base = loadScenario(options.scenario, options.base);
  const offChain: OffChainPoint[] = [];
  for (let p = first; p < end; p++) {
    let point: Scenario;
    try {
      point = loadScenario(options.scenario, { ...options.base, ...pointOverrides(options.params, p) }).scenario;
    } catch (err) {
      throw new SweepError(
        `sweep point ${p} (${JSON.stringify(pointOverrides(options.params, p))}): ${(err as Error).message}`,
        { cause: err },
      );
    }
    const onChain = onChainExpressibility(point.emission);
    if (!onChain.expressible) offChain.push({ point: p, reason: onChain.reason });
  }
  return { ...base, offChain };
}

/** Run a sweep (or one shard of it). Resolves with the manifest; `interrupted` when stopped early. */
export async function runSweep(
  options: SweepOptions,
): Promise<{ manifest: SweepManifest; dir: string; interrupted: boolean }> {
  const params = options.params;
  const points = gridSize(params);
  const [first, end] = shardRange(points, options.shard);
  const { scenario, source, offChain } = validateGrid(options, first, end);
  const runs = scenario.runs;
  const dir =
    options.out ??
    path.join(
      "out",
      `sweep-${scenario.name}${options.shard ? `-shard${options.shard.index}of${options.shard.count}` : ""}`,
    );
  const sweepHash = createHash("sha256")
    .update(JSON.stringify({ scenario: scenarioHash(scenario), params, runs, shard: options.shard }))
    .digest("hex");
  const manifest: SweepManifest = {
    schema: "depin-lab/sweep@1",
    scenario: { name: scenario.name, source, hash: scenarioHash(scenario) },
    grid: "cartesian",
    params,
    points,
    runs,
    seed: scenario.seed,
    replicateSeeds: replicateSeeds(scenario.seed, runs),
    shard: options.shard ? { ...options.shard, firstPoint: first, endPoint: end } : null,
    sweepHash,
    command: sweepCommandLine({
      scenario: options.scenario,
      overrides: {},
      params,
      epochs: scenario.epochs,
      runs,
      seed: scenario.seed,
      shard: options.shard,
    }),
    thresholds: scenario.verdicts,
    verdictRule: VERDICT_RULE,
    resolvedScenario: JSON.parse(canonicalJson(scenario)) as Scenario,
    ...(offChain.length > 0 ? { offChainPoints: offChain } : {}),
    version: packageVersion(),
    commit: gitCommit(),
    completedPoints: 0,
    complete: false,
    files: ["sweep.json", "sweep.csv", "sweep-points.csv"],
  };
  fs.mkdirSync(dir, { recursive: true });
  const rowsPartial = path.join(dir, "sweep.partial.csv");
  const pointsPartial = path.join(dir, "sweep-points.partial.csv");
  const manifestFile = path.join(dir, "sweep.json");
  const rowCols = rowColumns(params);
  const pointCols = pointColumns(params);

  // ---- resume ------------------------------------------------------------------------------------------------
  let donePoints = 0;
  if (fs.existsSync(manifestFile) && fs.existsSync(pointsPartial) && fs.existsSync(rowsPartial)) {
    const old = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as SweepManifest;
    if (old.sweepHash === sweepHash && !old.complete) {
      donePoints = countLines(pointsPartial) - 1;
      truncateToLines(pointsPartial, donePoints + 1);
      truncateToLines(rowsPartial, 1 + donePoints * runs);
    } else if (old.sweepHash !== sweepHash && !old.complete) {
      const changed = [
        old.runs !== runs ? `--runs ${old.runs} → ${runs}` : "",
        JSON.stringify(old.params) !== JSON.stringify(params) ? "the --param grid" : "",
        old.scenario?.hash !== scenarioHash({ ...scenario, runs: old.runs }) ? "the scenario (or --seed/--epochs)" : "",
        JSON.stringify(old.shard && [old.shard.index, old.shard.count]) !==
        JSON.stringify(options.shard && [options.shard.index, options.shard.count])
          ? "the --shard"
          : "",
      ].filter((x) => x !== "");
      process.stderr.write(
        `sweep: ${dir}/ holds an unfinished sweep with other settings (${changed.join(", ") || "a different sweep"}), ` +
          `so its ${old.completedPoints} completed points cannot be reused: starting over. ` +
          `Rerun with the earlier settings (sweep.json "command") to resume it instead.\n`,
      );
    }
  }
  if (donePoints <= 0) {
    donePoints = 0;
    writeFileAtomic(rowsPartial, csvText(rowCols, []));
    writeFileAtomic(pointsPartial, csvText(pointCols, []));
  }
  manifest.completedPoints = donePoints;
  writeJson(manifestFile, manifest);

  const startPoint = first + donePoints;
  const lastPoint = options.stopAfterPoints !== undefined ? Math.min(end, startPoint + options.stopAfterPoints) : end;
  // tasks are generated lazily from an index so a huge grid costs no memory
  const totalTasks = (lastPoint - startPoint) * runs;
  const taskAt = (id: number): Task => ({ id, point: startPoint + Math.floor(id / runs), replicate: id % runs });

  const workerCount = Math.max(1, Math.min(options.workers, totalTasks));
  if (!options.quiet) {
    process.stderr.write(
      `sweep ${scenario.name}: ${params.map((p) => `${p.key} (${p.values.length})`).join(" × ")} = ${points} points (cartesian grid)` +
        `${options.shard ? `, shard ${options.shard.index}/${options.shard.count} = points ${first}–${end - 1}` : ""}` +
        ` × ${runs} replicates = ${(end - first) * runs} runs` +
        `${donePoints > 0 ? `, resuming after ${donePoints} completed points` : ""}; ${workerCount} worker thread(s) → ${dir}/\n`,
    );
  }

  // ---- the pool ----------------------------------------------------------------------------------------------
  const rowsFd = fs.openSync(rowsPartial, "a");
  const pointsFd = fs.openSync(pointsPartial, "a");
  const buffer = new Map<number, TaskResult>();
  let nextToWrite = 0;
  let pointMetrics: MetricValues[] = [];
  let interrupted = false;
  let failure: Error | undefined;
  const bar = progressBar(totalTasks, "runs", options.quiet === true);

  const flush = (): void => {
    while (buffer.has(nextToWrite)) {
      const result = buffer.get(nextToWrite) as TaskResult;
      buffer.delete(nextToWrite);
      const task = taskAt(nextToWrite);
      const overrides = pointOverrides(params, task.point);
      const row: Record<string, string | number | boolean | null> = {
        point: task.point,
        replicate: task.replicate,
        seed: result.seed,
      };
      for (const p of params) row[p.key] = cellText(overrides[p.key]);
      for (const m of HEADLINE_METRICS) row[m] = result.metrics[m];
      fs.writeSync(rowsFd, csvText(rowCols, [row], false));
      pointMetrics.push(result.metrics);
      if (pointMetrics.length === runs) {
        const prow: Record<string, string | number | boolean | null> = { point: task.point, n: runs };
        for (const p of params) prow[p.key] = cellText(overrides[p.key]);
        for (const m of HEADLINE_METRICS) {
          const i = metricInterval(
            m,
            pointMetrics.map((x) => x[m]),
          );
          prow[`${m}_mean`] = i.mean;
          prow[`${m}_lo`] = i.lo;
          prow[`${m}_hi`] = i.hi;
        }
        fs.writeSync(pointsFd, csvText(pointCols, [prow], false));
        pointMetrics = [];
        manifest.completedPoints++;
      }
      nextToWrite++;
      bar?.increment();
    }
  };

  try {
    ({ interrupted } = await runOnPool<TaskResult>({
      scenario: options.scenario,
      base: options.base,
      workers: workerCount,
      tasks: totalTasks,
      message: (index) => {
        const task = taskAt(index);
        return { type: "task", task, overrides: pointOverrides(params, task.point) };
      },
      onResult: (reply) => {
        buffer.set(reply.id, reply);
        flush();
      },
      // bound the reorder buffer: never run too far ahead of the oldest unwritten task
      mayDispatch: (index) => index - nextToWrite < workerCount * 64,
      inFlight: 2,
      stopOnSigint: true,
    }));
  } catch (err) {
    failure = err instanceof Error ? new Error(`sweep ${err.message}`, { cause: err }) : new Error(String(err));
  }
  bar?.stop();
  fs.closeSync(rowsFd);
  fs.closeSync(pointsFd);
  if (failure) throw failure;

  const completeAll = !interrupted && first + manifest.completedPoints === end;
  manifest.complete = completeAll;
  if (completeAll) {
    fs.renameSync(rowsPartial, path.join(dir, "sweep.csv"));
    fs.renameSync(pointsPartial, path.join(dir, "sweep-points.csv"));
  }
  writeJson(manifestFile, manifest);
  return { manifest, dir, interrupted: !completeAll };
}

function countLines(file: string): number {
  const text = fs.readFileSync(file, "utf8");
  return text.split("\n").length - 1;
}

/** Keep the first `lines` complete lines of a file. */
function truncateToLines(file: string, lines: number): void {
  const text = fs.readFileSync(file, "utf8");
  let pos = 0;
  for (let k = 0; k < lines; k++) {
    const next = text.indexOf("\n", pos);
    if (next < 0) break;
    pos = next + 1;
  }
  fs.truncateSync(file, pos);
}

/** Merge shard directories (same sweep, disjoint slices covering every point) into `out`. */
export function mergeShards(dirs: string[], out: string): SweepManifest {
  if (dirs.length === 0) throw new SweepError("merge: give the shard directories to merge");
  const manifests = dirs.map((d) => {
    const file = path.join(d, "sweep.json");
    if (!fs.existsSync(file)) throw new SweepError(`merge: ${d} has no sweep.json`);
    const m = JSON.parse(fs.readFileSync(file, "utf8")) as SweepManifest;
    if (!m.complete)
      throw new SweepError(`merge: ${d} is not complete (${m.completedPoints} points done); resume it first`);
    return { dir: d, m };
  });
  const key = (m: SweepManifest) => JSON.stringify([m.scenario.hash, m.params, m.runs, m.shard?.count ?? 1]);
  for (const { dir, m } of manifests) {
    if (key(m) !== key(manifests[0].m))
      throw new SweepError(`merge: ${dir} belongs to a different sweep than ${manifests[0].dir}`);
  }
  manifests.sort((a, b) => (a.m.shard?.firstPoint ?? 0) - (b.m.shard?.firstPoint ?? 0));
  let expected = 0;
  for (const { dir, m } of manifests) {
    const [f, e] = m.shard ? [m.shard.firstPoint, m.shard.endPoint] : [0, m.points];
    if (f !== expected) throw new SweepError(`merge: points ${expected}–${f - 1} are missing or overlap at ${dir}`);
    expected = e;
  }
  if (expected !== manifests[0].m.points)
    throw new SweepError(`merge: points ${expected}–${manifests[0].m.points - 1} are missing`);
  fs.mkdirSync(out, { recursive: true });
  for (const file of ["sweep.csv", "sweep-points.csv"]) {
    const target = path.join(out, file);
    const tmp = `${target}.tmp-${process.pid}`;
    const fd = fs.openSync(tmp, "w");
    manifests.forEach(({ dir }, k) => {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      fs.writeSync(fd, k === 0 ? text : text.slice(text.indexOf("\n") + 1));
    });
    fs.closeSync(fd);
    fs.renameSync(tmp, target);
  }
  const first = manifests[0].m;
  const merged: SweepManifest = {
    ...first,
    shard: null,
    command: first.command.replace(/ --shard \d+\/\d+/, ""),
    sweepHash: createHash("sha256")
      .update(JSON.stringify({ merged: manifests.map((x) => x.m.sweepHash) }))
      .digest("hex"),
    completedPoints: first.points,
    complete: true,
  };
  const offChain = manifests.flatMap(({ m }) => m.offChainPoints ?? []);
  if (offChain.length > 0) merged.offChainPoints = offChain;
  else delete merged.offChainPoints;
  writeJson(path.join(out, "sweep.json"), merged);
  return merged;
}
