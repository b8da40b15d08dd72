// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Compiles OpenZeppelin's TimelockController so the emission tests can deploy the real governance path.
// solhint-disable-next-line no-unused-import
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
