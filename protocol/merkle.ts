/**
 * Reward merkle trees: the TypeScript twin of `RewardDistributor.claim`.
 *
 * A leaf is an OpenZeppelin `StandardMerkleTree` leaf of `(address account, uint256 cumulativeAmount)`:
 * `keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))))`, and an inner node is the keccak256 of
 * its two children in ascending order (OpenZeppelin `MerkleProof` / `Hashes.commutativeKeccak256`).
 *
 * Two builders give the same root and the same proofs for the same leaves:
 * - `buildRewardTree`: the reference, a thin wrapper over `StandardMerkleTree.of` (its `dump()` is the proofs file
 *   format other tools understand);
 * - `buildRewardTreeFast`: the same heap layout (leaves sorted by hash, stored right to left at the end of a
 *   `2n − 1` node array) held in one `Uint8Array`, for trees of millions of leaves.
 *
 * Pure: no I/O, no clock, no randomness. Input order does not matter (leaves are sorted by hash).
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getBytes, hexlify, keccak256 } from "ethers";

/** ABI types of a reward leaf, in order: the account paid and its cumulative amount in wei. */
export const REWARD_LEAF_ENCODING: ["address", "uint256"] = ["address", "uint256"];

/** One account's cumulative reward through an epoch. */
export interface RewardLeaf {
  /** 20-byte hex address (any case). */
  account: string;
  /** Cumulative amount in wei over all epochs so far, 0 ≤ amount < 2^256. */
  cumulativeAmount: bigint;
}

/** What `RewardDistributor.claim(epoch, account, cumulativeAmount, proof)` needs for one account. */
export interface RewardClaim {
  account: string;
  cumulativeAmount: bigint;
  proof: string[];
}

/** A built reward tree, whichever builder made it. */
export interface RewardTree {
  /** The root to post with `postEpoch`, 0x-prefixed lowercase hex. */
  readonly root: string;
  /** Number of leaves. */
  readonly size: number;
  /** Whether `account` has a leaf (case-insensitive). */
  has(account: string): boolean;
  /** The leaf and proof of `account`; throws if the account has no leaf. */
  claimOf(account: string): RewardClaim;
}

const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;
const MAX_UINT256 = (1n << 256n) - 1n;

/**
 * Checks the leaves and returns each account's lowercase key in input order.
 * Throws an `Error` naming the offending field (`leaves[i].account` / `leaves[i].cumulativeAmount`).
 */
function validateLeaves(leaves: readonly RewardLeaf[]): string[] {
  if (!Array.isArray(leaves) || leaves.length === 0) {
    throw new Error("leaves: expected a non-empty array of { account, cumulativeAmount }");
  }
  const keys = new Array<string>(leaves.length);
  const seen = new Map<string, number>();
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i];
    if (typeof leaf?.account !== "string" || !ADDRESS_PATTERN.test(leaf.account)) {
      throw new Error(`leaves[${i}].account: expected a 0x-prefixed 20-byte hex address, got ${String(leaf?.account)}`);
    }
    const amount = leaf.cumulativeAmount;
    if (typeof amount !== "bigint" || amount < 0n || amount > MAX_UINT256) {
      throw new Error(`leaves[${i}].cumulativeAmount: expected a bigint in [0, 2^256), got ${String(amount)}`);
    }
    const key = leaf.account.toLowerCase();
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw new Error(`leaves[${i}].account: duplicate of leaves[${previous}].account (${leaf.account})`);
    }
    seen.set(key, i);
    keys[i] = key;
  }
  return keys;
}

function lookupError(account: string): Error {
  return new Error(`account: ${account} has no leaf in this reward tree`);
}

/** The leaf hash the contract computes for `(account, cumulativeAmount)`. */
export function rewardLeafHash(leaf: RewardLeaf): string {
  validateLeaves([leaf]);
  return leafHashHex(leaf.account.toLowerCase(), leaf.cumulativeAmount);
}

/** keccak256(keccak256(abi.encode(address, uint256))) over a lowercase 0x-address. */
function leafHashHex(accountLower: string, cumulativeAmount: bigint): string {
  const encoded =
    "0x000000000000000000000000" + accountLower.slice(2) + cumulativeAmount.toString(16).padStart(64, "0");
  return keccak256(keccak256(encoded));
}

/** Whether `proof` proves `(account, cumulativeAmount)` under `root`, as `MerkleProof.verify` would decide. */
export function verifyRewardClaim(root: string, claim: RewardClaim): boolean {
  return StandardMerkleTree.verify(root, REWARD_LEAF_ENCODING, [claim.account, claim.cumulativeAmount], claim.proof);
}

/** A reward tree backed by OpenZeppelin's `StandardMerkleTree` (the reference builder). */
export class StandardRewardTree implements RewardTree {
  /** Leaf values are `[account, cumulativeAmount as decimal string]`, so `standard.dump()` is JSON-serialisable. */
  readonly standard: StandardMerkleTree<[string, string]>;
  private readonly indexByAccount: Map<string, number>;

  constructor(leaves: readonly RewardLeaf[]) {
    const keys = validateLeaves(leaves);
    this.standard = StandardMerkleTree.of(
      leaves.map((leaf): [string, string] => [leaf.account, leaf.cumulativeAmount.toString()]),
      REWARD_LEAF_ENCODING,
    );
    this.indexByAccount = new Map(keys.map((key, i) => [key, i]));
  }

  get root(): string {
    return this.standard.root;
  }

  get size(): number {
    return this.standard.length;
  }

  has(account: string): boolean {
    return this.indexByAccount.has(account.toLowerCase());
  }

  claimOf(account: string): RewardClaim {
    const index = this.indexByAccount.get(account.toLowerCase());
    if (index === undefined) throw lookupError(account);
    const [leafAccount, amount] = this.standard.at(index)!;
    return { account: leafAccount, cumulativeAmount: BigInt(amount), proof: this.standard.getProof(index) };
  }
}

/** Builds a reward tree with OpenZeppelin's `StandardMerkleTree` (reference; fine up to ~10^5 leaves). */
export function buildRewardTree(leaves: readonly RewardLeaf[]): StandardRewardTree {
  return new StandardRewardTree(leaves);
}

/**
 * A reward tree with the `StandardMerkleTree` layout held in one `Uint8Array` of `(2n − 1) × 32` bytes.
 * Same root and proofs as `StandardRewardTree` for the same leaves.
 */
export class FastRewardTree implements RewardTree {
  readonly size: number;
  /** Node `i` of the heap-ordered tree is `nodes.subarray(32 i, 32 i + 32)`; node 0 is the root. */
  private readonly nodes: Uint8Array;
  /** Tree index of the leaf of input value `v`. */
  private readonly treeIndexOfValue: Uint32Array;
  private readonly leaves: readonly RewardLeaf[];
  private readonly keys: string[];
  private indexByAccount: Map<string, number> | undefined;

  constructor(leaves: readonly RewardLeaf[]) {
    const keys = validateLeaves(leaves);
    const n = leaves.length;
    this.size = n;
    this.leaves = leaves;
    this.keys = keys;

    // 1. Leaf hashes in input order.
    const leafHashes = new Uint8Array(n * 32);
    for (let v = 0; v < n; v++) {
      leafHashes.set(getBytes(leafHashHex(keys[v], leaves[v].cumulativeAmount)), v * 32);
    }

    // 2. Sort value indices by leaf hash, ascending as unsigned 256-bit numbers (what OpenZeppelin's `compare` does).
    const prefix = new Uint32Array(n);
    const view = new DataView(leafHashes.buffer, leafHashes.byteOffset, leafHashes.byteLength);
    for (let v = 0; v < n; v++) prefix[v] = view.getUint32(v * 32, false);
    const order = new Uint32Array(n);
    for (let v = 0; v < n; v++) order[v] = v;
    order.sort((a, b) => {
      if (prefix[a] !== prefix[b]) return prefix[a] < prefix[b] ? -1 : 1;
      return compareBytes(leafHashes, a * 32, leafHashes, b * 32);
    });

    // 3. Heap layout: the j-th smallest leaf goes to index (2n − 2 − j); parents are hashed from the bottom up.
    const total = 2 * n - 1;
    const nodes = new Uint8Array(total * 32);
    const treeIndexOfValue = new Uint32Array(n);
    for (let j = 0; j < n; j++) {
      const v = order[j];
      const t = total - 1 - j;
      nodes.set(leafHashes.subarray(v * 32, v * 32 + 32), t * 32);
      treeIndexOfValue[v] = t;
    }
    const pair = new Uint8Array(64);
    for (let i = total - 1 - n; i >= 0; i--) {
      const left = (2 * i + 1) * 32;
      const right = left + 32;
      if (compareBytes(nodes, left, nodes, right) <= 0) {
        pair.set(nodes.subarray(left, left + 32), 0);
        pair.set(nodes.subarray(right, right + 32), 32);
      } else {
        pair.set(nodes.subarray(right, right + 32), 0);
        pair.set(nodes.subarray(left, left + 32), 32);
      }
      nodes.set(getBytes(keccak256(pair)), i * 32);
    }
    this.nodes = nodes;
    this.treeIndexOfValue = treeIndexOfValue;
  }

  get root(): string {
    return hexlify(this.nodes.subarray(0, 32));
  }

  has(account: string): boolean {
    return this.lookup().has(account.toLowerCase());
  }

  claimOf(account: string): RewardClaim {
    const v = this.lookup().get(account.toLowerCase());
    if (v === undefined) throw lookupError(account);
    const proof: string[] = [];
    for (let t = this.treeIndexOfValue[v]; t > 0; t = (t - 1) >> 1) {
      const sibling = t % 2 === 1 ? t + 1 : t - 1;
      proof.push(hexlify(this.nodes.subarray(sibling * 32, sibling * 32 + 32)));
    }
    const leaf = this.leaves[v];
    return { account: leaf.account, cumulativeAmount: leaf.cumulativeAmount, proof };
  }

  /** The account index, built on first lookup (a million-entry Map costs time and memory the root does not need). */
  private lookup(): Map<string, number> {
    if (this.indexByAccount === undefined) {
      this.indexByAccount = new Map(this.keys.map((key, v) => [key, v]));
    }
    return this.indexByAccount;
  }
}

/** Compares two 32-byte words as unsigned big-endian numbers. */
function compareBytes(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): number {
  for (let k = 0; k < 32; k++) {
    const x = a[aOffset + k];
    const y = b[bOffset + k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Builds a reward tree for millions of leaves: same root and proofs as `buildRewardTree`, nodes in one byte array.
 * Cost is ~3 keccak256 per leaf (two for the leaf, one for its share of inner nodes) plus an n log n sort.
 */
export function buildRewardTreeFast(leaves: readonly RewardLeaf[]): FastRewardTree {
  return new FastRewardTree(leaves);
}
