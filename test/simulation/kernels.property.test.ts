import { expect } from "chai";
import fc from "fast-check";
import { freshCopy } from "../../lib/jit";
import {
  createFastRewardKernel,
  referenceRewardKernel,
  type FastRewardArrays,
  type RewardParams,
} from "../../protocol/reward";
import { createHotPasses, leavers, warmUp, type HotArrays, type HotSlots } from "../../simulation/kernels/fast";
import * as reference from "../../simulation/kernels/reference";

const GROUPS = 5;
const CLASSES = 3;
const CELLS = 32;
const SLOTS: HotSlots = { stride: 16, real: 3, reported: 4, reward: 5, density: 11 };

/** A random device table: runs of groups (and groups that come back later), fractional work, some zero rates. */
const table = fc.record({
  n: fc.integer({ min: 0, max: 300 }),
  chunk: fc.integer({ min: 1, max: 400 }),
  seed: fc.integer(),
  groupChange: fc.double({ min: 0, max: 0.5, noNaN: true }),
  pDetect: fc.array(fc.constantFrom(0, 0, 0.05, 0.5, 1), { minLength: GROUPS, maxLength: GROUPS }),
  limits: fc.array(fc.constantFrom(Infinity, 50, 120, 0), { minLength: CLASSES, maxLength: CLASSES }),
  /**
   * The fast ledger's k (pool ÷ Σ score) for `payAndAccount`; null: the rewards as a ledger wrote them, accounted as
   * the engine does (copied into `score`, k = 1).
   */
  k: fc.option(fc.constantFrom(0, 0.37, 1, 1234.5), { nil: null }),
});

type Table = typeof table extends fc.Arbitrary<infer T> ? T : never;

/** The table's arrays, every value drawn from a small LCG on the seed (the same arrays for the same input). */
function arraysOf(t: Table): HotArrays {
  const n = t.n;
  let s = t.seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const f64 = (scale: number): Float64Array =>
    Float64Array.from({ length: n }, () => (next() < 0.1 ? 0 : next() * scale));
  const group = new Uint8Array(n);
  for (let i = 0, g = 0; i < n; i++) {
    if (next() < t.groupChange) g = Math.floor(next() * GROUPS);
    group[i] = g;
  }
  return {
    group,
    classId: Uint8Array.from({ length: n }, () => Math.floor(next() * CLASSES)),
    cell: Int32Array.from({ length: n }, () => Math.floor(next() * CELLS)),
    realRate: f64(100),
    fakeRate: f64(80),
    amp: f64(0.5),
    real: f64(1),
    reported: f64(1),
    eligible: Uint8Array.from({ length: n }, () => (next() < 0.9 ? 1 : 0)),
    reward: f64(3),
    score: f64(2),
    cumReward: f64(10),
    cumReal: f64(10),
    groupStats: Float64Array.from({ length: GROUPS * SLOTS.stride }, () => next()),
    pDetect: Float64Array.from(t.pDetect),
    limitByClass: Float64Array.from(t.limits),
    flaggedList: new Int32Array(n + 1),
    cellFactor: Float64Array.from({ length: CELLS }, () => next()),
    rngState: Int32Array.from([t.seed | 0]),
    runs: new Int32Array(2 * n + 2),
    runCount: new Int32Array(1),
    carry: new Float64Array(4),
  };
}

/** Every value of every array as bits (the flagged list only up to the flagged count; the chunk carry is scratch). */
function bitsOf(a: HotArrays, flagged: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(a)) {
    if (name === "carry" || name === "runs" || name === "runCount") continue;
    const v = name === "flaggedList" ? (values as Int32Array).subarray(0, flagged) : values;
    out[name] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex");
  }
  return out;
}

/**
 * The engine's order of passes, each over [0, n) in chunks, with the fast loops compiled afresh and warmed up;
 * returns the flagged count and Σ reward when the fast ledger's fused payment ran.
 */
function runFast(a: HotArrays, n: number, chunk: number, k: number | null): { count: number; paid: number | null } {
  const p = freshCopy(createHotPasses)(a, SLOTS);
  warmUp(p, a, n);
  const chunks = (f: (from: number, to: number, last: boolean) => void): void => {
    if (n === 0) f(0, 0, true);
    for (let from = 0; from < n; from += chunk) f(from, Math.min(n, from + chunk), from + chunk >= n);
  };
  chunks((from, to, last) => p.workAndSums(from, to, last));
  let count = 0;
  chunks((from, to) => (count = p.detection(from, to, count)));
  if (k === null) {
    const score = a.score.slice();
    a.score.set(a.reward.subarray(0, n));
    chunks((from, to, last) => p.payAndAccount(from, to, 1, last));
    a.score.set(score);
    return { count, paid: null };
  }
  chunks((from, to, last) => p.payAndAccount(from, to, k, last));
  return { count, paid: a.carry[3] };
}

function runReference(a: HotArrays, n: number, k: number | null): { count: number; paid: number | null } {
  reference.work(a, n);
  reference.workSums(a, n, SLOTS);
  reference.lifetimeReal(a, n);
  const count = reference.detection(a, n);
  const paid = k === null ? null : reference.pay(a, n, k);
  reference.accounting(a, n, SLOTS);
  reference.lifetimeReward(a, n);
  return { count, paid };
}

describe("simulation/kernels: the fast passes give the reference's bits", function () {
  it("work, sums, detection, cell counts, payment, accounting and lifetime on random device tables", function () {
    fc.assert(
      fc.property(table, (t) => {
        const spec = arraysOf(t);
        const tuned = arraysOf(t);
        const expected = runReference(spec, t.n, t.k);
        const fast = runFast(tuned, t.n, t.chunk, t.k);
        expect(fast).to.deep.equal(expected);
        expect(bitsOf(tuned, expected.count)).to.deep.equal(bitsOf(spec, expected.count));
      }),
      { numRuns: 200 },
    );
  });

  it("the work pass lists the runs of equal group ids, in chunks of any size", function () {
    fc.assert(
      fc.property(table, (t) => {
        const a = arraysOf(t);
        const p = freshCopy(createHotPasses)(a, SLOTS);
        warmUp(p, a, t.n);
        if (t.n === 0) p.workAndSums(0, 0, true);
        for (let from = 0; from < t.n; from += t.chunk)
          p.workAndSums(from, Math.min(t.n, from + t.chunk), from + t.chunk >= t.n);
        const listed = Array.from(a.runs.subarray(0, 2 * a.runCount[0]));
        expect(listed).to.deep.equal(reference.groupRuns(a, t.n));
      }),
      { numRuns: 200 },
    );
  });

  it("challenges alone (no anomaly limit, every device eligible on entry) give the bits of detection", function () {
    fc.assert(
      fc.property(table, (t) => {
        const spec = arraysOf({ ...t, limits: t.limits.map(() => Infinity) });
        const tuned = arraysOf({ ...t, limits: t.limits.map(() => Infinity) });
        for (const a of [spec, tuned]) a.eligible.fill(1);
        const count = reference.detection(spec, t.n);
        const p = freshCopy(createHotPasses)(tuned, SLOTS);
        warmUp(p, tuned, t.n);
        let fast = 0;
        for (let from = 0; from < t.n; from += t.chunk) fast = p.challenges(from, Math.min(t.n, from + t.chunk), fast);
        expect(fast).to.equal(count);
        expect(bitsOf(tuned, count)).to.deep.equal(bitsOf(spec, count));
      }),
      { numRuns: 150 },
    );
  });

  it("the reference detects by both rules (the property above compares passes that do something)", function () {
    const t: Table = {
      n: 200,
      chunk: 64,
      seed: 3,
      groupChange: 0.1,
      pDetect: [0.5, 0.5, 0, 0, 1],
      limits: [50, 50, 50],
      k: null,
    };
    const a = arraysOf(t);
    const { count } = runReference(a, t.n, null);
    expect(count).to.be.greaterThan(0);
    expect(count).to.be.lessThan(t.n);
    expect(Array.from(a.eligible.subarray(0, t.n)).filter((e) => e === 0).length).to.equal(count);
  });
});

const rewardCase = fc.record({
  n: fc.integer({ min: 0, max: 200 }),
  seed: fc.integer(),
  epoch: fc.integer({ min: 0, max: 50 }),
  pool: fc.double({ min: 0, max: 1e6, noNaN: true }),
  weights: fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: CLASSES, maxLength: CLASSES }),
  demandWeightBps: fc.constantFrom(0, 2_500, 10_000),
  stakeOn: fc.boolean(),
  capStakeWei: fc.constantFrom<bigint | null | undefined>(undefined, 50n * 10n ** 18n, null),
  maxBoostBps: fc.integer({ min: 0, max: 20_000 }),
  establishmentEpochs: fc.constantFrom(0, 5, 30),
  fractionBps: fc.integer({ min: 0, max: 10_000 }),
});

describe("protocol/reward: the fast kernel gives the bits of its specification (fastScoreOf)", function () {
  it("scores, Σ score, rewards and Σ rewards on random device tables and parameters", function () {
    fc.assert(
      fc.property(rewardCase, (r) => {
        const params: RewardParams = {
          classWeightsBps: r.weights,
          demandWeightBps: r.demandWeightBps,
          stakeFactor: {
            enabled: r.stakeOn,
            referenceStakeWei: 100n * 10n ** 18n,
            maxBoostBps: r.maxBoostBps,
            ...(r.capStakeWei === undefined ? {} : { capStakeWei: r.capStakeWei }),
          },
          establishment: { epochs: r.establishmentEpochs, fractionBps: r.fractionBps },
        };
        const arrays = (): FastRewardArrays => {
          let s = r.seed >>> 0;
          const next = (): number => {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            return s / 2 ** 32;
          };
          const n = r.n;
          return {
            classId: Uint8Array.from({ length: n }, () => Math.floor(next() * CLASSES)),
            reported: Float64Array.from({ length: n }, () => next() * 200),
            served: Float64Array.from({ length: n }, () => next() * 100),
            cell: Int32Array.from({ length: n }, () => Math.floor(next() * CELLS)),
            stake: Float64Array.from({ length: n }, () => next() * 300),
            joinEpoch: Int32Array.from({ length: n }, () => Math.floor(next() * 60)),
            eligible: Uint8Array.from({ length: n }, () => (next() < 0.9 ? 1 : 0)),
            cellFactor: Float64Array.from({ length: CELLS }, () => next()),
            score: new Float64Array(n),
            reward: new Float64Array(n),
          };
        };
        const spec = arrays();
        const tuned = arrays();
        const ref = referenceRewardKernel(params, spec);
        const fast = createFastRewardKernel(params, tuned, { fresh: true });
        const total = ref.score(r.n, r.epoch);
        expect(Object.is(fast.score(r.n, r.epoch), total)).to.equal(true);
        const paid = ref.pay(r.n, r.pool, total);
        expect(Object.is(fast.pay(r.n, r.pool, total), paid)).to.equal(true);
        expect(Buffer.from(tuned.score.buffer).equals(Buffer.from(spec.score.buffer))).to.equal(true);
        expect(Buffer.from(tuned.reward.buffer).equals(Buffer.from(spec.reward.buffer))).to.equal(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("simulation/kernels: leavers (the heap) chooses the reference's devices (the sort)", function () {
  it("on random tables with tied rewards and join epochs, quotas of 0, some, all and more than all", function () {
    const inputs = fc
      .record({
        groups: fc.array(fc.integer({ min: 0, max: GROUPS - 1 }), { maxLength: 200 }),
        rewards: fc.array(fc.constantFrom(0, 0, 0.5, 1, 2.25, 1e-300, 7), { minLength: 200, maxLength: 200 }),
        joins: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 200, maxLength: 200 }),
        quotas: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: GROUPS, maxLength: GROUPS }),
      })
      .map(({ groups, rewards, joins, quotas }) => {
        const n = groups.length;
        const devices = new Array<number>(GROUPS).fill(0);
        for (const g of groups) devices[g]++;
        return {
          reward: Float64Array.from(rewards.slice(0, n)),
          joinEpoch: Int32Array.from(joins.slice(0, n)),
          group: Uint8Array.from(groups),
          n,
          quota: Int32Array.from(quotas),
          devices,
        };
      });
    fc.assert(
      fc.property(inputs, (x) => {
        const want = reference.leavers(x);
        expect(leavers(x)).to.deep.equal(want);
        // the set is each group's quota (or all of it), and rows come descending
        for (let g = 0; g < GROUPS; g++) {
          const taken = want.filter((i) => x.group[i] === g).length;
          expect(taken).to.equal(Math.min(x.quota[g], x.devices[g]));
        }
        for (let k = 1; k < want.length; k++) expect(want[k]).to.be.lessThan(want[k - 1]);
      }),
      { numRuns: 300 },
    );
  });
});
