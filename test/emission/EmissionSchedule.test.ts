import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  MAX_CAP,
  MAX_FACTOR_WAD,
  MAX_HALF_LIFE_EPOCHS,
  MAX_PERIOD_EPOCHS,
  type ScheduleParams,
  cumulative,
  emission,
  exponentialFactorWad,
  resolveSchedule,
  toSolidityParams,
} from "../../protocol/emission";
import { WAD } from "../../protocol/math";
import { CENTURY_OF_DAYS, EXAMPLES, deployExampleSchedulesFixture, deploySchedule } from "./fixtures";
import { expectGasAtMost } from "../fixtures/gasSnapshot";

const MAX_UINT256 = ethers.MaxUint256;
const CURVE_INDEX = { constant: 0n, linear: 1n, step: 2n, exponential: 3n } as const;

describe("EmissionSchedule", function () {
  describe("constructor", function () {
    it("stores the resolved parameters of every example (exponential: derived factor, period 1)", async function () {
      const schedules = await loadFixture(deployExampleSchedulesFixture);
      for (const [name, params] of Object.entries(EXAMPLES)) {
        const schedule = schedules[name as keyof typeof EXAMPLES];
        const resolved = resolveSchedule(params);
        const onChain = await schedule.params();
        expect(onChain.curve, name).to.equal(CURVE_INDEX[resolved.curve]);
        expect(await schedule.curve()).to.equal(CURVE_INDEX[resolved.curve]);
        expect(await schedule.initialEmission()).to.equal(resolved.initialEmission);
        expect(await schedule.cap()).to.equal(resolved.cap);
        expect(await schedule.decrement()).to.equal(resolved.decrement);
        expect(await schedule.floor()).to.equal(resolved.floor);
        expect(await schedule.factorWad()).to.equal(resolved.factorWad);
        expect(await schedule.periodEpochs()).to.equal(resolved.periodEpochs);
        expect(await schedule.halfLifeEpochs()).to.equal(resolved.halfLifeEpochs);
        expect([...onChain].slice(1)).to.deep.equal([
          resolved.initialEmission,
          resolved.cap,
          resolved.decrement,
          resolved.floor,
          resolved.factorWad,
          resolved.periodEpochs,
          resolved.halfLifeEpochs,
        ]);
      }
    });

    it("accepts an exponential factorWad equal to the derived one", async function () {
      const f = exponentialFactorWad(2191n);
      const schedule = await deploySchedule({ ...EXAMPLES.filecoinHalfLife, factorWad: f });
      expect(await schedule.factorWad()).to.equal(f);
    });

    it("accepts the extreme bounds (cap 2^128 − 1, factor 1 − 1e-9, period 2^64 − 1, half-life 5e8)", async function () {
      const step = await deploySchedule({
        curve: "step",
        initialEmission: MAX_CAP,
        cap: MAX_CAP,
        factorWad: MAX_FACTOR_WAD,
        periodEpochs: MAX_PERIOD_EPOCHS,
      });
      expect(await step.cumulative(MAX_UINT256)).to.equal(MAX_CAP);
      const exponential = await deploySchedule({
        curve: "exponential",
        initialEmission: 1n,
        cap: MAX_CAP,
        halfLifeEpochs: MAX_HALF_LIFE_EPOCHS,
      });
      expect(await exponential.factorWad()).to.equal(exponentialFactorWad(MAX_HALF_LIFE_EPOCHS));
    });

    describe("failure cases", function () {
      type Case = [string, ScheduleParams, string, unknown[]];
      const base = { initialEmission: 100n, cap: 1_000n };
      const cases: Case[] = [
        ["cap is 0", { curve: "constant", initialEmission: 1n, cap: 0n }, "ScheduleInvalidCap", [0n, MAX_CAP]],
        [
          "cap above 2^128 − 1",
          { curve: "constant", initialEmission: 1n, cap: MAX_CAP + 1n },
          "ScheduleInvalidCap",
          [MAX_CAP + 1n, MAX_CAP],
        ],
        [
          "initial emission is 0",
          { curve: "constant", initialEmission: 0n, cap: 5n },
          "ScheduleInvalidInitialEmission",
          [0n, 5n],
        ],
        [
          "initial emission above cap",
          { curve: "constant", initialEmission: 6n, cap: 5n },
          "ScheduleInvalidInitialEmission",
          [6n, 5n],
        ],
        [
          "constant with a decrement",
          { curve: "constant", ...base, decrement: 1n },
          "ScheduleParameterNotUsed",
          [0n, "decrement"],
        ],
        ["constant with a floor", { curve: "constant", ...base, floor: 1n }, "ScheduleParameterNotUsed", [0n, "floor"]],
        [
          "constant with a factor",
          { curve: "constant", ...base, factorWad: 1n },
          "ScheduleParameterNotUsed",
          [0n, "factorWad"],
        ],
        [
          "constant with a period",
          { curve: "constant", ...base, periodEpochs: 1n },
          "ScheduleParameterNotUsed",
          [0n, "periodEpochs"],
        ],
        [
          "constant with a half-life",
          { curve: "constant", ...base, halfLifeEpochs: 1n },
          "ScheduleParameterNotUsed",
          [0n, "halfLifeEpochs"],
        ],
        ["linear without decrement", { curve: "linear", ...base }, "ScheduleInvalidDecrement", [0n, 100n]],
        [
          "linear decrement above initial",
          { curve: "linear", ...base, decrement: 101n },
          "ScheduleInvalidDecrement",
          [101n, 100n],
        ],
        [
          "linear floor above initial",
          { curve: "linear", ...base, decrement: 1n, floor: 101n },
          "ScheduleFloorAboveInitial",
          [101n, 100n],
        ],
        [
          "linear with a factor",
          { curve: "linear", ...base, decrement: 1n, factorWad: 1n },
          "ScheduleParameterNotUsed",
          [1n, "factorWad"],
        ],
        [
          "linear with a period",
          { curve: "linear", ...base, decrement: 1n, periodEpochs: 1n },
          "ScheduleParameterNotUsed",
          [1n, "periodEpochs"],
        ],
        [
          "linear with a half-life",
          { curve: "linear", ...base, decrement: 1n, halfLifeEpochs: 1n },
          "ScheduleParameterNotUsed",
          [1n, "halfLifeEpochs"],
        ],
        [
          "step factor 0",
          { curve: "step", ...base, factorWad: 0n, periodEpochs: 1n },
          "ScheduleInvalidFactor",
          [0n, MAX_FACTOR_WAD],
        ],
        [
          "step factor ≥ 1e18",
          { curve: "step", ...base, factorWad: WAD, periodEpochs: 1n },
          "ScheduleInvalidFactor",
          [WAD, MAX_FACTOR_WAD],
        ],
        [
          "step factor just above max",
          { curve: "step", ...base, factorWad: MAX_FACTOR_WAD + 1n, periodEpochs: 1n },
          "ScheduleInvalidFactor",
          [MAX_FACTOR_WAD + 1n, MAX_FACTOR_WAD],
        ],
        [
          "step period 0",
          { curve: "step", ...base, factorWad: WAD / 2n, periodEpochs: 0n },
          "ScheduleInvalidPeriod",
          [0n, MAX_PERIOD_EPOCHS],
        ],
        [
          "step period above max",
          { curve: "step", ...base, factorWad: WAD / 2n, periodEpochs: MAX_PERIOD_EPOCHS + 1n },
          "ScheduleInvalidPeriod",
          [MAX_PERIOD_EPOCHS + 1n, MAX_PERIOD_EPOCHS],
        ],
        [
          "step with a decrement",
          { curve: "step", ...base, decrement: 1n, factorWad: WAD / 2n, periodEpochs: 1n },
          "ScheduleParameterNotUsed",
          [2n, "decrement"],
        ],
        [
          "step with a floor",
          { curve: "step", ...base, floor: 1n, factorWad: WAD / 2n, periodEpochs: 1n },
          "ScheduleParameterNotUsed",
          [2n, "floor"],
        ],
        [
          "step with a half-life",
          { curve: "step", ...base, factorWad: WAD / 2n, periodEpochs: 1n, halfLifeEpochs: 1n },
          "ScheduleParameterNotUsed",
          [2n, "halfLifeEpochs"],
        ],
        [
          "exponential half-life 0",
          { curve: "exponential", ...base },
          "ScheduleInvalidHalfLife",
          [0n, MAX_HALF_LIFE_EPOCHS],
        ],
        [
          "exponential half-life above max",
          { curve: "exponential", ...base, halfLifeEpochs: MAX_HALF_LIFE_EPOCHS + 1n },
          "ScheduleInvalidHalfLife",
          [MAX_HALF_LIFE_EPOCHS + 1n, MAX_HALF_LIFE_EPOCHS],
        ],
        [
          "exponential factor ≠ derived",
          { curve: "exponential", ...base, halfLifeEpochs: 2n, factorWad: WAD / 2n },
          "ScheduleFactorMismatch",
          [WAD / 2n, exponentialFactorWad(2n)],
        ],
        [
          "exponential with a period",
          { curve: "exponential", ...base, halfLifeEpochs: 2n, periodEpochs: 1n },
          "ScheduleParameterNotUsed",
          [3n, "periodEpochs"],
        ],
        [
          "exponential with a decrement",
          { curve: "exponential", ...base, halfLifeEpochs: 2n, decrement: 1n },
          "ScheduleParameterNotUsed",
          [3n, "decrement"],
        ],
        [
          "exponential with a floor",
          { curve: "exponential", ...base, halfLifeEpochs: 2n, floor: 1n },
          "ScheduleParameterNotUsed",
          [3n, "floor"],
        ],
      ];
      for (const [title, params, error, args] of cases) {
        it(`fails if ${title} (${error})`, async function () {
          const factory = await ethers.getContractFactory("EmissionSchedule");
          await expect(factory.deploy(toSolidityParams(params)))
            .to.be.revertedWithCustomError(factory, error)
            .withArgs(...args);
          // The TypeScript twin rejects the same parameters.
          expect(() => resolveSchedule(params)).to.throw();
        });
      }

      it("fails on a curve index outside the enum", async function () {
        const factory = await ethers.getContractFactory("EmissionSchedule");
        const params = { ...toSolidityParams(EXAMPLES.constant), curve: 4 };
        await expect(factory.deploy(params)).to.be.reverted;
      });
    });
  });

  describe("#cumulative / #emission", function () {
    it("equal the TypeScript twin on the examples at period edges and far epochs", async function () {
      const schedules = await loadFixture(deployExampleSchedulesFixture);
      for (const [name, params] of Object.entries(EXAMPLES)) {
        const schedule = schedules[name as keyof typeof EXAMPLES];
        const period = resolveSchedule(params).periodEpochs || 1n;
        const epochs = [
          0n,
          1n,
          period - 1n,
          period,
          period + 1n,
          3n * period,
          7_999n,
          8_000n,
          36_499n,
          1n << 64n,
          MAX_UINT256,
        ];
        for (const epoch of epochs) {
          expect(await schedule.cumulative(epoch), `${name} C(${epoch})`).to.equal(cumulative(params, epoch));
          expect(await schedule.emission(epoch), `${name} E(${epoch})`).to.equal(emission(params, epoch));
        }
      }
    });

    it("Σ emission(0..e) == cumulative(e) on chain for the first 60 epochs of every example", async function () {
      const schedules = await loadFixture(deployExampleSchedulesFixture);
      for (const [name, schedule] of Object.entries(schedules)) {
        let sum = 0n;
        for (let epoch = 0n; epoch < 60n; epoch++) {
          sum += await schedule.emission(epoch);
          expect(await schedule.cumulative(epoch), `${name} at ${epoch}`).to.equal(sum);
        }
      }
    });

    it("Σ emission == cumulative across a halving edge and on sampled windows far out", async function () {
      const { heliumHalving, filecoinHalfLife, dimoWeekly } = await loadFixture(deployExampleSchedulesFixture);
      for (const [schedule, start] of [
        [heliumHalving, 720n],
        [dimoWeekly, 100n],
        [filecoinHalfLife, 30_000n],
      ] as const) {
        let sum = await schedule.cumulative(start - 1n);
        for (let epoch = start; epoch < start + 20n; epoch++) {
          sum += await schedule.emission(epoch);
          expect(await schedule.cumulative(epoch)).to.equal(sum);
        }
      }
    });

    it("halving shapes: Helium day 730 pays half of day 0, DIMO week 52 pays 0.85×, GEODNET day 365 pays half", async function () {
      const { heliumHalving, dimoWeekly, geodnetHalving } = await loadFixture(deployExampleSchedulesFixture);
      expect(await heliumHalving.emission(729n)).to.equal(EXAMPLES.heliumHalving.initialEmission);
      expect(await heliumHalving.emission(730n)).to.equal(EXAMPLES.heliumHalving.initialEmission / 2n);
      expect(await dimoWeekly.emission(52n)).to.equal((EXAMPLES.dimoWeekly.initialEmission * 85n) / 100n);
      expect(await geodnetHalving.emission(365n)).to.equal(EXAMPLES.geodnetHalving.initialEmission / 2n);
    });

    it("every curve stays ≤ cap over 100 years of daily epochs (far end, yearly samples, 2^256 − 1)", async function () {
      const schedules = await loadFixture(deployExampleSchedulesFixture);
      for (const [name, schedule] of Object.entries(schedules)) {
        const cap = await schedule.cap();
        let previous = 0n;
        for (let epoch = 0n; epoch < CENTURY_OF_DAYS; epoch += 365n) {
          const c = await schedule.cumulative(epoch);
          expect(c >= previous && c <= cap, `${name} at ${epoch}`).to.equal(true);
          previous = c;
        }
        expect((await schedule.cumulative(CENTURY_OF_DAYS - 1n)) <= cap, name).to.equal(true);
        expect(await schedule.cumulative(MAX_UINT256), name).to.be.at.most(cap);
      }
    });

    it("emission is 0 after the cap is reached", async function () {
      const schedule = await deploySchedule({ curve: "constant", initialEmission: 10n, cap: 25n });
      expect(await schedule.emission(2n)).to.equal(5n);
      expect(await schedule.emission(3n)).to.equal(0n);
      expect(await schedule.emission(MAX_UINT256)).to.equal(0n);
    });

    it("gas: cumulative at day 36,499 stays small (O(log e))", async function () {
      const { heliumHalving, filecoinHalfLife, linear } = await loadFixture(deployExampleSchedulesFixture);
      for (const schedule of [heliumHalving, filecoinHalfLife, linear]) {
        const gas = await schedule.cumulative.estimateGas(CENTURY_OF_DAYS - 1n);
        expectGasAtMost("cumulative(36499)", gas, 60_000n);
      }
    });
  });
});
