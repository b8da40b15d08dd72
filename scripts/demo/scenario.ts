/**
 * The demo network: a few operators with devices across cells and classes, deterministic device keys, synthetic
 * work reports per epoch, and the EXPECTED outcome computed straight from `protocol/` (emission schedule + split,
 * `rewardEpochExact`), independently of the oracle's chain reads, files and aggregation. `npm run demo` and the
 * end-to-end test replay it against real contracts and assert that every balance equals this expectation to the wei.
 */
import { keccak256, toUtf8Bytes, Wallet, parseUnits, formatUnits } from "ethers";
import { emission, splitEmission, type ScheduleParams, type EmissionSplits } from "../../protocol/emission";
import { rewardEpochExact, type DeviceEpoch, type RewardParams } from "../../protocol/reward";
import { DensityModel } from "../../protocol/density";
import { cellAt, ORACLE_CONFIG } from "../oracle/config";

/** One demo device. `operator` indexes the operator accounts; `bond` is in whole tokens. */
export interface DemoDevice {
  label: string;
  operator: number;
  deviceClass: number;
  col: number;
  row: number;
  bond: string;
}

/**
 * Alice: a hotspot and a sensor in the same cell (crowded: density scaling halves both); Bob: two sensors far apart,
 * one bonded below the sensor class minimum (10 tokens) so it never earns; Carol: one sensor on its own.
 */
export const DEMO_DEVICES: readonly DemoDevice[] = [
  { label: "alice-hotspot", operator: 0, deviceClass: 0, col: 10, row: 10, bond: "100" },
  { label: "alice-sensor", operator: 0, deviceClass: 2, col: 10, row: 10, bond: "10" },
  { label: "bob-sensor-1", operator: 1, deviceClass: 2, col: 40, row: 12, bond: "10" },
  { label: "bob-sensor-2", operator: 1, deviceClass: 2, col: 20, row: 50, bond: "5" },
  { label: "carol-sensor", operator: 2, deviceClass: 2, col: 55, row: 30, bond: "10" },
];

export const DEMO_OPERATOR_NAMES = ["alice", "bob", "carol"] as const;

/** Tokens each operator needs for its bonds. */
export function bondsOf(operator: number, devices: readonly DemoDevice[] = DEMO_DEVICES): bigint {
  return devices.filter((d) => d.operator === operator).reduce((sum, d) => sum + parseUnits(d.bond, 18), 0n);
}

/** The device key of a demo device (deterministic, for a reproducible demo; never use such keys for real). */
export function demoDeviceKey(label: string): Wallet {
  return new Wallet(keccak256(toUtf8Bytes(`depin-lab demo device ${label}`)));
}

export function demoCell(device: DemoDevice): bigint {
  return cellAt(device.col, device.row);
}

/** One synthetic work report row. */
export interface DemoReport {
  label: string;
  deviceId: bigint;
  /** Decimal in [0, 1] with 6 decimals. */
  work: string;
  denylisted: boolean;
}

/** Work of a device in an epoch: 0.5 .. 1.0 in steps of 1e-6, from a hash of (label, epoch); Alice's sensor is denylisted in epoch 1. */
export function demoReports(epoch: number, devices: readonly DemoDevice[] = DEMO_DEVICES): DemoReport[] {
  return devices.map((d) => {
    const h = BigInt(keccak256(toUtf8Bytes(`${d.label}/${epoch}`))) % 500_001n;
    const micro = 500_000n + h;
    return {
      label: d.label,
      deviceId: BigInt(demoDeviceKey(d.label).address),
      work: formatUnits(micro, 6),
      denylisted: d.label === "alice-sensor" && epoch === 1,
    };
  });
}

/** The reports as the oracle's CSV input. */
export function demoReportsCsv(epoch: number, devices: readonly DemoDevice[] = DEMO_DEVICES): string {
  const rows = demoReports(epoch, devices).map(
    (r) => `${demoDeviceKey(r.label).address},${r.work},${r.denylisted ? "denylisted" : ""}`,
  );
  return ["deviceId,work,flags", ...rows].join("\n") + "\n";
}

/** What the expectation needs from the deployment's parameter file. */
export interface DemoEconomics {
  schedule: ScheduleParams;
  splits: EmissionSplits;
  /** Per class id: reward weight (bps) and minimum bond (wei). */
  classes: ReadonlyMap<number, { rewardWeightBps: number; minBond: bigint }>;
}

/**
 * Expected cumulative reward per operator after epochs 0..lastEpoch, from protocol/ only: pool(e) = device share of
 * `emission(e)` + dust of e − 1; eligible = bond ≥ class minimum and not denylisted; owner = the device's operator.
 */
export function expectedCumulative(
  economics: DemoEconomics,
  lastEpoch: number,
  devices: readonly DemoDevice[] = DEMO_DEVICES,
): { perOperator: bigint[]; totals: bigint[]; dust: bigint } {
  const density = new DensityModel(ORACLE_CONFIG.grid, ORACLE_CONFIG.density);
  const maxClass = Math.max(...devices.map((d) => d.deviceClass));
  const params: RewardParams = {
    classWeightsBps: Array.from({ length: maxClass + 1 }, (_, c) => economics.classes.get(c)?.rewardWeightBps ?? 0),
    demandWeightBps: 0,
    stakeFactor: ORACLE_CONFIG.stakeFactor,
    establishment: ORACLE_CONFIG.establishment,
  };
  const operators = Math.max(...devices.map((d) => d.operator)) + 1;
  const perOperator = new Array<bigint>(operators).fill(0n);
  const totals: bigint[] = [];
  let dust = 0n;
  for (let epoch = 0; epoch <= lastEpoch; epoch++) {
    const reports = demoReports(epoch, devices);
    const inputs: DeviceEpoch[] = devices.map((d, i) => ({
      classId: d.deviceClass,
      reportedWork: parseUnits(reports[i].work, 18),
      servedWork: 0n,
      cell: d.row * ORACLE_CONFIG.grid.width + d.col,
      stakeWei: parseUnits(d.bond, 18),
      ageEpochs: 0,
      eligible:
        !reports[i].denylisted && parseUnits(d.bond, 18) >= (economics.classes.get(d.deviceClass)?.minBond ?? 0n),
    }));
    const pool = splitEmission(emission(economics.schedule, BigInt(epoch)), economics.splits).devicePool;
    const result = rewardEpochExact(params, density, inputs, pool, dust);
    devices.forEach((d, i) => (perOperator[d.operator] += result.rewards[i]));
    totals.push(result.paid);
    dust = result.dust;
  }
  return { perOperator, totals, dust };
}
