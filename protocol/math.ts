/**
 * The single fixed-point math library of the TypeScript twin. Every function mirrors
 * `contracts/libraries/EmissionMath.sol` operation for operation, so results agree with the contracts to the wei.
 * The rounding direction is part of each name (`Down` = toward zero, `Up` = away from zero). Pure bigint, no I/O.
 */

/** 1.0 in 18-decimal fixed point ("wad"). */
export const WAD = 10n ** 18n;
/** 0.5 in wad: the value a half-life brings a factor to. */
export const HALF_WAD = WAD / 2n;
/** 100 % in basis points. */
export const BPS = 10_000n;
/** Largest uint256, the range of every on-chain value. */
export const MAX_UINT256 = (1n << 256n) - 1n;

function requireNonNegative(name: string, value: bigint): void {
  if (value < 0n) throw new RangeError(`${name} must be a non-negative bigint, got ${value}`);
}

function requireUint256(name: string, value: bigint): void {
  if (value < 0n || value > MAX_UINT256)
    throw new RangeError(`${name} must be a uint256 (0 ≤ x < 2^256), got ${value}`);
}

/** floor(a × b ÷ denominator) for non-negative integers; like OpenZeppelin `Math.mulDiv(a, b, d, Rounding.Floor)`. */
export function mulDivDown(a: bigint, b: bigint, denominator: bigint): bigint {
  requireNonNegative("a", a);
  requireNonNegative("b", b);
  if (denominator <= 0n) throw new RangeError(`denominator must be > 0, got ${denominator}`);
  return (a * b) / denominator;
}

/** ceil(a × b ÷ denominator) for non-negative integers; like OpenZeppelin `Math.mulDiv(a, b, d, Rounding.Ceil)`. */
export function mulDivUp(a: bigint, b: bigint, denominator: bigint): bigint {
  requireNonNegative("a", a);
  requireNonNegative("b", b);
  if (denominator <= 0n) throw new RangeError(`denominator must be > 0, got ${denominator}`);
  const product = a * b;
  return product === 0n ? 0n : (product - 1n) / denominator + 1n;
}

/** 1.0 at 36 decimals: the internal precision of schedule powers (products of two values stay below 2^256). */
export const PRECISE_ONE = 10n ** 36n;

/**
 * x^n in fixed point with `scale` as 1.0 (default WAD), by exponentiation by squaring, every product rounded DOWN:
 * the result is ≤ the exact value. Folds the squares x^(2^i) of the set bits of n into the result from the lowest
 * bit up (the same order as `EmissionMath.rpowDown`). For 0 ≤ x ≤ scale the result is non-increasing in n,
 * non-decreasing in x, and `0 ≤ x^n − rpowDown(x, n) < n` units of 1/scale (docs/emission.md has the proofs).
 * @param x base, 0 ≤ x ≤ scale.
 * @param n exponent, 0 ≤ n < 2^256.
 * @param scale the fixed-point 1.0, 1 ≤ scale ≤ PRECISE_ONE.
 */
export function rpowDown(x: bigint, n: bigint, scale: bigint = WAD): bigint {
  return rpow(x, n, scale, false);
}

/**
 * x^n in fixed point (scale = 1.0, default WAD) with every product rounded UP: the result is ≥ the exact value.
 * Same algorithm and guarantees as {@link rpowDown} with the opposite rounding: non-increasing in n, non-decreasing
 * in x, `0 ≤ rpowUp(x, n) − x^n < n` units of 1/scale, and ≥ 1 whenever x ≥ 1.
 */
export function rpowUp(x: bigint, n: bigint, scale: bigint = WAD): bigint {
  return rpow(x, n, scale, true);
}

function rpow(x: bigint, n: bigint, scale: bigint, roundUp: boolean): bigint {
  if (scale < 1n || scale > PRECISE_ONE)
    throw new RangeError(`rpow scale must be in [1, ${PRECISE_ONE}], got ${scale}`);
  if (x < 0n || x > scale) throw new RangeError(`rpow base must be in [0, ${scale}] (1.0 = scale), got ${x}`);
  requireUint256("rpow exponent", n);
  const multiply = roundUp ? mulDivUp : mulDivDown;
  let result = scale;
  let square = x;
  let remaining = n;
  while (remaining > 0n) {
    if ((remaining & 1n) === 1n) result = multiply(result, square, scale);
    remaining >>= 1n;
    if (remaining > 0n) square = multiply(square, square, scale);
  }
  return result;
}

/** The smaller of two bigints. */
export function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The larger of two bigints. */
export function maxBigint(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
