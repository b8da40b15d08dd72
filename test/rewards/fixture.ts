import { ethers } from "hardhat";
import { ZeroAddress, parseEther, type Wallet } from "ethers";
import { DePINToken__factory, MockEmissionController, RewardDistributor } from "../../typechain-types";
import { RewardLeaf, buildRewardTree, StandardRewardTree } from "../../protocol/merkle";
import { rewardsDomain, signEpochRoot } from "../../protocol/oracleSignatures";
import { labelledWallet } from "../fixtures/registryStaking";

export const DAY = 24 * 60 * 60;
export const CHALLENGE_WINDOW = DAY;
export const TOKEN_CAP = parseEther("1000000000");

/** The oracle set of the fixtures: 5 members, 3 of whom must sign each post. */
export const ORACLE_MEMBERS: Wallet[] = Array.from({ length: 5 }, (_, i) => labelledWallet(`oracle-${i}`));
export const ORACLE_THRESHOLD = 3;

/** `count` signatures of `EpochRoot(epoch, root, total)` on `distributor`, by `members` (default the first 3). */
export async function oracleSignatures(
  distributor: RewardDistributor,
  epoch: number | bigint,
  root: string,
  total: bigint | number,
  members: Wallet[] = ORACLE_MEMBERS.slice(0, ORACLE_THRESHOLD),
): Promise<string[]> {
  const { chainId } = await ethers.provider.getNetwork();
  const domain = rewardsDomain(chainId, await distributor.getAddress());
  const message = { epoch: BigInt(epoch), root, total: BigInt(total) };
  return Promise.all(members.map((m) => signEpochRoot(m, domain, message)));
}

/** Sends `postEpoch` with the signatures of `members` (default: the first 3 of the set), from the connected runner. */
export async function signedPost(
  distributor: RewardDistributor,
  epoch: number | bigint,
  root: string,
  total: bigint | number,
  members?: Wallet[],
) {
  return distributor.postEpoch(epoch, root, total, await oracleSignatures(distributor, epoch, root, total, members));
}

export interface DistributorParams {
  challengeWindow: number;
  immediateBps: number;
  vestingDuration: number;
}

/**
 * Deploys a mock controller (which deploys the token), the distributor with the fixture's oracle set, and grants
 * each role to its own signer. `oracle` is just a sender of signed posts (anyone may submit one).
 */
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
    ORACLE_MEMBERS.map((m) => m.address),
    ORACLE_THRESHOLD,
  ]);
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
  const tx = await signedPost(distributor.connect(oracle), epoch, tree.root, total);
  const block = await tx.getBlock();
  return { tree, postedAt: block!.timestamp };
}
