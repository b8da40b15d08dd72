/**
 * H3 cells (h3-js 4.5) as the protocol sees them: the on-chain `uint64` ↔ the h3-js index string, validation, and
 * the density topology of a set of cells (`DensityTopology`, protocol/density.ts), built once so that the density
 * loops never call h3-js. Pure computation, no I/O.
 */
import { getResolution, gridDisk, h3IndexToSplitLong, isValidCell, latLngToCell } from "h3-js";
import { densityTableKey, type DensityLevel, type DensityParams, type DensityTopology } from "./density";

/** Finest H3 resolution. */
export const H3_MAX_RESOLUTION = 15;

/** The h3-js index string of an on-chain cell (lower-case hex, no prefix; not checked). */
export function h3IndexOf(cell: bigint): string {
  return cell.toString(16);
}

/** The on-chain `uint64` of an h3-js index string. */
export function cellOfH3Index(index: string): bigint {
  return BigInt("0x" + index);
}

/**
 * Why an on-chain cell cannot locate a device, or `undefined` if it is a valid H3 cell at `minResolution` or finer:
 * `"cell-invalid"` (not an H3 cell index: 0, a vertex or edge index, a bad digit …) or `"cell-too-coarse"`.
 */
export function h3CellProblem(cell: bigint, minResolution: number): "cell-invalid" | "cell-too-coarse" | undefined {
  if (cell <= 0n || cell >= 1n << 64n) return "cell-invalid";
  const index = h3IndexOf(cell);
  if (!isValidCell(index)) return "cell-invalid";
  return getResolution(index) < minResolution ? "cell-too-coarse" : undefined;
}

/** The on-chain cell of a point (degrees) at `resolution`. */
export function cellOfLatLng(lat: number, lng: number, resolution: number): bigint {
  return cellOfH3Index(latLngToCell(lat, lng, resolution));
}

/** A topology of H3 cells: `h3Cells[id]` is the index of cell `id`. */
export interface H3Topology extends DensityTopology {
  readonly h3Cells: readonly string[];
  /** The cell id of each index given to `h3Topology`, in the given order (duplicates share an id). */
  readonly givenIds: Int32Array;
  /** The cell id of an index, or `undefined` if it is not one of the topology's cells. */
  idOf(index: string): number | undefined;
}

const TWO_32 = 4294967296;

/**
 * A cell's digits as one exact number: base cell and digits 1..res of the H3 index (bits 51 down to 3·(15 − res);
 * at most 52 bits), so that cells of one resolution are told apart by a number and the parent at a coarser
 * resolution r is `floor(key / 8^(res − r))` (H3 parents truncate digits: `cellToParent` sets the resolution and
 * fills the finer digits with 7). Tested against h3-js (`cellToParent`) in test/protocol/h3.test.ts.
 */
function digitsKey(split: readonly [number, number], res: number): number {
  return Math.floor(((split[1] & 0xfffff) * TWO_32 + (split[0] >>> 0)) / FINER_DIGITS[res]);
}

/** 2^(3·(15 − res)): the value of the digits finer than `res`, by resolution. */
const FINER_DIGITS = Array.from({ length: H3_MAX_RESOLUTION + 1 }, (_, res) => 2 ** (45 - 3 * res));

/** The h3-js split long `[lower, upper]` of the cell with `digitsKey` `key` at resolution `res` (mode 1 = cell). */
function splitOfKey(key: number, res: number): [number, number] {
  const shift = FINER_DIGITS[res];
  const value = key * shift + (shift - 1);
  return [value % TWO_32, Math.floor(value / TWO_32) + 0x08000000 + res * 0x100000];
}

/**
 * Dense ids 0, 1, 2 … of `digitsKey`s in insertion order (open addressing over typed arrays: a JavaScript Map
 * keyed by 52-bit numbers was the largest cost of building a topology for a million cells). At most `capacity`.
 */
class DigitsIndex {
  /** `keys[id]`: the key of id. */
  readonly keys: Float64Array;
  private readonly slots: Int32Array;
  private readonly shift: number;
  size = 0;

  constructor(capacity: number) {
    const bits = Math.max(4, Math.ceil(Math.log2(2 * capacity + 1)));
    this.shift = 32 - bits;
    this.keys = new Float64Array(capacity);
    this.slots = new Int32Array(2 ** bits).fill(-1);
  }

  private slotOf(key: number): number {
    const mask = this.slots.length - 1;
    let slot = Math.imul(((key % TWO_32) | 0) ^ Math.imul((key / TWO_32) | 0, 0x27d4eb2d), 0x9e3779b1) >>> this.shift;
    while (this.slots[slot] !== -1 && this.keys[this.slots[slot]] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  /** The id of `key`, or −1. */
  get(key: number): number {
    return this.slots[this.slotOf(key)];
  }

  /** The id of `key`, adding it if new. */
  add(key: number): number {
    const slot = this.slotOf(key);
    if (this.slots[slot] === -1) {
      this.slots[slot] = this.size;
      this.keys[this.size++] = key;
    }
    return this.slots[slot];
  }
}

/**
 * The density topology of `cells` (h3-js index strings; duplicates are one cell; ids in first-seen order) for the
 * resolutions of `density` (levels are H3 resolutions; each at most the resolution of every cell). Parents by
 * truncating digits (`digitsKey`), from the finest resolution to the coarsest, so each step maps the distinct
 * parents of the previous one. Neighbours from h3-js `gridDisk(parent, 1)` (the costly part: its results are
 * strings), kept when they are parents of some cell (any other hex holds no device) and otherwise "no cell"
 * (`parentCount`). Neighbours are looked up only where they can change a limit under `density`
 * (`neighboursOmitted`; the model refuses the topology for other resolutions, targets, maxima or rollup):
 * - nowhere at a resolution with max ≤ target (its limit is max whatever the occupancy);
 * - with the clipped rollup, not for a parent that can never hold more than min(target, max): its count is at most
 *   Σ over its cells at the previous resolution of min(their bound, that resolution's max) (no bound at the first),
 *   so whatever its neighbours it is never scaled and its clipped count is its count.
 */
export function h3Topology(cells: Iterable<string>, density: DensityParams): H3Topology {
  const rs = density.resolutions;
  rs.forEach((r, i) => {
    if (!Number.isInteger(r.level) || r.level < 0 || r.level > H3_MAX_RESOLUTION) {
      throw new Error(`h3Topology: resolutions[${i}] must be an H3 resolution 0..${H3_MAX_RESOLUTION}, got ${r.level}`);
    }
  });
  const clipped = density.rollup === "clipped";
  if (clipped && rs.some((r, i) => i > 0 && r.level >= rs[i - 1].level)) {
    throw new Error("h3Topology: the clipped rollup needs resolutions from finest to coarsest");
  }
  const finest = rs.length ? Math.max(...rs.map((r) => r.level)) : 0;

  // Cells: parse and validate, then ids by (resolution, digits).
  const given = [...cells];
  const givenSplits = given.map((index) => {
    const split = h3IndexToSplitLong(index);
    if (!isValidCell(split)) throw new Error(`h3Topology: "${index}" is not a valid H3 cell index`);
    return split;
  });
  const givenResolutions = Uint8Array.from(givenSplits, (split) => getResolution(split));
  const perResolution = new Int32Array(H3_MAX_RESOLUTION + 1);
  givenResolutions.forEach((res, i) => {
    if (res < finest) {
      throw new Error(`h3Topology: cell ${given[i]} is at resolution ${res}, coarser than resolution ${finest}`);
    }
    perResolution[res]++;
  });
  const byResolution = Array.from(perResolution, (n) => new DigitsIndex(n));
  const firstIdAt = Array.from(perResolution, () => [] as number[]); // global id of each per-resolution id
  const h3Cells: string[] = [];
  const cellSplits: [number, number][] = [];
  const givenIds = new Int32Array(given.length);
  given.forEach((index, i) => {
    const res = givenResolutions[i];
    const local = byResolution[res];
    const before = local.size;
    const id = local.add(digitsKey(givenSplits[i], res));
    if (local.size > before) {
      firstIdAt[res].push(h3Cells.length);
      h3Cells.push(index);
      cellSplits.push(givenSplits[i]);
    }
    givenIds[i] = firstIdAt[res][id];
  });
  const cellCount = h3Cells.length;

  const levels: DensityLevel[] = [];
  // The previous (finer) step: its parents, each cell's parent id there, and each parent's bound (clipped rollup).
  let previous:
    { parents: DigitsIndex; res: number; parentOfCell: Int32Array; bound: Float64Array; max: number } | undefined;
  for (const resolution of rs) {
    const res = resolution.level;
    const parents = new DigitsIndex(previous ? previous.parents.size : cellCount);
    const parentOfCell = new Int32Array(cellCount);
    let bound: Float64Array;
    if (previous === undefined) {
      for (let cell = 0; cell < cellCount; cell++) parentOfCell[cell] = parents.add(digitsKey(cellSplits[cell], res));
      bound = new Float64Array(parents.size).fill(Infinity);
    } else {
      const divisor = 8 ** (previous.res - res);
      const up = new Int32Array(previous.parents.size);
      for (let h = 0; h < up.length; h++) up[h] = parents.add(Math.floor(previous.parents.keys[h] / divisor));
      for (let cell = 0; cell < cellCount; cell++) parentOfCell[cell] = up[previous.parentOfCell[cell]];
      bound = new Float64Array(parents.size);
      if (clipped) for (let h = 0; h < up.length; h++) bound[up[h]] += Math.min(previous.bound[h], previous.max);
      else bound.fill(Infinity);
    }
    const parentCount = parents.size;
    const table = new Int32Array(parentCount * 6).fill(parentCount);
    const floor = Math.min(resolution.target, resolution.max);
    let omitted = false;
    for (let h = 0; h < parentCount; h++) {
      if (resolution.max <= resolution.target || bound[h] <= floor) {
        omitted = true;
        continue;
      }
      const own = parents.keys[h];
      let k = 0;
      for (const q of gridDisk(splitOfKey(own, res), 1)) {
        const key = digitsKey(h3IndexToSplitLong(q), res);
        if (key === own) continue;
        const id = parents.get(key);
        if (id !== -1) table[h * 6 + k] = id;
        k++;
      }
    }
    levels.push({ level: res, parentCount, parentOfCell, neighbours: table, neighboursOmitted: omitted });
    previous = { parents, res, parentOfCell, bound, max: resolution.max };
  }
  return {
    cellCount,
    levels,
    builtFor: densityTableKey(density),
    h3Cells,
    givenIds,
    idOf: (index) => {
      const split = h3IndexToSplitLong(index);
      if (!isValidCell(split)) return undefined;
      const res = getResolution(split);
      const local = byResolution[res].get(digitsKey(split, res));
      return local === -1 ? undefined : firstIdAt[res][local];
    },
  };
}
