/**
 * When, within an epoch, each kind of on-chain action happens: the one timeline the exact ledger computes vesting and
 * unbonding with, and the EVM-in-the-loop run mines its blocks at, so both see the same block times.
 *
 * Chain epoch c (scenario epoch c − genesisEpochs) spans [c·L, (c+1)·L) seconds after the controller's genesis.
 * - In the epoch, at c·L + AFTER + k: mint, governance, withdrawals, purchases, registrations, stakes, moves, leaves,
 *   flags (suspensions). The oracle's snapshot is the last of these blocks.
 * - After the epoch ends, at (c+1)·L + k: the root is posted (1), bonds slashed (2), rewards claimed (3 + window,
 *   the challenge window) and sold (4 + window); AFTER = 5 + window keeps the next epoch's actions behind them.
 */

/** In-epoch phases, in order. */
export const IN_EPOCH_PHASES = [
  "mint",
  "govern",
  "withdraw",
  "buy",
  "register",
  "stake",
  "move",
  "leave",
  "flag",
] as const;
/** Phases after the epoch's end, in order. */
export const AFTER_EPOCH_PHASES = ["post", "slash", "claim", "sell"] as const;
export type InEpochPhase = (typeof IN_EPOCH_PHASES)[number];
export type AfterEpochPhase = (typeof AFTER_EPOCH_PHASES)[number];
export type Phase = InEpochPhase | AfterEpochPhase;

export class ChainTimeline {
  /** Seconds after an epoch's start at which its first in-epoch phase runs. */
  readonly after: bigint;

  constructor(
    /** Epoch length in seconds (the controller's `epochLength`). */
    readonly epochLength: bigint,
    /** The distributor's challenge window in seconds: claims wait for it. */
    readonly challengeWindow: bigint,
  ) {
    this.after = 5n + challengeWindow;
    const needed = this.after + BigInt(IN_EPOCH_PHASES.length);
    if (epochLength <= needed) {
      throw new RangeError(
        `epochLengthSeconds: expected more than ${needed} s (the challenge window of ${challengeWindow} s plus ` +
          `${IN_EPOCH_PHASES.length + 5} s of phases), got ${epochLength}`,
      );
    }
  }

  /** Seconds after genesis of `phase` of chain epoch `chainEpoch` (an after-epoch phase runs in the next epoch). */
  at(chainEpoch: number, phase: Phase): bigint {
    const start = BigInt(chainEpoch) * this.epochLength;
    const inEpoch = (IN_EPOCH_PHASES as readonly string[]).indexOf(phase);
    if (inEpoch >= 0) return start + this.after + BigInt(inEpoch);
    const end = start + this.epochLength;
    switch (phase as AfterEpochPhase) {
      case "post":
        return end + 1n;
      case "slash":
        return end + 2n;
      case "claim":
        return end + 3n + this.challengeWindow;
      case "sell":
        return end + 4n + this.challengeWindow;
    }
  }
}
