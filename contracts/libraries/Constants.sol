// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @dev 1.0 in 18-decimal fixed point ("wad"). Factors such as `factorWad` use it.
uint256 constant WAD = 1e18;

/// @dev 1.0 at 36 decimals: the internal precision of schedule powers. Two values ≤ 1e36 multiply below 2^256.
uint256 constant PRECISE_ONE = 1e36;

/// @dev 100 % in basis points.
uint256 constant BPS = 10_000;

/// @dev Largest schedule cap (2^128 − 1 wei ≈ 3.4e20 tokens): keeps every intermediate product inside uint256.
uint256 constant MAX_CAP = type(uint128).max;

/// @dev Largest per-period decay factor, 1 − 1e-9. Slower decay would let rounding of powers (∝ 1/(1 − f)) grow.
uint256 constant MAX_FACTOR_WAD = 0.999999999e18;

/// @dev Largest step period in epochs.
uint256 constant MAX_PERIOD_EPOCHS = type(uint64).max;

/// @dev Largest half-life in epochs; its derived factor (≈ 1 − 1.39e-9) is ≤ MAX_FACTOR_WAD.
uint256 constant MAX_HALF_LIFE_EPOCHS = 500_000_000;

/// @dev From this many whole periods on, `periodPowerUp(f, k) = 1` for every f ≤ MAX_FACTOR_WAD (it holds for
/// MAX_FACTOR_WAD — tested — and the power is non-decreasing in f, non-increasing in k and ≥ 1), so step and
/// exponential curves are flat from there.
uint256 constant SATURATION_PERIODS = 2 ** 64;
