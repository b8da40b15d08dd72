/**
 * Argument checks and error reporting shared by the operate and oracle tasks. Every task validates all of its
 * arguments with these before it sends anything; a refusal is a `TaskRefusal` (lib/refusal.ts), which Hardhat prints as one
 * clear line and turns into a non-zero exit code (or a rejected `hre.run` promise).
 * No compiled artifacts are imported here (task files load this at module top level).
 */
import { HardhatPluginError } from "hardhat/plugins";
import { HardhatError } from "hardhat/internal/core/errors";
import { getAddress, isAddress, parseUnits, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { TaskRefusal } from "./refusal";
import { LOCAL_NETWORKS } from "./chainTime";

/** A refusal of a task: one line, no stack trace (unless `--verbose`). */
export function refuse(task: string, message: string): never {
  throw new TaskRefusal(`${task}: ${message}`);
}

/** Error types whose message is written for the operator: shown as a refusal without a stack. */
const OPERATOR_ERRORS = new Set([
  "OracleError",
  "OracleInputError",
  "ReportsFileError",
  "EpochFilesError",
  "ManifestError",
  "ArgumentError",
  "SignatureError",
]);

/** Runs a task action; operator-facing errors become refusals (one message, non-zero exit). */
export async function runTask<T>(task: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (err instanceof HardhatPluginError) throw err;
    const e = err as Error;
    if (e && OPERATOR_ERRORS.has(e.name)) refuse(task, e.message);
    // A revert decoded by ethers: name the custom error and its arguments.
    const revert = (err as { revert?: { name: string; args: unknown[] } }).revert;
    if (revert) refuse(task, `transaction reverted with ${revert.name}(${revert.args.map(String).join(", ")})`);
    // Hardhat's own errors (HHnnn: an unreachable node, a bad network config) are written for the operator too.
    if (HardhatError.isHardhatError(err)) {
      const hint = err.number === 108 ? " (for --network localhost, start a node first: `npx hardhat node`)" : "";
      refuse(task, `${err.message.replace(/\s*\n\s*/g, " ")}${hint}`);
    }
    throw err;
  }
}

/** A bad argument; `field` is the task's option name. */
export class ArgumentError extends Error {
  constructor(field: string, message: string) {
    super(`--${field}: ${message}`);
    this.name = "ArgumentError";
  }
}

const UINT64_MAX = (1n << 64n) - 1n;

export function parseEpoch(value: unknown, field = "epoch"): number {
  const text = String(value ?? "").trim();
  if (!/^\d{1,15}$/.test(text)) throw new ArgumentError(field, `expected a non-negative integer epoch, got "${value}"`);
  return Number(text);
}

/** A uint8 device class. */
export function parseDeviceClass(value: unknown, field = "class"): number {
  const text = String(value ?? "").trim();
  if (!/^\d{1,3}$/.test(text) || Number(text) > 255)
    throw new ArgumentError(field, `expected a device class 0..255, got "${value}"`);
  return Number(text);
}

/** A uint64 cell, decimal or 0x-hex. */
export function parseCell(value: unknown, field = "cell"): bigint {
  const text = String(value ?? "").trim();
  if (!/^(\d{1,20}|0x[0-9a-fA-F]{1,16})$/.test(text) || BigInt(text) > UINT64_MAX) {
    throw new ArgumentError(field, `expected a uint64 cell (decimal or 0x-hex), got "${value}"`);
  }
  return BigInt(text);
}

/** A device id: the device key address (0x + 40 hex) or its decimal uint160 value. */
export function parseDeviceId(value: unknown, field = "device"): bigint {
  const text = String(value ?? "").trim();
  if (/^0x[0-9a-fA-F]{40}$/.test(text) || /^\d{1,49}$/.test(text)) {
    const id = BigInt(text);
    if (id > 0n && id < 1n << 160n) return id;
  }
  throw new ArgumentError(field, `expected a device id (the device key address, or its decimal value), got "${value}"`);
}

/** A token amount in whole tokens with up to 18 decimals ("100", "0.5"), as wei; must be positive. */
export function parseTokenAmount(value: unknown, field = "amount"): bigint {
  const text = String(value ?? "").trim();
  if (!/^\d{1,30}(\.\d{1,18})?$/.test(text)) {
    throw new ArgumentError(
      field,
      `expected an amount of tokens like 100 or 0.5 (at most 18 decimals), got "${value}"`,
    );
  }
  const wei = parseUnits(text, 18);
  if (wei === 0n) throw new ArgumentError(field, "expected an amount above zero");
  return wei;
}

export function parseAddress(value: unknown, field: string): string {
  const text = String(value ?? "").trim();
  if (!isAddress(text)) throw new ArgumentError(field, `expected an address (0x + 40 hex), got "${value}"`);
  return getAddress(text);
}

/**
 * A signer of the configured accounts: by address, by index ("0", "1", …), or, when `value` is absent, the first
 * account that satisfies `preferred` (or account 0).
 */
export async function resolveSigner(
  hre: HardhatRuntimeEnvironment,
  value: unknown,
  field: string,
  preferred?: (address: string) => Promise<boolean>,
): Promise<Signer> {
  const signers = await hre.ethers.getSigners();
  if (signers.length === 0)
    throw new ArgumentError(field, `network ${hre.network.name} has no configured accounts to sign with`);
  if (value === undefined || value === null || value === "") {
    if (preferred) {
      for (const s of signers) if (await preferred(s.address)) return s;
      throw new ArgumentError(field, `none of the ${signers.length} configured account(s) qualifies; pass --${field}`);
    }
    return signers[0];
  }
  const text = String(value).trim();
  if (/^\d{1,4}$/.test(text)) {
    const i = Number(text);
    if (i >= signers.length)
      throw new ArgumentError(field, `account index ${i} is out of range (0..${signers.length - 1})`);
    return signers[i];
  }
  const address = parseAddress(text, field);
  const match = signers.find((s) => s.address.toLowerCase() === address.toLowerCase());
  if (!match) throw new ArgumentError(field, `${address} is not one of the network's configured accounts`);
  return match;
}

/** Networks with Hardhat's well-known development accounts. */
export function isLocalNetwork(hre: HardhatRuntimeEnvironment): boolean {
  return LOCAL_NETWORKS.has(hre.network.name);
}

/**
 * Compiles before a task reads artifacts (a no-op when nothing changed), so a task never deploys or attaches to stale
 * bytecode. Not under solidity-coverage: a second compile there re-instruments the contracts mid-run and loses the hits
 * recorded so far.
 */
export async function ensureCompiled(hre: HardhatRuntimeEnvironment): Promise<void> {
  if ((hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING) return;
  await hre.run("compile", { quiet: true });
}
