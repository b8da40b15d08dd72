// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IDePINToken
/// @notice The network's ERC-20 (+ Permit, + Burnable) with a supply cap fixed at deploy.
/// @dev The only account that can mint is the `minter`, fixed forever at construction to the deploying contract
/// (the emission controller). There is no owner, no admin and no other mint path.
interface IDePINToken is IERC20 {
    /// @notice A mint was attempted by an account other than the minter.
    error TokenUnauthorizedMinter(address caller, address minter);

    /// @notice The account allowed to mint: the contract that deployed the token.
    function minter() external view returns (address);

    /// @notice The maximum total supply, fixed at deploy. Burning frees room under the cap.
    function cap() external view returns (uint256);

    /// @notice Mints `amount` to `to`.
    /// @dev Reverts with `TokenUnauthorizedMinter` unless called by the minter and with OpenZeppelin's
    /// `ERC20ExceededCap(increasedSupply, cap)` if the supply would pass the cap.
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` of the caller's tokens.
    function burn(uint256 amount) external;

    /// @notice Burns `amount` of `account`'s tokens using the caller's allowance.
    function burnFrom(address account, uint256 amount) external;
}
