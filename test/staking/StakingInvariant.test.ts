import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import { deviceIdOf } from "../../protocol/deviceSignatures";
import {
  GPU,
  HOTSPOT,
  UNBONDING_DELAY,
  deployRegistryStakingFixture,
  labelledWallet,
  registerDevice,
  type RegistryStakingFixture,
} from "../fixtures/registryStaking";
import { Rng } from "../../simulation/random";

/** The simulator's seeded generator, so every run of a seed takes the same actions. */
function seededRandom(seed: number) {
  const rng = new Rng(seed);
  return {
    int: (maxExclusive: number) => rng.int(maxExclusive),
    pick: <T>(items: readonly T[]): T => items[rng.int(items.length)],
    chance: (p: number) => rng.next() < p,
  };
}

type Status = "Active" | "Suspended" | "Deregistered";

/** The model of one device: what the registry and staking should hold. */
interface DeviceModel {
  id: bigint;
  status: Status;
  owner: HardhatEthersSigner; // NFT owner, or owner at deregistration
  bonded: bigint;
  unbonding: bigint;
  beneficiary: string;
  releaseAt: bigint;
}

const UNIT = ethers.parseEther("1");
const STEPS = 120;
const SEEDS = [1, 2, 3];

describe("Staking: seeded random actions keep the books", function () {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${STEPS} steps; bonds + unbonding == tokens held, balances and supply match the model`, async function () {
      const f: RegistryStakingFixture = await loadFixture(deployRegistryStakingFixture);
      const rng = seededRandom(seed);
      const users = [f.alice, f.bob, f.carol];
      const stakingAddress = await f.staking.getAddress();
      const balances = new Map<string, bigint>();
      for (const u of users) balances.set(u.address, await f.token.balanceOf(u.address));
      let supply = await f.token.totalSupply();
      const devices: DeviceModel[] = [];
      let clock = BigInt(await time.latest());
      const counts: Record<string, number> = {};

      /** Sends `send()` in a block at `clock + 1`; expects the predicted custom error, or success. */
      async function act(name: string, send: () => Promise<ContractTransactionResponse>, error?: string) {
        clock += 1n;
        await time.setNextBlockTimestamp(clock);
        const label = `${name}${error ? ` -> ${error}` : ""}`;
        counts[label] = (counts[label] ?? 0) + 1;
        if (error) {
          const contract = error.startsWith("Registry") ? f.registry : f.staking;
          await expect(send(), `seed ${seed} ${label}`).to.be.revertedWithCustomError(contract, error);
        } else {
          await (await send()).wait();
        }
      }

      for (let step = 0; step < STEPS; step++) {
        const roll = rng.int(100);
        const d = devices.length > 0 ? rng.pick(devices) : undefined;
        const user = rng.pick(users);
        if (!d || roll < 10) {
          if (devices.length >= 10) continue;
          const wallet = labelledWallet(`invariant-${seed}-${devices.length}`);
          clock += 1n;
          await time.setNextBlockTimestamp(clock);
          const id = await registerDevice(f, wallet, user, { deviceClass: rng.pick([HOTSPOT, GPU]), deadline: clock });
          expect(id).to.equal(deviceIdOf(wallet.address));
          devices.push({
            id,
            status: "Active",
            owner: user,
            bonded: 0n,
            unbonding: 0n,
            beneficiary: "",
            releaseAt: 0n,
          });
          counts.register = (counts.register ?? 0) + 1;
        } else if (roll < 35) {
          const amount = BigInt(1 + rng.int(300)) * UNIT;
          const error = d.status === "Deregistered" ? "StakingDeviceNotRegistered" : undefined;
          await act("stake", () => f.staking.connect(user).stake(d.id, amount), error);
          if (!error) {
            d.bonded += amount;
            balances.set(user.address, balances.get(user.address)! - amount);
          }
        } else if (roll < 55) {
          const caller = rng.chance(0.8) ? d.owner : user;
          const amount = BigInt(1 + rng.int(Number(d.bonded / UNIT) + 20)) * UNIT;
          let error: string | undefined;
          if (caller.address !== d.owner.address) error = "StakingNotDeviceOwner";
          else if (d.status === "Suspended") error = "StakingDeviceSuspended";
          else if (amount > d.bonded) error = "StakingInsufficientBond";
          else if (d.unbonding > 0n && d.beneficiary !== caller.address) error = "StakingUnbondingPending";
          await act("requestUnstake", () => f.staking.connect(caller).requestUnstake(d.id, amount), error);
          if (!error) {
            d.bonded -= amount;
            d.unbonding += amount;
            d.beneficiary = caller.address;
            d.releaseAt = clock + UNBONDING_DELAY;
          }
        } else if (roll < 67) {
          // Mostly pick a device that has something unbonding, so withdrawals happen.
          const unbondingDevices = devices.filter((m) => m.unbonding > 0n);
          const w = unbondingDevices.length > 0 && rng.chance(0.7) ? rng.pick(unbondingDevices) : d;
          let error: string | undefined;
          if (w.unbonding === 0n) error = "StakingNothingUnbonding";
          else if (clock + 1n < w.releaseAt) error = "StakingUnbondingNotReleased";
          else if (w.status === "Suspended") error = "StakingDeviceSuspended";
          await act("withdraw", () => f.staking.connect(user).withdraw(w.id), error);
          if (!error) {
            balances.set(w.beneficiary, (balances.get(w.beneficiary) ?? 0n) + w.unbonding);
            w.unbonding = 0n;
          }
        } else if (roll < 75) {
          const available = d.bonded + d.unbonding;
          const amount = BigInt(1 + rng.int(Number(available / UNIT) + 5)) * UNIT;
          const error = available === 0n ? "StakingNothingToSlash" : undefined;
          await act("slash", () => f.staking.connect(f.slasher).slash(d.id, amount, step), error);
          if (!error) {
            const slashed = amount < available ? amount : available;
            const fromBond = slashed < d.bonded ? slashed : d.bonded;
            d.bonded -= fromBond;
            d.unbonding -= slashed - fromBond;
            supply -= slashed;
          }
        } else if (roll < 83) {
          if (d.status === "Deregistered" || user.address === d.owner.address) continue;
          await act("transfer", () => f.registry.connect(d.owner).transferFrom(d.owner.address, user.address, d.id));
          d.owner = user;
        } else if (roll < 86) {
          if (d.status === "Active") {
            await act("suspend", () => f.registry.connect(f.fraud).suspend(d.id, step));
            d.status = "Suspended";
          } else if (d.status === "Suspended") {
            await act("unsuspend", () => f.registry.connect(f.fraud).unsuspend(d.id));
            d.status = "Active";
          }
        } else if (roll < 88) {
          const error = d.status !== "Active" ? "RegistryDeviceNotActive" : undefined;
          if (d.status === "Deregistered") continue; // the NFT is gone; covered in the unit tests
          await act("deregister", () => f.registry.connect(d.owner).deregister(d.id), error);
          if (!error) d.status = "Deregistered";
        } else {
          clock += BigInt(rng.int(Number(2n * UNBONDING_DELAY)));
          counts.time = (counts.time ?? 0) + 1;
        }

        // Invariants after every step.
        let held = 0n;
        for (const m of devices) {
          const unbonding = await f.staking.unbondingOf(m.id);
          expect(await f.staking.bondOf(m.id), `seed ${seed} step ${step} bond of ${m.id}`).to.equal(m.bonded);
          expect(unbonding.amount, `seed ${seed} step ${step} unbonding of ${m.id}`).to.equal(m.unbonding);
          if (m.unbonding > 0n) expect(unbonding.beneficiary).to.equal(m.beneficiary);
          held += m.bonded + m.unbonding;
        }
        expect(await f.token.balanceOf(stakingAddress), `seed ${seed} step ${step} staking balance`).to.equal(held);
        expect(await f.token.totalSupply(), `seed ${seed} step ${step} supply`).to.equal(supply);
        for (const u of users) expect(await f.token.balanceOf(u.address)).to.equal(balances.get(u.address));
      }
      console.log(`      seed ${seed}: ${JSON.stringify(counts)}`);
      // The run must have exercised the interesting paths, or it proves little.
      for (const path of ["stake", "requestUnstake", "withdraw", "slash", "transfer"]) {
        expect(counts[path] ?? 0, `seed ${seed}: ${path} never succeeded`).to.be.greaterThan(0);
      }
    });
  }
});
