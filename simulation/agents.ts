/**
 * Agent behaviour: what each group decides at the start of an epoch from what it observed so far. Decisions are
 * per group (a group is many devices of one owner type); the engine applies them to the device arrays.
 *
 * - honest: join while the expected payback beats the horizon; churn while losing money.
 * - sybil / spoofer / collusion (swarms): grow while one more fake device is profitable after opex, bond capital,
 *   expected slashing and amortised fees; shrink otherwise (so a swarm shrinks when bonds or detection rise).
 *   A spoofer additionally spreads over empty cells when density scaling bites.
 * - fakeWork: inflates reported work; under an anomaly detector it keeps just below the threshold.
 * - mercenary: enters in bulk when the yield is high, leaves all at once (dumping) when it falls.
 * Non-adaptive groups keep their configured size and strategy (replacing nothing).
 */
import type { AgentKind, AgentSpec } from "./scenario";

export type Role = "honest" | "farmer";

export function roleOf(kind: AgentKind): Role {
  return kind === "honest" ? "honest" : "farmer";
}

/** Whether a kind's reported work is (partly) fake. Mercenary work is real. */
export function isFraudulent(kind: AgentKind): boolean {
  return kind === "sybil" || kind === "spoofer" || kind === "fakeWork" || kind === "collusion";
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
export function decideHonest(spec: Extract<AgentSpec, { kind: "honest" }>, o: Observation, round: (x: number) => number): Decision {
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

/** Expected profit per epoch of one more fake device: reward − running cost − expected slash − amortised entry. */
export function swarmMarginalProfit(o: Observation): number {
  const lifetime = o.detectProbability > 0 ? Math.min(365, 1 / o.detectProbability) : 365;
  const expectedSlash = o.detectProbability * o.slashFraction * o.bondUsd;
  return o.rewardUsdPerDevice - o.runningCostUsd - expectedSlash - o.entryCostUsd / lifetime;
}

/** Sybil swarm, spoofer ring, collusion ring: size follows marginal profit; a spoofer spreads when crowded. */
export function decideSwarm(
  spec: Extract<AgentSpec, { kind: "sybil" | "spoofer" | "collusion" }>,
  o: Observation,
  maxDevices: number,
): Decision {
  if (!spec.adaptive) return { ...NONE, join: Math.max(0, spec.count - o.devices) };
  const profit = swarmMarginalProfit(o);
  const step = Math.max(1, Math.ceil(Math.max(o.devices, 1) * spec.resizePerEpoch));
  let join = 0;
  let leave = 0;
  if (profit > 0) join = Math.max(0, Math.min(step, maxDevices - o.devices));
  else if (profit < 0) leave = Math.min(o.devices, step);
  let spread = 0;
  if (spec.kind === "spoofer" && o.devices > 0 && o.densityFactor < spec.spreadThreshold) {
    spread = Math.ceil(o.devices * spec.spreadPerEpoch);
  }
  return { join, leave, spread };
}

/** Fake-work inflation to report: the configured one, or just under the anomaly threshold when adapting. */
export function fakeWorkInflation(
  spec: Extract<AgentSpec, { kind: "fakeWork" }>,
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
