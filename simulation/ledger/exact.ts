/**
 * The exact ledger: what the deployed contracts hold, in wei, per account and per device, computed with `protocol/`
 * (emission and its split, the reward function, vesting) under the contracts' rules:
 * - the controller mints each epoch and splits it (device pool to the distributor, ecosystem, treasury + dust);
 * - a joining device's owner buys bond + fee from the market account, burns the fee, registers and stakes the bond;
 * - the oracle pays the device pool + carried dust over the reported devices that are active, bonded to the class
 *   minimum and not denylisted (rewardEpochExact), and posts every owner's cumulative amount;
 * - owners claim on the claim cadence (immediate share + vested part paid, the rest re-streamed: protocol/vesting.ts);
 * - a leaving device unstakes its whole bond (withdrawn after the unbonding delay) and is deregistered;
 * - a flagged device is suspended (slashing on; then slashed, from bond first, burned or to the treasury) or
 *   denylisted for the epoch; owners sell a fraction of their balance to the market; demand burns from the market.
 * Block times come from `ChainTimeline`. Every operation is also appended to the epoch's journal (`operations`),
 * which the EVM ledger turns into transactions.
 */
import { segmentedEmission, splitEmission } from "../../protocol/emission";
import { WAD } from "../../protocol/math";
import { rewardEpochExact, type DeviceEpoch } from "../../protocol/reward";
import { applyClaim, EMPTY_STREAM, vestedAmount, type VestingStream } from "../../protocol/vesting";
import { tokensToWei } from "../emissionSpec";
import {
  LedgerError,
  type EpochWork,
  type FlagReason,
  type JoiningDevice,
  type Ledger,
  type LedgerMode,
} from "./ledger";
import { floatTokensToWei, type LedgerTerms } from "./terms";

/** Integer work units the exact ledger pays on: floor(work × WORK_QUANTUM). */
export const WORK_QUANTUM = 1000;

/** `IDeviceRegistry.DeviceStatus`. */
export const enum DeviceStatus {
  Active = 1,
  Suspended = 2,
  Deregistered = 3,
}

/** A device as the registry and staking hold it. */
export interface DeviceAccount {
  handle: number;
  owner: number;
  classId: number;
  cell: number;
  status: DeviceStatus;
  bond: bigint;
  unbonding: bigint;
  /** Seconds after genesis when the unbonding can be withdrawn. */
  releaseAt: bigint;
  /** Chain epoch of registration (device age for the establishment period). */
  registeredChainEpoch: number;
  /** Denylisted in the current epoch's reports. */
  denylisted: boolean;
}

/** An owner's tokens, claims and vesting stream. */
export interface OwnerAccount {
  group: number;
  balance: bigint;
  /** Cumulative amount in the latest posted root. */
  posted: bigint;
  claimed: bigint;
  stream: VestingStream;
  /** Has approved the staking contract. */
  approved: boolean;
}

/** A holder of tokens that is not an owner. */
export type SystemAccount = "treasury" | "ecosystem" | "market" | "distributor" | "staking";

/** One device's line in an epoch's work reports, in the exact ledger's integer work units. */
export interface DeviceReport {
  handle: number;
  reportedWork: bigint;
  servedWork: bigint;
  denylisted: boolean;
}

/** What the ledger did, in order, for the EVM ledger to send (amounts in wei). */
export type LedgerOperation =
  | { kind: "genesis"; float: bigint }
  | { kind: "mint"; chainEpoch: number }
  | { kind: "setMinBond"; minBond: bigint }
  | { kind: "withdraw"; handle: number }
  | { kind: "buy"; owner: number; amount: bigint }
  | { kind: "approve"; owner: number }
  | { kind: "register"; handle: number }
  | { kind: "stake"; handle: number; amount: bigint }
  | { kind: "burn"; owner: number | "market"; amount: bigint }
  | { kind: "move"; handle: number; cell: number }
  | { kind: "leave"; handle: number; unstake: bigint }
  | { kind: "suspend"; handle: number; reason: FlagReason }
  | { kind: "post"; chainEpoch: number; reports: DeviceReport[]; density: EpochWork["density"] }
  | { kind: "slash"; handle: number; amount: bigint; reason: FlagReason }
  | { kind: "claim"; owner: number }
  | { kind: "sell"; owner: number; amount: bigint };

export class ExactLedger implements Ledger {
  readonly mode: LedgerMode = "exact";
  readonly owners: OwnerAccount[] = [];
  readonly devices = new Map<number, DeviceAccount>();
  readonly systemBalances: Record<SystemAccount, bigint> = {
    treasury: 0n,
    ecosystem: 0n,
    market: 0n,
    distributor: 0n,
    staking: 0n,
  };
  minted = 0n;
  burned = 0n;
  /** The current epoch's device pool (wei), minted to the distributor. */
  fundedThisEpoch = 0n;
  /** Dust the oracle carries into the next epoch. */
  carriedDust = 0n;
  /** Rewards of the last paid epoch, by device handle (wei). */
  readonly lastRewards = new Map<number, bigint>();
  /** Operations since they were last taken (`takeOperations`, at the end of each epoch by the EVM ledger). */
  operations: LedgerOperation[] = [];
  private minBond: bigint;
  private fee: bigint;
  private epoch = -1;
  private readonly groupOwners: number[][] = [];
  /** Bond tokens withdrawn per group since `takeReleasedBonds` last took them (handed to the market account). */
  private readonly releasedWei: bigint[] = [];

  constructor(readonly terms: LedgerTerms) {
    this.minBond = terms.minBond;
    this.fee = terms.onboardingFee;
    if (terms.genesisEpochs === 1) {
      // chain epoch 0: the float is minted to the treasury and handed to the market; its (empty) root is posted
      this.minted += terms.genesisFloat;
      this.systemBalances.market += terms.genesisFloat;
      this.operations.push({ kind: "genesis", float: terms.genesisFloat });
    }
  }

  /** Chain epoch of scenario epoch `epoch`. */
  chainEpoch(epoch: number): number {
    return epoch + this.terms.genesisEpochs;
  }

  /** The operations of the current epoch, handed over (the journal starts empty again). */
  takeOperations(): LedgerOperation[] {
    const taken = this.operations;
    this.operations = [];
    return taken;
  }

  startEpoch(epoch: number, emissionWei?: bigint): void {
    this.epoch = epoch;
    const c = this.chainEpoch(epoch);
    if ((this.terms.engineEmission === true) !== (emissionWei !== undefined)) {
      this.fail(
        this.terms.engineEmission
          ? "the scenario's emission formula needs the engine's amount for the epoch"
          : "an emission amount was given, but the emission is the controller's schedule",
      );
    }
    const amount = emissionWei ?? segmentedEmission(this.terms.segments, this.terms.tokenCap, BigInt(c));
    const split = splitEmission(amount, this.terms.splits);
    this.minted += amount;
    this.systemBalances.distributor += split.devicePool;
    this.systemBalances.treasury += split.treasury;
    this.systemBalances.ecosystem += split.ecosystem;
    this.fundedThisEpoch = split.devicePool;
    this.operations.push({ kind: "mint", chainEpoch: c });
    const now = this.terms.timeline.at(c, "withdraw");
    for (const d of this.devices.values()) {
      d.denylisted = false;
      if (d.unbonding > 0n && d.releaseAt <= now && d.status !== DeviceStatus.Suspended) {
        this.systemBalances.staking -= d.unbonding;
        const owner = this.owners[d.owner];
        owner.balance += d.unbonding;
        this.operations.push({ kind: "withdraw", handle: d.handle });
        // the released bond is sold back on the market it was bought on
        owner.balance -= d.unbonding;
        this.systemBalances.market += d.unbonding;
        this.operations.push({ kind: "sell", owner: d.owner, amount: d.unbonding });
        while (this.releasedWei.length <= owner.group) this.releasedWei.push(0n);
        this.releasedWei[owner.group] += d.unbonding;
        d.unbonding = 0n;
      }
    }
  }

  setJoinCosts(minBond: string | number, onboardingFee: string | number): void {
    const bond = tokensToWei(minBond);
    if (this.epoch >= 0 && bond !== this.minBond) this.operations.push({ kind: "setMinBond", minBond: bond });
    this.minBond = bond;
    this.fee = tokensToWei(onboardingFee);
  }

  join(device: JoiningDevice): void {
    if (this.devices.has(device.handle)) this.fail(`device handle ${device.handle} joined twice`);
    const owner = this.ownerAccount(device.owner, device.group);
    const bond = this.minBond + floatTokensToWei(device.extraStake);
    this.buy(device.owner, bond + this.fee);
    if (!owner.approved) {
      owner.approved = true;
      this.operations.push({ kind: "approve", owner: device.owner });
    }
    this.devices.set(device.handle, {
      handle: device.handle,
      owner: device.owner,
      classId: device.classId,
      cell: device.cell,
      status: DeviceStatus.Active,
      bond: 0n,
      unbonding: 0n,
      releaseAt: 0n,
      registeredChainEpoch: this.chainEpoch(device.epoch),
      denylisted: false,
    });
    this.operations.push({ kind: "register", handle: device.handle });
    if (this.fee > 0n) this.burnFrom(device.owner, this.fee);
    if (bond > 0n) this.stake(device.handle, bond);
  }

  topUp(handle: number): void {
    const d = this.device(handle);
    if (d.bond >= this.minBond) return;
    const amount = this.minBond - d.bond;
    this.buy(d.owner, amount);
    this.stake(handle, amount);
  }

  leave(handle: number): void {
    const d = this.device(handle);
    if (d.status !== DeviceStatus.Active) this.fail(`device ${handle} leaves while not active`);
    const unstake = d.bond;
    if (unstake > 0n) {
      d.unbonding += unstake;
      d.bond = 0n;
      d.releaseAt = this.terms.timeline.at(this.chainEpoch(this.epoch), "leave") + this.terms.unbondingDelay;
    }
    d.status = DeviceStatus.Deregistered;
    this.operations.push({ kind: "leave", handle, unstake });
  }

  move(handle: number, cell: number): void {
    const d = this.device(handle);
    if (d.cell === cell) return; // the registry refuses a move to the same cell
    d.cell = cell;
    this.operations.push({ kind: "move", handle, cell });
  }

  flag(handle: number, reason: FlagReason, suspend: boolean): void {
    const d = this.device(handle);
    if (suspend) {
      if (d.status !== DeviceStatus.Active) this.fail(`device ${handle} suspended while not active`);
      d.status = DeviceStatus.Suspended;
      this.operations.push({ kind: "suspend", handle, reason });
    } else d.denylisted = true;
  }

  pay(epoch: number, work: EpochWork, poolTokens: number): number {
    void poolTokens; // the exact pool is the epoch's funding + the carried dust, in wei
    const c = this.chainEpoch(epoch);
    const classMinimum = this.minBond;
    const inputs: DeviceEpoch[] = new Array(work.n);
    const reports: DeviceReport[] = new Array(work.n);
    for (let i = 0; i < work.n; i++) {
      const d = this.device(work.handle[i]);
      const rep = Math.floor(work.reported[i] * WORK_QUANTUM);
      const sv = Math.floor(work.served[i] * WORK_QUANTUM);
      work.reported[i] = rep / WORK_QUANTUM;
      work.served[i] = sv / WORK_QUANTUM;
      reports[i] = { handle: d.handle, reportedWork: BigInt(rep), servedWork: BigInt(sv), denylisted: d.denylisted };
      inputs[i] = {
        classId: d.classId,
        reportedWork: BigInt(rep),
        servedWork: BigInt(sv),
        cell: d.cell,
        stakeWei: d.bond,
        ageEpochs: c - d.registeredChainEpoch,
        eligible: d.status === DeviceStatus.Active && d.bond >= classMinimum && !d.denylisted,
      };
    }
    const result = rewardEpochExact(
      this.terms.rewardParams,
      work.density,
      inputs,
      this.fundedThisEpoch,
      this.carriedDust,
    );
    this.carriedDust = result.dust;
    this.lastRewards.clear();
    let paid = 0;
    for (let i = 0; i < work.n; i++) {
      const r = result.rewards[i];
      const d = this.device(work.handle[i]);
      this.lastRewards.set(d.handle, r);
      if (r > 0n) this.owners[d.owner].posted += r;
      work.reward[i] = Number(r) / 1e18;
      paid += work.reward[i];
    }
    this.operations.push({ kind: "post", chainEpoch: c, reports, density: work.density });
    return paid;
  }

  slash(handle: number, fraction: number, reason: FlagReason): number {
    const d = this.device(handle);
    const available = d.bond + d.unbonding;
    const amount = (d.bond * fractionWad(fraction)) / WAD;
    if (amount === 0n || available === 0n) return 0;
    const fromBond = amount < d.bond ? amount : d.bond;
    d.bond -= fromBond;
    d.unbonding -= amount - fromBond;
    this.systemBalances.staking -= amount;
    if (this.terms.slashToTreasury) this.systemBalances.treasury += amount;
    else this.burned += amount;
    this.operations.push({ kind: "slash", handle, amount, reason });
    return Number(amount) / 1e18;
  }

  forfeit(): number {
    return 0;
  }

  credit(): void {}

  settle(epoch: number): void {
    if ((epoch + 1) % this.terms.claimEveryEpochs !== 0) return;
    const now = this.terms.timeline.at(this.chainEpoch(epoch), "claim");
    this.owners.forEach((o, index) => {
      if (o.posted <= o.claimed) return;
      const step = applyClaim(o.stream, now, o.posted - o.claimed, this.terms.vesting);
      o.claimed = o.posted;
      o.stream = step.stream;
      o.balance += step.paid;
      this.systemBalances.distributor -= step.paid;
      this.operations.push({ kind: "claim", owner: index });
    });
  }

  sell(group: number, fraction: number): number {
    const f = fractionWad(fraction);
    let sold = 0n;
    for (const index of this.groupOwners[group] ?? []) {
      const o = this.owners[index];
      const amount = (o.balance * f) / WAD;
      if (amount === 0n) continue;
      o.balance -= amount;
      this.systemBalances.market += amount;
      sold += amount;
      this.operations.push({ kind: "sell", owner: index, amount });
    }
    return Number(sold) / 1e18;
  }

  takeReleasedBonds(group: number): number {
    const wei = this.releasedWei[group] ?? 0n;
    if (wei === 0n) return 0;
    this.releasedWei[group] = 0n;
    return Number(wei) / 1e18;
  }

  unreleasedBonds(group: number): number {
    let wei = 0n;
    for (const d of this.devices.values()) {
      if (d.status === DeviceStatus.Deregistered && d.unbonding > 0n && this.owners[d.owner].group === group) {
        wei += d.unbonding;
      }
    }
    return Number(wei) / 1e18;
  }

  burnDemand(tokens: number): void {
    const amount = floatTokensToWei(tokens);
    if (amount === 0n) return;
    if (amount > this.systemBalances.market) {
      this.fail(`demand buys ${amount} wei to burn but the market account holds ${this.systemBalances.market}`);
    }
    this.systemBalances.market -= amount;
    this.burned += amount;
    this.operations.push({ kind: "burn", owner: "market", amount });
  }

  lockedTokens(): number {
    return Number(this.systemBalances.staking + this.systemBalances.distributor) / 1e18;
  }

  /** The exact ledger alone keeps no journal (the EVM ledger takes each epoch's operations instead). */
  endEpoch(epoch: number): void {
    void epoch;
    this.operations = [];
  }

  /** Unvested tokens of an owner at `now` (seconds after genesis). */
  unvested(owner: number, now: bigint): bigint {
    const s = this.owners[owner].stream;
    return s.locked - vestedAmount(s, now);
  }

  private ownerAccount(index: number, group: number): OwnerAccount {
    while (this.owners.length <= index) {
      this.owners.push({ group: -1, balance: 0n, posted: 0n, claimed: 0n, stream: EMPTY_STREAM, approved: false });
    }
    const o = this.owners[index];
    if (o.group === -1) {
      o.group = group;
      while (this.groupOwners.length <= group) this.groupOwners.push([]);
      this.groupOwners[group].push(index);
    }
    return o;
  }

  private device(handle: number): DeviceAccount {
    const d = this.devices.get(handle);
    if (d === undefined) this.fail(`no device with handle ${handle}`);
    return d;
  }

  private buy(owner: number, amount: bigint): void {
    if (amount === 0n) return;
    if (amount > this.systemBalances.market) {
      this.fail(`owner ${owner} buys ${amount} wei but the market account holds ${this.systemBalances.market}`);
    }
    this.systemBalances.market -= amount;
    this.owners[owner].balance += amount;
    this.operations.push({ kind: "buy", owner, amount });
  }

  private burnFrom(owner: number, amount: bigint): void {
    this.owners[owner].balance -= amount;
    this.burned += amount;
    this.operations.push({ kind: "burn", owner, amount });
  }

  private stake(handle: number, amount: bigint): void {
    const d = this.device(handle);
    this.owners[d.owner].balance -= amount;
    this.systemBalances.staking += amount;
    d.bond += amount;
    this.operations.push({ kind: "stake", handle, amount });
  }

  private fail(message: string): never {
    throw new LedgerError(this.epoch, message);
  }
}

/** A fraction in [0, 1] as WAD, at a 1e-9 grain (deterministic for any float). */
export function fractionWad(fraction: number): bigint {
  return BigInt(Math.round(fraction * 1e9)) * 10n ** 9n;
}
