import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Staking__factory } from "../../typechain-types";
import { deviceIdOf } from "../../protocol/deviceSignatures";
import {
  GPU,
  GPU_MIN_BOND,
  HOTSPOT,
  HOTSPOT_MIN_BOND,
  UNBONDING_DELAY,
  deployRegistryStakingFixture,
  deployStakedDeviceFixture,
  registerDevice,
  type RegistryStakingFixture,
} from "../fixtures/registryStaking";
import { expectGasAtMost, snapshotGas } from "../fixtures/gasSnapshot";

const E = (n: string | number) => ethers.parseEther(String(n));
const Status = { None: 0n, Active: 1n, Suspended: 2n, Deregistered: 3n } as const;

const stakedDeviceFixture = deployStakedDeviceFixture;

async function expectStakingBalanceInvariant(f: RegistryStakingFixture, deviceIds: bigint[]) {
  let held = 0n;
  for (const id of deviceIds) held += (await f.staking.bondOf(id)) + (await f.staking.unbondingOf(id)).amount;
  expect(await f.token.balanceOf(await f.staking.getAddress())).to.equal(held);
}

describe("Staking", function () {
  describe("deployment", function () {
    it("stores its immutable wiring and grants the admin role", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      expect(await f.staking.token()).to.equal(await f.token.getAddress());
      expect(await f.staking.registry()).to.equal(await f.registry.getAddress());
      expect(await f.staking.unbondingDelay()).to.equal(UNBONDING_DELAY);
      expect(await f.staking.slashToTreasury()).to.equal(false);
      expect(await f.treasuryStaking.slashToTreasury()).to.equal(true);
      expect(await f.treasuryStaking.treasury()).to.equal(f.treasury.address);
      expect(await f.staking.hasRole(await f.staking.DEFAULT_ADMIN_ROLE(), f.admin.address)).to.equal(true);
      expect(await f.staking.hasRole(await f.staking.SLASHER_ROLE(), f.slasher.address)).to.equal(true);
    });

    it("accepts a zero treasury when slashed tokens are burned, and the maximum delay", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const max = await f.staking.MAX_UNBONDING_DELAY();
      const deployed = await new Staking__factory(f.admin).deploy(
        await f.token.getAddress(),
        await f.registry.getAddress(),
        max,
        false,
        ethers.ZeroAddress,
        f.admin.address,
      );
      expect(await deployed.unbondingDelay()).to.equal(max);
    });

    describe("failure cases", function () {
      it("fails for a zero token, registry, admin, or treasury when slashing to the treasury", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const factory = new Staking__factory(f.admin);
        const token = await f.token.getAddress();
        const registry = await f.registry.getAddress();
        const cases: [Parameters<typeof factory.deploy>, string][] = [
          [[ethers.ZeroAddress, registry, UNBONDING_DELAY, false, f.treasury.address, f.admin.address], "token"],
          [[token, ethers.ZeroAddress, UNBONDING_DELAY, false, f.treasury.address, f.admin.address], "registry"],
          [[token, registry, UNBONDING_DELAY, false, f.treasury.address, ethers.ZeroAddress], "admin"],
          [[token, registry, UNBONDING_DELAY, true, ethers.ZeroAddress, f.admin.address], "treasury"],
        ];
        for (const [args, field] of cases) {
          await expect(factory.deploy(...args))
            .to.be.revertedWithCustomError(factory, "StakingZeroAddress")
            .withArgs(field);
        }
      });

      it("fails for an unbonding delay of zero or above the maximum", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const factory = new Staking__factory(f.admin);
        const max = await f.staking.MAX_UNBONDING_DELAY();
        for (const delay of [0n, max + 1n]) {
          await expect(
            factory.deploy(
              await f.token.getAddress(),
              await f.registry.getAddress(),
              delay,
              false,
              ethers.ZeroAddress,
              f.admin.address,
            ),
          )
            .to.be.revertedWithCustomError(factory, "StakingUnbondingDelayOutOfRange")
            .withArgs(delay, max);
        }
      });
    });
  });

  describe("#stake", function () {
    it("pulls tokens from the staker into the device bond (gas printed)", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const stakingAddress = await f.staking.getAddress();
      const first = await registerDevice(f, f.devices[0], f.alice);
      const second = await registerDevice(f, f.devices[1], f.bob);

      const tx = f.staking.connect(f.alice).stake(first, E(100));
      await expect(tx).to.emit(f.staking, "Staked").withArgs(first, f.alice.address, E(100), E(100));
      await expect(tx).to.changeTokenBalances(f.token, [f.alice, f.staking], [-E(100), E(100)]);
      await snapshotGas("stake (device's first stake, staking held no tokens)", tx);
      const firstStake = f.staking.connect(f.bob).stake(second, E(100));
      expectGasAtMost(
        "stake (device's first stake)",
        await snapshotGas("stake (device's first stake)", firstStake),
        100_000n,
      );
      await snapshotGas("stake (top-up)", f.staking.connect(f.bob).stake(second, E(50)));

      expect(await f.staking.bondOf(first)).to.equal(E(100));
      expect(await f.staking.bondOf(second)).to.equal(E(150));
      expect(await f.token.balanceOf(stakingAddress)).to.equal(E(250));
    });

    it("lets anyone top up any registered device, including a suspended one", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      await expect(f.staking.connect(f.carol).stake(f.id, E(1)))
        .to.emit(f.staking, "Staked")
        .withArgs(f.id, f.carol.address, E(1), E(501));
      await f.registry.connect(f.fraud).suspend(f.id, 3);
      await f.staking.connect(f.bob).stake(f.id, E(2));
      expect(await f.staking.bondOf(f.id)).to.equal(E(503));
    });

    describe("failure cases", function () {
      it("fails for a zero amount", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        await expect(f.staking.connect(f.alice).stake(f.id, 0)).to.be.revertedWithCustomError(
          f.staking,
          "StakingZeroAmount",
        );
      });

      it("fails for an unknown or deregistered device", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        const unknown = deviceIdOf(f.devices[6].address);
        await expect(f.staking.connect(f.alice).stake(unknown, E(1)))
          .to.be.revertedWithCustomError(f.staking, "StakingDeviceNotRegistered")
          .withArgs(unknown, Status.None);
        await f.registry.connect(f.alice).deregister(f.id);
        await expect(f.staking.connect(f.alice).stake(f.id, E(1)))
          .to.be.revertedWithCustomError(f.staking, "StakingDeviceNotRegistered")
          .withArgs(f.id, Status.Deregistered);
      });

      it("fails without allowance (token error bubbles up)", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        await f.token.connect(f.alice).approve(await f.staking.getAddress(), E(1));
        await expect(f.staking.connect(f.alice).stake(f.id, E(2)))
          .to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance")
          .withArgs(await f.staking.getAddress(), E(1), E(2));
      });
    });
  });

  describe("#requestUnstake", function () {
    it("moves bond into unbonding for the owner, released after the delay (gas printed)", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      const tx = f.staking.connect(f.alice).requestUnstake(f.id, E(200));
      await expect(tx)
        .to.emit(f.staking, "UnstakeRequested")
        .withArgs(f.id, f.alice.address, E(200), E(200), now + UNBONDING_DELAY);
      await snapshotGas("requestUnstake (first request)", tx);
      expect(await f.staking.bondOf(f.id)).to.equal(E(300));
      const unbonding = await f.staking.unbondingOf(f.id);
      expect(unbonding.amount).to.equal(E(200));
      expect(unbonding.beneficiary).to.equal(f.alice.address);
      expect(unbonding.releaseAt).to.equal(now + UNBONDING_DELAY);
      await expectStakingBalanceInvariant(f, [f.id]);
    });

    it("adds to one's own pending unbonding and restarts its delay", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      await f.staking.connect(f.alice).requestUnstake(f.id, E(100));
      await time.increase(3600);
      const later = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(later);
      await expect(f.staking.connect(f.alice).requestUnstake(f.id, E(400)))
        .to.emit(f.staking, "UnstakeRequested")
        .withArgs(f.id, f.alice.address, E(400), E(500), later + UNBONDING_DELAY);
      expect(await f.staking.bondOf(f.id)).to.equal(0n);
      expect((await f.staking.unbondingOf(f.id)).releaseAt).to.equal(later + UNBONDING_DELAY);
    });

    it("lets the owner at deregistration unstake and withdraw a deregistered device's bond", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      await f.registry.connect(f.alice).deregister(f.id);
      expect(await f.staking.isActive(f.id)).to.equal(false);
      await f.staking.connect(f.alice).requestUnstake(f.id, E(500));
      await time.increase(UNBONDING_DELAY);
      await expect(f.staking.connect(f.alice).withdraw(f.id)).to.changeTokenBalance(f.token, f.alice, E(500));
      await expectStakingBalanceInvariant(f, [f.id]);
    });

    describe("failure cases", function () {
      it("fails for a zero amount", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        await expect(f.staking.connect(f.alice).requestUnstake(f.id, 0)).to.be.revertedWithCustomError(
          f.staking,
          "StakingZeroAmount",
        );
      });

      it("fails if the caller is not the device owner (also a staker who topped it up)", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        await f.staking.connect(f.bob).stake(f.id, E(10));
        await expect(f.staking.connect(f.bob).requestUnstake(f.id, E(10)))
          .to.be.revertedWithCustomError(f.staking, "StakingNotDeviceOwner")
          .withArgs(f.id, f.bob.address, f.alice.address);
        const unknown = deviceIdOf(f.devices[6].address);
        await expect(f.staking.connect(f.bob).requestUnstake(unknown, E(10)))
          .to.be.revertedWithCustomError(f.staking, "StakingNotDeviceOwner")
          .withArgs(unknown, f.bob.address, ethers.ZeroAddress);
      });

      it("fails while the device is suspended", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        await f.registry.connect(f.fraud).suspend(f.id, 9);
        await expect(f.staking.connect(f.alice).requestUnstake(f.id, E(1)))
          .to.be.revertedWithCustomError(f.staking, "StakingDeviceSuspended")
          .withArgs(f.id);
      });

      it("fails for more than the bond", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        await expect(f.staking.connect(f.alice).requestUnstake(f.id, E(500) + 1n))
          .to.be.revertedWithCustomError(f.staking, "StakingInsufficientBond")
          .withArgs(f.id, E(500), E(500) + 1n);
      });
    });
  });

  describe("#withdraw", function () {
    it("pays the beneficiary at the release time; anyone may call (gas printed)", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      await f.staking.connect(f.alice).requestUnstake(f.id, E(200));
      const { releaseAt } = await f.staking.unbondingOf(f.id);
      await time.setNextBlockTimestamp(releaseAt);
      const tx = f.staking.connect(f.carol).withdraw(f.id);
      await expect(tx).to.emit(f.staking, "Withdrawn").withArgs(f.id, f.alice.address, E(200));
      await expect(tx).to.changeTokenBalances(f.token, [f.alice, f.staking, f.carol], [E(200), -E(200), 0n]);
      await snapshotGas("withdraw", tx);
      const unbonding = await f.staking.unbondingOf(f.id);
      expect(unbonding.amount).to.equal(0n);
      expect(unbonding.beneficiary).to.equal(ethers.ZeroAddress);
      expect(unbonding.releaseAt).to.equal(0n);
      expect(await f.staking.bondOf(f.id)).to.equal(E(300));
      await expectStakingBalanceInvariant(f, [f.id]);
    });

    describe("failure cases", function () {
      it("fails before the unbonding delay has passed", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        await f.staking.connect(f.alice).requestUnstake(f.id, E(200));
        const { releaseAt } = await f.staking.unbondingOf(f.id);
        await time.setNextBlockTimestamp(releaseAt - 1n);
        await expect(f.staking.connect(f.alice).withdraw(f.id))
          .to.be.revertedWithCustomError(f.staking, "StakingUnbondingNotReleased")
          .withArgs(f.id, releaseAt, releaseAt - 1n);
      });

      it("fails with nothing unbonding, including a second withdraw", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        await expect(f.staking.withdraw(f.id))
          .to.be.revertedWithCustomError(f.staking, "StakingNothingUnbonding")
          .withArgs(f.id);
        await f.staking.connect(f.alice).requestUnstake(f.id, E(200));
        await time.increase(UNBONDING_DELAY);
        await f.staking.withdraw(f.id);
        await expect(f.staking.withdraw(f.id))
          .to.be.revertedWithCustomError(f.staking, "StakingNothingUnbonding")
          .withArgs(f.id);
      });
    });
  });

  describe("device NFT transfer", function () {
    it("the bond follows the device; the old owner's pending unbonding still pays the old owner", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      await f.staking.connect(f.alice).requestUnstake(f.id, E(100));
      const { releaseAt } = await f.staking.unbondingOf(f.id);
      await f.registry.connect(f.alice).transferFrom(f.alice.address, f.bob.address, f.id);

      // The bond belongs to the device, now bob's; alice cannot touch it any more.
      expect(await f.staking.bondOf(f.id)).to.equal(E(400));
      expect(await f.staking.isActive(f.id)).to.equal(true);
      await expect(f.staking.connect(f.alice).requestUnstake(f.id, E(1)))
        .to.be.revertedWithCustomError(f.staking, "StakingNotDeviceOwner")
        .withArgs(f.id, f.alice.address, f.bob.address);
      // Bob waits for alice's unbonding to be withdrawn first.
      await expect(f.staking.connect(f.bob).requestUnstake(f.id, E(1)))
        .to.be.revertedWithCustomError(f.staking, "StakingUnbondingPending")
        .withArgs(f.id, f.alice.address, E(100), releaseAt);

      await time.increaseTo(releaseAt);
      // Bob triggers the withdrawal; it pays alice.
      await expect(f.staking.connect(f.bob).withdraw(f.id)).to.changeTokenBalances(
        f.token,
        [f.alice, f.bob],
        [E(100), 0n],
      );
      await f.staking.connect(f.bob).requestUnstake(f.id, E(400));
      await time.increase(UNBONDING_DELAY);
      await expect(f.staking.connect(f.alice).withdraw(f.id)).to.changeTokenBalances(
        f.token,
        [f.alice, f.bob],
        [0n, E(400)],
      );
      await expectStakingBalanceInvariant(f, [f.id]);
    });

    it("the old owner's unbonding pays the old owner even after the new owner deregisters the device", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      await f.staking.connect(f.alice).requestUnstake(f.id, E(100));
      await f.registry.connect(f.alice).transferFrom(f.alice.address, f.bob.address, f.id);
      await f.registry.connect(f.bob).deregister(f.id);
      expect(await f.registry.deviceOwner(f.id)).to.equal(f.bob.address);
      await time.increase(UNBONDING_DELAY);
      await expect(f.staking.withdraw(f.id)).to.changeTokenBalance(f.token, f.alice, E(100));
      await f.staking.connect(f.bob).requestUnstake(f.id, E(400));
      await time.increase(UNBONDING_DELAY);
      await expect(f.staking.withdraw(f.id)).to.changeTokenBalance(f.token, f.bob, E(400));
      await expectStakingBalanceInvariant(f, [f.id]);
    });
  });

  describe("#slash", function () {
    it("burns from the bond first (burn mode)", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      const supply = await f.token.totalSupply();
      const tx = f.staking.connect(f.slasher).slash(f.id, E(120), 77);
      await expect(tx)
        .to.emit(f.staking, "Slashed")
        .withArgs(f.id, 77, f.slasher.address, E(120), E(120), 0n, false)
        .and.to.emit(f.token, "Transfer")
        .withArgs(await f.staking.getAddress(), ethers.ZeroAddress, E(120));
      await snapshotGas("slash (burn)", tx);
      expect(await f.staking.bondOf(f.id)).to.equal(E(380));
      expect(await f.token.totalSupply()).to.equal(supply - E(120));
      await expectStakingBalanceInvariant(f, [f.id]);
    });

    it("takes from unbonding stake after the bond, and the beneficiary gets only the rest", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      await f.staking.connect(f.alice).requestUnstake(f.id, E(300));
      await expect(f.staking.connect(f.slasher).slash(f.id, E(250), 5))
        .to.emit(f.staking, "Slashed")
        .withArgs(f.id, 5, f.slasher.address, E(250), E(200), E(50), false);
      expect(await f.staking.bondOf(f.id)).to.equal(0n);
      expect((await f.staking.unbondingOf(f.id)).amount).to.equal(E(250));
      await time.increase(UNBONDING_DELAY);
      await expect(f.staking.withdraw(f.id)).to.changeTokenBalance(f.token, f.alice, E(250));
      await expectStakingBalanceInvariant(f, [f.id]);
    });

    it("can slash all unbonding stake; the pending claim is then void and a new owner may unstake", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      await f.staking.connect(f.alice).requestUnstake(f.id, E(200));
      await f.registry.connect(f.alice).transferFrom(f.alice.address, f.bob.address, f.id);
      await f.staking.connect(f.slasher).slash(f.id, E(500), 1);
      const unbonding = await f.staking.unbondingOf(f.id);
      expect(unbonding.amount).to.equal(0n);
      expect(unbonding.beneficiary).to.equal(ethers.ZeroAddress);
      await expect(f.staking.withdraw(f.id)).to.be.revertedWithCustomError(f.staking, "StakingNothingUnbonding");
      await f.staking.connect(f.bob).stake(f.id, E(10));
      // the block's time pinned: read after sending, time.latest() raced the automined block
      const at = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(at);
      await expect(f.staking.connect(f.bob).requestUnstake(f.id, E(10)))
        .to.emit(f.staking, "UnstakeRequested")
        .withArgs(f.id, f.bob.address, E(10), E(10), at + Number(UNBONDING_DELAY));
      await expectStakingBalanceInvariant(f, [f.id]);
    });

    it("slashes a suspended device and a deregistered device's unbonding", async function () {
      const f = await loadFixture(stakedDeviceFixture);
      await f.registry.connect(f.fraud).suspend(f.id, 2);
      await f.staking.connect(f.slasher).slash(f.id, E(100), 2);
      await f.registry.connect(f.fraud).unsuspend(f.id);
      await f.registry.connect(f.alice).deregister(f.id);
      await f.staking.connect(f.alice).requestUnstake(f.id, E(400));
      await f.staking.connect(f.slasher).slash(f.id, E(400), 3);
      expect((await f.staking.unbondingOf(f.id)).amount).to.equal(0n);
      await expectStakingBalanceInvariant(f, [f.id]);
    });

    it("sends slashed tokens to the treasury in treasury mode", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const id = await registerDevice(f, f.devices[0], f.alice);
      await f.treasuryStaking.connect(f.alice).stake(id, E(500));
      const supply = await f.token.totalSupply();
      const tx = f.treasuryStaking.connect(f.slasher).slash(id, E(60), 8);
      await expect(tx).to.emit(f.treasuryStaking, "Slashed").withArgs(id, 8, f.slasher.address, E(60), E(60), 0n, true);
      await expect(tx).to.changeTokenBalances(f.token, [f.treasury, f.treasuryStaking], [E(60), -E(60)]);
      expect(await f.token.totalSupply()).to.equal(supply);
    });

    describe("failure cases", function () {
      it("fails without SLASHER_ROLE (the admin does not hold it)", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        await expect(f.staking.connect(f.admin).slash(f.id, E(1), 1))
          .to.be.revertedWithCustomError(f.staking, "AccessControlUnauthorizedAccount")
          .withArgs(f.admin.address, await f.staking.SLASHER_ROLE());
      });

      it("fails for a zero amount, and for a device that holds nothing; more than there is takes all", async function () {
        const f = await loadFixture(stakedDeviceFixture);
        await expect(f.staking.connect(f.slasher).slash(f.id, 0, 1)).to.be.revertedWithCustomError(
          f.staking,
          "StakingZeroAmount",
        );
        await f.staking.connect(f.alice).requestUnstake(f.id, E(100));
        expect(await f.staking.connect(f.slasher).slash.staticCall(f.id, E(500) + 1n, 1)).to.equal(E(500));
        await expect(f.staking.connect(f.slasher).slash(f.id, E(500) + 1n, 1))
          .to.emit(f.staking, "Slashed")
          .withArgs(f.id, 1, f.slasher.address, E(500) + 1n, E(400), E(100), false);
        await expect(f.staking.connect(f.slasher).slash(f.id, 1n, 1))
          .to.be.revertedWithCustomError(f.staking, "StakingNothingToSlash")
          .withArgs(f.id);
      });
    });
  });

  describe("#isActive", function () {
    it("needs registered, not suspended, and a bond of at least the class minimum", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const unknown = deviceIdOf(f.devices[6].address);
      expect(await f.staking.isActive(unknown)).to.equal(false);

      const hotspot = await registerDevice(f, f.devices[0], f.alice, { deviceClass: HOTSPOT });
      const gpu = await registerDevice(f, f.devices[1], f.alice, { deviceClass: GPU });
      expect(await f.staking.isActive(hotspot)).to.equal(false);
      await f.staking.connect(f.alice).stake(hotspot, HOTSPOT_MIN_BOND - 1n);
      expect(await f.staking.isActive(hotspot)).to.equal(false);
      await f.staking.connect(f.alice).stake(hotspot, 1n);
      expect(await f.staking.isActive(hotspot)).to.equal(true);

      await f.staking.connect(f.alice).stake(gpu, HOTSPOT_MIN_BOND);
      expect(await f.staking.isActive(gpu)).to.equal(false);
      await f.staking.connect(f.alice).stake(gpu, GPU_MIN_BOND - HOTSPOT_MIN_BOND);
      expect(await f.staking.isActive(gpu)).to.equal(true);

      await f.registry.connect(f.fraud).suspend(hotspot, 1);
      expect(await f.staking.isActive(hotspot)).to.equal(false);
      await f.registry.connect(f.fraud).unsuspend(hotspot);
      expect(await f.staking.isActive(hotspot)).to.equal(true);

      // Raising the class minimum deactivates under-bonded devices.
      await f.registry.connect(f.admin).setDeviceClass(HOTSPOT, 10_000, HOTSPOT_MIN_BOND + 1n, true);
      expect(await f.staking.isActive(hotspot)).to.equal(false);

      // Unbonding stake does not count.
      await f.staking.connect(f.alice).requestUnstake(gpu, 1n);
      expect(await f.staking.isActive(gpu)).to.equal(false);

      await f.registry.connect(f.alice).deregister(gpu);
      expect(await f.staking.isActive(gpu)).to.equal(false);
    });
  });
});
