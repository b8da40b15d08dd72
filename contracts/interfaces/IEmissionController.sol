// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEmissionSchedule} from "./IEmissionSchedule.sol";

/// @title IEmissionController
/// @notice The only minter of the network token. Maps time to epochs, holds the sequence of schedule segments, and
/// mints each epoch's emission once, in order, splitting it between the device-reward pool (the reward distributor),
/// the treasury and an optional ecosystem address.
/// @dev Epoch e covers [genesis + e·epochLength, genesis + (e+1)·epochLength). Segment i uses schedule S_i from epoch
/// F_i on, evaluated at the LOCAL epoch e − F_i (a new schedule starts at its own epoch 0). With base_i = the
/// controller's cumulative through F_i − 1 (fixed when the segment is added):
/// `cumulative(e) = min(token cap, base_i + S_i.cumulative(e − F_i))` for the last segment with F_i ≤ e, and
/// `emission(e) = cumulative(e) − cumulative(e − 1)`.
/// Invariants: cumulative is non-decreasing and ≤ the token cap; Σ minted = cumulative(last minted epoch);
/// a segment is only added for an epoch that has not started (hence after every minted epoch), so the emission of
/// started or minted epochs never changes. Split rounding: the device pool and ecosystem shares are rounded down and
/// the treasury receives the rest, so the three parts always sum to the epoch's emission exactly.
/// @dev Warning: segments are append-only; a scheduled (future) switch cannot be cancelled, only followed by a later
/// one. Until `setRecipients` is called `mintEpoch` reverts, so emission waits (nothing is lost: epochs are minted
/// later in order). A distributor whose `notifyFunding` reverts blocks `mintEpoch`; the admin can replace it.
interface IEmissionController {
    /// @notice The emission split in basis points (sum 10000).
    struct Splits {
        uint16 devicePoolBps;
        uint16 treasuryBps;
        uint16 ecosystemBps;
    }

    /// @notice One schedule segment.
    /// @param fromEpoch First epoch the schedule applies to.
    /// @param base Controller cumulative emission through `fromEpoch − 1`.
    /// @param schedule The schedule, evaluated at `epoch − fromEpoch`.
    struct Segment {
        uint256 fromEpoch;
        uint256 base;
        IEmissionSchedule schedule;
    }

    /// @notice `epochLength` is zero.
    error ControllerZeroEpochLength();
    /// @notice `admin` is the zero address.
    error ControllerZeroAdmin();
    /// @notice `schedule` is the zero address or has no code.
    error ControllerInvalidSchedule(address schedule);
    /// @notice `currentEpoch` was read before genesis.
    error ControllerBeforeGenesis(uint256 timestamp, uint256 genesis);
    /// @notice `mintEpoch(epoch)` was called out of order or for an epoch already minted.
    error ControllerEpochNotNext(uint256 epoch, uint256 nextEpoch);
    /// @notice `mintEpoch(epoch)` was called before the epoch started at `startsAt`.
    error ControllerEpochNotStarted(uint256 epoch, uint256 startsAt);
    /// @notice `mintEpoch` was called before `setRecipients`.
    error ControllerRecipientsNotSet();
    /// @notice `lastMintedEpoch` was read before any epoch was minted.
    error ControllerNoEpochMinted();
    /// @notice A switch was requested for `fromEpoch`, which has already started (the first unstarted epoch is
    /// `firstUnstartedEpoch`).
    error ControllerSwitchNotInFuture(uint256 fromEpoch, uint256 firstUnstartedEpoch);
    /// @notice A switch was requested for `fromEpoch`, not after the last segment's `lastFromEpoch`.
    error ControllerSwitchNotAfterLastSegment(uint256 fromEpoch, uint256 lastFromEpoch);
    /// @notice The requested schedule is already the last segment's schedule.
    error ControllerScheduleUnchanged(address schedule);
    /// @notice `distributor` is the zero address.
    error ControllerZeroDistributor();
    /// @notice `treasury` is the zero address.
    error ControllerZeroTreasury();
    /// @notice The ecosystem share `ecosystemBps` is non-zero but the ecosystem address is zero.
    error ControllerEcosystemRequired(uint256 ecosystemBps);
    /// @notice The recipients are already the ones requested.
    error ControllerRecipientsUnchanged();
    /// @notice The splits do not sum to 10000.
    error ControllerInvalidSplits(uint256 devicePoolBps, uint256 treasuryBps, uint256 ecosystemBps);
    /// @notice The splits are already the ones requested.
    error ControllerSplitsUnchanged();

    /* solhint-disable gas-indexed-events */
    // Amounts and bps are data, not search keys; only ids and addresses are indexed.

    /// @notice Schedule `schedule` applies from epoch `fromEpoch` on; `base` is the cumulative emission before it.
    event ScheduleSwitched(
        uint256 indexed fromEpoch,
        address indexed schedule,
        address indexed previousSchedule,
        uint256 base
    );
    /// @notice Epoch `epoch` was minted: `amount` in total, split into the three parts.
    event EpochMinted(
        uint256 indexed epoch,
        uint256 amount,
        uint256 devicePoolAmount,
        uint256 treasuryAmount,
        uint256 ecosystemAmount
    );
    /// @notice The recipients were changed.
    event RecipientsUpdated(address indexed distributor, address indexed treasury, address indexed ecosystem);
    /// @notice The splits were changed.
    event SplitsUpdated(uint256 devicePoolBps, uint256 treasuryBps, uint256 ecosystemBps);
    /* solhint-enable gas-indexed-events */

    /// @notice Role allowed to call `switchSchedule`; given to `admin` (the timelock) at construction.
    function SCHEDULE_MANAGER_ROLE() external view returns (bytes32);

    /// @notice The network token, deployed by this contract in its constructor (this contract is its only minter).
    function token() external view returns (address);

    /// @notice Start of epoch 0 (unix seconds).
    function genesis() external view returns (uint256);

    /// @notice Length of an epoch in seconds.
    function epochLength() external view returns (uint256);

    /// @notice The epoch containing the current block's timestamp.
    /// @dev Reverts with `ControllerBeforeGenesis` before genesis.
    function currentEpoch() external view returns (uint256);

    /// @notice Start time (unix seconds) of `epoch`: genesis + epoch·epochLength.
    function epochStart(uint256 epoch) external view returns (uint256);

    /// @notice Emission of `epoch` across schedule segments, in wei (0 once the token cap is reached).
    function emission(uint256 epoch) external view returns (uint256);

    /// @notice Total emission of epochs 0..`epoch` across schedule segments, never above the token cap.
    function cumulative(uint256 epoch) external view returns (uint256);

    /// @notice Number of epochs minted so far, which is also the next epoch to mint.
    function mintedEpochs() external view returns (uint256);

    /// @notice The last minted epoch. Reverts with `ControllerNoEpochMinted` if none.
    function lastMintedEpoch() external view returns (uint256);

    /// @notice Mints the emission of `epoch` and splits it; callable by anyone.
    /// @dev Requires `epoch == mintedEpochs()` (in order, once) and `block.timestamp ≥ epochStart(epoch)`.
    /// Mints the device pool to the distributor, the treasury and ecosystem shares to their addresses, then calls
    /// `IRewardDistributor(distributor).notifyFunding(epoch, devicePoolAmount)` if that amount is non-zero.
    function mintEpoch(uint256 epoch) external;

    /// @notice Applies `newSchedule` from `fromEpoch` on (as its local epoch 0). Only `SCHEDULE_MANAGER_ROLE`.
    /// @dev Requires that `fromEpoch` has not started (so it is after the current and every minted epoch) and is
    /// after the last segment's first epoch. The emission of earlier epochs is unchanged.
    function switchSchedule(IEmissionSchedule newSchedule, uint256 fromEpoch) external;

    /// @notice Sets the distributor (device pool), treasury and optional ecosystem address. Only the admin.
    /// @dev `ecosystem` may be zero only while the ecosystem share is zero.
    function setRecipients(address distributor, address treasury, address ecosystem) external;

    /// @notice Sets the split in basis points (sum 10000). Only the admin. Default: everything to the treasury.
    function setSplits(uint256 devicePoolBps, uint256 treasuryBps, uint256 ecosystemBps) external;

    /// @notice The reward distributor receiving the device pool.
    function distributor() external view returns (address);

    /// @notice The treasury (receives its share plus the split's rounding dust).
    function treasury() external view returns (address);

    /// @notice The optional ecosystem/stakers address.
    function ecosystem() external view returns (address);

    /// @notice The current split.
    function splits() external view returns (Splits memory);

    /// @notice Number of schedule segments (≥ 1).
    function segmentCount() external view returns (uint256);

    /// @notice The `index`-th schedule segment.
    function segmentAt(uint256 index) external view returns (Segment memory);

    /// @notice The schedule that applies to `epoch`.
    function scheduleAt(uint256 epoch) external view returns (IEmissionSchedule);
}
