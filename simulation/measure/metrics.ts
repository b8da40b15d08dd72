/**
 * Fairness metrics, defined once. Each function's docstring is the glossary entry of DESIGN.md ("Fairness
 * metrics") and `GLOSSARY` repeats it for the report. Pure functions on plain numbers; the engine feeds them.
 */

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
  farmerProfitUsd: {
    unit: "USD",
    definition: "Farmer rewards valued at each epoch's price, minus their costs and slashed bonds.",
  },
  honestRoi: { unit: "ratio", definition: "Honest operators' (rewards + revenue − costs − slashes) divided by costs." },
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
 * Capture ratio of a class: its share of rewards ÷ its share of real work. Honest ≈ 1; a farmer doing no real work
 * has no ratio (null) and is measured by its reward share instead.
 */
export function captureRatio(
  classRewards: number,
  totalRewards: number,
  classRealWork: number,
  totalRealWork: number,
): number | null {
  if (totalRewards <= 0 || totalRealWork <= 0 || classRealWork <= 0) return null;
  return classRewards / totalRewards / (classRealWork / totalRealWork);
}

/** Glossary of the per-class metrics (classes.csv, summary.json `classes`). */
export const CLASS_GLOSSARY = {
  rewardShare: "Share of all device rewards paid to the class.",
  realWorkShare: "Share of all real work done by the class.",
  captureRatio: "Reward share divided by real-work share (1 = paid for exactly the work done).",
  profitUsd: "Farmer profit / operator profit: rewards (at each epoch's price) + USD revenue − costs − slashed bonds.",
  roi: "Return on investment: profit divided by costs.",
  paybackEpochs: "Epochs for the average net operating income per device to repay the up-front cost per device.",
  devicesEnd: "Active devices of the class after the last epoch.",
  slashedTokens: "Bond slashed from the class over the run.",
} as const;

/**
 * Profit of a class (and, for farmers, "farmer profit"): rewards valued at the price of each epoch plus USD revenue,
 * minus costs (hardware or setup, fees, opex, bond capital cost) and slashed bonds valued at the price then.
 */
export function profitUsd(rewardsUsd: number, revenueUsd: number, costsUsd: number, slashedUsd: number): number {
  return rewardsUsd + revenueUsd - costsUsd - slashedUsd;
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
  const sorted = Float64Array.from(values as ArrayLike<number>);
  for (const v of sorted) if (!(v >= 0)) throw new Error(`metrics: expected non-negative finite values, got ${v}`);
  return sorted.sort();
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
  const x = sortedNonNegative(values);
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

/** Two-sided 97.5% Student-t quantiles for 1…30 degrees of freedom; 1.96 beyond. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export interface Interval {
  mean: number | null;
  lo: number | null;
  hi: number | null;
  sd: number | null;
  n: number;
}

/** Mean and 95% Student-t interval of the mean across replicates (nulls skipped; n = 1 gives lo = hi = mean). */
export function meanInterval(values: ReadonlyArray<number | null>): Interval {
  const x = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = x.length;
  if (n === 0) return { mean: null, lo: null, hi: null, sd: null, n: 0 };
  const mean = x.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lo: mean, hi: mean, sd: 0, n };
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (n - 1 <= 30 ? T975[n - 2] : 1.96) * (sd / Math.sqrt(n));
  return { mean, lo: mean - half, hi: mean + half, sd, n };
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

export interface Verdict {
  metric: string;
  comparator: Comparator;
  threshold: number | [number, number];
  value: number | null;
  interval: [number | null, number | null];
  /** The mean satisfies the threshold. */
  pass: boolean;
  /** The whole 95% interval satisfies it. */
  robust: boolean;
}

/** Verdict of one threshold against a metric's interval; an undefined metric fails. */
export function verdict(
  spec: { metric: string; comparator: Comparator; threshold: number | [number, number] },
  interval: Interval | undefined,
): Verdict {
  const value = interval?.mean ?? null;
  const lo = interval?.lo ?? null;
  const hi = interval?.hi ?? null;
  const pass = value !== null && satisfies(value, spec.comparator, spec.threshold);
  const robust =
    pass &&
    lo !== null &&
    hi !== null &&
    satisfies(lo, spec.comparator, spec.threshold) &&
    satisfies(hi, spec.comparator, spec.threshold);
  return {
    metric: spec.metric,
    comparator: spec.comparator,
    threshold: spec.threshold,
    value,
    interval: [lo, hi],
    pass,
    robust,
  };
}
