/**
 * Density scaling per location cell, after Helium's HIP-17 hex density scaling.
 *
 * The model works on a precomputed **topology** of dense integer ids, so its loops never touch a geography library:
 * `cells` finest cells (ids 0 .. cells − 1, where devices are counted) and, per configured resolution, the id of
 * every cell's parent at that resolution and six neighbour ids per parent (`DensityTopology`). Two builders:
 * - `gridTopology`: a `width × height` hex torus in odd-row offset coordinates (every cell has exactly six
 *   neighbours); resolution `level` k groups the finest cells into blocks of 2^k × 2^k, a coarser hex grid of
 *   `ceil(width / 2^k) × ceil(height / 2^k)`. `new DensityModel(grid, params)` builds it.
 * - `h3Topology` (protocol/h3.ts): a set of real H3 cells; a resolution is an H3 resolution, parents come from
 *   `cellToParent` and neighbours from `gridDisk(parent, 1)`, restricted to parents that hold one of the cells.
 *
 * Per resolution r and parent cell h holding `present` devices:
 *   occupied(h)   = number of cells in {h} ∪ neighbours(h) whose `present` is at least `target`
 *   limit(h)      = min(max, target × max(occupied(h) − N + 1, 1))
 *   scale_r(h)    = present ≤ limit ? 1 : limit / present
 * and a device's density factor is the product of scale_r over the configured resolutions of its cell's parents.
 * What `present` counts is the `rollup`:
 * - `"raw"` (the default; the grid's historical model): the devices in h;
 * - `"clipped"` (HIP-17 as written and as Helium's oracles compute it): at the first (finest) resolution the devices
 *   in h, at each later one the sum over h's children at the previous resolution of their clipped count
 *   min(present, limit). A crowd is then counted once, where it is crowded, instead of again at every coarser level.
 *   Resolutions must be listed finest first and nest (each parent lies inside one parent of the next resolution).
 * The integer part (present, limit) is shared by the float64 and the bigint (WAD) paths.
 */
import { freshCopy } from "../lib/jit";
import { DeltaDensity } from "./densityDelta";
import { OccupiedDensity, type OccupiedDensityTables } from "./densityOccupied";
import { WAD } from "./math";

/** A hexagonal grid of integer cell ids `row × width + col` at the finest resolution. */
export interface HexGrid {
  readonly width: number;
  readonly height: number;
}

/** One resolution of HIP-17 density scaling. */
export interface DensityResolution {
  /** The topology's name of the resolution: the grid's aggregation level k (blocks of 2^k × 2^k), or an H3 resolution. */
  readonly level: number;
  /** Devices a cell may hold before it is crowded (HIP-17 `density_tgt`). */
  readonly target: number;
  /** Upper bound of the limit however many neighbours are occupied (HIP-17 `density_max`). */
  readonly max: number;
  /** Occupied-neighbour threshold N (HIP-17 `N`). */
  readonly n: number;
}

/** What a parent's `present` count is: its devices, or the sum of its children's clipped counts (module comment). */
export type DensityRollup = "raw" | "clipped";

export interface DensityParams {
  readonly enabled: boolean;
  readonly resolutions: readonly DensityResolution[];
  /** Default `"raw"`. */
  readonly rollup?: DensityRollup;
}

/**
 * A default HIP-17 style table for a 64 × 64 grid (Helium's resolutions 12 → 8 → 4 mapped to levels 0, 2, 4):
 * a cell holds one device per occupied cell of its neighbourhood (at most 3), a 4 × 4 block 8 per occupied block
 * (at most 40), a 16 × 16 block 100 (at most 600).
 */
export const HIP17_DEFAULT: DensityParams = {
  enabled: true,
  resolutions: [
    { level: 0, target: 1, max: 3, n: 1 },
    { level: 2, target: 8, max: 40, n: 2 },
    { level: 4, target: 100, max: 600, n: 2 },
  ],
};

/**
 * Helium's HIP-17 parameters on real H3 resolutions (levels are H3 resolutions), with the clipped rollup:
 * `(N, density_tgt, density_max)` for resolutions 10 … 4 as proposed in HIP-17 ("res_vars",
 * github.com/helium/HIP 0017-hex-density-based-transmit-reward-scaling.md) and set on chain as `hip17_res_4` …
 * `hip17_res_10`; resolutions 0–3, 11 and 12 are on chain as (2, 100000, 100000), i.e. never limiting, and Helium's
 * oracles (helium/oracles `iot_verifier/src/hex_density.rs`) skip them. Devices are counted in their resolution-11
 * (or finer) cell. Helium rounds the final scale to 4 decimals; this model rounds down to 18 (WAD) per resolution.
 */
export const HIP17_HELIUM: DensityParams = {
  enabled: true,
  rollup: "clipped",
  resolutions: [
    { level: 10, n: 2, target: 1, max: 1 },
    { level: 9, n: 2, target: 1, max: 2 },
    { level: 8, n: 2, target: 1, max: 4 },
    { level: 7, n: 2, target: 5, max: 20 },
    { level: 6, n: 1, target: 25, max: 100 },
    { level: 5, n: 1, target: 100, max: 400 },
    { level: 4, n: 1, target: 250, max: 800 },
  ],
};

/** Density tables by name, for files that name one (oracle parameters, scenarios); levels are H3 resolutions. */
export const DENSITY_PRESETS: Readonly<Record<string, DensityParams>> = { "helium-hip17": HIP17_HELIUM };

/**
 * One resolution of a topology. Neighbour ids equal to `parentCount` mean "no cell": a neighbour outside the
 * topology (it holds none of its cells, so no device), or the missing sixth side of an H3 pentagon.
 */
export interface DensityLevel {
  /** The resolution's name (`DensityResolution.level`). */
  readonly level: number;
  /** Parent cells at this resolution: ids 0 .. parentCount − 1. */
  readonly parentCount: number;
  /** Parent id of every finest cell (length = cells). */
  readonly parentOfCell: Int32Array;
  /** Six neighbour ids per parent (length 6 × parentCount), in a fixed order; `parentCount` = no cell. */
  readonly neighbours: Int32Array;
  /**
   * True when some parents' neighbours were not looked up (left "no cell") because they cannot change a limit under
   * the parameters the topology was built for (`DensityTopology.builtFor`; protocol/h3.ts `h3Topology`).
   */
  readonly neighboursOmitted?: boolean;
}

/** Cells and, per resolution, parents and neighbours as typed arrays of dense ids (see the module comment). */
export interface DensityTopology {
  /** Finest cells: ids 0 .. cellCount − 1. */
  readonly cellCount: number;
  readonly levels: readonly DensityLevel[];
  /** `densityTableKey` of the only parameters the topology serves, when it omits neighbours they do not need. */
  readonly builtFor?: string;
}

/** The parts of density parameters a topology may be built for: resolutions, their numbers and the rollup. */
export function densityTableKey(params: DensityParams): string {
  return JSON.stringify({
    rollup: params.rollup ?? "raw",
    resolutions: params.resolutions.map((r) => [r.level, r.n, r.target, r.max]),
  });
}

/** Number of cells of `grid`. */
export function cellCount(grid: HexGrid): number {
  return grid.width * grid.height;
}

/** The grid of parent cells at aggregation `level`. */
export function gridAtLevel(grid: HexGrid, level: number): HexGrid {
  const side = 2 ** level;
  return { width: Math.ceil(grid.width / side), height: Math.ceil(grid.height / side) };
}

/** Parent (at `level`) of a finest-resolution `cell`. */
export function parentCell(grid: HexGrid, cell: number, level: number): number {
  const col = cell % grid.width;
  const row = (cell - col) / grid.width;
  const coarse = gridAtLevel(grid, level);
  return (row >> level) * coarse.width + (col >> level);
}

/** The six neighbours of `cell` on `grid` (odd-row offset hex layout, toroidal wrap), in a fixed order. */
export function neighbours(grid: HexGrid, cell: number): number[] {
  const { width, height } = grid;
  const col = cell % width;
  const row = (cell - col) / width;
  const odd = row & 1;
  // odd-r offsets: even rows lean left, odd rows lean right
  const deltas = odd
    ? [
        [+1, 0],
        [0, -1],
        [+1, -1],
        [-1, 0],
        [0, +1],
        [+1, +1],
      ]
    : [
        [+1, 0],
        [-1, -1],
        [0, -1],
        [-1, 0],
        [-1, +1],
        [0, +1],
      ];
  return deltas.map(([dc, dr]) => {
    const c = (col + dc + width) % width;
    const r = (row + dr + height) % height;
    return r * width + c;
  });
}

/** The topology of a hex torus at aggregation levels `levels` (in the given order). */
export function gridTopology(grid: HexGrid, levels: readonly number[]): DensityTopology {
  if (!Number.isInteger(grid.width) || grid.width < 1 || !Number.isInteger(grid.height) || grid.height < 1) {
    throw new Error(`density: grid width and height must be positive integers, got ${grid.width}×${grid.height}`);
  }
  const cells = cellCount(grid);
  return {
    cellCount: cells,
    levels: levels.map((level) => {
      if (!Number.isInteger(level) || level < 0) {
        throw new Error(`density: resolution level must be a non-negative integer, got ${level}`);
      }
      const coarse = gridAtLevel(grid, level);
      const parentOfCell = new Int32Array(cells);
      for (let cell = 0; cell < cells; cell++) parentOfCell[cell] = parentCell(grid, cell, level);
      const parentCount = cellCount(coarse);
      const table = new Int32Array(parentCount * 6);
      for (let h = 0; h < parentCount; h++) table.set(neighbours(coarse, h), h * 6);
      return { level, parentCount, parentOfCell, neighbours: table };
    }),
  };
}

/** HIP-17 limit of one parent cell: `min(max, target × max(occupied − N + 1, 1))`. */
export function hexLimit(resolution: DensityResolution, occupied: number): number {
  return Math.min(resolution.max, resolution.target * Math.max(occupied - resolution.n + 1, 1));
}

function isIdentity(parentOfCell: Int32Array, parentCount: number): boolean {
  if (parentCount !== parentOfCell.length) return false;
  for (let cell = 0; cell < parentOfCell.length; cell++) if (parentOfCell[cell] !== cell) return false;
  return true;
}

/**
 * The float64 factor loops over one model's tables (self-contained, for `freshCopy`): per resolution the device
 * count of every parent cell, its HIP-17 scale (1, or limit ÷ present; `hexLimit` written out), then one product per
 * cell and resolution in resolution order (1 × s0 × s1 …: the first factor is exact, so `out = s0` is the same bits).
 * Occupancy is a byte per parent (plus a zero for "no cell") and the limit a lookup by occupied count (the same
 * `hexLimit` numbers), so the loop has no data-dependent branch but the final select; a level whose parents are
 * the cells themselves reads the counts in place; a level with max ≤ target (its limit is max whatever the
 * occupancy) skips the neighbours. Every level also keeps its clipped counts min(present, limit); with the clipped
 * rollup the next level's counts are their sums, and the product is taken per parent from the coarsest resolution
 * down (s0 × (s1 × …): one read per cell instead of one per resolution; the bits can differ from the finest-first
 * order in the last place, the exact WAD path is separate).
 */
function densityFactorLoops(
  cells: number,
  clippedRollup: boolean,
  identity: Uint8Array,
  targets: Float64Array,
  maxs: Float64Array,
  ns: Float64Array,
  parentsByLevel: Int32Array[],
  upByLevel: Int32Array[],
  tables: Int32Array[],
  coarseCounts: Float64Array[],
  clippedCounts: Float64Array[],
  scales: Float64Array[],
): (counts: ArrayLike<number>, out: Float64Array) => void {
  const R = targets.length;
  // per resolution: 1 where a parent holds at least `target` devices, and the HIP-17 limit by occupied count (0…7)
  const occupancy = scales.map((x) => new Uint8Array(x.length + 1));
  const limitByOccupied = Array.from({ length: R }, (_, r) => {
    const lut = new Float64Array(8);
    for (let o = 0; o < 8; o++) lut[o] = Math.min(maxs[r], targets[r] * Math.max(o - ns[r] + 1, 1));
    return lut;
  });
  function scalesOf(r: number, present: ArrayLike<number>): void {
    const target = targets[r];
    const table = tables[r];
    const scale = scales[r];
    const clipped = clippedCounts[r];
    const occ = occupancy[r];
    const lut = limitByOccupied[r];
    const len = scale.length;
    if (maxs[r] <= target) {
      // limit = max whatever the occupancy (target × k ≥ target ≥ max): no neighbour reads
      const limit = maxs[r];
      for (let h = 0; h < len; h++) {
        const p = present[h];
        scale[h] = p > limit ? limit / p : 1;
        clipped[h] = p > limit ? limit : p;
      }
      return;
    }
    for (let h = 0; h < len; h++) occ[h] = present[h] >= target ? 1 : 0;
    for (let h = 0; h < len; h++) {
      const t = h * 6;
      const occupied =
        occ[h] +
        occ[table[t]] +
        occ[table[t + 1]] +
        occ[table[t + 2]] +
        occ[table[t + 3]] +
        occ[table[t + 4]] +
        occ[table[t + 5]];
      const limit = lut[occupied];
      const p = present[h];
      scale[h] = p > limit ? limit / p : 1;
      clipped[h] = p > limit ? limit : p;
    }
  }
  function coarseSum(r: number, counts: ArrayLike<number>): Float64Array {
    const parents = parentsByLevel[r];
    const coarse = coarseCounts[r];
    coarse.fill(0);
    for (let cell = 0; cell < cells; cell++) coarse[parents[cell]] += counts[cell];
    return coarse;
  }
  function rollUp(r: number): Float64Array {
    const up = upByLevel[r];
    const children = clippedCounts[r - 1];
    const coarse = coarseCounts[r];
    coarse.fill(0);
    for (let h = 0; h < children.length; h++) coarse[up[h]] += children[h];
    return coarse;
  }
  function multiply(r: number, out: Float64Array): void {
    const scale = scales[r];
    if (identity[r]) {
      if (r === 0) out.set(scale);
      else for (let cell = 0; cell < cells; cell++) out[cell] *= scale[cell];
    } else {
      const parents = parentsByLevel[r];
      if (r === 0) for (let cell = 0; cell < cells; cell++) out[cell] = scale[parents[cell]];
      else for (let cell = 0; cell < cells; cell++) out[cell] *= scale[parents[cell]];
    }
  }
  /**
   * Nested resolutions (clipped rollup): the product per parent from the coarsest resolution down,
   * s_r(h) × (s_r+1(up(h)) × …), so each cell reads one product instead of one scale per resolution.
   */
  function multiplyNested(out: Float64Array): void {
    for (let r = R - 2; r >= 0; r--) {
      const scale = scales[r];
      const coarser = scales[r + 1];
      const up = upByLevel[r + 1];
      for (let h = 0; h < scale.length; h++) scale[h] *= coarser[up[h]];
    }
    if (identity[0]) out.set(scales[0]);
    else {
      const parents = parentsByLevel[0];
      const scale = scales[0];
      for (let cell = 0; cell < cells; cell++) out[cell] = scale[parents[cell]];
    }
  }
  return function factors(counts: ArrayLike<number>, out: Float64Array): void {
    if (clippedRollup) {
      for (let r = 0; r < R; r++) {
        const present = r > 0 ? rollUp(r) : identity[0] ? counts : coarseSum(0, counts);
        scalesOf(r, present);
      }
      multiplyNested(out);
      return;
    } else {
      for (let r = 0; r < R; r++) scalesOf(r, identity[r] ? counts : coarseSum(r, counts));
    }
    for (let r = 0; r < R; r++) multiply(r, out);
  };
}

/** How `DensityModel.factors` computes: see there. */
export type DensityPath = "auto" | "full" | "occupied" | "delta";

/** `factors` (path `"auto"`) takes the occupied-only path when at most this share of the cells hold a device. */
export const OCCUPIED_PATH_MAX_SHARE = 0.1;

/** `factors` (path `"auto"`) takes the delta path when at most this share of the cells changed since the last call. */
export const DELTA_PATH_MAX_SHARE = 1 / 256;

/**
 * A topology (parents and neighbour tables per resolution) with the HIP-17 parameters and scratch buffers, so that
 * computing the density factor of every cell each epoch allocates nothing. Build once per topology and parameters.
 * Counts and factors are indexed by the topology's cell ids.
 */
export class DensityModel {
  readonly cells: number;
  readonly topology: DensityTopology;
  private readonly rollup: DensityRollup;
  private readonly identity: Uint8Array;
  /** Per resolution (clipped rollup, r ≥ 1): the id at r of each parent id at r − 1. */
  private readonly upByLevel: Int32Array[];
  private readonly coarseCounts: Float64Array[];
  private readonly coarseLimits: Float64Array[];
  private readonly clippedCounts: Float64Array[];
  private readonly coarseScales: Float64Array[];
  /** The float64 factor loops, compiled for this model alone (protocol/jit.ts). */
  private readonly fastFactors: (counts: ArrayLike<number>, out: Float64Array) => void;
  /** The occupied-only path (protocol/densityOccupied.ts), built at its first use. */
  private occupiedPath: OccupiedDensity | undefined;
  /** The delta path (protocol/densityDelta.ts), built at its first use. */
  private deltaPath: DeltaDensity | undefined;
  /** The output of the last `"auto"` or `"delta"` call, the counts it was computed from, and whether the delta path's
   * state holds them. */
  private deltaOut: Float64Array | undefined;
  private deltaCounts: Float64Array | undefined;
  private deltaReady = false;
  private deltaChanged: Int32Array | undefined;
  /** Which path the last `factors` call took (`"full"` before any). */
  lastPath: "full" | "occupied" | "delta" = "full";

  /** `world`: a hex torus (its topology is built at the parameters' levels) or a prebuilt topology. */
  constructor(
    world: HexGrid | DensityTopology,
    readonly params: DensityParams,
  ) {
    const rs = params.resolutions;
    const topology =
      "levels" in world
        ? world
        : gridTopology(
            world,
            rs.map((r) => r.level),
          );
    const got = topology.levels.map((l) => l.level);
    if (got.length !== rs.length || got.some((level, r) => level !== rs[r].level)) {
      throw new Error(
        `density: the topology's resolutions [${got.join(", ")}] are not the parameters' [${rs.map((r) => r.level).join(", ")}]`,
      );
    }
    rs.forEach((res, r) => {
      for (const key of ["target", "max"] as const) {
        if (!Number.isInteger(res[key]) || res[key] < 1) {
          throw new Error(`density: resolutions[${r}].${key} must be a positive integer, got ${res[key]}`);
        }
      }
      if (!Number.isInteger(res.n) || res.n < 0) {
        throw new Error(`density: resolutions[${r}].n must be a non-negative integer, got ${res.n}`);
      }
    });
    if (topology.builtFor !== undefined && topology.builtFor !== densityTableKey(params)) {
      throw new Error(
        `density: the topology was built for other density parameters (${topology.builtFor}) and omits neighbours these need: rebuild it for ${densityTableKey(params)}`,
      );
    }
    this.topology = topology;
    this.cells = topology.cellCount;
    this.rollup = params.rollup ?? "raw";
    const levels = topology.levels;
    this.identity = Uint8Array.from(levels, (l) => (isIdentity(l.parentOfCell, l.parentCount) ? 1 : 0));
    this.upByLevel = levels.map((l, r) =>
      r > 0 && this.rollup === "clipped" ? upOf(levels[r - 1], l) : new Int32Array(0),
    );
    this.coarseCounts = levels.map((l) => new Float64Array(l.parentCount));
    this.coarseLimits = levels.map((l) => new Float64Array(l.parentCount));
    this.clippedCounts = levels.map((l) => new Float64Array(l.parentCount));
    this.coarseScales = levels.map((l) => new Float64Array(l.parentCount));
    this.fastFactors = freshCopy(densityFactorLoops)(
      this.cells,
      this.rollup === "clipped",
      this.identity,
      Float64Array.from(rs, (r) => r.target),
      Float64Array.from(rs, (r) => r.max),
      Float64Array.from(rs, (r) => r.n),
      levels.map((l) => l.parentOfCell),
      this.upByLevel,
      levels.map((l) => l.neighbours),
      this.coarseCounts,
      this.clippedCounts,
      this.coarseScales,
    );
  }

  /** The tables the occupied-only and delta paths read. */
  private pathTables(): OccupiedDensityTables {
    const rs = this.params.resolutions;
    const levels = this.topology.levels;
    return {
      cells: this.cells,
      clippedRollup: this.rollup === "clipped",
      identity: this.identity,
      targets: Float64Array.from(rs, (r) => r.target),
      maxs: Float64Array.from(rs, (r) => r.max),
      limitByOccupied: rs.map((r) => Float64Array.from({ length: 8 }, (_, o) => hexLimit(r, o))),
      parentsByLevel: levels.map((l) => l.parentOfCell),
      upByLevel: this.upByLevel,
      neighbours: levels.map((l) => l.neighbours),
      parentCounts: levels.map((l) => l.parentCount),
    };
  }

  private occupied(): OccupiedDensity {
    this.occupiedPath ??= new OccupiedDensity(this.pathTables());
    return this.occupiedPath;
  }

  /**
   * The delta path, or false (having changed nothing) when it does not apply: an `"auto"` call whose output is not
   * the last call's, or in which more than `DELTA_PATH_MAX_SHARE` of the cells changed since it. The first call it
   * applies to computes every parent (its state), the next ones only what changed.
   */
  private delta(counts: ArrayLike<number>, out: Float64Array, forced: boolean): boolean {
    if (this.topology.levels.length === 0) return false;
    const sameOut = out === this.deltaOut;
    if (!forced && !sameOut) return false;
    const last = (this.deltaCounts ??= new Float64Array(this.cells));
    const changed = (this.deltaChanged ??= new Int32Array(this.cells));
    const limit = forced ? this.cells : Math.max(1, Math.floor(this.cells * DELTA_PATH_MAX_SHARE));
    const n = sameOut ? changedCells(counts, last, changed, limit) : -1;
    if (n < 0 && !forced) {
      this.deltaReady = false;
      return false;
    }
    // built at the first call it serves (a world where every epoch changes many cells never allocates it)
    const path = (this.deltaPath ??= new DeltaDensity(this.pathTables()));
    if (n < 0 || !this.deltaReady) {
      path.rebuild(counts, out);
      last.set(counts);
    } else if (n > 0) {
      path.update(counts, last, changed, n, out);
      for (let j = 0; j < n; j++) last[changed[j]] = counts[changed[j]];
    }
    this.deltaOut = out;
    this.deltaReady = true;
    return true;
  }

  /**
   * Fill, per resolution, the `present` count (module comment: devices, or the sum of the children's clipped
   * counts) and the HIP-17 limit of every parent cell from per-cell device counts. Returns the per-resolution
   * (counts, limits) arrays (owned by the model; valid until the next call).
   */
  limits(counts: ArrayLike<number>): { counts: Float64Array[]; limits: Float64Array[] } {
    if (counts.length !== this.cells) {
      throw new Error(`density: expected ${this.cells} cell counts, got ${counts.length}`);
    }
    const resolutions = this.params.resolutions;
    const levels = this.topology.levels;
    for (let r = 0; r < resolutions.length; r++) {
      const coarse = this.coarseCounts[r];
      if (this.rollup === "clipped" && r > 0) {
        const up = this.upByLevel[r];
        const children = this.clippedCounts[r - 1];
        coarse.fill(0);
        for (let h = 0; h < children.length; h++) coarse[up[h]] += children[h];
      } else if (this.identity[r]) coarse.set(counts);
      else {
        const parents = levels[r].parentOfCell;
        coarse.fill(0);
        for (let cell = 0; cell < this.cells; cell++) coarse[parents[cell]] += counts[cell];
      }
      const table = levels[r].neighbours;
      const limits = this.coarseLimits[r];
      const resolution = resolutions[r];
      const target = resolution.target;
      const none = levels[r].parentCount;
      for (let h = 0; h < coarse.length; h++) {
        let occupied = coarse[h] >= target ? 1 : 0;
        for (let k = 0; k < 6; k++) {
          const q = table[h * 6 + k];
          if (q !== none && coarse[q] >= target) occupied++;
        }
        limits[h] = hexLimit(resolution, occupied);
      }
      if (this.rollup === "clipped") {
        const clipped = this.clippedCounts[r];
        for (let h = 0; h < coarse.length; h++) clipped[h] = Math.min(coarse[h], limits[h]);
      }
    }
    return { counts: this.coarseCounts, limits: this.coarseLimits };
  }

  /**
   * Float64 density factor of every cell into `out` (length = cells). All 1 when scaling is disabled.
   * Same numbers as `limits()` + scale per parent + product over resolutions.
   *
   * Three paths give the same bits. The full one computes every parent at every resolution. The occupied-only one
   * lists the cells whose count is not 0, and from them the parents at each resolution that hold a device; it
   * computes counts, occupancy, limits and scales for those alone (every other parent holds 0 devices: scale 1,
   * clipped count 0, not occupied) with the full path's formulas, then the full path's products per parent and
   * cell (a parent without devices multiplies by its scale 1, which changes no bit; with the clipped rollup the
   * products are kept from call to call and only those that can have changed are recomputed: see
   * protocol/densityOccupied.ts). Counts are summed in another order, so it runs only when every count is an
   * integer and their sum of magnitudes is below 2^53 (every partial sum is then exact, so any order gives the same
   * number). The delta one keeps every parent's count, occupancy and scale from the last call on the same `out` and
   * recomputes only what the cells whose count changed reach (protocol/densityDelta.ts): a simulation epoch changes
   * a few cells of thousands.
   *
   * `path`: `"auto"` (the default) takes the delta path when `out` is the last auto call's output and at most
   * `DELTA_PATH_MAX_SHARE` of the cells changed since (the first such call computes its state in full), else the
   * occupied-only path when it applies and at most `OCCUPIED_PATH_MAX_SHARE` of the cells hold a device, else the
   * full one; an output whose delta state is ready keeps it through auto calls on other outputs (what-if scratch
   * buffers). `"delta"` takes the delta path whatever changed (its state is then this call's counts); `"occupied"`
   * the occupied-only path whenever it applies; `"full"` neither. `lastPath` says which ran.
   */
  factors(counts: ArrayLike<number>, out: Float64Array, path: DensityPath = "auto"): Float64Array {
    if (!this.params.enabled) return out.fill(1);
    if (counts.length !== this.cells) {
      throw new Error(`density: expected ${this.cells} cell counts, got ${counts.length}`);
    }
    if ((path === "auto" || path === "delta") && this.delta(counts, out, path === "delta")) {
      this.lastPath = "delta";
      return out;
    }
    const occupied =
      path !== "full" && this.occupied().factors(counts, out, path === "occupied" ? 1 : OCCUPIED_PATH_MAX_SHARE);
    if (!occupied) this.fastFactors(counts, out);
    this.lastPath = occupied ? "occupied" : "full";
    if (path === "auto" && (out === this.deltaOut || !this.deltaReady)) {
      // the next call on this output may take the delta path from these counts (an output whose delta state is
      // ready keeps it through calls on other outputs: a caller's scratch buffers)
      this.deltaOut = out;
      (this.deltaCounts ??= new Float64Array(this.cells)).set(counts);
      this.deltaReady = false;
    }
    return out;
  }

  /**
   * Exact density factor of every cell in WAD (1e18 = 1.0), rounding down at each resolution, for the oracle and
   * the exact simulator mode. Counts must be integers.
   */
  factorsWad(counts: ArrayLike<number>): bigint[] {
    const out: bigint[] = new Array<bigint>(this.cells).fill(WAD);
    if (!this.params.enabled) return out;
    for (let cell = 0; cell < this.cells; cell++) {
      if (!Number.isInteger(counts[cell]) || counts[cell] < 0) {
        throw new Error(`density: cell ${cell} count must be a non-negative integer, got ${counts[cell]}`);
      }
    }
    const { counts: coarseCounts, limits } = this.limits(counts);
    const levels = this.topology.levels;
    for (let r = 0; r < levels.length; r++) {
      const parents = levels[r].parentOfCell;
      for (let cell = 0; cell < this.cells; cell++) {
        const h = parents[cell];
        const present = coarseCounts[r][h];
        const limit = limits[r][h];
        if (present > limit) out[cell] = (out[cell] * ((BigInt(limit) * WAD) / BigInt(present))) / WAD;
      }
    }
    return out;
  }
}

/**
 * The cells whose count differs from `last` into `into` (ascending), and their number; −1 as soon as more than
 * `limit` differ.
 */
function changedCells(counts: ArrayLike<number>, last: Float64Array, into: Int32Array, limit: number): number {
  let n = 0;
  for (let cell = 0; cell < last.length; cell++) {
    const v = counts[cell];
    const w = last[cell];
    // NaN = NaN here; 0 and −0 are the same count (they give the same bits everywhere in the pass)
    if (v !== w && (v === v || w === w)) {
      if (n === limit) return -1;
      into[n++] = cell;
    }
  }
  return n;
}

/** The parent at `level` of every parent at `finer`; throws if the two resolutions do not nest. */
function upOf(finer: DensityLevel, level: DensityLevel): Int32Array {
  const up = new Int32Array(finer.parentCount).fill(-1);
  for (let cell = 0; cell < finer.parentOfCell.length; cell++) {
    const child = finer.parentOfCell[cell];
    const parent = level.parentOfCell[cell];
    if (up[child] === -1) up[child] = parent;
    else if (up[child] !== parent) {
      throw new Error(
        `density: the clipped rollup needs nested resolutions, finest first: a cell of resolution ${finer.level} lies in two cells of resolution ${level.level}`,
      );
    }
  }
  // A parent no cell maps to cannot occur (parents are built from cells); send it to "no cell" defensively.
  for (let h = 0; h < up.length; h++) if (up[h] === -1) up[h] = level.parentCount;
  return up;
}
