import { ethers } from "hardhat";
import { ZeroAddress, parseEther } from "ethers";
import { DePINToken__factory, MockEmissionController, RewardDistributor } from "../../typechain-types";
import { RewardLeaf, buildRewardTree, StandardRewardTree } from "../../protocol/merkle";

export const DAY = 24 * 60 * 60;
export const CHALLENGE_WINDOW = DAY;
export const TOKEN_CAP = parseEther("1000000000");

export interface DistributorParams {
  challengeWindow: number;
  immediateBps: number;
  vestingDuration: number;
}

/** Deploys a mock controller (which deploys the token), the distributor, and grants each role to its own signer. */
export async function deployDistributor(params: DistributorParams) {
  const [admin, oracle, guardian, pauser, alice, bob, carol, stranger] = await ethers.getSigners();
  const controller: MockEmissionController = await ethers.deployContract("MockEmissionController", [
    ZeroAddress,
    TOKEN_CAP,
  ]);
  const token = DePINToken__factory.connect(await controller.token(), admin);
  const distributor: RewardDistributor = await ethers.deployContract("RewardDistributor", [
    await controller.getAddress(),
    params.challengeWindow,
    params.immediateBps,
    params.vestingDuration,
    admin.address,
  ]);
  await distributor.grantRole(await distributor.ORACLE_ROLE(), oracle.address);
  await distributor.grantRole(await distributor.GUARDIAN_ROLE(), guardian.address);
  await distributor.grantRole(await distributor.PAUSER_ROLE(), pauser.address);
  return { admin, oracle, guardian, pauser, alice, bob, carol, stranger, controller, token, distributor, params };
}

/** No vesting, a one-day challenge window. */
export async function deploySystemFixture() {
  return deployDistributor({ challengeWindow: CHALLENGE_WINDOW, immediateBps: 10_000, vestingDuration: 0 });
}

/** No challenge window: roots are claimable at once and can never be revoked. */
export async function deployNoWindowFixture() {
  return deployDistributor({ challengeWindow: 0, immediateBps: 10_000, vestingDuration: 0 });
}

/** Filecoin-like vesting: 25% at once, 75% linear over 180 days. */
export const VESTING = { immediateBps: 2_500, vestingDuration: 180 * DAY };
export async function deployVestingFixture() {
  return deployDistributor({ challengeWindow: CHALLENGE_WINDOW, ...VESTING });
}

type System = Awaited<ReturnType<typeof deployDistributor>>;

/**
 * Funds `epoch` with `funding`, makes it ended, posts the tree of `leaves` with `total` (default: `funding`).
 * Returns the tree and the post's timestamp.
 */
export async function fundAndPost(
  system: System,
  epoch: number,
  leaves: RewardLeaf[],
  funding: bigint,
  total: bigint = funding,
): Promise<{ tree: StandardRewardTree; postedAt: number }> {
  const { controller, distributor, oracle } = system;
  if (funding > 0n) await controller.fund(await distributor.getAddress(), epoch, funding);
  if ((await controller.currentEpoch()) <= BigInt(epoch)) await controller.setCurrentEpoch(epoch + 1);
  const tree = buildRewardTree(leaves);
  const tx = await distributor.connect(oracle).postEpoch(epoch, tree.root, total);
  const block = await tx.getBlock();
  return { tree, postedAt: block!.timestamp };
}
