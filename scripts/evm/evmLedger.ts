/**
 * The EVM ledger: the exact ledger (simulation/ledger/exact.ts) whose every operation is also a transaction to the
 * deployed contracts, and whose state is compared with the chain after every epoch.
 *
 * The engine is synchronous; between two epochs the driver (`run.ts`) awaits {@link EvmLedger.flush}, which sends the
 * epoch's operations phase by phase (one block per phase at the timeline's time, simulation/ledger/timeline.ts):
 * mint → governance → withdrawals → purchases and approvals → registrations (device-key EIP-712 signature + maker
 * attestation) → stakes and fee burns → moves → leaves (unstake + deregister) → suspensions; then, after the epoch
 * ends, the oracle (scripts/oracle `computeEpochRewards` on the chain's snapshot and the simulated work reports, the
 * merkle tree, m-of-n signatures) posts the root → slashes → claims (proofs from the oracle's tree) → sales and
 * demand burns. The oracle's per-device rewards and per-account cumulative amounts must equal the exact ledger's,
 * then every account's balance and claimed amount, every device's bond and unbonding, the system's balances, total
 * minted and burned; the first difference throws a `DivergenceError`.
 */
import { MaxUint256, ZeroAddress, type Interface } from "ethers";
import { signAttest, signMove, signRegister } from "../../protocol/deviceSignatures";
import { buildRewardTreeFast, type RewardLeaf, type RewardTree } from "../../protocol/merkle";
import { signEpochRoot } from "../../protocol/oracleSignatures";
import { ExactLedger, type LedgerOperation, type SystemAccount } from "../../simulation/ledger/exact";
import type { LedgerMode } from "../../simulation/ledger/ledger";
import type { LedgerTerms } from "../../simulation/ledger/terms";
import { IN_EPOCH_PHASES, type Phase } from "../../simulation/ledger/timeline";
import { computeEpochRewards, EMPTY_EPOCH_LEAF, type DeviceSnapshot, type EpochRewards } from "../oracle/compute";
import type { OracleParams } from "../oracle/params";
import type { SyntheticWorld } from "../oracle/compute";
import type { WorkReport } from "../oracle/reports";
import { HotCalldata } from "./calldata";
import { ChainStateReader } from "./chainReader";
import type { EvmSystem } from "./deploy";
import { expectEqual } from "./divergence";
import { LocalKey } from "./keys";
import { TransactionEngine, type TransactionLabel } from "./transactions";

/** Deadline of every device signature: far beyond any run. */
const SIGNATURE_DEADLINE = 1n << 63n;

/** One device as the chain knows it. */
interface ChainDevice {
  key: LocalKey;
  id: bigint;
  /** The device key's next EIP-712 nonce (registration uses 0, each move the next). */
  nonce: bigint;
}

/** Phase of each operation kind (owner fee burns land with the stakes, the market's demand burns with the sales). */
function phaseOf(op: LedgerOperation): Phase {
  switch (op.kind) {
    case "genesis":
    case "mint":
      return "mint";
    case "setMinBond":
      return "govern";
    case "withdraw":
      return "withdraw";
    case "buy":
    case "approve":
      return "buy";
    case "register":
      return "register";
    case "stake":
      return "stake";
    case "burn":
      return op.owner === "market" ? "sell" : "stake";
    case "move":
      return "move";
    case "leave":
      return "leave";
    case "suspend":
      return "flag";
    case "post":
      return "post";
    case "slash":
      return "slash";
    case "claim":
      return "claim";
    case "sell":
      return "sell";
  }
}

/** Time spent per stage of the run (ms), for the benchmark's profile. */
export interface EvmTimings {
  build: number;
  mine: number;
  oracle: number;
  check: number;
}

export class EvmLedger extends ExactLedger {
  override readonly mode: LedgerMode = "evm";
  readonly timings: EvmTimings = { build: 0, mine: 0, oracle: 0, check: 0 };
  private queued: { epoch: number; operations: LedgerOperation[] } | undefined;
  private readonly ownerKeys: LocalKey[] = [];
  private readonly chainDevices = new Map<number, ChainDevice>();
  private previousLeaves: RewardLeaf[] = [];
  private tree: RewardTree | undefined;
  private lastSnapshotBlock = 0;
  private readonly oracleWorlds = new Map<unknown, { params: OracleParams; world: SyntheticWorld }>();
  private classWeights: Map<number, number> | undefined;
  /** Epochs checked equal so far. */
  epochsChecked = 0;
  /** Operations sent, by kind (`register`, `stake`, `claim`, `slash`, …). */
  readonly operationCounts: Partial<Record<LedgerOperation["kind"], number>> = {};
  private readonly calls: HotCalldata;

  constructor(
    terms: LedgerTerms,
    readonly system: EvmSystem,
    readonly engine: TransactionEngine,
    private readonly reader: ChainStateReader,
    private readonly seed: number,
  ) {
    super(terms);
    const c = system.contracts;
    this.calls = new HotCalldata(c.token.interface, c.staking.interface, c.distributor.interface);
  }

  /** The transaction engine for a deployed system: automine off, every role funded with ETH. */
  static async engineFor(system: EvmSystem, client: TransactionEngine["client"]): Promise<TransactionEngine> {
    const c = system.contracts;
    const interfaces: Interface[] = [
      c.registry.interface,
      c.staking.interface,
      c.distributor.interface,
      c.controller.interface,
      c.token.interface,
    ];
    const engine = new TransactionEngine(client, system.chainId, interfaces);
    const r = system.roles;
    const roleKeys = [
      r.keeper,
      r.maker,
      r.guardian,
      r.fraud,
      r.slasher,
      r.treasury,
      r.ecosystem,
      r.market,
      ...r.oracles,
    ];
    await engine.start(roleKeys.map((k) => k.address));
    await engine.syncNonce(r.deployer.address);
    return engine;
  }

  override endEpoch(epoch: number): void {
    if (this.queued !== undefined) {
      throw new Error(`EVM ledger: epoch ${this.queued.epoch} was not flushed before epoch ${epoch} ended`);
    }
    this.queued = { epoch, operations: this.takeOperations() };
  }

  /** Sends the last ended epoch's operations to the chain and checks the chain against the exact ledger. */
  async flush(): Promise<void> {
    const queued = this.queued;
    if (queued === undefined) return;
    this.queued = undefined;
    const { epoch, operations } = queued;
    const byPhase = new Map<Phase, LedgerOperation[]>();
    for (const op of operations) {
      this.operationCounts[op.kind] = (this.operationCounts[op.kind] ?? 0) + 1;
      if (op.kind === "genesis") {
        await this.genesisEpoch(op.float);
        continue;
      }
      const phase = phaseOf(op);
      const list = byPhase.get(phase);
      if (list === undefined) byPhase.set(phase, [op]);
      else list.push(op);
    }
    const c = this.chainEpoch(epoch);
    for (const phase of IN_EPOCH_PHASES) await this.sendPhase(epoch, c, phase, byPhase.get(phase) ?? []);
    this.lastSnapshotBlock = this.engine.stats.blocks > 0 ? await this.latestBlock() : 0;
    await this.post(epoch, c, byPhase.get("post") ?? []);
    for (const phase of ["slash", "claim", "sell"] as const)
      await this.sendPhase(epoch, c, phase, byPhase.get(phase) ?? []);
    await this.check(epoch, c);
    this.epochsChecked++;
  }

  // ---- keys and labels ---------------------------------------------------------------------------------------

  ownerKey(owner: number): LocalKey {
    let key = this.ownerKeys[owner];
    if (key === undefined) {
      key = LocalKey.derive(this.seed, "owner", owner);
      this.ownerKeys[owner] = key;
    }
    return key;
  }

  private chainDevice(handle: number): ChainDevice {
    let d = this.chainDevices.get(handle);
    if (d === undefined) {
      const key = LocalKey.derive(this.seed, "device", handle);
      d = { key, id: BigInt(key.address), nonce: 0n };
      this.chainDevices.set(handle, d);
    }
    return d;
  }

  private label(epoch: number, operation: string, account: string, device?: bigint): TransactionLabel {
    return { epoch, operation, account, device };
  }

  private ownerName(owner: number): string {
    return `owner ${owner} (${this.ownerKey(owner).address}, group ${this.owners[owner]?.group ?? "?"})`;
  }

  // ---- sending -------------------------------------------------------------------------------------------------

  private at(chainEpoch: number, phase: Phase): bigint {
    return this.system.genesis + this.terms.timeline.at(chainEpoch, phase);
  }

  private async mine(chainEpoch: number, phase: Phase): Promise<void> {
    const started = performance.now();
    await this.engine.mine(this.at(chainEpoch, phase));
    this.timings.mine += performance.now() - started;
  }

  private async latestBlock(): Promise<number> {
    const hex = (await this.engine.client.request({ method: "eth_blockNumber" })) as string;
    return Number(BigInt(hex));
  }

  /** Chain epoch 0: the genesis float minted to the treasury and handed to the market; the scenario's splits set. */
  private async genesisEpoch(float: bigint): Promise<void> {
    const { contracts: c, addresses, roles } = this.system;
    const e = -1;
    this.engine.send(
      roles.keeper,
      addresses.controller,
      c.controller.interface.encodeFunctionData("mintEpoch", [0]),
      this.label(e, "mintEpoch(0)", "keeper"),
    );
    await this.mine(0, "mint");
    const s = this.terms.splits;
    if (!(s.devicePoolBps === 0n && s.ecosystemBps === 0n)) {
      const data = c.controller.interface.encodeFunctionData("setSplits", [
        s.devicePoolBps,
        s.treasuryBps,
        s.ecosystemBps,
      ]);
      this.engine.send(roles.deployer, addresses.controller, data, this.label(e, "setSplits", "deployer"));
      await this.mine(0, "govern");
    }
    const transfer = c.token.interface.encodeFunctionData("transfer", [roles.market.address, float]);
    this.engine.send(
      roles.treasury,
      addresses.token,
      transfer,
      this.label(e, "genesis float to the market", "treasury"),
    );
    await this.mine(0, "buy");
    // chain epoch 0 funds no device pool; its empty root keeps the posts in order
    const tree = buildRewardTreeFast([EMPTY_EPOCH_LEAF]);
    await this.sendPost(e, 0, tree.root, 0n);
    await this.mine(0, "post");
  }

  private async sendPhase(epoch: number, c: number, phase: Phase, ops: readonly LedgerOperation[]): Promise<void> {
    if (ops.length === 0) return;
    const started = performance.now();
    const { contracts, addresses, roles } = this.system;
    const token = contracts.token.interface;
    const registry = contracts.registry.interface;
    const staking = contracts.staking.interface;
    const buys = new Map<number, bigint>();
    // a new owner's first operation is its approval of the staking contract: give it ETH for gas first
    const newOwners = ops.filter((op) => op.kind === "approve").map((op) => this.ownerKey(op.owner).address);
    if (newOwners.length > 0) await this.engine.fund(newOwners);
    for (const op of ops) {
      switch (op.kind) {
        case "mint":
          this.engine.send(
            roles.keeper,
            addresses.controller,
            contracts.controller.interface.encodeFunctionData("mintEpoch", [op.chainEpoch]),
            this.label(epoch, `mintEpoch(${op.chainEpoch})`, "keeper"),
          );
          break;
        case "setMinBond":
          this.scenarioClasses().forEach((weight, id) => {
            const data = registry.encodeFunctionData("setDeviceClass", [id, weight, op.minBond, true]);
            this.engine.send(
              roles.deployer,
              addresses.registry,
              data,
              this.label(epoch, `setDeviceClass(${id})`, "deployer"),
            );
          });
          this.classWeights = undefined;
          break;
        case "withdraw": {
          const d = this.chainDevice(op.handle);
          const owner = this.devices.get(op.handle)!.owner;
          this.engine.send(
            this.ownerKey(owner),
            addresses.staking,
            staking.encodeFunctionData("withdraw", [d.id]),
            this.label(epoch, "withdraw", this.ownerName(owner), d.id),
          );
          break;
        }
        case "buy":
          buys.set(op.owner, (buys.get(op.owner) ?? 0n) + op.amount);
          break;
        case "approve":
          this.engine.send(
            this.ownerKey(op.owner),
            addresses.token,
            token.encodeFunctionData("approve", [addresses.staking, MaxUint256]),
            this.label(epoch, "approve staking", this.ownerName(op.owner)),
          );
          break;
        case "register":
          await this.sendRegister(epoch, op.handle);
          break;
        case "stake": {
          const d = this.chainDevice(op.handle);
          const owner = this.devices.get(op.handle)!.owner;
          this.engine.send(
            this.ownerKey(owner),
            addresses.staking,
            this.calls.stake(d.id, op.amount),
            this.label(epoch, "stake", this.ownerName(owner), d.id),
          );
          break;
        }
        case "burn": {
          const key = op.owner === "market" ? roles.market : this.ownerKey(op.owner);
          const who = op.owner === "market" ? "market" : this.ownerName(op.owner);
          this.engine.send(
            key,
            addresses.token,
            this.calls.burn(op.amount),
            this.label(epoch, op.owner === "market" ? "demand burn" : "onboarding fee burn", who),
          );
          break;
        }
        case "move":
          await this.sendMove(epoch, op.handle, op.cell);
          break;
        case "leave": {
          const d = this.chainDevice(op.handle);
          const owner = this.devices.get(op.handle)!.owner;
          const key = this.ownerKey(owner);
          if (op.unstake > 0n) {
            this.engine.send(
              key,
              addresses.staking,
              staking.encodeFunctionData("requestUnstake", [d.id, op.unstake]),
              this.label(epoch, "requestUnstake", this.ownerName(owner), d.id),
            );
          }
          this.engine.send(
            key,
            addresses.registry,
            registry.encodeFunctionData("deregister", [d.id]),
            this.label(epoch, "deregister", this.ownerName(owner), d.id),
          );
          break;
        }
        case "suspend": {
          const d = this.chainDevice(op.handle);
          this.engine.send(
            roles.fraud,
            addresses.registry,
            registry.encodeFunctionData("suspend", [d.id, op.reason]),
            this.label(epoch, `suspend (reason ${op.reason})`, "fraud reviewer", d.id),
          );
          break;
        }
        case "slash": {
          const d = this.chainDevice(op.handle);
          this.engine.send(
            roles.slasher,
            addresses.staking,
            staking.encodeFunctionData("slash", [d.id, op.amount, op.reason]),
            this.label(epoch, `slash ${op.amount} (reason ${op.reason})`, "slasher", d.id),
          );
          break;
        }
        case "claim": {
          const key = this.ownerKey(op.owner);
          const tree = this.tree;
          if (tree === undefined) throw new Error(`EVM ledger: a claim at epoch ${epoch} before any root was posted`);
          const claim = tree.claimOf(key.address);
          const data = this.calls.claim(c, key.address, claim.cumulativeAmount, claim.proof);
          this.engine.send(key, addresses.distributor, data, this.label(epoch, "claim", this.ownerName(op.owner)));
          break;
        }
        case "sell":
          this.engine.send(
            this.ownerKey(op.owner),
            addresses.token,
            this.calls.transfer(roles.market.address, op.amount),
            this.label(epoch, "sell", this.ownerName(op.owner)),
          );
          break;
        case "genesis":
        case "post":
          throw new Error(`EVM ledger: ${op.kind} is not sent by sendPhase`);
      }
    }
    for (const [owner, amount] of buys) {
      const data = this.calls.transfer(this.ownerKey(owner).address, amount);
      this.engine.send(
        roles.market,
        addresses.token,
        data,
        this.label(epoch, `market sells ${amount} wei`, this.ownerName(owner)),
      );
    }
    this.timings.build += performance.now() - started;
    await this.mine(c, phase);
  }

  /** Class weights (bps) by class id, as the scenario gives them. */
  private scenarioClasses(): number[] {
    return [...this.terms.rewardParams.classWeightsBps];
  }

  private async sendRegister(epoch: number, handle: number): Promise<void> {
    const account = this.devices.get(handle)!;
    const d = this.chainDevice(handle);
    const ownerKey = this.ownerKey(account.owner);
    const { registryDomain, roles, makerGeneration, contracts, addresses } = this.system;
    const deviceSignature = await signRegister(d.key, registryDomain, {
      owner: ownerKey.address,
      deviceClass: account.classId,
      cell: BigInt(account.cell),
      nonce: d.nonce++,
      deadline: SIGNATURE_DEADLINE,
    });
    const makerSignature = await signAttest(roles.maker, registryDomain, {
      deviceKey: d.key.address,
      deviceClass: account.classId,
      makerGeneration,
    });
    const data = contracts.registry.interface.encodeFunctionData("register", [
      d.key.address,
      ownerKey.address,
      account.classId,
      account.cell,
      SIGNATURE_DEADLINE,
      deviceSignature,
      roles.maker.address,
      makerSignature,
    ]);
    this.engine.send(
      ownerKey,
      addresses.registry,
      data,
      this.label(epoch, "register", this.ownerName(account.owner), d.id),
    );
  }

  private async sendMove(epoch: number, handle: number, cell: number): Promise<void> {
    const account = this.devices.get(handle)!;
    const d = this.chainDevice(handle);
    const ownerKey = this.ownerKey(account.owner);
    const { registryDomain, contracts, addresses } = this.system;
    const signature = await signMove(d.key, registryDomain, {
      deviceId: d.id,
      owner: ownerKey.address,
      cell: BigInt(cell),
      nonce: d.nonce++,
      deadline: SIGNATURE_DEADLINE,
    });
    const data = contracts.registry.interface.encodeFunctionData("moveDevice", [
      d.id,
      cell,
      SIGNATURE_DEADLINE,
      signature,
    ]);
    this.engine.send(
      ownerKey,
      addresses.registry,
      data,
      this.label(epoch, "moveDevice", this.ownerName(account.owner), d.id),
    );
  }

  private async sendPost(epoch: number, chainEpoch: number, root: string, total: bigint): Promise<void> {
    const { roles, rewardsDomain, contracts, addresses } = this.system;
    const message = { epoch: BigInt(chainEpoch), root, total };
    const signatures: string[] = [];
    for (const member of roles.oracles.slice(0, this.terms.chain.oracle.threshold)) {
      signatures.push(await signEpochRoot(member, rewardsDomain, message));
    }
    const data = contracts.distributor.interface.encodeFunctionData("postEpoch", [chainEpoch, root, total, signatures]);
    this.engine.send(
      roles.keeper,
      addresses.distributor,
      data,
      this.label(epoch, `postEpoch(${chainEpoch})`, "keeper"),
    );
  }

  // ---- the oracle ------------------------------------------------------------------------------------------------

  /**
   * The oracle's parameters and world for the simulator's density model: the chain holds the simulator's cell ids
   * (a synthetic world, not H3), and the parameters are the scenario's (stake factor, establishment, demand weight).
   */
  private oracleWorldOf(density: Extract<LedgerOperation, { kind: "post" }>["density"]): {
    params: OracleParams;
    world: SyntheticWorld;
  } {
    let entry = this.oracleWorlds.get(density);
    if (entry === undefined) {
      const p = this.terms.rewardParams;
      const cells = BigInt(density.cells);
      entry = {
        params: {
          version: 1,
          location: { minResolution: 0 },
          density: {
            enabled: density.params.enabled,
            rollup: density.params.rollup ?? "raw",
            table: density.params.resolutions.map((r) => ({
              resolution: r.level,
              n: r.n,
              target: r.target,
              max: r.max,
            })),
          },
          stakeFactor: {
            enabled: p.stakeFactor.enabled,
            referenceStakeWei: p.stakeFactor.referenceStakeWei.toString(),
            maxBoostBps: p.stakeFactor.maxBoostBps,
            ...(p.stakeFactor.capStakeWei === undefined
              ? {}
              : { capStakeWei: p.stakeFactor.capStakeWei === null ? null : p.stakeFactor.capStakeWei.toString() }),
          },
          establishment: { ...p.establishment },
          ...(p.demandWeightBps ? { demandWeightBps: p.demandWeightBps } : {}),
        },
        world: { density, cellId: (cell) => (cell < cells ? Number(cell) : undefined) },
      };
      this.oracleWorlds.set(density, entry);
    }
    return entry;
  }

  /**
   * The oracle: reads the snapshot (the last in-epoch block) of every reported device, computes the epoch with
   * scripts/oracle, compares it with the exact ledger, posts the root with m signatures.
   */
  private async post(epoch: number, c: number, ops: readonly LedgerOperation[]): Promise<void> {
    const op = ops[0];
    if (op === undefined || op.kind !== "post") throw new Error(`EVM ledger: epoch ${epoch} has no post`);
    const started = performance.now();
    const reports: WorkReport[] = op.reports.map((r) => ({
      deviceId: this.chainDevice(r.handle).id,
      workWad: r.reportedWork,
      servedWad: r.servedWork,
      flags: r.denylisted ? ["denylisted"] : [],
    }));
    const ids = reports.map((r) => r.deviceId);
    const snapshot = await this.reader.devices(ids, this.lastSnapshotBlock);
    const devices = new Map<bigint, DeviceSnapshot>();
    snapshot.forEach((s, i) => {
      const handle = op.reports[i].handle;
      devices.set(ids[i], {
        deviceId: ids[i],
        owner: s.owner,
        status: s.status,
        deviceClass: s.deviceClass,
        cell: s.cell,
        bond: s.bond,
        stakingActive: s.active,
        registeredEpoch: this.devices.get(handle)?.registeredChainEpoch ?? 0,
      });
    });
    const { contracts } = this.system;
    const [funding, budget] = await Promise.all([contracts.distributor.fundingOf(c), contracts.distributor.budget()]);
    const oracle = this.oracleWorldOf(op.density);
    const rewards = computeEpochRewards({
      epoch: c,
      reports,
      devices,
      classWeightsBps: await this.chainClassWeights(),
      funding,
      carriedDust: budget.fundedTotal - budget.postedTotal,
      previous: this.previousLeaves,
      params: oracle.params,
      syntheticWorld: oracle.world,
    });
    this.compareOracle(epoch, c, op, rewards);
    this.previousLeaves = rewards.accounts.map((a) => ({ account: a.account, cumulativeAmount: a.cumulativeAmount }));
    this.tree = rewards.tree;
    await this.sendPost(epoch, c, rewards.root, rewards.total);
    this.timings.oracle += performance.now() - started;
    await this.mine(c, "post");
    const posted = await contracts.distributor.epochRoot(c);
    expectEqual({ epoch, chainEpoch: c }, "posted root", "the distributor", posted, rewards.root);
  }

  /** `registry.classWeightBps` of every scenario class (read again after a governance change). */
  private async chainClassWeights(): Promise<Map<number, number>> {
    if (this.classWeights === undefined) {
      const registry = this.system.contracts.registry;
      const ids = this.scenarioClasses().map((_, id) => id);
      const weights = await Promise.all(ids.map((id) => registry.classWeightBps(id)));
      this.classWeights = new Map(ids.map((id, i) => [id, Number(weights[i])]));
    }
    return this.classWeights;
  }

  /** The oracle's epoch, computed from the chain, against the exact ledger's. */
  private compareOracle(
    epoch: number,
    c: number,
    op: Extract<LedgerOperation, { kind: "post" }>,
    rewards: EpochRewards,
  ): void {
    const at = { epoch, chainEpoch: c };
    const byId = new Map(rewards.devices.map((d) => [d.deviceId, d]));
    for (const r of op.reports) {
      const d = this.chainDevice(r.handle);
      const computed = byId.get(d.id);
      const exact = this.lastRewards.get(r.handle) ?? 0n;
      const subject = `device 0x${d.id.toString(16).padStart(40, "0")} (handle ${r.handle}${computed?.reason ? `, ${computed.reason}` : ""})`;
      expectEqual(at, "epoch reward", subject, computed?.reward ?? 0n, exact);
    }
    const posted = new Map(rewards.accounts.map((a) => [a.account.toLowerCase(), a.cumulativeAmount]));
    this.owners.forEach((o, index) => {
      const address = this.ownerKey(index).address.toLowerCase();
      expectEqual(at, "posted cumulative amount", this.ownerName(index), posted.get(address) ?? 0n, o.posted);
      posted.delete(address);
    });
    for (const [account, amount] of posted) {
      if (account !== ZeroAddress) expectEqual(at, "posted cumulative amount", `account ${account}`, amount, 0n);
    }
    expectEqual(at, "carried dust", "the oracle", rewards.dust, this.carriedDust);
  }

  // ---- the equality check ------------------------------------------------------------------------------------------

  private async check(epoch: number, c: number): Promise<void> {
    const started = performance.now();
    const at = { epoch, chainEpoch: c };
    const { roles, addresses, contracts } = this.system;
    const systemAccounts: [SystemAccount, string][] = [
      ["treasury", roles.treasury.address],
      ["ecosystem", roles.ecosystem.address],
      ["market", roles.market.address],
      ["distributor", addresses.distributor],
      ["staking", addresses.staking],
    ];
    const owners = this.owners.map((_, i) => this.ownerKey(i).address);
    const handles = [...this.devices.keys()];
    const [accounts, stakes, supply, cumulative] = await Promise.all([
      this.reader.accounts([...systemAccounts.map(([, a]) => a), ...owners]),
      this.reader.stakes(handles.map((h) => this.chainDevice(h).id)),
      contracts.token.totalSupply(),
      contracts.controller.cumulative(c),
    ]);
    expectEqual(at, "total minted", "the controller", cumulative, this.minted);
    expectEqual(at, "total burned", "the token", cumulative - supply, this.burned);
    systemAccounts.forEach(([name], i) => {
      expectEqual(
        at,
        "balance",
        `the ${name} (${systemAccounts[i][1]})`,
        accounts[i].balance,
        this.systemBalances[name],
      );
    });
    this.owners.forEach((o, i) => {
      const chain = accounts[systemAccounts.length + i];
      expectEqual(at, "balance", this.ownerName(i), chain.balance, o.balance);
      expectEqual(at, "claimed amount", this.ownerName(i), chain.claimed, o.claimed);
    });
    handles.forEach((handle, j) => {
      const exact = this.devices.get(handle)!;
      const chain = stakes[j];
      const subject = `device 0x${this.chainDevice(handle).id.toString(16).padStart(40, "0")} (handle ${handle}, ${this.ownerName(exact.owner)})`;
      expectEqual(at, "bond", subject, chain.bond, exact.bond);
      expectEqual(at, "unbonding", subject, chain.unbonding, exact.unbonding);
      expectEqual(at, "status", subject, BigInt(chain.status), BigInt(exact.status));
    });
    this.timings.check += performance.now() - started;
  }
}
