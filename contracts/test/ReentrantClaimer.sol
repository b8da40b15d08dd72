// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {ITokenReceivedHook} from "./MockHookedToken.sol";

/// @title ReentrantClaimer
/// @notice Test account that, when paid, re-submits the same claim to the distributor and records what happened.
contract ReentrantClaimer is ITokenReceivedHook {
    IRewardDistributor public immutable distributor;
    uint256 public epoch;
    uint256 public cumulativeAmount;
    bytes32[] public proof;
    /// @notice Number of hook calls (payouts received).
    uint256 public payouts;
    /// @notice Revert data of the re-entrant claim (empty if it succeeded or was not tried).
    bytes public reentryError;
    /// @notice Whether the re-entrant claim succeeded.
    bool public reentrySucceeded;

    constructor(IRewardDistributor distributor_) {
        distributor = distributor_;
    }

    /// @notice Stores the claim to replay from the hook.
    function arm(uint256 epoch_, uint256 cumulativeAmount_, bytes32[] calldata proof_) external {
        epoch = epoch_;
        cumulativeAmount = cumulativeAmount_;
        proof = proof_;
    }

    /// @inheritdoc ITokenReceivedHook
    function onTokenReceived(address, uint256) external {
        ++payouts;
        if (payouts > 1) return;
        try distributor.claim(epoch, address(this), cumulativeAmount, proof) {
            reentrySucceeded = true;
        } catch (bytes memory reason) {
            reentryError = reason;
        }
    }
}
