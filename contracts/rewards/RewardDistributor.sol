// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProofLib} from "solady/src/utils/MerkleProofLib.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IEmissionControllerView} from "../interfaces/IEmissionControllerView.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";

/// @title RewardDistributor
/// @notice Per-epoch merkle roots of cumulative rewards, a challenge window, claims and optional linear vesting.
/// @dev Storage is laid out for cheap claims (EIP712 is inherited before Pausable so that this holds): Pausable's
/// `_paused` shares one slot with the posting cursor, the latest post's time and the oracle threshold, which a claim
/// reads anyway for the pause check. Each epoch has its root in one slot and its
/// `EpochPost` in another; each account has one `claimed` slot (plus one `VestingStream` slot if vesting is on).
/// Invariants used by `claim`: every epoch below the cursor is posted and not revoked (a revoke rewinds the cursor),
/// and post times do not decrease with the epoch (posts are in order). So once the latest post's window is over,
/// only the latest posted epoch is claimable, and a claim then reads only the global slot, the root and the account's
/// slot.
contract RewardDistributor is IRewardDistributor, AccessControl, EIP712, Pausable {
    using SafeERC20 for IERC20;

    // An EIP-712 type string is longer than 32 bytes by nature; it is hashed at compile time.
    // solhint-disable gas-small-strings
    /// @inheritdoc IRewardDistributor
    bytes32 public constant EPOCH_ROOT_TYPEHASH = keccak256("EpochRoot(uint256 epoch,bytes32 root,uint256 total)");
    // solhint-enable gas-small-strings
    /// @inheritdoc IRewardDistributor
    uint256 public constant MAX_ORACLE_MEMBERS = 32;
    /// @inheritdoc IRewardDistributor
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @inheritdoc IRewardDistributor
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IRewardDistributor
    uint256 public constant MAX_CHALLENGE_WINDOW = 30 days;
    /// @inheritdoc IRewardDistributor
    uint256 public constant MAX_VESTING_DURATION = 4 * 365 days;
    /// @dev Basis points in one whole.
    uint256 private constant BPS = 10_000;

    /// @inheritdoc IRewardDistributor
    address public immutable controller;
    /// @inheritdoc IRewardDistributor
    address public immutable token;
    /// @inheritdoc IRewardDistributor
    uint256 public immutable challengeWindow;
    /// @inheritdoc IRewardDistributor
    uint256 public immutable immediateBps;
    /// @inheritdoc IRewardDistributor
    uint256 public immutable vestingDuration;

    /// @dev Packed with Pausable's `_paused`: epochs below `_nextEpochToPost` are posted; `_latestPostedAt` is the
    /// post time of epoch `_nextEpochToPost − 1` (0 if none).
    uint64 private _nextEpochToPost;
    uint64 private _latestPostedAt;
    /// @dev Also in the global slot: the number of oracle signatures `postEpoch` needs (the set's `m`).
    uint8 private _oracleThreshold;
    /// @dev Over epochs below `_nextEpochToPost`: the sum of posted totals and the sum of `_funding` (invariants kept
    /// by every function).
    uint128 private _postedTotal;
    uint128 private _fundedTotal;

    mapping(uint256 epoch => uint256 amount) private _funding;
    mapping(uint256 epoch => bytes32 root) private _roots;
    mapping(uint256 epoch => EpochPost post) private _posts;
    /// @inheritdoc IRewardDistributor
    mapping(address account => uint256 cumulativeAmount) public claimed;
    mapping(address account => VestingStream stream) private _vesting;
    /// @inheritdoc IRewardDistributor
    mapping(address account => mapping(address claimer => bool approved)) public isClaimerApproved;
    address[] private _oracleMembers;
    /// @dev 1 + the member's position in `_oracleMembers`; 0 for a non-member.
    mapping(address member => uint256 position) private _oraclePosition;
    /// @dev EIP-712 struct hashes of revoked posts: their signatures can never post again.
    mapping(bytes32 structHash => bool revoked) private _revokedPosts;

    /// @param controller_ The emission controller: the only funder, source of `token()` and `currentEpoch()`.
    /// @param challengeWindow_ Seconds from a post until its root is claimable (0 allowed: no revoke possible).
    /// @param immediateBps_ Share of each claim paid at once; 10000 disables vesting.
    /// @param vestingDuration_ Linear vesting of the rest, in seconds; must be 0 exactly when `immediateBps_` is 10000.
    /// @param admin Holder of `DEFAULT_ADMIN_ROLE`: sets the oracle set, grants the guardian and pauser roles.
    /// @param oracleMembers_ The oracle set whose signatures `postEpoch` needs.
    /// @param oracleThreshold_ How many distinct members must sign each post (`m` of `n`).
    constructor(
        address controller_,
        uint256 challengeWindow_,
        uint256 immediateBps_,
        uint256 vestingDuration_,
        address admin,
        address[] memory oracleMembers_,
        uint256 oracleThreshold_
    ) EIP712("DePIN Lab Rewards", "1") {
        if (controller_ == address(0) || admin == address(0)) revert RewardsZeroAddress();
        if (challengeWindow_ > MAX_CHALLENGE_WINDOW) {
            revert RewardsChallengeWindowTooLong(challengeWindow_, MAX_CHALLENGE_WINDOW);
        }
        if (
            immediateBps_ > BPS ||
            (immediateBps_ == BPS) != (vestingDuration_ == 0) ||
            vestingDuration_ > MAX_VESTING_DURATION
        ) revert RewardsInvalidVesting(immediateBps_, vestingDuration_);
        address token_ = IEmissionControllerView(controller_).token();
        if (token_ == address(0)) revert RewardsZeroAddress();

        controller = controller_;
        token = token_;
        challengeWindow = challengeWindow_;
        immediateBps = immediateBps_;
        vestingDuration = vestingDuration_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setOracleSet(oracleMembers_, oracleThreshold_);
    }

    /// @inheritdoc IRewardDistributor
    function notifyFunding(uint256 epoch, uint256 amount) external {
        if (msg.sender != controller) revert RewardsUnauthorizedFunder(msg.sender, controller);
        _funding[epoch] += amount;
        // Keep `_fundedTotal` = funding of posted epochs: late funding of a posted epoch counts for the next post.
        if (epoch < _nextEpochToPost) {
            uint256 fundedTotal = _fundedTotal + amount;
            if (fundedTotal > type(uint128).max) revert RewardsAmountOverflow(fundedTotal);
            _fundedTotal = uint128(fundedTotal);
        }
        emit EpochFunded(epoch, amount);
    }

    /// @inheritdoc IRewardDistributor
    function postEpoch(uint256 epoch, bytes32 root, uint256 total, bytes[] calldata signatures) external {
        uint256 next = _nextEpochToPost;
        if (epoch != next) {
            if (epoch < next) revert RewardsEpochAlreadyPosted(epoch, next);
            revert RewardsEpochOutOfOrder(epoch, next);
        }
        if (root == bytes32(0)) revert RewardsZeroRoot(epoch);
        uint256 current = IEmissionControllerView(controller).currentEpoch();
        if (epoch >= current) revert RewardsEpochNotEnded(epoch, current);

        uint256 postedThrough = _postedTotal + total;
        uint256 fundedThrough = _fundedTotal + _funding[epoch];
        if (postedThrough > fundedThrough) revert RewardsTotalExceedsFunding(epoch, postedThrough, fundedThrough);
        if (fundedThrough > type(uint128).max) revert RewardsAmountOverflow(fundedThrough);
        _checkOracleSignatures(epoch, root, total, signatures);

        // `epoch + 1` fits in 64 bits: `epoch` equals the 64-bit cursor and 2^64 − 1 posts cannot happen.
        _nextEpochToPost = uint64(epoch + 1);
        _latestPostedAt = uint64(block.timestamp);
        // postedThrough <= fundedThrough < 2^128 (checked above).
        _postedTotal = uint128(postedThrough);
        _fundedTotal = uint128(fundedThrough);
        _roots[epoch] = root;
        // total <= postedThrough < 2^128 (checked above); timestamps fit in 64 bits.
        _posts[epoch] = EpochPost({total: uint128(total), postedAt: uint64(block.timestamp), revoked: false});
        emit EpochPosted(epoch, root, total, block.timestamp + challengeWindow, msg.sender);
    }

    /// @inheritdoc IRewardDistributor
    function revokeEpoch(uint256 epoch) external onlyRole(GUARDIAN_ROLE) {
        uint256 next = _nextEpochToPost;
        if (next == 0 || epoch != next - 1) revert RewardsNotLatestEpoch(epoch, next);
        EpochPost storage post = _posts[epoch];
        uint256 claimableAt = uint256(post.postedAt) + challengeWindow;
        if (block.timestamp >= claimableAt) revert RewardsChallengeWindowClosed(epoch, claimableAt);

        post.revoked = true;
        bytes32 root = _roots[epoch];
        _revokedPosts[_epochRootHash(epoch, root, post.total)] = true;
        _nextEpochToPost = uint64(epoch);
        _latestPostedAt = epoch == 0 ? 0 : _posts[epoch - 1].postedAt;
        // Both sums included this epoch's share when it was posted (or funded after), so they cannot underflow;
        // `_funding[epoch]` <= `_fundedTotal` < 2^128.
        _postedTotal -= post.total;
        _fundedTotal -= uint128(_funding[epoch]);
        emit EpochRevoked(epoch, root, msg.sender);
    }

    /// @inheritdoc IRewardDistributor
    function claim(
        uint256 epoch,
        address account,
        uint256 cumulativeAmount,
        bytes32[] calldata proof
    ) external whenNotPaused {
        _checkClaimable(epoch);
        // With vesting a claim restarts the account's stream: only the account, or a claimer it approved, may do it.
        if (immediateBps != BPS && msg.sender != account && !isClaimerApproved[account][msg.sender]) {
            revert RewardsClaimerNotApproved(account, msg.sender);
        }
        bytes32 leaf;
        // keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount)))) in scratch space; `account` is
        // clean (the ABI decoder rejects dirty upper bits). Saves the memory allocation of abi.encode on the hot path.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, account)
            mstore(0x20, cumulativeAmount)
            mstore(0x00, keccak256(0x00, 0x40))
            leaf := keccak256(0x00, 0x20)
        }
        // Solady's calldata verifier: the sorted-pair keccak tree of OpenZeppelin's, without per-level bounds checks.
        if (!MerkleProofLib.verifyCalldata(proof, _roots[epoch], leaf)) {
            revert RewardsInvalidProof(epoch, account, cumulativeAmount);
        }
        uint256 alreadyClaimed = claimed[account];
        if (cumulativeAmount <= alreadyClaimed) revert RewardsNothingToClaim(account, cumulativeAmount, alreadyClaimed);

        // Effects before the transfer (checks-effects-interactions): a re-entrant claim sees the new `claimed`.
        claimed[account] = cumulativeAmount;
        uint256 amount;
        unchecked {
            amount = cumulativeAmount - alreadyClaimed; // cumulativeAmount > alreadyClaimed, checked above
        }
        emit Claimed(account, epoch, amount, cumulativeAmount);
        uint256 payNow = immediateBps == BPS ? amount : _lockAndRelease(account, amount);
        if (payNow != 0) IERC20(token).safeTransfer(account, payNow);
    }

    /// @inheritdoc IRewardDistributor
    function release(address account) external whenNotPaused returns (uint256 amount) {
        VestingStream memory stream = _vesting[account];
        amount = _vestedAmount(stream);
        if (amount == 0) revert RewardsNothingToRelease(account);
        // Rebase the line at now: the rest keeps vesting until the same end (rounding down `amount` never speeds it).
        _vesting[account] = VestingStream({
            locked: stream.locked - uint128(amount), // amount <= stream.locked
            start: uint64(block.timestamp),
            end: stream.end
        });
        emit Released(account, amount);
        IERC20(token).safeTransfer(account, amount);
    }

    /// @inheritdoc IRewardDistributor
    function setClaimer(address claimer, bool approved) external {
        if (isClaimerApproved[msg.sender][claimer] == approved) revert RewardsClaimerUnchanged(msg.sender, claimer);
        isClaimerApproved[msg.sender][claimer] = approved;
        emit ClaimerSet(msg.sender, claimer, approved);
    }

    /// @inheritdoc IRewardDistributor
    function setOracleSet(address[] calldata members, uint256 threshold) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (threshold == _oracleThreshold && _sameMembers(members)) revert RewardsOracleSetUnchanged();
        address[] memory previous = _oracleMembers;
        for (uint256 i = 0; i < previous.length; ++i) delete _oraclePosition[previous[i]];
        _setOracleSet(members, threshold);
    }

    /// @inheritdoc IRewardDistributor
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IRewardDistributor
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @inheritdoc IRewardDistributor
    function nextEpochToPost() external view returns (uint256) {
        return _nextEpochToPost;
    }

    /// @inheritdoc IRewardDistributor
    function budget() external view returns (uint256 postedTotal, uint256 fundedTotal) {
        return (_postedTotal, _fundedTotal);
    }

    /// @inheritdoc IRewardDistributor
    function fundingOf(uint256 epoch) external view returns (uint256) {
        return _funding[epoch];
    }

    /// @inheritdoc IRewardDistributor
    function epochRoot(uint256 epoch) external view returns (bytes32) {
        return _roots[epoch];
    }

    /// @inheritdoc IRewardDistributor
    function epochPost(uint256 epoch) external view returns (EpochPost memory) {
        return _posts[epoch];
    }

    /// @inheritdoc IRewardDistributor
    function isClaimable(uint256 epoch) external view returns (bool) {
        uint256 next = _nextEpochToPost;
        if (epoch >= next || block.timestamp < uint256(_posts[epoch].postedAt) + challengeWindow) return false;
        return epoch + 1 == next || block.timestamp < uint256(_posts[epoch + 1].postedAt) + challengeWindow;
    }

    /// @inheritdoc IRewardDistributor
    function oracleMembers() external view returns (address[] memory) {
        return _oracleMembers;
    }

    /// @inheritdoc IRewardDistributor
    function oracleThreshold() external view returns (uint256) {
        return _oracleThreshold;
    }

    /// @inheritdoc IRewardDistributor
    function epochRootDigest(uint256 epoch, bytes32 root, uint256 total) external view returns (bytes32) {
        return _hashTypedDataV4(_epochRootHash(epoch, root, total));
    }

    /// @inheritdoc IRewardDistributor
    function vestingOf(address account) external view returns (VestingStream memory) {
        return _vesting[account];
    }

    /// @inheritdoc IRewardDistributor
    function releasable(address account) external view returns (uint256) {
        return _vestedAmount(_vesting[account]);
    }

    /// @dev Reverts unless the first `_oracleThreshold` signatures are valid EIP-712 signatures of distinct oracle
    /// members over `EpochRoot(epoch, root, total)` (domain: this contract, this chain), and the post was never
    /// revoked.
    /// Signatures beyond the threshold are not read.
    function _checkOracleSignatures(
        uint256 epoch,
        bytes32 root,
        uint256 total,
        bytes[] calldata signatures
    ) private view {
        bytes32 structHash = _epochRootHash(epoch, root, total);
        if (_revokedPosts[structHash]) revert RewardsPostRevoked(epoch, root, total);
        uint256 threshold = _oracleThreshold;
        if (signatures.length < threshold) revert RewardsTooFewSignatures(signatures.length, threshold);
        bytes32 digest = _hashTypedDataV4(structHash);
        uint256 seen; // bit p set: the member at position p has signed (the set has at most 32 members)
        for (uint256 i = 0; i < threshold; ++i) {
            (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signatures[i]);
            if (err != ECDSA.RecoverError.NoError) revert RewardsInvalidSignature(i);
            uint256 position = _oraclePosition[signer];
            if (position == 0) revert RewardsSignerNotMember(signer);
            uint256 bit = 1 << position;
            if (seen & bit != 0) revert RewardsDuplicateSigner(signer);
            seen |= bit;
        }
    }

    /// @dev Checks and stores an oracle set (the previous members' positions must already be cleared).
    function _setOracleSet(address[] memory members, uint256 threshold) private {
        uint256 n = members.length;
        if (n > MAX_ORACLE_MEMBERS || threshold == 0 || threshold > n) {
            revert RewardsInvalidOracleSet(n, threshold, MAX_ORACLE_MEMBERS);
        }
        for (uint256 i = 0; i < n; ++i) {
            address member = members[i];
            if (member == address(0)) revert RewardsZeroAddress();
            if (_oraclePosition[member] != 0) revert RewardsDuplicateOracleMember(member);
            _oraclePosition[member] = i + 1;
        }
        _oracleMembers = members;
        // threshold <= n <= MAX_ORACLE_MEMBERS fits in 8 bits.
        _oracleThreshold = uint8(threshold);
        emit OracleSetUpdated(members, threshold);
    }

    /// @dev Whether `members` equals the stored set, in order.
    function _sameMembers(address[] calldata members) private view returns (bool) {
        uint256 n = members.length;
        if (n != _oracleMembers.length) return false;
        for (uint256 i = 0; i < n; ++i) if (members[i] != _oracleMembers[i]) return false;
        return true;
    }

    /// @dev The EIP-712 struct hash of `EpochRoot(epoch, root, total)`.
    function _epochRootHash(uint256 epoch, bytes32 root, uint256 total) private pure returns (bytes32) {
        return keccak256(abi.encode(EPOCH_ROOT_TYPEHASH, epoch, root, total));
    }

    /// @dev Reverts unless `epoch` is the newest claimable epoch; reads only the global slot while no post is in its
    /// challenge window, and two `EpochPost`s otherwise (see the storage invariants in the contract's notes).
    function _checkClaimable(uint256 epoch) private view {
        uint256 next = _nextEpochToPost;
        if (epoch >= next) {
            if (_posts[epoch].revoked) revert RewardsEpochRevoked(epoch);
            revert RewardsEpochNotPosted(epoch);
        }
        uint256 window = challengeWindow;
        if (block.timestamp >= uint256(_latestPostedAt) + window) {
            // Every posted epoch is claimable, so only the latest one may be claimed under.
            if (epoch != next - 1) revert RewardsEpochSuperseded(epoch, next - 1);
            return;
        }
        uint256 claimableAt = uint256(_posts[epoch].postedAt) + window;
        if (block.timestamp < claimableAt) revert RewardsEpochInChallengeWindow(epoch, claimableAt);
        // `epoch` is claimable and the latest post is not, so epoch + 1 < next is posted: it must be in its window.
        if (block.timestamp >= uint256(_posts[epoch + 1].postedAt) + window) {
            revert RewardsEpochSuperseded(epoch, epoch + 1);
        }
    }

    /// @dev Splits a new claim: `immediateBps` of it (rounded down) plus whatever has vested in the account's stream
    /// is returned for payment; the unvested rest of the stream plus the new locked part restart a stream of
    /// `vestingDuration` from now. Nothing vests earlier than it would in its own stream from its claim time.
    function _lockAndRelease(address account, uint256 amount) private returns (uint256 payNow) {
        uint256 immediate = (amount * immediateBps) / BPS;
        VestingStream memory stream = _vesting[account];
        uint256 vested = _vestedAmount(stream);
        // amount − immediate >= 1 because immediateBps < BPS here; vested <= stream.locked.
        uint256 locked = stream.locked - vested + (amount - immediate);
        if (locked > type(uint128).max) revert RewardsAmountOverflow(locked);
        uint256 end = block.timestamp + vestingDuration;
        _vesting[account] = VestingStream({
            locked: uint128(locked),
            start: uint64(block.timestamp),
            end: uint64(end) // vestingDuration <= MAX_VESTING_DURATION
        });
        if (vested != 0) emit Released(account, vested);
        emit VestingUpdated(account, locked, end);
        return immediate + vested;
    }

    /// @dev Linear vesting of `stream.locked` from `start` to `end`, rounded down (in the protocol's favour).
    function _vestedAmount(VestingStream memory stream) private view returns (uint256) {
        if (block.timestamp >= stream.end) return stream.locked;
        if (block.timestamp <= stream.start) return 0;
        // locked < 2^128 and elapsed < 2^64: the product cannot overflow.
        return (uint256(stream.locked) * (block.timestamp - stream.start)) / (stream.end - stream.start);
    }
}
