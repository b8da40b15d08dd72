// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {IStaking} from "../interfaces/IStaking.sol";

/// @title ChainStateReader
/// @notice Reads the state an EVM-in-the-loop run compares with its exact model, many entries per `eth_call`. Never
/// deployed: the call places this contract's runtime code at an unused address with an `eth_call` state override, so
/// the reads cost one round trip at any block and leave no trace on chain.
contract ChainStateReader {
    /// @notice An account's token balance and the cumulative amount it has claimed from the distributor.
    struct AccountState {
        uint256 balance;
        uint256 claimed;
    }

    /// @notice A device's stake and registry status (what the equality check compares).
    struct StakeState {
        uint256 bond;
        uint256 unbonding;
        uint8 status;
    }

    /// @notice What the oracle reads of a device at its snapshot (`owner`: the NFT owner, or the owner at
    /// deregistration; `active`: `Staking.isActive`).
    struct DeviceState {
        uint256 bond;
        address owner;
        uint8 status;
        uint8 deviceClass;
        uint64 cell;
        bool active;
    }

    /// @notice Balance and claimed amount of each account, in the order asked for.
    /// @param token The DePIN token.
    /// @param distributor The reward distributor.
    /// @param accounts The accounts.
    /// @return states One entry per account.
    function accountStates(
        IERC20 token,
        IRewardDistributor distributor,
        address[] calldata accounts
    ) external view returns (AccountState[] memory states) {
        states = new AccountState[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            states[i] = AccountState(token.balanceOf(accounts[i]), distributor.claimed(accounts[i]));
        }
    }

    /// @notice Bond, unbonding amount and registry status of each device, in the order asked for.
    /// @param staking The staking contract.
    /// @param registry The device registry.
    /// @param devices The device ids.
    /// @return states One entry per device.
    function stakeStates(
        IStaking staking,
        IDeviceRegistry registry,
        uint256[] calldata devices
    ) external view returns (StakeState[] memory states) {
        states = new StakeState[](devices.length);
        for (uint256 j = 0; j < devices.length; ++j) {
            uint256 deviceId = devices[j];
            states[j] = StakeState(
                staking.bondOf(deviceId),
                staking.unbondingOf(deviceId).amount,
                uint8(registry.status(deviceId))
            );
        }
    }

    /// @notice The oracle's view of each device, in the order asked for.
    /// @param staking The staking contract.
    /// @param registry The device registry.
    /// @param devices The device ids.
    /// @return states One entry per device.
    function deviceStates(
        IStaking staking,
        IDeviceRegistry registry,
        uint256[] calldata devices
    ) external view returns (DeviceState[] memory states) {
        states = new DeviceState[](devices.length);
        for (uint256 j = 0; j < devices.length; ++j) {
            uint256 deviceId = devices[j];
            IDeviceRegistry.Device memory record = registry.device(deviceId);
            states[j] = DeviceState(
                staking.bondOf(deviceId),
                registry.deviceOwner(deviceId),
                uint8(record.status),
                record.deviceClass,
                record.cell,
                staking.isActive(deviceId)
            );
        }
    }
}
