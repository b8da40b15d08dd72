/**
 * One epoch of the model, as a table of phases (the way radCAD / cadCAD models list their partial state update
 * blocks). Each phase is a mechanism: it reads the state, applies the decisions of the policies it names and
 * writes the state; the next phase sees what it wrote. The engine (simulation/engine.ts) holds the state (the
 * device table of world/devices.ts, the groups, the ledger, the market) and implements one function per phase;
 * `runEpoch` calls them in this order. Policies are pure functions of an observation (simulation/agents.ts).
 *
 * What flows from one phase to the next within an epoch is {@link EpochFlow}; everything else persists.
 */

/** The phases of an epoch, in order. */
export const EPOCH_PHASES = [
  {
    phase: "emission",
    policies: [],
    reads: "the schedule, or the emission formula over the previous epoch's state",
    writes: "the epoch's emission and work pool; the ledger opens the epoch",
  },
  {
    phase: "levers",
    policies: [],
    reads: "the scenario's leverChanges that start this epoch",
    writes: "levers (bond, fee, detection, density, stake factor); bond top-ups bought or sold",
  },
  {
    phase: "membership",
    policies: ["decideHonest", "decideSwarm", "decideMercenary", "chooseStrategy", "fakeWorkInflation"],
    reads: "each group's observation: price, its reward per device, costs, bond, density it met",
    writes: "joins (kit, fees, bonds bought), leaves, spreads and hops of devices; an adaptive farmer's attack",
  },
  {
    phase: "work",
    policies: [],
    reads: "devices' capacity and inflation; demand",
    writes: "real and reported work per device; the work demand served",
  },
  {
    phase: "detection",
    policies: [],
    reads: "reported against real work, detection levers, registration patterns, ring witnesses",
    writes: "flagged devices (reported to the ledger with a reason); cell counts and density factors",
  },
  {
    phase: "pay",
    policies: [],
    reads: "reported (or served) work, class weights, density factors, stake factors (protocol/reward.ts)",
    writes: "each device's reward, paid through the ledger (fast, exact or EVM); group sums",
  },
  {
    phase: "slashing",
    policies: [],
    reads: "flagged devices",
    writes: "slashed and burned bonds, forfeited unvested rewards; suspended devices removed",
  },
  {
    phase: "economy",
    policies: [],
    reads: "rewards earned, sell fractions, costs, demand",
    writes: "vesting releases, market sells, costs and revenue per group, the demand burn, the next price",
  },
  {
    phase: "record",
    policies: [],
    reads: "the epoch's totals",
    writes: "invariant checks, the series rows (network, group, strategy), the state the next formula reads",
  },
] as const satisfies ReadonlyArray<{ phase: string; policies: readonly string[]; reads: string; writes: string }>;

export type EpochPhase = (typeof EPOCH_PHASES)[number]["phase"];

/** Values one phase of an epoch hands to later ones (the rest of the state persists across epochs). */
export interface EpochFlow {
  readonly epoch: number;
  /** Token price at the start of the epoch (USD). */
  price: number;
  /** Tokens minted this epoch, and the work pool's share of them. */
  emission: number;
  workPool: number;
  /** Σ real work, the demand (USD) and the work it asks for, what of it was served, and its USD value. */
  realWork: number;
  demandUsd: number;
  servedWork: number;
  paidDemandUsd: number;
  /** The pool paid this epoch (the work pool plus any carried over) and what the ledger paid of it. */
  pool: number;
  paid: number;
  /** Σ reported work, and the tokens locked (bonds and unvested rewards) once the epoch's vesting has run. */
  reportedWork: number;
  locked: number;
}

/** One function per phase: what the engine implements. */
export type EpochMechanisms = Readonly<Record<EpochPhase, (flow: EpochFlow) => void>>;

/** A fresh flow for epoch `epoch` (every value zero until its phase sets it). */
function newEpochFlow(epoch: number): EpochFlow {
  return {
    epoch,
    price: 0,
    emission: 0,
    workPool: 0,
    realWork: 0,
    demandUsd: 0,
    servedWork: 0,
    paidDemandUsd: 0,
    pool: 0,
    paid: 0,
    reportedWork: 0,
    locked: 0,
  };
}

/** Runs one epoch: every phase of {@link EPOCH_PHASES} in order. */
export function runEpoch(mechanisms: EpochMechanisms, epoch: number): EpochFlow {
  const flow = newEpochFlow(epoch);
  for (const { phase } of EPOCH_PHASES) mechanisms[phase](flow);
  return flow;
}
