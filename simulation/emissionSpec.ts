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

/** The scenario's curves: the contracts' four, and `formula` (simulation only: simulation/emissionFormula.ts). */
export type EmissionCurve = Curve | "formula";

/** One schedule's fields as the scenario file gives them (tokens as numbers or decimal strings). */
export interface EmissionCurveSpec {
  curve: EmissionCurve;
  initialEmission?: number | string;
  cap: number | string;
  decrement?: number | string;
  floor?: number | string;
  factorWad?: number | string;
  periodEpochs?: number;
  halfLifeEpochs?: number;
  /** formula: tokens emitted in the epoch, a mathjs expression of the network state (simulation/emissionFormula.ts). */
  formula?: string;
  /** formula: named constants. */
  parameters?: Record<string, number>;
  /** formula: named running sums, each term a formula of the same state added every epoch of the segment. */
  sums?: Record<string, string>;
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
  if (e.curve === "formula") {
    throw new Error("emission: a formula segment has no contract schedule (simulation only; see emissionFormula.ts)");
  }
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

/** The scenario path of segment `index`'s field: `emission.formula` (one schedule) or `emission[1].formula`. */
export function emissionFieldPath(
  emission: EmissionCurveSpec | EmissionSegmentFields[],
  index: number,
  field: string,
): string {
  return Array.isArray(emission) ? `emission[${index}].${field}` : `emission.${field}`;
}

/** The run's token cap (wei): the largest segment cap, formula segments included. */
export function emissionTokenCap(emission: EmissionCurveSpec | EmissionSegmentFields[]): bigint {
  return emissionSegmentSpecs(emission).reduce((cap, e) => {
    const c = tokensToWei(e.cap);
    return c > cap ? c : cap;
  }, 0n);
}

/** A sweep point whose emission the contracts cannot express (a formula segment: simulation only), and why. */
export interface OffChainPoint {
  point: number;
  reason: string;
}

/** One line on a sweep's simulation-only points: how many of `total`, which (the first eight), and why. */
export function offChainSummary(points: readonly OffChainPoint[], total: number): string {
  const shown = points
    .slice(0, 8)
    .map((p) => p.point)
    .join(", ");
  const more = points.length > 8 ? ` and ${points.length - 8} more` : "";
  const reasons = [...new Set(points.map((p) => p.reason))].join("; ");
  return `${points.length} of ${total} sweep points are simulation only, not deployable as simulated (points ${shown}${more}): ${reasons}`;
}

/** Whether the contracts can run a scenario's emission; a formula segment (simulation only) cannot. */
export type OnChainExpressibility = { expressible: true } | { expressible: false; reason: string };

/**
 * The emission contracts implement the four curves of protocol/emission.ts and dated switches between them; a
 * `curve: formula` segment reads network state the controller never sees, so a scenario with one cannot run on chain.
 */
export function onChainExpressibility(emission: EmissionCurveSpec | EmissionSegmentFields[]): OnChainExpressibility {
  const specs = emissionSegmentSpecs(emission);
  const formulas = specs.flatMap((e, i) => (e.curve === "formula" ? [emissionFieldPath(emission, i, "formula")] : []));
  if (formulas.length === 0) return { expressible: true };
  return {
    expressible: false,
    reason:
      `${formulas.join(", ")} ${formulas.length === 1 ? "is a simulation-only emission formula" : "are simulation-only emission formulas"} ` +
      "over network state; the emission contracts implement only the constant, linear, step and exponential curves " +
      "(and dated switches between them), so this emission cannot be deployed as written",
  };
}

/** Refuses an emission the contracts cannot run (`--mode evm`), with the reason. */
export function requireOnChainEmission(emission: EmissionCurveSpec | EmissionSegmentFields[]): void {
  const onChain = onChainExpressibility(emission);
  if (!onChain.expressible) throw new Error(`--mode evm cannot run this scenario: ${onChain.reason}`);
}

/**
 * The scenario's emission as controller segments (wei) and its token cap: the largest segment cap (a single schedule:
 * its cap), so the segments together never emit more than any one of them may.
 */
export function emissionSegmentsOf(emission: EmissionCurveSpec | EmissionSegmentFields[]): {
  segments: ScheduleSegment[];
  tokenCap: bigint;
} {
  const onChain = onChainExpressibility(emission);
  if (!onChain.expressible) throw new Error(`emission: no controller segments: ${onChain.reason}`);
  const segments = emissionSegmentSpecs(emission).map((e) => ({
    fromEpoch: BigInt(e.fromEpoch),
    schedule: scheduleParamsOfSegment(e),
  }));
  const tokenCap = segments.reduce((cap, s) => (s.schedule.cap > cap ? s.schedule.cap : cap), 0n);
  return { segments, tokenCap };
}
