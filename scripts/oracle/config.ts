/**
 * The epoch oracle's fixed parameters and the ONE place where an on-chain cell (`uint64`) becomes a cell of the
 * density model of `protocol/density.ts`.
 *
 * Cell mapping: the oracle treats a device's `uint64` cell as the cell id `row × width + col` of the density model's
 * hex grid (`ORACLE_GRID`, 64 × 64 = 4096 cells, ids 0..4095). A device whose cell is outside the grid is not
 * rewarded (reason `cell-outside-grid` in `devices.csv`) and does not count as present in any cell; the operate task
 * `device:register` refuses such cells. Real H3 indexes need a density model whose topology (parents, neighbours)
 * comes from H3 instead of the torus grid; until then the grid id is the on-chain cell.
 *
 * Class weights are NOT here: they are read from the registry (`classWeightBps`) at the snapshot block.
 */
import { keccak256, toUtf8Bytes } from "ethers";
import { DensityModel, HIP17_DEFAULT, type DensityParams, type HexGrid } from "../../protocol/density";
import type { EstablishmentParams, StakeFactorParams } from "../../protocol/reward";
import { toJson } from "../lib/atomicFile";

/** The density model's grid: on-chain cell ids 0 .. width × height − 1. */
export const ORACLE_GRID: HexGrid = { width: 64, height: 64 };

/** Everything besides on-chain state and work reports that decides an epoch's rewards. */
export interface OracleConfig {
  readonly grid: HexGrid;
  readonly density: DensityParams;
  readonly stakeFactor: StakeFactorParams;
  /** Needs each device's registration epoch (`DeviceSnapshot.registeredEpoch`) when `epochs` > 0. */
  readonly establishment: EstablishmentParams;
  /** Share of the score from served work (`WorkReport.servedWad`), in bps; absent = 0. */
  readonly demandWeightBps?: number;
}

/**
 * The oracle's parameters: HIP-17 density scaling on the 64 × 64 grid, no stake boost (the class minimum bond gates
 * eligibility instead), no establishment period (the oracle does not track device age yet).
 */
export const ORACLE_CONFIG: OracleConfig = {
  grid: ORACLE_GRID,
  density: HIP17_DEFAULT,
  stakeFactor: { enabled: false, referenceStakeWei: 0n, maxBoostBps: 0 },
  establishment: { epochs: 0, fractionBps: 10_000 },
};

/** Number of cells of the oracle's grid; valid on-chain cells are 0 .. gridCells − 1. */
export function gridCells(config: OracleConfig = ORACLE_CONFIG): number {
  return config.grid.width * config.grid.height;
}

/** The density-model cell of an on-chain cell, or `undefined` if the cell is outside the grid. */
export function gridCellOf(cell: bigint, config: OracleConfig = ORACLE_CONFIG): number | undefined {
  return cell >= 0n && cell < BigInt(gridCells(config)) ? Number(cell) : undefined;
}

/** The on-chain cell of grid position (col, row). */
export function cellAt(col: number, row: number, config: OracleConfig = ORACLE_CONFIG): bigint {
  const { width, height } = config.grid;
  if (!Number.isInteger(col) || col < 0 || col >= width)
    throw new RangeError(`col: expected 0..${width - 1}, got ${col}`);
  if (!Number.isInteger(row) || row < 0 || row >= height)
    throw new RangeError(`row: expected 0..${height - 1}, got ${row}`);
  return BigInt(row * width + col);
}

const models = new WeakMap<OracleConfig, DensityModel>();

/** The density model of `config` (built once per config object). */
export function densityModelOf(config: OracleConfig = ORACLE_CONFIG): DensityModel {
  let model = models.get(config);
  if (!model) {
    model = new DensityModel(config.grid, config.density);
    models.set(config, model);
  }
  return model;
}

/** keccak256 of the config's canonical JSON: recorded in `epoch.json` so a verifier knows it used the same one. */
export function configDigest(config: OracleConfig = ORACLE_CONFIG): string {
  return keccak256(toUtf8Bytes(toJson(config)));
}
