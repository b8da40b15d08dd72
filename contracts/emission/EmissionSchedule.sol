// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEmissionSchedule} from "../interfaces/IEmissionSchedule.sol";
import {EmissionMath} from "../libraries/EmissionMath.sol";
import {MAX_CAP, MAX_FACTOR_WAD, MAX_HALF_LIFE_EPOCHS, MAX_PERIOD_EPOCHS} from "../libraries/Constants.sol";

/// @title EmissionSchedule
/// @notice One emission curve with immutable parameters (constant, linear, step or exponential decay) and a cap.
/// A change of schedule is a new contract switched in by the controller from a future epoch.
contract EmissionSchedule is IEmissionSchedule {
    /// @inheritdoc IEmissionSchedule
    Curve public immutable curve;
    /// @inheritdoc IEmissionSchedule
    uint256 public immutable initialEmission;
    /// @inheritdoc IEmissionSchedule
    uint256 public immutable cap;
    /// @inheritdoc IEmissionSchedule
    uint256 public immutable decrement;
    /// @inheritdoc IEmissionSchedule
    uint256 public immutable floor;
    /// @inheritdoc IEmissionSchedule
    uint256 public immutable factorWad;
    /// @inheritdoc IEmissionSchedule
    uint256 public immutable periodEpochs;
    /// @inheritdoc IEmissionSchedule
    uint256 public immutable halfLifeEpochs;

    /// @dev Linear: epochs strictly above the floor. Step/exponential: unused.
    uint256 private immutable _linearDecayEpochs;
    /// @dev Linear: total emitted before the floor. Step/exponential: initialEmission · periodEpochs.
    uint256 private immutable _precomputed;

    /// @param p The curve and its parameters; see `IEmissionSchedule.ScheduleParams` for the accepted ranges.
    constructor(ScheduleParams memory p) {
        if (p.cap == 0 || p.cap > MAX_CAP) revert ScheduleInvalidCap(p.cap, MAX_CAP);
        if (p.initialEmission == 0 || p.initialEmission > p.cap) {
            revert ScheduleInvalidInitialEmission(p.initialEmission, p.cap);
        }
        uint256 factor;
        uint256 period;
        uint256 decayEpochs;
        uint256 precomputed;
        if (p.curve == Curve.Constant) {
            _requireUnused(p, p.decrement | p.floor, p.decrement != 0 ? "decrement" : "floor");
            _requireUnused(p, p.factorWad | p.periodEpochs, p.factorWad != 0 ? "factorWad" : "periodEpochs");
            _requireUnused(p, p.halfLifeEpochs, "halfLifeEpochs");
        } else if (p.curve == Curve.Linear) {
            (decayEpochs, precomputed) = _validateLinear(p);
        } else if (p.curve == Curve.Step) {
            (factor, period, precomputed) = _validateStep(p);
        } else {
            (factor, period, precomputed) = _validateExponential(p);
        }
        curve = p.curve;
        initialEmission = p.initialEmission;
        cap = p.cap;
        decrement = p.decrement;
        floor = p.floor;
        factorWad = factor;
        periodEpochs = period;
        halfLifeEpochs = p.halfLifeEpochs;
        _linearDecayEpochs = decayEpochs;
        _precomputed = precomputed;
    }

    /// @inheritdoc IEmissionSchedule
    function params() external view returns (ScheduleParams memory) {
        return
            ScheduleParams({
                curve: curve,
                initialEmission: initialEmission,
                cap: cap,
                decrement: decrement,
                floor: floor,
                factorWad: factorWad,
                periodEpochs: periodEpochs,
                halfLifeEpochs: halfLifeEpochs
            });
    }

    /// @inheritdoc IEmissionSchedule
    function emission(uint256 epoch) external view returns (uint256) {
        if (epoch == 0) return cumulative(0);
        return cumulative(epoch) - cumulative(epoch - 1);
    }

    /// @inheritdoc IEmissionSchedule
    function cumulative(uint256 epoch) public view returns (uint256) {
        if (curve == Curve.Constant) return EmissionMath.constantCumulative(initialEmission, cap, epoch);
        if (curve == Curve.Linear) {
            return
                EmissionMath.linearCumulative(
                    initialEmission,
                    decrement,
                    floor,
                    cap,
                    _linearDecayEpochs,
                    _precomputed,
                    epoch
                );
        }
        return EmissionMath.stepCumulative(_precomputed, factorWad, periodEpochs, cap, epoch);
    }

    /// @dev Linear: checks decrement and floor; returns the epochs above the floor and their total emission.
    function _validateLinear(ScheduleParams memory p) private pure returns (uint256 decayEpochs, uint256 decayTotal) {
        _requireUnused(p, p.factorWad | p.periodEpochs, p.factorWad != 0 ? "factorWad" : "periodEpochs");
        _requireUnused(p, p.halfLifeEpochs, "halfLifeEpochs");
        if (p.decrement == 0 || p.decrement > p.initialEmission) {
            revert ScheduleInvalidDecrement(p.decrement, p.initialEmission);
        }
        if (p.floor > p.initialEmission) revert ScheduleFloorAboveInitial(p.floor, p.initialEmission);
        decayEpochs = EmissionMath.linearDecayEpochs(p.initialEmission, p.decrement, p.floor);
        decayTotal = EmissionMath.linearDecayTotal(p.initialEmission, p.decrement, decayEpochs);
    }

    /// @dev Step: checks factor and period; returns them and the per-period budget I·P.
    function _validateStep(
        ScheduleParams memory p
    ) private pure returns (uint256 factor, uint256 period, uint256 perPeriod) {
        _requireUnused(p, p.decrement | p.floor, p.decrement != 0 ? "decrement" : "floor");
        _requireUnused(p, p.halfLifeEpochs, "halfLifeEpochs");
        factor = p.factorWad;
        period = p.periodEpochs;
        if (factor == 0 || factor > MAX_FACTOR_WAD) revert ScheduleInvalidFactor(factor, MAX_FACTOR_WAD);
        if (period == 0 || period > MAX_PERIOD_EPOCHS) revert ScheduleInvalidPeriod(period, MAX_PERIOD_EPOCHS);
        perPeriod = p.initialEmission * period;
    }

    /// @dev Exponential: checks the half-life, derives (or verifies) the factor; the period is one epoch.
    function _validateExponential(
        ScheduleParams memory p
    ) private pure returns (uint256 factor, uint256 period, uint256 perPeriod) {
        _requireUnused(p, p.decrement | p.floor, p.decrement != 0 ? "decrement" : "floor");
        _requireUnused(p, p.periodEpochs, "periodEpochs");
        if (p.halfLifeEpochs == 0 || p.halfLifeEpochs > MAX_HALF_LIFE_EPOCHS) {
            revert ScheduleInvalidHalfLife(p.halfLifeEpochs, MAX_HALF_LIFE_EPOCHS);
        }
        factor = EmissionMath.exponentialFactorWad(p.halfLifeEpochs);
        if (p.factorWad != 0 && p.factorWad != factor) revert ScheduleFactorMismatch(p.factorWad, factor);
        period = 1;
        perPeriod = p.initialEmission;
    }

    /// @dev Reverts with `ScheduleParameterNotUsed(curve, parameter)` if `value` is non-zero.
    function _requireUnused(ScheduleParams memory p, uint256 value, string memory parameter) private pure {
        if (value != 0) revert ScheduleParameterNotUsed(p.curve, parameter);
    }
}
