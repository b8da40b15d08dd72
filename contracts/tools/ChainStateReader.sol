// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {IStaking} from "../interfaces/IStaking.sol";

/// @title ChainStateReader
/// @notice Reads the state an EVM-in-the-loop run compares with its exact model in ONE `eth_call`. Never deployed:
/// the call places this contract's runtime code at an unused address with an `eth_call` state override, so the reads
/// cost one round trip at any block and leave no trace on chain.
contract ChainStateReader {
    /// @notice An account's token balance and the cumulative amount it has claimed from the distributor.
    struct AccountState {
        uint256 balance;
        uint256 claimed;
    }

    /// @notice A device's stake and registry record (`owner`: the NFT owner, or the owner at deregistration).
    struct DeviceState {
        uint256 bond;
        uint256 unbonding;
        address owner;
        uint8 status;
        uint8 deviceClass;
        uint64 cell;
        bool active;
    }

    /// @notice The state of `accounts` and `devices`, one entry each, in the order asked for.
    /// @param token The DePIN token.
    /// @param distributor The reward distributor.
    /// @param staking The staking contract.
    /// @param registry The device registry.
    /// @param accounts Accounts whose balance and claimed amount are read.
    /// @param devices Device ids whose stake and registry record are read.
    /// @return accountStates Per account: token balance and claimed amount.
    /// @return deviceStates Per device: bond, unbonding, owner, status, class, cell, `Staking.isActive`.
    function read(
        IERC20 token,
        IRewardDistributor distributor,
        IStaking staking,
        IDeviceRegistry registry,
        address[] calldata accounts,
        uint256[] calldata devices
    ) external view returns (AccountState[] memory accountStates, DeviceState[] memory deviceStates) {
        accountStates = new AccountState[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            accountStates[i] = AccountState(token.balanceOf(accounts[i]), distributor.claimed(accounts[i]));
        }
        deviceStates = new DeviceState[](devices.length);
        for (uint256 j = 0; j < devices.length; ++j) {
            deviceStates[j] = _device(staking, registry, devices[j]);
        }
    }

    function _device(
        IStaking staking,
        IDeviceRegistry registry,
        uint256 deviceId
    ) private view returns (DeviceState memory state) {
        IDeviceRegistry.Device memory record = registry.device(deviceId);
        state.bond = staking.bondOf(deviceId);
        state.unbonding = staking.unbondingOf(deviceId).amount;
        state.owner = registry.deviceOwner(deviceId);
        state.status = uint8(record.status);
        state.deviceClass = record.deviceClass;
        state.cell = record.cell;
        state.active = staking.isActive(deviceId);
    }
}
