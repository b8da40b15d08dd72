import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyUint, anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { cumulative as scheduleCumulative, emission as scheduleEmission } from "../../protocol/emission";
import { BPS } from "../../protocol/math";
import {
  DAY,
  EXAMPLES,
  TOKEN,
  deployConfiguredControllerFixture,
  deployControllerFixture,
  deploySchedule,
} from "./fixtures";

const ZERO = ethers.ZeroAddress;

describe("EmissionController", function () {
  describe("constructor", function () {
    it("deploys the capped token with the controller as its only minter and stores the wiring", async function () {
      const { controller, token, schedule, genesis, tokenCap, admin } = await loadFixture(deployControllerFixture);
      expect(await token.minter()).to.equal(await controller.getAddress());
      expect(await token.name()).to.equal("DePIN Lab");
      expect(await token.symbol()).to.equal("DPL");
      expect(await token.cap()).to.equal(tokenCap);
      expect(await controller.genesis()).to.equal(genesis);
      expect(await controller.epochLength()).to.equal(DAY);
      expect(await controller.segmentCount()).to.equal(1n);
      const segment = await controller.segmentAt(0n);
      expect([segment.fromEpoch, segment.base, segment.schedule]).to.deep.equal([0n, 0n, await schedule.getAddress()]);
      expect(await controller.hasRole(await controller.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      expect(await controller.hasRole(await controller.SCHEDULE_MANAGER_ROLE(), admin.address)).to.equal(true);
      const splits = await controller.splits();
      expect([splits.devicePoolBps, splits.treasuryBps, splits.ecosystemBps]).to.deep.equal([0n, BPS, 0n]);
      expect(await controller.mintedEpochs()).to.equal(0n);
    });

    it("emits ScheduleSwitched(0, schedule, 0, 0) and SplitsUpdated(0, 10000, 0)", async function () {
      const { controller, schedule } = await loadFixture(deployControllerFixture);
      const deployment = controller.deploymentTransaction()!;
      await expect(deployment)
        .to.emit(controller, "ScheduleSwitched")
        .withArgs(0n, await schedule.getAddress(), ZERO, 0n);
      await expect(deployment).to.emit(controller, "SplitsUpdated").withArgs(0n, BPS, 0n);
    });

    describe("failure cases", function () {
      it("fails if the epoch length is 0", async function () {
        const { schedule, admin } = await loadFixture(deployControllerFixture);
        const factory = await ethers.getContractFactory("EmissionController");
        await expect(
          factory.deploy("N", "S", TOKEN, 0n, 0n, await schedule.getAddress(), admin.address),
        ).to.be.revertedWithCustomError(factory, "ControllerZeroEpochLength");
      });

      it("fails if the token cap is 0 (the token's ERC20InvalidCap(0) bubbles up)", async function () {
        const { schedule, admin } = await loadFixture(deployControllerFixture);
        const factory = await ethers.getContractFactory("EmissionController");
        const tokenFactory = await ethers.getContractFactory("DePINToken");
        await expect(factory.deploy("N", "S", 0n, 0n, DAY, await schedule.getAddress(), admin.address))
          .to.be.revertedWithCustomError(tokenFactory, "ERC20InvalidCap")
          .withArgs(0n);
      });

      it("fails if the admin is the zero address", async function () {
        const { schedule } = await loadFixture(deployControllerFixture);
        const factory = await ethers.getContractFactory("EmissionController");
        await expect(
          factory.deploy("N", "S", TOKEN, 0n, DAY, await schedule.getAddress(), ZERO),
        ).to.be.revertedWithCustomError(factory, "ControllerZeroAdmin");
      });

      it("fails if the schedule has no code (zero address or an account)", async function () {
        const { admin, stranger } = await loadFixture(deployControllerFixture);
        const factory = await ethers.getContractFactory("EmissionController");
        for (const schedule of [ZERO, stranger.address]) {
          await expect(factory.deploy("N", "S", TOKEN, 0n, DAY, schedule, admin.address))
            .to.be.revertedWithCustomError(factory, "ControllerInvalidSchedule")
            .withArgs(schedule);
        }
      });
    });
  });

  describe("#currentEpoch / #epochStart", function () {
    it("fails before genesis with ControllerBeforeGenesis(timestamp, genesis)", async function () {
      const { controller, genesis } = await loadFixture(deployControllerFixture);
      await expect(controller.currentEpoch())
        .to.be.revertedWithCustomError(controller, "ControllerBeforeGenesis")
        .withArgs(anyUint, genesis);
    });

    it("counts epochs from genesis: [genesis + e·L, genesis + (e+1)·L)", async function () {
      const { controller, genesis } = await loadFixture(deployControllerFixture);
      await time.increaseTo(genesis);
      expect(await controller.currentEpoch()).to.equal(0n);
      await time.increaseTo(genesis + DAY - 1n);
      expect(await controller.currentEpoch()).to.equal(0n);
      await time.increaseTo(genesis + DAY);
      expect(await controller.currentEpoch()).to.equal(1n);
      await time.increaseTo(genesis + 1000n * DAY + 5n);
      expect(await controller.currentEpoch()).to.equal(1000n);
      expect(await controller.epochStart(7n)).to.equal(genesis + 7n * DAY);
    });
  });

  describe("#emission / #cumulative", function () {
    it("follow the single schedule (TypeScript twin) while below the token cap", async function () {
      const { controller, scheduleParams } = await loadFixture(deployControllerFixture);
      for (const epoch of [0n, 1n, 729n, 730n, 10_000n, 36_499n]) {
        expect(await controller.cumulative(epoch)).to.equal(scheduleCumulative(scheduleParams, epoch));
        expect(await controller.emission(epoch)).to.equal(scheduleEmission(scheduleParams, epoch));
      }
    });

    it("never exceed the token cap when the schedule's cap is larger", async function () {
      const { admin } = await loadFixture(deployControllerFixture);
      const schedule = await deploySchedule(EXAMPLES.constant); // 50k/day up to 100M
      const tokenCap = 120_000n * TOKEN;
      const factory = await ethers.getContractFactory("EmissionController");
      const controller = await factory.deploy("N", "S", tokenCap, 0n, DAY, await schedule.getAddress(), admin.address);
      expect(await controller.cumulative(1n)).to.equal(100_000n * TOKEN);
      expect(await controller.cumulative(2n)).to.equal(tokenCap);
      expect(await controller.emission(2n)).to.equal(20_000n * TOKEN);
      expect(await controller.emission(3n)).to.equal(0n);
      expect(await controller.cumulative(ethers.MaxUint256)).to.equal(tokenCap);
    });
  });

  describe("#mintEpoch", function () {
    it("mints the epoch's emission split 70/20/10, dust to the treasury, then notifies the distributor", async function () {
      const { controller, token, distributor, treasury, ecosystem, genesis, stranger } = await loadFixture(
        deployConfiguredControllerFixture,
      );
      await time.increaseTo(genesis);
      const amount = await controller.emission(0n);
      const pool = (amount * 7_000n) / BPS;
      const eco = (amount * 1_000n) / BPS;
      const treasuryAmount = amount - pool - eco;
      await expect(controller.connect(stranger).mintEpoch(0n))
        .to.emit(controller, "EpochMinted")
        .withArgs(0n, amount, pool, treasuryAmount, eco);
      expect(await token.balanceOf(await distributor.getAddress())).to.equal(pool);
      expect(await token.balanceOf(treasury.address)).to.equal(treasuryAmount);
      expect(await token.balanceOf(ecosystem.address)).to.equal(eco);
      expect(pool + eco + treasuryAmount).to.equal(amount);
      expect(await distributor.fundingCount()).to.equal(1n);
      const funding = await distributor.fundingAt(0n);
      expect([funding.caller, funding.epoch, funding.amount, funding.balanceAtCall]).to.deep.equal([
        await controller.getAddress(),
        0n,
        pool,
        pool, // minted before the call
      ]);
      expect(await controller.mintedEpochs()).to.equal(1n);
      expect(await controller.lastMintedEpoch()).to.equal(0n);
    });

    it("sends split dust to the treasury (odd amounts)", async function () {
      const { admin, treasury, ecosystem } = await loadFixture(deployControllerFixture);
      const schedule = await deploySchedule({ curve: "constant", initialEmission: 10_007n, cap: 10n ** 9n });
      const factory = await ethers.getContractFactory("EmissionController");
      const controller = await factory.deploy("N", "S", 10n ** 9n, 0n, DAY, await schedule.getAddress(), admin.address);
      const receiver = await (await ethers.getContractFactory("MockFundingReceiver")).deploy();
      await controller.setRecipients(await receiver.getAddress(), treasury.address, ecosystem.address);
      await controller.setSplits(3_333n, 3_334n, 3_333n);
      // pool = ⌊10007·0.3333⌋ = 3335, eco = 3335, treasury = 10007 − 6670 = 3337 (3335 + 2 wei dust)
      await expect(controller.mintEpoch(0n))
        .to.emit(controller, "EpochMinted")
        .withArgs(0n, 10_007n, 3_335n, 3_337n, 3_335n);
    });

    it("does not call notifyFunding when the device pool share is 0", async function () {
      const { controller, distributor, genesis } = await loadFixture(deployControllerFixture);
      const [, treasury] = await ethers.getSigners();
      await controller.setRecipients(await distributor.getAddress(), treasury.address, ZERO);
      await time.increaseTo(genesis);
      await controller.mintEpoch(0n);
      expect(await distributor.fundingCount()).to.equal(0n);
    });

    it("mints epochs in order; the total equals cumulative(last) and the token supply", async function () {
      const { controller, token, genesis } = await loadFixture(deployConfiguredControllerFixture);
      await time.increaseTo(genesis + 739n * DAY);
      for (let epoch = 0n; epoch < 10n; epoch++) await controller.mintEpoch(epoch);
      expect(await token.totalSupply()).to.equal(await controller.cumulative(9n));
      expect(await controller.lastMintedEpoch()).to.equal(9n);
    });

    it("stops at the token cap: later epochs mint 0 and nothing is notified", async function () {
      const { admin, treasury } = await loadFixture(deployControllerFixture);
      const schedule = await deploySchedule({ curve: "constant", initialEmission: 40n, cap: 100n });
      const factory = await ethers.getContractFactory("EmissionController");
      const controller = await factory.deploy("N", "S", 100n, 0n, DAY, await schedule.getAddress(), admin.address);
      const receiver = await (await ethers.getContractFactory("MockFundingReceiver")).deploy();
      await controller.setRecipients(await receiver.getAddress(), treasury.address, ZERO);
      await controller.setSplits(BPS, 0n, 0n);
      for (let epoch = 0n; epoch < 5n; epoch++) await controller.mintEpoch(epoch);
      const token = await ethers.getContractAt("DePINToken", await controller.token());
      expect(await token.totalSupply()).to.equal(100n);
      expect(await receiver.fundingCount()).to.equal(3n); // 40, 40, 20, then 0, 0
    });

    describe("failure cases", function () {
      it("fails before the epoch started (ControllerEpochNotStarted(epoch, startsAt))", async function () {
        const { controller, genesis } = await loadFixture(deployConfiguredControllerFixture);
        await expect(controller.mintEpoch(0n))
          .to.be.revertedWithCustomError(controller, "ControllerEpochNotStarted")
          .withArgs(0n, genesis);
        await time.increaseTo(genesis);
        await controller.mintEpoch(0n);
        await expect(controller.mintEpoch(1n))
          .to.be.revertedWithCustomError(controller, "ControllerEpochNotStarted")
          .withArgs(1n, genesis + DAY);
      });

      it("fails for an epoch minted twice or out of order (ControllerEpochNotNext(epoch, next))", async function () {
        const { controller, genesis } = await loadFixture(deployConfiguredControllerFixture);
        await time.increaseTo(genesis + 5n * DAY);
        await expect(controller.mintEpoch(1n))
          .to.be.revertedWithCustomError(controller, "ControllerEpochNotNext")
          .withArgs(1n, 0n);
        await controller.mintEpoch(0n);
        await expect(controller.mintEpoch(0n))
          .to.be.revertedWithCustomError(controller, "ControllerEpochNotNext")
          .withArgs(0n, 1n);
        await expect(controller.mintEpoch(3n))
          .to.be.revertedWithCustomError(controller, "ControllerEpochNotNext")
          .withArgs(3n, 1n);
      });

      it("fails before recipients are set (ControllerRecipientsNotSet)", async function () {
        const { controller, genesis } = await loadFixture(deployControllerFixture);
        await time.increaseTo(genesis);
        await expect(controller.mintEpoch(0n)).to.be.revertedWithCustomError(controller, "ControllerRecipientsNotSet");
      });

      it("reverts atomically when the distributor rejects the funding", async function () {
        const { controller, token, distributor, genesis } = await loadFixture(deployConfiguredControllerFixture);
        await distributor.setShouldRevert(true);
        await time.increaseTo(genesis);
        const pool = ((await controller.emission(0n)) * 7_000n) / BPS;
        await expect(controller.mintEpoch(0n))
          .to.be.revertedWithCustomError(distributor, "MockFundingRejected")
          .withArgs(0n, pool);
        expect(await controller.mintedEpochs()).to.equal(0n);
        expect(await token.totalSupply()).to.equal(0n);
      });

      it("lastMintedEpoch fails before any mint (ControllerNoEpochMinted)", async function () {
        const { controller } = await loadFixture(deployControllerFixture);
        await expect(controller.lastMintedEpoch()).to.be.revertedWithCustomError(controller, "ControllerNoEpochMinted");
      });
    });
  });

  describe("#setRecipients", function () {
    it("sets the three recipients and emits RecipientsUpdated", async function () {
      const { controller, distributor, treasury, ecosystem } = await loadFixture(deployControllerFixture);
      const distributorAddress = await distributor.getAddress();
      await expect(controller.setRecipients(distributorAddress, treasury.address, ecosystem.address))
        .to.emit(controller, "RecipientsUpdated")
        .withArgs(distributorAddress, treasury.address, ecosystem.address);
      expect(await controller.distributor()).to.equal(distributorAddress);
      expect(await controller.treasury()).to.equal(treasury.address);
      expect(await controller.ecosystem()).to.equal(ecosystem.address);
    });

    describe("failure cases", function () {
      it("fails if the caller is not the admin", async function () {
        const { controller, treasury, stranger } = await loadFixture(deployControllerFixture);
        await expect(controller.connect(stranger).setRecipients(treasury.address, treasury.address, ZERO))
          .to.be.revertedWithCustomError(controller, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, await controller.DEFAULT_ADMIN_ROLE());
      });

      it("fails on a zero distributor or treasury", async function () {
        const { controller, treasury } = await loadFixture(deployControllerFixture);
        await expect(controller.setRecipients(ZERO, treasury.address, ZERO)).to.be.revertedWithCustomError(
          controller,
          "ControllerZeroDistributor",
        );
        await expect(controller.setRecipients(treasury.address, ZERO, ZERO)).to.be.revertedWithCustomError(
          controller,
          "ControllerZeroTreasury",
        );
      });

      it("fails on removing the ecosystem address while it has a share", async function () {
        const { controller, distributor, treasury } = await loadFixture(deployConfiguredControllerFixture);
        await expect(controller.setRecipients(await distributor.getAddress(), treasury.address, ZERO))
          .to.be.revertedWithCustomError(controller, "ControllerEcosystemRequired")
          .withArgs(1_000n);
      });

      it("fails on a no-op", async function () {
        const { controller, distributor, treasury, ecosystem } = await loadFixture(deployConfiguredControllerFixture);
        await expect(
          controller.setRecipients(await distributor.getAddress(), treasury.address, ecosystem.address),
        ).to.be.revertedWithCustomError(controller, "ControllerRecipientsUnchanged");
      });
    });
  });

  describe("#setSplits", function () {
    it("sets the split and emits SplitsUpdated", async function () {
      const { controller } = await loadFixture(deployControllerFixture);
      await expect(controller.setSplits(8_000n, 2_000n, 0n))
        .to.emit(controller, "SplitsUpdated")
        .withArgs(8_000n, 2_000n, 0n);
      const splits = await controller.splits();
      expect([splits.devicePoolBps, splits.treasuryBps, splits.ecosystemBps]).to.deep.equal([8_000n, 2_000n, 0n]);
    });

    describe("failure cases", function () {
      it("fails if the caller is not the admin", async function () {
        const { controller, stranger } = await loadFixture(deployControllerFixture);
        await expect(controller.connect(stranger).setSplits(BPS, 0n, 0n))
          .to.be.revertedWithCustomError(controller, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, await controller.DEFAULT_ADMIN_ROLE());
      });

      it("fails unless the parts sum to 10000 (ControllerInvalidSplits)", async function () {
        const { controller } = await loadFixture(deployControllerFixture);
        for (const parts of [
          [5_000n, 4_999n, 0n],
          [5_000n, 5_001n, 0n],
          [BPS + 1n, 0n, 0n],
          [ethers.MaxUint256, 1n, 0n],
        ] as const) {
          await expect(controller.setSplits(...parts))
            .to.be.revertedWithCustomError(controller, "ControllerInvalidSplits")
            .withArgs(...parts);
        }
      });

      it("fails on an ecosystem share without an ecosystem address", async function () {
        const { controller } = await loadFixture(deployControllerFixture);
        await expect(controller.setSplits(7_000n, 2_000n, 1_000n))
          .to.be.revertedWithCustomError(controller, "ControllerEcosystemRequired")
          .withArgs(1_000n);
      });

      it("fails on a no-op", async function () {
        const { controller } = await loadFixture(deployControllerFixture);
        await expect(controller.setSplits(0n, BPS, 0n)).to.be.revertedWithCustomError(
          controller,
          "ControllerSplitsUnchanged",
        );
      });
    });
  });

  describe("#switchSchedule", function () {
    async function switchedFixture() {
      const system = await deployConfiguredControllerFixture();
      const newSchedule = await deploySchedule(EXAMPLES.geodnetHalving);
      return { ...system, newSchedule };
    }

    it("appends a segment from a future epoch; past epochs are unchanged; the new schedule starts at its epoch 0", async function () {
      const { controller, newSchedule, schedule, scheduleParams, genesis, tokenCap } =
        await loadFixture(switchedFixture);
      await time.increaseTo(genesis + 10n * DAY);
      for (let epoch = 0n; epoch < 5n; epoch++) await controller.mintEpoch(epoch);
      const before = await Promise.all([0n, 4n, 10n, 19n].map((e) => controller.cumulative(e)));
      const base = scheduleCumulative(scheduleParams, 19n);
      await expect(controller.switchSchedule(await newSchedule.getAddress(), 20n))
        .to.emit(controller, "ScheduleSwitched")
        .withArgs(20n, await newSchedule.getAddress(), await schedule.getAddress(), base);
      expect(await Promise.all([0n, 4n, 10n, 19n].map((e) => controller.cumulative(e)))).to.deep.equal(before);
      expect(await controller.segmentCount()).to.equal(2n);
      const segment = await controller.segmentAt(1n);
      expect([segment.fromEpoch, segment.base, segment.schedule]).to.deep.equal([
        20n,
        base,
        await newSchedule.getAddress(),
      ]);
      expect(await controller.scheduleAt(19n)).to.equal(await schedule.getAddress());
      expect(await controller.scheduleAt(20n)).to.equal(await newSchedule.getAddress());
      // Controller cumulative = min(token cap, base + new schedule at the local epoch).
      const expected = (local: bigint): bigint => {
        const total = base + scheduleCumulative(EXAMPLES.geodnetHalving, local);
        return total < tokenCap ? total : tokenCap;
      };
      for (const local of [0n, 1n, 364n, 365n, 1_000n, 5_000n]) {
        expect(await controller.cumulative(20n + local)).to.equal(expected(local));
        const previous = local === 0n ? base : expected(local - 1n);
        expect(await controller.emission(20n + local)).to.equal(expected(local) - previous);
      }
      expect(await controller.emission(20n)).to.equal(EXAMPLES.geodnetHalving.initialEmission);
      expect(await controller.emission(20n + 365n)).to.equal(EXAMPLES.geodnetHalving.initialEmission / 2n);
      expect(await controller.cumulative(20n + 5_000n)).to.equal(tokenCap); // the token cap binds
      // Minting continues across the boundary; total supply = cumulative.
      await time.increaseTo(genesis + 25n * DAY);
      for (let epoch = 5n; epoch < 23n; epoch++) await controller.mintEpoch(epoch);
      const token = await ethers.getContractAt("DePINToken", await controller.token());
      expect(await token.totalSupply()).to.equal(await controller.cumulative(22n));
    });

    it("is allowed before genesis from epoch 1 on", async function () {
      const { controller, newSchedule } = await loadFixture(switchedFixture);
      await expect(controller.switchSchedule(await newSchedule.getAddress(), 1n)).to.emit(
        controller,
        "ScheduleSwitched",
      );
      expect(await controller.emission(1n)).to.equal(EXAMPLES.geodnetHalving.initialEmission);
    });

    it("never exceeds the token cap across segments", async function () {
      const { controller, genesis, tokenCap } = await loadFixture(switchedFixture);
      const generous = await deploySchedule({ curve: "constant", initialEmission: tokenCap, cap: tokenCap });
      await time.increaseTo(genesis);
      await controller.switchSchedule(await generous.getAddress(), 3n);
      expect(await controller.cumulative(3n)).to.equal(tokenCap);
      expect(await controller.emission(3n)).to.equal(tokenCap - (await controller.cumulative(2n)));
      expect(await controller.emission(4n)).to.equal(0n);
      expect(await controller.cumulative(ethers.MaxUint256)).to.equal(tokenCap);
    });

    describe("failure cases", function () {
      it("fails for a caller without SCHEDULE_MANAGER_ROLE", async function () {
        const { controller, newSchedule, stranger } = await loadFixture(switchedFixture);
        await expect(controller.connect(stranger).switchSchedule(await newSchedule.getAddress(), 5n))
          .to.be.revertedWithCustomError(controller, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, await controller.SCHEDULE_MANAGER_ROLE());
      });

      it("fails for a started epoch (ControllerSwitchNotInFuture(fromEpoch, firstUnstarted))", async function () {
        const { controller, newSchedule, genesis } = await loadFixture(switchedFixture);
        await time.increaseTo(genesis + 3n * DAY);
        // The switch transaction's block is still in epoch 3.
        await expect(controller.switchSchedule(await newSchedule.getAddress(), 3n))
          .to.be.revertedWithCustomError(controller, "ControllerSwitchNotInFuture")
          .withArgs(3n, 4n);
        await expect(controller.switchSchedule(await newSchedule.getAddress(), 0n))
          .to.be.revertedWithCustomError(controller, "ControllerSwitchNotInFuture")
          .withArgs(0n, 4n);
      });

      it("fails for epoch 0 before genesis (not after the first segment)", async function () {
        const { controller, newSchedule } = await loadFixture(switchedFixture);
        await expect(controller.switchSchedule(await newSchedule.getAddress(), 0n))
          .to.be.revertedWithCustomError(controller, "ControllerSwitchNotAfterLastSegment")
          .withArgs(0n, 0n);
      });

      it("fails at or before a pending segment (ControllerSwitchNotAfterLastSegment)", async function () {
        const { controller, newSchedule, scheduleParams } = await loadFixture(switchedFixture);
        await controller.switchSchedule(await newSchedule.getAddress(), 50n);
        const other = await deploySchedule(scheduleParams);
        for (const fromEpoch of [50n, 49n]) {
          await expect(controller.switchSchedule(await other.getAddress(), fromEpoch))
            .to.be.revertedWithCustomError(controller, "ControllerSwitchNotAfterLastSegment")
            .withArgs(fromEpoch, 50n);
        }
      });

      it("fails for the same schedule (ControllerScheduleUnchanged) or one without code", async function () {
        const { controller, schedule, stranger } = await loadFixture(switchedFixture);
        await expect(controller.switchSchedule(await schedule.getAddress(), 5n))
          .to.be.revertedWithCustomError(controller, "ControllerScheduleUnchanged")
          .withArgs(await schedule.getAddress());
        await expect(controller.switchSchedule(stranger.address, 5n))
          .to.be.revertedWithCustomError(controller, "ControllerInvalidSchedule")
          .withArgs(stranger.address);
      });
    });

    describe("through an OpenZeppelin TimelockController", function () {
      const MIN_DELAY = 2n * DAY;

      async function timelockFixture() {
        const [deployer, proposer, executor, treasury, stranger] = await ethers.getSigners();
        const timelock = await (
          await ethers.getContractFactory("TimelockController")
        ).deploy(MIN_DELAY, [proposer.address], [executor.address], ZERO);
        const schedule = await deploySchedule(EXAMPLES.heliumHalving);
        const genesis = BigInt(await time.latest()) + DAY;
        const controller = await (
          await ethers.getContractFactory("EmissionController")
        ).deploy(
          "DePIN Lab",
          "DPL",
          EXAMPLES.heliumHalving.cap,
          genesis,
          DAY,
          await schedule.getAddress(),
          await timelock.getAddress(),
        );
        const newSchedule = await deploySchedule(EXAMPLES.filecoinHalfLife);
        return {
          deployer,
          proposer,
          executor,
          treasury,
          stranger,
          timelock,
          controller,
          schedule,
          newSchedule,
          genesis,
        };
      }

      it("schedules, waits the delay and executes the switch; minted and started epochs are unchanged", async function () {
        const { proposer, executor, deployer, timelock, controller, newSchedule, genesis } =
          await loadFixture(timelockFixture);
        await time.increaseTo(genesis + 10n * DAY);
        const pastBefore = await Promise.all([0n, 5n, 10n, 14n].map((e) => controller.emission(e)));
        const fromEpoch = 15n;
        const call = controller.interface.encodeFunctionData("switchSchedule", [
          await newSchedule.getAddress(),
          fromEpoch,
        ]);
        const target = await controller.getAddress();
        const salt = ethers.id("switch to the Filecoin-like half-life");
        await timelock.connect(proposer).schedule(target, 0n, call, ethers.ZeroHash, salt, MIN_DELAY);
        // Not executable before the delay.
        await expect(
          timelock.connect(executor).execute(target, 0n, call, ethers.ZeroHash, salt),
        ).to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState");
        // The timelock's role cannot be bypassed.
        await expect(controller.connect(deployer).switchSchedule(await newSchedule.getAddress(), fromEpoch))
          .to.be.revertedWithCustomError(controller, "AccessControlUnauthorizedAccount")
          .withArgs(deployer.address, await controller.SCHEDULE_MANAGER_ROLE());
        await time.increase(MIN_DELAY);
        await expect(timelock.connect(executor).execute(target, 0n, call, ethers.ZeroHash, salt))
          .to.emit(controller, "ScheduleSwitched")
          .withArgs(fromEpoch, await newSchedule.getAddress(), anyValue, anyUint);
        expect(await Promise.all([0n, 5n, 10n, 14n].map((e) => controller.emission(e)))).to.deep.equal(pastBefore);
        expect(await controller.emission(fromEpoch)).to.equal(EXAMPLES.filecoinHalfLife.initialEmission);
      });

      it("an execution that arrives after fromEpoch started reverts inside the timelock", async function () {
        const { proposer, executor, timelock, controller, newSchedule, genesis } = await loadFixture(timelockFixture);
        await time.increaseTo(genesis);
        const call = controller.interface.encodeFunctionData("switchSchedule", [await newSchedule.getAddress(), 1n]);
        const target = await controller.getAddress();
        await timelock.connect(proposer).schedule(target, 0n, call, ethers.ZeroHash, ethers.ZeroHash, MIN_DELAY);
        await time.increase(MIN_DELAY);
        await expect(timelock.connect(executor).execute(target, 0n, call, ethers.ZeroHash, ethers.ZeroHash))
          .to.be.revertedWithCustomError(controller, "ControllerSwitchNotInFuture")
          .withArgs(1n, 3n);
      });
    });
  });
});
