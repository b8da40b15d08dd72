/**
 * Fairness metrics, defined once. Each function's docstring is the glossary entry of DESIGN.md ("Fairness
 * metrics") and `GLOSSARY` repeats it for the report. Pure functions on plain numbers; the engine feeds them.
 */
import { jStat } from "jstat";

/** Headline metric keys in output order (summary.json, sweep.csv). */
export const HEADLINE_METRICS = [
  "leakage",
  "farmerCapture",
  "honestCaptureRatio",
  "payEquityGini",
  "earlyLateRatio",
  "rewardGini",
  "rewardNakamoto",
  "stakeGini",
  "stakeNakamoto",
  "falseSlashes",
  "falseSlashRate",
  "detectionPrecision",
  "detectionRecall",
  "detectionRecallPerEpoch",
  "farmerProfitUsd",
  "honestRoi",
  "emitted",
  "burned",
  "circulating",
  "inflationRate",
  "finalPrice",
  "paid",
  "dust",
] as const;
export type HeadlineMetric = (typeof HEADLINE_METRICS)[number];
export type MetricValues = Record<HeadlineMetric, number | null>;

/** Glossary for the report: one sentence per metric, the same words as the docstrings below. */
export const GLOSSARY: Record<HeadlineMetric, { unit: string; definition: string }> = {
  leakage: {
    unit: "fraction",
    definition: "Share of device rewards paid for fake work (work that produced no real service).",
  },
  farmerCapture: {
    unit: "fraction",
    definition:
      "Share of device rewards paid to farmers (sybils, spoofers, fake-work reporters, colluders, mercenary capital).",
  },
  honestCaptureRatio: {
    unit: "ratio",
    definition: "Honest operators' share of rewards divided by their share of real work; 1 is fair.",
  },
  payEquityGini: {
    unit: "0–1",
    definition:
      "Gini coefficient of reward per unit of real work across honest devices (0 = equal pay for equal work).",
  },
  earlyLateRatio: {
    unit: "ratio",
    definition:
      "Reward per unit of work of honest devices that joined in the first 10% of epochs divided by that of later joiners.",
  },
  rewardGini: { unit: "0–1", definition: "Gini coefficient of total rewards across owners." },
  rewardNakamoto: { unit: "owners", definition: "Fewest owners who together received more than half of all rewards." },
  stakeGini: { unit: "0–1", definition: "Gini coefficient of bonded stake across owners at the end." },
  stakeNakamoto: {
    unit: "owners",
    definition: "Fewest owners who together hold more than half of all bonded stake at the end.",
  },
  falseSlashes: {
    unit: "count",
    definition: "Honest devices slashed, suspended or denied rewards in error (collateral damage).",
  },
  falseSlashRate: {
    unit: "fraction",
    definition: "False slashes divided by the legitimate (real-work) devices ever active.",
  },
  detectionPrecision: {
    unit: "fraction",
    definition: "Of all devices flagged by challenges and the anomaly detector, the share that were fraudulent.",
  },
  detectionRecall: {
    unit: "fraction",
    definition: "Of all fraudulent devices ever active, the share that were flagged at least once.",
  },
  detectionRecallPerEpoch: {
    unit: "fraction",
    definition:
      "Of the device-epochs in which a fraudulent device was active, the share in which it was flagged: the chance " +
      "per epoch of catching fraud present. Unlike recall over devices, it does not fall when swarms quit early.",
  },
  farmerProfitUsd: {
    unit: "USD",
    definition:
      "Farmer rewards valued at each epoch's price, minus kit, fees, opex and the bonds' cost of capital, plus the " +
      "bonds' market gain or loss (sold back on the market, or valued at what selling them fetches), minus slashed " +
      "and frozen bonds.",
  },
  honestRoi: {
    unit: "ratio",
    definition:
      "Honest operators' profit (counted as farmer profit is) divided by their costs (kit, fees, opex, bond capital).",
  },
  emitted: { unit: "tokens", definition: "Tokens emitted by the schedule up to the last epoch." },
  burned: {
    unit: "tokens",
    definition: "Tokens burned (demand burn-and-mint, burned slashes, onboarding fees) up to the last epoch.",
  },
  circulating: {
    unit: "tokens",
    definition: "Genesis supply plus emitted minus burned minus locked (bonds and unvested rewards) at the end.",
  },
  inflationRate: { unit: "per year", definition: "Last epoch's emission annualised, divided by circulating supply." },
  finalPrice: { unit: "USD", definition: "Token price after the last epoch." },
  paid: { unit: "tokens", definition: "Device rewards paid over the run." },
  dust: {
    unit: "tokens",
    definition: "Work-pool remainder not paid (carried forward; nonzero when no device was eligible).",
  },
};

/**
 * Leakage: share of emissions paid to fake work (work that produced no real service).
 * `rewards[i]` is what device i was paid and `fakeShare[i]` the share of its reported work that was fake;
 * leakage = Σ rewards·fakeShare ÷ Σ rewards (null when nothing was paid).
 */
export function leakage(rewards: ArrayLike<number>, fakeShare: ArrayLike<number>): number | null {
  let paid = 0;
  let fake = 0;
  for (let i = 0; i < rewards.length; i++) {
    paid += rewards[i];
    fake += rewards[i] * fakeShare[i];
  }
  return paid > 0 ? fake / paid : null;
}

/**
 * Capture ratio of an agent group: its share of rewards ÷ its share of real work. Honest ≈ 1; a farmer doing no real work
 * has no ratio (null) and is measured by its reward share instead.
 */
export function captureRatio(
  groupRewards: number,
  totalRewards: number,
  groupRealWork: number,
  totalRealWork: number,
): number | null {
  if (totalRewards <= 0 || totalRealWork <= 0 || groupRealWork <= 0) return null;
  return groupRewards / totalRewards / (groupRealWork / totalRealWork);
}

/** Glossary of the per-group metrics (groups.csv, summary.json `groups`). */
export const GROUP_GLOSSARY = {
  rewardShare: "Share of all device rewards paid to the group.",
  realWorkShare: "Share of all real work done by the group.",
  captureRatio: "Reward share divided by real-work share (1 = paid for exactly the work done).",
  profitUsd:
    "Farmer profit / operator profit: rewards (at each epoch's price) + USD revenue − kit − fees − opex − bond " +
    "capital cost + bond gain or loss − slashed and frozen bonds.",
  roi: "Return on investment: profit divided by costs.",
  paybackEpochs: "Epochs for the average net operating income per device to repay the up-front cost per device.",
  devicesEnd: "Active devices of the group after the last epoch.",
  slashedTokens: "Bond slashed from the group over the run.",
} as const;

/** What a group's profit is made of (USD). */
export interface ProfitParts {
  /** Rewards valued at the price of the epoch they were earned in. */
  rewardUsd: number;
  /** USD paid for real work by non-burn demand. */
  revenueUsd: number;
  /** Kit: hardware or a fake device's setup, and switching costs (sunk once spent). */
  kitUsd: number;
  /** Onboarding fees (tokens bought on the market and burned). */
  feesUsd: number;
  opexUsd: number;
  /** Cost of capital of the bonds held (the return the capital would earn elsewhere). */
  bondCapitalUsd: number;
  /**
   * The bonds' market gain or loss: USD received selling released bonds back on the market, plus what selling the
   * bonds still held at the end would fetch, plus the slashed and frozen bonds at the price they were lost at,
   * minus the USD paid buying them. Buying a bond lifts an AMM's price and selling it lowers it again, so a bond
   * that only pumped the price shows no gain.
   */
  bondGainUsd: number;
  /** Slashed bond at the price then. */
  slashedUsd: number;
  /** The rest of a suspended device's bond, frozen with it, at the price then. */
  bondLostUsd: number;
}

/** Profit of a group (for farmers, "farmer profit"): income minus every cost, bonds marked to market. */
export function profitUsd(p: ProfitParts): number {
  return (
    p.rewardUsd +
    p.revenueUsd -
    p.kitUsd -
    p.feesUsd -
    p.opexUsd -
    p.bondCapitalUsd +
    p.bondGainUsd -
    p.slashedUsd -
    p.bondLostUsd
  );
}

/** The costs ROI divides by (USD): kit, fees, opex and the bond's cost of capital. */
export function costUsd(p: ProfitParts): number {
  return p.kitUsd + p.feesUsd + p.opexUsd + p.bondCapitalUsd;
}

/** ROI: profit ÷ costs; null without costs. */
export function roi(profit: number, costsUsd: number): number | null {
  return costsUsd > 0 ? profit / costsUsd : null;
}

/**
 * Payback in epochs: up-front cost per device ÷ net operating income per device-epoch (rewards + revenue − opex);
 * null when the income is not positive (never pays back).
 */
export function paybackEpochs(upfrontPerDevice: number, netIncomePerDeviceEpoch: number): number | null {
  return netIncomePerDeviceEpoch > 0 ? upfrontPerDevice / netIncomePerDeviceEpoch : null;
}

/** Values sorted ascending, negatives refused. */
export function sortedNonNegative(values: ArrayLike<number>): Float64Array {
  return sortNonNegativeInPlace(Float64Array.from(values as ArrayLike<number>));
}

/** {@link sortedNonNegative} without the copy: sorts `values` itself and returns it (already ascending: as it is). */
export function sortNonNegativeInPlace(values: Float64Array): Float64Array {
  let ascending = true;
  let previous = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0)) throw new Error(`metrics: expected non-negative finite values, got ${v}`);
    // −0 sorts before +0 but compares equal to it: an array holding one is sorted, not trusted
    if (v < previous || (v === 0 && 1 / v < 0)) ascending = false;
    previous = v;
  }
  return ascending ? values : values.sort();
}

/**
 * Gini coefficient of non-negative values: mean absolute difference ÷ (2 × mean); 0 = perfect equality,
 * (n−1)/n = one holds everything. Null for an empty or all-zero vector.
 */
export function gini(values: ArrayLike<number>): number | null {
  return giniOfSorted(sortedNonNegative(values));
}

/** Gini of values already sorted ascending and non-negative (see {@link gini}). */
export function giniOfSorted(x: Float64Array): number | null {
  const n = x.length;
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    sum += x[i];
    weighted += (i + 1) * x[i];
  }
  if (n === 0 || sum === 0) return null;
  return (2 * weighted) / (n * sum) - (n + 1) / n;
}

/** Nakamoto coefficient: the fewest holders whose combined share exceeds one half. Null when the total is 0. */
export function nakamoto(values: ArrayLike<number>): number | null {
  return nakamotoOfSorted(sortedNonNegative(values));
}

/** Nakamoto coefficient of values already sorted ascending and non-negative (see {@link nakamoto}). */
export function nakamotoOfSorted(x: Float64Array): number | null {
  let total = 0;
  for (const v of x) total += v;
  if (total === 0) return null;
  let acc = 0;
  for (let k = 1; k <= x.length; k++) {
    acc += x[x.length - k];
    if (acc > total / 2) return k;
  }
  return x.length;
}

/** Lorenz curve at `points + 1` evenly spaced population shares: [population, cumulative share] pairs. */
export function lorenz(values: ArrayLike<number>, points = 100): Array<[number, number]> {
  return lorenzOfSorted(sortedNonNegative(values), points);
}

/** Lorenz curve of values already sorted ascending and non-negative (see {@link lorenz}). */
export function lorenzOfSorted(x: Float64Array, points = 100): Array<[number, number]> {
  const n = x.length;
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + x[i];
  const total = cum[n];
  const out: Array<[number, number]> = [];
  for (let p = 0; p <= points; p++) {
    const pop = p / points;
    if (n === 0 || total === 0) {
      out.push([pop, pop]);
      continue;
    }
    // linear interpolation between whole holders
    const pos = pop * n;
    const k = Math.floor(pos);
    const share = k >= n ? total : cum[k] + (pos - k) * x[k];
    out.push([pop, share / total]);
  }
  return out;
}

/**
 * Where a metric's values can lie, which picks its interval method: "unit" = [0, 1] (shares, rates, Gini
 * coefficients), "nonNegative" = [0, ∞) (ratios, counts, token amounts, prices), "real" = any sign (profits, ROI,
 * circulating supply and inflation, which burns can drive below zero).
 */
export type MetricRange = "unit" | "nonNegative" | "real";

export const METRIC_RANGE: Record<HeadlineMetric, MetricRange> = {
  leakage: "unit",
  farmerCapture: "unit",
  honestCaptureRatio: "nonNegative",
  payEquityGini: "unit",
  earlyLateRatio: "nonNegative",
  rewardGini: "unit",
  rewardNakamoto: "nonNegative",
  stakeGini: "unit",
  stakeNakamoto: "nonNegative",
  falseSlashes: "nonNegative",
  falseSlashRate: "unit",
  detectionPrecision: "unit",
  detectionRecall: "unit",
  detectionRecallPerEpoch: "unit",
  farmerProfitUsd: "real",
  honestRoi: "real",
  emitted: "nonNegative",
  burned: "nonNegative",
  circulating: "real",
  inflationRate: "real",
  finalPrice: "nonNegative",
  paid: "nonNegative",
  dust: "nonNegative",
};

/** Range of each per-group metric summarised in summary.json (see {@link MetricRange}). */
export const GROUP_METRIC_RANGE = {
  rewardShare: "unit",
  realWorkShare: "unit",
  captureRatio: "nonNegative",
  roi: "real",
  paybackEpochs: "nonNegative",
  profitUsd: "real",
  devicesEnd: "nonNegative",
  slashedTokens: "nonNegative",
} as const satisfies Record<string, MetricRange>;

/**
 * Fewest replicates with a defined value for a 95% interval. With two, the Student-t quantile is 12.7 and the
 * interval spans most of the metric's range, which reads as information but carries none; below this the summary
 * says "too few replicates for an interval" and the verdict rule gives at best "marginal".
 */
export const MIN_REPLICATES_FOR_INTERVAL = 3;

export interface Interval {
  mean: number | null;
  /** Bounds of the 95% interval of the mean; null without a mean or with fewer than MIN_REPLICATES_FOR_INTERVAL. */
  lo: number | null;
  hi: number | null;
  sd: number | null;
  n: number;
}

/** Two-sided 95% Student-t quantile for `df` degrees of freedom (jStat's inverse CDF). */
export function t975(df: number): number {
  return jStat.studentt.inv(0.975, df);
}

const logit = (p: number): number => Math.log(p / (1 - p));
const expit = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Mean and 95% interval of the mean across replicates (nulls and non-finite values skipped), by a method that keeps
 * the interval inside the metric's range (`range`, see {@link METRIC_RANGE}):
 * - "real": the Student-t interval mean ± t(0.975, n−1)·sd/√n;
 * - "unit": the same interval built on the logit scale with the delta method (standard error sd/√n ÷ (m(1−m))) and
 *   mapped back, so it stays inside (0, 1) and is asymmetric near a bound;
 * - "nonNegative": the same on the log scale (standard error ÷ m), so it stays above 0.
 * A mean on the range's edge (every replicate 0, or every replicate 1) has the degenerate interval [mean, mean].
 * Fewer than {@link MIN_REPLICATES_FOR_INTERVAL} defined values give no interval (lo = hi = null).
 */
export function meanInterval(values: ReadonlyArray<number | null>, range: MetricRange = "real"): Interval {
  const x = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = x.length;
  if (n === 0) return { mean: null, lo: null, hi: null, sd: null, n: 0 };
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const sd = n === 1 ? 0 : Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  if (n < MIN_REPLICATES_FOR_INTERVAL) return { mean, lo: null, hi: null, sd, n };
  const se = sd / Math.sqrt(n);
  const t = t975(n - 1);
  if (range === "unit") {
    if (!(mean > 0 && mean < 1) || sd === 0) return { mean, lo: mean, hi: mean, sd, n };
    const centre = logit(mean);
    const half = (t * se) / (mean * (1 - mean));
    return { mean, lo: expit(centre - half), hi: expit(centre + half), sd, n };
  }
  if (range === "nonNegative") {
    if (!(mean > 0) || sd === 0) return { mean, lo: mean, hi: mean, sd, n };
    const half = (t * se) / mean;
    return { mean, lo: mean * Math.exp(-half), hi: mean * Math.exp(half), sd, n };
  }
  return { mean, lo: mean - t * se, hi: mean + t * se, sd, n };
}

/** {@link meanInterval} of a headline metric, with the method of its range. */
export function metricInterval(metric: HeadlineMetric, values: ReadonlyArray<number | null>): Interval {
  return meanInterval(values, METRIC_RANGE[metric]);
}

export type Comparator = "<=" | ">=" | "<" | ">" | "between";

/** Whether `value` satisfies `comparator threshold`. */
export function satisfies(
  value: number,
  comparator: Comparator,
  threshold: number | readonly [number, number],
): boolean {
  if (comparator === "between") {
    if (!Array.isArray(threshold)) throw new Error("verdict: 'between' needs a [min, max] threshold");
    return value >= threshold[0] && value <= threshold[1];
  }
  if (typeof threshold !== "number") throw new Error(`verdict: '${comparator}' needs a number threshold`);
  switch (comparator) {
    case "<=":
      return value <= threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case ">":
      return value > threshold;
  }
}

/**
 * The one verdict rule, used by summary.json, the command line and the report (run, A/B and sweep):
 * - "pass": the whole 95% interval meets the threshold;
 * - "marginal": the mean meets it but the interval crosses the limit, or there are too few replicates
 *   (fewer than {@link MIN_REPLICATES_FOR_INTERVAL}) for an interval, so the pass is not established;
 * - "fail": the mean misses it;
 * - "missing": the metric is undefined in every replicate (never a pass).
 */
export type Outcome = "pass" | "marginal" | "fail" | "missing";

/** The rule of {@link Outcome} in one sentence, for summaries and reports. */
export const VERDICT_RULE =
  `pass = the whole 95% interval meets the threshold; marginal = the mean meets it but the interval crosses the ` +
  `limit, or fewer than ${MIN_REPLICATES_FOR_INTERVAL} replicates leave no interval; fail = the mean misses it; ` +
  `missing = the metric is undefined.`;

/** Outcome of one threshold against an estimate (see {@link Outcome}). */
export function outcomeOf(
  comparator: Comparator,
  threshold: number | readonly [number, number],
  estimate: { mean: number | null; lo: number | null; hi: number | null } | undefined,
): Outcome {
  const mean = estimate?.mean ?? null;
  if (mean === null || !Number.isFinite(mean)) return "missing";
  if (!satisfies(mean, comparator, threshold)) return "fail";
  const { lo, hi } = estimate as { lo: number | null; hi: number | null };
  if (lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) return "marginal";
  // every comparator describes a convex set (a half-line or a band), so the interval is inside iff both ends are
  return satisfies(lo, comparator, threshold) && satisfies(hi, comparator, threshold) ? "pass" : "marginal";
}

/** The overall outcome of several verdicts: the worst of them (fail, missing, marginal, pass); none is "missing". */
export function overallOutcome(outcomes: readonly Outcome[]): Outcome {
  for (const o of ["fail", "missing", "marginal"] as const) if (outcomes.includes(o)) return o;
  return outcomes.length === 0 ? "missing" : "pass";
}

export interface Verdict {
  metric: string;
  comparator: Comparator;
  threshold: number | [number, number];
  value: number | null;
  interval: [number | null, number | null];
  outcome: Outcome;
  /** outcome === "pass". */
  pass: boolean;
}

/** Verdict of one threshold against a metric's interval (see {@link Outcome}). */
export function verdict(
  spec: { metric: string; comparator: Comparator; threshold: number | [number, number] },
  interval: Interval | undefined,
): Verdict {
  const outcome = outcomeOf(spec.comparator, spec.threshold, interval);
  return {
    metric: spec.metric,
    comparator: spec.comparator,
    threshold: spec.threshold,
    value: interval?.mean ?? null,
    interval: [interval?.lo ?? null, interval?.hi ?? null],
    outcome,
    pass: outcome === "pass",
  };
}
