/**
 * Names, units and plain-language definitions of every metric the report shows.
 *
 * The definitions are owned by the simulator (`simulation/metrics.ts`, `GLOSSARY`, per simulation/OUTPUTS.md). The
 * report was built on its own branch before that module was merged, so a fallback wording lives here, in this one
 * file, copied from OUTPUTS.md. When `simulation/metrics.ts` is present its `GLOSSARY` definitions win (see
 * `metricInfo`); this file then only adds display labels and units. The integrator can delete the fallback text.
 */
import path from "node:path";

export interface MetricInfo {
  /** The name shown in the report. */
  label: string;
  /** "fraction" prints as a percentage; "tokens", "USD", "count", "ratio", "0–1", "epochs", "per year". */
  unit: string;
  /** What it measures, for a governance reviewer who does not read code. */
  definition: string;
  /** Which way is good. */
  better?: "lower" | "higher" | "closer to 1";
}

/** Headline metrics of `summary.json.metrics`, by key. */
export const METRICS: Readonly<Record<string, MetricInfo>> = {
  leakage: {
    label: "Leakage",
    unit: "fraction",
    definition:
      "Share of all device rewards paid for fake work: work that produced no real service (sybil devices, spoofed locations, fabricated reports). A device's reward is split pro rata between its real and fake reported work.",
    better: "lower",
  },
  farmerCapture: {
    label: "Farmer capture",
    unit: "fraction",
    definition:
      "Share of device rewards paid to farmer agents (sybils, spoofers, fake-work reporters, colluding rings, mercenary capital).",
    better: "lower",
  },
  honestCaptureRatio: {
    label: "Honest capture ratio",
    unit: "ratio",
    definition:
      "Honest operators' share of rewards divided by their share of real work. 1 is fair: they are paid exactly for the work they do. Below 1, farmers take part of what honest work earned.",
    better: "closer to 1",
  },
  payEquityGini: {
    label: "Pay equity (Gini)",
    unit: "0–1",
    definition:
      "Gini coefficient of reward per unit of real work across honest devices. 0 is equal pay for equal work; 1 is one device taking everything. Drawn as a Lorenz curve: the further below the diagonal, the less equal.",
    better: "lower",
  },
  earlyLateRatio: {
    label: "Early vs late joiners",
    unit: "ratio",
    definition:
      "Reward per unit of work of honest devices that joined in the first 10% of epochs divided by that of devices that joined later. 1 means no first-mover advantage; empty when nobody joined late.",
    better: "closer to 1",
  },
  rewardGini: {
    label: "Gini of rewards",
    unit: "0–1",
    definition:
      "Gini coefficient of total rewards across owners: 0 is perfectly even, 1 is one owner receiving everything.",
    better: "lower",
  },
  stakeGini: {
    label: "Gini of stake",
    unit: "0–1",
    definition: "Gini coefficient of bonded stake across owners.",
    better: "lower",
  },
  rewardNakamoto: {
    label: "Nakamoto coefficient (rewards)",
    unit: "count",
    definition: "The fewest owners who together receive more than half of all rewards. Higher is more decentralised.",
    better: "higher",
  },
  stakeNakamoto: {
    label: "Nakamoto coefficient (stake)",
    unit: "count",
    definition: "The fewest owners who together hold more than half of the bonded stake.",
    better: "higher",
  },
  falseSlashes: {
    label: "False slashes",
    unit: "count",
    definition: "Honest devices slashed or suspended in error by the anti-farming levers (collateral damage).",
    better: "lower",
  },
  falseSlashRate: {
    label: "False slash rate",
    unit: "fraction",
    definition: "False slashes divided by the honest devices ever active.",
    better: "lower",
  },
  detectionPrecision: {
    label: "Detection precision",
    unit: "fraction",
    definition: "Of the devices the anomaly detector and challenges flagged, the share that really were fraudulent.",
    better: "higher",
  },
  detectionRecall: {
    label: "Detection recall",
    unit: "fraction",
    definition: "Of the fraudulent devices ever active, the share the anomaly detector and challenges flagged.",
    better: "higher",
  },
  farmerProfitUsd: {
    label: "Farmer profit",
    unit: "USD",
    definition:
      "Farmer rewards valued at each epoch's price, minus their costs and slashed bonds. Above 0, farming pays.",
    better: "lower",
  },
  honestRoi: {
    label: "Honest ROI",
    unit: "fraction",
    definition:
      "Honest operators' (rewards in USD − costs in USD) ÷ costs in USD. 0 is break-even; below 0 they lose money and leave.",
    better: "higher",
  },
  emitted: {
    label: "Emitted",
    unit: "tokens",
    definition: "Tokens minted by the emission schedule up to the last epoch (never above the cap).",
  },
  burned: {
    label: "Burned",
    unit: "tokens",
    definition: "Tokens burned up to the last epoch (demand burn-and-mint, burned slashes and onboarding fees).",
  },
  circulating: {
    label: "Circulating supply",
    unit: "tokens",
    definition:
      "Genesis supply plus emitted minus burned minus locked (bonds and unvested rewards), at the last epoch.",
  },
  inflationRate: {
    label: "Inflation rate",
    unit: "fraction",
    definition:
      "Last epoch's emission × epochs per year ÷ circulating supply: how fast supply grows per year at the current rate.",
  },
  finalPrice: { label: "Final token price", unit: "USD", definition: "Token price after the last epoch." },
  paid: { label: "Rewards paid", unit: "tokens", definition: "Device rewards paid in total over the run." },
  dust: {
    label: "Dust carried",
    unit: "tokens",
    definition: "Undistributed rounding remainder carried forward at the end (never lost).",
  },
};

/** Per-class metrics of `summary.json.classes[*].metrics` and `classes.csv`. */
export const CLASS_METRICS: Readonly<Record<string, MetricInfo>> = {
  rewardShare: { label: "Reward share", unit: "fraction", definition: "The class's share of all device rewards." },
  realWorkShare: { label: "Real-work share", unit: "fraction", definition: "The class's share of all real work." },
  captureRatio: {
    label: "Capture ratio",
    unit: "ratio",
    definition:
      "A class's share of rewards ÷ its share of real work. Honest ≈ 1; a farmer doing no real work should be ≈ 0 (empty when the class did no real work at all).",
    better: "closer to 1",
  },
  roi: {
    label: "ROI",
    unit: "fraction",
    definition: "Profit ÷ cost over the run (profit = rewards in USD − costs − slashed bonds). 0 is break-even.",
  },
  paybackEpochs: {
    label: "Payback",
    unit: "epochs",
    definition:
      "Epochs of average net revenue needed to repay hardware and onboarding cost; n/a when it never pays back.",
    better: "lower",
  },
  profitUsd: { label: "Profit", unit: "USD", definition: "Rewards in USD − costs in USD − slashed bonds in USD." },
  devicesEnd: {
    label: "Devices at end",
    unit: "count",
    definition: "Active devices of the class after the last epoch.",
  },
  slashedTokens: { label: "Slashed", unit: "tokens", definition: "Bond slashed from the class over the run." },
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
      "The simulator runs several Monte Carlo replicates (different random seeds of the same scenario); the interval is the Student-t 95% confidence interval of the mean across them.",
  },
  {
    term: "Verdict",
    definition:
      "PASS: the whole 95% interval meets the threshold. MARGINAL: the mean meets it but the interval crosses the limit, so the result is not robust (run more replicates or keep a margin). FAIL: the mean misses the threshold. MISSING: the metric was undefined in every replicate.",
  },
  {
    term: "Lorenz curve",
    definition:
      "Sort operators from lowest to highest pay per unit of work; the curve shows what share of all pay the poorest x% receive. The diagonal is perfect equality; Gini = 1 − 2 × area under the curve.",
  },
  {
    term: "Sweep frontier",
    definition:
      "In a parameter sweep, the settings that pass every fairness threshold (on the mean) and sit next to a setting that fails: the edge of the safe region.",
  },
];

type SimulatorGlossary = Record<string, { unit: string; definition: string }>;
let simulatorGlossary: SimulatorGlossary | null | undefined;

/** The simulator's `GLOSSARY` (simulation/metrics.ts) when that module is present, else null. */
export function loadSimulatorGlossary(): SimulatorGlossary | null {
  if (simulatorGlossary === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(__dirname, "..", "metrics")) as { GLOSSARY?: SimulatorGlossary };
      simulatorGlossary = mod.GLOSSARY && typeof mod.GLOSSARY === "object" ? mod.GLOSSARY : null;
    } catch {
      simulatorGlossary = null;
    }
  }
  return simulatorGlossary;
}

/**
 * The metric's info: the simulator's definition when it has one, with the report's label and unit; an unknown
 * metric gets a neutral stand-in naming the raw key, so it still shows.
 */
export function metricInfo(key: string): MetricInfo {
  const own = METRICS[key] ?? CLASS_METRICS[key];
  const sim = loadSimulatorGlossary()?.[key];
  if (own) return sim?.definition ? { ...own, definition: sim.definition } : own;
  if (sim) return { label: key, unit: sim.unit, definition: sim.definition };
  return { label: key, unit: "", definition: `(no definition recorded for "${key}")` };
}
