/**
 * Display names and units of every metric the report shows, plus the report's own terms. The definitions of the
 * metrics themselves live in one place, `simulation/measure/metrics.ts` (`GLOSSARY`, `GROUP_GLOSSARY`).
 */
import { GROUP_GLOSSARY, GLOSSARY } from "../measure/metrics";

export interface MetricInfo {
  /** The name shown in the report. */
  label: string;
  /** "fraction" prints as a percentage; "tokens", "USD", "count", "ratio", "0–1", "epochs", "per year". */
  unit: string;
  /** What it measures, for a governance reviewer who does not read code (from simulation/measure/metrics.ts). */
  definition: string;
  /** Which way is good. */
  better?: "lower" | "higher" | "closer to 1";
}

/** Headline metrics of `summary.json.metrics`, by key. */
export const METRICS: Readonly<Record<string, Omit<MetricInfo, "definition">>> = {
  leakage: {
    label: "Leakage",
    unit: "fraction",
    better: "lower",
  },
  farmerCapture: {
    label: "Farmer capture",
    unit: "fraction",
    better: "lower",
  },
  honestCaptureRatio: {
    label: "Honest capture ratio",
    unit: "ratio",
    better: "closer to 1",
  },
  payEquityGini: {
    label: "Pay equity (Gini)",
    unit: "0–1",
    better: "lower",
  },
  earlyLateRatio: {
    label: "Early vs late joiners",
    unit: "ratio",
    better: "closer to 1",
  },
  rewardGini: {
    label: "Gini of rewards",
    unit: "0–1",
    better: "lower",
  },
  stakeGini: {
    label: "Gini of stake",
    unit: "0–1",
    better: "lower",
  },
  rewardNakamoto: {
    label: "Nakamoto coefficient (rewards)",
    unit: "count",
    better: "higher",
  },
  stakeNakamoto: {
    label: "Nakamoto coefficient (stake)",
    unit: "count",
    better: "higher",
  },
  falseSlashes: {
    label: "False slashes",
    unit: "count",
    better: "lower",
  },
  falseSlashRate: {
    label: "False slash rate",
    unit: "fraction",
    better: "lower",
  },
  detectionPrecision: {
    label: "Detection precision",
    unit: "fraction",
    better: "higher",
  },
  detectionRecall: {
    label: "Detection recall",
    unit: "fraction",
    better: "higher",
  },
  detectionRecallPerEpoch: {
    label: "Detection recall per device-epoch",
    unit: "fraction",
    better: "higher",
  },
  farmerProfitUsd: {
    label: "Farmer profit",
    unit: "USD",
    better: "lower",
  },
  honestRoi: {
    label: "Honest ROI",
    unit: "fraction",
    better: "higher",
  },
  emitted: {
    label: "Emitted",
    unit: "tokens",
  },
  burned: {
    label: "Burned",
    unit: "tokens",
  },
  circulating: {
    label: "Circulating supply",
    unit: "tokens",
  },
  inflationRate: {
    label: "Inflation rate",
    unit: "fraction",
  },
  finalPrice: { label: "Final token price", unit: "USD" },
  paid: { label: "Rewards paid", unit: "tokens" },
  dust: {
    label: "Dust carried",
    unit: "tokens",
  },
};

/** Per-group metrics of `summary.json.groups[*].metrics` and `groups.csv`. */
export const GROUP_METRICS: Readonly<Record<string, Omit<MetricInfo, "definition">>> = {
  rewardShare: { label: "Reward share", unit: "fraction" },
  realWorkShare: { label: "Real-work share", unit: "fraction" },
  captureRatio: {
    label: "Capture ratio",
    unit: "ratio",
    better: "closer to 1",
  },
  roi: {
    label: "ROI",
    unit: "fraction",
  },
  paybackEpochs: {
    label: "Payback",
    unit: "epochs",
    better: "lower",
  },
  profitUsd: { label: "Profit", unit: "USD" },
  devicesEnd: {
    label: "Devices at end",
    unit: "count",
  },
  slashedTokens: { label: "Slashed", unit: "tokens" },
};

/** Terms that are not a single metric. */
export const TERMS: readonly { term: string; definition: string }[] = [
  {
    term: "Epoch",
    definition: "One reward period (its length is in the scenario). Emission, work and rewards are counted per epoch.",
  },
  {
    term: "Emission",
    definition:
      "Tokens minted in one epoch by the emission schedule. Cumulative supply is the running sum; the schedule never exceeds the cap.",
  },
  {
    term: "Honest / farmer",
    definition:
      "Honest operators run real devices and are paid for real work. Farmers try to earn without real work: sybil swarms, location spoofers, fake-work reporters, colluding rings; mercenary capital does real work but farms emission and dumps.",
  },
  {
    term: "95% interval",
    definition:
      "The simulator runs several Monte Carlo replicates (different random seeds of the same scenario); the interval is the 95% confidence interval of the mean across them: Student-t for metrics of any sign, built on the logit scale for shares, rates and Gini coefficients (so it stays within 0–1) and on the log scale for non-negative ratios and amounts (so it stays above 0). With fewer than 3 replicates there is no interval.",
  },
  {
    term: "Verdict",
    definition:
      "PASS: the whole 95% interval meets the threshold. MARGINAL: the mean meets it but the interval crosses the limit, or there are too few replicates (fewer than 3) for an interval, so the pass is not established (run more replicates or keep a margin). FAIL: the mean misses the threshold. MISSING: the metric was undefined in every replicate. The simulator's summary.json follows the same rule.",
  },
  {
    term: "Lorenz curve",
    definition:
      "Sort operators from lowest to highest pay per unit of work; the curve shows what share of all pay the poorest x% receive. The diagonal is perfect equality; Gini = 1 − 2 × area under the curve.",
  },
  {
    term: "Sweep frontier",
    definition:
      "In a parameter sweep, the settings that pass every fairness threshold (the whole 95% interval meets each) and sit next to a setting that does not (it fails, or is only marginal): the edge of the safe region.",
  },
];

/**
 * The metric's info: the simulator's definition (`GLOSSARY` / `GROUP_GLOSSARY` in simulation/measure/metrics.ts, the one place
 * metrics are defined) with the report's label and unit; an unknown metric gets a neutral stand-in naming the raw key.
 */
export function metricInfo(key: string): MetricInfo {
  const own = METRICS[key] ?? GROUP_METRICS[key];
  const definition =
    (GLOSSARY as Record<string, { definition: string } | undefined>)[key]?.definition ??
    (GROUP_GLOSSARY as Record<string, string | undefined>)[key];
  if (own && definition) return { ...own, definition };
  if (own) return { ...own, definition: `(no definition recorded for "${key}")` };
  return { label: key, unit: "", definition: definition ?? `(no definition recorded for "${key}")` };
}
