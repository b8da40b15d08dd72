/**
 * Gas of the reward distributor, measured by real transactions on the Hardhat network.
 *
 * Scenario (all proofs have depth 20):
 *  - epoch 0 is posted with tree T1 (3-of-5 oracle signatures); `postEpoch` is measured on epoch 1 (a steady-state
 *    post, not the very first);
 *  - `claim`: account A's first claim, under epoch 0's root (A has no tokens and no `claimed` slot yet);
 *  - epoch 1 is posted with tree T2 (every amount larger); `claimRepeat`: A's next claim, under epoch 1's root;
 *  - epochs 2..51 are posted with T2's root and total 0; `claimAfter52Epochs`: account B, which never claimed, claims
 *    once under epoch 51's root (52 posted epochs).
 *
 * Trees: `full` builds both trees of exactly 2^20 leaves (`npm run gas`, ~2 minutes); `path` builds only the paths of
 * A and B in trees of depth 20 whose other subtrees are random hashes (the snapshot test: a second). The contract sees
 * the same thing either way: a root, a 20-node proof, a leaf.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { Signer, ZeroAddress, concat, keccak256, parseEther, type Wallet } from "ethers";
import { MockEmissionController, RewardDistributor } from "../typechain-types";
import { FastRewardTree, RewardClaim, RewardLeaf, buildRewardTreeFast, rewardLeafHash } from "../protocol/merkle";
import { type OracleKey, postSignedEpoch, readOracleSet, signWithMembers } from "./oracle/signatures";
import { Rng } from "../simulation/random";

/** Gas used by each measured transaction, from receipts. */
export interface DistributorGas {
  postEpoch: number;
  claim: number;
  claimRepeat: number;
  claimAfter52Epochs: number;
}

/** A deployed distributor plus the operations whose implementation depends on the controller behind it. */
export interface DistributorGasSystem {
  distributor: RewardDistributor;
  /** Sends the signed posts. */
  sender: Signer;
  /** Oracle members' keys (at least the threshold of them). */
  oracleMembers: OracleKey[];
  /**
   * Makes `epoch` ended (currentEpoch > epoch) and funded; `wanted` is what the scenario would like to post.
   * Returns the funding notified for the epoch (the scenario posts `min(wanted, funded)`).
   */
  prepareEpoch(epoch: number, wanted: bigint): Promise<bigint>;
}

export type TreeKind = "full" | "path";

export interface DistributorGasOptions {
  /** Measure on this system instead of deploying `MockEmissionController` + `RewardDistributor`. */
  system?: DistributorGasSystem;
  /** `full` 2^20-leaf trees (default) or depth-20 `path` trees. */
  trees?: TreeKind;
  /** Leaves per full tree (default 2^20, proof depth 20); depth of path trees is always 20. */
  treeSize?: number;
  /** Progress messages (tree build times). */
  log?: (message: string) => void;
}

const DEFAULT_TREE_SIZE = 1 << 20;
const PATH_DEPTH = 20;
const POSTED_EPOCHS = 52;

/** A tree the scenario claims from: its root and the claims of the accounts it measures. */
interface ScenarioTree {
  root: string;
  claimOf(account: string): RewardClaim;
}

/** Deterministic, random-looking 20-byte addresses (realistic calldata: no long zero runs). */
function makeAccounts(n: number): string[] {
  const rng = new Rng(0x9e3779b9);
  const word = () =>
    Math.floor(rng.next() * 2 ** 32)
      .toString(16)
      .padStart(8, "0");
  const accounts = new Array<string>(n);
  for (let i = 0; i < n; i++) accounts[i] = "0x" + word() + word() + word() + word() + word();
  return accounts;
}

interface ScenarioTrees {
  accountA: string;
  accountB: string;
  first: ScenarioTree;
  second: ScenarioTree;
  firstSum: bigint;
  secondSum: bigint;
}

const treeCache = new Map<string, ScenarioTrees>();

/** The commutative pair hash of OpenZeppelin's MerkleProof. */
function hashPair(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/**
 * A depth-20 tree holding `leaves[0]` and `leaves[1]` as sibling leaves, every other subtree a deterministic random
 * hash: the proofs are real 20-node proofs under the root. `otherSum` stands for the amounts of the other leaves.
 */
function pathTree(leaves: [RewardLeaf, RewardLeaf], salt: string): ScenarioTree {
  const [a, b] = leaves.map((leaf) => rewardLeafHash(leaf));
  const siblings = Array.from({ length: PATH_DEPTH - 1 }, (_, level) =>
    keccak256(concat([salt, `0x${level.toString(16).padStart(2, "0")}`])),
  );
  let node = hashPair(a, b);
  for (const sibling of siblings) node = hashPair(node, sibling);
  const proofs = new Map([
    [leaves[0].account.toLowerCase(), { leaf: leaves[0], proof: [b, ...siblings] }],
    [leaves[1].account.toLowerCase(), { leaf: leaves[1], proof: [a, ...siblings] }],
  ]);
  return {
    root: node,
    claimOf(account: string) {
      const found = proofs.get(account.toLowerCase());
      if (!found) throw new Error(`account: ${account} has no leaf in this path tree`);
      return { account: found.leaf.account, cumulativeAmount: found.leaf.cumulativeAmount, proof: found.proof };
    },
  };
}

/** Builds (once per kind and size) T1 and T2: every amount about 1e-6 token, T2 = T1 plus an increment per leaf. */
function scenarioTrees(kind: TreeKind, size: number, log: (message: string) => void): ScenarioTrees {
  const key = `${kind}:${size}`;
  const cached = treeCache.get(key);
  if (cached) return cached;
  const amount1 = (i: number) => 10n ** 12n + BigInt(i);
  const amount2 = (i: number) => 2n * 10n ** 12n + 3n * BigInt(i);
  let trees: ScenarioTrees;
  if (kind === "path") {
    const [accountA, accountB] = makeAccounts(2);
    const leaf = (account: string, amount: bigint): RewardLeaf => ({ account, cumulativeAmount: amount });
    trees = {
      accountA,
      accountB,
      first: pathTree([leaf(accountA, amount1(0)), leaf(accountB, amount1(1))], keccak256("0x01")),
      second: pathTree([leaf(accountA, amount2(0)), leaf(accountB, amount2(1))], keccak256("0x02")),
      firstSum: amount1(0) + amount1(1),
      secondSum: amount2(0) + amount2(1),
    };
  } else {
    const accounts = makeAccounts(size);
    const build = (leaves: RewardLeaf[], name: string): FastRewardTree => {
      const started = process.hrtime.bigint();
      const tree = buildRewardTreeFast(leaves);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      log(`${name}: ${size} leaves built in ${seconds.toFixed(1)} s, root ${tree.root}`);
      return tree;
    };
    const leaves1 = accounts.map((account, i) => ({ account, cumulativeAmount: amount1(i) }));
    const leaves2 = accounts.map((account, i) => ({ account, cumulativeAmount: amount2(i) }));
    const sum = (leaves: RewardLeaf[]) => leaves.reduce((acc, leaf) => acc + leaf.cumulativeAmount, 0n);
    trees = {
      accountA: accounts[size >> 1],
      accountB: accounts[(size >> 1) + 1],
      first: build(leaves1, "T1"),
      second: build(leaves2, "T2"),
      firstSum: sum(leaves1),
      secondSum: sum(leaves2),
    };
  }
  treeCache.set(key, trees);
  return trees;
}

/**
 * Deploys the mock controller (which deploys the token) and a distributor with a one-day challenge window and a
 * 3-of-5 oracle set of fresh keys, no vesting (with vesting only the account itself may claim, and the scenario's
 * accounts have no keys).
 */
export async function deployMockDistributorSystem(): Promise<DistributorGasSystem> {
  const [admin] = await ethers.getSigners();
  const members: Wallet[] = Array.from(
    { length: 5 },
    (_, i) => new ethers.Wallet(keccak256(concat(["0x6f7261636c65", `0x0${i}`]))),
  );
  const controller: MockEmissionController = await ethers.deployContract("MockEmissionController", [
    ZeroAddress,
    parseEther("1000000000"),
  ]);
  const distributor: RewardDistributor = await ethers.deployContract("RewardDistributor", [
    await controller.getAddress(),
    24 * 60 * 60,
    10_000,
    0,
    admin.address,
    members.map((m) => m.address),
    3,
  ]);
  const distributorAddress = await distributor.getAddress();
  return {
    distributor,
    sender: admin,
    oracleMembers: members,
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
  const kind = options.trees ?? "full";
  const size = options.treeSize ?? DEFAULT_TREE_SIZE;
  if (!Number.isInteger(size) || size < 4) throw new Error(`treeSize: expected an integer >= 4, got ${size}`);
  const depth = kind === "path" ? PATH_DEPTH : Math.ceil(Math.log2(size));
  const trees = scenarioTrees(kind, size, log);
  const system = options.system ?? (await deployMockDistributorSystem());
  const { distributor } = system;
  const set = await readOracleSet(distributor);
  const window = Number(await distributor.challengeWindow());
  const start = Number(await distributor.nextEpochToPost());
  if (start !== 0) throw new Error(`system: expected a distributor with no posted epoch, next epoch is ${start}`);

  const post = async (epoch: number, root: string, wanted: bigint) => {
    const funded = await system.prepareEpoch(epoch, wanted);
    const message = { epoch: BigInt(epoch), root, total: wanted < funded ? wanted : funded };
    const signatures = await signWithMembers(set, message, system.oracleMembers);
    const posted = await postSignedEpoch(distributor, system.sender, message, signatures, set);
    return Number(posted.gasUsed);
  };
  const claim = async (epoch: number, tree: ScenarioTree, account: string) => {
    const { cumulativeAmount, proof } = tree.claimOf(account);
    if (proof.length !== depth) throw new Error(`proof: unexpected depth ${proof.length}`);
    return gasOf(distributor.claim(epoch, account, cumulativeAmount, proof));
  };

  const firstPost = await post(0, trees.first.root, trees.firstSum);
  if (window > 0) await time.increase(window);
  const claimGas = await claim(0, trees.first, trees.accountA);

  const postGas = await post(1, trees.second.root, trees.secondSum - trees.firstSum);
  if (window > 0) await time.increase(window);
  const claimRepeatGas = await claim(1, trees.second, trees.accountA);
  for (let epoch = 2; epoch < POSTED_EPOCHS; epoch++) await post(epoch, trees.second.root, 0n);
  if (window > 0) await time.increase(window);
  const claimAfterGas = await claim(POSTED_EPOCHS - 1, trees.second, trees.accountB);
  log(`first postEpoch (epoch 0, cold cursor slots): ${firstPost} gas`);

  return { postEpoch: postGas, claim: claimGas, claimRepeat: claimRepeatGas, claimAfter52Epochs: claimAfterGas };
}
