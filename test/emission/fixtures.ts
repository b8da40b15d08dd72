/** Deploy code shared by the emission tests: schedules from `protocol/emission.ts` parameters and the controller. */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { type ScheduleParams, exponentialFactorWad, toSolidityParams } from "../../protocol/emission";
import { WAD } from "../../protocol/math";
import type { EmissionController, EmissionSchedule, MockFundingReceiver } from "../../typechain-types";

export const TOKEN = 10n ** 18n;
export const DAY = 86_400n;
/** 100 years of daily epochs. */
export const CENTURY_OF_DAYS = 36_500n;

/** Real-world shapes (daily epochs unless stated), used as named examples across the tests and docs. */
export const EXAMPLES = {
  /** A flat daily emission until a 100M cap. */
  constant: { curve: "constant", initialEmission: 50_000n * TOKEN, cap: 100_000_000n * TOKEN },
  /** Linear decay of 10 tokens a day from 100k/day to a 20k/day floor. */
  linear: {
    curve: "linear",
    initialEmission: 100_000n * TOKEN,
    cap: 1_000_000_000n * TOKEN,
    decrement: 10n * TOKEN,
    floor: 20_000n * TOKEN,
  },
  /** Helium-like: ~5M HNT a month (164,383/day), halving every 2 years (730 days), 223M cap. */
  heliumHalving: {
    curve: "step",
    initialEmission: 164_383n * TOKEN,
    cap: 223_000_000n * TOKEN,
    factorWad: WAD / 2n,
    periodEpochs: 730n,
  },
  /** DIMO-like, WEEKLY epochs: 1,105,000 a week, × 0.85 every 52 weeks, 1B cap. */
  dimoWeekly: {
    curve: "step",
    initialEmission: 1_105_000n * TOKEN,
    cap: 1_000_000_000n * TOKEN,
    factorWad: (85n * WAD) / 100n,
    periodEpochs: 52n,
  },
  /** GEODNET-like yearly halving (365 days), 1B cap. */
  geodnetHalving: {
    curve: "step",
    initialEmission: 500_000n * TOKEN,
    cap: 1_000_000_000n * TOKEN,
    factorWad: WAD / 2n,
    periodEpochs: 365n,
  },
  /** Filecoin-like simple minting: 330M × (1 − e^(−λt)), 6-year half-life (2191 days): I = 330M·(1 − f). */
  filecoinHalfLife: {
    curve: "exponential",
    initialEmission: (330_000_000n * TOKEN * (WAD - exponentialFactorWad(2191n))) / WAD,
    cap: 330_000_000n * TOKEN,
    halfLifeEpochs: 2191n,
  },
} satisfies Record<string, ScheduleParams>;

/** Deploys an `EmissionSchedule` for TypeScript schedule parameters. */
export async function deploySchedule(params: ScheduleParams): Promise<EmissionSchedule> {
  const factory = await ethers.getContractFactory("EmissionSchedule");
  const schedule = await factory.deploy(toSolidityParams(params));
  await schedule.waitForDeployment();
  return schedule;
}

/** One deployed schedule per example shape. */
export async function deployExampleSchedulesFixture(): Promise<Record<keyof typeof EXAMPLES, EmissionSchedule>> {
  const entries = await Promise.all(
    Object.entries(EXAMPLES).map(async ([name, params]) => [name, await deploySchedule(params)] as const),
  );
  return Object.fromEntries(entries) as Record<keyof typeof EXAMPLES, EmissionSchedule>;
}

export type ControllerSystem = Awaited<ReturnType<typeof deployControllerFixture>>;

/**
 * Controller with the Helium-like halving schedule, daily epochs starting one day after deployment, admin = the
 * first signer, a funding-receiver mock as distributor. Recipients and splits are NOT set (tests set them).
 */
export async function deployControllerFixture() {
  const [admin, treasury, ecosystem, stranger] = await ethers.getSigners();
  const scheduleParams: ScheduleParams = EXAMPLES.heliumHalving;
  const schedule = await deploySchedule(scheduleParams);
  const genesis = BigInt(await time.latest()) + DAY;
  const tokenCap = scheduleParams.cap;
  const factory = await ethers.getContractFactory("EmissionController");
  const controller: EmissionController = await factory.deploy(
    "DePIN Lab",
    "DPL",
    tokenCap,
    genesis,
    DAY,
    await schedule.getAddress(),
    admin.address,
  );
  await controller.waitForDeployment();
  const token = await ethers.getContractAt("DePINToken", await controller.token());
  const distributor: MockFundingReceiver = await (await ethers.getContractFactory("MockFundingReceiver")).deploy();
  await distributor.setToken(await token.getAddress());
  return {
    controller,
    token,
    schedule,
    scheduleParams,
    distributor,
    genesis,
    epochLength: DAY,
    tokenCap,
    admin,
    treasury,
    ecosystem,
    stranger,
  };
}

/** The controller fixture with recipients set and a 70 / 20 / 10 split (device pool / treasury / ecosystem). */
export async function deployConfiguredControllerFixture() {
  const system = await deployControllerFixture();
  const { controller, distributor, treasury, ecosystem } = system;
  await controller.setRecipients(await distributor.getAddress(), treasury.address, ecosystem.address);
  await controller.setSplits(7_000n, 2_000n, 1_000n);
  return system;
}
