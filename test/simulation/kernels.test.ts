import { expect } from "chai";
import { freshCopy } from "../../lib/jit";
import { DensityModel, HIP17_DEFAULT } from "../../protocol/density";
import { CHUNK, createHotPasses, warmUp, type HotArrays } from "../../simulation/kernels/fast";

/** Device arrays of `n` devices in runs of groups, with seeded pseudo-random values. */
function arraysOf(n: number, seed: number): HotArrays {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const f64 = (scale: number): Float64Array => Float64Array.from({ length: n }, () => next() * scale);
  const group = new Uint8Array(n);
  for (let i = 0, g = 0; i < n; i++) {
    if (next() < 0.02) g = (g + 1) % 4;
    group[i] = g;
  }
  return {
    group,
    classId: new Uint8Array(n),
    cell: Int32Array.from({ length: n }, () => Math.floor(next() * 64)),
    realRate: f64(100),
    fakeRate: f64(50),
    amp: f64(0.3),
    real: new Float64Array(n),
    reported: new Float64Array(n),
    eligible: Uint8Array.from({ length: n }, () => (next() < 0.9 ? 1 : 0)),
    reward: f64(3),
    score: f64(2),
    cumReward: f64(10),
    cumReal: f64(10),
    groupStats: new Float64Array(4 * 16),
    pDetect: Float64Array.from([0, 0.1, 0, 0.3]),
    limitByClass: Float64Array.from([180]),
    flaggedList: new Int32Array(n + 1),
    cellFactor: Float64Array.from({ length: 64 }, () => next()),
    rngState: Int32Array.from([seed]),
    runs: new Int32Array(2 * n + 2),
    runCount: new Int32Array(1),
    carry: new Float64Array(4),
  };
}

const SLOTS = { stride: 16, real: 3, reported: 4, reward: 5, density: 11 };

/** Every pass over [0, n) in chunks of `chunk`, as the engine runs them; returns the flagged count. */
function runAll(a: HotArrays, n: number, chunk: number, fresh: boolean): number {
  const p = (fresh ? freshCopy(createHotPasses) : createHotPasses)(a, SLOTS);
  for (let from = 0; from < n; from += chunk) p.workAndSums(from, Math.min(n, from + chunk), from + chunk >= n);
  let count = 0;
  for (let from = 0; from < n; from += chunk) count = p.detection(from, Math.min(n, from + chunk), count);
  for (let from = 0; from < n; from += chunk) p.payAndAccount(from, Math.min(n, from + chunk), 0.5, from + chunk >= n);
  return count;
}

/** Every array's values (but the chunk carry, scratch that only chunked runs write). */
const snapshot = (a: HotArrays): string =>
  JSON.stringify(
    Object.entries(a)
      .filter(([k]) => k !== "carry")
      .map(([k, v]) => [k, Array.from(v as ArrayLike<number>)]),
  );

describe("simulation/kernels (hot passes)", function () {
  it("gives the same bits in chunks as in one pass (run-length sums carried across chunks), fresh or not", function () {
    const n = 3 * CHUNK + 123;
    const whole = arraysOf(n, 11);
    const count = runAll(whole, n, n, false);
    for (const chunk of [CHUNK, 1000, 7]) {
      const chunked = arraysOf(n, 11);
      expect(runAll(chunked, n, chunk, true), `chunk ${chunk}`).to.equal(count);
      expect(snapshot(chunked), `chunk ${chunk}`).to.equal(snapshot(whole));
    }
    expect(count).to.be.greaterThan(0);
    expect(whole.groupStats[1 * 16 + 3]).to.be.greaterThan(0);
  });

  it("warm-up leaves every array as it found it", function () {
    const n = 500;
    const a = arraysOf(n, 5);
    const before = snapshot(a);
    const carry = Array.from(a.carry);
    warmUp(freshCopy(createHotPasses)(a, SLOTS), a, n);
    expect(snapshot(a)).to.equal(before);
    expect(Array.from(a.carry)).to.deep.equal(carry);
  });

  it("freshCopy compiles a distinct function with the same behaviour; density factors unchanged", function () {
    const add = (x: number, y: number): number => x + y;
    const copy = freshCopy(add);
    expect(copy).to.not.equal(add);
    expect(freshCopy(add)).to.not.equal(copy);
    expect(copy(2, 3)).to.equal(5);
    // the model's fresh loops against a direct evaluation of the HIP-17 formula via limits()
    const model = new DensityModel({ width: 16, height: 16 }, HIP17_DEFAULT);
    const counts = Float64Array.from({ length: 256 }, (_, c) => (c * 7919) % 11);
    const out = model.factors(counts, new Float64Array(256));
    const { counts: coarse, limits } = model.limits(counts);
    const expected = new Float64Array(256).fill(1);
    HIP17_DEFAULT.resolutions.forEach((res, r) => {
      for (let c = 0; c < 256; c++) {
        const col = c % 16;
        const row = (c - col) / 16;
        const h = (row >> res.level) * Math.ceil(16 / 2 ** res.level) + (col >> res.level);
        const p = coarse[r][h];
        expected[c] *= p > limits[r][h] ? limits[r][h] / p : 1;
      }
    });
    expect(Array.from(out)).to.deep.equal(Array.from(expected));
    expect(Array.from(out).some((f) => f < 1)).to.equal(true);
  });
});
