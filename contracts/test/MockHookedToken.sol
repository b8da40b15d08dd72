// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Receiver side of `MockHookedToken`'s transfer hook.
interface ITokenReceivedHook {
    /// @notice Called by the token after `amount` was credited to the receiver.
    function onTokenReceived(address from, uint256 amount) external;
}

/// @title MockHookedToken
/// @notice Test token with an ERC-777-like hook: after crediting `hookedReceiver` it calls its `onTokenReceived`.
/// @dev Test only: open mint. Lets a test try to re-enter the distributor from inside a payout.
contract MockHookedToken is ERC20 {
    /// @notice The one account whose credits trigger the hook.
    address public hookedReceiver;

    constructor() ERC20("Hooked", "HOOK") {}

    /// @notice Sets the account whose credits trigger the hook.
    function setHookedReceiver(address receiver) external {
        hookedReceiver = receiver;
    }

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (to == hookedReceiver && to != address(0)) ITokenReceivedHook(to).onTokenReceived(from, value);
    }
}
