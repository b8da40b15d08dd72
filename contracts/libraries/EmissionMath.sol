// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {PRECISE_ONE, SATURATION_PERIODS, WAD} from "./Constants.sol";

/// @title EmissionMath
/// @notice Fixed-point math and the closed-form cumulative emission of each curve. The rounding direction is in each
/// name. Mirrored operation for operation by `protocol/math.ts` and `protocol/emission.ts`.
library EmissionMath {
    /// @notice ⌊a·b / denominator⌋ with a 512-bit intermediate product (OpenZeppelin `Math.mulDiv`).
    function mulDivDown(uint256 a, uint256 b, uint256 denominator) internal pure returns (uint256) {
        return Math.mulDiv(a, b, denominator);
    }

    /// @notice x^n in fixed point with `scale` as 1.0, every product rounded down (result ≤ exact).
    /// @dev Folds the squares x^(2^i) of the set bits of n into the result from the lowest bit up.
    /// For x ≤ scale: non-increasing in n, non-decreasing in x, and 0 ≤ x^n − result < n units of 1/scale
    /// (docs/emission.md). Precondition: x ≤ scale ≤ 1e36, so every product is < 1e72 < 2^256.
    function rpowDown(uint256 x, uint256 n, uint256 scale) internal pure returns (uint256 result) {
        result = scale;
        uint256 square = x;
        while (n != 0) {
            if (n & 1 != 0) result = (result * square) / scale;
            n >>= 1;
            if (n != 0) square = (square * square) / scale;
        }
    }

    /// @notice x^n in fixed point with `scale` as 1.0, every product rounded up (result ≥ exact).
    /// @dev Same algorithm as `rpowDown`. For x ≤ scale: non-increasing in n (proof: n → n+1 clears the trailing
    /// ones of n and sets the next bit j; the fold is monotone in its running value, so it suffices that
    /// rpowUp(x, 2^j − 1) ≥ s_j, which holds by induction on j since ⌈a·s/scale⌉ is monotone in a), non-decreasing
    /// in x, 0 ≤ result − x^n < n units of 1/scale, and ≥ 1 when x ≥ 1. Precondition: x ≤ scale ≤ 1e36.
    function rpowUp(uint256 x, uint256 n, uint256 scale) internal pure returns (uint256 result) {
        result = scale;
        uint256 square = x;
        while (n != 0) {
            if (n & 1 != 0) result = _mulDivUpSmall(result, square, scale);
            n >>= 1;
            if (n != 0) square = _mulDivUpSmall(square, square, scale);
        }
    }

    /// @notice f^k for a wad factor at 36 decimals (1e36 = 1.0), rounded up: `rpowUp(f·1e18, k, 1e36)`.
    /// @param factorWad The factor in wad, ≤ 1e18.
    function periodPowerUp(uint256 factorWad, uint256 periods) internal pure returns (uint256) {
        return rpowUp(factorWad * WAD, periods, PRECISE_ONE);
    }

    /// @notice The per-epoch factor of a decay with half-life `halfLifeEpochs`: the largest f (wad) with
    /// `periodPowerUp(f, halfLifeEpochs) ≤ 0.5e36`, found by bisection on [0, 1e18] (60 steps).
    /// @dev As periodPowerUp ≥ the exact power, f^h ≤ 1/2 exactly: the curve halves at least as fast as stated.
    /// Precondition: halfLifeEpochs ≥ 1 (then 0 satisfies the predicate and 1e18 does not).
    function exponentialFactorWad(uint256 halfLifeEpochs) internal pure returns (uint256 low) {
        uint256 high = WAD;
        while (high - low > 1) {
            uint256 mid = (low + high) / 2;
            // periodPowerUp(mid, h) ≤ 1e36/2, written strictly:
            if (periodPowerUp(mid, halfLifeEpochs) < PRECISE_ONE / 2 + 1) low = mid;
            else high = mid;
        }
    }

    /// @notice Constant curve: min((epoch + 1)·I, cap), without overflow for any epoch.
    function constantCumulative(uint256 initialEmission, uint256 cap, uint256 epoch) internal pure returns (uint256) {
        // epoch ≥ ⌊cap/I⌋ ⇒ (epoch + 1)·I > cap; otherwise (epoch + 1)·I ≤ cap cannot overflow.
        if (epoch < cap / initialEmission) return (epoch + 1) * initialEmission;
        return cap;
    }

    /// @notice Epochs of a linear curve strictly above the floor: n = ⌈(I − floor) / decrement⌉.
    function linearDecayEpochs(
        uint256 initialEmission,
        uint256 decrement,
        uint256 floor
    ) internal pure returns (uint256) {
        return Math.ceilDiv(initialEmission - floor, decrement);
    }

    /// @notice Σ_{e<n} (I − e·decrement) = n·I − decrement·n(n−1)/2: what a linear curve emits before the floor.
    /// @dev With I < 2^128 and n ≤ I, n·I < 2^256 and decrement·(n−1) < I so the second product fits too.
    function linearDecayTotal(uint256 initialEmission, uint256 decrement, uint256 n) internal pure returns (uint256) {
        if (n == 0) return 0;
        return n * initialEmission - (decrement * (n - 1) * n) / 2;
    }

    /// @notice Linear curve: exact Σ max(I − e·decrement, floor) over 0..epoch, capped.
    /// @param n `linearDecayEpochs(I, decrement, floor)`.
    /// @param decayTotal `linearDecayTotal(I, decrement, n)`.
    function linearCumulative(
        uint256 initialEmission,
        uint256 decrement,
        uint256 floor,
        uint256 cap,
        uint256 n,
        uint256 decayTotal,
        uint256 epoch
    ) internal pure returns (uint256) {
        if (epoch < n) {
            // epoch < n ≤ I < 2^128 and decrement·epoch < I: both products fit in 256 bits.
            return Math.min(cap, (epoch + 1) * initialEmission - (decrement * epoch * (epoch + 1)) / 2);
        }
        if (floor == 0) return Math.min(cap, decayTotal);
        // (epoch − n + 1)·floor > cap when epoch − n ≥ ⌊cap/floor⌋; otherwise it is ≤ cap and the sum fits.
        if (epoch - n < cap / floor) return Math.min(cap, decayTotal + (epoch - n + 1) * floor);
        return cap;
    }

    /// @notice Step curve (exponential is periodEpochs = 1): B(k) = ⌊I·P·(1 − g_k) / (1 − f)⌋ at period boundaries,
    /// linear interpolation rounded down inside a period, capped.
    /// @param perPeriod I·P (< 2^192 by the parameter bounds).
    /// @param factorWad f in wad, in (0, MAX_FACTOR_WAD].
    function stepCumulative(
        uint256 perPeriod,
        uint256 factorWad,
        uint256 periodEpochs,
        uint256 cap,
        uint256 epoch
    ) internal pure returns (uint256) {
        uint256 denominator = (WAD - factorWad) * WAD; // (1 − f) at 36 decimals
        uint256 k = epoch / periodEpochs;
        // From SATURATION_PERIODS on the power is 1 (see Constants.sol): the curve is flat.
        if (k > SATURATION_PERIODS - 1) return Math.min(cap, mulDivDown(perPeriod, PRECISE_ONE - 1, denominator));
        uint256 start = mulDivDown(perPeriod, PRECISE_ONE - periodPowerUp(factorWad, k), denominator);
        if (start < cap) {
            uint256 end = mulDivDown(perPeriod, PRECISE_ONE - periodPowerUp(factorWad, k + 1), denominator);
            return Math.min(cap, start + mulDivDown(end - start, (epoch % periodEpochs) + 1, periodEpochs));
        }
        return cap;
    }

    /// @dev ⌈a·b / d⌉ for a·b < 2^256 (the rpow operands are ≤ 1e36).
    function _mulDivUpSmall(uint256 a, uint256 b, uint256 d) private pure returns (uint256) {
        uint256 product = a * b;
        // product ≥ 1 in the else branch, so product − 1 cannot underflow; the quotient is < 2^256 − 1.
        unchecked {
            return product == 0 ? 0 : (product - 1) / d + 1;
        }
    }
}
