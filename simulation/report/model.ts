/**
 * The report's own view of a run or a sweep, independent of the file layout. `inputs.ts` maps the simulator's
 * files (simulation/OUTPUTS.md) onto these types; charts, verdicts, HTML and Markdown only read these.
 */
import type { Estimate, Threshold } from "./verdicts";

export type GroupRole = "honest" | "farmer" | "other";

/** One epoch of a run, averaged over replicates. Token amounts in whole tokens. */
export interface EpochRow {
  /** The epoch, or the first epoch of the bucket the row stands for (see `span`). */
  epoch: number;
  /**
   * Epochs the row stands for (absent: 1). A long run is read in buckets (report/inputs.ts `readRun`): per-epoch
   * quantities are then the bucket's mean per epoch, cumulative ones the value at its last epoch.
   */
  span?: number;
  emission: number;
  cumulative: number;
  circulating?: number;
  burned?: number;
  price?: number;
  /** Share of this epoch's emission paid to fake work (0–1). */
  leakage?: number;
  /** Rewards paid to each agent group in this epoch (tokens). */
  rewardsByGroup: Record<string, number>;
  /** Capture ratio of each agent group in this epoch. */
  captureByGroup: Record<string, number>;
}

/** Totals of one agent group over the run. */
export interface GroupRow {
  name: string;
  kind: GroupRole;
  rewards?: Estimate;
  captureRatio?: Estimate;
  roi?: Estimate;
  /** Epochs to pay back; undefined mean (or NaN) = never paid back within the run. */
  paybackEpochs?: Estimate;
  profit?: Estimate;
}

/** What a reader needs to reproduce the run. */
export interface Reproduce {
  command: string;
  seed: string;
  version: string;
  commit: string;
  replicates?: number;
  /** How the run was checked on the EVM (`--mode evm`): epochs, network, what was compared. */
  checkedOnEvm?: string;
}

/** A headline metric of the run. `unit` "share" formats as a percentage. */
export interface MetricRow {
  key: string;
  label: string;
  unit: string;
  estimate: Estimate;
}

export interface RunReport {
  kind: "run";
  dir: string;
  name: string;
  description?: string;
  /** The scenario as run, shown verbatim. */
  scenario: unknown;
  reproduce: Reproduce;
  metrics: MetricRow[];
  thresholds: Threshold[];
  /** Token supply cap, if the schedule has one. */
  cap?: number;
  epochs: EpochRow[];
  /** Epochs per row of `epochs` (1: epoch by epoch; more for runs longer than the reader's resolution). */
  epochsPerRow: number;
  groups: GroupRow[];
  /** Lorenz curve of reward per unit of real work across honest devices: (population, share) from (0,0) to (1,1). */
  lorenz?: LorenzPoint[];
  /** Epochs per year, to label time; undefined when the epoch length is unknown. */
  epochsPerYear?: number;
  /** Input files read, relative to `dir`. */
  sources: string[];
  /** Inconsistencies found while reading (shown in the report, never hidden). */
  warnings: string[];
}

export interface LorenzPoint {
  population: number;
  share: number;
}

/** A swept lever value: a number, or text for booleans and names (`true`, `false`, `step`). */
export type LeverValue = number | string;

export interface SweepPoint {
  /** Lever values of this point, by lever name. */
  params: Record<string, LeverValue>;
  metrics: Record<string, Estimate>;
  /** Directory of this point's run, if it was written. */
  runDir?: string;
}

export interface SweepReport {
  kind: "sweep";
  dir: string;
  name: string;
  description?: string;
  scenario: unknown;
  reproduce: Reproduce;
  levers: string[];
  thresholds: Threshold[];
  points: SweepPoint[];
  /** The run to chart in detail: the sweep's base scenario, if it was written. */
  baseline?: RunReport;
  sources: string[];
  warnings: string[];
}

export type Report = RunReport | SweepReport;
