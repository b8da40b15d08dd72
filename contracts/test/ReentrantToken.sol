// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {IDePINToken} from "../interfaces/IDePINToken.sol";

/// @title ReentrantToken
/// @notice Test double of the network token with an ERC-777-style transfer hook: on the next balance change it makes
/// one scripted call (e.g. back into Staking) and records the outcome instead of bubbling it. Used to prove that
/// Staking's reentrancy guards hold even against a token that calls back.
contract ReentrantToken is ERC20, ERC20Burnable, IDePINToken {
    /// @inheritdoc IDePINToken
    address public immutable minter;

    address private _hookTarget;
    bytes private _hookData;
    /// @notice Whether the last hook call succeeded.
    bool public lastHookSuccess;
    /// @notice Return or revert data of the last hook call.
    bytes public lastHookReturnData;
    /// @notice Number of hook calls made so far.
    uint256 public hookCalls;

    constructor() ERC20("Reentrant", "RE") {
        minter = msg.sender;
    }

    /// @notice Scripts one call to make on the next transfer, mint or burn.
    function setHook(address target, bytes calldata data) external {
        _hookTarget = target;
        _hookData = data;
    }

    /// @inheritdoc IDePINToken
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert TokenUnauthorizedMinter(msg.sender, minter);
        _mint(to, amount);
    }

    /// @inheritdoc IDePINToken
    function cap() external pure returns (uint256) {
        return type(uint256).max;
    }

    /// @inheritdoc IDePINToken
    function burn(uint256 amount) public override(ERC20Burnable, IDePINToken) {
        super.burn(amount);
    }

    /// @inheritdoc IDePINToken
    function burnFrom(address account, uint256 amount) public override(ERC20Burnable, IDePINToken) {
        super.burnFrom(account, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = _hookTarget;
        if (target == address(0)) return;
        bytes memory data = _hookData;
        delete _hookTarget;
        delete _hookData;
        ++hookCalls;
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory returnData) = target.call(data);
        lastHookSuccess = success;
        lastHookReturnData = returnData;
    }
}
