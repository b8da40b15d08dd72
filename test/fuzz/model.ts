/**
 * Stateful model-based fuzzing of registry, staking, controller and distributor together (fast-check `commands`):
 * each command is sent to the Ignition-deployed system on the in-process network and applied to a plain model whose
 * money comes from `protocol/` (emission and its split, merkle leaves, the oracle signatures). Every command first
 * predicts from the model whether the contract must accept it or refuse it and with which custom error; after every
 * step the invariants are checked on chain:
 * - Σ (bond + unbonding) over devices = Staking's token balance, and each device's bond and unbonding = the model's;
 * - claimed ≤ posted ≤ funded ≤ minted ≤ cap (sums over accounts / posted epochs / minted epochs);
 * - every operator's claimed amount and token balance = the model's; the distributor holds funded − claimed.
 *
 * Used by test/fuzz/system.fuzz.test.ts (a seeded few hundred sequences in `npm test`, ≥ 10,000 in `npm run fuzz`).
 */
import { expect } from "chai";
import fc from "fast-check";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Interface, Wallet } from "ethers";
import { emission, splitEmission } from "../../protocol/emission";
import { deviceRegistryDomain, signAttest, signMove, signRegister } from "../../protocol/deviceSignatures";
import { type StandardRewardTree, buildRewardTree } from "../../protocol/merkle";
import { rewardsDomain, signEpochRoot } from "../../protocol/oracleSignatures";
import { loadDeployParameters } from "../../scripts/deploy/parameters";
import { LOCAL_PARAMETERS_FILE, type SystemFixture, deploySystemWith } from "../fixtures/system";
import { labelledWallet } from "../fixtures/registryStaking";
import { PLANTED_BUGS, plantBug } from "./plantedBugs";

/** The fuzzed deployment: the local parameters with a 10-minute challenge window (so revocation is reachable). */
export const CHALLENGE_WINDOW = 600n;
const OPERATORS = 4;
const STARTING_EPOCHS = 3; // minted before the first command, so operators hold tokens to bond
const STARTING_BALANCE = 100n * 10n ** 18n;
const CELLS = [1n, 2n, 3n];
const CLASSES = [0, 2]; // hotspot (min bond 100), sensor (min bond 10)

enum Status {
  None,
  Active,
  Suspended,
  Deregistered,
}

interface DeviceModel {
  key: Wallet;
  id: bigint;
  /** NFT owner (operator index); for a deregistered device its owner at deregistration. */
  owner: number;
  status: Status;
  cell: bigint;
  nonce: bigint;
  bonded: bigint;
  unbonding: bigint;
  beneficiary: number;
  releaseAt: bigint;
}

interface PostModel {
  root: string;
  total: bigint;
  postedAt: bigint;
  tree: StandardRewardTree;
  cumulative: bigint[];
}

export interface Model {
  now: bigint;
  devices: DeviceModel[];
  balances: bigint[];
  claimed: bigint[];
  minted: number;
  funding: bigint[];
  posts: PostModel[];
  revokedEpochs: Set<number>;
  revokedPosts: Set<string>;
  next: number;
  postedTotal: bigint;
  fundedTotal: bigint;
  mintedTotal: bigint;
  stakingBalance: bigint;
  distributorBalance: bigint;
}

export interface Real {
  f: SystemFixture;
  operators: HardhatEthersSigner[];
  fraud: HardhatEthersSigner;
  interfaces: Interface[];
  genesis: bigint;
  epochLength: bigint;
  unbondingDelay: bigint;
}

/** The deployment the fuzzer runs against, with operators funded; a planted bug (by name) swapped in if asked. */
export async function fuzzSystem(plant?: string): Promise<Real> {
  const parameters = loadDeployParameters(LOCAL_PARAMETERS_FILE);
  parameters.rewards.challengeWindow = CHALLENGE_WINDOW;
  const f = await deploySystemWith(parameters);
  if (plant !== undefined) {
    const bug = PLANTED_BUGS[plant];
    if (bug === undefined)
      throw new Error(`FUZZ_PLANT: unknown planted bug "${plant}" (${Object.keys(PLANTED_BUGS).join(", ")})`);
    const p = f.parameters;
    const args =
      bug.contract === "Staking"
        ? [
            f.addresses.token,
            f.addresses.registry,
            p.staking.unbondingDelay,
            p.staking.slashToTreasury,
            await f.staking.treasury(),
            f.admin.address,
          ]
        : [
            f.addresses.controller,
            p.rewards.challengeWindow,
            p.rewards.immediateBps,
            p.rewards.vestingDuration,
            f.admin.address,
            p.roles.oracles,
            p.roles.oracleThreshold,
          ];
    await plantBug(bug, bug.contract === "Staking" ? f.addresses.staking : f.addresses.distributor, args);
  }
  const genesis = await f.controller.genesis();
  const epochLength = await f.controller.epochLength();
  await time.increaseTo(genesis + BigInt(STARTING_EPOCHS) * epochLength);
  for (let e = 0; e < STARTING_EPOCHS; e++) await f.controller.mintEpoch(e);
  const operators = f.operators.slice(0, OPERATORS);
  for (const op of operators) {
    await f.token.connect(f.treasury).transfer(op.address, STARTING_BALANCE);
    await f.token.connect(op).approve(f.addresses.staking, (1n << 256n) - 1n);
  }
  return {
    f,
    operators,
    fraud: f.guardian,
    interfaces: [
      f.distributor.interface,
      f.staking.interface,
      f.registry.interface,
      f.controller.interface,
      f.token.interface,
    ],
    genesis,
    epochLength,
    unbondingDelay: await f.staking.unbondingDelay(),
  };
}

/** The model of the state `fuzzSystem` leaves. */
export async function initialModel(real: Real): Promise<Model> {
  const { f } = real;
  const funding: bigint[] = [];
  let mintedTotal = 0n;
  for (let e = 0; e < STARTING_EPOCHS; e++) {
    const amount = emission(f.scheduleParams, BigInt(e));
    mintedTotal += amount;
    funding.push(splitEmission(amount, f.parameters.splits).devicePool);
  }
  return {
    now: BigInt(await time.latest()) + 1n,
    devices: [],
    balances: Array(OPERATORS).fill(STARTING_BALANCE),
    claimed: Array(OPERATORS).fill(0n),
    minted: STARTING_EPOCHS,
    funding,
    posts: [],
    revokedEpochs: new Set(),
    revokedPosts: new Set(),
    next: 0,
    postedTotal: 0n,
    fundedTotal: 0n,
    mintedTotal,
    stakingBalance: 0n,
    distributorBalance: funding.reduce((a, b) => a + b, 0n),
  };
}

/** The custom error a failed transaction reverted with, decoded against the system's ABIs. */
function revertName(err: unknown, interfaces: Interface[]): string {
  const e = err as { revert?: { name: string }; data?: string; error?: { data?: string }; message?: string };
  if (e.revert?.name) return e.revert.name;
  const data = e.data ?? e.error?.data;
  if (typeof data === "string" && data.length >= 10) {
    for (const i of interfaces) {
      const parsed = (() => {
        try {
          return i.parseError(data);
        } catch {
          return null;
        }
      })();
      if (parsed) return parsed.name;
    }
  }
  return `unknown (${e.message?.slice(0, 200)})`;
}

/**
 * Sends one transaction at the model's clock and checks it did what the model predicted: succeed (`expected`
 * undefined) or revert with the named custom error. Advances the model's clock to the next block.
 */
async function send(
  model: Model,
  real: Real,
  what: string,
  expected: string | undefined,
  tx: () => Promise<{ wait(): Promise<unknown> }>,
): Promise<void> {
  await time.setNextBlockTimestamp(model.now);
  let outcome: string | undefined;
  try {
    await (await tx()).wait();
  } catch (err) {
    outcome = revertName(err, real.interfaces);
  }
  const latest = BigInt(await time.latest());
  model.now = (latest >= model.now ? latest : model.now - 1n) + 1n;
  expect(outcome, `${what}: expected ${expected ?? "success"}, got ${outcome ?? "success"}`).to.equal(expected);
}

const GAS = { gasLimit: 3_000_000 };

function currentEpoch(model: Model, real: Real): bigint {
  return (model.now - real.genesis) / real.epochLength;
}

/** Newest epoch whose root is claimable at the model's clock, if any. */
function newestClaimable(model: Model): number | undefined {
  for (let e = model.next - 1; e >= 0; e--) if (model.posts[e].postedAt + CHALLENGE_WINDOW <= model.now) return e;
  return undefined;
}

type Step = fc.AsyncCommand<Model, Real>;

abstract class BaseStep implements Step {
  check(model: Readonly<Model>): boolean {
    return model !== undefined;
  }
  abstract run(model: Model, real: Real): Promise<void>;
  abstract toString(): string;
}

class Register extends BaseStep {
  constructor(
    readonly owner: number,
    readonly classPick: number,
    readonly cellPick: number,
  ) {
    super();
  }
  async run(model: Model, real: Real) {
    const { f } = real;
    const key = labelledWallet(`fuzz-device-${model.devices.length}`);
    const owner = real.operators[this.owner];
    const deviceClass = CLASSES[this.classPick % CLASSES.length];
    const cell = CELLS[this.cellPick % CELLS.length];
    const domain = deviceRegistryDomain(f.parameters.registry.name, 31337n, f.addresses.registry);
    const deadline = model.now + 3600n;
    const deviceSignature = await signRegister(key, domain, {
      owner: owner.address,
      deviceClass,
      cell,
      nonce: 0n,
      deadline,
    });
    const makerSignature = await signAttest(f.maker, domain, {
      deviceKey: key.address,
      deviceClass,
      makerGeneration: 0,
    });
    await send(model, real, this.toString(), undefined, () =>
      f.registry
        .connect(owner)
        .register(
          key.address,
          owner.address,
          deviceClass,
          cell,
          deadline,
          deviceSignature,
          f.maker.address,
          makerSignature,
          GAS,
        ),
    );
    model.devices.push({
      key,
      id: BigInt(key.address),
      owner: this.owner,
      status: Status.Active,
      cell,
      nonce: 1n,
      bonded: 0n,
      unbonding: 0n,
      beneficiary: 0,
      releaseAt: 0n,
    });
  }
  toString() {
    return `register(owner ${this.owner}, class ${this.classPick}, cell ${this.cellPick})`;
  }
}

/** A command about one existing device (picked modulo the number of devices). */
abstract class DeviceStep extends BaseStep {
  constructor(readonly devicePick: number) {
    super();
  }
  check(model: Readonly<Model>) {
    return model.devices.length > 0;
  }
  device(model: Model): DeviceModel {
    return model.devices[this.devicePick % model.devices.length];
  }
}

class Move extends DeviceStep {
  constructor(
    devicePick: number,
    readonly sender: number,
    readonly cellPick: number,
  ) {
    super(devicePick);
  }
  async run(model: Model, real: Real) {
    const d = this.device(model);
    const { f } = real;
    const sender = real.operators[this.sender];
    const cell = CELLS[this.cellPick % CELLS.length];
    const nftOwner = d.status === Status.Active || d.status === Status.Suspended ? this.sender === d.owner : false;
    let expected: string | undefined;
    if (!nftOwner) expected = "RegistryNotDeviceOwner";
    else if (d.status !== Status.Active) expected = "RegistryDeviceNotActive";
    else if (d.cell === cell) expected = "RegistryCellUnchanged";
    const domain = deviceRegistryDomain(f.parameters.registry.name, 31337n, f.addresses.registry);
    const deadline = model.now + 3600n;
    const signature = await signMove(d.key, domain, {
      deviceId: d.id,
      owner: sender.address,
      cell,
      nonce: d.nonce,
      deadline,
    });
    await send(model, real, this.toString(), expected, () =>
      f.registry.connect(sender).moveDevice(d.id, cell, deadline, signature, GAS),
    );
    if (!expected) {
      d.cell = cell;
      d.nonce += 1n;
    }
  }
  toString() {
    return `move(device ${this.devicePick}, by ${this.sender}, cell ${this.cellPick})`;
  }
}

class Stake extends DeviceStep {
  constructor(
    devicePick: number,
    readonly sender: number,
    readonly perMille: number,
  ) {
    super(devicePick);
  }
  async run(model: Model, real: Real) {
    const d = this.device(model);
    const balance = model.balances[this.sender];
    const amount = balance === 0n ? 1n : (balance * BigInt(this.perMille)) / 1000n + 1n;
    let expected: string | undefined;
    if (d.status !== Status.Active && d.status !== Status.Suspended) expected = "StakingDeviceNotRegistered";
    else if (amount > balance) expected = "ERC20InsufficientBalance";
    await send(model, real, this.toString(), expected, () =>
      real.f.staking.connect(real.operators[this.sender]).stake(d.id, amount, GAS),
    );
    if (!expected) {
      d.bonded += amount;
      model.balances[this.sender] -= amount;
      model.stakingBalance += amount;
    }
  }
  toString() {
    return `stake(device ${this.devicePick}, by ${this.sender}, ${(this.perMille / 1000).toFixed(3)} of balance)`;
  }
}

class RequestUnstake extends DeviceStep {
  constructor(
    devicePick: number,
    readonly byOwner: boolean,
    readonly sender: number,
    readonly perMille: number,
  ) {
    super(devicePick);
  }
  async run(model: Model, real: Real) {
    const d = this.device(model);
    const sender = this.byOwner ? d.owner : this.sender;
    const amount = (d.bonded * BigInt(this.perMille)) / 1000n + 1n;
    let expected: string | undefined;
    if (d.status === Status.None || sender !== d.owner) expected = "StakingNotDeviceOwner";
    else if (d.status === Status.Suspended) expected = "StakingDeviceSuspended";
    else if (amount > d.bonded) expected = "StakingInsufficientBond";
    else if (d.unbonding !== 0n && d.beneficiary !== sender) expected = "StakingUnbondingPending";
    await send(model, real, this.toString(), expected, () =>
      real.f.staking.connect(real.operators[sender]).requestUnstake(d.id, amount, GAS),
    );
    if (!expected) {
      d.bonded -= amount;
      d.unbonding += amount;
      d.beneficiary = sender;
      d.releaseAt = model.now - 1n + real.unbondingDelay;
    }
  }
  toString() {
    return `requestUnstake(device ${this.devicePick}, ${this.byOwner ? "owner" : `by ${this.sender}`}, ${(this.perMille / 1000).toFixed(3)} of bond)`;
  }
}

class Withdraw extends DeviceStep {
  constructor(
    devicePick: number,
    readonly sender: number,
  ) {
    super(devicePick);
  }
  async run(model: Model, real: Real) {
    const d = this.device(model);
    let expected: string | undefined;
    if (d.unbonding === 0n) expected = "StakingNothingUnbonding";
    else if (model.now < d.releaseAt) expected = "StakingUnbondingNotReleased";
    else if (d.status === Status.Suspended) expected = "StakingDeviceSuspended";
    await send(model, real, this.toString(), expected, () =>
      real.f.staking.connect(real.operators[this.sender]).withdraw(d.id, GAS),
    );
    if (!expected) {
      model.balances[d.beneficiary] += d.unbonding;
      model.stakingBalance -= d.unbonding;
      d.unbonding = 0n;
    }
  }
  toString() {
    return `withdraw(device ${this.devicePick}, by ${this.sender})`;
  }
}

class Slash extends DeviceStep {
  constructor(
    devicePick: number,
    readonly perMille: number,
  ) {
    super(devicePick);
  }
  async run(model: Model, real: Real) {
    const d = this.device(model);
    const available = d.bonded + d.unbonding;
    const amount = (available * BigInt(this.perMille)) / 1000n + 1n; // up to 1.5× the stake
    const expected = available === 0n ? "StakingNothingToSlash" : undefined;
    await send(model, real, this.toString(), expected, () =>
      real.f.staking.connect(real.f.slasher).slash(d.id, amount, 1, GAS),
    );
    if (!expected) {
      const slashed = amount < available ? amount : available;
      const fromBond = slashed < d.bonded ? slashed : d.bonded;
      d.bonded -= fromBond;
      d.unbonding -= slashed - fromBond;
      if (d.unbonding === 0n) d.beneficiary = 0;
      model.stakingBalance -= slashed; // to the treasury (not an operator): the supply is unchanged
    }
  }
  toString() {
    return `slash(device ${this.devicePick}, ${(this.perMille / 1000).toFixed(3)} of stake)`;
  }
}

class ToggleSuspension extends DeviceStep {
  async run(model: Model, real: Real) {
    const d = this.device(model);
    const fraud = real.f.registry.connect(real.fraud);
    if (d.status === Status.Suspended) {
      await send(model, real, this.toString(), undefined, () => fraud.unsuspend(d.id, GAS));
      d.status = Status.Active;
    } else {
      const expected = d.status === Status.Active ? undefined : "RegistryDeviceNotActive";
      await send(model, real, this.toString(), expected, () => fraud.suspend(d.id, 1, GAS));
      if (!expected) d.status = Status.Suspended;
    }
  }
  toString() {
    return `toggleSuspension(device ${this.devicePick})`;
  }
}

class Deregister extends DeviceStep {
  constructor(
    devicePick: number,
    readonly byOwner: boolean,
    readonly sender: number,
  ) {
    super(devicePick);
  }
  async run(model: Model, real: Real) {
    const d = this.device(model);
    const sender = this.byOwner ? d.owner : this.sender;
    const nftExists = d.status === Status.Active || d.status === Status.Suspended;
    let expected: string | undefined;
    if (!nftExists || sender !== d.owner) expected = "RegistryNotDeviceOwner";
    else if (d.status !== Status.Active) expected = "RegistryDeviceNotActive";
    await send(model, real, this.toString(), expected, () =>
      real.f.registry.connect(real.operators[sender]).deregister(d.id, GAS),
    );
    if (!expected) d.status = Status.Deregistered;
  }
  toString() {
    return `deregister(device ${this.devicePick}, ${this.byOwner ? "owner" : `by ${this.sender}`})`;
  }
}

class TransferNft extends DeviceStep {
  constructor(
    devicePick: number,
    readonly to: number,
  ) {
    super(devicePick);
  }
  check(model: Readonly<Model>) {
    return model.devices.some((d) => d.status === Status.Active || d.status === Status.Suspended);
  }
  async run(model: Model, real: Real) {
    const live = model.devices.filter((d) => d.status === Status.Active || d.status === Status.Suspended);
    const d = live[this.devicePick % live.length];
    const from = real.operators[d.owner];
    await send(model, real, this.toString(), undefined, () =>
      real.f.registry.connect(from).transferFrom(from.address, real.operators[this.to].address, d.id, GAS),
    );
    d.owner = this.to;
  }
  toString() {
    return `transferNft(live device ${this.devicePick}, to ${this.to})`;
  }
}

class MintEpoch extends BaseStep {
  async run(model: Model, real: Real) {
    const { f } = real;
    const e = model.minted;
    const startsAt = real.genesis + BigInt(e) * real.epochLength;
    const expected = model.now < startsAt ? "ControllerEpochNotStarted" : undefined;
    await send(model, real, this.toString(), expected, () => f.controller.mintEpoch(e, GAS));
    if (!expected) {
      const amount = emission(f.scheduleParams, BigInt(e));
      const pool = splitEmission(amount, f.parameters.splits).devicePool;
      model.minted += 1;
      model.mintedTotal += amount;
      model.funding[e] = (model.funding[e] ?? 0n) + pool;
      model.distributorBalance += pool;
      if (e < model.next) model.fundedTotal += pool;
    }
  }
  toString() {
    return "mintEpoch()";
  }
}

class Post extends BaseStep {
  constructor(
    readonly perMille: number,
    readonly weights: number[],
  ) {
    super();
  }
  async run(model: Model, real: Real) {
    const { f } = real;
    const e = model.next;
    const previous = e === 0 ? Array(OPERATORS).fill(0n) : model.posts[e - 1].cumulative;
    const available = model.fundedTotal + (model.funding[e] ?? 0n) - model.postedTotal;
    const total = (available * BigInt(this.perMille)) / 1000n; // up to 1.2× the budget
    const weightSum = this.weights.reduce((a, b) => a + b, 0) || 1;
    const increments = this.weights.map((w) => (total * BigInt(w)) / BigInt(weightSum));
    increments[0] += total - increments.reduce((a, b) => a + b, 0n); // rounding to the first operator
    const cumulative = previous.map((c, i) => c + increments[i]);
    const tree = buildRewardTree(
      cumulative.map((amount, i) => ({ account: real.operators[i].address, cumulativeAmount: amount })),
    );
    let expected: string | undefined;
    if (BigInt(e) >= currentEpoch(model, real)) expected = "RewardsEpochNotEnded";
    else if (model.postedTotal + total > model.fundedTotal + (model.funding[e] ?? 0n))
      expected = "RewardsTotalExceedsFunding";
    else if (model.revokedPosts.has(`${e}:${tree.root}:${total}`)) expected = "RewardsPostRevoked";
    const domain = rewardsDomain(31337n, f.addresses.distributor);
    const message = { epoch: BigInt(e), root: tree.root, total };
    const signatures = await Promise.all(f.oracleMembers.slice(0, 3).map((m) => signEpochRoot(m, domain, message)));
    await send(model, real, this.toString(), expected, () =>
      f.distributor.postEpoch(e, tree.root, total, signatures, GAS),
    );
    if (!expected) {
      model.posts[e] = { root: tree.root, total, postedAt: model.now - 1n, tree, cumulative };
      model.revokedEpochs.delete(e);
      model.next += 1;
      model.postedTotal += total;
      model.fundedTotal += model.funding[e] ?? 0n;
    }
  }
  toString() {
    return `post(${(this.perMille / 1000).toFixed(3)} of budget, weights ${this.weights.join("/")})`;
  }
}

class Revoke extends BaseStep {
  async run(model: Model, real: Real) {
    const e = model.next === 0 ? 0 : model.next - 1;
    let expected: string | undefined;
    if (model.next === 0) expected = "RewardsNotLatestEpoch";
    else if (model.now >= model.posts[e].postedAt + CHALLENGE_WINDOW) expected = "RewardsChallengeWindowClosed";
    await send(model, real, this.toString(), expected, () =>
      real.f.distributor.connect(real.f.guardian).revokeEpoch(e, GAS),
    );
    if (!expected) {
      const post = model.posts[e];
      model.revokedPosts.add(`${e}:${post.root}:${post.total}`);
      model.revokedEpochs.add(e);
      model.next = e;
      model.postedTotal -= post.total;
      model.fundedTotal -= model.funding[e] ?? 0n;
    }
  }
  toString() {
    return "revoke(latest)";
  }
}

class Claim extends BaseStep {
  constructor(
    readonly account: number,
    readonly sender: number,
    readonly older: boolean,
  ) {
    super();
  }
  async run(model: Model, real: Real) {
    const newest = newestClaimable(model);
    let epoch: number;
    let expected: string | undefined;
    if (newest === undefined) {
      epoch = model.next === 0 ? 0 : model.next - 1;
      if (model.next === 0) expected = model.revokedEpochs.has(0) ? "RewardsEpochRevoked" : "RewardsEpochNotPosted";
      else expected = "RewardsEpochInChallengeWindow";
    } else if (this.older && newest > 0) {
      epoch = newest - 1;
      expected = "RewardsEpochSuperseded";
    } else {
      epoch = newest;
    }
    const post = model.posts[epoch];
    const account = real.operators[this.account].address;
    const amount = post === undefined || epoch >= model.next ? 1n : post.cumulative[this.account];
    const proof = post === undefined || epoch >= model.next ? [] : post.tree.claimOf(account).proof;
    if (expected === undefined && amount <= model.claimed[this.account]) expected = "RewardsNothingToClaim";
    await send(model, real, this.toString(), expected, () =>
      real.f.distributor.connect(real.operators[this.sender]).claim(epoch, account, amount, proof, GAS),
    );
    if (!expected) {
      const paid = amount - model.claimed[this.account];
      model.claimed[this.account] = amount;
      model.balances[this.account] += paid;
      model.distributorBalance -= paid;
    }
  }
  toString() {
    return `claim(for ${this.account}, by ${this.sender}${this.older ? ", an older epoch" : ""})`;
  }
}

class AdvanceTime extends BaseStep {
  constructor(readonly seconds: number) {
    super();
  }
  async run(model: Model) {
    model.now += BigInt(this.seconds);
  }
  toString() {
    return `advanceTime(${this.seconds} s)`;
  }
}

const operator = fc.integer({ min: 0, max: OPERATORS - 1 });
const pick = fc.nat(31);

/** Every command of the fuzzer, with the weights of how often each is drawn. */
export const COMMANDS: fc.Arbitrary<Step>[] = [
  fc.tuple(operator, pick, pick).map(([o, c, cell]) => new Register(o, c, cell)),
  fc.tuple(pick, operator, pick).map(([d, s, c]) => new Move(d, s, c)),
  fc.tuple(pick, operator, fc.integer({ min: 0, max: 1050 })).map(([d, s, x]) => new Stake(d, s, x)),
  fc
    .tuple(pick, fc.boolean(), operator, fc.integer({ min: 0, max: 1100 }))
    .map(([d, o, s, x]) => new RequestUnstake(d, o, s, x)),
  fc.tuple(pick, operator).map(([d, s]) => new Withdraw(d, s)),
  fc.tuple(pick, fc.integer({ min: 0, max: 1500 })).map(([d, x]) => new Slash(d, x)),
  pick.map((d) => new ToggleSuspension(d)),
  fc.tuple(pick, fc.boolean(), operator).map(([d, o, s]) => new Deregister(d, o, s)),
  fc.tuple(pick, operator).map(([d, t]) => new TransferNft(d, t)),
  fc.constant(null).map(() => new MintEpoch()),
  fc
    .tuple(fc.integer({ min: 0, max: 1200 }), fc.array(fc.nat(5), { minLength: OPERATORS, maxLength: OPERATORS }))
    .map(([x, w]) => new Post(x, w)),
  fc.constant(null).map(() => new Revoke()),
  fc.tuple(operator, operator, fc.boolean()).map(([a, s, o]) => new Claim(a, s, o)),
  fc.integer({ min: 1, max: 1500 }).map((s) => new AdvanceTime(s)),
];

/** The invariants, checked on chain after every step. */
export async function checkInvariants(model: Model, real: Real, step: string): Promise<void> {
  const { f } = real;
  const [stakingBalance, [posted, funded], supply, cap, distributorBalance] = await Promise.all([
    f.token.balanceOf(f.addresses.staking),
    f.distributor.budget(),
    f.token.totalSupply(),
    f.token.cap(),
    f.token.balanceOf(f.addresses.distributor),
  ]);
  const at = `after ${step}`;
  let sumBonds = 0n;
  for (const d of model.devices) {
    const [bond, unbonding] = await Promise.all([f.staking.bondOf(d.id), f.staking.unbondingOf(d.id)]);
    expect(bond, `${at}: bond of ${d.id}`).to.equal(d.bonded);
    expect(unbonding.amount, `${at}: unbonding of ${d.id}`).to.equal(d.unbonding);
    sumBonds += bond + unbonding.amount;
  }
  expect(stakingBalance, `${at}: Σ bonds = Staking's token balance`).to.equal(sumBonds);
  expect(stakingBalance, `${at}: Staking's balance = model`).to.equal(model.stakingBalance);
  const claimed = model.claimed.reduce((a, b) => a + b, 0n);
  const mintedPool = model.funding.reduce((a, b) => a + b, 0n);
  expect(posted, `${at}: posted = model`).to.equal(model.postedTotal);
  expect(funded, `${at}: funded = model`).to.equal(model.fundedTotal);
  expect(
    claimed <= posted && posted <= funded && funded <= mintedPool,
    `${at}: claimed ≤ posted ≤ funded ≤ minted`,
  ).to.equal(true);
  expect(supply, `${at}: minted supply = protocol/emission`).to.equal(model.mintedTotal);
  expect(model.mintedTotal <= cap, `${at}: minted ≤ cap`).to.equal(true);
  expect(distributorBalance, `${at}: the distributor holds funded − claimed`).to.equal(model.distributorBalance);
  for (let i = 0; i < OPERATORS; i++) {
    const account = real.operators[i].address;
    const [c, b] = await Promise.all([f.distributor.claimed(account), f.token.balanceOf(account)]);
    expect(c, `${at}: claimed of operator ${i}`).to.equal(model.claimed[i]);
    expect(b, `${at}: balance of operator ${i}`).to.equal(model.balances[i]);
  }
}

/** Wraps a command so the invariants are checked after it. */
class Checked implements Step {
  constructor(readonly inner: Step) {}
  check(model: Readonly<Model>) {
    return this.inner.check(model);
  }
  async run(model: Model, real: Real) {
    await this.inner.run(model, real);
    await checkInvariants(model, real, this.inner.toString());
  }
  toString() {
    return this.inner.toString();
  }
}

/**
 * How often each command is drawn, by its index in COMMANDS: posting, claiming and moving time are drawn more often
 * so that sequences reach claimable, superseded and revocable roots within a dozen steps.
 */
const WEIGHTS = [2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 3, 1, 4, 4];

/**
 * The sequences: between half of `maxCommands` and `maxCommands` commands, each followed by the invariant checks.
 * (A plain array rather than `fc.commands`, whose lengths are biased towards a handful of commands: too few to reach
 * a superseded root.)
 */
export function commandSequences(maxCommands: number) {
  const weighted = COMMANDS.flatMap((arb, i) => Array<fc.Arbitrary<Step>>(WEIGHTS[i]).fill(arb));
  return fc.array(fc.oneof(...weighted.map((arb) => arb.map((c) => new Checked(c) as Step))), {
    minLength: Math.ceil(maxCommands / 2),
    maxLength: maxCommands,
  });
}
