/**
 * The scenario's emission schedule as protocol/emission.ts parameters (wei), and the per-epoch series the engine
 * reads. No emission formula lives here: everything comes from protocol/emission.ts.
 */
import {
  exponentialInitialEmission,
  segmentedEmission,
  segmentedEmissionSeries,
  type ScheduleParams,
  type ScheduleSegment,
} from "../protocol/emission";
import type { Supply } from "./engine";
import type { EmissionSegmentSpec, Scenario } from "./scenario";

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

/** The emission segments as written: the object form is one segment from epoch 0. */
export function emissionSegmentSpecs(scenario: Pick<Scenario, "emission">): EmissionSegmentSpec[] {
  return Array.isArray(scenario.emission) ? scenario.emission : [{ fromEpoch: 0, ...scenario.emission }];
}

/** Default initial emission (tokens) when a non-exponential segment omits it. */
export const DEFAULT_INITIAL_EMISSION = 5_000;

/**
 * protocol/emission.ts parameters of one segment (token amounts converted to wei). An exponential curve without
 * `initialEmission` gets cap·(1 − f) from {@link exponentialInitialEmission}, others {@link DEFAULT_INITIAL_EMISSION}.
 */
export function scheduleParamsOfSegment(e: Omit<EmissionSegmentSpec, "fromEpoch">): ScheduleParams {
  const cap = tokensToWei(e.cap);
  let initialEmission: bigint;
  if (e.initialEmission !== undefined) initialEmission = tokensToWei(e.initialEmission);
  else if (e.curve === "exponential" && e.halfLifeEpochs !== undefined) {
    initialEmission = exponentialInitialEmission(cap, BigInt(e.halfLifeEpochs));
  } else initialEmission = tokensToWei(DEFAULT_INITIAL_EMISSION);
  const params: ScheduleParams = { curve: e.curve, initialEmission, cap };
  if (e.decrement !== undefined) params.decrement = tokensToWei(e.decrement);
  if (e.floor !== undefined) params.floor = tokensToWei(e.floor);
  if (e.factorWad !== undefined) params.factorWad = BigInt(e.factorWad);
  if (e.periodEpochs !== undefined) params.periodEpochs = BigInt(e.periodEpochs);
  if (e.halfLifeEpochs !== undefined) params.halfLifeEpochs = BigInt(e.halfLifeEpochs);
  return params;
}

/**
 * The scenario's emission as controller segments (wei) and its token cap: the largest segment cap (a single schedule:
 * its cap), so the segments together never emit more than any one of them may.
 */
export function emissionSegmentsOf(scenario: Pick<Scenario, "emission">): {
  segments: ScheduleSegment[];
  tokenCap: bigint;
} {
  const segments = emissionSegmentSpecs(scenario).map((e) => ({
    fromEpoch: BigInt(e.fromEpoch),
    schedule: scheduleParamsOfSegment(e),
  }));
  const tokenCap = segments.reduce((cap, s) => (s.schedule.cap > cap ? s.schedule.cap : cap), 0n);
  return { segments, tokenCap };
}

/** The engine's supply inputs: float series (tokens) and the exact per-epoch emission (wei). */
export function supplyOf(scenario: Scenario): Supply {
  const { segments, tokenCap } = emissionSegmentsOf(scenario);
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
