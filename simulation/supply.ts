/**
 * The engine's supply inputs: the per-epoch emission series (tokens) and the exact emission (wei) of the scenario's
 * segments, from protocol/emission.ts (the section's conversion to parameters is simulation/emissionSpec.ts), or,
 * when a segment is a simulation-only formula over network state, the compiled plan the engine runs epoch by epoch
 * (simulation/emissionFormula.ts).
 */
import { segmentedEmission, segmentedEmissionSeries } from "../protocol/emission";
import { emissionPlanOf, type EmissionPlan } from "./emissionFormula";
import { emissionSegmentsOf } from "./emissionSpec";
import type { Scenario } from "./scenario";

/** The emission a replicate runs on: float series for the engine, exact wei per epoch for the exact ledger. */
export interface Supply {
  /** Tokens emitted in each epoch (length ≥ epochs); zeros when `formula` is set (the engine fills its own copy). */
  emission: Float64Array;
  /** Cumulative tokens emitted up to and including each epoch (zeros when `formula` is set). */
  cumulative: Float64Array;
  /** Cap in tokens. */
  cap: number;
  /** Exact emission of an epoch in wei (exact mode; absent with a formula). */
  emissionWei?: (epoch: number) => bigint;
  /** A formula segment's emission depends on network state: the engine computes each epoch from this plan. */
  formula?: EmissionPlan;
}

/** The engine's supply inputs: float series (tokens) and the exact per-epoch emission (wei). */
export function supplyOf(scenario: Scenario): Supply {
  const plan = emissionPlanOf(scenario.emission, scenario.epochs, (365.25 * 86_400) / scenario.epochLengthSeconds);
  if (plan !== undefined) {
    return {
      emission: new Float64Array(scenario.epochs),
      cumulative: new Float64Array(scenario.epochs),
      cap: plan.cap,
      formula: plan,
    };
  }
  const { segments, tokenCap } = emissionSegmentsOf(scenario.emission);
  const series = segmentedEmissionSeries(segments, tokenCap, scenario.epochs);
  const cum = new Float64Array(series.length);
  let acc = 0;
  for (let e = 0; e < series.length; e++) {
    acc += series[e];
    cum[e] = acc;
  }
  return {
    emission: series,
    cumulative: cum,
    cap: Number(tokenCap) / 1e18,
    emissionWei: (epoch: number) => segmentedEmission(segments, tokenCap, BigInt(epoch)),
  };
}
