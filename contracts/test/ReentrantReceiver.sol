// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @title ReentrantReceiver
/// @notice Test double: a device owner contract that, when it receives an ERC-721, calls back into other contracts
/// (registry, staking, token) with scripted calls. Each scripted call's outcome is recorded, not bubbled, so the
/// receipt itself succeeds and the test can assert what the reentrant calls could and could not do.
// solhint-disable gas-indexed-events
contract ReentrantReceiver is IERC721Receiver {
    /// @notice A scripted call.
    struct Call {
        address target;
        bytes data;
    }

    /// @notice Outcome of a scripted call made from `onERC721Received`.
    event CallbackResult(uint256 indexed index, bool success, bytes returnData);

    /// @notice Calls still to run on the next receipt (run once, then cleared).
    Call[] private _pending;
    /// @notice Success flag of each call run by the last receipt.
    bool[] public lastSuccess;
    /// @notice Return or revert data of each call run by the last receipt.
    bytes[] public lastReturnData;

    /// @notice Scripts the calls to make on the next receipt.
    function setCallbacks(Call[] calldata calls) external {
        delete _pending;
        for (uint256 i = 0; i < calls.length; ++i) _pending.push(calls[i]);
    }

    /// @notice Makes a call as this contract (e.g. approve, stake or requestUnstake outside a callback); bubbles
    /// reverts.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory returnData) = target.call(data);
        if (!success) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(returnData, 0x20), mload(returnData))
            }
        }
        return returnData;
    }

    /// @notice Number of calls run by the last receipt.
    function lastCount() external view returns (uint256) {
        return lastSuccess.length;
    }

    /// @inheritdoc IERC721Receiver
    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        Call[] memory calls = _pending;
        delete _pending;
        delete lastSuccess;
        delete lastReturnData;
        for (uint256 i = 0; i < calls.length; ++i) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool success, bytes memory returnData) = calls[i].target.call(calls[i].data);
            lastSuccess.push(success);
            lastReturnData.push(returnData);
            emit CallbackResult(i, success, returnData);
        }
        return IERC721Receiver.onERC721Received.selector;
    }
}
