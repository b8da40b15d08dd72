/**
 * Reads a run directory or a sweep directory written by the simulator (format: simulation/OUTPUTS.md) into the
 * report's model, validating every file with zod. A missing or garbled file is an error naming the file and field.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { csvHeader, forEachCsvRow, numberCell, optionalNumberCell, readCsvRows, textCell } from "./csv";
import type {
  GroupRole,
  GroupRow,
  EpochRow,
  LorenzPoint,
  MetricRow,
  Report,
  RunReport,
  SweepPoint,
  SweepReport,
} from "./model";
import { metricInfo } from "./glossary";
import { offChainSummary, onChainExpressibility } from "../emissionSpec";
import type { LorenzColumn, NetworkColumn, TimeseriesColumn } from "../io/outputs";
import { type Comparator, type Estimate, type Threshold } from "./verdicts";

export const SUMMARY_SCHEMA_ID = "depin-lab/simulation-summary@1";

const nullableNumber = z.number().nullable();

/** `{mean, lo, hi, sd, n, values}`; mean/lo/hi/sd are null when the metric is undefined in every replicate. */
const EstimateJson = z.object({
  mean: nullableNumber,
  lo: nullableNumber,
  hi: nullableNumber,
  sd: nullableNumber.optional(),
  n: z.number().int().nonnegative(),
  values: z.array(z.number()).optional(),
});

const ComparatorJson = z.enum(["<=", ">=", "<", ">", "between"]);

const VerdictJson = z.object({
  metric: z.string().min(1),
  comparator: ComparatorJson,
  threshold: z.union([z.number(), z.tuple([z.number(), z.number()])]),
  value: nullableNumber.optional(),
  interval: z.tuple([nullableNumber, nullableNumber]),
  outcome: z.enum(["pass", "marginal", "fail", "missing"]),
  pass: z.boolean(),
});

const Seed = z.union([z.number(), z.string()]);

export const SummaryJson = z.object({
  schema: z.literal(SUMMARY_SCHEMA_ID),
  scenario: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    source: z.string().optional(),
    hash: z.string().optional(),
  }),
  seed: Seed,
  replicateSeeds: z.array(Seed).optional(),
  runs: z.number().int().positive(),
  epochs: z.number().int().nonnegative(),
  epochLengthSeconds: z.number().positive().optional(),
  version: z.string(),
  commit: z.string(),
  command: z.string().min(1),
  mode: z.string(),
  /** Present when the run was checked on the EVM (`--mode evm`). */
  evm: z
    .object({
      network: z.string(),
      chainId: z.string(),
      epochsChecked: z.number().int().nonnegative(),
      transactions: z.number().int().nonnegative(),
      blocks: z.number().int().nonnegative(),
      checked: z.string(),
    })
    .optional(),
  /** Present (false) when the run used what the contracts cannot express (a simulation-only emission formula). */
  onChainExpressible: z.literal(false).optional(),
  onChainReason: z.string().optional(),
  metrics: z.record(z.string(), EstimateJson),
  groups: z.record(
    z.string(),
    z.object({
      kind: z.string(),
      role: z.enum(["honest", "farmer"]),
      metrics: z.record(z.string(), EstimateJson),
    }),
  ),
  verdicts: z.array(VerdictJson),
  pass: z.boolean(),
  files: z.array(z.string()).optional(),
});
export type SummaryJson = z.infer<typeof SummaryJson>;

/** Reads and validates a JSON file; errors name the file and the field path. */
export function readJsonFile<T>(file: string, schema: z.ZodType<T>, label = path.basename(file)): T {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${label}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${label}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${label}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `field "${issue.path.map(String).join(".") || "(root)"}": ${issue.message}`)
    .join("; ");
}

function readText(dir: string, name: string): string {
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
      cause: err,
    });
  }
}

function estimateOf(json: z.infer<typeof EstimateJson> | undefined): Estimate | undefined {
  if (json === undefined || json.mean === null) return undefined;
  return { mean: json.mean, lo: json.lo ?? undefined, hi: json.hi ?? undefined, n: json.n };
}

function thresholdOf(
  v: Pick<z.infer<typeof VerdictJson>, "metric" | "comparator" | "threshold">,
  index: number,
): Threshold {
  const info = metricInfo(v.metric);
  const op: Comparator = v.comparator;
  if (op === "between") {
    if (!Array.isArray(v.threshold)) {
      throw new Error(
        `summary.json: field "verdicts.${index}.threshold": "between" needs [min, max], got ${v.threshold}`,
      );
    }
    return { metric: v.metric, label: info.label, op, value: v.threshold[0], max: v.threshold[1], unit: info.unit };
  }
  if (Array.isArray(v.threshold)) {
    throw new Error(
      `summary.json: field "verdicts.${index}.threshold": "${op}" needs a number, got [${v.threshold.join(", ")}]`,
    );
  }
  return { metric: v.metric, label: info.label, op, value: v.threshold, unit: info.unit };
}

/** Mean of the defined values; undefined when none is defined. */
function mean(values: (number | undefined)[]): number | undefined {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === undefined || Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n === 0 ? undefined : sum / n;
}

const NETWORK_CELLS = {
  run: numberCell,
  epoch: numberCell,
  price: optionalNumberCell,
  emission: numberCell,
  cumulative: numberCell,
  cap: optionalNumberCell,
  burned: optionalNumberCell,
  circulating: optionalNumberCell,
  leakage: optionalNumberCell,
} satisfies Partial<Record<NetworkColumn, z.ZodType>>;

const TIMESERIES_CELLS = {
  run: numberCell,
  epoch: numberCell,
  agent: textCell,
  rewardTokens: numberCell,
  captureRatio: optionalNumberCell,
} satisfies Partial<Record<TimeseriesColumn, z.ZodType>>;

const LORENZ_CELLS = {
  run: numberCell,
  series: textCell,
  point: numberCell,
  population: numberCell,
  share: numberCell,
} satisfies Partial<Record<LorenzColumn, z.ZodType>>;

/**
 * The most rows the reader keeps of a run's per-epoch series: a longer run is read in buckets of
 * ⌈epochs / READ_RESOLUTION⌉ consecutive epochs (see {@link readRun}), so a million-epoch run is read in flat memory.
 */
export const READ_RESOLUTION = 2000;

/** Running sums of a bucket of network.csv rows (a bucket of one epoch when the run is short). */
interface NetworkBucket {
  firstEpoch: number;
  lastEpoch: number;
  /** Sum and count of the defined values of each averaged column over the bucket's rows. */
  sums: Record<"emission" | "burned" | "price" | "leakage", [number, number]>;
  /** Sum and count of the defined values of each "last" column over the rows of the bucket's last epoch. */
  last: Record<"cumulative" | "circulating" | "cap", [number, number]>;
  rewards: Map<string, number>;
  capture: Map<string, [number, number]>;
}

const addTo = (acc: [number, number], v: number | undefined): void => {
  if (v === undefined || Number.isNaN(v)) return;
  acc[0] += v;
  acc[1]++;
};
const meanOf = (acc: [number, number]): number | undefined => (acc[1] === 0 ? undefined : acc[0] / acc[1]);

/**
 * Reads one scenario run directory. The series files are streamed (never read whole) and averaged over replicates;
 * a run longer than {@link READ_RESOLUTION} epochs is read per bucket of `epochsPerRow` epochs, each row standing for
 * its bucket: per-epoch flows (emission, burned, rewards), price, leakage and capture are the bucket's mean per epoch
 * (over epochs and replicates); cumulative supply, circulating supply and cap are the mean over replicates at the
 * bucket's last epoch. A run of at most READ_RESOLUTION epochs is read epoch by epoch (one bucket per epoch).
 */
export function readRun(dir: string): RunReport {
  const summary = readJsonFile(path.join(dir, "summary.json"), SummaryJson);
  const warnings: string[] = [];
  const sources = ["summary.json", "network.csv", "timeseries.csv"];
  if (summary.onChainExpressible === false) {
    warnings.push(
      `Simulation only, not deployable as simulated: ${summary.onChainReason ?? "the contracts cannot express this run"}.`,
    );
  }
  const epochsPerRow = Math.max(1, Math.ceil(summary.epochs / READ_RESOLUTION));
  const bucketOf = (epoch: number): number => Math.floor(epoch / epochsPerRow);

  // Network series, averaged over replicates per epoch (per bucket of epochs).
  const buckets = new Map<number, NetworkBucket>();
  let networkRows = 0;
  forEachCsvRow(path.join(dir, "network.csv"), "network.csv", NETWORK_CELLS, (r) => {
    networkRows++;
    const key = bucketOf(r.epoch);
    let b = buckets.get(key);
    if (b === undefined) {
      b = {
        firstEpoch: r.epoch,
        lastEpoch: -Infinity,
        sums: { emission: [0, 0], burned: [0, 0], price: [0, 0], leakage: [0, 0] },
        last: { cumulative: [0, 0], circulating: [0, 0], cap: [0, 0] },
        rewards: new Map(),
        capture: new Map(),
      };
      buckets.set(key, b);
    }
    b.firstEpoch = Math.min(b.firstEpoch, r.epoch);
    addTo(b.sums.emission, r.emission);
    addTo(b.sums.burned, r.burned);
    addTo(b.sums.price, r.price);
    addTo(b.sums.leakage, r.leakage);
    if (r.epoch > b.lastEpoch) {
      b.lastEpoch = r.epoch;
      b.last = { cumulative: [0, 0], circulating: [0, 0], cap: [0, 0] };
    }
    if (r.epoch === b.lastEpoch) {
      addTo(b.last.cumulative, r.cumulative);
      addTo(b.last.circulating, r.circulating);
      addTo(b.last.cap, r.cap);
    }
  });
  if (networkRows === 0) throw new Error("network.csv: no rows, expected one per run and epoch");

  // Per-agent series, averaged over replicates per (epoch, agent) (per bucket of epochs).
  const agentNames = Object.keys(summary.groups);
  forEachCsvRow(path.join(dir, "timeseries.csv"), "timeseries.csv", TIMESERIES_CELLS, (r) => {
    const b = buckets.get(bucketOf(r.epoch));
    if (b === undefined || r.epoch < b.firstEpoch || r.epoch > b.lastEpoch)
      throw new Error(`timeseries.csv: epoch ${r.epoch} of agent "${r.agent}" is not in network.csv`);
    if (!(r.agent in summary.groups)) {
      throw new Error(
        `timeseries.csv: agent "${r.agent}" is not an agent group of summary.json (groups: ${agentNames.join(", ")})`,
      );
    }
    b.rewards.set(r.agent, (b.rewards.get(r.agent) ?? 0) + r.rewardTokens);
    let c = b.capture.get(r.agent);
    if (c === undefined) b.capture.set(r.agent, (c = [0, 0]));
    addTo(c, r.captureRatio);
  });

  let cap: number | undefined;
  const epochs: EpochRow[] = [...buckets.keys()]
    .sort((a, b) => a - b)
    .map((key) => {
      const b = buckets.get(key)!;
      const span = b.lastEpoch - b.firstEpoch + 1;
      const rowCap = meanOf(b.last.cap);
      if (rowCap !== undefined) cap = rowCap;
      const rewardsByGroup: Record<string, number> = {};
      const captureByGroup: Record<string, number> = {};
      // A replicate with no row for an epoch contributed nothing; average over all replicates (and epochs).
      for (const [agent, sum] of b.rewards)
        rewardsByGroup[agent] = span === 1 ? sum / summary.runs : sum / (summary.runs * span);
      for (const [agent, acc] of b.capture) {
        const v = meanOf(acc);
        if (v !== undefined) captureByGroup[agent] = v;
      }
      return {
        epoch: b.firstEpoch,
        ...(span > 1 ? { span } : {}),
        emission: meanOf(b.sums.emission)!,
        cumulative: meanOf(b.last.cumulative)!,
        circulating: meanOf(b.last.circulating),
        burned: meanOf(b.sums.burned),
        price: meanOf(b.sums.price),
        leakage: meanOf(b.sums.leakage),
        rewardsByGroup,
        captureByGroup,
      };
    });
  if (epochsPerRow > 1)
    warnings.push(
      `The run has ${summary.epochs} epochs: its series are read per ${epochsPerRow} epochs ` +
        "(flows, price and ratios: the mean per epoch over each bucket; cumulative and circulating supply: the value at " +
        "the bucket's last epoch); each chart states the resolution it is shown at.",
    );

  // Lorenz curve of pay per unit of work.
  let lorenz: LorenzPoint[] | undefined;
  sources.push("lorenz.csv");
  const lorenzRows = readCsvRows(readText(dir, "lorenz.csv"), "lorenz.csv", LORENZ_CELLS).filter(
    (r) => r.series === "payPerWork",
  );
  if (lorenzRows.length > 0) {
    const byPoint = groupBy(lorenzRows, (r) => r.point);
    lorenz = [...byPoint.keys()]
      .sort((a, b) => a - b)
      .map((p) => ({
        population: mean(byPoint.get(p)!.map((r) => r.population))!,
        share: mean(byPoint.get(p)!.map((r) => r.share))!,
      }));
  }

  const scenario = readJsonFile(path.join(dir, "scenario.resolved.json"), z.unknown());
  sources.push("scenario.resolved.json");

  const metrics: MetricRow[] = [];
  for (const [key, json] of Object.entries(summary.metrics)) {
    const estimate = estimateOf(json);
    const info = metricInfo(key);
    metrics.push({ key, label: info.label, unit: info.unit, estimate: estimate ?? { mean: NaN, n: 0 } });
  }

  const thresholds = summary.verdicts.map(thresholdOf);
  const groups: GroupRow[] = agentNames.map((name) => {
    const c = summary.groups[name];
    const m = c.metrics;
    return {
      name,
      kind: c.role as GroupRole,
      rewards: estimateOf(m.rewardShare),
      captureRatio: estimateOf(m.captureRatio),
      roi: estimateOf(m.roi),
      paybackEpochs: estimateOf(m.paybackEpochs),
      profit: estimateOf(m.profitUsd),
    };
  });
  // Honest groups first (stable), so charts and tables read honest → farmer.
  groups.sort((a, b) => Number(a.kind !== "honest") - Number(b.kind !== "honest"));

  const epochsPerYear = summary.epochLengthSeconds ? (365 * 86400) / summary.epochLengthSeconds : undefined;
  return {
    kind: "run",
    dir,
    name: summary.scenario.name,
    description: summary.scenario.description,
    scenario,
    reproduce: {
      command: summary.command,
      seed: String(summary.seed),
      version: summary.version,
      commit: summary.commit,
      replicates: summary.runs,
      checkedOnEvm: summary.evm
        ? `${summary.evm.epochsChecked} epoch(s) on the ${summary.evm.network} network (chain ${summary.evm.chainId}), ` +
          `${summary.evm.transactions} transactions in ${summary.evm.blocks} blocks; ${summary.evm.checked}`
        : undefined,
    },
    metrics,
    thresholds,
    cap,
    epochs,
    epochsPerRow,
    groups,
    lorenz,
    epochsPerYear,
    sources,
    warnings,
  };
}

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

// ---------------------------------------------------------------------------------------------------------------
// Sweeps

const LeverValueJson = z.union([z.number(), z.string(), z.boolean()]);
/** A swept value: a lever value, or an object or list (`--param key=[{…}, …]`) as the JSON text its CSV cells hold. */
const SweptValueJson = z.union([
  LeverValueJson,
  z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).transform((v) => JSON.stringify(v)),
]);
const ThresholdListJson = z.array(
  z.object({
    metric: z.string().min(1),
    comparator: ComparatorJson,
    threshold: z.union([z.number(), z.tuple([z.number(), z.number()])]),
  }),
);

/** `sweep.json` as simulation/sweep.ts writes it (schema depin-lab/sweep@1). */
const SweepJson = z.object({
  schema: z.literal("depin-lab/sweep@1"),
  scenario: z.object({ name: z.string().min(1), source: z.string(), hash: z.string() }),
  params: z
    .array(z.object({ key: z.string().min(1), values: z.array(SweptValueJson).min(1) }))
    .min(1, { message: "expected at least one swept parameter" }),
  points: z.number().int().nonnegative(),
  runs: z.number().int().positive(),
  seed: z.number(),
  replicateSeeds: z.array(z.number()),
  version: z.string(),
  commit: z.string(),
  command: z.string().min(1),
  complete: z.boolean(),
  completedPoints: z.number().int().nonnegative(),
  shard: z.object({ index: z.number(), count: z.number() }).passthrough().nullable(),
  thresholds: ThresholdListJson,
  resolvedScenario: z.record(z.string(), z.unknown()),
  offChainPoints: z.array(z.object({ point: z.number().int().nonnegative(), reason: z.string() })).optional(),
});

/** A lever cell: a number, else the text (booleans and names). */
const leverCell = z.string().transform((v) => {
  const t = v.trim();
  return t !== "" && Number.isFinite(Number(t)) ? Number(t) : t;
});

/** Reads one sweep directory (sweep.json + sweep-points.csv); a `baseline/` run directory inside is charted too. */
export function readSweep(dir: string): SweepReport {
  const manifest = readJsonFile(path.join(dir, "sweep.json"), SweepJson);
  const warnings: string[] = [];
  if (!manifest.complete) {
    warnings.push(
      `sweep.json says the sweep is not complete (${manifest.completedPoints} of ${manifest.points} points): some points may be missing.`,
    );
  }
  const emission = manifest.resolvedScenario.emission;
  let baseOnChain = true;
  if (emission !== null && typeof emission === "object") {
    const onChain = onChainExpressibility(emission as Parameters<typeof onChainExpressibility>[0]);
    baseOnChain = onChain.expressible;
    if (!onChain.expressible) warnings.push(`Simulation only, not deployable as simulated: ${onChain.reason}.`);
  }
  const offChain = manifest.offChainPoints ?? [];
  // points a --param made simulation only (with an off-chain base, only news when some points are on chain)
  if (offChain.length > 0 && (baseOnChain || offChain.length < manifest.points))
    warnings.push(`${offChainSummary(offChain, manifest.points)}.`);
  if (manifest.shard)
    warnings.push(
      `This is shard ${manifest.shard.index + 1} of ${manifest.shard.count}; merge the shards (sweep:merge) for the whole grid.`,
    );
  const paramList = manifest.params;
  const levers = paramList.map((p) => p.key);
  const text = readText(dir, "sweep-points.csv");
  const header = csvHeader(text, "sweep-points.csv");
  const metricKeys = header.filter((c) => c.endsWith("_mean")).map((c) => c.slice(0, -"_mean".length));
  if (metricKeys.length === 0) throw new Error(`sweep-points.csv: no "<metric>_mean" column in the header`);
  const shape: Record<string, z.ZodType> = { point: numberCell };
  for (const lever of levers) shape[lever] = leverCell;
  for (const m of metricKeys) {
    shape[`${m}_mean`] = optionalNumberCell;
    shape[`${m}_lo`] = optionalNumberCell;
    shape[`${m}_hi`] = optionalNumberCell;
  }
  if (header.includes("n")) shape.n = optionalNumberCell;
  const rows = readCsvRows(text, "sweep-points.csv", shape) as Record<string, number | string | undefined>[];
  const points: SweepPoint[] = rows.map((row) => {
    const params: Record<string, number | string> = {};
    for (const lever of levers) params[lever] = row[lever] as number | string;
    const metrics: Record<string, Estimate> = {};
    const n = row.n as number | undefined;
    for (const m of metricKeys) {
      const mean = row[`${m}_mean`] as number | undefined;
      if (mean === undefined) continue;
      metrics[m] = { mean, lo: row[`${m}_lo`] as number | undefined, hi: row[`${m}_hi`] as number | undefined, n };
    }
    return { params, metrics };
  });
  if (points.length === 0) throw new Error("sweep-points.csv: no rows, expected one per sweep point");
  if (!manifest.shard && points.length !== manifest.points) {
    warnings.push(`sweep.json lists ${manifest.points} points but sweep-points.csv has ${points.length}.`);
  }

  // Thresholds and the scenario as run come from the manifest itself: the report never reloads the scenario file.
  const sources = ["sweep.json", "sweep-points.csv"];
  const scenarioInfo = manifest.scenario;
  let baseline: RunReport | undefined;
  const baselineDir = path.join(dir, "baseline");
  if (fs.existsSync(path.join(baselineDir, "summary.json"))) baseline = readRun(baselineDir);
  const thresholds: Threshold[] = manifest.thresholds.map((t, i) => thresholdOf(t, i));
  if (thresholds.length === 0)
    warnings.push(
      "The sweep's scenario states no fairness thresholds: the frontier of passing settings cannot be drawn.",
    );
  return {
    kind: "sweep",
    dir,
    name: scenarioInfo.name,
    description:
      typeof manifest.resolvedScenario.description === "string" ? manifest.resolvedScenario.description : undefined,
    scenario: manifest.resolvedScenario,
    reproduce: {
      command: manifest.command,
      seed: String(manifest.seed),
      version: manifest.version,
      commit: manifest.commit,
      replicates: manifest.runs,
    },
    levers,
    thresholds,
    points,
    baseline,
    sources: [...sources, ...(baseline ? ["baseline/summary.json"] : [])],
    warnings,
  };
}

/** Reads a run or a sweep directory, whichever it is. */
export function readReportInput(dir: string): Report {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new Error(`${dir}: not a directory (expected a run or sweep output directory)`);
  if (fs.existsSync(path.join(dir, "summary.json"))) return readRun(dir);
  if (fs.existsSync(path.join(dir, "sweep.json"))) return readSweep(dir);
  throw new Error(`${dir}: neither summary.json (a run) nor sweep.json (a sweep) is there`);
}
