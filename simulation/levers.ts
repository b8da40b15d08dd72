/**
 * The lever-direction suite: for each lever, the direction a designer expects its effect on farmer profit, leakage,
 * honest ROI, false slashes, detection recall (per device-epoch) and pay equity to take, checked on built-in
 * scenarios over a few seeds (the same seeds at every setting, so the settings differ only by the lever). `npm test`
 * runs it small (test/simulation/levers.test.ts); `npm run levers` runs it at the scenarios' own size over more seeds
 * and prints every figure.
 *
 * A direction is weak: "down" means no setting is above the previous one by more than the noise band (`noiseBand`),
 * so a lever that stops mattering passes; "same" means it does not move the metric at all.
 * Known exceptions are listed in `KNOWN_EXCEPTIONS` and in simulation/README.md ("Lever directions").
 */
import { runReplicate } from "./engine";
import type { MetricValues } from "./measure/metrics";
import { loadScenario } from "./scenario";
import { supplyOf } from "./supply";

export type LeverMetric =
  "farmerProfitUsd" | "leakage" | "honestRoi" | "falseSlashes" | "detectionRecallPerEpoch" | "payEquityGini";
/** "same": the lever must not move the metric at all (a stated exception, asserted as stated). */
export type Direction = "down" | "up" | "same";

export interface LeverCase {
  name: string;
  scenario: string;
  /** Fields set on the scenario for every setting (e.g. a fixed price). */
  base: Readonly<Record<string, unknown>>;
  /** The lever: a scenario path and its settings, weakest first. */
  lever: string;
  values: readonly unknown[];
  expect: Readonly<Partial<Record<LeverMetric, Direction>>>;
  /** Why a designer expects it (and how a farmer would try to beat it). */
  why: string;
}

const FIXED_PRICE = { "market.model": "exogenous", "market.drift": 0, "market.volatility": 0 };
const NO_DENSITY = { "levers.densityScaling.enabled": false };
/**
 * Unequal stakes on baseline: small operators stake a lognormal extra (median 100 tokens, σ 1.5) and the fleet is
 * one whale operator with 20,000 tokens on each of its 200 devices; the stake factor is on (reference 1,000).
 */
const UNEQUAL_STAKES = {
  ...FIXED_PRICE,
  "agents[0].stake": { kind: "lognormal", median: 100, sigma: 1.5 },
  "agents[1].stake": { kind: "list", tokens: [20_000] },
  "agents[1].devicesPerOperator": 200,
  "levers.stakeFactor.enabled": true,
  "levers.stakeFactor.referenceStake": 1_000,
};

export const LEVER_CASES: readonly LeverCase[] = [
  {
    name: "bond, fixed price",
    scenario: "sybil-swarm",
    base: { ...FIXED_PRICE, ...NO_DENSITY },
    lever: "levers.minBond",
    values: [10, 50, 200, 1000],
    expect: { farmerProfitUsd: "down", leakage: "down" },
    why: "each fake device locks more capital and loses more when caught",
  },
  {
    name: "bond, AMM",
    scenario: "sybil-swarm",
    base: NO_DENSITY,
    lever: "levers.minBond",
    values: [10, 50, 200],
    expect: { farmerProfitUsd: "down", leakage: "down" },
    why: "bonds are bought on the pool and sold back on it on exit, so a bond cannot pump the price for free",
  },
  {
    name: "bond, honest network, fixed price",
    scenario: "baseline",
    base: FIXED_PRICE,
    lever: "levers.minBond",
    values: [0, 50, 500],
    expect: { honestRoi: "down", leakage: "same" },
    why: "with no farmers a bond is only a cost to honest operators (capital tied up), and leakage stays exactly 0",
  },
  {
    name: "sybil detection",
    scenario: "sybil-swarm",
    base: NO_DENSITY,
    lever: "levers.detection.sybil",
    values: [0.002, 0.01, 0.05],
    expect: { farmerProfitUsd: "down", leakage: "down", detectionRecallPerEpoch: "up" },
    why:
      "stronger challenges catch more fake devices, which then earn nothing and lose their bonds; recall per " +
      "device-epoch rises with them even when the swarm quits before most devices are caught",
  },
  {
    name: "slash fraction (known exception)",
    scenario: "sybil-swarm",
    base: NO_DENSITY,
    lever: "levers.slashing.fraction",
    values: [0.1, 0.5, 1],
    expect: { farmerProfitUsd: "same" },
    why: "a caught device is suspended and the rest of its bond is frozen with it: the farmer loses the whole bond",
  },
  {
    name: "density scaling",
    scenario: "sybil-swarm",
    base: {},
    lever: "levers.densityScaling.enabled",
    values: [false, true],
    expect: { farmerProfitUsd: "down", leakage: "down" },
    why: "a swarm in two cells earns a fraction of the full rate per device once density scaling applies",
  },
  {
    name: "spoofer detection",
    scenario: "location-spoofing",
    base: {},
    lever: "levers.detection.spoofer",
    values: [0.001, 0.005, 0.02],
    expect: { farmerProfitUsd: "down", leakage: "down" },
    why: "spoofed locations are caught more often (and ×spreadMultiplier once spread out)",
  },
  {
    name: "collusion ring size",
    scenario: "collusion-ring",
    base: { "agents[2].adaptive": false, "levers.detection.collusion": 0.01 },
    lever: "agents[2].count",
    values: [20, 100, 400],
    expect: { detectionRecallPerEpoch: "down" },
    why: "only witnesses outside the ring report a member, so a ring that holds more of its cells' witnesses is caught less often per device",
  },
  {
    name: "stake factor cap",
    scenario: "baseline",
    base: UNEQUAL_STAKES,
    lever: "levers.stakeFactor.cap",
    values: [1_000, 10_000, null],
    expect: { payEquityGini: "up", leakage: "same" },
    why:
      "a higher cap (null: none) lets the whale's stake, not its work, buy it a larger share of the pool, so equal " +
      "work is paid less equally; an uncapped stake factor never improves pay equity",
  },
  {
    name: "stake factor boost",
    scenario: "baseline",
    base: { ...UNEQUAL_STAKES, "levers.stakeFactor.cap": null },
    lever: "levers.stakeFactor.maxBoost",
    values: [0, 0.5, 2],
    expect: { payEquityGini: "up", leakage: "same" },
    why: "the stronger stake weighs in the score, the more pay follows stake rather than work",
  },
  {
    name: "honest false positives",
    scenario: "sybil-swarm",
    base: {},
    lever: "levers.detection.honestFalsePositive",
    values: [0, 0.0005, 0.002],
    expect: { falseSlashes: "up", honestRoi: "down" },
    why: "a noisier detector slashes and suspends more honest devices",
  },
  {
    name: "registration detector, burst swarm",
    scenario: "sybil-swarm",
    base: { ...NO_DENSITY, "levers.registrationDetector.perOwner": 10 },
    lever: "levers.registrationDetector.probability",
    values: [0, 0.02, 0.1],
    expect: { farmerProfitUsd: "down", leakage: "down", detectionRecallPerEpoch: "up" },
    why:
      "a swarm that registers its devices in bursts from one owner is marked, and a stronger review of burst " +
      "registrations catches more of it; a farmer who reads the code trickles instead (next case)",
  },
  {
    name: "registration detector, trickle swarm (known exception)",
    scenario: "sybil-swarm",
    base: {
      ...NO_DENSITY,
      "levers.registrationDetector.perOwner": 10,
      "agents[2].count": 0,
      "agents[2].joinPerEpoch": 0.5,
      "agents[2].maxDevices": 200,
    },
    lever: "levers.registrationDetector.probability",
    values: [0, 0.02, 0.1],
    expect: { farmerProfitUsd: "same", leakage: "same" },
    why: "a swarm that adds one device every other day never registers more than 10 in a week: the detector is blind to it",
  },
  {
    name: "wallets against a per-owner detector (known exception)",
    scenario: "sybil-swarm",
    base: {
      ...NO_DENSITY,
      "levers.detection.sybil": 0,
      "levers.registrationDetector": { windowEpochs: 7, perOwner: 10, probability: 0.05 },
    },
    lever: "agents[2].wallets",
    values: [1, 5, 50],
    expect: { farmerProfitUsd: "up", leakage: "up" },
    why:
      "a farmer who knows the detector counts registrations per owner registers from many wallets in turn, so no " +
      "owner is ever over the threshold: the per-owner rule alone rewards splitting (a per-cell rule sees it)",
  },
  {
    name: "hop move cost",
    scenario: "location-spoofing",
    base: { "agents[2].hop": { share: 0.2 } },
    lever: "agents[2].hop.costUsd",
    values: [0, 2, 10],
    expect: { farmerProfitUsd: "down" },
    why: "each hop to a less crowded cell is paid for (opex), and the spoofer expects that cost when it decides to grow",
  },
  {
    name: "challenges against mimicry",
    scenario: "fake-work",
    base: { "agents[2].mode": "mimic" },
    lever: "levers.detection.fakeWork",
    values: [0.001, 0.01, 0.05],
    expect: { farmerProfitUsd: "down", leakage: "down", detectionRecallPerEpoch: "up" },
    why:
      "fake work drawn from the honest distribution passes the anomaly detector, but a challenge tests the work " +
      "itself, so stronger challenges still catch it",
  },
];

/** Cases a designer might expect that the model does not show, and why (asserted as stated, not skipped). */
export const KNOWN_EXCEPTIONS: readonly string[] = [
  "slash fraction: with slashing on, a caught device is also suspended, and the part of its bond not slashed stays " +
    "frozen with it, so the farmer loses the whole bond whatever the fraction; the fraction only decides how much is " +
    "burned (or sent to the treasury) now. Asserted: farmer profit does not move with it.",
  "honest ROI against the bond with farmers present: a higher bond shrinks the swarm, which leaves more of the pool " +
    "to honest operators, so honest ROI can rise with the bond; with no farmers it falls (asserted on baseline).",
  "honest ROI against the bond under the AMM: bonds bought on the pool and held lift its price, and every reward " +
    "sold afterwards fetches more; the bonds themselves are marked at what selling them fetches, so the tokens " +
    "locked earn nothing, but the higher price is real income for sellers in a constant-product pool (baseline, one " +
    "seed: honest ROI 0.310 at bond 0, 0.326 at 50, 0.319 at 500). Not asserted.",
  "bond under the AMM above ~200 tokens (sybil-swarm): once the bond is so large that the swarm stops growing, the " +
    "few fake devices it keeps ride the price rise that the honest operators' own bond purchases cause (a bond is " +
    "token demand), so the swarm's profit can rise again (bond 1000: about +137k USD against −7k at 200, one seed). " +
    "At a fixed price the same lever is monotone. The suite checks the AMM case up to 200.",
  "registration detector against a trickle: a swarm that registers fewer devices per owner (and per cell) in the " +
    "window than the burst threshold is never marked, so the detector's probability does not move its profit or " +
    "leakage at all (asserted: the same). That is the evasion a trickle buys; challenges still apply to it.",
  "registration detector against wallets: a per-owner burst rule is beaten by a swarm that registers from many " +
    "owner accounts in turn (sybil-swarm, 150 epochs, perOwner 10, one seed: profit −1.7k USD with one wallet, +1.1k " +
    "with 5, +40.5k with 50; leakage 0.059 → 0.375). Asserted: profit and leakage rise with the wallets. Adding a " +
    "per-cell rule (perCell 30) holds 50 wallets to +2.8k and leakage 0.097, because the swarm's two cells still see " +
    "the burst.",
];

/**
 * How far a metric may move the wrong way before it counts: 1% of its size, at least a floor per metric (1 USD of
 * profit, 1e-4 of leakage, 1e-3 of ROI and of the pay Gini, no false slash). The settings share their seeds, but once one decision
 * differs the runs' random streams part, so two settings with the same effect differ by noise.
 */
export function noiseBand(metric: LeverMetric, a: number, b: number): number {
  const floor = {
    farmerProfitUsd: 1,
    leakage: 1e-4,
    honestRoi: 1e-3,
    falseSlashes: 0,
    detectionRecallPerEpoch: 1e-4,
    payEquityGini: 1e-3,
  }[metric];
  return Math.max(floor, 0.01 * Math.max(Math.abs(a), Math.abs(b)));
}

/** One setting's metrics, averaged over the seeds (replicates 0…seeds−1 of the scenario's seed). */
export interface LeverPoint {
  value: unknown;
  metrics: Record<LeverMetric, number | null>;
}

export interface LeverResult {
  case: LeverCase;
  points: LeverPoint[];
  /** Each broken expectation, in words (empty when the lever moves every metric the expected way). */
  violations: string[];
}

/** Runs one case: every setting over `seeds` replicates, `epochs` per run (null: the scenario's own). */
export function runLeverCase(c: LeverCase, seeds: number, epochs: number | null): LeverResult {
  const metrics: LeverMetric[] = [
    "farmerProfitUsd",
    "leakage",
    "honestRoi",
    "falseSlashes",
    "detectionRecallPerEpoch",
    "payEquityGini",
  ];
  const points: LeverPoint[] = c.values.map((value) => {
    const overrides: Record<string, unknown> = { ...c.base, [c.lever]: value };
    if (epochs !== null) overrides.epochs = epochs;
    const scenario = loadScenario(c.scenario, overrides).scenario;
    const supply = supplyOf(scenario);
    const sums = Object.fromEntries(metrics.map((k) => [k, 0])) as Record<LeverMetric, number | null>;
    for (let r = 0; r < seeds; r++) {
      const m: MetricValues = runReplicate(scenario, supply, r, { series: false, mode: "fast" }).metrics;
      for (const k of metrics) {
        const v = m[k];
        sums[k] = v === null || sums[k] === null ? null : (sums[k] as number) + v / seeds;
      }
    }
    return { value, metrics: sums };
  });
  const violations: string[] = [];
  for (const [metric, direction] of Object.entries(c.expect) as [LeverMetric, Direction][]) {
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1].metrics[metric];
      const b = points[i].metrics[metric];
      if (a === null || b === null) {
        violations.push(`${metric} is missing at ${c.lever} = ${String(points[a === null ? i - 1 : i].value)}`);
        continue;
      }
      const tol = c.expect[metric] === "same" ? 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) : noiseBand(metric, a, b);
      const wrong = direction === "down" ? b > a + tol : direction === "up" ? b < a - tol : Math.abs(b - a) > tol;
      if (wrong) {
        violations.push(
          `${metric} should ${direction === "same" ? "stay the same" : `go ${direction}`} as ${c.lever} goes ${String(points[i - 1].value)} → ` +
            `${String(points[i].value)}, but went ${a} → ${b}`,
        );
      }
    }
  }
  return { case: c, points, violations };
}
