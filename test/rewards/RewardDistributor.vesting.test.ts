import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { RewardLeaf, buildRewardTree } from "../../protocol/merkle";
import { EMPTY_STREAM, VestingStream, applyClaim, applyRelease, vestedAmount } from "../../protocol/vesting";
import { CHALLENGE_WINDOW, DAY, VESTING, deployVestingFixture, fundAndPost } from "./fixture";

const E = (n: number | string) => parseEther(String(n));
const PARAMS = { immediateBps: BigInt(VESTING.immediateBps), vestingDuration: BigInt(VESTING.vestingDuration) };
const D = VESTING.vestingDuration;

describe("RewardDistributor vesting", function () {
  /**
   * Alice is credited 1000 in epoch 0 (claimable now); bob 3 wei. `postEpoch1()` posts epoch 1 (alice 1600
   * cumulative, claimable a challenge window later; it supersedes epoch 0 from then on).
   */
  async function vestingFixture() {
    const system = await deployVestingFixture();
    const { alice, bob } = system;
    const leaves0: RewardLeaf[] = [
      { account: alice.address, cumulativeAmount: E(1000) },
      { account: bob.address, cumulativeAmount: 3n },
    ];
    const epoch0 = await fundAndPost(system, 0, leaves0, E(2000), E(1000) + 3n);
    await time.increaseTo(epoch0.postedAt + CHALLENGE_WINDOW);
    const tree1 = buildRewardTree([{ account: alice.address, cumulativeAmount: E(1600) }]);
    const postEpoch1 = async () => {
      const { postedAt } = await fundAndPost(
        system,
        1,
        [{ account: alice.address, cumulativeAmount: E(1600) }],
        E(600),
      );
      return postedAt + CHALLENGE_WINDOW;
    };
    return { ...system, tree0: epoch0.tree, tree1, postEpoch1 };
  }

  type System = Awaited<ReturnType<typeof vestingFixture>>;

  async function streamOf(system: System, account: string): Promise<VestingStream> {
    const [locked, start, end] = await system.distributor.vestingOf(account);
    return { locked, start, end };
  }

  /** Sends `claim` from the account itself at exactly `at` and returns the token amount it received. */
  async function claimAt(system: System, at: number, epoch: number, cumulativeAmount: bigint, account: string) {
    const tree = epoch === 0 ? system.tree0 : system.tree1;
    const signer = [system.alice, system.bob].find((s) => s.address === account)!;
    const before = await system.token.balanceOf(account);
    await time.setNextBlockTimestamp(at);
    await system.distributor.connect(signer).claim(epoch, account, cumulativeAmount, tree.claimOf(account).proof);
    return (await system.token.balanceOf(account)) - before;
  }

  async function releaseAt(system: System, at: number, account: string) {
    const before = await system.token.balanceOf(account);
    await time.setNextBlockTimestamp(at);
    await system.distributor.connect(system.stranger).release(account);
    return (await system.token.balanceOf(account)) - before;
  }

  it("pays immediateBps at once and locks the rest over vestingDuration", async function () {
    const system = await loadFixture(vestingFixture);
    const { distributor, alice } = system;
    expect(await distributor.immediateBps()).to.equal(VESTING.immediateBps);
    expect(await distributor.vestingDuration()).to.equal(D);
    const t0 = (await time.latest()) + 100;
    await time.setNextBlockTimestamp(t0);
    await expect(distributor.connect(alice).claim(0, alice.address, E(1000), system.tree0.claimOf(alice.address).proof))
      .to.emit(distributor, "VestingUpdated")
      .withArgs(alice.address, E(750), t0 + D)
      .and.to.emit(distributor, "Claimed")
      .withArgs(alice.address, 0, E(1000), E(1000));
    expect(await system.token.balanceOf(alice.address)).to.equal(E(250));
    expect(await streamOf(system, alice.address)).to.deep.equal({
      locked: E(750),
      start: BigInt(t0),
      end: BigInt(t0 + D),
    });
    expect(await distributor.claimed(alice.address)).to.equal(E(1000));
  });

  it("releases linearly: matches protocol/vesting at 10%, 25%, 50%, 90% and 120% of the duration", async function () {
    const system = await loadFixture(vestingFixture);
    const { alice } = system;
    const t0 = (await time.latest()) + 100;
    let model = applyClaim(EMPTY_STREAM, BigInt(t0), E(1000), PARAMS);
    expect(await claimAt(system, t0, 0, E(1000), alice.address)).to.equal(model.paid);
    let total = model.paid;
    for (const fraction of [0.1, 0.25, 0.5, 0.9, 1.2]) {
      const at = t0 + Math.floor(D * fraction);
      const step = applyRelease(model.stream, BigInt(at));
      expect(step.paid).to.be.greaterThan(0n);
      expect(await releaseAt(system, at, alice.address)).to.equal(step.paid);
      model = step;
      total += step.paid;
      expect(await streamOf(system, alice.address)).to.deep.equal(model.stream);
    }
    expect(total).to.equal(E(1000));
  });

  it("exposes releasable() consistent with the linear schedule", async function () {
    const system = await loadFixture(vestingFixture);
    const { distributor, alice } = system;
    const t0 = (await time.latest()) + 100;
    await claimAt(system, t0, 0, E(1000), alice.address);
    const stream = await streamOf(system, alice.address);
    await time.increaseTo(t0 + D / 4);
    const now = BigInt(await time.latest());
    expect(await distributor.releasable(alice.address)).to.equal(vestedAmount(stream, now));
    expect(vestedAmount(stream, now)).to.equal(E(750) / 4n);
  });

  it("merges a second claim: pays the vested part, re-streams remainder + new locked part from now", async function () {
    const system = await loadFixture(vestingFixture);
    const { distributor, alice } = system;
    const t0 = (await time.latest()) + 100;
    const first = applyClaim(EMPTY_STREAM, BigInt(t0), E(1000), PARAMS);
    await claimAt(system, t0, 0, E(1000), alice.address);
    await system.postEpoch1();
    const t1 = t0 + 60 * DAY;
    const second = applyClaim(first.stream, BigInt(t1), E(600), PARAMS);
    const vestedBefore = vestedAmount(first.stream, BigInt(t1));
    await time.setNextBlockTimestamp(t1);
    await expect(distributor.connect(alice).claim(1, alice.address, E(1600), system.tree1.claimOf(alice.address).proof))
      .to.emit(distributor, "Released")
      .withArgs(alice.address, vestedBefore)
      .and.to.emit(distributor, "VestingUpdated")
      .withArgs(alice.address, second.stream.locked, t1 + D);
    expect(await system.token.balanceOf(alice.address)).to.equal(first.paid + second.paid);
    expect(second.paid).to.equal(E(150) + E(250)); // 25% of 600 + 60/180 of 750
    expect(await streamOf(system, alice.address)).to.deep.equal(second.stream);
    expect(second.stream.locked).to.equal(E(500) + E(450));
  });

  it("never vests a token earlier than its own stream would (merged schedule ≤ per-claim schedules)", async function () {
    const system = await loadFixture(vestingFixture);
    const { alice } = system;
    const t0 = (await time.latest()) + 100;
    const t1 = t0 + 45 * DAY;
    let paid = await claimAt(system, t0, 0, E(1000), alice.address);
    await system.postEpoch1();
    paid += await claimAt(system, t1, 1, E(1600), alice.address);
    // Each claim alone, exactly and scaled by D: immediate × D + locked × min(D, elapsed).
    const aloneTimesD = (amount: bigint, from: number, at: number) => {
      const immediate = (amount * PARAMS.immediateBps) / 10_000n;
      return immediate * BigInt(D) + (amount - immediate) * BigInt(Math.min(D, at - from));
    };
    for (const at of [t1 + DAY, t0 + 100 * DAY, t0 + D, t1 + D - 1]) {
      paid += await releaseAt(system, at, alice.address);
      expect(paid * BigInt(D)).to.be.at.most(aloneTimesD(E(1000), t0, at) + aloneTimesD(E(600), t1, at));
    }
    paid += await releaseAt(system, t1 + D, alice.address);
    expect(paid).to.equal(E(1600));
  });

  it("rounds the immediate part down: 3 wei at 25% pays 0 now and locks 3", async function () {
    const system = await loadFixture(vestingFixture);
    const { distributor, bob } = system;
    expect(await claimAt(system, (await time.latest()) + 10, 0, 3n, bob.address)).to.equal(0n);
    expect((await distributor.vestingOf(bob.address)).locked).to.equal(3n);
  });

  describe("#setClaimer", function () {
    it("lets an approved claimer claim for the account, and stops it after the approval is withdrawn", async function () {
      const system = await loadFixture(vestingFixture);
      const { distributor, alice, bob, stranger } = system;
      await expect(distributor.connect(alice).setClaimer(stranger.address, true))
        .to.emit(distributor, "ClaimerSet")
        .withArgs(alice.address, stranger.address, true);
      expect(await distributor.isClaimerApproved(alice.address, stranger.address)).to.equal(true);
      await distributor.connect(stranger).claim(0, alice.address, E(1000), system.tree0.claimOf(alice.address).proof);
      expect(await distributor.claimed(alice.address)).to.equal(E(1000));
      await expect(distributor.connect(stranger).claim(0, bob.address, 3n, system.tree0.claimOf(bob.address).proof))
        .to.be.revertedWithCustomError(distributor, "RewardsClaimerNotApproved")
        .withArgs(bob.address, stranger.address);
      await distributor.connect(alice).setClaimer(stranger.address, false);
      expect(await distributor.isClaimerApproved(alice.address, stranger.address)).to.equal(false);
    });

    it("fails on a no-op", async function () {
      const { distributor, alice, stranger } = await loadFixture(vestingFixture);
      await expect(distributor.connect(alice).setClaimer(stranger.address, false))
        .to.be.revertedWithCustomError(distributor, "RewardsClaimerUnchanged")
        .withArgs(alice.address, stranger.address);
    });
  });

  describe("#release failure cases", function () {
    it("fails for an account without a stream and once everything was released", async function () {
      const system = await loadFixture(vestingFixture);
      const { distributor, alice, carol } = system;
      await expect(distributor.release(carol.address))
        .to.be.revertedWithCustomError(distributor, "RewardsNothingToRelease")
        .withArgs(carol.address);
      const t0 = (await time.latest()) + 10;
      await claimAt(system, t0, 0, E(1000), alice.address);
      await releaseAt(system, t0 + D, alice.address);
      await expect(distributor.release(alice.address))
        .to.be.revertedWithCustomError(distributor, "RewardsNothingToRelease")
        .withArgs(alice.address);
    });

    it("fails while paused", async function () {
      const system = await loadFixture(vestingFixture);
      const { distributor, pauser, alice } = system;
      const t0 = (await time.latest()) + 10;
      await claimAt(system, t0, 0, E(1000), alice.address);
      await distributor.connect(pauser).pause();
      await time.increaseTo(t0 + DAY);
      await expect(distributor.release(alice.address)).to.be.revertedWithCustomError(distributor, "EnforcedPause");
    });
  });
});
