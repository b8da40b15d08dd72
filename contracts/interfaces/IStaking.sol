// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Amounts, cells and flags are event data, not topics: nobody filters logs by them.
// solhint-disable gas-indexed-events

import {IDePINToken} from "./IDePINToken.sol";
import {IDeviceRegistry} from "./IDeviceRegistry.sol";

/// @title IStaking
/// @notice Per-device bonds in the network token. Bonds follow the device NFT: anyone may top up a device, only its
/// current owner (`IDeviceRegistry.deviceOwner`) may request an unstake, and the requester is recorded as the
/// beneficiary of that unbonding, so `withdraw` after the delay pays them even if the NFT moved or was burned.
/// @dev Invariants:
/// - `token.balanceOf(this) == Σ_devices (bondOf + unbondingOf.amount)` (nothing else is ever held; slashed amounts
///   leave at once, burned or sent to the treasury).
/// - At most one pending unbonding per device, with one beneficiary.
/// @dev Warning: a device whose pending unbonding belongs to a previous owner cannot request a new unstake until that
/// unbonding is withdrawn; anyone can call `withdraw` once it is released, so the wait is at most `unbondingDelay`.
/// @dev Warning: amounts are stored as uint128 per device; `stake` reverts with OpenZeppelin's
/// `SafeCastOverflowedUintDowncast` beyond that.
interface IStaking {
    /// @notice A pending unbonding: `amount` paid to `beneficiary` from `releaseAt`.
    struct Unbonding {
        uint256 amount;
        address beneficiary;
        uint64 releaseAt;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Errors
    // ----------------------------------------------------------------------------------------------------------------

    /// @notice A zero address was given for `field` in the constructor.
    error StakingZeroAddress(string field);
    /// @notice The unbonding delay is outside (0, MAX_UNBONDING_DELAY].
    error StakingUnbondingDelayOutOfRange(uint256 unbondingDelay, uint256 maxUnbondingDelay);
    /// @notice An amount of zero was given.
    error StakingZeroAmount();
    /// @notice `stake` on a device that is not registered (unknown or deregistered).
    error StakingDeviceNotRegistered(uint256 deviceId, IDeviceRegistry.DeviceStatus status);
    /// @notice `requestUnstake` on a suspended device (its bond awaits a slash decision).
    error StakingDeviceSuspended(uint256 deviceId);
    /// @notice The caller is not the device owner (`IDeviceRegistry.deviceOwner`).
    error StakingNotDeviceOwner(uint256 deviceId, address caller, address owner);
    /// @notice `requestUnstake` of more than the bond.
    error StakingInsufficientBond(uint256 deviceId, uint256 bond, uint256 requested);
    /// @notice A pending unbonding of another beneficiary must be withdrawn first.
    error StakingUnbondingPending(uint256 deviceId, address beneficiary, uint256 amount, uint64 releaseAt);
    /// @notice `withdraw` with nothing unbonding.
    error StakingNothingUnbonding(uint256 deviceId);
    /// @notice `withdraw` before the unbonding is released.
    error StakingUnbondingNotReleased(uint256 deviceId, uint64 releaseAt, uint256 timestamp);
    /// @notice `slash` of a device with neither bond nor unbonding stake.
    error StakingNothingToSlash(uint256 deviceId);

    // ----------------------------------------------------------------------------------------------------------------
    // Events
    // ----------------------------------------------------------------------------------------------------------------

    /// @notice `staker` added `amount` to the bond of `deviceId`, now `bond`.
    event Staked(uint256 indexed deviceId, address indexed staker, uint256 amount, uint256 bond);
    /// @notice `beneficiary` (the device owner) moved `amount` from bond to unbonding; the device's total unbonding is
    /// `unbonding`, released at `releaseAt`.
    event UnstakeRequested(
        uint256 indexed deviceId,
        address indexed beneficiary,
        uint256 amount,
        uint256 unbonding,
        uint64 releaseAt
    );
    /// @notice A released unbonding of `amount` was paid to `beneficiary`.
    event Withdrawn(uint256 indexed deviceId, address indexed beneficiary, uint256 amount);
    /// @notice `fromBond + fromUnbonding` (at most `requested`) was slashed from `deviceId`, burned or sent to the
    /// treasury.
    event Slashed(
        uint256 indexed deviceId,
        uint32 indexed reasonCode,
        address indexed slasher,
        uint256 requested,
        uint256 fromBond,
        uint256 fromUnbonding,
        bool toTreasury
    );

    // ----------------------------------------------------------------------------------------------------------------
    // Actions
    // ----------------------------------------------------------------------------------------------------------------

    /// @notice Adds `amount` to the bond of a registered (active or suspended) device, pulled from the caller.
    /// Anyone may top up any device; the bond then belongs to whoever owns the device.
    /// @param deviceId The device.
    /// @param amount Token wei (needs allowance).
    function stake(uint256 deviceId, uint256 amount) external;

    /// @notice Moves `amount` of the bond into unbonding, payable to the caller after `unbondingDelay`.
    /// Only the device owner (for a deregistered device: its owner at deregistration); not while suspended.
    /// @dev Adding to one's own pending unbonding restarts its delay for the whole amount. Reverts with
    /// `StakingUnbondingPending` while another beneficiary's unbonding is pending.
    /// @param deviceId The device.
    /// @param amount Token wei, at most the bond.
    function requestUnstake(uint256 deviceId, uint256 amount) external;

    /// @notice Pays a released unbonding to the beneficiary recorded at request. Anyone may call.
    /// @dev Reverts with `StakingDeviceSuspended` while the device is suspended, also for an unbonding requested
    /// before the suspension (the whole stake awaits the slash decision).
    /// @dev Warning: a device suspended after an NFT transfer also freezes the previous owner's pending unbonding.
    /// @param deviceId The device.
    function withdraw(uint256 deviceId) external;

    /// @notice Slashes what the device holds up to `amount`, first from its bond, then from its unbonding. Only
    /// SLASHER_ROLE. The slashed tokens are burned, or sent to the treasury if `slashToTreasury`.
    /// @dev Takes `min(amount, bond + unbonding)`, so a withdraw or unstake landing first cannot make it revert;
    /// reverts with `StakingNothingToSlash` only when the device holds nothing.
    /// @param deviceId The device.
    /// @param amount The most to take, in token wei.
    /// @param reasonCode Off-chain meaning, logged in the event.
    /// @return slashed What was taken (also in the `Slashed` event, beside `requested`).
    function slash(uint256 deviceId, uint256 amount, uint32 reasonCode) external returns (uint256 slashed);

    // ----------------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------------

    /// @notice The role allowed to slash.
    function SLASHER_ROLE() external view returns (bytes32);

    /// @notice Upper bound of `unbondingDelay`.
    function MAX_UNBONDING_DELAY() external view returns (uint256);

    /// @notice The staked token.
    function token() external view returns (IDePINToken);

    /// @notice The device registry.
    function registry() external view returns (IDeviceRegistry);

    /// @notice Seconds between `requestUnstake` and the earliest `withdraw`.
    function unbondingDelay() external view returns (uint256);

    /// @notice Whether slashed tokens go to `treasury` (true) or are burned (false).
    function slashToTreasury() external view returns (bool);

    /// @notice Receiver of slashed tokens when `slashToTreasury` (unused when burning).
    function treasury() external view returns (address);

    /// @notice Bonded stake of the device, in token wei.
    function bondOf(uint256 deviceId) external view returns (uint256);

    /// @notice The device's pending unbonding (amount zero if none).
    function unbondingOf(uint256 deviceId) external view returns (Unbonding memory);

    /// @notice True iff the device is registered, not suspended, and its bond is at least its class's minimum bond.
    function isActive(uint256 deviceId) external view returns (bool);
}
