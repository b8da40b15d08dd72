/**
 * The occupied-only path of `DensityModel.factors` (protocol/density.ts, where the two paths are described): the
 * HIP-17 counts, limits and scales of the parents that hold a device, kept from call to call, the full path's
 * formulas and products, the same bits.
 *
 * State per resolution r: the parents that held a device at the last call (`active[r]`), and for them alone a scale
 * ≠ 1, a clipped count, a count and an occupancy byte (every other parent has 1, 0, 0, 0: what the full path computes
 * for a parent without devices). With the clipped rollup also the product s_r × (s_r+1 × …) of every parent
 * (`nested[r]`) and the factor of every cell, kept too: a call recomputes the products of the parents whose scale may
 * have changed (active now or at the last call) and, top down, of the children of every parent whose product changed,
 * then copies the cells' factors out. The raw rollup takes the full path's per-cell products (a level whose scales
 * are all 1 is skipped: x × 1 = x).
 *
 * The loops are module functions over typed arrays passed in, not a per-model closure (`lib/jit.ts` `freshCopy`):
 * a simulation builds a model per replicate, and short sparse loops recompiled for each would spend much of a
 * 365-epoch run warming up. Pure computation.
 */

/** The tables of one model that the path reads (owned by the model, never written here). */
export interface OccupiedDensityTables {
  readonly cells: number;
  readonly clippedRollup: boolean;
  /** Per resolution: 1 when its parents are the cells themselves. */
  readonly identity: Uint8Array;
  readonly targets: Float64Array;
  readonly maxs: Float64Array;
  /** Per resolution: the HIP-17 limit by occupied count 0 … 7 (`hexLimit`). */
  readonly limitByOccupied: readonly Float64Array[];
  readonly parentsByLevel: readonly Int32Array[];
  /** Clipped rollup, r ≥ 1: the id at r of each parent id at r − 1. */
  readonly upByLevel: readonly Int32Array[];
  readonly neighbours: readonly Int32Array[];
  readonly parentCounts: readonly number[];
}

/** Every integer below this is exact in float64, and so is every sum of integers whose magnitudes sum below it. */
export const EXACT_INTEGERS = 2 ** 53;

/**
 * Ids grouped by the parent `up` gives them: parent h's are `list[start[h]] … list[start[h + 1] − 1]`, ascending;
 * entries of `up` at or above `len` ("no cell") are left out.
 */
export function groupBy(up: Int32Array, len: number): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(len + 1);
  for (let j = 0; j < up.length; j++) if (up[j] < len) start[up[j] + 1]++;
  for (let h = 0; h < len; h++) start[h + 1] += start[h];
  const fill = start.slice(0, len);
  const list = new Int32Array(start[len]);
  for (let j = 0; j < up.length; j++) if (up[j] < len) list[fill[up[j]]++] = j;
  return { start, list };
}

/** A resolution with more than 1 / NEST_ALL_SHARE of its parents queued recomputes every product from there down. */
const NEST_ALL_SHARE = 4;

export class OccupiedDensity {
  private readonly R: number;
  private readonly activeCells: Int32Array;
  private readonly active: Int32Array[];
  private readonly activeLength: Int32Array;
  private readonly listed: Uint8Array[];
  private readonly scale: Float64Array[];
  private readonly clipped: Float64Array[];
  private readonly count: Float64Array[];
  /** Per resolution, one byte per parent plus a 0 for "no cell" (the neighbour id `parentCount`). */
  private readonly occupancy: Uint8Array[];
  /** Raw rollup, per resolution: 1 when some parent's scale is not 1. */
  private readonly crowded: Uint8Array;
  // clipped rollup
  private readonly nested: Float64Array[];
  private readonly cellFactors: Float64Array;
  private nestedValid = false;
  private readonly queue: Int32Array[];
  private readonly queueLength: Int32Array;
  private readonly queued: Uint8Array[];
  /** Children of each parent at r: `children[r][childStart[r][h] … childStart[r][h + 1]]`, ids at r − 1 (cells at 0). */
  private childStart: Int32Array[] = [];
  private children: Int32Array[] = [];

  constructor(private readonly t: OccupiedDensityTables) {
    const counts = t.parentCounts;
    const clipped = t.clippedRollup;
    this.R = counts.length;
    this.activeCells = new Int32Array(t.cells);
    this.active = counts.map((n) => new Int32Array(n));
    this.activeLength = new Int32Array(this.R);
    this.listed = counts.map((n) => new Uint8Array(n));
    this.scale = counts.map((n) => new Float64Array(n).fill(1));
    this.clipped = counts.map((n) => new Float64Array(n));
    this.count = counts.map((n) => new Float64Array(n));
    this.occupancy = counts.map((n) => new Uint8Array(n + 1));
    this.crowded = new Uint8Array(this.R);
    this.nested = counts.map((n) => new Float64Array(clipped ? n : 0));
    this.cellFactors =
      clipped && this.R > 0 && t.identity[0] === 0
        ? new Float64Array(t.cells)
        : (this.nested[0] ?? new Float64Array(0));
    this.queue = counts.map((n) => new Int32Array(clipped ? n : 0));
    this.queueLength = new Int32Array(this.R);
    this.queued = counts.map((n) => new Uint8Array(clipped ? n : 0));
  }

  /**
   * The factors of every cell into `out`, or false, having changed nothing, when a count is not an integer, the
   * counts' magnitudes sum to 2^53 or more (then a sum could depend on the order of addition), or more than
   * `maxActiveShare` of the cells hold a device.
   */
  factors(counts: ArrayLike<number>, out: Float64Array, maxActiveShare: number): boolean {
    const { R, t } = this;
    if (R === 0) return false;
    const k = listNonZero(counts, t.cells, this.activeCells);
    if (k < 0 || k > maxActiveShare * t.cells) return false;
    const clipped = t.clippedRollup;
    for (let r = 0; r < R; r++) {
      forget(
        this.active[r],
        this.activeLength[r],
        this.scale[r],
        this.clipped[r],
        this.count[r],
        this.occupancy[r],
        this.listed[r],
      );
      if (clipped) enqueueAll(this.active[r], this.activeLength[r], this.queue[r], this.queued[r], this.queueLength, r);
    }
    for (let r = 0; r < R; r++) {
      let present: ArrayLike<number>;
      if (r > 0 && clipped) {
        const m = gatherParents(
          this.active[r - 1],
          this.activeLength[r - 1],
          t.upByLevel[r],
          this.clipped[r - 1],
          this.active[r],
          this.listed[r],
          this.count[r],
        );
        this.activeLength[r] = m;
        present = this.count[r];
      } else if (t.identity[r]) {
        this.active[r].set(this.activeCells.subarray(0, k));
        this.activeLength[r] = k;
        present = counts;
      } else {
        const m = gatherParents(
          this.activeCells,
          k,
          t.parentsByLevel[r],
          counts,
          this.active[r],
          this.listed[r],
          this.count[r],
        );
        this.activeLength[r] = m;
        present = this.count[r];
      }
      this.crowded[r] = scaleParents(
        present,
        this.active[r],
        this.activeLength[r],
        t.targets[r],
        t.maxs[r],
        t.neighbours[r],
        this.occupancy[r],
        t.limitByOccupied[r],
        this.scale[r],
        this.clipped[r],
      );
    }
    if (clipped) this.nest();
    else this.multiply(out);
    if (clipped) out.set(this.cellFactors);
    return true;
  }

  /** Clipped rollup: the products of the queued parents and their descendants (or all, the first time). */
  private nest(): void {
    const { R, t } = this;
    for (let r = 0; r < R; r++)
      enqueueAll(this.active[r], this.activeLength[r], this.queue[r], this.queued[r], this.queueLength, r);
    if (!this.nestedValid) {
      this.buildChildren();
      for (let r = 0; r < R; r++) {
        clearQueue(this.queue[r], this.queueLength[r], this.queued[r]);
        this.queueLength[r] = 0;
      }
      // the full path's multiplyNested, every parent and cell
      this.nested[R - 1].set(this.scale[R - 1]);
      for (let r = R - 2; r >= 0; r--) nestAll(this.nested[r], this.scale[r], this.nested[r + 1], t.upByLevel[r + 1]);
      if (!t.identity[0]) gatherCells(this.cellFactors, this.nested[0], t.parentsByLevel[0], t.cells);
      this.nestedValid = true;
      return;
    }
    for (let r = R - 1; r >= 0; r--) {
      if (this.queueLength[r] * NEST_ALL_SHARE > t.parentCounts[r]) {
        // most of this resolution changes: every product from here down, as the first time (no queue)
        for (let q = r; q >= 0; q--) {
          clearQueue(this.queue[q], this.queueLength[q], this.queued[q]);
          this.queueLength[q] = 0;
          if (q === R - 1) this.nested[q].set(this.scale[q]);
          else nestAll(this.nested[q], this.scale[q], this.nested[q + 1], t.upByLevel[q + 1]);
        }
        if (!t.identity[0]) gatherCells(this.cellFactors, this.nested[0], t.parentsByLevel[0], t.cells);
        return;
      }
      const coarser = r < R - 1 ? this.nested[r + 1] : null;
      const up = r < R - 1 ? t.upByLevel[r + 1] : null;
      const toCells = r === 0 && !t.identity[0];
      nestQueued(
        this.queue[r],
        this.queueLength[r],
        this.queued[r],
        this.scale[r],
        this.nested[r],
        coarser,
        up,
        this.childStart[r],
        this.children[r],
        r > 0 ? this.queue[r - 1] : null,
        r > 0 ? this.queued[r - 1] : null,
        this.queueLength,
        r - 1,
        toCells ? this.cellFactors : null,
      );
      this.queueLength[r] = 0;
    }
  }

  private buildChildren(): void {
    const { R, t } = this;
    for (let r = 0; r < R; r++) {
      const { start, list } = groupBy(r > 0 ? t.upByLevel[r] : t.parentsByLevel[0], t.parentCounts[r]);
      this.childStart.push(start);
      this.children.push(list);
    }
  }

  /** Raw rollup: the full path's `multiply`, 1 × s0 × s1 … per cell, skipping the levels whose scales are all 1. */
  private multiply(out: Float64Array): void {
    const { R, t } = this;
    let first = true;
    for (let r = 0; r < R; r++) {
      if (this.crowded[r] === 0) continue;
      if (t.identity[r]) {
        if (first) out.set(this.scale[r]);
        else multiplyCells(out, this.scale[r], t.cells);
      } else if (first) gatherCells(out, this.scale[r], t.parentsByLevel[r], t.cells);
      else multiplyGathered(out, this.scale[r], t.parentsByLevel[r], t.cells);
      first = false;
    }
    if (first) out.fill(1);
  }
}

/**
 * The cells whose count is not 0 into `into` (ascending), and their number; −1 when a count is not an integer or
 * the counts' magnitudes sum to 2^53 or more (below, every partial sum of counts, clipped or not, is an integer of
 * magnitude under 2^53: exact, whatever the order of addition).
 */
function listNonZero(counts: ArrayLike<number>, cells: number, into: Int32Array): number {
  let k = 0;
  let total = 0;
  for (let cell = 0; cell < cells; cell++) {
    const v = counts[cell];
    if (v !== 0) {
      if ((v | 0) !== v) return -1;
      into[k++] = cell;
      total += v < 0 ? -v : v;
    }
  }
  return total < EXACT_INTEGERS ? k : -1;
}

/** The last call's parents back to a parent without devices. */
function forget(
  list: Int32Array,
  n: number,
  scale: Float64Array,
  clipped: Float64Array,
  count: Float64Array,
  occupancy: Uint8Array,
  listed: Uint8Array,
): void {
  for (let j = 0; j < n; j++) {
    const h = list[j];
    scale[h] = 1;
    clipped[h] = 0;
    count[h] = 0;
    occupancy[h] = 0;
    listed[h] = 0;
  }
}

function enqueueAll(
  list: Int32Array,
  n: number,
  queue: Int32Array,
  queued: Uint8Array,
  queueLength: Int32Array,
  r: number,
): void {
  let m = queueLength[r];
  for (let j = 0; j < n; j++) {
    const h = list[j];
    if (queued[h] === 0) {
      queued[h] = 1;
      queue[m++] = h;
    }
  }
  queueLength[r] = m;
}

function clearQueue(queue: Int32Array, n: number, queued: Uint8Array): void {
  for (let j = 0; j < n; j++) queued[queue[j]] = 0;
}

/**
 * The parents (by `up`) of the `n` ids in `children` into `list`, each once, with their counts: the sums of
 * `values` over their listed children. Returns the number of parents.
 */
function gatherParents(
  children: Int32Array,
  n: number,
  up: Int32Array,
  values: ArrayLike<number>,
  list: Int32Array,
  listed: Uint8Array,
  count: Float64Array,
): number {
  const len = count.length;
  let m = 0;
  for (let j = 0; j < n; j++) {
    const child = children[j];
    const h = up[child];
    if (h >= len) continue; // "no cell" (cannot occur: parents are built from cells)
    if (listed[h] === 0) {
      listed[h] = 1;
      list[m++] = h;
    }
    count[h] += values[child];
  }
  return m;
}

/**
 * Scale and clipped count of the `n` parents in `list` (the formulas of the full path's `scalesOf`); returns 1 when
 * some scale is not 1.
 */
function scaleParents(
  present: ArrayLike<number>,
  list: Int32Array,
  n: number,
  target: number,
  max: number,
  table: Int32Array,
  occ: Uint8Array,
  lut: Float64Array,
  scale: Float64Array,
  clipped: Float64Array,
): number {
  let crowded = 0;
  if (max <= target) {
    // limit = max whatever the occupancy
    const limit = max;
    for (let j = 0; j < n; j++) {
      const h = list[j];
      const p = present[h];
      scale[h] = p > limit ? limit / p : 1;
      clipped[h] = p > limit ? limit : p;
      crowded |= p > limit ? 1 : 0;
    }
    return crowded;
  }
  for (let j = 0; j < n; j++) {
    const h = list[j];
    occ[h] = present[h] >= target ? 1 : 0;
  }
  for (let j = 0; j < n; j++) {
    const h = list[j];
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
    crowded |= p > limit ? 1 : 0;
  }
  return crowded;
}

/** `product[h] = scale[h] × coarser[up[h]]` for every h (the full path's nested product at one resolution). */
function nestAll(product: Float64Array, scale: Float64Array, coarser: Float64Array, up: Int32Array): void {
  for (let h = 0; h < product.length; h++) product[h] = scale[h] * coarser[up[h]];
}

/**
 * The products of the `n` queued parents: s × (product of the parent at r + 1; none at the coarsest resolution),
 * the full path's multiplication. A parent whose product changed queues its children at r − 1 (`nextQueue`), or at
 * level 0 writes its cells' factors (`cellFactors`, when level 0 is not the cells).
 */
function nestQueued(
  queue: Int32Array,
  n: number,
  queued: Uint8Array,
  scale: Float64Array,
  product: Float64Array,
  coarser: Float64Array | null,
  up: Int32Array | null,
  childStart: Int32Array,
  children: Int32Array,
  nextQueue: Int32Array | null,
  nextQueued: Uint8Array | null,
  queueLength: Int32Array,
  next: number,
  cellFactors: Float64Array | null,
): void {
  let m = next >= 0 ? queueLength[next] : 0;
  for (let j = 0; j < n; j++) {
    const h = queue[j];
    queued[h] = 0;
    const value = coarser !== null && up !== null ? scale[h] * coarser[up[h]] : scale[h];
    if (value === product[h]) continue;
    product[h] = value;
    if (nextQueue !== null && nextQueued !== null) {
      for (let i = childStart[h]; i < childStart[h + 1]; i++) {
        const child = children[i];
        if (nextQueued[child] === 0) {
          nextQueued[child] = 1;
          nextQueue[m++] = child;
        }
      }
    } else if (cellFactors !== null) {
      for (let i = childStart[h]; i < childStart[h + 1]; i++) cellFactors[children[i]] = value;
    }
  }
  if (next >= 0) queueLength[next] = m;
}

function gatherCells(out: Float64Array, values: Float64Array, parents: Int32Array, cells: number): void {
  for (let cell = 0; cell < cells; cell++) out[cell] = values[parents[cell]];
}

function multiplyCells(out: Float64Array, scale: Float64Array, cells: number): void {
  for (let cell = 0; cell < cells; cell++) out[cell] *= scale[cell];
}

function multiplyGathered(out: Float64Array, scale: Float64Array, parents: Int32Array, cells: number): void {
  for (let cell = 0; cell < cells; cell++) out[cell] *= scale[parents[cell]];
}
