// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDePINToken} from "../interfaces/IDePINToken.sol";
import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IStaking} from "../interfaces/IStaking.sol";

/// @title Staking
/// @notice Per-device bonds that follow the device NFT, with an unbonding delay and slashing. See `IStaking`.
contract Staking is AccessControl, ReentrancyGuardTransient, IStaking {
    using SafeERC20 for IDePINToken;

    /// @dev Amounts of one device, one slot: the only slot `stake` and `slash` touch.
    struct DeviceStake {
        uint128 bonded;
        uint128 unbonding;
    }

    /// @dev Owner of the pending unbonding and its release time, one slot; written by `requestUnstake` only.
    struct UnbondingClaim {
        address beneficiary;
        uint64 releaseAt;
    }

    /// @inheritdoc IStaking
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");
    /// @inheritdoc IStaking
    uint256 public constant MAX_UNBONDING_DELAY = 365 days;

    /// @inheritdoc IStaking
    IDePINToken public immutable token;
    /// @inheritdoc IStaking
    IDeviceRegistry public immutable registry;
    /// @inheritdoc IStaking
    uint256 public immutable unbondingDelay;
    /// @inheritdoc IStaking
    bool public immutable slashToTreasury;
    /// @inheritdoc IStaking
    address public immutable treasury;

    mapping(uint256 deviceId => DeviceStake) private _stakes;
    mapping(uint256 deviceId => UnbondingClaim) private _claims;

    /// @param token_ The staked token (burnable).
    /// @param registry_ The device registry.
    /// @param unbondingDelay_ Seconds from `requestUnstake` to `withdraw`, in (0, MAX_UNBONDING_DELAY].
    /// @param slashToTreasury_ Send slashed tokens to `treasury_` (true) or burn them (false).
    /// @param treasury_ Receiver of slashed tokens; must be non-zero when `slashToTreasury_`.
    /// @param admin Receives DEFAULT_ADMIN_ROLE (grants SLASHER_ROLE); later the timelock.
    constructor(
        IDePINToken token_,
        IDeviceRegistry registry_,
        uint256 unbondingDelay_,
        bool slashToTreasury_,
        address treasury_,
        address admin
    ) {
        if (address(token_) == address(0)) revert StakingZeroAddress("token");
        if (address(registry_) == address(0)) revert StakingZeroAddress("registry");
        if (admin == address(0)) revert StakingZeroAddress("admin");
        if (slashToTreasury_ && treasury_ == address(0)) revert StakingZeroAddress("treasury");
        if (unbondingDelay_ == 0 || unbondingDelay_ > MAX_UNBONDING_DELAY) {
            revert StakingUnbondingDelayOutOfRange(unbondingDelay_, MAX_UNBONDING_DELAY);
        }
        token = token_;
        registry = registry_;
        unbondingDelay = unbondingDelay_;
        slashToTreasury = slashToTreasury_;
        treasury = treasury_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Actions
    // ----------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IStaking
    function stake(uint256 deviceId, uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        IDeviceRegistry.DeviceStatus deviceStatus = registry.status(deviceId);
        if (
            deviceStatus != IDeviceRegistry.DeviceStatus.Active &&
            deviceStatus != IDeviceRegistry.DeviceStatus.Suspended
        ) {
            revert StakingDeviceNotRegistered(deviceId, deviceStatus);
        }
        DeviceStake storage deviceStake = _stakes[deviceId];
        uint128 bonded = SafeCast.toUint128(deviceStake.bonded + amount);
        deviceStake.bonded = bonded;
        emit Staked(deviceId, msg.sender, amount, bonded);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IStaking
    function requestUnstake(uint256 deviceId, uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        address owner = registry.deviceOwner(deviceId);
        if (msg.sender != owner) revert StakingNotDeviceOwner(deviceId, msg.sender, owner);
        if (registry.status(deviceId) == IDeviceRegistry.DeviceStatus.Suspended)
            revert StakingDeviceSuspended(deviceId);

        DeviceStake memory deviceStake = _stakes[deviceId];
        if (amount > deviceStake.bonded) revert StakingInsufficientBond(deviceId, deviceStake.bonded, amount);
        if (deviceStake.unbonding != 0) {
            UnbondingClaim memory pending = _claims[deviceId];
            if (pending.beneficiary != msg.sender) {
                revert StakingUnbondingPending(deviceId, pending.beneficiary, deviceStake.unbonding, pending.releaseAt);
            }
        }
        // amount <= bonded (checked above), so it fits uint128 and the subtraction cannot wrap.
        unchecked {
            deviceStake.bonded -= uint128(amount);
        }
        deviceStake.unbonding += uint128(amount);
        uint64 releaseAt = uint64(block.timestamp + unbondingDelay);
        _stakes[deviceId] = deviceStake;
        _claims[deviceId] = UnbondingClaim({beneficiary: msg.sender, releaseAt: releaseAt});
        emit UnstakeRequested(deviceId, msg.sender, amount, deviceStake.unbonding, releaseAt);
    }

    /// @inheritdoc IStaking
    function withdraw(uint256 deviceId) external nonReentrant {
        DeviceStake storage deviceStake = _stakes[deviceId];
        uint256 amount = deviceStake.unbonding;
        if (amount == 0) revert StakingNothingUnbonding(deviceId);
        UnbondingClaim memory claim = _claims[deviceId];
        if (block.timestamp < claim.releaseAt) {
            revert StakingUnbondingNotReleased(deviceId, claim.releaseAt, block.timestamp);
        }
        // A suspension freezes the whole stake, also an unbonding requested before it: it awaits the slash decision.
        if (registry.status(deviceId) == IDeviceRegistry.DeviceStatus.Suspended)
            revert StakingDeviceSuspended(deviceId);
        deviceStake.unbonding = 0;
        delete _claims[deviceId];
        emit Withdrawn(deviceId, claim.beneficiary, amount);
        token.safeTransfer(claim.beneficiary, amount);
    }

    /// @inheritdoc IStaking
    function slash(
        uint256 deviceId,
        uint256 amount,
        uint32 reasonCode
    ) external onlyRole(SLASHER_ROLE) nonReentrant returns (uint256 slashed) {
        if (amount == 0) revert StakingZeroAmount();
        DeviceStake memory deviceStake = _stakes[deviceId];
        uint256 available = uint256(deviceStake.bonded) + deviceStake.unbonding;
        if (available == 0) revert StakingNothingToSlash(deviceId);
        // What is there, up to the amount: a withdraw or unstake sent just before cannot make the slash revert.
        slashed = amount < available ? amount : available;

        uint256 fromBond = slashed < deviceStake.bonded ? slashed : deviceStake.bonded;
        uint256 fromUnbonding = slashed - fromBond;
        // fromBond <= bonded by construction; fromUnbonding = slashed - fromBond <= available - bonded = unbonding.
        unchecked {
            deviceStake.bonded -= uint128(fromBond);
            deviceStake.unbonding -= uint128(fromUnbonding);
        }
        _stakes[deviceId] = deviceStake;
        emit Slashed(deviceId, reasonCode, msg.sender, amount, fromBond, fromUnbonding, slashToTreasury);
        if (slashToTreasury) {
            token.safeTransfer(treasury, slashed);
        } else {
            token.burn(slashed);
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IStaking
    function bondOf(uint256 deviceId) external view returns (uint256) {
        return _stakes[deviceId].bonded;
    }

    /// @inheritdoc IStaking
    function unbondingOf(uint256 deviceId) external view returns (Unbonding memory) {
        uint256 amount = _stakes[deviceId].unbonding;
        if (amount == 0) return Unbonding({amount: 0, beneficiary: address(0), releaseAt: 0});
        UnbondingClaim memory claim = _claims[deviceId];
        return Unbonding({amount: amount, beneficiary: claim.beneficiary, releaseAt: claim.releaseAt});
    }

    /// @inheritdoc IStaking
    function isActive(uint256 deviceId) external view returns (bool) {
        IDeviceRegistry.Device memory record = registry.device(deviceId);
        uint256 bond = _stakes[deviceId].bonded;
        // A bond exactly at the class minimum is enough.
        // solhint-disable-next-line gas-strict-inequalities
        return record.status == IDeviceRegistry.DeviceStatus.Active && bond >= registry.minBond(record.deviceClass);
    }
}
