/**
 * The k-of-n oracle's signatures off chain: reading the oracle set from the distributor, signing an epoch root with
 * local keys, signature files exchanged by independent signers (`epoch:sign` writes one, `epoch:post` reads them),
 * and posting a root with `m` members' signatures. The typed data itself is `protocol/oracleSignatures.ts`.
 *
 * `postSignedEpoch` is the one posting path: the `epoch:post` task and any in-process caller (tests, EVM-in-the-loop
 * runs) post through it.
 */
import fs from "node:fs";
import path from "node:path";
import { getAddress, type Signer } from "ethers";
import type { TypedDataSigner } from "../../protocol/deviceSignatures";
import {
  type EpochRootMessage,
  type RewardsDomain,
  recoverEpochRootSigner,
  rewardsDomain,
  selectSignatures,
  signEpochRoot,
} from "../../protocol/oracleSignatures";
import { toJson, writeFileAtomic } from "../../lib/atomicFile";
import type { RewardDistributor } from "../../typechain-types";

/**
 * The folder of an epoch's signature files, `<outDir>/signatures/<epoch>` (beside the epoch's own folder, which
 * `epoch:post` replaces as a whole).
 */
export function signaturesDirOf(outDir: string, epoch: number): string {
  return path.join(outDir, "signatures", String(epoch));
}

/** The oracle set in force on a distributor, and its EIP-712 domain. */
export interface OracleSet {
  domain: RewardsDomain;
  members: string[];
  threshold: number;
}

export async function readOracleSet(distributor: RewardDistributor): Promise<OracleSet> {
  const provider = distributor.runner?.provider;
  if (!provider) throw new SignatureError("distributor: connected to no provider");
  const network = await provider.getNetwork();
  const [members, threshold] = await Promise.all([distributor.oracleMembers(), distributor.oracleThreshold()]);
  return {
    domain: rewardsDomain(network.chainId, await distributor.getAddress()),
    members: members.map((m) => getAddress(m)),
    threshold: Number(threshold),
  };
}

/** One signer's signature of one epoch root, as written to `<outDir>/signatures/<epoch>/<signer>.json`. */
export interface SignatureFile {
  epoch: number;
  root: string;
  total: string;
  chainId: string;
  distributor: string;
  signer: string;
  signature: string;
}

/** Thrown for an unusable signature file or too few signatures; the message names the file or what is missing. */
export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignatureError";
  }
}

/** A key that can sign an epoch root: an ethers `Wallet` or a provider's signer. */
export type OracleKey = TypedDataSigner & { getAddress(): Promise<string> };

/** Signs `message` with each of `signers` that is a member of the set (others are skipped). */
export async function signWithMembers(
  set: OracleSet,
  message: EpochRootMessage,
  signers: readonly OracleKey[],
): Promise<string[]> {
  const members = new Set(set.members);
  const signatures: string[] = [];
  for (const signer of signers) {
    if (members.has(getAddress(await signer.getAddress())))
      signatures.push(await signEpochRoot(signer, set.domain, message));
  }
  return signatures;
}

/** Writes one signer's signature file atomically; returns its path. */
export function writeSignatureFile(dir: string, set: OracleSet, message: EpochRootMessage, signature: string): string {
  const signer = recoverEpochRootSigner(set.domain, message, signature);
  const file = path.join(dir, `${signer}.json`);
  const record: SignatureFile = {
    epoch: Number(message.epoch),
    root: message.root,
    total: message.total.toString(),
    chainId: set.domain.chainId.toString(),
    distributor: set.domain.verifyingContract,
    signer,
    signature,
  };
  writeFileAtomic(file, toJson(record));
  return file;
}

/**
 * The signatures in `dir` (`*.json`) that sign exactly `message` on this chain and distributor. A file that signs
 * something else (another root or total: its signer computed a different epoch) is reported through `onMismatch`
 * and not used; a malformed file is an error.
 */
export function readSignatureFiles(
  dir: string,
  set: OracleSet,
  message: EpochRootMessage,
  onMismatch: (file: string, record: SignatureFile) => void = () => {},
): string[] {
  if (!fs.existsSync(dir)) return [];
  const signatures: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith(".json")) continue;
    const file = path.join(dir, name);
    let record: SignatureFile;
    try {
      record = JSON.parse(fs.readFileSync(file, "utf8")) as SignatureFile;
    } catch (err) {
      throw new SignatureError(`${file}: not valid JSON: ${(err as Error).message}`);
    }
    if (typeof record.signature !== "string" || typeof record.root !== "string" || typeof record.total !== "string") {
      throw new SignatureError(`${file}: expected { epoch, root, total, chainId, distributor, signer, signature }`);
    }
    const same =
      BigInt(record.epoch) === message.epoch &&
      record.root.toLowerCase() === message.root.toLowerCase() &&
      BigInt(record.total) === message.total &&
      BigInt(record.chainId) === set.domain.chainId &&
      getAddress(record.distributor) === getAddress(set.domain.verifyingContract);
    if (!same) {
      onMismatch(file, record);
      continue;
    }
    let signer: string;
    try {
      signer = recoverEpochRootSigner(set.domain, message, record.signature);
    } catch (err) {
      throw new SignatureError(`${file}: malformed signature: ${(err as Error).message}`);
    }
    if (signer !== getAddress(record.signer)) {
      throw new SignatureError(
        `${file}: the signature recovers to ${signer}, not to the file's signer ${record.signer}`,
      );
    }
    signatures.push(record.signature);
  }
  return signatures;
}

/** `threshold` signatures of distinct members, in set order; a `SignatureError` says how many are missing. */
export function pickSignatures(set: OracleSet, message: EpochRootMessage, signatures: readonly string[]): string[] {
  try {
    return selectSignatures(set.domain, message, set.members, set.threshold, signatures);
  } catch (err) {
    throw new SignatureError(`epoch ${message.epoch}: ${(err as Error).message}`);
  }
}

/** What `postSignedEpoch` sent. */
export interface PostedEpoch {
  txHash: string;
  blockNumber: number;
  gasUsed: bigint;
  signers: string[];
}

/**
 * Posts `(epoch, root, total)` with `signatures` (at least the threshold of distinct members; extra ones are dropped)
 * from `sender`. The library form of `epoch:post`'s last step.
 */
export async function postSignedEpoch(
  distributor: RewardDistributor,
  sender: Signer,
  message: EpochRootMessage,
  signatures: readonly string[],
  set?: OracleSet,
): Promise<PostedEpoch> {
  const oracleSet = set ?? (await readOracleSet(distributor));
  const chosen = pickSignatures(oracleSet, message, signatures);
  const tx = await distributor.connect(sender).postEpoch(message.epoch, message.root, message.total, chosen);
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new SignatureError(`postEpoch transaction ${tx.hash} failed`);
  return {
    txHash: tx.hash,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
    signers: chosen.map((s) => recoverEpochRootSigner(oracleSet.domain, message, s)),
  };
}
