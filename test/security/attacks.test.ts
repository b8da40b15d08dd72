/**
 * The six attacks of issue 10 that worked against the contracts before it was fixed, each replayed as an attacker
 * would and now refused (or, for the slash, taking what there is). Each of these tests failed on the code before the
 * fix (see the commit message of the fix).
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import type { RewardLeaf } from "../../protocol/merkle";
import { CHALLENGE_WINDOW, deployNoWindowFixture, deployVestingFixture, fundAndPost } from "../rewards/fixture";
import {
  CELL_B,
  UNBONDING_DELAY,
  buildMoveSignature,
  buildRegistration,
  deployStakedDeviceFixture,
  sendRegistration,
} from "../fixtures/registryStaking";

const E = (n: number | string) => parseEther(String(n));

describe("attacks of issue 10", function () {
  it("1. a superseded root no longer pays: bob's corrected leaf (100 → 40) pays 40, not 100", async function () {
    const system = await loadFixture(deployNoWindowFixture);
    const { distributor, alice, bob, token } = system;
    const epoch0: RewardLeaf[] = [
      { account: alice.address, cumulativeAmount: E(50) },
      { account: bob.address, cumulativeAmount: E(100) },
    ];
    const epoch1: RewardLeaf[] = [
      { account: alice.address, cumulativeAmount: E(110) },
      { account: bob.address, cumulativeAmount: E(40) },
    ];
    const { tree: tree0 } = await fundAndPost(system, 0, epoch0, E(150));
    const { tree: tree1 } = await fundAndPost(system, 1, epoch1, E(0), E(0));

    await expect(distributor.claim(0, bob.address, E(100), tree0.claimOf(bob.address).proof))
      .to.be.revertedWithCustomError(distributor, "RewardsEpochSuperseded")
      .withArgs(0, 1);
    await distributor.claim(1, bob.address, E(40), tree1.claimOf(bob.address).proof);
    expect(await token.balanceOf(bob.address)).to.equal(E(40));
  });

  it("2. a stranger cannot restart someone else's vesting by claiming 1 wei for them", async function () {
    const system = await loadFixture(deployVestingFixture);
    const { distributor, alice, stranger } = system;
    const { tree: tree0, postedAt } = await fundAndPost(
      system,
      0,
      [{ account: alice.address, cumulativeAmount: E(1000) }],
      E(2000),
      E(1000),
    );
    await time.increaseTo(postedAt + CHALLENGE_WINDOW);
    await distributor.connect(alice).claim(0, alice.address, E(1000), tree0.claimOf(alice.address).proof);
    const { tree: tree1, postedAt: postedAt1 } = await fundAndPost(
      system,
      1,
      [{ account: alice.address, cumulativeAmount: E(1000) + 1n }],
      0n,
      1n,
    );
    await time.increaseTo(postedAt1 + CHALLENGE_WINDOW);
    const streamBefore = await distributor.vestingOf(alice.address);

    await expect(
      distributor.connect(stranger).claim(1, alice.address, E(1000) + 1n, tree1.claimOf(alice.address).proof),
    )
      .to.be.revertedWithCustomError(distributor, "RewardsClaimerNotApproved")
      .withArgs(alice.address, stranger.address);
    expect(await distributor.vestingOf(alice.address)).to.deep.equal(streamBefore);
    await time.increaseTo(Number(streamBefore.end));
    expect(await distributor.releasable(alice.address)).to.equal(E(750));
  });

  it("3. suspension freezes an unbonding requested before it", async function () {
    const f = await loadFixture(deployStakedDeviceFixture);
    await f.staking.connect(f.alice).requestUnstake(f.id, E(500));
    await f.registry.connect(f.fraud).suspend(f.id, 1);
    await time.increase(UNBONDING_DELAY);
    await expect(f.staking.withdraw(f.id))
      .to.be.revertedWithCustomError(f.staking, "StakingDeviceSuspended")
      .withArgs(f.id);
  });

  it("4. re-approving a revoked maker does not revive attestations signed before the revocation", async function () {
    const f = await loadFixture(deployStakedDeviceFixture);
    const signedBefore = await buildRegistration(f, f.devices[1], f.bob.address);
    await f.registry.connect(f.admin).revokeMaker(f.maker.address);
    await f.registry.connect(f.admin).approveMaker(f.maker.address);
    await expect(sendRegistration(f, f.bob, signedBefore))
      .to.be.revertedWithCustomError(f.registry, "RegistryInvalidMakerSignature")
      .withArgs(f.maker.address);
    await sendRegistration(f, f.bob, await buildRegistration(f, f.devices[1], f.bob.address));
  });

  it("5. a move signature signed for the previous owner is refused after an NFT transfer", async function () {
    const f = await loadFixture(deployStakedDeviceFixture);
    const deadline = BigInt(await time.latest()) + 3600n;
    const forAlice = await buildMoveSignature(f, f.devices[0], CELL_B, deadline, { owner: f.alice.address });
    await f.registry.connect(f.alice).transferFrom(f.alice.address, f.bob.address, f.id);
    await expect(f.registry.connect(f.bob).moveDevice(f.id, CELL_B, deadline, forAlice))
      .to.be.revertedWithCustomError(f.registry, "RegistryInvalidDeviceSignature")
      .withArgs(f.devices[0].address);
  });

  it("6. a slash front-run by a withdraw takes what is left and reports it", async function () {
    const f = await loadFixture(deployStakedDeviceFixture);
    await f.staking.connect(f.alice).requestUnstake(f.id, E(200));
    await time.increase(UNBONDING_DELAY);
    const requested = E(500); // bond 300 + unbonding 200, as the slasher saw it
    await f.staking.withdraw(f.id); // the owner's front-run
    await expect(f.staking.connect(f.slasher).slash(f.id, requested, 7))
      .to.emit(f.staking, "Slashed")
      .withArgs(f.id, 7, f.slasher.address, requested, E(300), 0n, false);
    expect(await f.staking.bondOf(f.id)).to.equal(0n);
    expect(
      await f.staking
        .connect(f.slasher)
        .slash.staticCall(f.id, 1n, 7)
        .catch((e: Error) => e.message),
    ).to.match(/StakingNothingToSlash/);
  });
});
