/** fast-check generators of valid emission schedules, shared by the protocol tests and the Solidity parity tests. */
import fc from "fast-check";
import { MAX_CAP, MAX_FACTOR_WAD, type ScheduleParams } from "../../protocol/emission";
import { WAD } from "../../protocol/math";

/** Amounts from 1 wei to ~1e27 wei, biased toward realistic token amounts (1e18..1e26). */
const amount = fc.oneof(
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 1_000_000n }) },
  { weight: 4, arbitrary: fc.bigInt({ min: 10n ** 18n, max: 10n ** 26n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 27n }) },
);

/** Cap as a multiple of the initial emission: from "reached at epoch 0" to "never reached in 1e6 epochs". */
function capFor(initialEmission: bigint, multipleTimes100: bigint): bigint {
  const cap = (initialEmission * multipleTimes100) / 100n;
  if (cap < initialEmission) return initialEmission;
  return cap > MAX_CAP ? MAX_CAP : cap;
}
const capMultiple = fc.oneof(
  fc.bigInt({ min: 100n, max: 1000n }),
  fc.bigInt({ min: 100n, max: 4_000_000n }),
  fc.bigInt({ min: 100n, max: 100_000_000n }),
);

const factorWad = fc.oneof(
  fc.constantFrom(WAD / 2n, (WAD * 85n) / 100n, MAX_FACTOR_WAD, 1n),
  fc.bigInt({ min: 1n, max: MAX_FACTOR_WAD }),
  fc.bigInt({ min: WAD - 10n ** 15n, max: MAX_FACTOR_WAD }),
);

export const constantSchedule: fc.Arbitrary<ScheduleParams> = fc
  .record({ initialEmission: amount, multiple: capMultiple })
  .map(({ initialEmission, multiple }) => ({
    curve: "constant" as const,
    initialEmission,
    cap: capFor(initialEmission, multiple),
  }));

export const linearSchedule: fc.Arbitrary<ScheduleParams> = fc
  .record({
    initialEmission: amount,
    multiple: capMultiple,
    decrementPpm: fc.bigInt({ min: 1n, max: 1_000_000n }),
    floorPpm: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 1_000_000n })),
  })
  .map(({ initialEmission, multiple, decrementPpm, floorPpm }) => {
    const decrement = (initialEmission * decrementPpm) / 1_000_000n;
    return {
      curve: "linear" as const,
      initialEmission,
      cap: capFor(initialEmission, multiple),
      decrement: decrement === 0n ? 1n : decrement,
      floor: (initialEmission * floorPpm) / 1_000_000n,
    };
  });

export const stepSchedule: fc.Arbitrary<ScheduleParams> = fc
  .record({
    initialEmission: amount,
    multiple: capMultiple,
    factorWad,
    periodEpochs: fc.oneof(fc.constantFrom(1n, 52n, 365n, 730n), fc.bigInt({ min: 1n, max: 1000n })),
  })
  .map(({ initialEmission, multiple, factorWad: f, periodEpochs }) => ({
    curve: "step" as const,
    initialEmission,
    cap: capFor(initialEmission, multiple),
    factorWad: f,
    periodEpochs,
  }));

export const exponentialSchedule: fc.Arbitrary<ScheduleParams> = fc
  .record({
    initialEmission: amount,
    multiple: capMultiple,
    halfLifeEpochs: fc.oneof(fc.constantFrom(1n, 2191n, 52_560n), fc.bigInt({ min: 1n, max: 100_000n })),
  })
  .map(({ initialEmission, multiple, halfLifeEpochs }) => ({
    curve: "exponential" as const,
    initialEmission,
    cap: capFor(initialEmission, multiple),
    halfLifeEpochs,
  }));

/** Any valid schedule, the four curves equally likely. */
export const anySchedule: fc.Arbitrary<ScheduleParams> = fc.oneof(
  constantSchedule,
  linearSchedule,
  stepSchedule,
  exponentialSchedule,
);
