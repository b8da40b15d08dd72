import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ROLES } from "../../ignition/modules/DePINLab";
import { cumulative, emission, splitEmission } from "../../protocol/emission";
import { deployGovernedSystemFixture, deploySystemFixture } from "../fixtures/system";
import { handOverToTimelock } from "../../scripts/deploy/handover";

describe("DePINLab Ignition module (deploySystemFixture)", function () {
  describe("wiring", function () {
    it("controller deployed the token and is its only minter", async function () {
      const s = await loadFixture(deploySystemFixture);
      expect(await s.controller.token()).to.equal(s.addresses.token);
      expect(await s.token.minter()).to.equal(s.addresses.controller);
      expect(await s.token.cap()).to.equal(s.parameters.token.cap);
      expect(await s.token.name()).to.equal(s.parameters.token.name);
    });

    it("controller: schedule, epochs, recipients and splits from the parameter file", async function () {
      const s = await loadFixture(deploySystemFixture);
      expect(await s.controller.scheduleAt(0)).to.equal(s.addresses.schedule);
      expect(await s.controller.genesis()).to.equal(s.parameters.epochs.genesis);
      expect(await s.controller.epochLength()).to.equal(s.parameters.epochs.epochLength);
      expect(await s.controller.distributor()).to.equal(s.addresses.distributor);
      expect(await s.controller.treasury()).to.equal(s.treasury.address);
      expect(await s.controller.ecosystem()).to.equal(s.ecosystem.address);
      const splits = await s.controller.splits();
      expect([splits.devicePoolBps, splits.treasuryBps, splits.ecosystemBps]).to.deep.equal([
        s.parameters.splits.devicePoolBps,
        s.parameters.splits.treasuryBps,
        s.parameters.splits.ecosystemBps,
      ]);
    });

    it("schedule equals protocol/emission.ts for the same parameters", async function () {
      const s = await loadFixture(deploySystemFixture);
      for (const epoch of [0n, 1n, 11n, 12n, 13n, 100n, 10_000n]) {
        expect(await s.schedule.emission(epoch)).to.equal(emission(s.scheduleParams, epoch));
        expect(await s.schedule.cumulative(epoch)).to.equal(cumulative(s.scheduleParams, epoch));
      }
    });

    it("distributor reads controller and token; staking points at token and registry", async function () {
      const s = await loadFixture(deploySystemFixture);
      expect(await s.distributor.controller()).to.equal(s.addresses.controller);
      expect(await s.distributor.token()).to.equal(s.addresses.token);
      expect(await s.distributor.challengeWindow()).to.equal(0n);
      expect(await s.staking.token()).to.equal(s.addresses.token);
      expect(await s.staking.registry()).to.equal(s.addresses.registry);
      expect(await s.staking.treasury()).to.equal(s.treasury.address);
    });

    it("registry: device classes and the approved maker", async function () {
      const s = await loadFixture(deploySystemFixture);
      for (const c of s.parameters.registry.deviceClasses) {
        const config = await s.registry.classConfig(c.id);
        expect([config.rewardWeightBps, config.minBond, config.enabled]).to.deep.equal([
          c.rewardWeightBps,
          c.minBond,
          c.enabled,
        ]);
      }
      expect(await s.registry.isApprovedMaker(s.maker.address)).to.equal(true);
      expect(await s.registry.isApprovedMaker(s.stranger.address)).to.equal(false);
    });

    it("mintEpoch(0) funds the distributor, treasury and ecosystem by the split", async function () {
      const s = await loadFixture(deploySystemFixture);
      // genesis "auto" = the last block before deployment: epoch 0 has started
      expect(await s.controller.currentEpoch()).to.equal(0n);
      await s.controller.connect(s.stranger).mintEpoch(0);
      const parts = splitEmission(emission(s.scheduleParams, 0n), s.parameters.splits);
      expect(await s.token.balanceOf(s.addresses.distributor)).to.equal(parts.devicePool);
      expect(await s.token.balanceOf(s.treasury.address)).to.equal(parts.treasury);
      expect(await s.token.balanceOf(s.ecosystem.address)).to.equal(parts.ecosystem);
      expect(await s.distributor.fundingOf(0)).to.equal(parts.devicePool);
    });
  });

  describe("roles", function () {
    it("operational roles go to the holders in the parameter file, and only to them", async function () {
      const s = await loadFixture(deploySystemFixture);
      expect(await s.distributor.oracleMembers()).to.deep.equal(s.parameters.roles.oracles);
      expect(await s.distributor.oracleThreshold()).to.equal(s.parameters.roles.oracleThreshold);
      expect(s.oracleMembers).to.have.length(5);
      expect(await s.distributor.hasRole(ROLES.GUARDIAN_ROLE, s.guardian.address)).to.equal(true);
      expect(await s.distributor.hasRole(ROLES.PAUSER_ROLE, s.guardian.address)).to.equal(true);
      expect(await s.registry.hasRole(ROLES.FRAUD_ROLE, s.guardian.address)).to.equal(true);
      expect(await s.registry.hasRole(ROLES.PAUSER_ROLE, s.guardian.address)).to.equal(true);
      expect(await s.staking.hasRole(ROLES.SLASHER_ROLE, s.slasher.address)).to.equal(true);
      expect(await s.staking.hasRole(ROLES.SLASHER_ROLE, s.addresses.timelock)).to.equal(true);
      for (const op of [...s.operators, s.stranger]) {
        expect(await s.distributor.hasRole(ROLES.GUARDIAN_ROLE, op.address)).to.equal(false);
        expect(await s.staking.hasRole(ROLES.SLASHER_ROLE, op.address)).to.equal(false);
      }
    });

    it("role ids of the module equal the contracts' constants", async function () {
      const s = await loadFixture(deploySystemFixture);
      expect(await s.distributor.GUARDIAN_ROLE()).to.equal(ROLES.GUARDIAN_ROLE);
      expect(await s.distributor.PAUSER_ROLE()).to.equal(ROLES.PAUSER_ROLE);
      expect(await s.registry.FRAUD_ROLE()).to.equal(ROLES.FRAUD_ROLE);
      expect(await s.staking.SLASHER_ROLE()).to.equal(ROLES.SLASHER_ROLE);
      expect(await s.controller.SCHEDULE_MANAGER_ROLE()).to.equal(ROLES.SCHEDULE_MANAGER_ROLE);
      expect(await s.timelock.PROPOSER_ROLE()).to.equal(ROLES.PROPOSER_ROLE);
    });

    it("before the handover the deployer is admin; the timelock is self-administered", async function () {
      const s = await loadFixture(deploySystemFixture);
      for (const c of [s.controller, s.distributor, s.registry, s.staking]) {
        expect(await c.hasRole(ROLES.DEFAULT_ADMIN_ROLE, s.admin.address)).to.equal(true);
      }
      expect(await s.timelock.hasRole(ROLES.DEFAULT_ADMIN_ROLE, s.addresses.timelock)).to.equal(true);
      expect(await s.timelock.hasRole(ROLES.DEFAULT_ADMIN_ROLE, s.admin.address)).to.equal(false);
      expect(await s.timelock.getMinDelay()).to.equal(s.parameters.timelock.minDelay);
    });

    it("after the handover only the timelock is admin, and the deployer can no longer change wiring", async function () {
      const s = await loadFixture(deployGovernedSystemFixture);
      for (const c of [s.controller, s.distributor, s.registry, s.staking]) {
        expect(await c.hasRole(ROLES.DEFAULT_ADMIN_ROLE, s.addresses.timelock)).to.equal(true);
        expect(await c.hasRole(ROLES.DEFAULT_ADMIN_ROLE, s.admin.address)).to.equal(false);
      }
      expect(await s.controller.hasRole(ROLES.SCHEDULE_MANAGER_ROLE, s.admin.address)).to.equal(false);
      expect(await s.controller.hasRole(ROLES.SCHEDULE_MANAGER_ROLE, s.addresses.timelock)).to.equal(true);
      await expect(s.registry.connect(s.admin).approveMaker(s.stranger.address))
        .to.be.revertedWithCustomError(s.registry, "AccessControlUnauthorizedAccount")
        .withArgs(s.admin.address, ROLES.DEFAULT_ADMIN_ROLE);
    });

    it("the handover skips what is already done and a second run sends nothing", async function () {
      const s = await loadFixture(deploySystemFixture);
      // as if a first run stopped after two grants
      await s.controller.connect(s.admin).grantRole(ROLES.DEFAULT_ADMIN_ROLE, s.addresses.timelock);
      await s.registry.connect(s.admin).grantRole(ROLES.DEFAULT_ADMIN_ROLE, s.addresses.timelock);
      const sent = await handOverToTimelock(s, s.admin);
      expect(sent.map((t) => t.id)).to.deep.equal([
        "handover:controller:grant:SCHEDULE_MANAGER_ROLE",
        "handover:distributor:grant:DEFAULT_ADMIN_ROLE",
        "handover:staking:grant:DEFAULT_ADMIN_ROLE",
        "handover:controller:renounce:SCHEDULE_MANAGER_ROLE",
        "handover:controller:renounce:DEFAULT_ADMIN_ROLE",
        "handover:distributor:renounce:DEFAULT_ADMIN_ROLE",
        "handover:registry:renounce:DEFAULT_ADMIN_ROLE",
        "handover:staking:renounce:DEFAULT_ADMIN_ROLE",
      ]);
      expect(await handOverToTimelock(s, s.admin)).to.deep.equal([]);
    });

    it("a schedule switch goes through the timelock: scheduled, refused before minDelay, executed after", async function () {
      const s = await loadFixture(deployGovernedSystemFixture);
      const next = await (
        await ethers.getContractFactory("EmissionSchedule")
      ).deploy({
        curve: 0,
        initialEmission: 10n ** 18n,
        cap: 10n ** 24n,
        decrement: 0,
        floor: 0,
        factorWad: 0,
        periodEpochs: 0,
        halfLifeEpochs: 0,
      });
      const fromEpoch = 50n;
      const data = s.controller.interface.encodeFunctionData("switchSchedule", [await next.getAddress(), fromEpoch]);
      const salt = ethers.id("switch-1");
      await s.timelock
        .connect(s.admin)
        .schedule(s.addresses.controller, 0, data, ethers.ZeroHash, salt, s.parameters.timelock.minDelay);
      await expect(
        s.timelock.connect(s.admin).execute(s.addresses.controller, 0, data, ethers.ZeroHash, salt),
      ).to.be.revertedWithCustomError(s.timelock, "TimelockUnexpectedOperationState");
      await time.increase(s.parameters.timelock.minDelay);
      await expect(s.timelock.connect(s.admin).execute(s.addresses.controller, 0, data, ethers.ZeroHash, salt))
        .to.emit(s.controller, "ScheduleSwitched")
        .withArgs(
          fromEpoch,
          await next.getAddress(),
          s.addresses.schedule,
          cumulative(s.scheduleParams, fromEpoch - 1n),
        );
      expect(await s.controller.scheduleAt(fromEpoch)).to.equal(await next.getAddress());
    });

    it("the oracle set and threshold change only through the timelock (4 of 5 after the proposal)", async function () {
      const s = await loadFixture(deployGovernedSystemFixture);
      const members = s.parameters.roles.oracles;
      await expect(s.distributor.connect(s.admin).setOracleSet(members, 4))
        .to.be.revertedWithCustomError(s.distributor, "AccessControlUnauthorizedAccount")
        .withArgs(s.admin.address, ROLES.DEFAULT_ADMIN_ROLE);
      const data = s.distributor.interface.encodeFunctionData("setOracleSet", [members, 4]);
      const salt = ethers.id("oracle-4-of-5");
      await s.timelock
        .connect(s.admin)
        .schedule(s.addresses.distributor, 0, data, ethers.ZeroHash, salt, s.parameters.timelock.minDelay);
      await expect(
        s.timelock.connect(s.admin).execute(s.addresses.distributor, 0, data, ethers.ZeroHash, salt),
      ).to.be.revertedWithCustomError(s.timelock, "TimelockUnexpectedOperationState");
      await time.increase(s.parameters.timelock.minDelay);
      await expect(s.timelock.connect(s.admin).execute(s.addresses.distributor, 0, data, ethers.ZeroHash, salt))
        .to.emit(s.distributor, "OracleSetUpdated")
        .withArgs(members, 4);
      expect(await s.distributor.oracleThreshold()).to.equal(4);
    });
  });
});
