// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {IStaking} from "../interfaces/IStaking.sol";

/// @title ChainStateReader
/// @notice Reads the state an EVM-in-the-loop run compares with its exact model in ONE `eth_call`: the creation code
/// is called (never deployed) and the constructor returns the ABI-encoded values instead of runtime code, so the
/// reads cost one round trip to any node, at any block, without a deployed helper.
/// @dev Returns `abi.encode(AccountState[], DeviceState[])`, one entry per account and per device asked for.
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

    /// @notice Reads and returns the state of `accounts` and `devices`.
    /// @param token The DePIN token.
    /// @param distributor The reward distributor.
    /// @param staking The staking contract.
    /// @param registry The device registry.
    /// @param accounts Accounts whose balance and claimed amount are read.
    /// @param devices Device ids whose stake and registry record are read.
    constructor(
        IERC20 token,
        IRewardDistributor distributor,
        IStaking staking,
        IDeviceRegistry registry,
        address[] memory accounts,
        uint256[] memory devices
    ) {
        AccountState[] memory accountStates = new AccountState[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            accountStates[i] = AccountState(token.balanceOf(accounts[i]), distributor.claimed(accounts[i]));
        }
        DeviceState[] memory deviceStates = new DeviceState[](devices.length);
        for (uint256 j = 0; j < devices.length; ++j) {
            deviceStates[j] = _device(staking, registry, devices[j]);
        }
        bytes memory encoded = abi.encode(accountStates, deviceStates);
        // Hand the encoding back as the "runtime code" of the call: eth_call returns it and nothing is deployed.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            return(add(encoded, 32), mload(encoded))
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
