// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IEmissionSchedule
/// @notice An emission curve as pure functions of immutable parameters: the emission `E(e)` of epoch `e` and the
/// cumulative emission `C(e) = E(0) + … + E(e)`, in token wei. There is no clock here; the controller maps time to
/// epochs. The TypeScript twin is `protocol/emission.ts` and agrees to the wei.
/// @dev Definition: every curve is given by a closed-form raw cumulative `R(e)`, non-decreasing in `e`, and
/// `C(e) = min(R(e), cap)`; then `E(e) = C(e) − C(e − 1)` with `C(−1) = 0`. Hence, for every schedule:
/// - `C` is non-decreasing and `C(e) ≤ cap` for every `e` (the cap is never exceeded, emission is 0 after it);
/// - `Σ E(0..e) = C(e)` exactly (telescoping), so minting `E(e)` per epoch mints exactly `C(e)` in total;
/// - evaluation cost is O(log e) (powers by squaring), never a loop over epochs.
/// Curves (I = initialEmission, P = periodEpochs, f = factorWad / 1e18):
/// - Constant: `E = I`.
/// - Linear: `E(e) = max(I − e·decrement, floor)`, exact integer sums.
/// - Step: period `k` (epochs kP … kP+P−1) has the budget `I·P·f^k`; `R` at the end of period k−1 is
///   `B(k) = ⌊I·P·(1 − g_k) / (1 − f)⌋` with `g_k = rpowUp(f, k)` at 36 decimals, and inside a period `R` moves
///   linearly from `B(k)` to `B(k+1)` rounded down, so the epochs of a period get equal amounts ±1 wei.
/// - Exponential: Step with P = 1 and f derived from `halfLifeEpochs` (largest f with f^h ≤ 1/2, see
///   `EmissionMath.exponentialFactorWad`).
/// Rounding: always down against the exact real-number curve with the same factor (never over-emits). Constant and
/// linear are exact; for step and exponential, with `C*` the exact cumulative of `E*(e) = I·f^⌊e/P⌋` and k = ⌊e/P⌋:
/// `0 ≤ min(C*(e), cap) − C(e) < I·P·(k+1) / ((1e18 − factorWad)·1e18) + 2` wei (a few wei for real parameters).
interface IEmissionSchedule {
    /// @notice The curve shapes. The order matches `CURVES` in `protocol/emission.ts`.
    enum Curve {
        Constant,
        Linear,
        Step,
        Exponential
    }

    /// @notice Constructor parameters; names are shared with scenario files and `protocol/emission.ts`.
    /// A parameter the curve does not use must be 0. All amounts in token wei per epoch.
    /// @param curve The curve shape.
    /// @param initialEmission Emission of epoch 0, in (0, cap].
    /// @param cap Total the schedule may ever emit, in (0, 2^128).
    /// @param decrement Linear: decrease per epoch, in (0, initialEmission].
    /// @param floor Linear: the emission never goes below this, in [0, initialEmission].
    /// @param factorWad Step: factor per period in wad, in (0, 0.999999999e18]. Exponential: 0 (derived) or exactly
    /// the derived factor.
    /// @param periodEpochs Step: epochs per period, in [1, 2^64).
    /// @param halfLifeEpochs Exponential: epochs for the emission to halve, in [1, 5e8].
    struct ScheduleParams {
        Curve curve;
        uint256 initialEmission;
        uint256 cap;
        uint256 decrement;
        uint256 floor;
        uint256 factorWad;
        uint256 periodEpochs;
        uint256 halfLifeEpochs;
    }

    /// @notice `cap` is 0 or above `maxCap`.
    error ScheduleInvalidCap(uint256 cap, uint256 maxCap);
    /// @notice `initialEmission` is 0 or above `cap`.
    error ScheduleInvalidInitialEmission(uint256 initialEmission, uint256 cap);
    /// @notice Linear: `decrement` is 0 or above `initialEmission`.
    error ScheduleInvalidDecrement(uint256 decrement, uint256 initialEmission);
    /// @notice Linear: `floor` is above `initialEmission`.
    error ScheduleFloorAboveInitial(uint256 floor, uint256 initialEmission);
    /// @notice Step: `factorWad` is 0 or above `maxFactorWad` (a factor ≥ 1e18 would not decay).
    error ScheduleInvalidFactor(uint256 factorWad, uint256 maxFactorWad);
    /// @notice Step: `periodEpochs` is 0 or above `maxPeriodEpochs`.
    error ScheduleInvalidPeriod(uint256 periodEpochs, uint256 maxPeriodEpochs);
    /// @notice Exponential: `halfLifeEpochs` is 0 or above `maxHalfLifeEpochs`.
    error ScheduleInvalidHalfLife(uint256 halfLifeEpochs, uint256 maxHalfLifeEpochs);
    /// @notice Exponential: a non-zero `factorWad` differs from the one derived from the half-life.
    error ScheduleFactorMismatch(uint256 factorWad, uint256 derivedFactorWad);
    /// @notice A parameter the curve does not use is non-zero.
    error ScheduleParameterNotUsed(Curve curve, string parameter);

    /// @notice The curve shape.
    function curve() external view returns (Curve);

    /// @notice Emission of epoch 0, in wei.
    function initialEmission() external view returns (uint256);

    /// @notice The most this schedule ever emits, in wei.
    function cap() external view returns (uint256);

    /// @notice Linear: decrease per epoch in wei (0 for other curves).
    function decrement() external view returns (uint256);

    /// @notice Linear: the lowest per-epoch emission in wei (0 for other curves).
    function floor() external view returns (uint256);

    /// @notice Step: factor per period; exponential: the derived per-epoch factor; in wad (0 for other curves).
    function factorWad() external view returns (uint256);

    /// @notice Step: epochs per period; exponential: 1; 0 for other curves.
    function periodEpochs() external view returns (uint256);

    /// @notice Exponential: the half-life in epochs (0 for other curves).
    function halfLifeEpochs() external view returns (uint256);

    /// @notice All parameters as resolved at construction (exponential: derived factor, period 1).
    function params() external view returns (ScheduleParams memory);

    /// @notice Emission of `epoch` in wei: `cumulative(epoch) − cumulative(epoch − 1)`; 0 once the cap is reached.
    /// @param epoch Any epoch number, 0 ≤ epoch < 2^256.
    function emission(uint256 epoch) external view returns (uint256);

    /// @notice Total emission of epochs 0..`epoch` inclusive in wei; non-decreasing and never above `cap()`.
    /// @param epoch Any epoch number, 0 ≤ epoch < 2^256.
    function cumulative(uint256 epoch) external view returns (uint256);
}
