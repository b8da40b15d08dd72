/**
 * The engine's per-device hot loops, one small job each, over the device arrays (struct of arrays).
 *
 * `createHotPasses` is self-contained (it uses only its arguments) so the engine can build it with
 * `freshCopy` (protocol/jit.ts) for every run and after every reallocation: V8 then compiles each loop
 * specialised to these exact arrays. The engine warms each pass up over a few devices around group boundaries
 * (`warmUp`) so every branch has type feedback before V8 compiles a loop on-stack: compiled without it, the loop
 * deoptimised at the first rare branch (a group change, a challenge draw) in every call, and Node 20 kept re-entering
 * the same on-stack code. Passes work on devices [from, to).
 * The loops are the same arithmetic in the same order as before they moved here (outputs are byte-identical).
 */

/** Device arrays and per-epoch scratch the hot passes read and write (valid until the engine reallocates). */
export interface HotArrays {
  readonly group: Uint8Array;
  readonly classId: Uint8Array;
  readonly cell: Int32Array;
  readonly realRate: Float64Array;
  readonly fakeRate: Float64Array;
  readonly amp: Float64Array;
  readonly real: Float64Array;
  readonly reported: Float64Array;
  readonly eligible: Uint8Array;
  readonly reward: Float64Array;
  /** Each device's score this epoch (the reward kernel's output; `payAndAccount` reads it). */
  readonly score: Float64Array;
  readonly cumReward: Float64Array;
  readonly cumReal: Float64Array;
  /** Per-group stats, group g's slot k at g × stride + k. */
  readonly groupStats: Float64Array;
  /** Detection probability per group this epoch. */
  readonly pDetect: Float64Array;
  /** Anomaly limit of reported work per class this epoch (Infinity = none). */
  readonly limitByClass: Float64Array;
  /** Output: indices flagged this epoch (length > devices capacity). */
  readonly flaggedList: Int32Array;
  readonly cellFactor: Float64Array;
  /** [0]: generator state in and out of the passes that draw random numbers (mulberry32, as Rng). */
  readonly rngState: Int32Array;
  /**
   * Output of `workAndSums`: the runs of equal group ids in row order, run k starting at row runs[2k] with group
   * runs[2k + 1] (room for a run per device); runCount[0] of them.
   */
  readonly runs: Int32Array;
  readonly runCount: Int32Array;
  /**
   * [group, acc1, acc2, paid]: a run-length sum carried from one chunk of devices to the next, and `payAndAccount`'s
   * Σ reward so far (length 4).
   */
  readonly carry: Float64Array;
}

/** What `leavers` reads: per device its reward this epoch, join epoch and group; per group its device count. */
export interface LeaverInputs {
  readonly reward: Float64Array;
  readonly joinEpoch: Int32Array;
  readonly group: Uint8Array;
  readonly n: number;
  /** Devices of each group that leave this epoch (≥ the group's devices: all of them). */
  readonly quota: Int32Array;
  readonly devices: ArrayLike<number>;
}

/** Slots of `groupStats` the passes accumulate into. */
export interface HotSlots {
  stride: number;
  real: number;
  reported: number;
  reward: number;
  density: number;
}

export interface HotPasses {
  /**
   * Work and its sums in one pass: real = rate × noise, reported = (real rate + fake rate) × the same noise (one
   * uniform per device); per-group Σ real and Σ reported over runs of equal group ids, a run continuing into the next
   * chunk unless `last`; each device's lifetime real work; the list of those runs (`runs`).
   */
  workAndSums(from: number, to: number, last: boolean): void;
  /** Flags by anomaly limit or challenge (a draw per device of a group with p > 0); returns the flagged count. */
  detection(from: number, to: number, flaggedSoFar: number): number;
  /**
   * Challenges alone, for epochs without the anomaly detector: `detection` with every limit Infinity, given that
   * `eligible` is 1 on [from, to) (the caller resets it): it draws for, and writes, only devices of groups with p > 0.
   */
  challenges(from: number, to: number, flaggedSoFar: number): number;
  /**
   * Payment and accounting in one pass: reward = score × k (the fast ledger: k = pool ÷ Σ score, or 0; a ledger that
   * wrote the rewards itself has them copied into `score` and k = 1, which leaves each reward exactly as it was), Σ
   * reward carried in `carry[3]` from the first chunk (from = 0) on; per-group Σ reward and Σ density factor over
   * runs of equal group ids (chunked as `workAndSums`); each device's lifetime reward.
   */
  payAndAccount(from: number, to: number, k: number, last: boolean): void;
}

export function createHotPasses(a: HotArrays, slots: HotSlots): HotPasses {
  const group = a.group,
    classId = a.classId,
    cell = a.cell,
    realRate = a.realRate,
    fakeRate = a.fakeRate,
    amp = a.amp,
    real = a.real,
    reported = a.reported,
    eligible = a.eligible,
    reward = a.reward,
    score = a.score,
    cumReward = a.cumReward,
    cumReal = a.cumReal,
    groupStats = a.groupStats,
    pDetect = a.pDetect,
    limitByClass = a.limitByClass,
    flaggedList = a.flaggedList,
    cellFactor = a.cellFactor,
    rngState = a.rngState,
    runs = a.runs,
    runCount = a.runCount,
    carry = a.carry;
  const STRIDE = slots.stride,
    REAL = slots.real,
    REPORTED = slots.reported,
    REWARD = slots.reward,
    DENSITY = slots.density;
  // 2^-32: u32 × this = u32 / 2^32 exactly (a power of two), without a division
  const TWO_POW_MINUS_32 = 1 / 4294967296;

  function workAndSums(from: number, to: number, last: boolean): void {
    let s = rngState[0];
    let g = from === 0 ? (to > 0 ? group[0] : 0) : carry[0];
    let accReal = from === 0 ? 0 : carry[1];
    let accReported = from === 0 ? 0 : carry[2];
    let run = from === 0 ? 0 : runCount[0];
    if (from === 0 && to > 0) {
      runs[0] = 0;
      runs[1] = g;
      run = 1;
    }
    for (let i = from; i < to; i++) {
      // mulberry32 inlined (same generator as Rng.next)
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      const u = ((t ^ (t >>> 14)) >>> 0) * TWO_POW_MINUS_32;
      const f = 1 + amp[i] * (2 * u - 1);
      const rr = realRate[i];
      const re = rr * f;
      const rp = (rr + fakeRate[i]) * f;
      real[i] = re;
      reported[i] = rp;
      cumReal[i] += re;
      const gi = group[i];
      if (gi !== g) {
        groupStats[g * STRIDE + REAL] += accReal;
        groupStats[g * STRIDE + REPORTED] += accReported;
        accReal = 0;
        accReported = 0;
        g = gi;
        runs[2 * run] = i;
        runs[2 * run + 1] = gi;
        run++;
      }
      accReal += re;
      accReported += rp;
    }
    runCount[0] = run;
    rngState[0] = s;
    if (last) {
      groupStats[g * STRIDE + REAL] += accReal;
      groupStats[g * STRIDE + REPORTED] += accReported;
    } else {
      carry[0] = g;
      carry[1] = accReal;
      carry[2] = accReported;
    }
  }

  function detection(from: number, to: number, flaggedSoFar: number): number {
    let s = rngState[0];
    let count = flaggedSoFar;
    for (let i = from; i < to; i++) {
      const p = pDetect[group[i]];
      let f = reported[i] > limitByClass[classId[i]] ? 1 : 0;
      if (p > 0) {
        s = (s + 0x6d2b79f5) | 0;
        let t = Math.imul(s ^ (s >>> 15), 1 | s);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        if (((t ^ (t >>> 14)) >>> 0) * TWO_POW_MINUS_32 < p) f = 1;
      }
      eligible[i] = 1 - f;
      flaggedList[count] = i;
      count += f;
    }
    rngState[0] = s;
    return count;
  }

  function challenges(from: number, to: number, flaggedSoFar: number): number {
    let s = rngState[0];
    let count = flaggedSoFar;
    for (let i = from; i < to; i++) {
      const p = pDetect[group[i]];
      if (p > 0) {
        s = (s + 0x6d2b79f5) | 0;
        let t = Math.imul(s ^ (s >>> 15), 1 | s);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        if (((t ^ (t >>> 14)) >>> 0) * TWO_POW_MINUS_32 < p) {
          eligible[i] = 0;
          flaggedList[count++] = i;
        }
      }
    }
    rngState[0] = s;
    return count;
  }

  function payAndAccount(from: number, to: number, k: number, last: boolean): void {
    let g = from === 0 ? (to > 0 ? group[0] : 0) : carry[0];
    let accReward = from === 0 ? 0 : carry[1];
    let accDensity = from === 0 ? 0 : carry[2];
    let paid = from === 0 ? 0 : carry[3];
    for (let i = from; i < to; i++) {
      const gi = group[i];
      if (gi !== g) {
        groupStats[g * STRIDE + REWARD] += accReward;
        groupStats[g * STRIDE + DENSITY] += accDensity;
        accReward = 0;
        accDensity = 0;
        g = gi;
      }
      const r = score[i] * k;
      reward[i] = r;
      paid += r;
      accReward += r;
      accDensity += cellFactor[cell[i]];
      cumReward[i] += r;
    }
    carry[3] = paid;
    if (last) {
      groupStats[g * STRIDE + REWARD] += accReward;
      groupStats[g * STRIDE + DENSITY] += accDensity;
    } else {
      carry[0] = g;
      carry[1] = accReward;
      carry[2] = accDensity;
    }
  }

  return { workAndSums, detection, challenges, payAndAccount };
}

/** Calls per pass in a warm-up (more than V8's calls before it allocates feedback, 8 on Node 20). */
export const WARM_UP_CALLS = 16;

/**
 * Run every pass over a few devices on each side of the first group boundaries, with fractional values in every
 * float input (so the feedback says "double", not "small integer": at the first epoch most values are still 0) and
 * every detection probability set (so the draw path runs); then put back everything. Afterwards each loop has seen
 * all its branches and types. Cheap: a few devices and a copy of the small per-group and per-cell arrays. (Before
 * the first epoch there are no devices yet: the spans are empty and only the code after each loop is warmed; the
 * loop bodies collect feedback in the first real pass before V8 compiles them.)
 */
export function warmUp(p: HotPasses, a: HotArrays, n: number): void {
  const spans: Array<[number, number]> = [];
  for (let i = 1; i < n && spans.length < 8; i++) if (a.group[i] !== a.group[i - 1]) spans.push([i - 1, i + 1]);
  if (spans.length === 0) spans.push([0, Math.min(n, 2)]);
  const perDevice = [a.realRate, a.fakeRate, a.amp, a.real, a.reported, a.reward, a.score, a.cumReward, a.cumReal];
  const small = [a.groupStats, a.cellFactor, a.pDetect, a.limitByClass, a.carry];
  const savedSmall = small.map((x) => x.slice());
  const flagged = a.flaggedList.slice(0, 4);
  const runs = a.runs.slice(0, 4);
  const runCount = a.runCount[0];
  const state = a.rngState[0];
  a.pDetect.fill(0.5);
  a.limitByClass.fill(0.75);
  a.cellFactor.fill(0.5);
  for (const [from, to] of spans) {
    const saved = perDevice.map((x) => x.slice(from, to));
    const eligible = a.eligible.slice(from, to);
    for (const x of perDevice) x.fill(0.625, from, to);
    // V8 allocates a function's feedback vector only after several calls: enough calls that feedback is recorded
    for (let k = 0; k < WARM_UP_CALLS; k++) {
      // a span's run starts at list entry 0 (at most one more run: the saved entries cover them)
      a.runCount[0] = 0;
      p.workAndSums(from, to, true);
      p.detection(from, to, 0);
      p.challenges(from, to, 0);
      p.payAndAccount(from, to, 0.75, true);
    }
    perDevice.forEach((x, k) => x.set(saved[k], from));
    a.eligible.set(eligible, from);
  }
  small.forEach((x, k) => x.set(savedSmall[k]));
  a.flaggedList.set(flagged);
  a.runs.set(runs);
  a.runCount[0] = runCount;
  a.rngState[0] = state;
}

/**
 * Devices per call of a pass. The engine runs each pass over the devices in chunks: with many short calls V8
 * compiles each pass as a whole function soon and never relies on on-stack replacement of a long loop, whose cached
 * code, compiled before a rare branch had feedback, Node 20 kept re-entering and deoptimising every epoch.
 */
export const CHUNK = 4096;

/**
 * `leavers` of kernels/reference.ts without sorting every candidate: per group a max-heap of its `quota` least
 * paid so far under the same strict order (a device enters when it ranks below the heap's top), so an epoch costs
 * one pass and O(log quota) per entering device instead of a sort of every device of the groups that shrink.
 */
export function leavers(x: LeaverInputs): number[] {
  const { reward, joinEpoch, group, n, quota, devices } = x;
  // a before b in the leaving order: less paid, then newer, then the later row
  const before = (a: number, b: number) =>
    reward[a] < reward[b] ||
    (reward[a] === reward[b] && (joinEpoch[a] > joinEpoch[b] || (joinEpoch[a] === joinEpoch[b] && a > b)));
  const heaps: Int32Array[] = [];
  const sizes = new Int32Array(quota.length);
  const chosen: number[] = [];
  for (let g = 0; g < quota.length; g++)
    heaps.push(new Int32Array(quota[g] > 0 && quota[g] < devices[g] ? quota[g] : 0));
  for (let i = 0; i < n; i++) {
    const g = group[i];
    const q = quota[g];
    if (q === 0) continue;
    if (q >= devices[g]) {
      chosen.push(i);
      continue;
    }
    const heap = heaps[g];
    let size = sizes[g];
    if (size < q) {
      // sift up: the heap's top is the device that leaves last of those held
      let k = size++;
      while (k > 0) {
        const parent = (k - 1) >> 1;
        if (!before(heap[parent], i)) break;
        heap[k] = heap[parent];
        k = parent;
      }
      heap[k] = i;
      sizes[g] = size;
    } else if (before(i, heap[0])) {
      // replace the top and sift down
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        if (l >= size) break;
        const r = l + 1;
        const c = r < size && before(heap[l], heap[r]) ? r : l;
        if (!before(i, heap[c])) break;
        heap[k] = heap[c];
        k = c;
      }
      heap[k] = i;
    }
  }
  for (let g = 0; g < quota.length; g++) for (let k = 0; k < sizes[g]; k++) chosen.push(heaps[g][k]);
  return chosen.sort((a, b) => b - a);
}
