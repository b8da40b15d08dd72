import { expect } from "chai";
import fc from "fast-check";
import {
  MAX_CAP,
  MAX_FACTOR_WAD,
  MAX_HALF_LIFE_EPOCHS,
  SATURATION_PERIODS,
  SERIES_RELATIVE_TOLERANCE,
  type ScheduleParams,
  ScheduleParamsError,
  capReachedEpoch,
  cumulative,
  emission,
  emissionSeries,
  epochAt,
  epochStart,
  exponentialFactorWad,
  periodPowerUp,
  resolveSchedule,
  scheduleProblems,
  segmentedCumulative,
  segmentedEmission,
  splitEmission,
} from "../../protocol/emission";
import { PRECISE_ONE, WAD } from "../../protocol/math";
import { anySchedule, exponentialSchedule, stepSchedule } from "./scheduleArbitraries";

const TOKEN = 10n ** 18n;
/** 100 years of daily epochs. */
const CENTURY_OF_DAYS = 36_500n;

/**
 * Exact cumulative emission C*(e) of the real-number step curve (E = I·f^⌊e/P⌋ per epoch, f = factorWad/1e18), as a
 * rational num/den, capped: C* = [I·P·W·(W^k − f^k) + I·(r+1)·f^k·(W − f)] / (W^k·(W − f)).
 */
function exactStepCumulative(params: ScheduleParams, epoch: bigint): { num: bigint; den: bigint } {
  const s = resolveSchedule(params);
  const [i, f, p] = [s.initialEmission, s.factorWad, s.periodEpochs];
  const k = epoch / p;
  const r = epoch % p;
  const wk = WAD ** k;
  const fk = f ** k;
  const num = i * p * WAD * (wk - fk) + i * (r + 1n) * fk * (WAD - f);
  const den = wk * (WAD - f);
  return num >= s.cap * den ? { num: s.cap, den: 1n } : { num, den };
}

describe("protocol/emission", function () {
  describe("known values", function () {
    it("constant: I per epoch until the cap, then the remainder, then 0", function () {
      const p: ScheduleParams = { curve: "constant", initialEmission: 10n, cap: 35n };
      expect([0n, 1n, 2n, 3n, 4n].map((e) => cumulative(p, e))).to.deep.equal([10n, 20n, 30n, 35n, 35n]);
      expect([0n, 1n, 2n, 3n, 4n].map((e) => emission(p, e))).to.deep.equal([10n, 10n, 10n, 5n, 0n]);
      expect(cumulative(p, (1n << 256n) - 1n)).to.equal(35n);
    });

    it("linear: I − e·decrement down to the floor, exact", function () {
      const p: ScheduleParams = { curve: "linear", initialEmission: 100n, cap: 10n ** 6n, decrement: 30n, floor: 20n };
      expect([0n, 1n, 2n, 3n, 4n, 5n].map((e) => emission(p, e))).to.deep.equal([100n, 70n, 40n, 20n, 20n, 20n]);
      expect(cumulative(p, 4n)).to.equal(250n);
      expect(cumulative(p, 1000n)).to.equal(210n + 20n * 998n);
      const noFloor: ScheduleParams = { curve: "linear", initialEmission: 100n, cap: 10_000n, decrement: 30n };
      expect(cumulative(noFloor, 10n ** 70n)).to.equal(100n + 70n + 40n + 10n);
    });

    it("step: budget I·P·f^k per period, spread evenly inside the period", function () {
      const p: ScheduleParams = {
        curve: "step",
        initialEmission: 100n,
        cap: 10_000n,
        factorWad: WAD / 2n,
        periodEpochs: 2n,
      };
      expect([0n, 1n, 2n, 3n, 4n, 5n].map((e) => cumulative(p, e))).to.deep.equal([100n, 200n, 250n, 300n, 325n, 350n]);
    });

    it("exponential: half-life 1 epoch halves every epoch", function () {
      const p: ScheduleParams = { curve: "exponential", initialEmission: 64n, cap: 1000n, halfLifeEpochs: 1n };
      expect([0n, 1n, 2n, 3n].map((e) => emission(p, e))).to.deep.equal([64n, 32n, 16n, 8n]);
      expect(cumulative(p, 10n ** 30n)).to.equal(127n); // 128 − the last rounded-down wei
    });

    it("Helium-like 2-year halving (daily epochs): the 730th day halves the emission", function () {
      const p: ScheduleParams = {
        curve: "step",
        initialEmission: (15_000_000n * TOKEN) / 30n,
        cap: 10_000_000_000n * TOKEN,
        factorWad: WAD / 2n,
        periodEpochs: 730n,
      };
      expect(emission(p, 729n)).to.equal(emission(p, 0n));
      expect(emission(p, 730n)).to.equal(emission(p, 0n) / 2n);
      expect(emission(p, 1460n)).to.equal(emission(p, 0n) / 4n);
    });

    it("DIMO-like weekly budget × 0.85 every 52 weeks", function () {
      const weekly = 1_000_000n * TOKEN;
      const p: ScheduleParams = {
        curve: "step",
        initialEmission: weekly,
        cap: 1_000_000_000n * TOKEN,
        factorWad: (85n * WAD) / 100n,
        periodEpochs: 52n,
      };
      expect(emission(p, 51n)).to.equal(weekly);
      expect(emission(p, 52n)).to.equal((weekly * 85n) / 100n);
      expect(emission(p, 104n) - (weekly * 85n * 85n) / 10_000n).to.be.within(-1n, 1n);
    });

    it("Filecoin-like 6-year half-life: day 2191 emits half of day 0 (to 1e-12)", function () {
      const p: ScheduleParams = {
        curve: "exponential",
        initialEmission: 100_000n * TOKEN,
        cap: 330_000_000n * TOKEN,
        halfLifeEpochs: 2191n,
      };
      const half = emission(p, 2191n);
      const e0 = emission(p, 0n);
      expect(half <= e0 / 2n + 1n, "never slower than the stated half-life").to.equal(true);
      expect(Number(e0 / 2n - half) / Number(e0)).to.be.below(1e-12);
    });
  });

  describe("exponentialFactorWad", function () {
    it("is the largest f with periodPowerUp(f, h) ≤ 1/2, so f^h ≤ 1/2 exactly (property)", function () {
      fc.assert(
        fc.property(fc.bigInt({ min: 1n, max: 3000n }), (h) => {
          const f = exponentialFactorWad(h);
          expect(periodPowerUp(f, h) <= PRECISE_ONE / 2n).to.equal(true);
          expect(periodPowerUp(f + 1n, h) > PRECISE_ONE / 2n).to.equal(true);
          expect(2n * f ** h <= WAD ** h, "exact f^h ≤ 1/2").to.equal(true);
          expect(Math.abs(Number(f) / 1e18 - Math.pow(0.5, 1 / Number(h)))).to.be.below(1e-15);
        }),
        { numRuns: 40 },
      );
    });

    it("matches known half-lives and the largest accepted one", function () {
      expect(exponentialFactorWad(1n)).to.equal(WAD / 2n);
      expect(exponentialFactorWad(2n)).to.equal(707106781186547524n); // ⌊√½·1e18⌋
      expect(exponentialFactorWad(MAX_HALF_LIFE_EPOCHS) <= MAX_FACTOR_WAD).to.equal(true);
    });

    it("rejects a half-life of 0 or above the maximum, naming the field", function () {
      expect(() => exponentialFactorWad(0n)).to.throw(ScheduleParamsError, /halfLifeEpochs/);
      expect(() => exponentialFactorWad(MAX_HALF_LIFE_EPOCHS + 1n)).to.throw(ScheduleParamsError, /halfLifeEpochs/);
    });

    it("saturation: periodPowerUp(MAX_FACTOR_WAD, 2^64) = 1, so every accepted factor is flat from 2^64 periods", function () {
      expect(periodPowerUp(MAX_FACTOR_WAD, SATURATION_PERIODS)).to.equal(1n);
    });
  });

  describe("validation", function () {
    const bad: [string, ScheduleParams][] = [
      ["cap", { curve: "constant", initialEmission: 1n, cap: 0n }],
      ["cap", { curve: "constant", initialEmission: 1n, cap: MAX_CAP + 1n }],
      ["initialEmission", { curve: "constant", initialEmission: 0n, cap: 10n }],
      ["initialEmission", { curve: "constant", initialEmission: 11n, cap: 10n }],
      ["decrement", { curve: "constant", initialEmission: 1n, cap: 10n, decrement: 1n }],
      ["decrement", { curve: "linear", initialEmission: 5n, cap: 10n }],
      ["decrement", { curve: "linear", initialEmission: 5n, cap: 10n, decrement: 6n }],
      ["floor", { curve: "linear", initialEmission: 5n, cap: 10n, decrement: 1n, floor: 6n }],
      ["periodEpochs", { curve: "linear", initialEmission: 5n, cap: 10n, decrement: 1n, periodEpochs: 1n }],
      ["factorWad", { curve: "step", initialEmission: 5n, cap: 10n, factorWad: WAD, periodEpochs: 1n }],
      ["factorWad", { curve: "step", initialEmission: 5n, cap: 10n, factorWad: 0n, periodEpochs: 1n }],
      ["periodEpochs", { curve: "step", initialEmission: 5n, cap: 10n, factorWad: WAD / 2n, periodEpochs: 0n }],
      ["halfLifeEpochs", { curve: "exponential", initialEmission: 5n, cap: 10n }],
      ["factorWad", { curve: "exponential", initialEmission: 5n, cap: 10n, halfLifeEpochs: 2n, factorWad: WAD / 2n }],
      ["periodEpochs", { curve: "exponential", initialEmission: 5n, cap: 10n, halfLifeEpochs: 2n, periodEpochs: 1n }],
      ["curve", { curve: "cubic" as never, initialEmission: 5n, cap: 10n }],
    ];
    for (const [fieldName, params] of bad) {
      it(`rejects ${JSON.stringify(params, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))} naming ${fieldName}`, function () {
        expect(() => resolveSchedule(params))
          .to.throw(ScheduleParamsError)
          .with.property("field", fieldName);
      });
    }

    it("scheduleProblems lists every problem in the constructor's order; resolveSchedule throws the first", function () {
      const p = {
        curve: "step",
        initialEmission: 11n,
        cap: 10n,
        decrement: 1n,
        halfLifeEpochs: 3n,
        factorWad: WAD,
        periodEpochs: 0n,
      } as ScheduleParams;
      const problems = scheduleProblems(p);
      expect(problems.map((e) => [e.field, e.reason])).to.deep.equal([
        ["initialEmission", "expected 1 ≤ initialEmission ≤ 10, got 11"],
        ["decrement", 'not used by the "step" curve; omit it or set it to 0'],
        ["halfLifeEpochs", 'not used by the "step" curve; omit it or set it to 0'],
        ["factorWad", `expected 1 ≤ factorWad ≤ ${MAX_FACTOR_WAD}, got ${WAD}`],
        ["periodEpochs", "expected 1 ≤ periodEpochs ≤ 18446744073709551615, got 0"],
      ]);
      expect(() => resolveSchedule(p)).to.throw(problems[0].message);
      // a bad cap is reported once: the initial emission is then checked against the largest cap
      expect(
        scheduleProblems({ curve: "linear", initialEmission: 5n, cap: 0n, decrement: 5n }).map((e) => e.field),
      ).to.deep.equal(["cap"]);
      // an absent required field says so
      expect(
        scheduleProblems({ curve: "exponential", initialEmission: 5n, cap: 10n }).map((e) => e.reason),
      ).to.deep.equal([`required by the "exponential" curve: expected 1 ≤ halfLifeEpochs ≤ ${MAX_HALF_LIFE_EPOCHS}`]);
      expect(scheduleProblems({ curve: "linear", initialEmission: 5n, cap: 10n }).map((e) => e.reason)).to.deep.equal([
        'required by the "linear" curve: expected 1 ≤ decrement ≤ 5',
      ]);
      expect(scheduleProblems({ curve: "constant", initialEmission: 5n, cap: 10n })).to.deep.equal([]);
    });

    it("accepts an exponential factorWad equal to the derived one", function () {
      const f = exponentialFactorWad(2191n);
      const p: ScheduleParams = {
        curve: "exponential",
        initialEmission: 5n,
        cap: 10n,
        halfLifeEpochs: 2191n,
        factorWad: f,
      };
      expect(resolveSchedule(p).factorWad).to.equal(f);
    });

    it("rejects a negative epoch", function () {
      expect(() => cumulative({ curve: "constant", initialEmission: 1n, cap: 1n }, -1n)).to.throw(RangeError, /epoch/);
    });
  });

  describe("invariants (property)", function () {
    it("Σ emission(0..e) == cumulative(e) exactly, for e ≤ 400", function () {
      fc.assert(
        fc.property(anySchedule, fc.bigInt({ min: 0n, max: 400n }), (p, e) => {
          let sum = 0n;
          for (let x = 0n; x <= e; x++) sum += emission(p, x);
          expect(sum).to.equal(cumulative(p, e));
        }),
        { numRuns: 150 },
      );
    });

    it("cumulative is non-decreasing and ≤ cap at any epoch (up to 2^256 − 1)", function () {
      const epoch = fc.oneof(
        fc.bigInt({ min: 0n, max: 100_000n }),
        fc.bigInt({ min: 0n, max: 1n << 70n }),
        fc.bigInt({ min: 0n, max: (1n << 256n) - 2n }),
      );
      fc.assert(
        fc.property(anySchedule, epoch, (p, e) => {
          const c = cumulative(p, e);
          expect(c <= p.cap).to.equal(true);
          expect(cumulative(p, e + 1n) >= c).to.equal(true);
        }),
        { numRuns: 500 },
      );
    });

    it("over 100 years of daily epochs every curve stays ≤ cap (far end and sampled points)", function () {
      fc.assert(
        fc.property(anySchedule, (p) => {
          let previous = 0n;
          for (let e = 0n; e < CENTURY_OF_DAYS; e += 365n) {
            const c = cumulative(p, e);
            expect(c >= previous && c <= p.cap).to.equal(true);
            previous = c;
          }
          expect(cumulative(p, CENTURY_OF_DAYS - 1n) <= p.cap).to.equal(true);
        }),
        { numRuns: 60 },
      );
    });

    it("step/exponential round down and stay within the stated bound of the exact real curve", function () {
      // 0 ≤ C*(e) − C(e) < I·P·(k+1) / ((1e18 − f)·1e18) + 2 wei
      fc.assert(
        fc.property(fc.oneof(stepSchedule, exponentialSchedule), fc.bigInt({ min: 0n, max: 3000n }), (p, e) => {
          const s = resolveSchedule(p);
          const { num, den } = exactStepCumulative(p, e);
          const c = cumulative(p, e);
          expect(c * den <= num, "C ≤ C*").to.equal(true);
          const k = e / s.periodEpochs;
          const boundNum = s.initialEmission * s.periodEpochs * (k + 1n) + 2n * (WAD - s.factorWad) * WAD;
          expect((num - c * den) * (WAD - s.factorWad) * WAD < boundNum * den, "C* − C < bound").to.equal(true);
        }),
        { numRuns: 120 },
      );
    });

    it("the Filecoin-like half-life curve is within 3 wei of the exact curve out to day 36,499", function () {
      const p: ScheduleParams = {
        curve: "exponential",
        initialEmission: (330_000_000n * TOKEN * (WAD - exponentialFactorWad(2191n))) / WAD,
        cap: 330_000_000n * TOKEN,
        halfLifeEpochs: 2191n,
      };
      for (const e of [0n, 2190n, 2191n, 10_000n, CENTURY_OF_DAYS - 1n]) {
        const { num, den } = exactStepCumulative(p, e);
        const c = cumulative(p, e);
        expect(c * den <= num && num - c * den < 3n * den, `epoch ${e}`).to.equal(true);
      }
    });

    it("capReachedEpoch is the first epoch at the cap", function () {
      fc.assert(
        fc.property(anySchedule, (p) => {
          const at = capReachedEpoch(p);
          if (at === undefined) {
            expect(cumulative(p, (1n << 256n) - 1n) < p.cap).to.equal(true);
            return;
          }
          expect(cumulative(p, at)).to.equal(p.cap);
          if (at > 0n) expect(cumulative(p, at - 1n) < p.cap).to.equal(true);
        }),
        { numRuns: 100 },
      );
    });
  });

  describe("emissionSeries (float64, token units)", function () {
    it(`agrees with the bigint model within ${SERIES_RELATIVE_TOLERANCE} · max(I, cap/1000) + 2 wei per epoch`, function () {
      let worst = 0;
      fc.assert(
        fc.property(anySchedule, (p) => {
          const epochs = 2000;
          const series = emissionSeries(p, epochs);
          expect(series.length).to.equal(epochs);
          const scale = Math.max(Number(p.initialEmission), Number(p.cap) / 1000);
          for (let e = 0; e < epochs; e++) {
            const exact = Number(emission(p, BigInt(e)));
            const gap = Math.max(0, Math.abs(series[e] * 1e18 - exact) - 2);
            worst = Math.max(worst, gap / scale);
          }
        }),
        { numRuns: 60 },
      );
      expect(worst).to.be.at.most(SERIES_RELATIVE_TOLERANCE);
    });

    it("rejects a negative or fractional epoch count", function () {
      const p: ScheduleParams = { curve: "constant", initialEmission: 1n, cap: 1n };
      expect(() => emissionSeries(p, -1)).to.throw(RangeError, /epochs/);
      expect(() => emissionSeries(p, 1.5)).to.throw(RangeError, /epochs/);
    });
  });

  describe("segments and splits (controller twin)", function () {
    const a: ScheduleParams = { curve: "constant", initialEmission: 10n, cap: 1_000n };
    const b: ScheduleParams = { curve: "linear", initialEmission: 7n, cap: 1_000n, decrement: 1n, floor: 2n };

    it("segmentedCumulative: base of a segment = cumulative before it; the new schedule starts at local epoch 0", function () {
      const segments = [
        { fromEpoch: 0n, schedule: a },
        { fromEpoch: 3n, schedule: b },
      ];
      expect([0n, 1n, 2n, 3n, 4n, 5n, 6n].map((e) => segmentedEmission(segments, 1_000n, e))).to.deep.equal([
        10n,
        10n,
        10n,
        7n,
        6n,
        5n,
        4n,
      ]);
      expect(segmentedCumulative(segments, 1_000n, 4n)).to.equal(43n);
      expect(segmentedCumulative(segments, 40n, 4n)).to.equal(40n); // token cap binds
      expect(segmentedEmission(segments, 40n, 4n)).to.equal(3n);
    });

    it("segmentedCumulative rejects segments not starting at 0 or not increasing", function () {
      expect(() => segmentedCumulative([{ fromEpoch: 1n, schedule: a }], 10n, 0n)).to.throw(RangeError, /segments/);
      expect(() =>
        segmentedCumulative(
          [
            { fromEpoch: 0n, schedule: a },
            { fromEpoch: 0n, schedule: b },
          ],
          10n,
          0n,
        ),
      ).to.throw(RangeError, /segments\[1\]\.fromEpoch/);
    });

    it("splitEmission rounds the pool and ecosystem down and gives the dust to the treasury", function () {
      expect(
        splitEmission(10_007n, { devicePoolBps: 3_333n, treasuryBps: 3_334n, ecosystemBps: 3_333n }),
      ).to.deep.equal({
        devicePool: 3_335n,
        treasury: 3_337n,
        ecosystem: 3_335n,
      });
      expect(() => splitEmission(1n, { devicePoolBps: 1n, treasuryBps: 1n, ecosystemBps: 1n })).to.throw(
        RangeError,
        /splits/,
      );
    });
  });

  describe("epoch clock", function () {
    it("epochAt / epochStart: epoch e covers [genesis + e·L, genesis + (e+1)·L)", function () {
      expect(epochStart(1_000n, 86_400n, 3n)).to.equal(1_000n + 3n * 86_400n);
      expect(epochAt(1_000n, 86_400n, 1_000n)).to.equal(0n);
      expect(epochAt(1_000n, 86_400n, 1_000n + 86_399n)).to.equal(0n);
      expect(epochAt(1_000n, 86_400n, 1_000n + 86_400n)).to.equal(1n);
      expect(() => epochAt(1_000n, 86_400n, 999n)).to.throw(RangeError, /before genesis/);
      expect(() => epochStart(0n, 0n, 1n)).to.throw(RangeError, /epochLength/);
    });
  });
});
