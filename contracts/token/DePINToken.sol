// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IDePINToken} from "../interfaces/IDePINToken.sol";

/// @title DePINToken
/// @notice Hard-capped ERC-20 with Permit. Only its deployer (the emission controller) can mint.
/// @dev No ERC20Votes: nothing in the system reads votes (governance is a TimelockController with named proposers),
/// and its transfer hook cost every transfer two cold `delegates` reads (4,200 gas on each reward claim and stake).
/// A token-voting Governor would wrap this token (OpenZeppelin `ERC20Wrapper` + `ERC20Votes`), so only voters pay.
contract DePINToken is ERC20, ERC20Burnable, ERC20Capped, ERC20Permit, IDePINToken {
    /// @inheritdoc IDePINToken
    address public immutable minter;

    /// @param name_ ERC-20 name, also the EIP-712 domain name for Permit.
    /// @param symbol_ ERC-20 symbol.
    /// @param cap_ Maximum total supply in wei; zero reverts with OpenZeppelin's `ERC20InvalidCap(0)`.
    constructor(
        string memory name_,
        string memory symbol_,
        uint256 cap_
    ) ERC20(name_, symbol_) ERC20Capped(cap_) ERC20Permit(name_) {
        minter = msg.sender;
    }

    /// @inheritdoc IDePINToken
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert TokenUnauthorizedMinter(msg.sender, minter);
        _mint(to, amount);
    }

    /// @inheritdoc IDePINToken
    function cap() public view override(ERC20Capped, IDePINToken) returns (uint256) {
        return super.cap();
    }

    /// @inheritdoc IDePINToken
    function burn(uint256 amount) public override(ERC20Burnable, IDePINToken) {
        super.burn(amount);
    }

    /// @inheritdoc IDePINToken
    function burnFrom(address account, uint256 amount) public override(ERC20Burnable, IDePINToken) {
        super.burnFrom(account, amount);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Capped) {
        super._update(from, to, value);
    }
}
