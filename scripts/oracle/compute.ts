/**
 * The epoch oracle's computation: pure (no provider, no files, no clock). Given an epoch's work reports, the on-chain
 * state of each reported device at the snapshot block, the class weights, the epoch's funding, the dust carried from
 * the previous epoch and the previous cumulative amounts, it returns every device's reward, every account's new
 * cumulative amount and the merkle tree to post. The reward function itself is `protocol/reward.ts`
 * (`rewardEpochExact`); this module only maps chain state onto its inputs and aggregates per owner.
 *
 * Rules (docs/oracle.md):
 * - devices = the reported devices; a report for a device that is not registered at the snapshot block is an error;
 * - eligible = registry status Active, `Staking.isActive` (bond ≥ class minimum), not flagged `denylisted`, and
 *   located: the on-chain cell is an H3 cell at the parameters' `location.minResolution` or finer (otherwise the
 *   device is unlocated: no reward, present nowhere, reason `cell-invalid` or `cell-too-coarse`); present in a cell
 *   for density = eligible. Density factors: `protocol/density.ts` on the H3 topology of the located devices' cells
 *   (`protocol/h3.ts`), with the parameters' table (scripts/oracle/params.ts);
 * - age (establishment) = epoch − the epoch the device registered in;
 * - pool = funding of the epoch + dust carried from the previous epoch; dust = pool − Σ rewards;
 * - a device's reward goes to its owner at the snapshot block; cumulative = previous cumulative + this epoch's.
 */
import { getAddress, keccak256, toUtf8Bytes, ZeroAddress } from "ethers";
import { rewardEpochExact, validateRewardParams, type DeviceEpoch, type RewardParams } from "../../protocol/reward";
import { buildRewardTreeFast, type RewardLeaf, type RewardTree } from "../../protocol/merkle";
import { toJson } from "../../lib/atomicFile";
import type { WorkReport } from "./reports";
import { DensityModel } from "../../protocol/density";
import { h3CellProblem, h3IndexOf, h3Topology } from "../../protocol/h3";
import { densityParamsOf, establishmentOf, oracleParamsDigest, stakeFactorOf, type OracleParams } from "./params";

/** `IDeviceRegistry.DeviceStatus`. */
export const DEVICE_STATUS = ["None", "Active", "Suspended", "Deregistered"] as const;
export const STATUS_ACTIVE = 1;

/** On-chain state of one device at the snapshot block. */
export interface DeviceSnapshot {
  deviceId: bigint;
  /** `IDeviceRegistry.deviceOwner` (zero for an unknown device). */
  owner: string;
  /** Index into `DEVICE_STATUS`. */
  status: number;
  deviceClass: number;
  cell: bigint;
  /** `IStaking.bondOf`. */
  bond: bigint;
  /** `IStaking.isActive`: registered, not suspended, bond ≥ class minimum. */
  stakingActive: boolean;
  /** Epoch the device registered in (from its `DeviceRegistered` event); its age is epoch − this. */
  registeredEpoch: number;
}

/** Why a reported device earns nothing (empty when eligible). */
export type IneligibleReason =
  "" | "denylisted" | "suspended" | "deregistered" | "bond-below-minimum" | "cell-invalid" | "cell-too-coarse";

export interface EpochInputs {
  epoch: number;
  /** The reports in file order (as `readWorkReports` returns them). */
  reports: readonly WorkReport[];
  /** Where report `i` is in its file, for errors ("line 7", "[5]"). */
  locate?: (index: number) => string;
  /** Snapshot of every reported device, by device id. */
  devices: ReadonlyMap<bigint, DeviceSnapshot>;
  /** `IDeviceRegistry.classWeightBps` of every class of a reported device. */
  classWeightsBps: ReadonlyMap<number, number>;
  /** `IRewardDistributor.fundingOf(epoch)`. */
  funding: bigint;
  /** Dust left unpaid by epochs before this one. */
  carriedDust: bigint;
  /** Cumulative amounts posted for the previous epoch (empty for epoch 0). */
  previous: readonly RewardLeaf[];
  /** The oracle's parameters (`readOracleParams(file)`). */
  params: OracleParams;
  /**
   * A simulator's synthetic world in place of H3 (an EVM-in-the-loop run of a scenario on its hex torus): on-chain
   * cells are the world's cell ids and density comes from its model; `params.density` and `location` are then unused.
   * Absent for every real network.
   */
  syntheticWorld?: SyntheticWorld;
}

/** Cells and density of a synthetic world: `cellId` is undefined for a cell outside it (the device is unlocated). */
export interface SyntheticWorld {
  density: DensityModel;
  cellId(cell: bigint): number | undefined;
}

export interface DeviceReward {
  deviceId: bigint;
  owner: string;
  deviceClass: number;
  cell: bigint;
  /** The cell as an h3-js index (empty when it is not a valid H3 cell). */
  h3Cell: string;
  workWad: bigint;
  bond: bigint;
  /** Epochs since registration, for the establishment factor. */
  ageEpochs: number;
  eligible: boolean;
  reason: IneligibleReason;
  /** Density factor of the device's cell in WAD (0 when the device is unlocated). */
  densityWad: bigint;
  score: bigint;
  reward: bigint;
}

export interface AccountReward {
  /** Checksummed address. */
  account: string;
  epochReward: bigint;
  cumulativeAmount: bigint;
}

export interface EpochRewards {
  epoch: number;
  funding: bigint;
  carriedDust: bigint;
  /** funding + carriedDust. */
  pool: bigint;
  /** Σ rewards of this epoch: the `total` posted with the root. */
  total: bigint;
  /** pool − total, carried into the next epoch. */
  dust: bigint;
  /** Devices sorted by id. */
  devices: DeviceReward[];
  /** Accounts with a positive cumulative amount, sorted by lowercase address. */
  accounts: AccountReward[];
  tree: RewardTree;
  root: string;
  /** Digest of the canonical reports (independent of file format and row order). */
  reportsDigest: string;
  /** `oracleParamsDigest` of the parameters used. */
  paramsDigest: string;
}

/** Inputs the oracle refuses; `problems` name the report line and field, or the input. */
export class OracleInputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `${problems.length} problem(s) in the epoch's inputs; nothing was written or posted:\n  ${problems.join("\n  ")}`,
    );
    this.name = "OracleInputError";
  }
}

/**
 * The leaf posted when no account has earned anything yet: `(address(0), 0)`. Posting must go on (epochs are posted
 * in order), a zero root is refused, and a claim for the zero address pays nothing.
 */
export const EMPTY_EPOCH_LEAF: RewardLeaf = { account: ZeroAddress, cumulativeAmount: 0n };

/** keccak256 of the reports sorted by device id, as `deviceId,workWad[:servedWad],flags` lines. */
export function reportsDigest(reports: readonly WorkReport[]): string {
  const lines = [...reports]
    .sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0))
    .map(
      (r) =>
        `${r.deviceId.toString()},${r.workWad.toString()}${r.servedWad === undefined ? "" : `:${r.servedWad}`},` +
        [...r.flags].sort().join("|"),
    );
  return keccak256(toUtf8Bytes(lines.join("\n")));
}

function ineligibleReason(
  report: WorkReport,
  device: DeviceSnapshot,
  cellProblem: IneligibleReason | undefined,
): IneligibleReason {
  if (report.flags.includes("denylisted")) return "denylisted";
  if (device.status === 2) return "suspended";
  if (device.status === 3) return "deregistered";
  if (!device.stakingActive) return "bond-below-minimum";
  return cellProblem ?? "";
}

/** Computes an epoch's rewards. Throws `OracleInputError` on a report for an unregistered device or bad inputs. */
export function computeEpochRewards(inputs: EpochInputs): EpochRewards {
  const { params } = inputs;
  const locate = inputs.locate ?? ((i: number) => `reports[${i}]`);
  const problems: string[] = [];
  if (!Number.isSafeInteger(inputs.epoch) || inputs.epoch < 0)
    problems.push(`epoch: expected a non-negative integer, got ${inputs.epoch}`);
  if (inputs.funding < 0n) problems.push(`funding: expected ≥ 0, got ${inputs.funding}`);
  if (inputs.carriedDust < 0n) problems.push(`carriedDust: expected ≥ 0, got ${inputs.carriedDust}`);

  const devices: DeviceReward[] = [];
  const located: { input: Omit<DeviceEpoch, "cell">; h3Cell: string; worldCell: number; device: number }[] = [];
  let maxClass = 0;
  inputs.reports.forEach((report, i) => {
    const device = inputs.devices.get(report.deviceId);
    if (device === undefined || device.status === 0) {
      problems.push(
        `${locate(i)}: deviceId: device ${report.deviceId} (0x${report.deviceId.toString(16).padStart(40, "0")}) is not registered at the snapshot block`,
      );
      return;
    }
    const world = inputs.syntheticWorld;
    const worldCell = world?.cellId(device.cell);
    const cellProblem: IneligibleReason | undefined = world
      ? worldCell === undefined
        ? "cell-invalid"
        : undefined
      : h3CellProblem(device.cell, params.location.minResolution);
    const reason = ineligibleReason(report, device, cellProblem);
    const ageEpochs = Math.max(0, inputs.epoch - device.registeredEpoch);
    devices.push({
      deviceId: report.deviceId,
      owner: getAddress(device.owner),
      deviceClass: device.deviceClass,
      cell: device.cell,
      h3Cell: world || cellProblem === "cell-invalid" ? "" : h3IndexOf(device.cell),
      workWad: report.workWad,
      bond: device.bond,
      ageEpochs,
      eligible: reason === "",
      reason,
      densityWad: 0n,
      score: 0n,
      reward: 0n,
    });
    if (cellProblem !== undefined) return; // unlocated: earns nothing, present nowhere
    if (!inputs.classWeightsBps.has(device.deviceClass)) {
      problems.push(`classWeightsBps: no weight for class ${device.deviceClass} of device ${report.deviceId}`);
      return;
    }
    maxClass = Math.max(maxClass, device.deviceClass);
    located.push({
      input: {
        classId: device.deviceClass,
        reportedWork: report.workWad,
        servedWork: report.servedWad ?? 0n,
        stakeWei: device.bond,
        ageEpochs,
        eligible: reason === "",
      },
      h3Cell: world ? "" : h3IndexOf(device.cell),
      worldCell: worldCell ?? -1,
      device: devices.length - 1,
    });
  });
  if (problems.length) throw new OracleInputError(problems);

  let model: DensityModel;
  let modelInputs: DeviceEpoch[];
  if (inputs.syntheticWorld) {
    model = inputs.syntheticWorld.density;
    modelInputs = located.map((d) => ({ ...d.input, cell: d.worldCell }));
  } else {
    const density = densityParamsOf(params);
    const topology = h3Topology(
      located.map((d) => d.h3Cell),
      density,
    );
    model = new DensityModel(topology, density);
    modelInputs = located.map((d, k) => ({ ...d.input, cell: topology.givenIds[k] }));
  }

  const rewardParams: RewardParams = {
    classWeightsBps: Array.from({ length: maxClass + 1 }, (_, c) => inputs.classWeightsBps.get(c) ?? 0),
    demandWeightBps: params.demandWeightBps ?? 0,
    stakeFactor: stakeFactorOf(params),
    establishment: establishmentOf(params),
  };
  validateRewardParams(rewardParams);
  const pool = inputs.funding + inputs.carriedDust;
  const result = rewardEpochExact(rewardParams, model, modelInputs, inputs.funding, inputs.carriedDust);
  located.forEach(({ device: d }, k) => {
    devices[d].densityWad = result.densityWad[k];
    devices[d].score = result.scores[k];
    devices[d].reward = result.rewards[k];
  });
  devices.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));

  // Per owner: previous cumulative + this epoch's rewards.
  const byAccount = new Map<string, AccountReward>();
  for (const leaf of inputs.previous) {
    const key = leaf.account.toLowerCase();
    if (leaf.cumulativeAmount === 0n) continue;
    byAccount.set(key, { account: getAddress(leaf.account), epochReward: 0n, cumulativeAmount: leaf.cumulativeAmount });
  }
  for (const device of devices) {
    if (device.reward === 0n) continue;
    const key = device.owner.toLowerCase();
    const entry = byAccount.get(key) ?? { account: device.owner, epochReward: 0n, cumulativeAmount: 0n };
    entry.epochReward += device.reward;
    entry.cumulativeAmount += device.reward;
    byAccount.set(key, entry);
  }
  const accounts = [...byAccount.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  const leaves: RewardLeaf[] = accounts.length
    ? accounts.map((a) => ({ account: a.account, cumulativeAmount: a.cumulativeAmount }))
    : [EMPTY_EPOCH_LEAF];
  const tree = buildRewardTreeFast(leaves);
  return {
    epoch: inputs.epoch,
    funding: inputs.funding,
    carriedDust: inputs.carriedDust,
    pool,
    total: result.paid,
    dust: result.dust,
    devices,
    accounts,
    tree,
    root: tree.root,
    reportsDigest: reportsDigest(inputs.reports),
    paramsDigest: oracleParamsDigest(params),
  };
}

/** Canonical JSON digest of anything (bigints as decimal strings). */
export function jsonDigest(value: unknown): string {
  return keccak256(toUtf8Bytes(toJson(value)));
}
