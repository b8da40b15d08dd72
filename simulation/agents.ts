/**
 * Agent behaviour: what each group decides at the start of an epoch from what it observed so far. Decisions are
 * per group (a group is many devices of one owner type); the engine applies them to the device arrays.
 *
 * - honest: join while the expected payback beats the horizon; churn while losing money.
 * - sybil / spoofer / collusion (swarms): grow while one more fake device beats a hurdle return on its capital;
 *   shrink only while the devices they have lose money to run (sunk kit does not count); hold in between.
 *   A spoofer additionally spreads over empty cells when density scaling bites.
 * - fakeWork: inflates reported work; under an anomaly detector it keeps just below the threshold.
 * - mercenary: enters in bulk when the yield is high, leaves all at once (dumping) when it falls.
 * - adaptive: a farmer that switches attack (sybil, spoofer, fake work) to the one with the best expected return on
 *   capital under the current levers, paying a switching cost; it stops farming when none beats its hurdle.
 * Non-adaptive groups keep their configured size and strategy (replacing nothing).
 */
import type { AgentKind, AgentSpec, FarmerStrategy } from "./scenario";

export type Role = "honest" | "farmer";

export function roleOf(kind: AgentKind): Role {
  return kind === "honest" ? "honest" : "farmer";
}

/** Whether a kind's reported work is (partly) fake. Mercenary work is real. */
export function isFraudulent(kind: AgentKind): boolean {
  return kind === "sybil" || kind === "spoofer" || kind === "fakeWork" || kind === "collusion" || kind === "adaptive";
}

/** What a group knows when it decides (USD values at the current price). */
export interface Observation {
  epoch: number;
  devices: number;
  price: number;
  /** Expected reward per device per epoch (USD) from recent history. */
  rewardUsdPerDevice: number;
  /** Operating cost per device per epoch (USD), capital cost of the bond included. */
  runningCostUsd: number;
  /** One-off cost of adding a device (USD): hardware or setup, onboarding fee. */
  entryCostUsd: number;
  /** Bond per device in USD. */
  bondUsd: number;
  /** Probability per epoch that one of its devices is caught, and the share of the bond then lost. */
  detectProbability: number;
  slashFraction: number;
  /** Mean density factor of its devices last epoch (1 when it had none). */
  densityFactor: number;
  epochsPerYear: number;
}

export interface Decision {
  join: number;
  leave: number;
  /** Devices to move to empty cells (spoofer). */
  spread: number;
}

const NONE: Decision = { join: 0, leave: 0, spread: 0 };

/** Honest operators: join on expected payback, churn while unprofitable. `round` turns an expected count into an integer. */
export function decideHonest(
  spec: Extract<AgentSpec, { kind: "honest" }>,
  o: Observation,
  round: (x: number) => number,
): Decision {
  if (!spec.adaptive) return NONE;
  const margin = o.rewardUsdPerDevice - o.runningCostUsd;
  let join = 0;
  if (margin > 0 && spec.maxJoinPerEpoch > 0) {
    const payback = o.entryCostUsd / margin;
    const attractiveness = Math.max(0, Math.min(1, 1 - payback / spec.paybackHorizonEpochs));
    join = round(spec.maxJoinPerEpoch * attractiveness);
  }
  const leave = margin < 0 ? Math.min(o.devices, round(o.devices * spec.churnPerEpoch)) : 0;
  return { join, leave, spread: 0 };
}

/**
 * Expected operating profit per epoch of a fake device the swarm already has (USD): reward − running cost (opex and
 * the bond's cost of capital) − expected loss to detection (a caught device is suspended: its whole bond is lost,
 * slashed or frozen with it). Its kit is sunk and does not count.
 */
export function swarmOperatingProfit(o: Observation): number {
  return o.rewardUsdPerDevice - o.runningCostUsd - o.detectProbability * o.bondUsd;
}

/**
 * Expected annual return on the capital of one more fake device (kit, fee, bond): its operating profit less the kit
 * written off over its expected life (until caught, at most a year), per year, over the capital.
 */
export function swarmEntryApr(o: Observation): number {
  const life = o.detectProbability > 0 ? Math.min(o.epochsPerYear, 1 / o.detectProbability) : o.epochsPerYear;
  const profit = swarmOperatingProfit(o) - o.entryCostUsd / Math.max(1, life);
  const capital = o.entryCostUsd + o.bondUsd;
  if (capital > 0) return (profit * o.epochsPerYear) / capital;
  return profit > 0 ? Infinity : profit < 0 ? -Infinity : 0;
}

/**
 * Sybil swarm, spoofer ring, collusion ring. `trickle` (a swarm with `joinPerEpoch`): the devices its rate allows
 * this epoch, which replace the `resizePerEpoch` growth step (a fixed swarm grows by them regardless of profit).
 * Hysteresis, not flip-flop: it buys devices while one more beats the
 * hurdle on new capital, sells devices only while the ones it has lose money to run, and holds in between. The
 * devices that leave first are the ones that earned least last epoch (they are the swarm's marginal devices), the
 * newest among equals. A spoofer spreads when crowded.
 */
export function decideSwarm(
  spec: Extract<AgentSpec, { kind: "sybil" | "spoofer" | "collusion" }>,
  o: Observation,
  maxDevices: number,
  trickle?: number,
): Decision {
  // a trickle swarm (`joinPerEpoch`) adds at most `trickle` devices this epoch, up to maxDevices
  const room = Math.max(0, maxDevices - o.devices);
  if (!spec.adaptive) {
    return { ...NONE, join: trickle !== undefined ? Math.min(trickle, room) : Math.max(0, spec.count - o.devices) };
  }
  const step = Math.max(1, Math.ceil(Math.max(o.devices, 1) * spec.resizePerEpoch));
  let join = 0;
  let leave = 0;
  if (o.devices > 0 && swarmOperatingProfit(o) < 0) leave = Math.min(o.devices, step);
  else if (swarmEntryApr(o) >= spec.hurdleApr) join = Math.min(trickle ?? step, room);
  let spread = 0;
  if (spec.kind === "spoofer" && o.devices > 0 && o.densityFactor < spec.spreadThreshold) {
    spread = Math.ceil(o.devices * spec.spreadPerEpoch);
  }
  return { join, leave, spread };
}

/** Fake-work inflation to report: the configured one, or just under the anomaly threshold when adapting. */
export function fakeWorkInflation(
  spec: { adaptive: boolean; inflation: number },
  detector: { enabled: boolean; threshold: number },
  classMeanReported: number,
  ownMeanReal: number,
): number {
  if (!spec.adaptive || !detector.enabled || ownMeanReal <= 0 || classMeanReported <= 0) return spec.inflation;
  const safe = (0.8 * detector.threshold * classMeanReported) / ownMeanReal;
  return Math.max(1, Math.min(spec.inflation, safe));
}

/** Mercenary capital: in when the annual yield on what it puts in beats entryApr, out (all) below exitApr. */
export function decideMercenary(spec: Extract<AgentSpec, { kind: "mercenary" }>, o: Observation): Decision {
  if (!spec.adaptive) return NONE;
  const capital = o.entryCostUsd + o.bondUsd;
  const apr = capital > 0 ? ((o.rewardUsdPerDevice - o.runningCostUsd) * o.epochsPerYear) / capital : Infinity;
  if (apr > spec.entryApr) {
    return { join: Math.max(0, Math.min(spec.maxJoinPerEpoch, spec.maxDevices - o.devices)), leave: 0, spread: 0 };
  }
  if (apr < spec.exitApr) return { join: 0, leave: o.devices, spread: 0 };
  return NONE;
}

/** What an adaptive farmer expects one device of a strategy to earn and cost, per epoch, under the current levers. */
export interface StrategyInputs {
  /** Network pay (USD) per unit of reward score, averaged over the trailing window. */
  usdPerScore: number;
  /** Reward score per device before density and establishment: class weight × reported work. */
  score: number;
  /** Density factor its devices would get. */
  densityFactor: number;
  /** Mean establishment multiplier over the decision horizon (1 without an establishment period). */
  establishment: number;
  /** Probability per device per epoch of being caught (flagged devices earn nothing that epoch). */
  detectProbability: number;
  /** Caught devices are slashed and suspended (and must be replaced). */
  suspended: boolean;
  slashFraction: number;
  bondUsd: number;
  /** Running cost per device per epoch (USD), without the bond's capital cost. */
  opexUsd: number;
  /** Cost of capital per epoch (fraction). */
  capitalCostPerEpoch: number;
  /** Up-front cost of a device besides its bond (USD): setup or hardware, onboarding fee. */
  entryUsd: number;
  epochsPerYear: number;
}

export interface StrategyEstimate {
  /** Expected profit per device per epoch (USD). */
  profitUsd: number;
  /** Capital per device (USD): entry cost + bond. */
  capitalUsd: number;
  /** Expected annual profit per unit of capital. */
  apr: number;
}

/** Expected profit and return on capital of one device of a strategy. */
export function strategyEstimate(i: StrategyInputs): StrategyEstimate {
  const p = i.detectProbability;
  const reward = i.usdPerScore * i.score * i.densityFactor * i.establishment * (1 - p);
  const running = i.opexUsd + i.bondUsd * i.capitalCostPerEpoch;
  const caughtCost = i.suspended ? p * (i.slashFraction * i.bondUsd + i.entryUsd) : 0;
  const profitUsd = reward - running - caughtCost;
  const capitalUsd = i.entryUsd + i.bondUsd;
  const apr =
    capitalUsd > 0
      ? (profitUsd * i.epochsPerYear) / capitalUsd
      : profitUsd > 0
        ? Infinity
        : profitUsd < 0
          ? -Infinity
          : 0;
  return { profitUsd, capitalUsd, apr };
}

/**
 * The strategy an adaptive farmer runs next (null = stop farming). Candidates are ranked by expected annual return on
 * capital (ties keep the earlier strategy in the list). An active farmer whose attack still beats `hurdleApr` moves
 * only when the extra return over `horizonEpochs` repays the switching cost plus the new kit (per device, relative to
 * the new capital). A farmer that is idle, or whose attack fell below the hurdle, (re)enters the best attack only when
 * its return over the horizon repays the kit (and the switching cost when it had devices); otherwise it stops.
 */
export function chooseStrategy(
  spec: {
    adaptive: boolean;
    strategies: readonly FarmerStrategy[];
    switchCostUsd: number;
    horizonEpochs: number;
    hurdleApr: number;
  },
  current: FarmerStrategy | null,
  estimates: Readonly<Partial<Record<FarmerStrategy, StrategyEstimate & { entryUsd: number }>>>,
  epochsPerYear: number,
): FarmerStrategy | null {
  if (!spec.adaptive) return current;
  let best: FarmerStrategy | null = null;
  for (const s of spec.strategies) {
    const e = estimates[s];
    if (e && (best === null || e.apr > (estimates[best] as StrategyEstimate).apr)) best = s;
  }
  if (best === null) return current;
  const b = estimates[best] as StrategyEstimate & { entryUsd: number };
  const c = current === null ? undefined : estimates[current];
  const overHorizon = spec.horizonEpochs / epochsPerYear;
  const costShare = (usd: number): number => (b.capitalUsd > 0 ? usd / b.capitalUsd : 0);
  if (c && c.apr >= spec.hurdleApr) {
    if (best === current) return current;
    return (b.apr - c.apr) * overHorizon > costShare(spec.switchCostUsd + b.entryUsd) ? best : current;
  }
  if (!(b.apr >= spec.hurdleApr)) return null;
  const cost = costShare((current !== null && best !== current ? spec.switchCostUsd : 0) + b.entryUsd);
  if (best === current) return current;
  return b.apr * overHorizon > cost ? best : null;
}
