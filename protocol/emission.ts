/**
 * Emission schedules: the TypeScript twin of `contracts/emission/EmissionSchedule.sol`, equal to the wei.
 *
 * Every curve is defined by its CUMULATIVE emission `C(e)` (tokens emitted in epochs 0..e inclusive, in wei), a closed
 * form that is non-decreasing in `e` and never above `cap`; the emission of one epoch is `E(e) = C(e) − C(e−1)`
 * (`C(−1) = 0`), so `Σ E(0..e) = C(e)` holds exactly by telescoping and no epoch can push the total past the cap.
 *
 * Curves (raw curve `R(e)`, then `C(e) = min(R(e), cap)`):
 * - `constant`:    E = initialEmission every epoch.
 * - `linear`:      E(e) = max(initialEmission − e·decrement, floor); R is the exact integer sum (no rounding).
 * - `step`:        the budget of period k (epochs kP..kP+P−1) is initialEmission·P·f^k, f = factorWad/1e18;
 *                  R at the end of period k−1 is B(k) = ⌊initialEmission·P·(1 − g_k) / (1 − f)⌋ where
 *                  g_k = rpowUp(f, k) at 36 decimals ({@link periodPowerUp}); inside a period R moves linearly from
 *                  B(k) to B(k+1) (rounded down), so every epoch of a period gets the same amount ±1 wei.
 * - `exponential`: the `step` formula with P = 1 and f derived from `halfLifeEpochs` by {@link exponentialFactorWad}.
 *
 * Rounding: always DOWN against the exact real-number curve for the same factor (protocol-favourable: never
 * over-emits). For step/exponential, with C*(e) the exact cumulative of the real-number curve (E = I·f^⌊e/P⌋):
 * `0 ≤ C*(e) − C(e) < I·P·(k+1) / ((1e18 − factorWad)·1e18) + 2` wei, k = ⌊e/P⌋ (proof in docs/emission.md) —
 * in practice ≤ 2 wei; constant and linear are exact.
 */
import { BPS, PRECISE_ONE, WAD, maxBigint, minBigint, mulDivDown, rpowUp } from "./math";

/** The four curve shapes; the same names (and order, as the Solidity enum `Curve`) as the contracts. */
export const CURVES = ["constant", "linear", "step", "exponential"] as const;
export type Curve = (typeof CURVES)[number];

/**
 * Parameters of one emission schedule, all amounts in wei (bigint). Field names are shared with scenario files and
 * the Solidity `ScheduleParams` struct (an absent field is 0 on chain).
 * - constant:    initialEmission, cap.
 * - linear:      initialEmission, cap, decrement (> 0, wei per epoch), floor (≤ initialEmission; optional, 0).
 * - step:        initialEmission, cap, factorWad (0 < f ≤ MAX_FACTOR_WAD), periodEpochs (≥ 1).
 * - exponential: initialEmission, cap, halfLifeEpochs (1..MAX_HALF_LIFE_EPOCHS); factorWad optional and, if given,
 *                must equal `exponentialFactorWad(halfLifeEpochs)`.
 * A parameter the curve does not use must be absent or 0.
 */
export type ScheduleParams = {
  curve: Curve;
  initialEmission: bigint;
  cap: bigint;
  decrement?: bigint;
  floor?: bigint;
  factorWad?: bigint;
  periodEpochs?: bigint;
  halfLifeEpochs?: bigint;
};

/** Largest accepted cap (2^128 − 1 wei ≈ 3.4e20 tokens): keeps every intermediate product inside uint256. */
export const MAX_CAP = (1n << 128n) - 1n;
/** Largest accepted per-period factor, 1 − 1e-9: a slower decay would amplify rounding (error ∝ 1/(1e18 − f)). */
export const MAX_FACTOR_WAD = WAD - 10n ** 9n;
/** Largest accepted step period, 2^64 − 1 epochs. */
export const MAX_PERIOD_EPOCHS = (1n << 64n) - 1n;
/** Largest accepted half-life: 5e8 epochs (its factor ≈ 1 − 1.39e-9 ≤ MAX_FACTOR_WAD). */
export const MAX_HALF_LIFE_EPOCHS = 500_000_000n;
/**
 * From this many whole periods on, `periodPowerUp(f, k) = 1` for every accepted f (true for MAX_FACTOR_WAD, tested;
 * rpowUp is non-decreasing in f, non-increasing in k and ≥ 1), so step/exponential curves are flat from there.
 */
export const SATURATION_PERIODS = 1n << 64n;

/**
 * f^k for a wad factor f, at 36 decimals (PRECISE_ONE = 1.0), rounded UP: `rpowUp(f·1e18, k, 1e36)`. The extra 18
 * decimals make the rounding of the power negligible once divided by (1 − f) ≥ 1e-9. Same as
 * `EmissionMath.periodPowerUp`.
 */
export function periodPowerUp(factorWad: bigint, periods: bigint): bigint {
  return rpowUp(factorWad * WAD, periods, PRECISE_ONE);
}

/** Thrown for a schedule parameter that is missing, out of range or unused by the curve; names the field. */
export class ScheduleParamsError extends Error {
  constructor(
    readonly field: string,
    /** What was expected, without the field name (the message is `ScheduleParams.<field>: <reason>`). */
    readonly reason: string,
  ) {
    super(`ScheduleParams.${field}: ${reason}`);
    this.name = "ScheduleParamsError";
  }
}

/** A validated schedule with every parameter present (0 where unused) and the exponential factor derived. */
export type ResolvedSchedule = Required<ScheduleParams>;

/** The amount and count fields of {@link ScheduleParams} (every field but `curve`), in the Solidity struct's order. */
export const SCHEDULE_FIELDS = [
  "initialEmission",
  "cap",
  "decrement",
  "floor",
  "factorWad",
  "periodEpochs",
  "halfLifeEpochs",
] as const satisfies ReadonlyArray<Exclude<keyof ScheduleParams, "curve">>;

const factorCache = new Map<bigint, bigint>();

/**
 * The per-epoch factor (wad) of a continuous decay with the given half-life: the LARGEST f with
 * `periodPowerUp(f, halfLifeEpochs) ≤ 0.5e36`. Because rpowUp ≥ the exact power, f^h ≤ 1/2 exactly: the curve halves
 * at least as fast as stated (never over-emits), and f is within a few wei of ⌊2^(−1/h)·1e18⌋. Found by bisection on
 * [0, 1e18] (60 steps); identical to `EmissionMath.exponentialFactorWad`.
 */
export function exponentialFactorWad(halfLifeEpochs: bigint): bigint {
  if (typeof halfLifeEpochs !== "bigint" || halfLifeEpochs < 1n || halfLifeEpochs > MAX_HALF_LIFE_EPOCHS) {
    throw new ScheduleParamsError(
      "halfLifeEpochs",
      `expected a bigint in [1, ${MAX_HALF_LIFE_EPOCHS}], got ${String(halfLifeEpochs)}`,
    );
  }
  const cached = factorCache.get(halfLifeEpochs);
  if (cached !== undefined) return cached;
  let lo = 0n; // 0^h = 0 ≤ 1/2
  let hi = WAD; // 1^h = 1 > 1/2
  while (hi - lo > 1n) {
    const mid = (lo + hi) >> 1n;
    if (periodPowerUp(mid, halfLifeEpochs) <= PRECISE_ONE / 2n) lo = mid;
    else hi = mid;
  }
  factorCache.set(halfLifeEpochs, lo);
  return lo;
}

function requireInRange(name: string, value: bigint, min: bigint, max: bigint): void {
  if (value < min || value > max)
    throw new ScheduleParamsError(name, `expected ${min} ≤ ${name} ≤ ${max}, got ${value}`);
}

/**
 * Collects the problems of one schedule in the order the `EmissionSchedule` constructor checks them (so the first is
 * the one it reverts with). A check that depends on a bad field uses the bound that field would have had instead
 * (a decrement is checked against the cap when the initial emission is itself out of range), so one mistake is
 * reported once, not again through every field compared with it.
 */
function checkSchedule(params: ScheduleParams): { resolved: ResolvedSchedule; problems: ScheduleParamsError[] } {
  const problems: ScheduleParamsError[] = [];
  const problem = (name: string, reason: string) => problems.push(new ScheduleParamsError(name, reason));
  /** The field as a bigint (absent = 0n), or undefined (and a problem) when it is not a bigint. */
  const field = (name: keyof ScheduleParams): bigint | undefined => {
    const value = params[name];
    if (value === undefined) return 0n;
    if (typeof value !== "bigint") {
      problem(name, `expected a bigint, got ${typeof value}`);
      return undefined;
    }
    return value;
  };
  /** Whether the field is in [min, max]; a problem names the range otherwise. */
  const inRange = (name: string, value: bigint | undefined, min: bigint, max: bigint): value is bigint => {
    if (value === undefined) return false;
    if (value >= min && value <= max) return true;
    const absent = params[name as keyof ScheduleParams] === undefined;
    problem(
      name,
      absent
        ? `required by the "${params.curve}" curve: expected ${min} ≤ ${name} ≤ ${max}`
        : `expected ${min} ≤ ${name} ≤ ${max}, got ${value}`,
    );
    return false;
  };
  const unused = (names: (keyof ScheduleParams)[]): void => {
    for (const name of names) {
      const value = field(name);
      if (value !== undefined && value !== 0n)
        problem(name, `not used by the "${params.curve}" curve; omit it or set it to 0`);
    }
  };
  const curveKnown = CURVES.includes(params.curve);
  if (!curveKnown) problem("curve", `expected one of ${CURVES.join(", ")}, got ${String(params.curve)}`);
  const capValue = field("cap");
  const initialValue = field("initialEmission");
  const capOk = inRange("cap", capValue, 1n, MAX_CAP);
  const cap = capOk ? capValue : MAX_CAP;
  const initialOk = inRange("initialEmission", initialValue, 1n, cap);
  const initialEmission = initialOk ? initialValue : cap;
  const resolved: ResolvedSchedule = {
    curve: params.curve,
    initialEmission,
    cap,
    decrement: 0n,
    floor: 0n,
    factorWad: 0n,
    periodEpochs: 0n,
    halfLifeEpochs: 0n,
  };
  if (!curveKnown) return { resolved, problems };
  switch (params.curve) {
    case "constant":
      unused(["decrement", "floor", "factorWad", "periodEpochs", "halfLifeEpochs"]);
      break;
    case "linear": {
      unused(["factorWad", "periodEpochs", "halfLifeEpochs"]);
      const decrement = field("decrement");
      if (inRange("decrement", decrement, 1n, initialEmission)) resolved.decrement = decrement;
      const floor = field("floor");
      if (inRange("floor", floor, 0n, initialEmission)) resolved.floor = floor;
      break;
    }
    case "step": {
      unused(["decrement", "floor", "halfLifeEpochs"]);
      const factorWad = field("factorWad");
      if (inRange("factorWad", factorWad, 1n, MAX_FACTOR_WAD)) resolved.factorWad = factorWad;
      const periodEpochs = field("periodEpochs");
      if (inRange("periodEpochs", periodEpochs, 1n, MAX_PERIOD_EPOCHS)) resolved.periodEpochs = periodEpochs;
      break;
    }
    case "exponential": {
      unused(["decrement", "floor", "periodEpochs"]);
      const halfLife = field("halfLifeEpochs");
      resolved.periodEpochs = 1n;
      if (!inRange("halfLifeEpochs", halfLife, 1n, MAX_HALF_LIFE_EPOCHS)) break;
      resolved.halfLifeEpochs = halfLife;
      const derived = exponentialFactorWad(halfLife);
      const given = field("factorWad");
      if (given !== undefined && given !== 0n && given !== derived) {
        problem("factorWad", `must be omitted or equal exponentialFactorWad(${halfLife}) = ${derived}, got ${given}`);
      }
      resolved.factorWad = derived;
      break;
    }
  }
  return { resolved, problems };
}

/**
 * Every problem of `params` under the rules of the `EmissionSchedule` constructor, each naming its field; empty when
 * the schedule is valid. The first is the one {@link resolveSchedule} throws (and the contract reverts with).
 */
export function scheduleProblems(params: ScheduleParams): ScheduleParamsError[] {
  return checkSchedule(params).problems;
}

/**
 * Validates `params` with the same rules as the `EmissionSchedule` constructor and returns them with every field
 * present. Throws {@link ScheduleParamsError} naming the first bad field ({@link scheduleProblems} lists them all).
 */
export function resolveSchedule(params: ScheduleParams): ResolvedSchedule {
  const { resolved, problems } = checkSchedule(params);
  if (problems.length > 0) throw problems[0];
  return resolved;
}

function requireEpoch(epoch: bigint): void {
  if (typeof epoch !== "bigint" || epoch < 0n || epoch >= 1n << 256n) {
    throw new RangeError(`epoch must be a uint256 bigint, got ${String(epoch)}`);
  }
}

/** Linear curve: epochs 0..n−1 pay initial − e·decrement (> floor), epochs ≥ n pay floor. */
function linearCumulative(s: ResolvedSchedule, epoch: bigint): bigint {
  const { initialEmission: i, decrement: d, floor: f, cap } = s;
  const n = (i - f + d - 1n) / d; // ceil((i − f) / d): epochs strictly above the floor
  if (epoch < n) return minBigint(cap, (epoch + 1n) * i - (d * epoch * (epoch + 1n)) / 2n);
  const decaying = n * i - (d * (n - 1n) * n) / 2n;
  if (f === 0n) return minBigint(cap, decaying);
  if (epoch - n >= cap / f) return cap; // (epoch − n + 1)·floor > cap
  return minBigint(cap, decaying + (epoch - n + 1n) * f);
}

/** Step curve (exponential is P = 1): B(k) at period boundaries, linear (rounded down) inside a period. */
function stepCumulative(s: ResolvedSchedule, epoch: bigint): bigint {
  const { initialEmission: i, factorWad: f, periodEpochs: p, cap } = s;
  const perPeriod = i * p;
  const denominator = (WAD - f) * WAD; // (1 − f) at 36 decimals
  const boundary = (periods: bigint): bigint =>
    mulDivDown(perPeriod, PRECISE_ONE - periodPowerUp(f, periods), denominator);
  const k = epoch / p;
  if (k >= SATURATION_PERIODS) return minBigint(cap, mulDivDown(perPeriod, PRECISE_ONE - 1n, denominator));
  const start = boundary(k);
  const end = boundary(k + 1n);
  return minBigint(cap, start + mulDivDown(end - start, (epoch % p) + 1n, p));
}

/** Cumulative emission of epochs 0..epoch inclusive, in wei; non-decreasing, ≤ cap. Equals `EmissionSchedule.cumulative`. */
export function cumulative(params: ScheduleParams, epoch: bigint): bigint {
  requireEpoch(epoch);
  const s = resolveSchedule(params);
  switch (s.curve) {
    case "constant":
      return epoch >= s.cap / s.initialEmission ? s.cap : (epoch + 1n) * s.initialEmission;
    case "linear":
      return linearCumulative(s, epoch);
    case "step":
    case "exponential":
      return stepCumulative(s, epoch);
  }
}

/** Emission of one epoch in wei: `cumulative(epoch) − cumulative(epoch − 1)`. Equals `EmissionSchedule.emission`. */
export function emission(params: ScheduleParams, epoch: bigint): bigint {
  requireEpoch(epoch);
  return epoch === 0n ? cumulative(params, 0n) : cumulative(params, epoch) - cumulative(params, epoch - 1n);
}

/**
 * Tolerance of {@link emissionSeries} against the exact bigint model, tested on random schedules: for every epoch e,
 * `|series[e]·1e18 − emission(e)| ≤ SERIES_RELATIVE_TOLERANCE · max(initialEmission, cap / 1000) + 2 wei`
 * (the cap/1000 term covers the one epoch where the cap is reached; measured worst ≈ 4e-11).
 */
export const SERIES_RELATIVE_TOLERANCE = 1e-9;

/**
 * Fast float64 emission per epoch for the simulator, in TOKEN UNITS (wei / 1e18), one entry per epoch 0..epochs−1.
 * Evaluates the real-number curve (constant; max(I − e·d, floor); I·f^⌊e/P⌋) and truncates it at the cap with a
 * compensated (Kahan) running sum. Agrees with {@link emission} within SERIES_RELATIVE_TOLERANCE (see its doc).
 */
export function emissionSeries(params: ScheduleParams, epochs: number): Float64Array {
  if (!Number.isSafeInteger(epochs) || epochs < 0) {
    throw new RangeError(`epochs must be a non-negative safe integer, got ${epochs}`);
  }
  const s = resolveSchedule(params);
  const toTokens = (wei: bigint): number => Number(wei) / 1e18;
  const initial = toTokens(s.initialEmission);
  const cap = toTokens(s.cap);
  const decrement = toTokens(s.decrement);
  const floor = toTokens(s.floor);
  const factor = Number(s.factorWad) / 1e18;
  const period = Number(s.periodEpochs);
  const series = new Float64Array(epochs);
  let periodIndex = -1;
  let periodAmount = initial;
  for (let e = 0; e < epochs; e++) {
    if (s.curve === "constant") series[e] = initial;
    else if (s.curve === "linear") series[e] = Math.max(initial - e * decrement, floor);
    else {
      const k = Math.floor(e / period);
      if (k !== periodIndex) {
        periodIndex = k;
        periodAmount = initial * Math.pow(factor, k);
      }
      series[e] = periodAmount;
    }
  }
  truncateAtCap(series, 0, epochs, cap, { sum: 0, compensation: 0 });
  return series;
}

/**
 * Truncates `series[from..to)` in place where the running total would pass `cap` (tokens), continuing the running
 * total in `total`. Kahan summation keeps that total within ~2 ulps of the exact sum.
 */
function truncateAtCap(
  series: Float64Array,
  from: number,
  to: number,
  cap: number,
  total: { sum: number; compensation: number },
): void {
  let { sum, compensation } = total;
  for (let e = from; e < to; e++) {
    let amount = series[e];
    const room = cap - sum;
    if (amount >= room) amount = Math.max(room, 0);
    series[e] = amount;
    const y = amount - compensation;
    const t = sum + y;
    compensation = t - sum - y;
    sum = t;
  }
  total.sum = sum;
  total.compensation = compensation;
}

/** The schedule as the positional tuple of the Solidity `ScheduleParams` struct (absent fields are 0). */
export function toSolidityParams(params: ScheduleParams): {
  curve: number;
  initialEmission: bigint;
  cap: bigint;
  decrement: bigint;
  floor: bigint;
  factorWad: bigint;
  periodEpochs: bigint;
  halfLifeEpochs: bigint;
} {
  const index = CURVES.indexOf(params.curve);
  if (index < 0) throw new ScheduleParamsError("curve", `expected one of ${CURVES.join(", ")}, got ${params.curve}`);
  return {
    curve: index,
    initialEmission: params.initialEmission,
    cap: params.cap,
    decrement: params.decrement ?? 0n,
    floor: params.floor ?? 0n,
    factorWad: params.factorWad ?? 0n,
    periodEpochs: params.periodEpochs ?? 0n,
    halfLifeEpochs: params.halfLifeEpochs ?? 0n,
  };
}

/** Epoch at which the cumulative emission first reaches the cap, or undefined if it never does (bisection, O(log)). */
export function capReachedEpoch(params: ScheduleParams): bigint | undefined {
  const s = resolveSchedule(params);
  let hi = (1n << 256n) - 1n;
  if (cumulative(params, hi) < s.cap) return undefined;
  let lo = 0n;
  if (cumulative(params, 0n) >= s.cap) return 0n;
  while (hi - lo > 1n) {
    const mid = (lo + hi) >> 1n;
    if (cumulative(params, mid) >= s.cap) hi = mid;
    else lo = mid;
  }
  return maxBigint(hi, 0n);
}

/** One schedule segment of the emission controller: `schedule` applies from `fromEpoch`, at local epoch e − fromEpoch. */
export type ScheduleSegment = { fromEpoch: bigint; schedule: ScheduleParams };

function requireSegments(segments: readonly ScheduleSegment[]): void {
  if (segments.length === 0 || segments[0].fromEpoch !== 0n) {
    throw new RangeError("segments: expected a non-empty list whose first segment starts at epoch 0n");
  }
  for (let i = 1; i < segments.length; i++) {
    if (segments[i].fromEpoch <= segments[i - 1].fromEpoch) {
      throw new RangeError(
        `segments[${i}].fromEpoch: expected > ${segments[i - 1].fromEpoch} (strictly increasing), got ${segments[i].fromEpoch}`,
      );
    }
  }
}

/**
 * Cumulative emission across schedule segments, capped by the token cap — equals `EmissionController.cumulative`.
 * base_0 = 0, base_{i+1} = min(tokenCap, base_i + C_i(from_{i+1} − 1 − from_i)), and for the last segment i with
 * from_i ≤ epoch: min(tokenCap, base_i + C_i(epoch − from_i)).
 */
export function segmentedCumulative(segments: readonly ScheduleSegment[], tokenCap: bigint, epoch: bigint): bigint {
  requireSegments(segments);
  requireEpoch(epoch);
  let base = 0n;
  let index = 0;
  while (index + 1 < segments.length && segments[index + 1].fromEpoch <= epoch) {
    const { fromEpoch, schedule } = segments[index];
    base = minBigint(tokenCap, base + cumulative(schedule, segments[index + 1].fromEpoch - 1n - fromEpoch));
    index++;
  }
  const { fromEpoch, schedule } = segments[index];
  return minBigint(tokenCap, base + cumulative(schedule, epoch - fromEpoch));
}

/** Emission of one epoch across segments — equals `EmissionController.emission`. */
export function segmentedEmission(segments: readonly ScheduleSegment[], tokenCap: bigint, epoch: bigint): bigint {
  const current = segmentedCumulative(segments, tokenCap, epoch);
  return epoch === 0n ? current : current - segmentedCumulative(segments, tokenCap, epoch - 1n);
}

/** Split of one epoch's emission in basis points (sum 10000), as `EmissionController.mintEpoch` does it. */
export type EmissionSplits = { devicePoolBps: bigint; treasuryBps: bigint; ecosystemBps: bigint };

/**
 * Splits `amount` like `EmissionController.mintEpoch`: device pool and ecosystem rounded down, the treasury gets the
 * rest (including the rounding dust), so the parts sum to `amount` exactly.
 */
export function splitEmission(
  amount: bigint,
  splits: EmissionSplits,
): { devicePool: bigint; treasury: bigint; ecosystem: bigint } {
  const { devicePoolBps, treasuryBps, ecosystemBps } = splits;
  if (
    devicePoolBps < 0n ||
    treasuryBps < 0n ||
    ecosystemBps < 0n ||
    devicePoolBps + treasuryBps + ecosystemBps !== BPS
  ) {
    throw new RangeError(
      `splits: expected non-negative basis points summing to ${BPS}, got ${devicePoolBps}/${treasuryBps}/${ecosystemBps}`,
    );
  }
  const devicePool = (amount * devicePoolBps) / BPS;
  const ecosystem = (amount * ecosystemBps) / BPS;
  return { devicePool, treasury: amount - devicePool - ecosystem, ecosystem };
}

/** Start time (unix seconds) of `epoch`: genesis + epoch·epochLength — equals `EmissionController.epochStart`. */
export function epochStart(genesis: bigint, epochLength: bigint, epoch: bigint): bigint {
  if (epochLength <= 0n) throw new RangeError(`epochLength: expected > 0 seconds, got ${epochLength}`);
  requireEpoch(epoch);
  return genesis + epoch * epochLength;
}

/**
 * The epoch containing `timestamp` (unix seconds): ⌊(timestamp − genesis) / epochLength⌋ — equals
 * `EmissionController.currentEpoch` at that block time. Throws before genesis, like the contract.
 */
export function epochAt(genesis: bigint, epochLength: bigint, timestamp: bigint): bigint {
  if (epochLength <= 0n) throw new RangeError(`epochLength: expected > 0 seconds, got ${epochLength}`);
  if (timestamp < genesis) throw new RangeError(`timestamp: ${timestamp} is before genesis ${genesis}`);
  return (timestamp - genesis) / epochLength;
}

/**
 * Initial emission (wei) of an exponential curve that converges to `cap`: I = ⌊cap·(1 − f)⌋ with
 * f = {@link exponentialFactorWad}(halfLifeEpochs), since Σ I·f^e over all epochs is I / (1 − f). Rounded down, so the
 * curve's total stays at or below the cap.
 */
export function exponentialInitialEmission(cap: bigint, halfLifeEpochs: bigint): bigint {
  requireInRange("cap", cap, 1n, MAX_CAP);
  const derived = mulDivDown(cap, WAD - exponentialFactorWad(halfLifeEpochs), WAD);
  if (derived < 1n) {
    throw new ScheduleParamsError(
      "cap",
      `cap·(1 − f) rounds to 0 wei for halfLifeEpochs ${halfLifeEpochs}; raise the cap`,
    );
  }
  return derived;
}

/**
 * Float64 emission per epoch across controller segments, in TOKEN UNITS, one entry per epoch 0..epochs−1: each
 * segment's {@link emissionSeries} at local epochs, then truncated at `tokenCap` (wei) by the running total, as
 * {@link segmentedCumulative} does exactly. Same tolerance as {@link emissionSeries} per epoch.
 */
export function segmentedEmissionSeries(
  segments: readonly ScheduleSegment[],
  tokenCap: bigint,
  epochs: number,
): Float64Array {
  requireSegments(segments);
  if (!Number.isSafeInteger(epochs) || epochs < 0) {
    throw new RangeError(`epochs must be a non-negative safe integer, got ${epochs}`);
  }
  const series = new Float64Array(epochs);
  const total = { sum: 0, compensation: 0 };
  for (let i = 0; i < segments.length; i++) {
    const start = Number(segments[i].fromEpoch);
    if (start >= epochs) break;
    const end = i + 1 < segments.length ? Math.min(Number(segments[i + 1].fromEpoch), epochs) : epochs;
    series.set(emissionSeries(segments[i].schedule, end - start), start);
    truncateAtCap(series, start, end, Number(tokenCap) / 1e18, total);
  }
  return series;
}
