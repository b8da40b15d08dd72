/**
 * The epoch oracle end to end: read the reports, check the chain is ready, read the snapshot, compute
 * (`compute.ts`), write the epoch's files (`outputs.ts`) and post the root; or recompute and compare (verify).
 * Every check that can refuse runs before anything is written or sent.
 */
import fs from "node:fs";
import path from "node:path";
import { ZeroHash, type Provider, type Signer } from "ethers";
import { buildRewardTreeFast, type RewardLeaf } from "../../protocol/merkle";
import { readWorkReports, type WorkReport } from "./reports";
import { computeEpochRewards, EMPTY_EPOCH_LEAF, jsonDigest, OracleInputError, type EpochRewards } from "./compute";
import { findSnapshotBlock, readCarriedDust, readDeviceSnapshots, type BlockRef, type OracleSystem } from "./chain";
import {
  epochDir,
  epochSummary,
  readEpochSummary,
  readRewardsCsv,
  renderEpochFiles,
  REWARDS_FILE,
  writeEpochFiles,
  type EpochSummary,
} from "./outputs";
import { toJson, writeFileAtomic } from "../../lib/atomicFile";
import { LOCAL_NETWORKS, waitText } from "../lib/chainTime";
import {
  type OracleKey,
  SignatureError,
  pickSignatures,
  postSignedEpoch,
  readOracleSet,
  readSignatureFiles,
  signWithMembers,
  signaturesDirOf,
  writeSignatureFile,
} from "./signatures";
import type { OracleParams } from "./params";

/** A refusal with a message meant for the operator (no stack trace needed). */
export class OracleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OracleError";
  }
}

export interface OracleRunOptions {
  system: OracleSystem;
  provider: Provider;
  /** Network name, recorded in `epoch.json`. */
  network: string;
  epoch: number;
  reportsFile: string;
  /** Folder of the epochs' files (`<outDir>/<epoch>/…`). */
  outDir: string;
  /** The oracle's parameters (`readOracleParams(--params file)`); recorded in the epoch's files. */
  params: OracleParams;
  log?: (line: string) => void;
}

export interface PreparedEpoch {
  rewards: EpochRewards;
  summary: EpochSummary;
  files: Record<string, string>;
  block: BlockRef;
}

/** Where report `i` sits in its file, matching `readWorkReports`'s error locations. */
function locator(file: string): (i: number) => string {
  return path.extname(file).toLowerCase() === ".csv" ? (i) => `${file}: line ${i + 2}` : (i) => `${file}: [${i}]`;
}

function checkEpochArgument(epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 0)
    throw new OracleError(`--epoch: expected a non-negative integer, got ${epoch}`);
}

/** Previous cumulative amounts from `<outDir>/<epoch−1>/rewards.csv`, checked against the root posted for epoch − 1. */
async function readPreviousCumulative(options: OracleRunOptions): Promise<{ leaves: RewardLeaf[]; root: string }> {
  const { epoch, outDir, system } = options;
  if (epoch === 0) return { leaves: [], root: ZeroHash };
  const previousPost = await system.distributor.epochPost(epoch - 1);
  const onChainRoot = await system.distributor.epochRoot(epoch - 1);
  if (previousPost.postedAt === 0n || previousPost.revoked) {
    throw new OracleError(
      `epoch ${epoch - 1} is not posted${previousPost.revoked ? " (its post was revoked)" : ""}: post or verify epochs in order`,
    );
  }
  const file = path.join(epochDir(outDir, epoch - 1), REWARDS_FILE);
  if (!fs.existsSync(file)) {
    throw new OracleError(
      `${file}: not found; the previous epoch's cumulative amounts are needed (run epoch:post or epoch:verify --write for epoch ${epoch - 1} with the same --out-dir)`,
    );
  }
  const leaves = readRewardsCsv(file);
  const root = buildRewardTreeFast(leaves.length ? leaves : [EMPTY_EPOCH_LEAF]).root;
  if (root !== onChainRoot) {
    throw new OracleError(
      `${file}: its merkle root ${root} is not the root posted for epoch ${epoch - 1} (${onChainRoot}); refusing to build on it`,
    );
  }
  return { leaves, root };
}

/** Reads reports and chain state and computes the epoch; writes nothing. */
export async function prepareEpoch(options: OracleRunOptions, reports: readonly WorkReport[]): Promise<PreparedEpoch> {
  const { system, provider, epoch, outDir } = options;
  const { controller, distributor } = system;

  const minted = await controller.mintedEpochs();
  if (minted <= BigInt(epoch)) {
    throw new OracleError(
      `epoch ${epoch} is not minted yet (${minted} epoch(s) minted): its device pool is unknown; run epoch:mint --epoch ${minted} first`,
    );
  }
  const epochEnd = await controller.epochStart(epoch + 1);
  const latest = await provider.getBlock("latest");
  if (!latest || BigInt(latest.timestamp) < epochEnd) {
    throw new OracleError(
      waitText(
        `epoch ${epoch} is still running: it ends`,
        epochEnd,
        BigInt(latest?.timestamp ?? 0),
        LOCAL_NETWORKS.has(options.network) ? options.network : undefined,
      ),
    );
  }

  const previous = await readPreviousCumulative(options);
  const carriedDust = await readCarriedDust(distributor, epoch);
  const previousSummary = epoch > 0 ? readEpochSummary(outDir, epoch - 1) : undefined;
  if (previousSummary && BigInt(previousSummary.dust) !== carriedDust) {
    throw new OracleError(
      `epoch ${epoch - 1}'s epoch.json says dust ${previousSummary.dust}, but the chain leaves ${carriedDust} unpaid before epoch ${epoch}`,
    );
  }
  const funding = await distributor.fundingOf(epoch);

  const block = await findSnapshotBlock(provider, epochEnd);
  const snapshot = await readDeviceSnapshots(
    system,
    reports.map((r) => r.deviceId),
    block.number,
  );
  const rewards = computeEpochRewards({
    epoch,
    reports,
    locate: locator(options.reportsFile),
    devices: snapshot.devices,
    classWeightsBps: snapshot.classWeightsBps,
    funding,
    carriedDust,
    previous: previous.leaves,
    params: options.params,
  });

  const network = await provider.getNetwork();
  const context = {
    network: options.network,
    chainId: network.chainId,
    distributor: await distributor.getAddress(),
    block,
    previousRoot: previous.root,
  };
  const inputsDigest = jsonDigest({
    epoch,
    chainId: context.chainId,
    distributor: context.distributor,
    blockHash: block.hash,
    reportsDigest: rewards.reportsDigest,
    paramsDigest: rewards.paramsDigest,
    previousRoot: previous.root,
    funding,
    carriedDust,
  });
  const summary = epochSummary(rewards, context, inputsDigest);
  return { rewards, summary, files: renderEpochFiles(rewards, summary, options.params), block };
}

function readReports(file: string): WorkReport[] {
  return readWorkReports(file); // throws ReportsFileError naming line and field
}

export type PostOutcome =
  | { status: "already-posted"; root: string; total: bigint }
  | { status: "dry-run"; prepared: PreparedEpoch; dir: string }
  | { status: "posted"; prepared: PreparedEpoch; dir: string; txHash: string; signers: string[] };

/** How `epoch:post` gets the oracle members' signatures and who sends the transaction. */
export interface PostSigning {
  /** Sends `postEpoch` (any account: the signatures authorise the post). */
  sender?: Signer;
  /** Local member keys that sign the computed root now (dev accounts, key files, env keys); non-members are skipped. */
  oracleSigners?: OracleKey[];
  /** Folder of signature files from independent signers (`epoch:sign`); default `<outDir>/signatures/<epoch>`. */
  signaturesDir?: string;
}

/**
 * `epoch:post`: computes the epoch, writes its files atomically, collects `m` oracle members' signatures of the
 * computed root (local keys and signature files) and posts it (unless `dryRun`). An epoch already posted is reported
 * and nothing changes; too few signatures refuse before anything is sent.
 */
export async function postEpochRewards(
  options: OracleRunOptions & PostSigning & { dryRun: boolean },
): Promise<PostOutcome> {
  const { system, epoch, outDir } = options;
  const log = options.log ?? (() => {});
  checkEpochArgument(epoch);
  const reports = readReports(options.reportsFile);
  const { distributor } = system;

  const post = await distributor.epochPost(epoch);
  const next = await distributor.nextEpochToPost();
  if (post.postedAt !== 0n && !post.revoked && BigInt(epoch) < next) {
    const root = await distributor.epochRoot(epoch);
    log(`epoch ${epoch} is already posted (root ${root}, total ${post.total}); nothing changed`);
    return { status: "already-posted", root, total: post.total };
  }
  if (BigInt(epoch) > next)
    throw new OracleError(`epoch ${epoch} cannot be posted before epoch ${next} (epochs are posted in order)`);
  if (!options.dryRun && !options.sender) throw new OracleError("no account to send postEpoch from");

  const prepared = await prepareEpoch(options, reports);
  const { rewards } = prepared;
  const logComputed = (dir: string) => {
    log(
      `epoch ${epoch}: snapshot block ${prepared.block.number}; pool ${rewards.pool} (funding ${rewards.funding} + carried dust ${rewards.carriedDust}); total ${rewards.total}; dust ${rewards.dust}`,
    );
    log(`epoch ${epoch}: ${rewards.accounts.length} account(s), root ${rewards.root}; files in ${dir}`);
  };
  if (options.dryRun) {
    const dir = writeEpochFiles(outDir, epoch, prepared.files);
    logComputed(dir);
    log(`dry run: root not posted`);
    return { status: "dry-run", prepared, dir };
  }

  // Signatures first: too few of them refuse before any file is written or transaction sent.
  const set = await readOracleSet(distributor);
  const message = { epoch: BigInt(epoch), root: rewards.root, total: rewards.total };
  const signaturesDir = options.signaturesDir ?? signaturesDirOf(outDir, epoch);
  const fromFiles = readSignatureFiles(signaturesDir, set, message, (file, record) =>
    log(`warning: ${file} signs root ${record.root} total ${record.total}, not this computation; not used`),
  );
  const fresh = await signWithMembers(set, message, options.oracleSigners ?? []);
  const signatures = [...fresh, ...fromFiles];
  try {
    pickSignatures(set, message, signatures);
  } catch (err) {
    if (!(err instanceof SignatureError)) throw err;
    throw new OracleError(
      `${err.message} (${fresh.length} from local keys, ${fromFiles.length} from ${signaturesDir}); each member runs ` +
        `epoch:sign --epoch ${epoch} and shares its file, or pass --oracle-keys`,
    );
  }
  const dir = writeEpochFiles(outDir, epoch, prepared.files);
  logComputed(dir);
  const posted = await postSignedEpoch(distributor, options.sender!, message, signatures, set);
  writeFileAtomic(
    path.join(dir, "post.json"),
    toJson({
      epoch,
      root: rewards.root,
      total: rewards.total,
      txHash: posted.txHash,
      blockNumber: posted.blockNumber,
      sender: await options.sender!.getAddress(),
      signers: posted.signers,
    }),
  );
  log(
    `posted epoch ${epoch}: tx ${posted.txHash} in block ${posted.blockNumber}, signed by ${posted.signers.length} of ${set.members.length} oracle members (${posted.signers.join(", ")})`,
  );
  return { status: "posted", prepared, dir, txHash: posted.txHash, signers: posted.signers };
}

/**
 * `epoch:sign`: recomputes the epoch from the public inputs (as `epoch:verify` does) and signs the computed root and
 * total with one oracle member's key, writing `<outDir>/signatures/<epoch>/<member>.json`. A member only ever signs
 * what it computed itself; `expectRoot` refuses if the proposer's root differs.
 */
export async function signEpochRewards(
  options: OracleRunOptions & {
    signer: OracleKey;
    expectRoot?: string;
    signaturesDir?: string;
  },
): Promise<{ file: string; root: string; total: bigint; signer: string }> {
  const { system, epoch, outDir } = options;
  checkEpochArgument(epoch);
  const reports = readReports(options.reportsFile);
  const post = await system.distributor.epochPost(epoch);
  if (post.postedAt !== 0n && !post.revoked && BigInt(epoch) < (await system.distributor.nextEpochToPost())) {
    throw new OracleError(`epoch ${epoch} is already posted; nothing to sign (use epoch:verify to check it)`);
  }
  const set = await readOracleSet(system.distributor);
  const signer = await options.signer.getAddress();
  if (!set.members.includes(signer)) {
    throw new OracleError(`${signer} is not in the oracle set (${set.members.join(", ")})`);
  }
  const prepared = await prepareEpoch(options, reports);
  const { root, total } = prepared.rewards;
  if (options.expectRoot !== undefined && options.expectRoot.toLowerCase() !== root.toLowerCase()) {
    throw new OracleError(
      `epoch ${epoch}: recomputed root ${root} (total ${total}) differs from the expected root ${options.expectRoot}; not signing`,
    );
  }
  const message = { epoch: BigInt(epoch), root, total };
  const [signature] = await signWithMembers(set, message, [options.signer]);
  const dir = options.signaturesDir ?? signaturesDirOf(outDir, epoch);
  const file = writeSignatureFile(dir, set, message, signature);
  return { file, root, total, signer };
}

export interface VerifyOutcome {
  pass: boolean;
  epoch: number;
  computedRoot: string;
  postedRoot: string;
  computedTotal: bigint;
  postedTotal: bigint;
  block: number;
  dir?: string;
}

/**
 * `epoch:verify`: recomputes the epoch from public inputs (the same snapshot rule, the previous epoch's cumulative
 * amounts checked against its posted root) and compares root and total with the posted ones. With `write`, a
 * passing epoch's files are written (so the next epoch can be verified from them).
 */
export async function verifyEpochRewards(options: OracleRunOptions & { write: boolean }): Promise<VerifyOutcome> {
  const { system, epoch } = options;
  checkEpochArgument(epoch);
  const reports = readReports(options.reportsFile);
  const post = await system.distributor.epochPost(epoch);
  if (post.postedAt === 0n || post.revoked) {
    throw new OracleError(
      `epoch ${epoch} is not posted${post.revoked ? " (its post was revoked)" : ""}; nothing to verify`,
    );
  }
  const postedRoot = await system.distributor.epochRoot(epoch);
  const prepared = await prepareEpoch(options, reports);
  const pass = prepared.rewards.root === postedRoot && prepared.rewards.total === post.total;
  let dir: string | undefined;
  if (pass && options.write) dir = writeEpochFiles(options.outDir, epoch, prepared.files);
  return {
    pass,
    epoch,
    computedRoot: prepared.rewards.root,
    postedRoot,
    computedTotal: prepared.rewards.total,
    postedTotal: post.total,
    block: prepared.block.number,
    dir,
  };
}

export { OracleInputError };
