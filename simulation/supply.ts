/**
 * The scenario's emission schedule as protocol/emission.ts parameters (wei), and the per-epoch series the engine
 * reads. No emission formula lives here: everything comes from protocol/emission.ts.
 */
import { cumulative, emission, emissionSeries, type ScheduleParams } from "../protocol/emission";
import type { Scenario } from "./scenario";

/** Whole tokens (number or decimal string, exponent allowed) → wei, exactly for decimal strings. */
export function tokensToWei(amount: number | string): bigint {
  const text = typeof amount === "number" ? numberToDecimal(amount) : amount.trim();
  const m = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw new Error(`expected a non-negative token amount, got "${text}"`);
  const digits = m[1] + (m[2] ?? "");
  const exponent = 18 + Number(m[3] ?? 0) - (m[2]?.length ?? 0);
  if (exponent >= 0) return BigInt(digits) * 10n ** BigInt(exponent);
  return BigInt(digits) / 10n ** BigInt(-exponent); // below 1 wei: rounded down
}

function numberToDecimal(x: number): string {
  if (!Number.isFinite(x) || x < 0) throw new Error(`expected a non-negative finite token amount, got ${x}`);
  return String(x).replace("e+", "e");
}

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

/** protocol/emission.ts parameters of a scenario (token amounts converted to wei). */
export function scheduleParamsOf(scenario: Scenario): ScheduleParams {
  const e = scenario.emission;
  const params: ScheduleParams = {
    curve: e.curve,
    initialEmission: tokensToWei(e.initialEmission),
    cap: tokensToWei(e.cap),
  };
  if (e.decrement !== undefined) params.decrement = tokensToWei(e.decrement);
  if (e.floor !== undefined) params.floor = tokensToWei(e.floor);
  if (e.factorWad !== undefined) params.factorWad = BigInt(e.factorWad);
  if (e.periodEpochs !== undefined) params.periodEpochs = BigInt(e.periodEpochs);
  if (e.halfLifeEpochs !== undefined) params.halfLifeEpochs = BigInt(e.halfLifeEpochs);
  return params;
}

/** The engine's supply inputs: float series (tokens) and the exact per-epoch emission (wei). */
export function supplyOf(scenario: Scenario): Supply {
  const params = scheduleParamsOf(scenario);
  const series = emissionSeries(params, scenario.epochs);
  const cum = new Float64Array(series.length);
  let acc = 0;
  for (let e = 0; e < series.length; e++) {
    acc += series[e];
    cum[e] = acc;
  }
  return {
    emission: series,
    cumulative: cum,
    cap: Number(params.cap) / 1e18,
    emissionWei: (epoch: number) => emission(params, BigInt(epoch)),
  };
}

/** Exact cumulative emission (wei) up to an epoch, for checks. */
export function cumulativeWei(scenario: Scenario, epoch: number): bigint {
  return cumulative(scheduleParamsOf(scenario), BigInt(epoch));
}
