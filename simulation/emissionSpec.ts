/**
 * The scenario's `emission` section as protocol/emission.ts parameters (wei): one schedule or dated segments, the
 * derived exponential initial emission, the run's token cap. Imports only protocol/ (scenario validation and
 * supply.ts both use it, so neither imports the other).
 */
import {
  exponentialInitialEmission,
  type Curve,
  type ScheduleParams,
  type ScheduleSegment,
} from "../protocol/emission";

/** One schedule's fields as the scenario file gives them (tokens as numbers or decimal strings). */
export interface EmissionCurveSpec {
  curve: Curve;
  initialEmission?: number | string;
  cap: number | string;
  decrement?: number | string;
  floor?: number | string;
  factorWad?: number | string;
  periodEpochs?: number;
  halfLifeEpochs?: number;
}

/** One dated segment: the curve applies from `fromEpoch`, at local epoch e − fromEpoch. */
export type EmissionSegmentFields = EmissionCurveSpec & { fromEpoch: number };

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
export function emissionSegmentSpecs(emission: EmissionCurveSpec | EmissionSegmentFields[]): EmissionSegmentFields[] {
  return Array.isArray(emission) ? emission : [{ fromEpoch: 0, ...emission }];
}

/** Default initial emission (tokens) when a non-exponential segment omits it. */
export const DEFAULT_INITIAL_EMISSION = 5_000;

/**
 * protocol/emission.ts parameters of one segment (token amounts converted to wei). An exponential curve without
 * `initialEmission` gets cap·(1 − f) from {@link exponentialInitialEmission}, others {@link DEFAULT_INITIAL_EMISSION}.
 */
export function scheduleParamsOfSegment(e: EmissionCurveSpec): ScheduleParams {
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
export function emissionSegmentsOf(emission: EmissionCurveSpec | EmissionSegmentFields[]): {
  segments: ScheduleSegment[];
  tokenCap: bigint;
} {
  const segments = emissionSegmentSpecs(emission).map((e) => ({
    fromEpoch: BigInt(e.fromEpoch),
    schedule: scheduleParamsOfSegment(e),
  }));
  const tokenCap = segments.reduce((cap, s) => (s.schedule.cap > cap ? s.schedule.cap : cap), 0n);
  return { segments, tokenCap };
}
