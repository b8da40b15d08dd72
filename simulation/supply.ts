/**
 * The engine's supply inputs: the per-epoch emission series (tokens) and the exact emission (wei) of the scenario's
 * segments, from protocol/emission.ts (the section's conversion to parameters is simulation/emissionSpec.ts).
 */
import { segmentedEmission, segmentedEmissionSeries } from "../protocol/emission";
import { emissionSegmentsOf } from "./emissionSpec";
import type { Scenario } from "./scenario";

/** The emission a replicate runs on: float series for the engine, exact wei per epoch for the exact ledger. */
export interface Supply {
  /** Tokens emitted in each epoch (length ≥ epochs). */
  emission: Float64Array;
  /** Cumulative tokens emitted up to and including each epoch. */
  cumulative: Float64Array;
  /** Cap in tokens. */
  cap: number;
  /** Exact emission of an epoch in wei (exact mode). */
  emissionWei?: (epoch: number) => bigint;
}

/** The engine's supply inputs: float series (tokens) and the exact per-epoch emission (wei). */
export function supplyOf(scenario: Scenario): Supply {
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
