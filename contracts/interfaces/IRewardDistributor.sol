// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IRewardDistributor
/// @notice Receives each epoch's device-reward pool from the emission controller.
interface IRewardDistributor {
    /// @notice Tells the distributor that `amount` tokens for epoch `epoch` were just minted to it.
    /// @dev Called only by the emission controller, once per epoch in increasing epoch order, right after the
    /// tokens were minted to this contract, and only when `amount` is non-zero.
    /// @param epoch The epoch the funding belongs to.
    /// @param amount The device-reward pool of that epoch, in token wei.
    function notifyFunding(uint256 epoch, uint256 amount) external;
}
