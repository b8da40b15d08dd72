// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title MockFundingReceiver
/// @notice Test double of the reward distributor: records every `notifyFunding` call and the token balance seen.
contract MockFundingReceiver {
    /// @notice One recorded call.
    struct Funding {
        address caller;
        uint256 epoch;
        uint256 amount;
        uint256 balanceAtCall;
    }

    /// @notice The token whose balance is recorded at each call (zero: none).
    IERC20 public token;
    /// @notice When true, `notifyFunding` reverts (to test that a failing distributor blocks minting atomically).
    bool public shouldRevert;
    Funding[] private _fundings;

    /// @notice A call was rejected because `shouldRevert` is set.
    error MockFundingRejected(uint256 epoch, uint256 amount);

    /// @notice Sets the token whose balance is recorded.
    function setToken(IERC20 token_) external {
        token = token_;
    }

    /// @notice Makes later calls revert (or not).
    function setShouldRevert(bool shouldRevert_) external {
        shouldRevert = shouldRevert_;
    }

    /// @notice Records a funding notification, as `IRewardDistributor.notifyFunding` would receive it.
    function notifyFunding(uint256 epoch, uint256 amount) external {
        if (shouldRevert) revert MockFundingRejected(epoch, amount);
        uint256 balance = address(token) == address(0) ? 0 : token.balanceOf(address(this));
        _fundings.push(Funding({caller: msg.sender, epoch: epoch, amount: amount, balanceAtCall: balance}));
    }

    /// @notice Number of recorded calls.
    function fundingCount() external view returns (uint256) {
        return _fundings.length;
    }

    /// @notice The `index`-th recorded call.
    function fundingAt(uint256 index) external view returns (Funding memory) {
        return _fundings[index];
    }
}
