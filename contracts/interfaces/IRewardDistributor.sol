// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Amounts and times in events are read, not filtered on: only ids and actors are indexed.
// solhint-disable gas-indexed-events

/// @title IRewardDistributor
/// @notice Pays device rewards from per-epoch merkle roots of cumulative amounts.
///
/// Flow per epoch e: the emission controller mints e's device pool to this contract and calls `notifyFunding(e, x)`;
/// after e has ended anyone submits `postEpoch(e, root, total, signatures)` carrying the EIP-712 signatures of `m`
/// distinct members of the oracle set (`oracleMembers`, `oracleThreshold`; set by the admin, i.e. the timelock) over
/// `EpochRoot(uint256 epoch,bytes32 root,uint256 total)` under this contract's domain (name "DePIN Lab Rewards",
/// version "1", chain id, this address); the root becomes claimable `challengeWindow` seconds
/// later unless a guardian revokes it first; then `claim` pays an account its cumulative amount, proven under the
/// NEWEST claimable root only, minus what it was already paid. A root is superseded as soon as a later one is
/// claimable, so a corrected (lower) leaf can never be claimed under the older root. One claim covers any number of
/// epochs. Without vesting anyone may claim for an account (tokens always go to the account); with vesting a claim
/// restarts the account's stream, so only the account or a claimer it approved (`setClaimer`) may claim for it.
///
/// Leaves are OpenZeppelin `StandardMerkleTree` leaves of `(address account, uint256 cumulativeAmount)`:
/// `keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))))`; `protocol/merkle.ts` builds them.
///
/// Budget rule (cumulative): when epoch e is posted, the sum of posted totals of epochs 0..e must not exceed the sum
/// of funding notified so far for epochs 0..e. Rounding dust the oracle leaves unpaid in one epoch can therefore be
/// paid in a later epoch, but no epoch can spend funding of a later epoch.
///
/// Optional vesting (fixed at deploy): of each newly claimed amount, `immediateBps` / 10000 (rounded down) is paid
/// at once and the rest is locked and vests linearly over `vestingDuration`. An account has one stream
/// `(locked, start, end)`. A new claim first pays what has vested so far, then restarts the stream from now over the
/// full `vestingDuration` with the unvested remainder plus the new locked part. Consequence: no token ever vests
/// earlier than it would in its own stream from its claim time; tokens already locked may vest later when a new
/// claim is merged in (the price of one slot per account). `release` pays what has vested without moving the end.
///
/// @dev Warning: the contract cannot check that a root's leaves add up to the posted `total`: it trusts `m` oracle
/// members for that (each recomputes the epoch before signing), and the challenge window with a guardian (and any
/// watcher who recomputes it) is the defence against a wrong root that `m` members signed. Claims are paid from
/// this contract's balance, which also holds locked vesting amounts, so an over-allocating root that is not revoked
/// can pay some accounts from funds meant for others.
/// @dev Warning: a root posted with cumulative amounts lower than an account has already been paid pays that
/// account nothing until its cumulative amount passes what it was paid; funds are never clawed back.
interface IRewardDistributor {
    /// @notice Bookkeeping of one posted epoch, packed in one storage slot (the root lives in another).
    /// @param total Rewards added by this epoch, in wei.
    /// @param postedAt Timestamp of the post; 0 if the epoch was never posted.
    /// @param revoked Whether a guardian revoked this post (the epoch can then be posted again).
    struct EpochPost {
        uint128 total;
        uint64 postedAt;
        bool revoked;
    }

    /// @notice An account's vesting stream, packed in one storage slot.
    /// @param locked Amount still locked at `start`; it vests linearly until `end`.
    /// @param start Time the stream (re)started: the last claim or release.
    /// @param end Time at which everything is vested.
    struct VestingStream {
        uint128 locked;
        uint64 start;
        uint64 end;
    }

    /// @notice A zero controller, admin or oracle member address, or a controller whose token is zero.
    error RewardsZeroAddress();
    /// @notice An oracle set with more than `maxMembers` members, a zero threshold or one above the set's size.
    error RewardsInvalidOracleSet(uint256 members, uint256 threshold, uint256 maxMembers);
    /// @notice An oracle set lists `member` twice.
    error RewardsDuplicateOracleMember(address member);
    /// @notice `setOracleSet` with the set and threshold already in force.
    error RewardsOracleSetUnchanged();
    /// @notice `postEpoch` with fewer signatures than the oracle threshold.
    error RewardsTooFewSignatures(uint256 provided, uint256 threshold);
    /// @notice Signature number `index` of `postEpoch` is malformed.
    error RewardsInvalidSignature(uint256 index);
    /// @notice A `postEpoch` signature recovers to `signer`, who is not in the oracle set (or signed other data).
    error RewardsSignerNotMember(address signer);
    /// @notice Two `postEpoch` signatures of the same member.
    error RewardsDuplicateSigner(address signer);
    /// @notice `postEpoch` of an (epoch, root, total) a guardian revoked: its signatures are spent for good.
    error RewardsPostRevoked(uint256 epoch, bytes32 root, uint256 total);
    /// @notice The challenge window is longer than `MAX_CHALLENGE_WINDOW`.
    error RewardsChallengeWindowTooLong(uint256 challengeWindow, uint256 maxChallengeWindow);
    /// @notice Vesting parameters are inconsistent: `immediateBps` above 10000, a duration with `immediateBps` 10000,
    /// no duration with `immediateBps` below 10000, or a duration above `MAX_VESTING_DURATION`.
    error RewardsInvalidVesting(uint256 immediateBps, uint256 vestingDuration);
    /// @notice `notifyFunding` was called by an account other than the emission controller.
    error RewardsUnauthorizedFunder(address caller, address controller);
    /// @notice `postEpoch` for an epoch below the next one to post (already posted).
    error RewardsEpochAlreadyPosted(uint256 epoch, uint256 nextEpochToPost);
    /// @notice `postEpoch` skipped epochs: epochs are posted in order 0, 1, 2, …
    error RewardsEpochOutOfOrder(uint256 epoch, uint256 nextEpochToPost);
    /// @notice `postEpoch` for an epoch that has not ended (`epoch >= currentEpoch`).
    error RewardsEpochNotEnded(uint256 epoch, uint256 currentEpoch);
    /// @notice `postEpoch` with a zero root.
    error RewardsZeroRoot(uint256 epoch);
    /// @notice Posting `epoch` would make posted totals through it exceed funding through it.
    error RewardsTotalExceedsFunding(uint256 epoch, uint256 postedThroughEpoch, uint256 fundedThroughEpoch);
    /// @notice A sum does not fit the packed storage: posted totals and vesting streams must stay below 2^128 wei.
    error RewardsAmountOverflow(uint256 amount);
    /// @notice `revokeEpoch` of an epoch that is not the latest posted one.
    error RewardsNotLatestEpoch(uint256 epoch, uint256 nextEpochToPost);
    /// @notice `revokeEpoch` after the epoch's challenge window closed.
    error RewardsChallengeWindowClosed(uint256 epoch, uint256 claimableAt);
    /// @notice `claim` against an epoch that was never posted.
    error RewardsEpochNotPosted(uint256 epoch);
    /// @notice `claim` against a revoked epoch.
    error RewardsEpochRevoked(uint256 epoch);
    /// @notice `claim` against an epoch still in its challenge window.
    error RewardsEpochInChallengeWindow(uint256 epoch, uint256 claimableAt);
    /// @notice `claim` against a superseded epoch: `newerEpoch` is claimable too; claim under the newest.
    error RewardsEpochSuperseded(uint256 epoch, uint256 newerEpoch);
    /// @notice With vesting on, `claimer` may not claim for `account` (not the account, not approved by it).
    error RewardsClaimerNotApproved(address account, address claimer);
    /// @notice `setClaimer` that changes nothing.
    error RewardsClaimerUnchanged(address account, address claimer);
    /// @notice The proof does not prove `(account, cumulativeAmount)` under the epoch's root.
    error RewardsInvalidProof(uint256 epoch, address account, uint256 cumulativeAmount);
    /// @notice The account has already been paid `claimed` >= `cumulativeAmount`.
    error RewardsNothingToClaim(address account, uint256 cumulativeAmount, uint256 claimed);
    /// @notice `release` for an account with nothing vested yet.
    error RewardsNothingToRelease(address account);

    /// @notice The controller funded `epoch`'s device pool with `amount`.
    event EpochFunded(uint256 indexed epoch, uint256 amount);
    /// @notice `epoch`'s root was posted (signed by the oracle set, sent by `submitter`); claimable from `claimableAt`.
    event EpochPosted(
        uint256 indexed epoch,
        bytes32 root,
        uint256 total,
        uint256 claimableAt,
        address indexed submitter
    );
    /// @notice The oracle set is now `members`, `threshold` of whom must sign each post.
    event OracleSetUpdated(address[] members, uint256 threshold);
    /// @notice A guardian revoked `epoch`'s post; the epoch is the next to post again.
    event EpochRevoked(uint256 indexed epoch, bytes32 root, address indexed guardian);
    /// @notice `account` was credited `amount` (its cumulative total is now `cumulativeAmount`) under `epoch`'s root.
    /// @dev Without vesting `amount` is transferred to `account`; with vesting see `VestingUpdated` and `Released`.
    event Claimed(address indexed account, uint256 indexed epoch, uint256 amount, uint256 cumulativeAmount);
    /// @notice `account`'s vesting stream was restarted: `locked` vests linearly from now until `end`.
    event VestingUpdated(address indexed account, uint256 locked, uint256 end);
    /// @notice `amount` of `account`'s vested rewards were paid to it.
    event Released(address indexed account, uint256 amount);
    /// @notice `account` allowed (or stopped allowing) `claimer` to claim for it when vesting is on.
    event ClaimerSet(address indexed account, address indexed claimer, bool approved);

    /// @notice Records that the controller minted `amount` to this contract as `epoch`'s device pool.
    /// @dev Only the emission controller. Funding may arrive before or after the epoch is posted; funding of an
    /// already-posted epoch counts for the next post (the cumulative budget rule).
    function notifyFunding(uint256 epoch, uint256 amount) external;

    /// @notice Posts `epoch`'s merkle root of cumulative rewards and the rewards the epoch adds (`total`), signed by
    /// `oracleThreshold` distinct oracle members. Anyone may submit.
    /// @dev Epochs are posted in order; `epoch` must have ended; the budget rule must hold; root nonzero. Only the
    /// first `oracleThreshold` signatures are checked (65-byte ECDSA over `epochRootDigest(epoch, root, total)`, in any
    /// order): `RewardsTooFewSignatures`, `RewardsInvalidSignature`, `RewardsSignerNotMember`,
    /// `RewardsDuplicateSigner`.
    /// A revoked (epoch, root, total) can never be posted again (`RewardsPostRevoked`), so its signatures are spent.
    /// @param signatures The members' signatures.
    function postEpoch(uint256 epoch, bytes32 root, uint256 total, bytes[] calldata signatures) external;

    /// @notice Replaces the oracle set and threshold. DEFAULT_ADMIN_ROLE (the timelock).
    /// @dev Needs 1 <= threshold <= members.length <= MAX_ORACLE_MEMBERS, no zero or duplicate member
    /// (`RewardsInvalidOracleSet`, `RewardsZeroAddress`, `RewardsDuplicateOracleMember`); a no-op reverts with
    /// `RewardsOracleSetUnchanged`. Signatures collected for the old set stop counting at once.
    function setOracleSet(address[] calldata members, uint256 threshold) external;

    /// @notice Revokes the latest posted epoch during its challenge window and rewinds posting to it.
    /// @dev GUARDIAN_ROLE. Call again to revoke the epoch before, if it is still in its window.
    function revokeEpoch(uint256 epoch) external;

    /// @notice Pays `account` its `cumulativeAmount` minus what it was already paid, proven under `epoch`'s root,
    /// which must be the newest claimable root.
    /// @dev Tokens always go to `account`. Without vesting anyone may call; with vesting only `account` or a claimer
    /// it approved (`RewardsClaimerNotApproved`). Reverts when paused, if the epoch is not claimable
    /// (`RewardsEpochNotPosted`, `RewardsEpochRevoked`, `RewardsEpochInChallengeWindow`) or superseded by a newer
    /// claimable epoch (`RewardsEpochSuperseded`), the proof is wrong or nothing new is owed. With vesting, part is
    /// locked (see the contract notice).
    /// @dev Warning: a claim sent just before a newer root becomes claimable reverts with `RewardsEpochSuperseded`;
    /// resend it with the newer epoch's proof.
    function claim(uint256 epoch, address account, uint256 cumulativeAmount, bytes32[] calldata proof) external;

    /// @notice Allows (or stops allowing) `claimer` to claim for the caller while vesting is on.
    /// @dev Reverts with `RewardsClaimerUnchanged` on a no-op. Without vesting anyone may claim for anyone anyway.
    function setClaimer(address claimer, bool approved) external;

    /// @notice Pays `account` what has vested in its stream; anyone may call. Reverts when paused or if zero.
    /// @return amount The amount paid.
    function release(address account) external returns (uint256 amount);

    /// @notice Stops `claim` and `release`. PAUSER_ROLE.
    function pause() external;

    /// @notice Resumes `claim` and `release`. PAUSER_ROLE.
    function unpause() external;

    /// @notice EIP-712 typehash of `EpochRoot(uint256 epoch,bytes32 root,uint256 total)`, what oracle members sign.
    function EPOCH_ROOT_TYPEHASH() external view returns (bytes32);

    /// @notice Upper bound on the size of the oracle set (32).
    function MAX_ORACLE_MEMBERS() external view returns (uint256);

    /// @notice The oracle set, in the order it was set.
    function oracleMembers() external view returns (address[] memory);

    /// @notice How many distinct members must sign a post.
    function oracleThreshold() external view returns (uint256);

    /// @notice The EIP-712 digest oracle members sign for `(epoch, root, total)` on this distributor and chain.
    function epochRootDigest(uint256 epoch, bytes32 root, uint256 total) external view returns (bytes32);

    /// @notice The role allowed to revoke a root during its challenge window.
    function GUARDIAN_ROLE() external view returns (bytes32);

    /// @notice The role allowed to pause and unpause claims.
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice Upper bound on `challengeWindow` (30 days), so a misconfiguration cannot lock rewards for long.
    function MAX_CHALLENGE_WINDOW() external view returns (uint256);

    /// @notice Upper bound on `vestingDuration` (4 × 365 days).
    function MAX_VESTING_DURATION() external view returns (uint256);

    /// @notice The emission controller, the only funder.
    function controller() external view returns (address);

    /// @notice The reward token (`controller.token()` at deploy).
    function token() external view returns (address);

    /// @notice Seconds between a post and the moment its root becomes claimable.
    function challengeWindow() external view returns (uint256);

    /// @notice Share of each claim paid at once, in basis points; 10000 means no vesting.
    function immediateBps() external view returns (uint256);

    /// @notice Duration of the linear vesting of the locked share, in seconds; 0 when vesting is off.
    function vestingDuration() external view returns (uint256);

    /// @notice The next epoch `postEpoch` accepts.
    function nextEpochToPost() external view returns (uint256);

    /// @notice Sums over epochs below `nextEpochToPost`: posted totals and notified funding.
    function budget() external view returns (uint256 postedTotal, uint256 fundedTotal);

    /// @notice Funding notified for `epoch`.
    function fundingOf(uint256 epoch) external view returns (uint256);

    /// @notice The root posted for `epoch` (kept after a revoke until the epoch is posted again); zero if none.
    function epochRoot(uint256 epoch) external view returns (bytes32);

    /// @notice The bookkeeping of `epoch`'s latest post.
    function epochPost(uint256 epoch) external view returns (EpochPost memory);

    /// @notice Whether `claim` accepts `epoch` now: posted, not revoked, challenge window over, and the newest such.
    function isClaimable(uint256 epoch) external view returns (bool);

    /// @notice Whether `claimer` may claim for `account` while vesting is on.
    function isClaimerApproved(address account, address claimer) external view returns (bool);

    /// @notice Cumulative amount credited to `account` so far (paid at once or locked).
    function claimed(address account) external view returns (uint256);

    /// @notice `account`'s vesting stream.
    function vestingOf(address account) external view returns (VestingStream memory);

    /// @notice What `release(account)` would pay now.
    function releasable(address account) external view returns (uint256);
}
