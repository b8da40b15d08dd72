// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {DePINToken} from "../token/DePINToken.sol";
import {IDePINToken} from "../interfaces/IDePINToken.sol";
import {IEmissionController} from "../interfaces/IEmissionController.sol";
import {IEmissionSchedule} from "../interfaces/IEmissionSchedule.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {BPS} from "../libraries/Constants.sol";

/// @title EmissionController
/// @notice Deploys the network token, then mints each epoch's emission (from the active schedule segment) once, in
/// order, and splits it between the reward distributor, the treasury and an optional ecosystem address.
contract EmissionController is IEmissionController, AccessControl {
    /// @inheritdoc IEmissionController
    bytes32 public constant SCHEDULE_MANAGER_ROLE = keccak256("SCHEDULE_MANAGER_ROLE");

    /// @inheritdoc IEmissionController
    uint256 public immutable genesis;
    /// @inheritdoc IEmissionController
    uint256 public immutable epochLength;

    IDePINToken private immutable _token;
    /// @dev The token cap, read once (it is immutable in the token).
    uint256 private immutable _cap;

    /// @inheritdoc IEmissionController
    uint256 public mintedEpochs;
    /// @inheritdoc IEmissionController
    address public distributor;
    /// @inheritdoc IEmissionController
    address public treasury;
    /// @inheritdoc IEmissionController
    address public ecosystem;

    Splits private _splits;
    Segment[] private _segments;

    /// @param name Token name (also its EIP-712 domain name).
    /// @param symbol Token symbol.
    /// @param cap Token supply cap in wei; the controller never mints beyond it.
    /// @param genesis_ Start of epoch 0, unix seconds (may be in the past or future).
    /// @param epochLength_ Epoch length in seconds, > 0.
    /// @param initialSchedule The schedule from epoch 0.
    /// @param admin Receives DEFAULT_ADMIN_ROLE and SCHEDULE_MANAGER_ROLE (intended: the TimelockController).
    constructor(
        string memory name,
        string memory symbol,
        uint256 cap,
        uint256 genesis_,
        uint256 epochLength_,
        IEmissionSchedule initialSchedule,
        address admin
    ) {
        if (epochLength_ == 0) revert ControllerZeroEpochLength();
        if (admin == address(0)) revert ControllerZeroAdmin();
        _requireSchedule(initialSchedule);
        genesis = genesis_;
        epochLength = epochLength_;
        DePINToken token_ = new DePINToken(name, symbol, cap);
        _token = token_;
        _cap = cap;
        _splits = Splits({devicePoolBps: 0, treasuryBps: uint16(BPS), ecosystemBps: 0});
        _segments.push(Segment({fromEpoch: 0, base: 0, schedule: initialSchedule}));
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SCHEDULE_MANAGER_ROLE, admin);
        emit ScheduleSwitched(0, address(initialSchedule), address(0), 0);
        emit SplitsUpdated(0, BPS, 0);
    }

    /// @inheritdoc IEmissionController
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IEmissionController
    function currentEpoch() public view returns (uint256) {
        if (block.timestamp < genesis) revert ControllerBeforeGenesis(block.timestamp, genesis);
        return (block.timestamp - genesis) / epochLength;
    }

    /// @inheritdoc IEmissionController
    function epochStart(uint256 epoch) public view returns (uint256) {
        return genesis + epoch * epochLength;
    }

    /// @inheritdoc IEmissionController
    function emission(uint256 epoch) public view returns (uint256) {
        if (epoch == 0) return cumulative(0);
        return cumulative(epoch) - cumulative(epoch - 1);
    }

    /// @inheritdoc IEmissionController
    function cumulative(uint256 epoch) public view returns (uint256) {
        Segment storage segment = _segments[_segmentIndex(epoch)];
        return Math.min(_cap, segment.base + segment.schedule.cumulative(epoch - segment.fromEpoch));
    }

    /// @inheritdoc IEmissionController
    function lastMintedEpoch() external view returns (uint256) {
        if (mintedEpochs == 0) revert ControllerNoEpochMinted();
        return mintedEpochs - 1;
    }

    /// @inheritdoc IEmissionController
    function mintEpoch(uint256 epoch) external {
        if (epoch != mintedEpochs) revert ControllerEpochNotNext(epoch, mintedEpochs);
        uint256 startsAt = epochStart(epoch);
        if (block.timestamp < startsAt) revert ControllerEpochNotStarted(epoch, startsAt);
        address distributor_ = distributor;
        if (distributor_ == address(0)) revert ControllerRecipientsNotSet();

        mintedEpochs = epoch + 1;
        uint256 amount = emission(epoch);
        Splits memory s = _splits;
        uint256 devicePoolAmount = (amount * s.devicePoolBps) / BPS;
        uint256 ecosystemAmount = (amount * s.ecosystemBps) / BPS;
        // Both shares are rounded down and their bps sum to ≤ 10000, so the remainder is ≥ 0; dust goes to treasury.
        uint256 treasuryAmount = amount - devicePoolAmount - ecosystemAmount;
        emit EpochMinted(epoch, amount, devicePoolAmount, treasuryAmount, ecosystemAmount);

        if (devicePoolAmount != 0) _token.mint(distributor_, devicePoolAmount);
        if (treasuryAmount != 0) _token.mint(treasury, treasuryAmount);
        if (ecosystemAmount != 0) _token.mint(ecosystem, ecosystemAmount);
        if (devicePoolAmount != 0) IRewardDistributor(distributor_).notifyFunding(epoch, devicePoolAmount);
    }

    /// @inheritdoc IEmissionController
    function switchSchedule(IEmissionSchedule newSchedule, uint256 fromEpoch) external onlyRole(SCHEDULE_MANAGER_ROLE) {
        _requireSchedule(newSchedule);
        // Every minted epoch has started, so fromEpoch ≥ firstUnstarted also puts it after the last minted epoch.
        uint256 firstUnstarted = block.timestamp < genesis ? 0 : currentEpoch() + 1;
        if (fromEpoch < firstUnstarted) revert ControllerSwitchNotInFuture(fromEpoch, firstUnstarted);
        Segment storage last = _segments[_segments.length - 1];
        if (!(fromEpoch > last.fromEpoch)) revert ControllerSwitchNotAfterLastSegment(fromEpoch, last.fromEpoch);
        if (newSchedule == last.schedule) revert ControllerScheduleUnchanged(address(newSchedule));
        // fromEpoch > last.fromEpoch ≥ 0, so fromEpoch − 1 does not underflow.
        uint256 base = cumulative(fromEpoch - 1);
        address previous = address(last.schedule);
        _segments.push(Segment({fromEpoch: fromEpoch, base: base, schedule: newSchedule}));
        emit ScheduleSwitched(fromEpoch, address(newSchedule), previous, base);
    }

    /// @inheritdoc IEmissionController
    function setRecipients(
        address distributor_,
        address treasury_,
        address ecosystem_
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (distributor_ == address(0)) revert ControllerZeroDistributor();
        if (treasury_ == address(0)) revert ControllerZeroTreasury();
        if (ecosystem_ == address(0) && _splits.ecosystemBps != 0)
            revert ControllerEcosystemRequired(_splits.ecosystemBps);
        if (distributor_ == distributor && treasury_ == treasury && ecosystem_ == ecosystem) {
            revert ControllerRecipientsUnchanged();
        }
        distributor = distributor_;
        treasury = treasury_;
        ecosystem = ecosystem_;
        emit RecipientsUpdated(distributor_, treasury_, ecosystem_);
    }

    /// @inheritdoc IEmissionController
    function setSplits(
        uint256 devicePoolBps,
        uint256 treasuryBps,
        uint256 ecosystemBps
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        // Each term ≤ BPS before adding, so the sum cannot overflow and each fits in uint16.
        if (devicePoolBps > BPS || treasuryBps > BPS || ecosystemBps > BPS) {
            revert ControllerInvalidSplits(devicePoolBps, treasuryBps, ecosystemBps);
        }
        if (devicePoolBps + treasuryBps + ecosystemBps != BPS) {
            revert ControllerInvalidSplits(devicePoolBps, treasuryBps, ecosystemBps);
        }
        if (ecosystemBps != 0 && ecosystem == address(0)) revert ControllerEcosystemRequired(ecosystemBps);
        Splits memory current = _splits;
        if (
            current.devicePoolBps == devicePoolBps &&
            current.treasuryBps == treasuryBps &&
            current.ecosystemBps == ecosystemBps
        ) revert ControllerSplitsUnchanged();
        _splits = Splits({
            devicePoolBps: uint16(devicePoolBps),
            treasuryBps: uint16(treasuryBps),
            ecosystemBps: uint16(ecosystemBps)
        });
        emit SplitsUpdated(devicePoolBps, treasuryBps, ecosystemBps);
    }

    /// @inheritdoc IEmissionController
    function splits() external view returns (Splits memory) {
        return _splits;
    }

    /// @inheritdoc IEmissionController
    function segmentCount() external view returns (uint256) {
        return _segments.length;
    }

    /// @inheritdoc IEmissionController
    function segmentAt(uint256 index) external view returns (Segment memory) {
        return _segments[index];
    }

    /// @inheritdoc IEmissionController
    function scheduleAt(uint256 epoch) external view returns (IEmissionSchedule) {
        return _segments[_segmentIndex(epoch)].schedule;
    }

    /// @dev Index of the last segment starting at or before `epoch` (segment 0 starts at 0, so one always exists).
    /// Linear in the number of segments, which only governance can add.
    function _segmentIndex(uint256 epoch) private view returns (uint256 index) {
        index = _segments.length - 1;
        while (_segments[index].fromEpoch > epoch) --index;
    }

    function _requireSchedule(IEmissionSchedule schedule) private view {
        if (address(schedule).code.length == 0) revert ControllerInvalidSchedule(address(schedule));
    }
}
