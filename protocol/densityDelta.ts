/**
 * The delta path of `DensityModel.factors` (protocol/density.ts, where the paths are described): a call after a
 * call on the same output recomputes only what the changed cells can reach, with the full path's formulas, the
 * same bits.
 *
 * A changed cell changes its parent's count at every resolution (with the clipped rollup: at the next resolution
 * only when the parent's clipped count changed); a count that crosses `target` changes the limits of the parents
 * that list it as a neighbour; a parent whose scale changed changes the factors of the cells under it (with the
 * clipped rollup, through the products s_r × (s_r+1 × …) of its descendants). A simulation epoch changes a few
 * cells of thousands, so a call costs a few parents and their cells instead of every parent at every resolution.
 *
 * Counts are kept as the full path sums them: a recomputed count is its children's values added in ascending id
 * order from 0 (as the full pass's scatter adds them), or, while every count is an integer and their magnitudes sum
 * below 2^53, the old count plus the change (every partial sum is then exact: any order gives the same number).
 * Pure computation over typed arrays owned by the model.
 */
import { EXACT_INTEGERS, groupBy, type OccupiedDensityTables } from "./densityOccupied";

/** A set of ids below a bound: a list and a byte per id (cleared by `clear`). */
class IdSet {
  readonly list: Int32Array;
  readonly has: Uint8Array;
  size = 0;
  constructor(bound: number) {
    this.list = new Int32Array(bound);
    this.has = new Uint8Array(bound);
  }
  add(id: number): void {
    if (this.has[id] === 0) {
      this.has[id] = 1;
      this.list[this.size++] = id;
    }
  }
  clear(): void {
    for (let j = 0; j < this.size; j++) this.has[this.list[j]] = 0;
    this.size = 0;
  }
}

export class DeltaDensity {
  private readonly R: number;
  private readonly count: Float64Array[];
  /** Per resolution, one byte per parent plus a 0 for "no cell" (the neighbour id `parentCount`). */
  private readonly occupancy: Uint8Array[];
  private readonly scale: Float64Array[];
  private readonly clipped: Float64Array[];
  /** Clipped rollup: s_r × (s_r+1 × …) per parent. */
  private readonly nested: Float64Array[];
  /** Children of each parent (cells at resolution 0 and with the raw rollup; parents at r − 1 otherwise). */
  private readonly children: { start: Int32Array; list: Int32Array }[];
  /** Per resolution: the parents that list each parent among their neighbours. */
  private readonly listedBy: { start: Int32Array; list: Int32Array }[];
  /** Per resolution: parents whose count may have changed, whose scale must be recomputed, whose scale changed. */
  private readonly recount: IdSet[];
  private readonly rescale: IdSet[];
  private readonly changedScale: IdSet[];
  private readonly changedCells: IdSet;
  /** Cells whose count is not an integer, and Σ |count| (the integer update applies while 0 and below 2^53). */
  private fractional = 0;
  private magnitude = 0;

  constructor(private readonly t: OccupiedDensityTables) {
    const n = t.parentCounts;
    this.R = n.length;
    this.count = n.map((len) => new Float64Array(len));
    this.occupancy = n.map((len) => new Uint8Array(len + 1));
    this.scale = n.map((len) => new Float64Array(len));
    this.clipped = n.map((len) => new Float64Array(len));
    this.nested = n.map((len) => new Float64Array(t.clippedRollup ? len : 0));
    this.children = n.map((len, r) => groupBy(r > 0 && t.clippedRollup ? t.upByLevel[r] : t.parentsByLevel[r], len));
    this.listedBy = n.map((len, r) => {
      // entry k of the table belongs to parent ⌊k / 6⌋: group those entries by the parent they name
      const grouped = groupBy(t.neighbours[r], len);
      for (let j = 0; j < grouped.list.length; j++) grouped.list[j] = (grouped.list[j] / 6) | 0;
      return grouped;
    });
    this.recount = n.map((len) => new IdSet(len));
    this.rescale = n.map((len) => new IdSet(len));
    this.changedScale = n.map((len) => new IdSet(len));
    this.changedCells = new IdSet(t.cells);
  }

  /** Every count, scale and factor from `counts` (the full path's numbers), into `out`. */
  rebuild(counts: ArrayLike<number>, out: Float64Array): void {
    const { R, t } = this;
    this.fractional = 0;
    this.magnitude = 0;
    for (let c = 0; c < t.cells; c++) this.track(counts[c], 1);
    for (let r = 0; r < R; r++) {
      const len = t.parentCounts[r];
      for (let h = 0; h < len; h++) this.count[r][h] = this.sumOf(r, h, counts);
      for (let h = 0; h < len; h++) this.occupancy[r][h] = this.count[r][h] >= t.targets[r] ? 1 : 0;
      for (let h = 0; h < len; h++) this.scaleOf(r, h);
    }
    if (t.clippedRollup) {
      for (let r = R - 1; r >= 0; r--) for (let h = 0; h < t.parentCounts[r]; h++) this.nestOf(r, h);
    }
    for (let c = 0; c < t.cells; c++) out[c] = this.factorOf(c);
  }

  /**
   * The state after `changed[0 … n)` cells took their values in `counts` (`old` holds their previous values), the
   * factors that changed written into `out` (which holds the last call's factors).
   */
  update(counts: ArrayLike<number>, old: ArrayLike<number>, changed: Int32Array, n: number, out: Float64Array): void {
    const { R, t } = this;
    // integer updates need every stored count exact (before) and every new one (after)
    const exactBefore = this.isExact();
    for (let j = 0; j < n; j++) {
      const c = changed[j];
      this.track(old[c], -1);
      this.track(counts[c], 1);
    }
    const exact = exactBefore && this.isExact();
    for (let r = 0; r < R; r++) {
      const recount = this.recount[r];
      const count = this.count[r];
      if (r === 0 || !t.clippedRollup) {
        const parents = t.parentsByLevel[r];
        const identity = t.identity[r] === 1;
        for (let j = 0; j < n; j++) {
          const c = changed[j];
          const h = identity ? c : parents[c];
          recount.add(h);
          if (exact) count[h] += counts[c] - old[c];
        }
        if (!exact)
          for (let j = 0; j < recount.size; j++) count[recount.list[j]] = this.sumOf(r, recount.list[j], counts);
      } else {
        // clipped rollup: the parents of the children whose clipped count changed (kept in changedScale[r − 1])
        const up = t.upByLevel[r];
        const below = this.changedScale[r - 1];
        for (let j = 0; j < below.size; j++) if (up[below.list[j]] < t.parentCounts[r]) recount.add(up[below.list[j]]);
        for (let j = 0; j < recount.size; j++) count[recount.list[j]] = this.sumOf(r, recount.list[j], counts);
      }
      this.rescaleLevel(r);
    }
    if (t.clippedRollup) this.nestDown();
    else {
      for (let r = 0; r < R; r++) {
        const s = this.changedScale[r];
        const kids = this.children[r];
        for (let j = 0; j < s.size; j++) {
          const h = s.list[j];
          for (let k = kids.start[h]; k < kids.start[h + 1]; k++) this.changedCells.add(kids.list[k]);
        }
      }
    }
    const cells = this.changedCells;
    for (let j = 0; j < cells.size; j++) out[cells.list[j]] = this.factorOf(cells.list[j]);
    cells.clear();
    for (let r = 0; r < R; r++) {
      this.recount[r].clear();
      this.rescale[r].clear();
      this.changedScale[r].clear();
    }
  }

  private isExact(): boolean {
    return this.fractional === 0 && this.magnitude < EXACT_INTEGERS;
  }

  private track(value: number, sign: 1 | -1): void {
    if (!Number.isInteger(value)) this.fractional += sign;
    else this.magnitude += sign * Math.abs(value);
  }

  /**
   * A parent's count as the full pass sums it: its children's values in ascending id order from 0; a parent that
   * is the cell itself, the cell's count.
   */
  private sumOf(r: number, h: number, counts: ArrayLike<number>): number {
    const t = this.t;
    if (r > 0 && t.clippedRollup) {
      const kids = this.children[r];
      const clipped = this.clipped[r - 1];
      let sum = 0;
      for (let k = kids.start[h]; k < kids.start[h + 1]; k++) sum += clipped[kids.list[k]];
      return sum;
    }
    if (t.identity[r]) return counts[h];
    const kids = this.children[r];
    let sum = 0;
    for (let k = kids.start[h]; k < kids.start[h + 1]; k++) sum += counts[kids.list[k]];
    return sum;
  }

  /** Occupancy of the recounted parents; the scales of those and of the parents listing a flipped one. */
  private rescaleLevel(r: number): void {
    const t = this.t;
    const recount = this.recount[r];
    const rescale = this.rescale[r];
    const occupancy = this.occupancy[r];
    const target = t.targets[r];
    const neighbourhood = t.maxs[r] > target;
    const by = this.listedBy[r];
    for (let j = 0; j < recount.size; j++) {
      const h = recount.list[j];
      rescale.add(h);
      const occupied = this.count[r][h] >= target ? 1 : 0;
      if (occupied !== occupancy[h]) {
        occupancy[h] = occupied;
        if (neighbourhood) for (let k = by.start[h]; k < by.start[h + 1]; k++) rescale.add(by.list[k]);
      }
    }
    const changed = this.changedScale[r];
    for (let j = 0; j < rescale.size; j++) {
      const h = rescale.list[j];
      const scale = this.scale[r][h];
      const clipped = this.clipped[r][h];
      this.scaleOf(r, h);
      if (!Object.is(scale, this.scale[r][h]) || !Object.is(clipped, this.clipped[r][h])) changed.add(h);
    }
  }

  /** The full path's `scalesOf` for one parent. */
  private scaleOf(r: number, h: number): void {
    const t = this.t;
    const p = this.count[r][h];
    let limit: number;
    if (t.maxs[r] <= t.targets[r]) limit = t.maxs[r];
    else {
      const occ = this.occupancy[r];
      const table = t.neighbours[r];
      const k = h * 6;
      const occupied =
        occ[h] +
        occ[table[k]] +
        occ[table[k + 1]] +
        occ[table[k + 2]] +
        occ[table[k + 3]] +
        occ[table[k + 4]] +
        occ[table[k + 5]];
      limit = t.limitByOccupied[r][occupied];
    }
    this.scale[r][h] = p > limit ? limit / p : 1;
    this.clipped[r][h] = p > limit ? limit : p;
  }

  /** The full path's `multiplyNested` for one parent: s_r(h) × (product of its parent at r + 1). */
  private nestOf(r: number, h: number): void {
    const R = this.R;
    this.nested[r][h] =
      r === R - 1 ? this.scale[r][h] : this.scale[r][h] * this.nested[r + 1][this.t.upByLevel[r + 1][h]];
  }

  /** Clipped rollup: the products of the parents whose scale or parent's product changed, coarsest first. */
  private nestDown(): void {
    const { R, t } = this;
    for (let r = R - 1; r >= 0; r--) {
      const queue = this.rescale[r];
      queue.clear();
      const s = this.changedScale[r];
      for (let j = 0; j < s.size; j++) queue.add(s.list[j]);
      for (let j = 0; j < queue.size; j++) {
        const h = queue.list[j];
        const before = this.nested[r][h];
        this.nestOf(r, h);
        if (Object.is(before, this.nested[r][h])) continue;
        const kids = this.children[r];
        if (r > 0) {
          // the children at r − 1 (their products) are queued through changedScale[r − 1]
          for (let k = kids.start[h]; k < kids.start[h + 1]; k++) this.changedScale[r - 1].add(kids.list[k]);
        } else if (t.identity[0]) this.changedCells.add(h);
        else for (let k = kids.start[h]; k < kids.start[h + 1]; k++) this.changedCells.add(kids.list[k]);
      }
    }
  }

  /** The full path's product for one cell: 1 × s0 × s1 … (raw), or the product of its resolution-0 parent. */
  private factorOf(c: number): number {
    const { R, t } = this;
    let v: number;
    if (t.clippedRollup) v = this.nested[0][t.identity[0] ? c : t.parentsByLevel[0][c]];
    else {
      v = this.scale[0][t.identity[0] ? c : t.parentsByLevel[0][c]];
      for (let r = 1; r < R; r++) v *= this.scale[r][t.identity[r] ? c : t.parentsByLevel[r][c]];
    }
    return v;
  }
}
