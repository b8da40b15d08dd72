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
import { cellOfLatLng, h3IndexOf, h3Topology } from "../../protocol/h3";
import { DEFAULT_CELL_RESOLUTION } from "../lib/locationArgs";
import { densityParamsOf, establishmentOf, readOracleParams, stakeFactorOf } from "../oracle/params";

/** One demo device. `operator` indexes the operator accounts; `bond` is in whole tokens. */
export interface DemoDevice {
  label: string;
  operator: number;
  deviceClass: number;
  /** Where the device is (degrees); its cell is the H3 cell there at `DEFAULT_CELL_RESOLUTION`. */
  lat: number;
  lng: number;
  bond: string;
}

/**
 * Alice: a hotspot and a sensor in the same cell in San Francisco (crowded: HIP-17's resolution-10 limit of one
 * device halves both); Bob: sensors in Berlin and Tokyo, one bonded below the sensor class minimum (10 tokens) so it
 * never earns; Carol: one sensor in Nairobi.
 */
export const DEMO_DEVICES: readonly DemoDevice[] = [
  { label: "alice-hotspot", operator: 0, deviceClass: 0, lat: 37.7749, lng: -122.4194, bond: "100" },
  { label: "alice-sensor", operator: 0, deviceClass: 2, lat: 37.7749, lng: -122.4194, bond: "10" },
  { label: "bob-sensor-1", operator: 1, deviceClass: 2, lat: 52.52, lng: 13.405, bond: "10" },
  { label: "bob-sensor-2", operator: 1, deviceClass: 2, lat: 35.6762, lng: 139.6503, bond: "5" },
  { label: "carol-sensor", operator: 2, deviceClass: 2, lat: -1.2921, lng: 36.8219, bond: "10" },
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

/** The device's on-chain cell: the H3 cell at its point, at the tasks' default resolution. */
export function demoCell(device: DemoDevice): bigint {
  return cellOfLatLng(device.lat, device.lng, DEFAULT_CELL_RESOLUTION);
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
  const oracleParams = readOracleParams();
  const densityParams = densityParamsOf(oracleParams);
  const topology = h3Topology(
    devices.map((d) => h3IndexOf(demoCell(d))),
    densityParams,
  );
  const density = new DensityModel(topology, densityParams);
  const maxClass = Math.max(...devices.map((d) => d.deviceClass));
  const params: RewardParams = {
    classWeightsBps: Array.from({ length: maxClass + 1 }, (_, c) => economics.classes.get(c)?.rewardWeightBps ?? 0),
    demandWeightBps: 0,
    stakeFactor: stakeFactorOf(oracleParams),
    establishment: establishmentOf(oracleParams),
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
      cell: topology.givenIds[i],
      stakeWei: parseUnits(d.bond, 18),
      ageEpochs: epoch, // every demo device registers before epoch 0
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
