/**
 * Density scaling per location cell, after Helium's HIP-17 hex density scaling.
 *
 * Cells are integer ids on a hexagonal grid (pure TypeScript stand-in for H3 indexes; the oracle maps H3 cells onto
 * the same functions). The finest grid is `width × height` hexes in odd-row offset coordinates, wrapped as a torus so
 * every cell has exactly six neighbours. Resolution `level` k groups the finest cells into blocks of 2^k × 2^k (the
 * parent cell), a coarser hex grid of `ceil(width / 2^k) × ceil(height / 2^k)`.
 *
 * Per resolution r and parent cell h with `present` devices:
 *   occupied(h)   = number of cells in {h} ∪ neighbours(h) holding at least `target` devices
 *   limit(h)      = min(max, target × max(occupied(h) − N + 1, 1))
 *   scale_r(h)    = present ≤ limit ? 1 : limit / present
 * and a device's density factor is the product of scale_r over the configured resolutions of its cell's parents.
 * The integer part (present, limit) is computed once here and shared by the float64 and the bigint (WAD) paths.
 */
import { freshCopy } from "./jit";
import { WAD } from "./math";

/** A hexagonal grid of integer cell ids `row × width + col` at the finest resolution. */
export interface HexGrid {
  readonly width: number;
  readonly height: number;
}

/** One resolution of HIP-17 density scaling. */
export interface DensityResolution {
  /** Aggregation level: 0 = the finest cells, k = blocks of 2^k × 2^k cells. */
  readonly level: number;
  /** Devices a cell may hold before it is crowded (HIP-17 `density_tgt`). */
  readonly target: number;
  /** Upper bound of the limit however many neighbours are occupied (HIP-17 `density_max`). */
  readonly max: number;
  /** Occupied-neighbour threshold N (HIP-17 `N`). */
  readonly n: number;
}

export interface DensityParams {
  readonly enabled: boolean;
  readonly resolutions: readonly DensityResolution[];
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

/** HIP-17 limit of one parent cell: `min(max, target × max(occupied − N + 1, 1))`. */
export function hexLimit(resolution: DensityResolution, occupied: number): number {
  return Math.min(resolution.max, resolution.target * Math.max(occupied - resolution.n + 1, 1));
}

/**
 * The float64 factor loops over one model's tables (self-contained, for `freshCopy`): per resolution the device
 * count of every parent cell, its HIP-17 scale (1, or limit ÷ present; `hexLimit` written out), then one product per
 * cell and resolution in resolution order (1 × s0 × s1 …: the first factor is exact, so `out = s0` is the same bits).
 * Occupancy is a byte per parent and the limit a lookup by occupied count (the same `hexLimit` numbers), so the
 * loop has no data-dependent branch but the final select; the finest level reads the counts in place.
 */
function densityFactorLoops(
  cells: number,
  levels: Int32Array,
  targets: Float64Array,
  maxs: Float64Array,
  ns: Float64Array,
  parentsByLevel: Int32Array[],
  tables: Int32Array[],
  coarseCounts: Float64Array[],
  scales: Float64Array[],
): (counts: ArrayLike<number>, out: Float64Array) => void {
  const R = levels.length;
  // per resolution: 1 where a parent holds at least `target` devices, and the HIP-17 limit by occupied count (0…7)
  const occupancy = scales.map((x) => new Uint8Array(x.length));
  const limitByOccupied = Array.from({ length: R }, (_, r) => {
    const lut = new Float64Array(8);
    for (let o = 0; o < 8; o++) lut[o] = Math.min(maxs[r], targets[r] * Math.max(o - ns[r] + 1, 1));
    return lut;
  });
  function scalesOf(r: number, present: ArrayLike<number>): void {
    const target = targets[r];
    const table = tables[r];
    const scale = scales[r];
    const occ = occupancy[r];
    const lut = limitByOccupied[r];
    const len = scale.length;
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
    }
  }
  function coarseSum(r: number, counts: ArrayLike<number>): Float64Array {
    const parents = parentsByLevel[r];
    const coarse = coarseCounts[r];
    coarse.fill(0);
    for (let cell = 0; cell < cells; cell++) coarse[parents[cell]] += counts[cell];
    return coarse;
  }
  function multiply(r: number, out: Float64Array): void {
    const scale = scales[r];
    if (levels[r] === 0) {
      if (r === 0) out.set(scale);
      else for (let cell = 0; cell < cells; cell++) out[cell] *= scale[cell];
    } else {
      const parents = parentsByLevel[r];
      if (r === 0) for (let cell = 0; cell < cells; cell++) out[cell] = scale[parents[cell]];
      else for (let cell = 0; cell < cells; cell++) out[cell] *= scale[parents[cell]];
    }
  }
  return function factors(counts: ArrayLike<number>, out: Float64Array): void {
    for (let r = 0; r < R; r++) scalesOf(r, levels[r] === 0 ? counts : coarseSum(r, counts));
    for (let r = 0; r < R; r++) multiply(r, out);
  };
}

/**
 * Precomputed topology (parents and neighbour tables per resolution) and scratch buffers, so that computing the
 * density factor of every cell each epoch allocates nothing. Build once per grid and parameters.
 */
export class DensityModel {
  readonly cells: number;
  private readonly parents: Int32Array[];
  private readonly coarseNeighbours: Int32Array[];
  private readonly coarseCounts: Float64Array[];
  private readonly coarseLimits: Float64Array[];
  private readonly coarseScales: Float64Array[];
  /** The float64 factor loops, compiled for this model alone (protocol/jit.ts). */
  private readonly fastFactors: (counts: ArrayLike<number>, out: Float64Array) => void;

  constructor(
    readonly grid: HexGrid,
    readonly params: DensityParams,
  ) {
    if (!Number.isInteger(grid.width) || grid.width < 1 || !Number.isInteger(grid.height) || grid.height < 1) {
      throw new Error(`density: grid width and height must be positive integers, got ${grid.width}×${grid.height}`);
    }
    this.cells = cellCount(grid);
    this.parents = [];
    this.coarseNeighbours = [];
    this.coarseCounts = [];
    this.coarseLimits = [];
    this.coarseScales = [];
    for (const resolution of params.resolutions) {
      if (!Number.isInteger(resolution.level) || resolution.level < 0) {
        throw new Error(`density: resolution level must be a non-negative integer, got ${resolution.level}`);
      }
      const coarse = gridAtLevel(grid, resolution.level);
      const parents = new Int32Array(this.cells);
      for (let cell = 0; cell < this.cells; cell++) parents[cell] = parentCell(grid, cell, resolution.level);
      const coarseCells = cellCount(coarse);
      const table = new Int32Array(coarseCells * 6);
      for (let h = 0; h < coarseCells; h++) table.set(neighbours(coarse, h), h * 6);
      this.parents.push(parents);
      this.coarseNeighbours.push(table);
      this.coarseCounts.push(new Float64Array(coarseCells));
      this.coarseLimits.push(new Float64Array(coarseCells));
      this.coarseScales.push(new Float64Array(coarseCells));
    }
    const rs = params.resolutions;
    this.fastFactors = freshCopy(densityFactorLoops)(
      this.cells,
      Int32Array.from(rs, (r) => r.level),
      Float64Array.from(rs, (r) => r.target),
      Float64Array.from(rs, (r) => r.max),
      Float64Array.from(rs, (r) => r.n),
      this.parents,
      this.coarseNeighbours,
      this.coarseCounts,
      this.coarseScales,
    );
  }

  /**
   * Fill, per resolution, the device count and the HIP-17 limit of every parent cell from per-cell device counts.
   * Returns the per-resolution (counts, limits) arrays (owned by the model; valid until the next call).
   */
  limits(counts: ArrayLike<number>): { counts: Float64Array[]; limits: Float64Array[] } {
    if (counts.length !== this.cells) {
      throw new Error(`density: expected ${this.cells} cell counts, got ${counts.length}`);
    }
    const resolutions = this.params.resolutions;
    for (let r = 0; r < resolutions.length; r++) {
      const parents = this.parents[r];
      const coarse = this.coarseCounts[r];
      if (resolutions[r].level === 0) coarse.set(counts);
      else {
        coarse.fill(0);
        for (let cell = 0; cell < this.cells; cell++) coarse[parents[cell]] += counts[cell];
      }
      const table = this.coarseNeighbours[r];
      const limits = this.coarseLimits[r];
      const resolution = resolutions[r];
      const target = resolution.target;
      for (let h = 0; h < coarse.length; h++) {
        let occupied = coarse[h] >= target ? 1 : 0;
        for (let k = 0; k < 6; k++) if (coarse[table[h * 6 + k]] >= target) occupied++;
        limits[h] = hexLimit(resolution, occupied);
      }
    }
    return { counts: this.coarseCounts, limits: this.coarseLimits };
  }

  /**
   * Float64 density factor of every cell into `out` (length = cells). All 1 when scaling is disabled.
   * Same numbers as `limits()` + scale per parent + product over resolutions, but a parent whose count cannot exceed
   * any limit (count ≤ min(max, target) ≤ limit) skips the neighbour scan, and the finest level needs no copy.
   */
  factors(counts: ArrayLike<number>, out: Float64Array): Float64Array {
    if (!this.params.enabled) return out.fill(1);
    if (counts.length !== this.cells) {
      throw new Error(`density: expected ${this.cells} cell counts, got ${counts.length}`);
    }
    this.fastFactors(counts, out);
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
    for (let r = 0; r < this.parents.length; r++) {
      const parents = this.parents[r];
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
