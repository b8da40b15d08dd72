/**
 * The oracle's files for one epoch, in `<outDir>/<epoch>/`:
 * - `rewards.csv`  account,cumulativeAmount,epochReward (wei; sorted by lowercase account): the input of epoch + 1;
 * - `devices.csv`  per reported device: owner, class, cell (uint64 and H3), work, bond, age, eligibility and reason,
 *                  density, score, reward;
 * - `proofs.json`  { epoch, root, total, claims: { <account>: { cumulativeAmount, proof } } } for `claim`;
 * - `epoch.json`   the epoch's public inputs (block, digests, previous root), pool, dust, root and total;
 * - `params.json`  the oracle parameters used (resolved; a valid `--params` file, its digest in `epoch.json`).
 * All files of an epoch are written into a staging folder and swapped in with renames, so a reader sees either the
 * old set, or the new set, never a mix or a half-written file.
 */
import fs from "node:fs";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { getAddress } from "ethers";
import { toJson } from "../../lib/atomicFile";
import type { RewardLeaf } from "../../protocol/merkle";
import type { EpochRewards } from "./compute";
import { oracleParamsJson, type OracleParams } from "./params";

export const REWARDS_FILE = "rewards.csv";
export const DEVICES_FILE = "devices.csv";
export const PROOFS_FILE = "proofs.json";
export const EPOCH_FILE = "epoch.json";
export const PARAMS_FILE = "params.json";

/** Where the epoch's snapshot was read and what it built on: recorded in `epoch.json`. */
export interface EpochContext {
  network: string;
  chainId: bigint;
  distributor: string;
  block: { number: number; hash: string; timestamp: number };
  /** Root posted for epoch − 1 (zero hash for epoch 0). */
  previousRoot: string;
}

/** `epoch.json`. */
export interface EpochSummary {
  epoch: number;
  network: string;
  chainId: string;
  distributor: string;
  block: { number: number; hash: string; timestamp: number };
  inputs: { reportsDigest: string; paramsDigest: string; previousRoot: string; inputsDigest: string };
  funding: string;
  carriedDust: string;
  pool: string;
  total: string;
  dust: string;
  root: string;
  accounts: number;
  devices: { reported: number; eligible: number; rewarded: number; unlocated: number };
}

/** `proofs.json`. */
export interface ProofsFile {
  epoch: number;
  root: string;
  total: string;
  claims: Record<string, { cumulativeAmount: string; proof: string[] }>;
}

export function epochDir(outDir: string, epoch: number): string {
  return path.join(outDir, String(epoch));
}

/** The summary recorded in `epoch.json`; `inputsDigest` covers everything a verifier must reproduce. */
export function epochSummary(rewards: EpochRewards, context: EpochContext, inputsDigest: string): EpochSummary {
  return {
    epoch: rewards.epoch,
    network: context.network,
    chainId: context.chainId.toString(),
    distributor: context.distributor,
    block: context.block,
    inputs: {
      reportsDigest: rewards.reportsDigest,
      paramsDigest: rewards.paramsDigest,
      previousRoot: context.previousRoot,
      inputsDigest,
    },
    funding: rewards.funding.toString(),
    carriedDust: rewards.carriedDust.toString(),
    pool: rewards.pool.toString(),
    total: rewards.total.toString(),
    dust: rewards.dust.toString(),
    root: rewards.root,
    accounts: rewards.accounts.length,
    devices: {
      reported: rewards.devices.length,
      eligible: rewards.devices.filter((d) => d.eligible).length,
      rewarded: rewards.devices.filter((d) => d.reward > 0n).length,
      unlocated: rewards.devices.filter((d) => d.reason === "cell-invalid" || d.reason === "cell-too-coarse").length,
    },
  };
}

/** The contents of every file of the epoch, by file name. */
export function renderEpochFiles(
  rewards: EpochRewards,
  summary: EpochSummary,
  params: OracleParams,
): Record<string, string> {
  const rewardsCsv = stringify(
    rewards.accounts.map((a) => [a.account, a.cumulativeAmount.toString(), a.epochReward.toString()]),
    { header: true, columns: ["account", "cumulativeAmount", "epochReward"] },
  );
  const devicesCsv = stringify(
    rewards.devices.map((d) => [
      "0x" + d.deviceId.toString(16).padStart(40, "0"),
      d.owner,
      d.deviceClass,
      d.cell.toString(),
      d.h3Cell,
      d.workWad.toString(),
      d.bond.toString(),
      d.ageEpochs,
      d.eligible ? "true" : "false",
      d.reason,
      d.densityWad.toString(),
      d.score.toString(),
      d.reward.toString(),
    ]),
    {
      header: true,
      columns: [
        "deviceId",
        "owner",
        "deviceClass",
        "cell",
        "h3Cell",
        "workWad",
        "bond",
        "ageEpochs",
        "eligible",
        "reason",
        "densityWad",
        "score",
        "reward",
      ],
    },
  );
  const claims: ProofsFile["claims"] = {};
  for (const a of rewards.accounts) {
    const claim = rewards.tree.claimOf(a.account);
    claims[a.account] = { cumulativeAmount: a.cumulativeAmount.toString(), proof: claim.proof };
  }
  const proofs: ProofsFile = { epoch: rewards.epoch, root: rewards.root, total: rewards.total.toString(), claims };
  return {
    [REWARDS_FILE]: rewardsCsv,
    [DEVICES_FILE]: devicesCsv,
    [PROOFS_FILE]: toJson(proofs),
    [EPOCH_FILE]: toJson(summary),
    [PARAMS_FILE]: oracleParamsJson(params),
  };
}

/**
 * Writes all files of an epoch at once: into `<outDir>/.<epoch>.<pid>.staging/`, then the old folder (if any) is
 * renamed away, the staging folder renamed to `<outDir>/<epoch>`, and the old one removed. On error nothing of the
 * new set is left behind.
 */
export function writeEpochFiles(outDir: string, epoch: number, files: Record<string, string>): string {
  fs.mkdirSync(outDir, { recursive: true });
  const target = epochDir(outDir, epoch);
  const staging = path.join(outDir, `.${epoch}.${process.pid}.staging`);
  const old = path.join(outDir, `.${epoch}.${process.pid}.old`);
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    fs.mkdirSync(staging);
    for (const [name, contents] of Object.entries(files)) fs.writeFileSync(path.join(staging, name), contents);
    const hadOld = fs.existsSync(target);
    if (hadOld) fs.renameSync(target, old);
    try {
      fs.renameSync(staging, target);
    } catch (err) {
      if (hadOld) fs.renameSync(old, target);
      throw err;
    }
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

/** A previous epoch's files that cannot be used. */
export class EpochFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EpochFilesError";
  }
}

/** Reads `rewards.csv` into reward leaves, validating each row (errors name the file, line and field). */
export function readRewardsCsv(file: string): RewardLeaf[] {
  if (!fs.existsSync(file)) throw new EpochFilesError(`${file}: not found`);
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(fs.readFileSync(file, "utf8"), { columns: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    throw new EpochFilesError(`${file}: not valid CSV: ${(err as Error).message}`);
  }
  const seen = new Set<string>();
  return rows.map((row, i) => {
    const line = `${file}: line ${i + 2}`;
    if (!/^0x[0-9a-fA-F]{40}$/.test(row.account ?? ""))
      throw new EpochFilesError(`${line}: account: expected an address, got "${row.account}"`);
    if (!/^\d{1,78}$/.test(row.cumulativeAmount ?? "")) {
      throw new EpochFilesError(
        `${line}: cumulativeAmount: expected a decimal integer of wei, got "${row.cumulativeAmount}"`,
      );
    }
    const key = row.account.toLowerCase();
    if (seen.has(key)) throw new EpochFilesError(`${line}: account: ${row.account} appears twice`);
    seen.add(key);
    return { account: getAddress(row.account), cumulativeAmount: BigInt(row.cumulativeAmount) };
  });
}

/** Reads and parses `epoch.json` of an epoch, or undefined if absent. */
export function readEpochSummary(outDir: string, epoch: number): EpochSummary | undefined {
  const file = path.join(epochDir(outDir, epoch), EPOCH_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as EpochSummary;
  } catch (err) {
    throw new EpochFilesError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
}

/** Reads `proofs.json` (validated enough for `claim`). */
export function readProofsFile(file: string): ProofsFile {
  if (!fs.existsSync(file)) throw new EpochFilesError(`${file}: not found`);
  let parsed: ProofsFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as ProofsFile;
  } catch (err) {
    throw new EpochFilesError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (
    !Number.isSafeInteger(parsed?.epoch) ||
    typeof parsed.root !== "string" ||
    typeof parsed.claims !== "object" ||
    parsed.claims === null
  ) {
    throw new EpochFilesError(`${file}: expected { epoch, root, total, claims } as written by epoch:post`);
  }
  return parsed;
}
