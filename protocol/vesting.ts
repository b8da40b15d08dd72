/**
 * Reward vesting: the TypeScript twin of `RewardDistributor`'s claim split and vesting stream (bigint, same rounding).
 *
 * A claim of `amount` pays `amount × immediateBps / 10000` (rounded down) at once plus whatever the account's stream
 * has vested; the stream restarts now over `vestingDuration` with its unvested remainder plus the new locked part.
 * `release` pays what has vested and keeps the end. Pure, no I/O.
 */

import { BPS } from "./math";

/** An account's stream: `locked` vests linearly from `start` to `end` (unix seconds). */
export interface VestingStream {
  locked: bigint;
  start: bigint;
  end: bigint;
}

/** Vesting parameters fixed at deploy; `immediateBps` 10000 means no vesting. */
export interface VestingParams {
  immediateBps: bigint;
  vestingDuration: bigint;
}

export const EMPTY_STREAM: VestingStream = { locked: 0n, start: 0n, end: 0n };

/** Amount of `stream` vested at `now`, rounded down. */
export function vestedAmount(stream: VestingStream, now: bigint): bigint {
  if (now >= stream.end) return stream.locked;
  if (now <= stream.start) return 0n;
  return (stream.locked * (now - stream.start)) / (stream.end - stream.start);
}

/** Outcome of a claim or release: what is transferred now and the account's stream afterwards. */
export interface VestingStep {
  paid: bigint;
  stream: VestingStream;
}

/** A claim crediting `amount` at `now`: immediate share plus vested part paid, the rest re-streamed from now. */
export function applyClaim(stream: VestingStream, now: bigint, amount: bigint, params: VestingParams): VestingStep {
  if (amount <= 0n) throw new Error(`amount: expected a positive bigint, got ${amount}`);
  if (params.immediateBps === BPS) return { paid: amount, stream };
  const immediate = (amount * params.immediateBps) / BPS;
  const vested = vestedAmount(stream, now);
  return {
    paid: immediate + vested,
    stream: { locked: stream.locked - vested + (amount - immediate), start: now, end: now + params.vestingDuration },
  };
}

/** `release` at `now`: pays what has vested, keeps the end. */
export function applyRelease(stream: VestingStream, now: bigint): VestingStep {
  const vested = vestedAmount(stream, now);
  return { paid: vested, stream: { locked: stream.locked - vested, start: now, end: stream.end } };
}
