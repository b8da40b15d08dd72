// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EmissionMath} from "../libraries/EmissionMath.sol";

/// @title EmissionMathHarness
/// @notice Exposes the internal `EmissionMath` functions so tests can compare them with `protocol/math.ts`.
contract EmissionMathHarness {
    /// @notice See `EmissionMath.mulDivDown`.
    function mulDivDown(uint256 a, uint256 b, uint256 denominator) external pure returns (uint256) {
        return EmissionMath.mulDivDown(a, b, denominator);
    }

    /// @notice See `EmissionMath.rpowDown`.
    function rpowDown(uint256 x, uint256 n, uint256 scale) external pure returns (uint256) {
        return EmissionMath.rpowDown(x, n, scale);
    }

    /// @notice See `EmissionMath.rpowUp`.
    function rpowUp(uint256 x, uint256 n, uint256 scale) external pure returns (uint256) {
        return EmissionMath.rpowUp(x, n, scale);
    }

    /// @notice See `EmissionMath.periodPowerUp`.
    function periodPowerUp(uint256 factorWad, uint256 periods) external pure returns (uint256) {
        return EmissionMath.periodPowerUp(factorWad, periods);
    }

    /// @notice See `EmissionMath.exponentialFactorWad`.
    function exponentialFactorWad(uint256 halfLifeEpochs) external pure returns (uint256) {
        return EmissionMath.exponentialFactorWad(halfLifeEpochs);
    }
}
