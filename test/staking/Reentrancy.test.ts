import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Interface } from "ethers";
import {
  ReentrantReceiver__factory,
  ReentrantToken__factory,
  Staking__factory,
  type ReentrantReceiver,
} from "../../typechain-types";
import { deviceIdOf } from "../../protocol/deviceSignatures";
import {
  UNBONDING_DELAY,
  buildRegistration,
  deployRegistryStakingFixture,
  deployStakedDeviceFixture,
  registerDevice,
  sendRegistration,
  type RegistryStakingFixture,
  registrationCall,
} from "../fixtures/registryStaking";

const E = (n: string | number) => ethers.parseEther(String(n));
const Status = { None: 0n, Active: 1n, Suspended: 2n, Deregistered: 3n } as const;

interface Scripted {
  target: string;
  data: string;
}

/** What each scripted callback did: `ok`, or the name and arguments of the custom error it reverted with. */
async function callbackOutcomes(receiver: ReentrantReceiver, interfaces: Interface[]) {
  const count = await receiver.lastCount();
  const outcomes: (string | { error: string; args: unknown[] })[] = [];
  for (let i = 0n; i < count; i++) {
    if (await receiver.lastSuccess(i)) {
      outcomes.push("ok");
      continue;
    }
    const data = await receiver.lastReturnData(i);
    const parsed = interfaces.map((iface) => iface.parseError(data)).find((e) => e !== null);
    if (!parsed) throw new Error(`callback ${i}: undecodable revert data ${data}`);
    outcomes.push({ error: parsed.name, args: [...parsed.args] });
  }
  return outcomes;
}

/** Global invariants: staking holds exactly bonds + unbonding; NFT existence matches status; owners agree. */
async function expectInvariants(f: RegistryStakingFixture, deviceIds: bigint[]) {
  let held = 0n;
  for (const id of deviceIds) {
    held += (await f.staking.bondOf(id)) + (await f.staking.unbondingOf(id)).amount;
    const status = await f.registry.status(id);
    const nftOwner = await f.registry["ownerOf"](id).catch(() => ethers.ZeroAddress);
    const exists = nftOwner !== ethers.ZeroAddress;
    expect(exists, `NFT ${id} existence vs status ${status}`).to.equal(
      status === Status.Active || status === Status.Suspended,
    );
    if (exists) expect(await f.registry.deviceOwner(id)).to.equal(nftOwner);
  }
  expect(await f.token.balanceOf(await f.staking.getAddress())).to.equal(held);
}

async function deployReentrancyFixture() {
  const f = await deployStakedDeviceFixture();
  const receiver = await new ReentrantReceiver__factory(f.admin).deploy();
  return { ...f, receiver, receiverAddress: await receiver.getAddress() };
}

describe("Reentrancy through onERC721Received", function () {
  it("a receiver re-entering during the registration mint cannot register twice; its deregister leaves a consistent record", async function () {
    const f = await loadFixture(deployReentrancyFixture);
    const { registry, staking, receiver, receiverAddress } = f;
    const device = f.devices[3];
    const id = deviceIdOf(device.address);
    const args = await buildRegistration(f, device, receiverAddress);
    const replay = registry.interface.encodeFunctionData("register", [...registrationCall(args)]);
    const calls: Scripted[] = [
      { target: await registry.getAddress(), data: replay },
      { target: await staking.getAddress(), data: staking.interface.encodeFunctionData("requestUnstake", [id, 1n]) },
      { target: await registry.getAddress(), data: registry.interface.encodeFunctionData("deregister", [id]) },
      {
        target: await registry.getAddress(),
        data: registry.interface.encodeFunctionData("transferFrom", [receiverAddress, f.bob.address, id]),
      },
    ];
    await receiver.setCallbacks(calls);
    await expect(sendRegistration(f, f.relayer, args))
      .to.emit(registry, "DeviceRegistered")
      .and.to.emit(registry, "DeviceDeregistered")
      .withArgs(id, receiverAddress);

    expect(await callbackOutcomes(receiver, [registry.interface, staking.interface])).to.deep.equal([
      { error: "RegistryDeviceAlreadyRegistered", args: [id, Status.Active] },
      { error: "StakingInsufficientBond", args: [id, 0n, 1n] },
      "ok",
      { error: "ERC721NonexistentToken", args: [id] },
    ]);
    expect(await registry.status(id)).to.equal(Status.Deregistered);
    expect(await registry.deviceOwner(id)).to.equal(receiverAddress);
    expect(await registry.balanceOf(receiverAddress)).to.equal(0n);
    expect(await registry.nonces(device.address)).to.equal(1n);
    await expectInvariants(f, [f.id, id]);
  });

  it("a receiver of a staked device cannot jump the previous owner's pending unbonding, even after passing it on", async function () {
    const f = await loadFixture(deployReentrancyFixture);
    const { registry, staking, receiver, receiverAddress, id } = f;
    await staking.connect(f.alice).requestUnstake(id, E(100));
    const { releaseAt } = await staking.unbondingOf(id);
    const registryAddress = await registry.getAddress();
    const stakingAddress = await staking.getAddress();
    await receiver.setCallbacks([
      { target: stakingAddress, data: staking.interface.encodeFunctionData("requestUnstake", [id, E(100)]) },
      { target: stakingAddress, data: staking.interface.encodeFunctionData("withdraw", [id]) },
      {
        target: registryAddress,
        data: registry.interface.encodeFunctionData("safeTransferFrom(address,address,uint256)", [
          receiverAddress,
          f.bob.address,
          id,
        ]),
      },
      { target: stakingAddress, data: staking.interface.encodeFunctionData("requestUnstake", [id, 1n]) },
      { target: registryAddress, data: registry.interface.encodeFunctionData("deregister", [id]) },
    ]);
    await registry.connect(f.alice)["safeTransferFrom(address,address,uint256)"](f.alice.address, receiverAddress, id);

    const now = BigInt(await time.latest());
    expect(await callbackOutcomes(receiver, [registry.interface, staking.interface])).to.deep.equal([
      { error: "StakingUnbondingPending", args: [id, f.alice.address, E(100), releaseAt] },
      { error: "StakingUnbondingNotReleased", args: [id, releaseAt, now] },
      "ok",
      { error: "StakingNotDeviceOwner", args: [id, receiverAddress, f.bob.address] },
      { error: "RegistryNotDeviceOwner", args: [id, receiverAddress, f.bob.address] },
    ]);
    expect(await registry.ownerOf(id)).to.equal(f.bob.address);
    expect(await staking.bondOf(id)).to.equal(E(400));
    await expectInvariants(f, [id]);

    await time.increaseTo(releaseAt);
    await expect(staking.withdraw(id)).to.changeTokenBalances(f.token, [f.alice, receiver, f.bob], [E(100), 0n, 0n]);
    await expectInvariants(f, [id]);
  });

  it("a receiver withdrawing in the callback pays the old owner once, then unstakes and deregisters consistently", async function () {
    const f = await loadFixture(deployReentrancyFixture);
    const { registry, staking, token, receiver, receiverAddress, id } = f;
    await staking.connect(f.alice).requestUnstake(id, E(100));
    await time.increase(UNBONDING_DELAY);
    const registryAddress = await registry.getAddress();
    const stakingAddress = await staking.getAddress();
    await receiver.setCallbacks([
      { target: stakingAddress, data: staking.interface.encodeFunctionData("withdraw", [id]) },
      { target: stakingAddress, data: staking.interface.encodeFunctionData("withdraw", [id]) },
      { target: stakingAddress, data: staking.interface.encodeFunctionData("requestUnstake", [id, E(400)]) },
      { target: stakingAddress, data: staking.interface.encodeFunctionData("withdraw", [id]) },
      { target: registryAddress, data: registry.interface.encodeFunctionData("deregister", [id]) },
    ]);
    const aliceBefore = await token.balanceOf(f.alice.address);
    await registry.connect(f.alice)["safeTransferFrom(address,address,uint256)"](f.alice.address, receiverAddress, id);
    const now = BigInt(await time.latest());

    expect(await callbackOutcomes(receiver, [registry.interface, staking.interface])).to.deep.equal([
      "ok",
      { error: "StakingNothingUnbonding", args: [id] },
      "ok",
      { error: "StakingUnbondingNotReleased", args: [id, now + UNBONDING_DELAY, now] },
      "ok",
    ]);
    expect((await token.balanceOf(f.alice.address)) - aliceBefore).to.equal(E(100));
    expect(await token.balanceOf(receiverAddress)).to.equal(0n);
    expect(await registry.status(id)).to.equal(Status.Deregistered);
    expect(await registry.deviceOwner(id)).to.equal(receiverAddress);
    const unbonding = await staking.unbondingOf(id);
    expect(unbonding.beneficiary).to.equal(receiverAddress);
    expect(unbonding.amount).to.equal(E(400));
    await expectInvariants(f, [id]);

    await time.increase(UNBONDING_DELAY);
    await staking.withdraw(id);
    expect(await token.balanceOf(receiverAddress)).to.equal(E(400));
    expect(await token.balanceOf(stakingAddress)).to.equal(0n);
    await expectInvariants(f, [id]);
  });

  it("a receiver of a suspended device can neither unstake nor deregister it in the callback", async function () {
    const f = await loadFixture(deployReentrancyFixture);
    const { registry, staking, receiver, receiverAddress, id } = f;
    await registry.connect(f.fraud).suspend(id, 13);
    await receiver.setCallbacks([
      { target: await staking.getAddress(), data: staking.interface.encodeFunctionData("requestUnstake", [id, E(1)]) },
      { target: await registry.getAddress(), data: registry.interface.encodeFunctionData("deregister", [id]) },
    ]);
    await registry.connect(f.alice)["safeTransferFrom(address,address,uint256)"](f.alice.address, receiverAddress, id);
    expect(await callbackOutcomes(receiver, [registry.interface, staking.interface])).to.deep.equal([
      { error: "StakingDeviceSuspended", args: [id] },
      { error: "RegistryDeviceNotActive", args: [id, Status.Suspended] },
    ]);
    expect(await staking.bondOf(id)).to.equal(E(500));
    await expectInvariants(f, [id]);
  });
});

/** Staking over a token that calls back on every balance change (ERC-777 style), slashing to the treasury. */
async function deployHookTokenFixture() {
  const f = await deployRegistryStakingFixture();
  const hookToken = await new ReentrantToken__factory(f.admin).deploy();
  const staking = await new Staking__factory(f.admin).deploy(
    await hookToken.getAddress(),
    await f.registry.getAddress(),
    UNBONDING_DELAY,
    true,
    f.treasury.address,
    f.admin.address,
  );
  const slasherRole = await staking.SLASHER_ROLE();
  await staking.connect(f.admin).grantRole(slasherRole, f.slasher.address);
  // Even a re-entrant caller holding the slasher role must be stopped by the guard.
  await staking.connect(f.admin).grantRole(slasherRole, await hookToken.getAddress());
  await hookToken.connect(f.admin).mint(f.alice.address, E(1000));
  await hookToken.connect(f.alice).approve(await staking.getAddress(), ethers.MaxUint256);
  const id = await registerDevice(f, f.devices[0], f.alice);
  return { ...f, hookToken, hookStaking: staking, id };
}

describe("Reentrancy through a token that calls back", function () {
  async function expectGuardTripped(f: Awaited<ReturnType<typeof deployHookTokenFixture>>) {
    expect(await f.hookToken.hookCalls()).to.equal(1n);
    expect(await f.hookToken.lastHookSuccess()).to.equal(false);
    const parsed = f.hookStaking.interface.parseError(await f.hookToken.lastHookReturnData());
    expect(parsed?.name).to.equal("ReentrancyGuardReentrantCall");
  }

  async function expectHeldEqualsBooks(f: Awaited<ReturnType<typeof deployHookTokenFixture>>) {
    const books = (await f.hookStaking.bondOf(f.id)) + (await f.hookStaking.unbondingOf(f.id)).amount;
    expect(await f.hookToken.balanceOf(await f.hookStaking.getAddress())).to.equal(books);
  }

  it("stake cannot be re-entered by stake or requestUnstake", async function () {
    const f = await loadFixture(deployHookTokenFixture);
    const stakingAddress = await f.hookStaking.getAddress();
    await f.hookToken.setHook(stakingAddress, f.hookStaking.interface.encodeFunctionData("stake", [f.id, E(1)]));
    await f.hookStaking.connect(f.alice).stake(f.id, E(100));
    await expectGuardTripped(f);
    expect(await f.hookStaking.bondOf(f.id)).to.equal(E(100));

    await f.hookToken.setHook(
      stakingAddress,
      f.hookStaking.interface.encodeFunctionData("requestUnstake", [f.id, E(100)]),
    );
    await f.hookStaking.connect(f.alice).stake(f.id, E(50));
    expect(await f.hookToken.hookCalls()).to.equal(2n);
    expect(f.hookStaking.interface.parseError(await f.hookToken.lastHookReturnData())?.name).to.equal(
      "ReentrancyGuardReentrantCall",
    );
    expect(await f.hookStaking.bondOf(f.id)).to.equal(E(150));
    await expectHeldEqualsBooks(f);
  });

  it("withdraw cannot be re-entered to pay twice", async function () {
    const f = await loadFixture(deployHookTokenFixture);
    await f.hookStaking.connect(f.alice).stake(f.id, E(100));
    await f.hookStaking.connect(f.alice).requestUnstake(f.id, E(100));
    await time.increase(UNBONDING_DELAY);
    await f.hookToken.setHook(
      await f.hookStaking.getAddress(),
      f.hookStaking.interface.encodeFunctionData("withdraw", [f.id]),
    );
    await expect(f.hookStaking.withdraw(f.id)).to.changeTokenBalance(f.hookToken, f.alice, E(100));
    await expectGuardTripped(f);
    await expectHeldEqualsBooks(f);
  });

  it("slash cannot be re-entered, even by a caller holding the slasher role", async function () {
    const f = await loadFixture(deployHookTokenFixture);
    await f.hookStaking.connect(f.alice).stake(f.id, E(100));
    await f.hookToken.setHook(
      await f.hookStaking.getAddress(),
      f.hookStaking.interface.encodeFunctionData("slash", [f.id, E(10), 0]),
    );
    await expect(f.hookStaking.connect(f.slasher).slash(f.id, E(40), 4)).to.changeTokenBalance(
      f.hookToken,
      f.treasury,
      E(40),
    );
    await expectGuardTripped(f);
    expect(await f.hookStaking.bondOf(f.id)).to.equal(E(60));
    await expectHeldEqualsBooks(f);
  });
});
