/**
 * The ONE narrow interface through which the engine moves money: minting, bonds, rewards, claims, slashes and
 * sales. Three implementations:
 * - `FastLedger` (fast.ts): float64, group-level vesting and sales, the fast reward kernel — the simulator's speed;
 * - `ExactLedger` (exact.ts): bigint wei per account and per device, the contracts' own rules (`protocol/`), so its
 *   state is what the chain would hold;
 * - `EvmLedger` (scripts/evm/, outside simulation/): the exact ledger, plus every operation sent as a transaction to
 *   the deployed contracts, and the chain compared with it to the wei after every epoch.
 *
 * Devices are named by a `handle` the engine gives each device for its whole life (its row in the device table
 * moves; the handle does not). Owners are the engine's owner indices; `group` is the agent group.
 */
import type { DensityModel } from "../../protocol/density";
import type { FastRewardKernel } from "../../protocol/reward";

/** Why a device was flagged: the reason code put on chain with its suspension and slash. */
export const FLAG_REASONS = {
  /** A challenge or witness check failed (detection probability of the device's behaviour). */
  challenge: 1,
  /** The anomaly detector saw reported work above its threshold. */
  anomaly: 2,
  /** The registration-pattern detector flagged a device registered in a burst (per owner or per cell). */
  registration: 3,
} as const;
export type FlagReason = (typeof FLAG_REASONS)[keyof typeof FLAG_REASONS];

export type LedgerMode = "fast" | "exact" | "evm";

/** A device joining the network (its bond and onboarding fee are bought on the market). */
export interface JoiningDevice {
  handle: number;
  owner: number;
  group: number;
  classId: number;
  cell: number;
  epoch: number;
  /** Stake (tokens, micro-token grain) bonded above the minimum bond. */
  extraStake: number;
}

/** The devices present at the pay phase, rows 0..n−1 of the engine's table, and where rewards go. */
export interface EpochWork {
  n: number;
  handle: Int32Array;
  /** Reported and served work (exact ledgers quantise them in place to the integer work units they pay on). */
  reported: Float64Array;
  served: Float64Array;
  /** Output: each row's reward in tokens. */
  reward: Float64Array;
  /** The fast kernel over the same table (fast ledger). */
  kernel: FastRewardKernel;
  /**
   * The engine's pass paying reward = score × k (the kernel's `pay` with k = pool ÷ Σ score, or 0 when Σ score ≤ 0),
   * fused with its per-group accounting; returns Σ reward (the fast ledger pays through it).
   */
  payAndAccount: (k: number) => number;
  /** Density model in force (exact ledgers compute cell factors from their own eligibility). */
  density: DensityModel;
}

export interface Ledger {
  readonly mode: LedgerMode;
  /**
   * Start of an epoch: its emission is minted and unbonded stakes that are due are withdrawn. `emissionWei`: the
   * epoch's emission when the engine computes it from a simulation-only formula (exact ledger; absent: the schedule).
   */
  startEpoch(epoch: number, emissionWei?: bigint): void;
  /** The minimum bond and onboarding fee (whole tokens, as the scenario writes them) from now on. */
  setJoinCosts(minBond: string | number, onboardingFee: string | number): void;
  /** A device joins: bond and fee bought on the market, the device registered, the bond staked, the fee burned. */
  join(device: JoiningDevice): void;
  /** A raised minimum bond: the device's bond is topped up to it (tokens bought on the market). */
  topUp(handle: number): void;
  /**
   * A device leaves: its whole bond is unstaked (withdrawn to the owner once released) and it is deregistered.
   * `group` and `bondTokens` are the engine's view (the fast ledger releases the bond at once).
   */
  leave(handle: number, group: number, bondTokens: number): void;
  /**
   * Tokens of bonds released to group `group` since the last call (fast: when the device leaves; exact: when the
   * unbonding delay ends and the bond is withdrawn), already handed to the market account: the engine sells them
   * through the market at once, so a bond bought on the way in is sold on the same market on the way out.
   */
  takeReleasedBonds(group: number): number;
  /** Tokens of group `group`'s bonds unstaked by leaving devices and not yet released (0 in fast mode). */
  unreleasedBonds(group: number): number;
  move(handle: number, cell: number): void;
  /** The device earns nothing this epoch; `suspend`: it is suspended on chain (slashing on) instead of denylisted. */
  flag(handle: number, reason: FlagReason, suspend: boolean): void;
  /** Pays the epoch's work pool (+ carried dust) over `work`; fills `work.reward` and returns Σ rewards in tokens. */
  pay(epoch: number, work: EpochWork, poolTokens: number): number;
  /** Slashes `fraction` of a flagged device's bond (burned or to the treasury); returns the tokens taken. */
  slash(handle: number, fraction: number, reason: FlagReason): number;
  /**
   * A caught share of group `group`'s devices forfeits that share of the group's unvested rewards (fast mode, which
   * vests rewards per group); returns the tokens forfeited (burned). On chain nothing can take claimed rewards back:
   * the exact ledgers forfeit nothing.
   */
  forfeit(group: number, caughtShare: number): number;
  /** Rewards become claimable: every owner claims on the claim cadence under the vesting rules (exact ledgers). */
  settle(epoch: number): void;
  /** Group `group` earned `earned` tokens this epoch: its immediate share and vesting releases become liquid (fast). */
  credit(epoch: number, group: number, earned: number): void;
  /** Sells `fraction` of group `group`'s liquid tokens on the market; returns the tokens sold. */
  sell(group: number, fraction: number): number;
  /** Demand buys `tokens` on the market and burns them (burn-and-mint). */
  burnDemand(tokens: number): void;
  /**
   * Tokens held away from the market: bonds and unvested (fast) or not yet paid out (exact: staking's and the
   * distributor's balances) rewards. `engineBonds`: the engine's float sum of bonds (what the fast ledger adds).
   */
  lockedTokens(engineBonds: number): number;
  /** End of the epoch (the EVM ledger sends and checks the epoch's transactions after this). */
  endEpoch(epoch: number): void;
}

/** A ledger refused an operation the scenario asked for (e.g. the market cannot sell the tokens a join needs). */
export class LedgerError extends Error {
  constructor(
    readonly epoch: number,
    message: string,
  ) {
    super(`ledger, epoch ${epoch}: ${message}`);
    this.name = "LedgerError";
  }
}
