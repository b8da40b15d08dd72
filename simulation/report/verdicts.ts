/**
 * The verdict logic: each fairness threshold against the metric's mean and its 95% interval.
 *
 * Same rule as the simulator's summary.json (`pass` = the mean meets the threshold, `robust` = the whole interval
 * does), told in three words a reviewer can act on:
 * - "pass": the whole 95% interval meets the threshold;
 * - "marginal": the mean meets it but the interval crosses the limit (more replicates or a safety margin needed);
 * - "fail": the mean misses it;
 * - "missing": the metric is undefined in every replicate (never counted as a pass).
 * A run with a single replicate has no interval; its mean is judged and the verdict says so (`pointOnly`).
 */

/** A metric estimate over the Monte Carlo replicates. `lo`/`hi` bound the 95% interval; absent for one replicate. */
export interface Estimate {
  mean: number;
  lo?: number;
  hi?: number;
  /** Replicates the metric was defined in. */
  n?: number;
}

export type Comparator = "<=" | ">=" | "<" | ">" | "between";

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

export type Outcome = "pass" | "marginal" | "fail" | "missing";

export interface Verdict {
  threshold: Threshold;
  estimate: Estimate | undefined;
  outcome: Outcome;
  /** True when judged on a point value because the run has no interval. */
  pointOnly: boolean;
}

/** Whether a single value meets the threshold. */
export function meets(threshold: Threshold, x: number): boolean {
  switch (threshold.op) {
    case "<=":
      return x <= threshold.value;
    case ">=":
      return x >= threshold.value;
    case "<":
      return x < threshold.value;
    case ">":
      return x > threshold.value;
    case "between":
      if (threshold.max === undefined) throw new Error(`threshold "${threshold.metric}": "between" needs a max`);
      return x >= threshold.value && x <= threshold.max;
  }
}

/** Judges one threshold. NaN, null or a missing estimate is "missing", never a pass. */
export function judge(threshold: Threshold, estimate: Estimate | undefined): Verdict {
  if (estimate === undefined || !Number.isFinite(estimate.mean)) {
    return { threshold, estimate, outcome: "missing", pointOnly: false };
  }
  const hasInterval =
    estimate.lo !== undefined &&
    estimate.hi !== undefined &&
    Number.isFinite(estimate.lo) &&
    Number.isFinite(estimate.hi);
  const pointOnly = estimate.n !== undefined ? estimate.n <= 1 : !hasInterval;
  if (!meets(threshold, estimate.mean)) return { threshold, estimate, outcome: "fail", pointOnly };
  if (!hasInterval) return { threshold, estimate, outcome: "pass", pointOnly };
  // Every comparator describes a convex set (a half-line or a band), so the interval is inside iff both ends are.
  const robust = meets(threshold, estimate.lo!) && meets(threshold, estimate.hi!);
  return { threshold, estimate, outcome: robust ? "pass" : "marginal", pointOnly };
}

/** Judges every threshold against a lookup of estimates by metric key. */
export function judgeAll(
  thresholds: readonly Threshold[],
  estimates: (metric: string) => Estimate | undefined,
): Verdict[] {
  return thresholds.map((t) => judge(t, estimates(t.metric)));
}

/** The run's overall verdict: pass only when every threshold passes. */
export function overall(verdicts: readonly Verdict[]): Outcome {
  if (verdicts.some((v) => v.outcome === "fail")) return "fail";
  if (verdicts.some((v) => v.outcome === "missing")) return "missing";
  if (verdicts.some((v) => v.outcome === "marginal")) return "marginal";
  return verdicts.length === 0 ? "missing" : "pass";
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
