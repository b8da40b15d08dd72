/**
 * The fast ledger: float64 tokens, kept per agent group. The work pool is paid by the fast reward kernel
 * (protocol/reward.ts) over the engine's device table; a group's earnings are liquid at once (`immediateFraction`)
 * and the rest vests linearly over `durationEpochs` (a ring of per-epoch releases); caught devices forfeit their
 * group's unvested rewards pro rata; a leaving device's bond is released at once (the engine sells it). Registrations,
 * stakes, moves and flags change nothing here: the engine's own arrays are the fast model's state.
 */
import type { EpochWork, JoiningDevice, Ledger, LedgerMode } from "./ledger";

interface GroupPurse {
  liquid: number;
  unvested: number;
  /** Releases due in each of the next `durationEpochs` epochs (slot = epoch mod duration). */
  vestRing: Float64Array;
}

export class FastLedger implements Ledger {
  readonly mode: LedgerMode = "fast";
  /** Σ score of the last paid epoch (the fast kernel's scale). */
  lastScoreTotal = 0;
  private readonly purses: GroupPurse[];
  private readonly released: Float64Array;

  constructor(
    groups: number,
    private readonly vestImmediate: number,
    private readonly vestDuration: number,
  ) {
    this.purses = Array.from({ length: groups }, () => ({
      liquid: 0,
      unvested: 0,
      vestRing: new Float64Array(Math.max(1, vestDuration)),
    }));
    this.released = new Float64Array(groups);
  }

  startEpoch(): void {}
  setJoinCosts(): void {}
  join(device: JoiningDevice): void {
    void device;
  }
  topUp(): void {}
  move(): void {}
  flag(): void {}
  slash(): number {
    return 0;
  }
  settle(): void {}
  burnDemand(): void {}
  endEpoch(): void {}

  leave(handle: number, group: number, bondTokens: number): void {
    void handle;
    this.released[group] += bondTokens;
  }

  takeReleasedBonds(group: number): number {
    const tokens = this.released[group];
    this.released[group] = 0;
    return tokens;
  }

  unreleasedBonds(): number {
    return 0;
  }

  pay(epoch: number, work: EpochWork, poolTokens: number): number {
    const total = work.kernel.score(work.n, epoch);
    this.lastScoreTotal = total;
    return work.payAndAccount(total <= 0 ? 0 : poolTokens / total);
  }

  forfeit(group: number, caughtShare: number): number {
    const p = this.purses[group];
    if (!(caughtShare > 0) || !(p.unvested > 0)) return 0;
    const keep = 1 - Math.min(1, caughtShare);
    const forfeited = p.unvested * (1 - keep);
    p.unvested *= keep;
    for (let k = 0; k < p.vestRing.length; k++) p.vestRing[k] *= keep;
    return forfeited;
  }

  credit(epoch: number, group: number, earned: number): void {
    const p = this.purses[group];
    p.liquid += earned * this.vestImmediate;
    const duration = this.vestDuration;
    if (duration > 0) {
      const slot = epoch % duration;
      p.liquid += p.vestRing[slot];
      p.unvested -= p.vestRing[slot];
      p.vestRing[slot] = 0;
      const perEpoch = (earned * (1 - this.vestImmediate)) / duration;
      for (let k = 1; k <= duration; k++) p.vestRing[(epoch + k) % duration] += perEpoch;
      p.unvested += earned * (1 - this.vestImmediate);
    }
  }

  sell(group: number, fraction: number): number {
    const p = this.purses[group];
    const sold = p.liquid * fraction;
    p.liquid -= sold;
    return sold;
  }

  lockedTokens(engineBonds: number): number {
    let locked = engineBonds;
    for (const p of this.purses) locked += p.unvested;
    return locked;
  }

  /** A group's purse, for the engine's invariant checks. */
  purse(group: number): Readonly<GroupPurse> {
    return this.purses[group];
  }
}
