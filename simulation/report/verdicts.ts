/**
 * The report's view of the verdicts: each fairness threshold, with its label and unit, judged by the one verdict
 * rule of measure/metrics.ts (`outcomeOf`, `VERDICT_RULE`), the same rule that wrote summary.json:
 * - "pass": the whole 95% interval meets the threshold;
 * - "marginal": the mean meets it but the interval crosses the limit, or too few replicates leave no interval;
 * - "fail": the mean misses it;
 * - "missing": the metric is undefined in every replicate (never counted as a pass).
 */
import {
  MIN_REPLICATES_FOR_INTERVAL,
  outcomeOf,
  overallOutcome,
  satisfies,
  type Comparator,
  type Outcome,
} from "../measure/metrics";

export { MIN_REPLICATES_FOR_INTERVAL, type Comparator, type Outcome };

/** A metric estimate over the Monte Carlo replicates. `lo`/`hi` bound the 95% interval; absent for one replicate. */
export interface Estimate {
  mean: number;
  lo?: number;
  hi?: number;
  /** Replicates the metric was defined in. */
  n?: number;
}

/** A stated fairness threshold, e.g. leakage <= 0.05, or honest capture ratio between 0.9 and 1.1. */
export interface Threshold {
  /** Metric key, as in the run's summary. */
  metric: string;
  /** Readable name shown in the report. */
  label: string;
  op: Comparator;
  /** The limit for `<=` / `>=`; the lower bound for `between`. */
  value: number;
  /** The upper bound for `between`. */
  max?: number;
  /** Unit used to format values: "share" prints as a percentage. */
  unit: string;
}

export interface Verdict {
  threshold: Threshold;
  estimate: Estimate | undefined;
  outcome: Outcome;
  /** True when the estimate has no interval (fewer than MIN_REPLICATES_FOR_INTERVAL replicates). */
  pointOnly: boolean;
}

/** The threshold as the verdict rule takes it: a number, or [min, max] for "between". */
function limitOf(threshold: Threshold): number | [number, number] {
  if (threshold.op !== "between") return threshold.value;
  if (threshold.max === undefined) throw new Error(`threshold "${threshold.metric}": "between" needs a max`);
  return [threshold.value, threshold.max];
}

/** Whether a single value meets the threshold. */
export function meets(threshold: Threshold, x: number): boolean {
  return satisfies(x, threshold.op, limitOf(threshold));
}

/** Judges one threshold by the one verdict rule. NaN, null or a missing estimate is "missing", never a pass. */
export function judge(threshold: Threshold, estimate: Estimate | undefined): Verdict {
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  const outcome = outcomeOf(
    threshold.op,
    limitOf(threshold),
    estimate && { mean: finite(estimate.mean), lo: finite(estimate.lo), hi: finite(estimate.hi) },
  );
  const pointOnly = outcome !== "missing" && (finite(estimate?.lo) === null || finite(estimate?.hi) === null);
  return { threshold, estimate, outcome, pointOnly };
}

/** Judges every threshold against a lookup of estimates by metric key. */
export function judgeAll(
  thresholds: readonly Threshold[],
  estimates: (metric: string) => Estimate | undefined,
): Verdict[] {
  return thresholds.map((t) => judge(t, estimates(t.metric)));
}

/** The run's overall verdict: pass only when every threshold passes (the worst outcome wins). */
export function overall(verdicts: readonly Verdict[]): Outcome {
  return overallOutcome(verdicts.map((v) => v.outcome));
}

/** One threshold in an A/B comparison. */
export interface VerdictChange {
  threshold: Threshold;
  before: Verdict;
  after: Verdict;
  /** after.mean − before.mean; undefined when either side is missing. */
  delta: number | undefined;
  changed: boolean;
}

/** A threshold's identity: metric, comparator and limits (two thresholds on one metric stay apart). */
export function thresholdKey(t: Threshold): string {
  return `${t.metric}|${t.op}|${t.value}|${t.max ?? ""}`;
}

/**
 * Pairs the verdicts of a status quo and a proposal by metric key (and comparator, so two thresholds on one metric
 * stay apart). Thresholds present on only one side are judged as missing on the other.
 */
export function compareVerdicts(before: readonly Verdict[], after: readonly Verdict[]): VerdictChange[] {
  const key = thresholdKey;
  const afterByKey = new Map(after.map((v) => [key(v.threshold), v]));
  const seen = new Set<string>();
  const changes: VerdictChange[] = [];
  for (const b of before) {
    const k = key(b.threshold);
    seen.add(k);
    const a = afterByKey.get(k) ?? judge(b.threshold, undefined);
    changes.push(change(b, a));
  }
  for (const a of after) {
    if (seen.has(key(a.threshold))) continue;
    changes.push(change(judge(a.threshold, undefined), a));
  }
  return changes;
}

function change(before: Verdict, after: Verdict): VerdictChange {
  const delta =
    before.estimate && after.estimate && Number.isFinite(before.estimate.mean) && Number.isFinite(after.estimate.mean)
      ? after.estimate.mean - before.estimate.mean
      : undefined;
  return { threshold: after.threshold, before, after, delta, changed: before.outcome !== after.outcome };
}
