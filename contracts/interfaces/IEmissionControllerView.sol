// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IEmissionControllerView
/// @notice The two views of the emission controller that the reward distributor reads.
/// @dev The full `IEmissionController` implements these exact names; this minimal interface keeps the distributor
/// independent of the controller's other functions.
interface IEmissionControllerView {
    /// @notice The reward token, deployed by (and only mintable by) the controller.
    function token() external view returns (address);

    /// @notice The epoch that contains `block.timestamp`.
    /// Epoch e covers [genesis + e·epochLength, genesis + (e+1)·epochLength).
    /// @dev Reverts before genesis.
    function currentEpoch() external view returns (uint256);
}
