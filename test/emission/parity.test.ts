/**
 * Property-based parity: `protocol/emission.ts` + `protocol/math.ts` (TypeScript, bigint) against the deployed
 * contracts, to the wei. Random schedules and epochs chosen where curves are most fragile: epoch 0, every step edge,
 * the epoch the cap is reached, the saturation boundary and the far future.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  MAX_CAP,
  MAX_FACTOR_WAD,
  MAX_HALF_LIFE_EPOCHS,
  MAX_PERIOD_EPOCHS,
  SATURATION_PERIODS,
  SCHEDULE_FIELDS,
  type ScheduleParams,
  ScheduleParamsError,
  type ScheduleSegment,
  capReachedEpoch,
  cumulative,
  emission,
  exponentialFactorWad,
  resolveSchedule,
  segmentedCumulative,
  segmentedEmission,
  toSolidityParams,
} from "../../protocol/emission";
import { PRECISE_ONE, WAD, rpowDown, rpowUp } from "../../protocol/math";
import { anySchedule } from "../protocol/scheduleArbitraries";
import { DAY, deploySchedule } from "./fixtures";
import { UNDER_COVERAGE } from "../fixtures/gasSnapshot";

const MAX_UINT256 = (1n << 256n) - 1n;
/** Comparisons made (one = one on-chain value checked against TypeScript). */
const counts = {
  schedules: 0,
  scheduleValues: 0,
  paramSets: 0,
  validParamSets: 0,
  mathValues: 0,
  controllers: 0,
  controllerValues: 0,
};

/** The epochs most likely to break a curve, plus a few random ones. */
function interestingEpochs(params: ScheduleParams, random: bigint[]): bigint[] {
  const s = resolveSchedule(params);
  const p = s.periodEpochs === 0n ? 1n : s.periodEpochs;
  const epochs = new Set<bigint>([0n, 1n, 2n, 36_499n, MAX_UINT256, 1n << 200n, ...random]);
  for (const k of [1n, 2n, 3n, 10n, 100n]) for (const d of [-1n, 0n, 1n]) epochs.add(k * p + d);
  if (s.curve === "linear") {
    const n = (s.initialEmission - s.floor + s.decrement - 1n) / s.decrement; // first epoch at the floor
    for (const d of [-1n, 0n, 1n]) epochs.add(n + d);
  }
  if (s.curve === "step" || s.curve === "exponential") {
    for (const d of [-1n, 0n]) epochs.add(SATURATION_PERIODS * p + d); // saturation boundary
  }
  const capEpoch = capReachedEpoch(params);
  if (capEpoch !== undefined) for (const d of [-1n, 0n, 1n]) epochs.add(capEpoch + d);
  return [...epochs].filter((e) => e >= 0n && e <= MAX_UINT256);
}

async function harnessFixture() {
  const harness = await (await ethers.getContractFactory("EmissionMathHarness")).deploy();
  return { harness };
}

describe("Emission parity: protocol/emission.ts == contracts (fast-check)", function () {
  // Instrumented contracts under solidity-coverage run the same cases several times slower.
  if (UNDER_COVERAGE) this.timeout(900_000);
  after(function () {
    console.log(`      parity cases: ${JSON.stringify(counts)}`);
  });

  it("EmissionSchedule.cumulative/emission == TypeScript at edges, cap epoch and far future", async function () {
    await fc.assert(
      fc.asyncProperty(
        anySchedule,
        fc.array(fc.bigInt({ min: 0n, max: 100_000n }), { minLength: 2, maxLength: 2 }),
        fc.bigInt({ min: 0n, max: MAX_UINT256 }),
        async (params, smallEpochs, anyEpoch) => {
          const schedule = await deploySchedule(params);
          counts.schedules++;
          for (const epoch of interestingEpochs(params, [...smallEpochs, anyEpoch])) {
            const [onChainCumulative, onChainEmission] = await Promise.all([
              schedule.cumulative(epoch),
              schedule.emission(epoch),
            ]);
            expect(onChainCumulative, `C(${epoch})`).to.equal(cumulative(params, epoch));
            expect(onChainEmission, `E(${epoch})`).to.equal(emission(params, epoch));
            counts.scheduleValues += 2;
          }
        },
      ),
      { numRuns: 70, seed: 20_251_125 },
    );
  });

  it("a parameter set is rejected by TypeScript iff the constructor reverts, with the matching error", async function () {
    const factory = await ethers.getContractFactory("EmissionSchedule");
    // A valid schedule with (usually) one field replaced by an edge value: about half end up invalid.
    const edge = fc.oneof(
      fc.constantFrom(0n, 1n, WAD / 2n, WAD, MAX_FACTOR_WAD, MAX_FACTOR_WAD + 1n, MAX_CAP, MAX_CAP + 1n),
      fc.constantFrom(
        MAX_PERIOD_EPOCHS + 1n,
        MAX_HALF_LIFE_EPOCHS,
        MAX_HALF_LIFE_EPOCHS + 1n,
        exponentialFactorWad(3n),
      ),
      fc.bigInt({ min: 0n, max: 2_000n }),
    );
    const fields = ["none", ...SCHEDULE_FIELDS];
    const params = fc
      .record({ base: anySchedule, field: fc.constantFrom(...fields), value: edge })
      .map(({ base, field, value }): ScheduleParams => (field === "none" ? base : { ...base, [field]: value }));
    const errorFor = (p: ScheduleParams, e: ScheduleParamsError): string => {
      if (e.message.includes("not used by")) return "ScheduleParameterNotUsed";
      const byField: Record<string, string> = {
        cap: "ScheduleInvalidCap",
        initialEmission: "ScheduleInvalidInitialEmission",
        decrement: "ScheduleInvalidDecrement",
        floor: "ScheduleFloorAboveInitial",
        factorWad: p.curve === "exponential" ? "ScheduleFactorMismatch" : "ScheduleInvalidFactor",
        periodEpochs: "ScheduleInvalidPeriod",
        halfLifeEpochs: "ScheduleInvalidHalfLife",
      };
      return byField[e.field];
    };
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        counts.paramSets++;
        let tsError: ScheduleParamsError | undefined;
        try {
          resolveSchedule(p);
        } catch (error) {
          if (!(error instanceof ScheduleParamsError)) throw error;
          tsError = error;
        }
        const deployment = factory.deploy(toSolidityParams(p));
        if (tsError === undefined) {
          counts.validParamSets++;
          const schedule = await deployment;
          expect(await schedule.cumulative(5n)).to.equal(cumulative(p, 5n));
        } else {
          await expect(deployment).to.be.revertedWithCustomError(factory, errorFor(p, tsError));
        }
      }),
      { numRuns: 120, seed: 7 },
    );
  });

  it("EmissionMath rpowDown/rpowUp/periodPowerUp/exponentialFactorWad == protocol/math.ts", async function () {
    const { harness } = await loadFixture(harnessFixture);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(WAD, PRECISE_ONE),
        fc.bigInt({ min: 0n, max: WAD }),
        fc.oneof(fc.bigInt({ min: 0n, max: 100_000n }), fc.bigInt({ min: 0n, max: MAX_UINT256 })),
        fc.bigInt({ min: 1n, max: MAX_HALF_LIFE_EPOCHS }),
        async (scale, xWad, n, halfLife) => {
          const x = (xWad * scale) / WAD;
          expect(await harness.rpowDown(x, n, scale)).to.equal(rpowDown(x, n, scale));
          expect(await harness.rpowUp(x, n, scale)).to.equal(rpowUp(x, n, scale));
          expect(await harness.periodPowerUp(xWad, n)).to.equal(rpowUp(xWad * WAD, n, PRECISE_ONE));
          expect(await harness.exponentialFactorWad(halfLife)).to.equal(exponentialFactorWad(halfLife));
          counts.mathValues += 4;
        },
      ),
      { numRuns: 80, seed: 42 },
    );
    // The saturation fact the curves rely on, on chain.
    expect(await harness.periodPowerUp(MAX_FACTOR_WAD, SATURATION_PERIODS)).to.equal(1n);
  });

  it("EmissionController across 1–3 segments == segmentedCumulative/segmentedEmission", async function () {
    const [admin] = await ethers.getSigners();
    const controllerFactory = await ethers.getContractFactory("EmissionController");
    await fc.assert(
      fc.asyncProperty(
        fc.array(anySchedule, { minLength: 1, maxLength: 3 }),
        fc.array(fc.bigInt({ min: 1n, max: 2_000n }), { minLength: 2, maxLength: 2 }),
        fc.bigInt({ min: 1n, max: MAX_CAP }),
        fc.array(fc.bigInt({ min: 0n, max: 10_000n }), { minLength: 3, maxLength: 3 }),
        async (schedules, gaps, tokenCapDraw, randomEpochs) => {
          // Token cap: sometimes binding (below the schedules' caps), sometimes not.
          const tokenCap = tokenCapDraw % 2n === 0n ? tokenCapDraw : schedules[0].cap * 2n;
          const segments: ScheduleSegment[] = [];
          let fromEpoch = 0n;
          for (const [i, params] of schedules.entries()) {
            segments.push({ fromEpoch, schedule: params });
            fromEpoch += gaps[i % gaps.length];
          }
          const deployed = await Promise.all(segments.map((s) => deploySchedule(s.schedule)));
          // Genesis a year ahead: every fromEpoch ≥ 1 is still in the future.
          const genesis = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 365n * DAY;
          const controller = await controllerFactory.deploy(
            "N",
            "S",
            tokenCap,
            genesis,
            DAY,
            await deployed[0].getAddress(),
            admin.address,
          );
          for (let i = 1; i < segments.length; i++) {
            await controller.switchSchedule(await deployed[i].getAddress(), segments[i].fromEpoch);
          }
          counts.controllers++;
          const epochs = new Set<bigint>([0n, 1n, MAX_UINT256, ...randomEpochs]);
          for (const s of segments)
            for (const d of [-1n, 0n, 1n]) if (s.fromEpoch + d >= 0n) epochs.add(s.fromEpoch + d);
          for (const epoch of epochs) {
            expect(await controller.cumulative(epoch), `C(${epoch})`).to.equal(
              segmentedCumulative(segments, tokenCap, epoch),
            );
            expect(await controller.emission(epoch), `E(${epoch})`).to.equal(
              segmentedEmission(segments, tokenCap, epoch),
            );
            counts.controllerValues += 2;
          }
        },
      ),
      { numRuns: 25, seed: 99 },
    );
  });
});
