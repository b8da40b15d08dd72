/**
 * Gas of the reward distributor, measured by real transactions on the Hardhat network.
 *
 * Scenario (all proofs have depth 20: trees of exactly 2^20 leaves):
 *  - epoch 0 is posted with tree T1; `postEpoch` is measured on epoch 1 (a steady-state post, not the very first);
 *  - `claim`: account A's first claim, under epoch 0's root (A has no tokens and no `claimed` slot yet);
 *  - epoch 1 is posted with tree T2 (every amount larger), then epochs 2..51 with T2's root and total 0;
 *  - `claimRepeat`: A's next claim, under epoch 1's root;
 *  - `claimAfter52Epochs`: account B, which never claimed, claims once under epoch 51's root (52 posted epochs).
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { Signer, ZeroAddress, parseEther } from "ethers";
import { MockEmissionController, RewardDistributor } from "../typechain-types";
import { FastRewardTree, RewardLeaf, buildRewardTreeFast } from "../protocol/merkle";

/** Gas used by each measured transaction, from receipts. */
export interface DistributorGas {
  postEpoch: number;
  claim: number;
  claimRepeat: number;
  claimAfter52Epochs: number;
}

/** A deployed distributor plus the two operations whose implementation depends on the controller behind it. */
export interface DistributorGasSystem {
  distributor: RewardDistributor;
  /** Holds ORACLE_ROLE. */
  oracle: Signer;
  /**
   * Makes `epoch` ended (currentEpoch > epoch) and funded; `wanted` is what the scenario would like to post.
   * Returns the funding notified for the epoch (the scenario posts `min(wanted, funded)`).
   */
  prepareEpoch(epoch: number, wanted: bigint): Promise<bigint>;
}

export interface DistributorGasOptions {
  /** Measure on this system instead of deploying `MockEmissionController` + `RewardDistributor`. */
  system?: DistributorGasSystem;
  /** Vesting of a self-deployed distributor (default: none). */
  vesting?: { immediateBps: number; vestingDuration: number };
  /** Leaves per tree (default 2^20, proof depth 20). */
  treeSize?: number;
  /** Progress messages (tree build times). */
  log?: (message: string) => void;
}

const DEFAULT_TREE_SIZE = 1 << 20;
const POSTED_EPOCHS = 52;

/** Deterministic, random-looking 20-byte addresses (realistic calldata: no long zero runs). */
function makeAccounts(n: number): string[] {
  const accounts = new Array<string>(n);
  let state = 0x9e3779b9;
  const next = () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state.toString(16).padStart(8, "0");
  };
  for (let i = 0; i < n; i++) accounts[i] = "0x" + next() + next() + next() + next() + next();
  return accounts;
}

interface ScenarioTrees {
  accountA: string;
  accountB: string;
  first: FastRewardTree;
  second: FastRewardTree;
  firstSum: bigint;
  secondSum: bigint;
  buildSeconds: number[];
}

const treeCache = new Map<number, ScenarioTrees>();

/** Builds (once per size) T1 and T2: every amount about 1e-6 token, T2 = T1 plus an increment per leaf. */
function scenarioTrees(size: number, log: (message: string) => void): ScenarioTrees {
  const cached = treeCache.get(size);
  if (cached) return cached;
  const accounts = makeAccounts(size);
  const build = (leaves: RewardLeaf[], name: string) => {
    const started = process.hrtime.bigint();
    const tree = buildRewardTreeFast(leaves);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    log(`${name}: ${size} leaves built in ${seconds.toFixed(1)} s, root ${tree.root}`);
    return { tree, seconds };
  };
  const leaves1 = accounts.map((account, i) => ({ account, cumulativeAmount: 10n ** 12n + BigInt(i) }));
  const leaves2 = accounts.map((account, i) => ({ account, cumulativeAmount: 2n * 10n ** 12n + 3n * BigInt(i) }));
  const sum = (leaves: RewardLeaf[]) => leaves.reduce((acc, leaf) => acc + leaf.cumulativeAmount, 0n);
  const t1 = build(leaves1, "T1");
  const t2 = build(leaves2, "T2");
  const trees: ScenarioTrees = {
    accountA: accounts[size >> 1],
    accountB: accounts[(size >> 1) + 1],
    first: t1.tree,
    second: t2.tree,
    firstSum: sum(leaves1),
    secondSum: sum(leaves2),
    buildSeconds: [t1.seconds, t2.seconds],
  };
  treeCache.set(size, trees);
  return trees;
}

/** Deploys the mock controller (which deploys the token) and a distributor with a one-day challenge window. */
export async function deployMockDistributorSystem(vesting?: {
  immediateBps: number;
  vestingDuration: number;
}): Promise<DistributorGasSystem> {
  const [admin, oracle] = await ethers.getSigners();
  const controller: MockEmissionController = await ethers.deployContract("MockEmissionController", [
    ZeroAddress,
    parseEther("1000000000"),
  ]);
  const distributor: RewardDistributor = await ethers.deployContract("RewardDistributor", [
    await controller.getAddress(),
    24 * 60 * 60,
    vesting?.immediateBps ?? 10_000,
    vesting?.vestingDuration ?? 0,
    admin.address,
  ]);
  await (await distributor.grantRole(await distributor.ORACLE_ROLE(), oracle.address)).wait();
  const distributorAddress = await distributor.getAddress();
  return {
    distributor,
    oracle,
    async prepareEpoch(epoch: number, wanted: bigint) {
      if (wanted > 0n) await (await controller.fund(distributorAddress, epoch, wanted)).wait();
      await (await controller.setCurrentEpoch(epoch + 1)).wait();
      return wanted;
    },
  };
}

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<number> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("transaction: expected a receipt");
  return Number(receipt.gasUsed);
}

/** Runs the scenario and returns the gas of the four measured transactions. */
export async function measureDistributorGas(options: DistributorGasOptions = {}): Promise<DistributorGas> {
  const log = options.log ?? (() => {});
  const size = options.treeSize ?? DEFAULT_TREE_SIZE;
  if (!Number.isInteger(size) || size < 4) throw new Error(`treeSize: expected an integer >= 4, got ${size}`);
  const trees = scenarioTrees(size, log);
  const system = options.system ?? (await deployMockDistributorSystem(options.vesting));
  const { distributor, oracle } = system;
  const asOracle = distributor.connect(oracle);
  const window = Number(await distributor.challengeWindow());
  const start = Number(await distributor.nextEpochToPost());
  if (start !== 0) throw new Error(`system: expected a distributor with no posted epoch, next epoch is ${start}`);

  const post = async (epoch: number, root: string, wanted: bigint) => {
    const funded = await system.prepareEpoch(epoch, wanted);
    return gasOf(asOracle.postEpoch(epoch, root, wanted < funded ? wanted : funded));
  };
  const claim = async (epoch: number, tree: FastRewardTree, account: string) => {
    const { cumulativeAmount, proof } = tree.claimOf(account);
    if (proof.length !== Math.ceil(Math.log2(size))) throw new Error(`proof: unexpected depth ${proof.length}`);
    return gasOf(distributor.claim(epoch, account, cumulativeAmount, proof));
  };

  const firstPost = await post(0, trees.first.root, trees.firstSum);
  if (window > 0) await time.increase(window);
  const claimGas = await claim(0, trees.first, trees.accountA);

  const postGas = await post(1, trees.second.root, trees.secondSum - trees.firstSum);
  for (let epoch = 2; epoch < POSTED_EPOCHS; epoch++) await post(epoch, trees.second.root, 0n);
  if (window > 0) await time.increase(window);
  const claimRepeatGas = await claim(1, trees.second, trees.accountA);
  const claimAfterGas = await claim(POSTED_EPOCHS - 1, trees.second, trees.accountB);
  log(`first postEpoch (epoch 0, cold cursor slots): ${firstPost} gas`);

  return { postEpoch: postGas, claim: claimGas, claimRepeat: claimRepeatGas, claimAfter52Epochs: claimAfterGas };
}
