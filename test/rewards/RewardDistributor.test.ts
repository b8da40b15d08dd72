import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, parseEther } from "ethers";
import { MockHookedToken, ReentrantClaimer, RewardDistributor } from "../../typechain-types";
import { buildRewardTree } from "../../protocol/merkle";
import { epochRootDigest, rewardsDomain, signEpochRoot } from "../../protocol/oracleSignatures";
import { labelledWallet } from "../fixtures/registryStaking";
import {
  CHALLENGE_WINDOW,
  DAY,
  ORACLE_MEMBERS,
  ORACLE_THRESHOLD,
  TOKEN_CAP,
  deployNoWindowFixture,
  deploySystemFixture,
  fundAndPost,
  oracleSignatures,
  signedPost,
} from "./fixture";

const E = (n: number | string) => parseEther(String(n));

describe("RewardDistributor", function () {
  describe("#constructor", function () {
    it("reads the token from the controller and stores the parameters", async function () {
      const { distributor, controller, token, admin } = await loadFixture(deploySystemFixture);
      expect(await distributor.controller()).to.equal(await controller.getAddress());
      expect(await distributor.token()).to.equal(await token.getAddress());
      expect(await distributor.challengeWindow()).to.equal(CHALLENGE_WINDOW);
      expect(await distributor.immediateBps()).to.equal(10_000);
      expect(await distributor.vestingDuration()).to.equal(0);
      expect(await distributor.hasRole(await distributor.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      expect(await distributor.nextEpochToPost()).to.equal(0);
      expect(await distributor.paused()).to.equal(false);
      expect(await distributor.MAX_CHALLENGE_WINDOW()).to.equal(30 * DAY);
      expect(await distributor.MAX_VESTING_DURATION()).to.equal(4 * 365 * DAY);
    });

    describe("failure cases", function () {
      const members = ORACLE_MEMBERS.map((m) => m.address);
      async function deployWith(
        controller: string,
        window: number,
        bps: number,
        duration: number,
        admin: string,
        oracles: string[] = members,
        threshold = ORACLE_THRESHOLD,
      ) {
        return ethers.deployContract("RewardDistributor", [
          controller,
          window,
          bps,
          duration,
          admin,
          oracles,
          threshold,
        ]);
      }

      it("fails on an invalid oracle set: empty, threshold 0 or above n, more than 32, a zero or duplicate member", async function () {
        const { distributor, controller, admin } = await loadFixture(deploySystemFixture);
        const c = await controller.getAddress();
        const many = Array.from({ length: 33 }, (_, i) => ethers.getAddress(ethers.toBeHex(i + 1, 20)));
        for (const [oracles, threshold] of [
          [[], 0],
          [members, 0],
          [members, 6],
          [many, 3],
        ] as [string[], number][]) {
          await expect(deployWith(c, 0, 10_000, 0, admin.address, oracles, threshold))
            .to.be.revertedWithCustomError(distributor, "RewardsInvalidOracleSet")
            .withArgs(oracles.length, threshold, 32);
        }
        await expect(
          deployWith(c, 0, 10_000, 0, admin.address, [members[0], ZeroAddress], 1),
        ).to.be.revertedWithCustomError(distributor, "RewardsZeroAddress");
        await expect(deployWith(c, 0, 10_000, 0, admin.address, [members[0], members[0]], 1))
          .to.be.revertedWithCustomError(distributor, "RewardsDuplicateOracleMember")
          .withArgs(members[0]);
      });

      it("fails if the controller or the admin is zero", async function () {
        const { distributor, controller, admin } = await loadFixture(deploySystemFixture);
        const c = await controller.getAddress();
        await expect(deployWith(ZeroAddress, 0, 10_000, 0, admin.address)).to.be.revertedWithCustomError(
          distributor,
          "RewardsZeroAddress",
        );
        await expect(deployWith(c, 0, 10_000, 0, ZeroAddress)).to.be.revertedWithCustomError(
          distributor,
          "RewardsZeroAddress",
        );
      });

      it("fails if the challenge window is above 30 days", async function () {
        const { distributor, controller, admin } = await loadFixture(deploySystemFixture);
        await expect(deployWith(await controller.getAddress(), 30 * DAY + 1, 10_000, 0, admin.address))
          .to.be.revertedWithCustomError(distributor, "RewardsChallengeWindowTooLong")
          .withArgs(30 * DAY + 1, 30 * DAY);
      });

      it("fails on inconsistent vesting parameters", async function () {
        const { distributor, controller, admin } = await loadFixture(deploySystemFixture);
        const c = await controller.getAddress();
        const cases: [number, number][] = [
          [10_001, DAY],
          [10_000, DAY],
          [5_000, 0],
          [5_000, 4 * 365 * DAY + 1],
        ];
        for (const [bps, duration] of cases) {
          await expect(deployWith(c, 0, bps, duration, admin.address))
            .to.be.revertedWithCustomError(distributor, "RewardsInvalidVesting")
            .withArgs(bps, duration);
        }
        await expect(deployWith(c, 0, 0, 4 * 365 * DAY, admin.address)).to.not.be.reverted;
      });
    });
  });

  describe("#notifyFunding", function () {
    it("records funding per epoch and emits EpochFunded", async function () {
      const { controller, distributor } = await loadFixture(deploySystemFixture);
      const d = await distributor.getAddress();
      await expect(controller.fund(d, 0, E(100)))
        .to.emit(distributor, "EpochFunded")
        .withArgs(0, E(100));
      await controller.fund(d, 0, E(5));
      await controller.fund(d, 3, E(7));
      expect(await distributor.fundingOf(0)).to.equal(E(105));
      expect(await distributor.fundingOf(3)).to.equal(E(7));
      // Nothing is posted yet, so nothing counts in the budget.
      expect(await distributor.budget()).to.deep.equal([0n, 0n]);
    });

    it("counts late funding of an already-posted epoch in the budget at once", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { controller, distributor, alice } = system;
      await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: 0n }], 0n);
      await controller.fund(await distributor.getAddress(), 0, E(40));
      expect(await distributor.budget()).to.deep.equal([0n, E(40)]);
    });

    it("fails if late funding would push the funded sum past 128 bits", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { controller, distributor, alice } = system;
      await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: 0n }], E(1));
      await expect(controller.notifyOnly(await distributor.getAddress(), 0, 1n << 128n))
        .to.be.revertedWithCustomError(distributor, "RewardsAmountOverflow")
        .withArgs((1n << 128n) + E(1));
    });

    it("fails if the caller is not the controller", async function () {
      const { distributor, controller, stranger } = await loadFixture(deploySystemFixture);
      await expect(distributor.connect(stranger).notifyFunding(0, 1))
        .to.be.revertedWithCustomError(distributor, "RewardsUnauthorizedFunder")
        .withArgs(stranger.address, await controller.getAddress());
    });
  });

  describe("#postEpoch", function () {
    it("stores the root and bookkeeping, advances the cursor and emits EpochPosted", async function () {
      const { controller, distributor, oracle, alice, bob } = await loadFixture(deploySystemFixture);
      await controller.fund(await distributor.getAddress(), 0, E(100));
      await controller.setCurrentEpoch(1);
      const tree = buildRewardTree([
        { account: alice.address, cumulativeAmount: E(60) },
        { account: bob.address, cumulativeAmount: E(40) },
      ]);
      const postedAt = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(postedAt);
      await expect(signedPost(distributor.connect(oracle), 0, tree.root, E(100)))
        .to.emit(distributor, "EpochPosted")
        .withArgs(0, tree.root, E(100), postedAt + CHALLENGE_WINDOW, oracle.address);
      expect(await distributor.epochRoot(0)).to.equal(tree.root);
      expect(await distributor.epochPost(0)).to.deep.equal([E(100), BigInt(postedAt), false]);
      expect(await distributor.nextEpochToPost()).to.equal(1);
      expect(await distributor.budget()).to.deep.equal([E(100), E(100)]);
      expect(await distributor.isClaimable(0)).to.equal(false);
    });

    it("carries unposted dust forward: posted ≤ funded is checked cumulatively", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, alice } = system;
      await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: E(90) }], E(100), E(90));
      await fundAndPost(system, 1, [{ account: alice.address, cumulativeAmount: E(200) }], E(100), E(110));
      expect(await distributor.budget()).to.deep.equal([E(200), E(200)]);
    });

    it("fails if the cumulative total exceeds cumulative funding", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { controller, distributor, oracle, alice } = system;
      await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: E(90) }], E(100), E(90));
      await controller.fund(await distributor.getAddress(), 1, E(100));
      await controller.setCurrentEpoch(2);
      const root = buildRewardTree([{ account: alice.address, cumulativeAmount: E(201) }]).root;
      await expect(signedPost(distributor.connect(oracle), 1, root, E(111)))
        .to.be.revertedWithCustomError(distributor, "RewardsTotalExceedsFunding")
        .withArgs(1, E(201), E(200));
    });

    it("fails if the total would spend funding of a later epoch", async function () {
      const { controller, distributor, oracle, alice } = await loadFixture(deploySystemFixture);
      await controller.fund(await distributor.getAddress(), 1, E(1000));
      await controller.setCurrentEpoch(2);
      const root = buildRewardTree([{ account: alice.address, cumulativeAmount: 1n }]).root;
      await expect(signedPost(distributor.connect(oracle), 0, root, 1n))
        .to.be.revertedWithCustomError(distributor, "RewardsTotalExceedsFunding")
        .withArgs(0, 1n, 0n);
    });

    it("fails on a second post for the same epoch", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, oracle, alice } = system;
      const { tree } = await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: E(1) }], E(1));
      await expect(signedPost(distributor.connect(oracle), 0, tree.root, 0))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochAlreadyPosted")
        .withArgs(0, 1);
    });

    it("fails if an epoch is skipped (a future epoch before the next one)", async function () {
      const { controller, distributor, oracle } = await loadFixture(deploySystemFixture);
      await controller.setCurrentEpoch(10);
      await expect(signedPost(distributor.connect(oracle), 2, ethers.id("root"), 0))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochOutOfOrder")
        .withArgs(2, 0);
    });

    it("fails for the current (not yet ended) epoch", async function () {
      const { controller, distributor, oracle } = await loadFixture(deploySystemFixture);
      await expect(signedPost(distributor.connect(oracle), 0, ethers.id("root"), 0))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochNotEnded")
        .withArgs(0, 0);
      await controller.setCurrentEpoch(1);
      await signedPost(distributor.connect(oracle), 0, ethers.id("root"), 0);
      await expect(signedPost(distributor.connect(oracle), 1, ethers.id("root"), 0))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochNotEnded")
        .withArgs(1, 1);
    });

    it("fails on a zero root", async function () {
      const { controller, distributor, oracle } = await loadFixture(deploySystemFixture);
      await controller.setCurrentEpoch(1);
      await expect(distributor.connect(oracle).postEpoch(0, ZeroHash, 0, []))
        .to.be.revertedWithCustomError(distributor, "RewardsZeroRoot")
        .withArgs(0);
    });

    it("fails if funding through the epoch does not fit in 128 bits", async function () {
      const { controller, distributor, oracle } = await loadFixture(deploySystemFixture);
      const d = await distributor.getAddress();
      await controller.notifyOnly(d, 0, 1n << 200n);
      await controller.setCurrentEpoch(1);
      await expect(signedPost(distributor.connect(oracle), 0, ethers.id("root"), 1n))
        .to.be.revertedWithCustomError(distributor, "RewardsAmountOverflow")
        .withArgs(1n << 200n);
    });

    it("packs the pause flag, the cursor and the latest post time in one storage slot", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, pauser, alice } = system;
      const { postedAt } = await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: 1n }], E(1));
      await distributor.connect(pauser).pause();
      // AccessControl's `_roles` is slot 0, EIP712's name and version fallbacks slots 1 and 2; slot 3 = _paused
      // (byte 0) | _nextEpochToPost (8 bytes) | _latestPostedAt (8 bytes) | _oracleThreshold (1 byte).
      const slot = BigInt(await ethers.provider.getStorage(await distributor.getAddress(), 3));
      expect(slot).to.equal(1n | (1n << 8n) | (BigInt(postedAt) << 72n) | (BigInt(ORACLE_THRESHOLD) << 136n));
    });

    describe("k-of-n oracle signatures", function () {
      async function readyFixture() {
        const system = await deploySystemFixture();
        await system.controller.setCurrentEpoch(1);
        return { ...system, root: ethers.id("root") };
      }

      it("accepts 3 of the 5 members' signatures in any order, sent by anyone", async function () {
        const { distributor, stranger, root } = await loadFixture(readyFixture);
        const signatures = await oracleSignatures(distributor, 0, root, 0, [
          ORACLE_MEMBERS[4],
          ORACLE_MEMBERS[1],
          ORACLE_MEMBERS[2],
        ]);
        const at = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(at);
        await expect(distributor.connect(stranger).postEpoch(0, root, 0, signatures))
          .to.emit(distributor, "EpochPosted")
          .withArgs(0, root, 0, at + CHALLENGE_WINDOW, stranger.address);
        expect(await distributor.oracleMembers()).to.deep.equal(ORACLE_MEMBERS.map((m) => m.address));
        expect(await distributor.oracleThreshold()).to.equal(ORACLE_THRESHOLD);
      });

      it("signs the digest the contract computes (protocol/oracleSignatures is its twin)", async function () {
        const { distributor, root } = await loadFixture(readyFixture);
        const { chainId } = await ethers.provider.getNetwork();
        const domain = rewardsDomain(chainId, await distributor.getAddress());
        expect(await distributor.epochRootDigest(3, root, 7n)).to.equal(
          epochRootDigest(domain, { epoch: 3n, root, total: 7n }),
        );
        expect(await distributor.EPOCH_ROOT_TYPEHASH()).to.equal(
          ethers.id("EpochRoot(uint256 epoch,bytes32 root,uint256 total)"),
        );
      });

      it("fails with fewer signatures than the threshold", async function () {
        const { distributor, root } = await loadFixture(readyFixture);
        const two = await oracleSignatures(distributor, 0, root, 0, ORACLE_MEMBERS.slice(0, 2));
        await expect(distributor.postEpoch(0, root, 0, two))
          .to.be.revertedWithCustomError(distributor, "RewardsTooFewSignatures")
          .withArgs(2, ORACLE_THRESHOLD);
      });

      it("fails on two signatures of one member", async function () {
        const { distributor, root } = await loadFixture(readyFixture);
        const [a, b] = await oracleSignatures(distributor, 0, root, 0, ORACLE_MEMBERS.slice(0, 2));
        await expect(distributor.postEpoch(0, root, 0, [a, b, a]))
          .to.be.revertedWithCustomError(distributor, "RewardsDuplicateSigner")
          .withArgs(ORACLE_MEMBERS[0].address);
      });

      it("fails on a non-member's signature, and on a member's signature of other data, chain or contract", async function () {
        const { distributor, root, stranger } = await loadFixture(readyFixture);
        const outsider = labelledWallet("not-an-oracle");
        const [a, b] = await oracleSignatures(distributor, 0, root, 0, ORACLE_MEMBERS.slice(0, 2));
        const [c] = await oracleSignatures(distributor, 0, root, 0, [outsider]);
        await expect(distributor.postEpoch(0, root, 0, [a, b, c]))
          .to.be.revertedWithCustomError(distributor, "RewardsSignerNotMember")
          .withArgs(outsider.address);
        // A member's signature over another total, chain or distributor recovers to some other address.
        const { chainId } = await ethers.provider.getNetwork();
        const wrong = [
          await signEpochRoot(ORACLE_MEMBERS[2], rewardsDomain(chainId, await distributor.getAddress()), {
            epoch: 0n,
            root,
            total: 1n,
          }),
          await signEpochRoot(ORACLE_MEMBERS[2], rewardsDomain(chainId + 1n, await distributor.getAddress()), {
            epoch: 0n,
            root,
            total: 0n,
          }),
          await signEpochRoot(ORACLE_MEMBERS[2], rewardsDomain(chainId, stranger.address), {
            epoch: 0n,
            root,
            total: 0n,
          }),
        ];
        for (const signature of wrong) {
          await expect(distributor.postEpoch(0, root, 0, [a, b, signature])).to.be.revertedWithCustomError(
            distributor,
            "RewardsSignerNotMember",
          );
        }
      });

      it("fails on a malformed signature, naming its index", async function () {
        const { distributor, root } = await loadFixture(readyFixture);
        const [a, b] = await oracleSignatures(distributor, 0, root, 0, ORACLE_MEMBERS.slice(0, 2));
        await expect(distributor.postEpoch(0, root, 0, [a, "0x1234", b]))
          .to.be.revertedWithCustomError(distributor, "RewardsInvalidSignature")
          .withArgs(1);
      });

      it("refuses to post a revoked (epoch, root, total) again with its old signatures", async function () {
        const system = await loadFixture(deploySystemFixture);
        const { distributor, guardian, alice } = system;
        const { tree } = await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: E(9) }], E(9));
        const replay = await oracleSignatures(distributor, 0, tree.root, E(9));
        await distributor.connect(guardian).revokeEpoch(0);
        await expect(distributor.postEpoch(0, tree.root, E(9), replay))
          .to.be.revertedWithCustomError(distributor, "RewardsPostRevoked")
          .withArgs(0, tree.root, E(9));
      });
    });
  });

  describe("#setOracleSet", function () {
    it("replaces the set and threshold (admin only); old members' signatures stop counting", async function () {
      const { distributor, controller, admin, stranger } = await loadFixture(deploySystemFixture);
      const next = [ORACLE_MEMBERS[3].address, ORACLE_MEMBERS[4].address, labelledWallet("oracle-5").address];
      await expect(distributor.connect(admin).setOracleSet(next, 2))
        .to.emit(distributor, "OracleSetUpdated")
        .withArgs(next, 2);
      expect(await distributor.oracleMembers()).to.deep.equal(next);
      expect(await distributor.oracleThreshold()).to.equal(2);
      await controller.setCurrentEpoch(1);
      const root = ethers.id("root");
      await expect(distributor.postEpoch(0, root, 0, await oracleSignatures(distributor, 0, root, 0)))
        .to.be.revertedWithCustomError(distributor, "RewardsSignerNotMember")
        .withArgs(ORACLE_MEMBERS[0].address);
      await distributor.postEpoch(
        0,
        root,
        0,
        await oracleSignatures(distributor, 0, root, 0, ORACLE_MEMBERS.slice(3, 5)),
      );
      await expect(distributor.connect(stranger).setOracleSet(next, 1))
        .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, ZeroHash);
    });

    it("fails on a no-op and on an invalid set", async function () {
      const { distributor, admin } = await loadFixture(deploySystemFixture);
      const members = ORACLE_MEMBERS.map((m) => m.address);
      await expect(distributor.connect(admin).setOracleSet(members, ORACLE_THRESHOLD)).to.be.revertedWithCustomError(
        distributor,
        "RewardsOracleSetUnchanged",
      );
      await distributor.connect(admin).setOracleSet(members.slice(0, 4), ORACLE_THRESHOLD);
      await distributor.connect(admin).setOracleSet(members.slice(0, 4), 4);
      // Same size, one member swapped: a change.
      await distributor.connect(admin).setOracleSet([...members.slice(0, 3), members[4]], 4);
      expect(await distributor.oracleMembers()).to.deep.equal([...members.slice(0, 3), members[4]]);
      await expect(distributor.connect(admin).setOracleSet([...members.slice(0, 4), members[0]], 2))
        .to.be.revertedWithCustomError(distributor, "RewardsDuplicateOracleMember")
        .withArgs(members[0]);
      await expect(distributor.connect(admin).setOracleSet(members, 0))
        .to.be.revertedWithCustomError(distributor, "RewardsInvalidOracleSet")
        .withArgs(5, 0, 32);
    });
  });

  describe("#revokeEpoch", function () {
    it("revokes the latest epoch in its window, rewinds the cursor and the budget; it can be posted again", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, guardian, oracle, alice } = system;
      const { tree: bad, postedAt } = await fundAndPost(
        system,
        0,
        [{ account: alice.address, cumulativeAmount: E(100) }],
        E(100),
      );
      await expect(distributor.connect(guardian).revokeEpoch(0))
        .to.emit(distributor, "EpochRevoked")
        .withArgs(0, bad.root, guardian.address);
      expect(await distributor.nextEpochToPost()).to.equal(0);
      expect(await distributor.budget()).to.deep.equal([0n, 0n]);
      expect((await distributor.epochPost(0)).revoked).to.equal(true);

      await time.increaseTo(postedAt + CHALLENGE_WINDOW);
      expect(await distributor.isClaimable(0)).to.equal(false);
      await expect(distributor.claim(0, alice.address, E(100), bad.claimOf(alice.address).proof))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochRevoked")
        .withArgs(0);

      const good = buildRewardTree([{ account: alice.address, cumulativeAmount: E(80) }]);
      await signedPost(distributor.connect(oracle), 0, good.root, E(80));
      expect(await distributor.epochPost(0)).to.include.members([E(80), false]);
      expect(await distributor.budget()).to.deep.equal([E(80), E(100)]);
      await time.increase(CHALLENGE_WINDOW);
      await distributor.claim(0, alice.address, E(80), good.claimOf(alice.address).proof);
      expect(await system.token.balanceOf(alice.address)).to.equal(E(80));
    });

    it("can walk back several epochs that are all still in their windows", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, guardian, alice } = system;
      const leaves = [{ account: alice.address, cumulativeAmount: 1n }];
      await fundAndPost(system, 0, leaves, E(1));
      await fundAndPost(system, 1, leaves, E(1), 0n);
      await distributor.connect(guardian).revokeEpoch(1);
      await distributor.connect(guardian).revokeEpoch(0);
      expect(await distributor.nextEpochToPost()).to.equal(0);
      expect(await distributor.budget()).to.deep.equal([0n, 0n]);
    });

    it("keeps earlier epochs claimable after revoking the latest", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, guardian, alice } = system;
      const first = await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: E(5) }], E(5));
      await time.increaseTo(first.postedAt + CHALLENGE_WINDOW);
      await fundAndPost(system, 1, [{ account: alice.address, cumulativeAmount: E(9) }], E(4));
      await distributor.connect(guardian).revokeEpoch(1);
      expect(await distributor.isClaimable(0)).to.equal(true);
      await expect(distributor.claim(1, alice.address, E(9), []))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochRevoked")
        .withArgs(1);
      await distributor.claim(0, alice.address, E(5), first.tree.claimOf(alice.address).proof);
      expect(await distributor.claimed(alice.address)).to.equal(E(5));
    });

    it("fails for an epoch other than the latest posted one", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, guardian, alice } = system;
      await expect(distributor.connect(guardian).revokeEpoch(0))
        .to.be.revertedWithCustomError(distributor, "RewardsNotLatestEpoch")
        .withArgs(0, 0);
      const leaves = [{ account: alice.address, cumulativeAmount: 1n }];
      await fundAndPost(system, 0, leaves, E(1));
      await fundAndPost(system, 1, leaves, E(1), 0n);
      await expect(distributor.connect(guardian).revokeEpoch(0))
        .to.be.revertedWithCustomError(distributor, "RewardsNotLatestEpoch")
        .withArgs(0, 2);
    });

    it("fails once the challenge window has closed", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, guardian, alice } = system;
      const { postedAt } = await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: 1n }], E(1));
      await time.setNextBlockTimestamp(postedAt + CHALLENGE_WINDOW);
      await expect(distributor.connect(guardian).revokeEpoch(0))
        .to.be.revertedWithCustomError(distributor, "RewardsChallengeWindowClosed")
        .withArgs(0, postedAt + CHALLENGE_WINDOW);
    });

    it("is never possible with a zero challenge window", async function () {
      const system = await loadFixture(deployNoWindowFixture);
      const { distributor, guardian, alice } = system;
      const { postedAt } = await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: 1n }], E(1));
      await expect(distributor.connect(guardian).revokeEpoch(0))
        .to.be.revertedWithCustomError(distributor, "RewardsChallengeWindowClosed")
        .withArgs(0, postedAt);
    });

    it("fails if the caller lacks GUARDIAN_ROLE", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, oracle, alice } = system;
      await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: 1n }], E(1));
      await expect(distributor.connect(oracle).revokeEpoch(0))
        .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
        .withArgs(oracle.address, await distributor.GUARDIAN_ROLE());
    });
  });

  describe("#claim", function () {
    async function postedFixture() {
      const system = await deploySystemFixture();
      const { alice, bob } = system;
      const posted = await fundAndPost(
        system,
        0,
        [
          { account: alice.address, cumulativeAmount: E(60) },
          { account: bob.address, cumulativeAmount: E(40) },
        ],
        E(100),
      );
      await time.increaseTo(posted.postedAt + CHALLENGE_WINDOW);
      return { ...system, ...posted };
    }

    it("pays the account its cumulative amount and emits Claimed", async function () {
      const { distributor, token, alice, tree } = await loadFixture(postedFixture);
      const { proof } = tree.claimOf(alice.address);
      const tx = distributor.connect(alice).claim(0, alice.address, E(60), proof);
      await expect(tx).to.emit(distributor, "Claimed").withArgs(alice.address, 0, E(60), E(60));
      await expect(tx).to.changeTokenBalances(token, [alice, distributor], [E(60), -E(60)]);
      expect(await distributor.claimed(alice.address)).to.equal(E(60));
    });

    it("pays the account, not the caller, when someone else submits", async function () {
      const { distributor, token, alice, stranger, tree } = await loadFixture(postedFixture);
      const { proof } = tree.claimOf(alice.address);
      await expect(distributor.connect(stranger).claim(0, alice.address, E(60), proof)).to.changeTokenBalances(
        token,
        [alice, stranger],
        [E(60), 0n],
      );
    });

    it("fails on a second claim of the same amount", async function () {
      const { distributor, alice, tree } = await loadFixture(postedFixture);
      const { proof } = tree.claimOf(alice.address);
      await distributor.claim(0, alice.address, E(60), proof);
      await expect(distributor.claim(0, alice.address, E(60), proof))
        .to.be.revertedWithCustomError(distributor, "RewardsNothingToClaim")
        .withArgs(alice.address, E(60), E(60));
    });

    it("fails on a wrong proof, a wrong amount or another account's proof", async function () {
      const { distributor, alice, bob, tree } = await loadFixture(postedFixture);
      const aliceProof = tree.claimOf(alice.address).proof;
      const bobProof = tree.claimOf(bob.address).proof;
      await expect(distributor.claim(0, alice.address, E(61), aliceProof))
        .to.be.revertedWithCustomError(distributor, "RewardsInvalidProof")
        .withArgs(0, alice.address, E(61));
      await expect(distributor.claim(0, alice.address, E(40), bobProof))
        .to.be.revertedWithCustomError(distributor, "RewardsInvalidProof")
        .withArgs(0, alice.address, E(40));
      await expect(distributor.claim(0, alice.address, E(60), [ethers.id("junk")]))
        .to.be.revertedWithCustomError(distributor, "RewardsInvalidProof")
        .withArgs(0, alice.address, E(60));
    });

    it("fails during the challenge window and succeeds from its end", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, alice } = system;
      const { tree, postedAt } = await fundAndPost(
        system,
        0,
        [{ account: alice.address, cumulativeAmount: E(5) }],
        E(5),
      );
      const { proof } = tree.claimOf(alice.address);
      await time.setNextBlockTimestamp(postedAt + CHALLENGE_WINDOW - 1);
      await expect(distributor.claim(0, alice.address, E(5), proof))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochInChallengeWindow")
        .withArgs(0, postedAt + CHALLENGE_WINDOW);
      await time.setNextBlockTimestamp(postedAt + CHALLENGE_WINDOW);
      await expect(distributor.claim(0, alice.address, E(5), proof)).to.emit(distributor, "Claimed");
    });

    it("accepts an older epoch whose window is over while a newer post is still in its window", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, alice } = system;
      const leaves = [{ account: alice.address, cumulativeAmount: E(5) }];
      const first = await fundAndPost(system, 0, leaves, E(5));
      await time.increaseTo(first.postedAt + CHALLENGE_WINDOW);
      const second = await fundAndPost(system, 1, [{ account: alice.address, cumulativeAmount: E(9) }], E(4));
      expect(await distributor.isClaimable(0)).to.equal(true);
      expect(await distributor.isClaimable(1)).to.equal(false);
      await expect(distributor.claim(1, alice.address, E(9), second.tree.claimOf(alice.address).proof))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochInChallengeWindow")
        .withArgs(1, second.postedAt + CHALLENGE_WINDOW);
      await distributor.claim(0, alice.address, E(5), first.tree.claimOf(alice.address).proof);
      expect(await distributor.claimed(alice.address)).to.equal(E(5));
      // Once epoch 1's window is over, epoch 0 is superseded.
      await time.increaseTo(second.postedAt + CHALLENGE_WINDOW);
      expect(await distributor.isClaimable(0)).to.equal(false);
      expect(await distributor.isClaimable(1)).to.equal(true);
      await expect(distributor.claim(0, alice.address, E(5), first.tree.claimOf(alice.address).proof))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochSuperseded")
        .withArgs(0, 1);
    });

    it("supersedes an older epoch that is claimable when the one after it is too (three posts in one window)", async function () {
      const system = await loadFixture(deploySystemFixture);
      const { distributor, alice } = system;
      const first = await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: E(5) }], E(5));
      await fundAndPost(system, 1, [{ account: alice.address, cumulativeAmount: E(6) }], E(1));
      const third = await fundAndPost(system, 2, [{ account: alice.address, cumulativeAmount: E(7) }], E(1));
      await time.increaseTo(third.postedAt + CHALLENGE_WINDOW - 2);
      // Epochs 0 and 1 are out of their windows, epoch 2 is not: only epoch 1 pays.
      expect(await distributor.isClaimable(0)).to.equal(false);
      expect(await distributor.isClaimable(1)).to.equal(true);
      expect(await distributor.isClaimable(2)).to.equal(false);
      await expect(distributor.claim(0, alice.address, E(5), first.tree.claimOf(alice.address).proof))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochSuperseded")
        .withArgs(0, 1);
    });

    it("is claimable at once with a zero challenge window", async function () {
      const system = await loadFixture(deployNoWindowFixture);
      const { distributor, alice } = system;
      const { tree } = await fundAndPost(system, 0, [{ account: alice.address, cumulativeAmount: E(5) }], E(5));
      expect(await distributor.isClaimable(0)).to.equal(true);
      await distributor.claim(0, alice.address, E(5), tree.claimOf(alice.address).proof);
      expect(await distributor.claimed(alice.address)).to.equal(E(5));
    });

    it("fails for an epoch that was never posted", async function () {
      const { distributor, alice } = await loadFixture(postedFixture);
      await expect(distributor.claim(7, alice.address, 1n, []))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochNotPosted")
        .withArgs(7);
    });

    it("covers any number of epochs with one proof and pays only the new part", async function () {
      const system = await loadFixture(postedFixture);
      const { distributor, token, alice, bob, tree } = system;
      await distributor.claim(0, alice.address, E(60), tree.claimOf(alice.address).proof);
      // Epochs 1 and 2 credit more; alice claims once against epoch 2, bob (who never claimed) too.
      await fundAndPost(
        system,
        1,
        [
          { account: alice.address, cumulativeAmount: E(110) },
          { account: bob.address, cumulativeAmount: E(90) },
        ],
        E(100),
      );
      const { tree: tree2, postedAt } = await fundAndPost(
        system,
        2,
        [
          { account: alice.address, cumulativeAmount: E(170) },
          { account: bob.address, cumulativeAmount: E(130) },
        ],
        E(100),
      );
      await time.increaseTo(postedAt + CHALLENGE_WINDOW);
      await expect(distributor.claim(2, alice.address, E(170), tree2.claimOf(alice.address).proof))
        .to.emit(distributor, "Claimed")
        .withArgs(alice.address, 2, E(110), E(170));
      await distributor.claim(2, bob.address, E(130), tree2.claimOf(bob.address).proof);
      expect(await token.balanceOf(alice.address)).to.equal(E(170));
      expect(await token.balanceOf(bob.address)).to.equal(E(130));
      // An older root is superseded once a newer one is claimable; the newest pays nothing more.
      await expect(distributor.claim(0, alice.address, E(60), tree.claimOf(alice.address).proof))
        .to.be.revertedWithCustomError(distributor, "RewardsEpochSuperseded")
        .withArgs(0, 2);
      await expect(distributor.claim(2, alice.address, E(170), tree2.claimOf(alice.address).proof))
        .to.be.revertedWithCustomError(distributor, "RewardsNothingToClaim")
        .withArgs(alice.address, E(170), E(170));
      // Invariant: claimed ≤ posted ≤ funded, and the distributor holds the difference.
      const [posted, funded] = await distributor.budget();
      expect(posted).to.equal(E(300));
      expect(funded).to.equal(E(300));
      expect(await token.balanceOf(await distributor.getAddress())).to.equal(funded - E(300));
    });

    it("fails while paused", async function () {
      const { distributor, pauser, alice, tree } = await loadFixture(postedFixture);
      await distributor.connect(pauser).pause();
      await expect(
        distributor.claim(0, alice.address, E(60), tree.claimOf(alice.address).proof),
      ).to.be.revertedWithCustomError(distributor, "EnforcedPause");
    });
  });

  describe("#pause / #unpause", function () {
    it("lets the pauser pause and unpause, with events", async function () {
      const { distributor, pauser } = await loadFixture(deploySystemFixture);
      await expect(distributor.connect(pauser).pause()).to.emit(distributor, "Paused").withArgs(pauser.address);
      expect(await distributor.paused()).to.equal(true);
      await expect(distributor.connect(pauser).unpause()).to.emit(distributor, "Unpaused").withArgs(pauser.address);
    });

    it("fails for the admin (the pauser role is separate) and for no-ops", async function () {
      const { distributor, admin, pauser } = await loadFixture(deploySystemFixture);
      const role = await distributor.PAUSER_ROLE();
      await expect(distributor.connect(admin).pause())
        .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, role);
      await expect(distributor.connect(pauser).unpause()).to.be.revertedWithCustomError(distributor, "ExpectedPause");
      await distributor.connect(pauser).pause();
      await expect(distributor.connect(admin).unpause())
        .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, role);
      await expect(distributor.connect(pauser).pause()).to.be.revertedWithCustomError(distributor, "EnforcedPause");
    });
  });

  describe("re-entrancy", function () {
    /** Distributor over a token whose transfer calls the receiver back (ERC-777 style); DePINToken has no hook. */
    async function hookedFixture() {
      const [admin, oracle] = await ethers.getSigners();
      const hooked: MockHookedToken = await ethers.deployContract("MockHookedToken");
      const controller = await ethers.deployContract("MockEmissionController", [await hooked.getAddress(), TOKEN_CAP]);
      const distributor: RewardDistributor = await ethers.deployContract("RewardDistributor", [
        await controller.getAddress(),
        0,
        10_000,
        0,
        admin.address,
        ORACLE_MEMBERS.map((m) => m.address),
        ORACLE_THRESHOLD,
      ]);
      const claimer: ReentrantClaimer = await ethers.deployContract("ReentrantClaimer", [
        await distributor.getAddress(),
      ]);
      await hooked.setHookedReceiver(await claimer.getAddress());
      const tree = buildRewardTree([{ account: await claimer.getAddress(), cumulativeAmount: E(10) }]);
      await hooked.mint(await distributor.getAddress(), E(100));
      await controller.notifyOnly(await distributor.getAddress(), 0, E(100));
      await controller.setCurrentEpoch(1);
      await signedPost(distributor.connect(oracle), 0, tree.root, E(10));
      return { hooked, distributor, claimer, tree };
    }

    it("a receiver that re-claims from the transfer hook gets paid once (claimed is written before paying)", async function () {
      const { hooked, distributor, claimer, tree } = await loadFixture(hookedFixture);
      const account = await claimer.getAddress();
      const { proof } = tree.claimOf(account);
      await claimer.arm(0, E(10), proof);
      await distributor.claim(0, account, E(10), proof);
      expect(await hooked.balanceOf(account)).to.equal(E(10));
      expect(await claimer.payouts()).to.equal(1);
      expect(await claimer.reentrySucceeded()).to.equal(false);
      const expected = distributor.interface.encodeErrorResult("RewardsNothingToClaim", [account, E(10), E(10)]);
      expect(await claimer.reentryError()).to.equal(expected);
    });
  });
});
