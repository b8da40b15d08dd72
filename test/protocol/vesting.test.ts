import { expect } from "chai";
import fc from "fast-check";
import { EMPTY_STREAM, VestingStream, applyClaim, applyRelease, vestedAmount } from "../../protocol/vesting";
import { BPS } from "../../protocol/math";

const PARAMS = { immediateBps: 2_500n, vestingDuration: 180n * 86_400n };

/**
 * What a claim of `amount` at `at` would have paid by `now` in a stream of its own, exactly (no rounding of the linear
 * part), scaled by the duration D so it stays an integer: immediate × D + locked × min(D, now − at).
 */
function aloneTimesDuration(amount: bigint, at: bigint, now: bigint): bigint {
  const immediate = (amount * PARAMS.immediateBps) / BPS;
  const elapsed = now - at < PARAMS.vestingDuration ? now - at : PARAMS.vestingDuration;
  return immediate * PARAMS.vestingDuration + (amount - immediate) * elapsed;
}

describe("protocol/vesting", function () {
  it("vests linearly and rounds down", function () {
    const stream: VestingStream = { locked: 10n, start: 100n, end: 400n };
    expect(vestedAmount(stream, 100n)).to.equal(0n);
    expect(vestedAmount(stream, 199n)).to.equal(3n); // 10 × 99 / 300 = 3.3
    expect(vestedAmount(stream, 400n)).to.equal(10n);
    expect(vestedAmount(stream, 10_000n)).to.equal(10n);
  });

  it("pays everything at once with immediateBps 10000", function () {
    expect(applyClaim(EMPTY_STREAM, 5n, 7n, { immediateBps: BPS, vestingDuration: 0n })).to.deep.equal({
      paid: 7n,
      stream: EMPTY_STREAM,
    });
  });

  it("rejects a non-positive amount", function () {
    expect(() => applyClaim(EMPTY_STREAM, 0n, 0n, PARAMS)).to.throw(/amount: expected a positive bigint/);
  });

  it("property: claims and releases conserve value and never pay ahead of per-claim schedules", function () {
    const step = fc.record({
      gap: fc.bigInt({ min: 0n, max: 200n * 86_400n }),
      claim: fc.option(fc.bigInt({ min: 1n, max: 10n ** 24n }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let now = 1_000n;
        let stream = EMPTY_STREAM;
        let paid = 0n;
        const claims: { amount: bigint; at: bigint }[] = [];
        for (const { gap, claim } of steps) {
          now += gap;
          const result = claim === undefined ? applyRelease(stream, now) : applyClaim(stream, now, claim, PARAMS);
          if (claim !== undefined) claims.push({ amount: claim, at: now });
          paid += result.paid;
          stream = result.stream;
          const credited = claims.reduce((acc, c) => acc + c.amount, 0n);
          // Conservation: paid + still locked = everything credited.
          expect(paid + stream.locked).to.equal(credited);
          // Never ahead: paid so far ≤ what the claims would have paid in separate exact streams. (Against separately
          // rounded streams the merged one may be ahead by < 1 wei per claim: floor(a + b) ≥ floor(a) + floor(b).)
          const bound = claims.reduce((acc, c) => acc + aloneTimesDuration(c.amount, c.at, now), 0n);
          expect(paid * PARAMS.vestingDuration).to.be.at.most(bound);
        }
        // Everything is paid once the last stream has ended.
        const last = applyRelease(stream, now + PARAMS.vestingDuration);
        expect(paid + last.paid).to.equal(claims.reduce((acc, c) => acc + c.amount, 0n));
      }),
      { seed: 20_240_601, numRuns: 300 },
    );
  });
});
