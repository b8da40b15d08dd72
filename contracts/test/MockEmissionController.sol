// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {DePINToken} from "../token/DePINToken.sol";
import {IDePINToken} from "../interfaces/IDePINToken.sol";
import {IEmissionControllerView} from "../interfaces/IEmissionControllerView.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";

/// @title MockEmissionController
/// @notice Test stand-in for the emission controller: deploys the token (so it is the minter), exposes a settable
/// `currentEpoch` and funds a distributor the way `mintEpoch` does (mint to it, then `notifyFunding`).
/// @dev Test only: every function is open.
contract MockEmissionController is IEmissionControllerView {
    /// @inheritdoc IEmissionControllerView
    address public immutable token;
    /// @inheritdoc IEmissionControllerView
    uint256 public currentEpoch;

    /// @param existingToken A token this mock may mint (any `mint(to, amount)`), or zero to deploy a `DePINToken`.
    /// @param cap Supply cap of the deployed `DePINToken` (ignored with `existingToken`).
    constructor(address existingToken, uint256 cap) {
        token = existingToken == address(0) ? address(new DePINToken("DePIN Lab", "DPL", cap)) : existingToken;
    }

    /// @notice Sets the epoch `currentEpoch()` returns.
    function setCurrentEpoch(uint256 epoch) external {
        currentEpoch = epoch;
    }

    /// @notice Mints `amount` to `distributor` and notifies it as `epoch`'s device pool.
    function fund(address distributor, uint256 epoch, uint256 amount) external {
        IDePINToken(token).mint(distributor, amount);
        IRewardDistributor(distributor).notifyFunding(epoch, amount);
    }

    /// @notice Calls `notifyFunding` without minting (to test the distributor's accounting alone).
    function notifyOnly(address distributor, uint256 epoch, uint256 amount) external {
        IRewardDistributor(distributor).notifyFunding(epoch, amount);
    }

    /// @notice Mints `amount` to `to` (test balances).
    function mint(address to, uint256 amount) external {
        IDePINToken(token).mint(to, amount);
    }
}
