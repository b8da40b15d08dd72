import { expect } from "chai";
import fc from "fast-check";
import { DensityModel, hexLimit, neighbours, parentCell, type DensityParams } from "../../protocol/density";
import {
  createFastRewardKernel,
  distributeExact,
  REWARD_FAST_EXACT_TOLERANCE,
  rewardEpochExact,
  scoreExact,
  stakeFactorWad,
  validateRewardParams,
  type DeviceEpoch,
  type RewardParams,
} from "../../protocol/reward";

const WAD = 10n ** 18n;

const params: RewardParams = {
  classWeightsBps: [10_000, 20_000, 5_000],
  demandWeightBps: 2_500,
  stakeFactor: { enabled: true, referenceStakeWei: 1000n * WAD, maxBoostBps: 5_000 },
  establishment: { epochs: 3, fractionBps: 1_000 },
};

const grid = { width: 8, height: 8 };
const oneLevel: DensityParams = { enabled: true, resolutions: [{ level: 0, target: 1, max: 2, n: 2 }] };

describe("protocol/density", function () {
  it("gives every cell six distinct neighbours that are mutual", function () {
    for (let cell = 0; cell < 64; cell++) {
      const ns = neighbours(grid, cell);
      expect(new Set(ns).size).to.equal(6);
      expect(ns).to.not.include(cell);
      for (const n of ns) expect(neighbours(grid, n)).to.include(cell);
    }
  });

  it("maps cells to 2^k blocks at level k", function () {
    expect(parentCell(grid, 0, 1)).to.equal(0);
    expect(parentCell(grid, 9, 1)).to.equal(0); // row 1, col 1
    expect(parentCell(grid, 2, 1)).to.equal(1);
    expect(parentCell(grid, 63, 2)).to.equal(3);
  });

  it("computes the HIP-17 limit min(max, target × max(occupied − N + 1, 1))", function () {
    const r = { level: 0, target: 2, max: 5, n: 2 };
    expect(hexLimit(r, 0)).to.equal(2);
    expect(hexLimit(r, 2)).to.equal(2);
    expect(hexLimit(r, 3)).to.equal(4);
    expect(hexLimit(r, 7)).to.equal(5);
  });

  it("scales a crowded cell by limit / present and leaves others at 1 (float and WAD agree)", function () {
    const model = new DensityModel(grid, oneLevel);
    const counts = new Float64Array(64);
    counts[0] = 4; // alone: occupied = 1 → limit = 1 → scale 1/4
    counts[20] = 1;
    const f = model.factors(counts, new Float64Array(64));
    expect(f[0]).to.equal(0.25);
    expect(f[20]).to.equal(1);
    const w = model.factorsWad(counts);
    expect(w[0]).to.equal(WAD / 4n);
    expect(w[20]).to.equal(WAD);
    // a neighbour becomes occupied: occupied = 2 → limit = 1·max(2−2+1,1) = 1; three occupied → limit 2
    const ns = neighbours(grid, 0);
    counts[ns[0]] = 1;
    counts[ns[1]] = 1;
    expect(model.factors(counts, new Float64Array(64))[0]).to.equal(0.5);
  });

  it("multiplies the scales of several resolutions and is 1 when disabled", function () {
    const two: DensityParams = {
      enabled: true,
      resolutions: [
        { level: 0, target: 1, max: 1, n: 2 },
        { level: 1, target: 1, max: 2, n: 2 },
      ],
    };
    const model = new DensityModel(grid, two);
    const counts = new Float64Array(64);
    counts[0] = 2;
    counts[1] = 2; // same level-1 parent: 4 present, limit 1 → 1/4; level 0: each 1/2 → 1/8
    expect(model.factors(counts, new Float64Array(64))[0]).to.equal(1 / 8);
    expect(model.factorsWad(counts)[0]).to.equal(WAD / 8n);
    const off = new DensityModel(grid, { ...two, enabled: false });
    expect(off.factors(counts, new Float64Array(64))[0]).to.equal(1);
  });

  it("refuses a count vector of the wrong length", function () {
    expect(() => new DensityModel(grid, oneLevel).factors(new Float64Array(3), new Float64Array(64))).to.throw(
      /expected 64 cell counts/,
    );
  });
});

describe("protocol/reward", function () {
  describe("exact mode", function () {
    it("scores work × class weight × density × stake × establishment, rounding down", function () {
      const device: DeviceEpoch = {
        classId: 1,
        reportedWork: 100n,
        servedWork: 60n,
        cell: 0,
        stakeWei: 500n * WAD,
        ageEpochs: 5,
        eligible: true,
      };
      // work = 0.75·100 + 0.25·60 = 90; ×2 (weight) ×0.5 (density) ×1.25 (stake: half of a 50% boost) = 112.5
      expect(scoreExact(params, device, WAD / 2n)).to.equal(112_500_000_000_000_000_000n);
      expect(scoreExact(params, { ...device, ageEpochs: 2 }, WAD / 2n)).to.equal(11_250_000_000_000_000_000n);
      expect(scoreExact(params, { ...device, eligible: false }, WAD)).to.equal(0n);
      expect(stakeFactorWad(params.stakeFactor, 5000n * WAD)).to.equal((3n * WAD) / 2n);
    });

    it("caps the stake factor at the reference stake, at a given cap, or not at all (cap null)", function () {
      const sf = params.stakeFactor; // reference 1000 tokens, boost 50%
      const at = (cap: bigint | null | undefined, stake: bigint) =>
        stakeFactorWad(cap === undefined ? sf : { ...sf, capStakeWei: cap }, stake * WAD);
      expect(at(undefined, 5000n)).to.equal((3n * WAD) / 2n);
      expect(at(1000n * WAD, 5000n)).to.equal((3n * WAD) / 2n);
      // cap 3000: 1 + 0.5 × 3000/1000 = 2.5
      expect(at(3000n * WAD, 5000n)).to.equal((5n * WAD) / 2n);
      expect(at(3000n * WAD, 500n)).to.equal((5n * WAD) / 4n);
      // uncapped: 1 + 0.5 × 20000/1000 = 11
      expect(at(null, 20_000n)).to.equal(11n * WAD);
      expect(at(null, 0n)).to.equal(WAD);
    });

    it("pays pool × score / Σscore rounded down and carries the dust", function () {
      const d = distributeExact(100n, [1n, 1n, 1n]);
      expect(d.rewards).to.deep.equal([33n, 33n, 33n]);
      expect(d.paid).to.equal(99n);
      expect(d.dust).to.equal(1n);
      const none = distributeExact(100n, [0n, 0n]);
      expect(none.paid).to.equal(0n);
      expect(none.dust).to.equal(100n);
    });

    it("never pays more than the pool and loses nothing (fuzzed)", function () {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: 10n ** 30n }),
          fc.array(fc.bigInt({ min: 0n, max: 10n ** 24n }), { minLength: 1, maxLength: 40 }),
          (pool, scores) => {
            const d = distributeExact(pool, scores);
            expect(d.paid + d.dust).to.equal(pool);
            expect(d.dust >= 0n).to.equal(true);
            if (scores.some((s) => s > 0n)) expect(d.dust < BigInt(scores.length)).to.equal(true);
          },
        ),
        { numRuns: 200 },
      );
    });

    it("refuses bad parameters naming the field", function () {
      expect(() => validateRewardParams({ ...params, demandWeightBps: 10_001 })).to.throw(/demandWeightBps/);
      expect(() =>
        validateRewardParams({ ...params, stakeFactor: { ...params.stakeFactor, capStakeWei: 0n } }),
      ).to.throw(/stakeFactor.capStakeWei must be positive/);
      expect(() => validateRewardParams({ ...params, establishment: { epochs: -1, fractionBps: 0 } })).to.throw(
        /establishment.epochs/,
      );
    });
  });

  describe("fast mode agrees with exact mode", function () {
    it(`within ${REWARD_FAST_EXACT_TOLERANCE.absoluteWeiPerDevice} wei per device + ${REWARD_FAST_EXACT_TOLERANCE.relative} relative, stake capped or not (fuzzed)`, function () {
      const capped = params;
      const density = new DensityModel(grid, oneLevel);
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              classId: fc.integer({ min: 0, max: 2 }),
              reported: fc.integer({ min: 0, max: 1_000_000 }),
              servedPct: fc.integer({ min: 0, max: 100 }),
              cell: fc.integer({ min: 0, max: 63 }),
              stake: fc.integer({ min: 0, max: 3000 }),
              age: fc.integer({ min: 0, max: 6 }),
              eligible: fc.boolean(),
            }),
            { minLength: 1, maxLength: 60 },
          ),
          fc.integer({ min: 1, max: 1_000_000_000 }),
          fc.constantFrom<bigint | null | undefined>(undefined, 2_000n * WAD, null),
          (rows, poolTokens, cap) => {
            const params =
              cap === undefined ? capped : { ...capped, stakeFactor: { ...capped.stakeFactor, capStakeWei: cap } };
            const epoch = 10;
            const devices: DeviceEpoch[] = rows.map((r) => ({
              classId: r.classId,
              reportedWork: BigInt(r.reported),
              servedWork: BigInt(Math.floor((r.reported * r.servedPct) / 100)),
              cell: r.cell,
              stakeWei: BigInt(r.stake) * WAD,
              ageEpochs: r.age,
              eligible: r.eligible,
            }));
            const pool = BigInt(poolTokens) * WAD;
            const exact = rewardEpochExact(params, density, devices, pool, 0n);

            const n = rows.length;
            const arrays = {
              classId: Uint8Array.from(rows, (r) => r.classId),
              reported: Float64Array.from(devices, (d) => Number(d.reportedWork)),
              served: Float64Array.from(devices, (d) => Number(d.servedWork)),
              cell: Int32Array.from(rows, (r) => r.cell),
              stake: Float64Array.from(rows, (r) => r.stake),
              joinEpoch: Int32Array.from(rows, (r) => epoch - r.age),
              eligible: Uint8Array.from(rows, (r) => (r.eligible ? 1 : 0)),
              cellFactor: new Float64Array(64),
              score: new Float64Array(n),
              reward: new Float64Array(n),
            };
            const counts = new Float64Array(64);
            rows.forEach((r) => r.eligible && counts[r.cell]++);
            density.factors(counts, arrays.cellFactor);
            const kernel = createFastRewardKernel(params, arrays);
            const total = kernel.score(n, epoch);
            const fastPaidWei = kernel.pay(n, poolTokens, total) * 1e18;
            const exactPaid = Number(exact.paid);
            const tol =
              n * REWARD_FAST_EXACT_TOLERANCE.absoluteWeiPerDevice +
              REWARD_FAST_EXACT_TOLERANCE.relative * Number(pool);
            expect(Math.abs(exactPaid - fastPaidWei)).to.be.at.most(tol);
            for (let i = 0; i < n; i++) {
              const e = Number(exact.rewards[i]);
              const f = arrays.reward[i] * 1e18;
              expect(Math.abs(e - f)).to.be.at.most(1 + REWARD_FAST_EXACT_TOLERANCE.relative * Number(pool));
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
