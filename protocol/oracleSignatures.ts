/**
 * EIP-712 typed data of the RewardDistributor's k-of-n oracle: each member of the oracle set signs
 * `EpochRoot(uint256 epoch,bytes32 root,uint256 total)` under the distributor's domain
 * `{ name: "DePIN Lab Rewards", version: "1", chainId, verifyingContract: <distributor> }`, and `postEpoch` needs
 * `oracleThreshold` distinct members' signatures. One definition, used by the oracle tasks, the watcher and the tests
 * (pure: no I/O, no provider). The twin of `RewardDistributor.epochRootDigest`.
 */
import { TypedDataEncoder, getAddress, recoverAddress } from "ethers";
import type { Eip712Domain, TypedDataSigner, TypedField } from "./deviceSignatures";

/** EIP-712 domain name and version of the RewardDistributor (its constructor's `EIP712(...)`). */
export const REWARDS_DOMAIN_NAME = "DePIN Lab Rewards";
export const REWARDS_DOMAIN_VERSION = "1";

/** `EpochRoot(uint256 epoch,bytes32 root,uint256 total)`, signed by each oracle member. */
export const EPOCH_ROOT_TYPES: Record<"EpochRoot", TypedField[]> = {
  EpochRoot: [
    { name: "epoch", type: "uint256" },
    { name: "root", type: "bytes32" },
    { name: "total", type: "uint256" },
  ],
};

/** EIP-712 domain of one distributor deployment (binds the chain id and the distributor's address). */
export type RewardsDomain = Eip712Domain;

/** What oracle members sign: an epoch's root of cumulative rewards and the rewards the epoch adds. */
export interface EpochRootMessage {
  epoch: bigint;
  root: string;
  total: bigint;
}

/** The distributor's EIP-712 domain. */
export function rewardsDomain(chainId: bigint, distributor: string): RewardsDomain {
  return { name: REWARDS_DOMAIN_NAME, version: REWARDS_DOMAIN_VERSION, chainId, verifyingContract: distributor };
}

function checkMessage(message: EpochRootMessage): void {
  if (message.epoch < 0n || message.epoch >= 1n << 64n) {
    throw new RangeError(`epoch: expected 0 ≤ epoch < 2^64, got ${message.epoch}`);
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(message.root) || /^0x0{64}$/.test(message.root)) {
    throw new RangeError(`root: expected a non-zero 32-byte hex value, got ${message.root}`);
  }
  if (message.total < 0n || message.total >= 1n << 128n) {
    throw new RangeError(`total: expected 0 ≤ total < 2^128, got ${message.total}`);
  }
}

/** The digest a member signs, as `RewardDistributor.epochRootDigest(epoch, root, total)` returns it. */
export function epochRootDigest(domain: RewardsDomain, message: EpochRootMessage): string {
  checkMessage(message);
  return TypedDataEncoder.hash(domain, EPOCH_ROOT_TYPES, { ...message });
}

/** Signs `EpochRoot` with one oracle member's key. */
export async function signEpochRoot(
  member: TypedDataSigner,
  domain: RewardsDomain,
  message: EpochRootMessage,
): Promise<string> {
  checkMessage(message);
  return member.signTypedData(domain, EPOCH_ROOT_TYPES, { ...message });
}

/** The member a signature recovers to (checksummed); throws on a malformed signature. */
export function recoverEpochRootSigner(domain: RewardsDomain, message: EpochRootMessage, signature: string): string {
  return getAddress(recoverAddress(epochRootDigest(domain, message), signature));
}

/** One member's signature of one epoch root. */
export interface EpochRootSignature {
  signer: string;
  signature: string;
}

/**
 * Picks `threshold` signatures of distinct members of `members` over `message` (as `postEpoch` will check them),
 * in the set's order. Throws naming what is missing: a signature that is not a member's, a duplicate, or too few.
 */
export function selectSignatures(
  domain: RewardsDomain,
  message: EpochRootMessage,
  members: readonly string[],
  threshold: number,
  signatures: readonly string[],
): string[] {
  const position = new Map(members.map((m, i) => [getAddress(m), i]));
  const byMember = new Map<number, string>();
  for (const [i, signature] of signatures.entries()) {
    const signer = recoverEpochRootSigner(domain, message, signature);
    const at = position.get(signer);
    if (at === undefined) throw new Error(`signatures[${i}]: signed by ${signer}, who is not in the oracle set`);
    if (byMember.has(at)) throw new Error(`signatures[${i}]: a second signature of ${signer}`);
    byMember.set(at, signature);
  }
  if (byMember.size < threshold) {
    throw new Error(`signatures: ${byMember.size} distinct member(s) signed; the oracle threshold is ${threshold}`);
  }
  return [...byMember.entries()]
    .sort(([a], [b]) => a - b)
    .slice(0, threshold)
    .map(([, signature]) => signature);
}
