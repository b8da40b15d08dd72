import { expect } from "chai";
import fc from "fast-check";
import { BPS, PRECISE_ONE, WAD, mulDivDown, mulDivUp, rpowDown, rpowUp } from "../../protocol/math";

/** Exact x^n / scale^(n−1) as a rational (numerator, denominator) scaled so that value = num / den in units. */
function exactPower(x: bigint, n: bigint, scale: bigint): { num: bigint; den: bigint } {
  if (n === 0n) return { num: scale, den: 1n };
  return { num: x ** n, den: scale ** (n - 1n) };
}

describe("protocol/math", function () {
  it("exports WAD = 1e18 and BPS = 10000", function () {
    expect(WAD).to.equal(1_000_000_000_000_000_000n);
    expect(BPS).to.equal(10_000n);
  });

  describe("mulDivDown / mulDivUp", function () {
    it("round toward zero and away from zero", function () {
      expect(mulDivDown(7n, 3n, 2n)).to.equal(10n);
      expect(mulDivUp(7n, 3n, 2n)).to.equal(11n);
      expect(mulDivUp(4n, 3n, 2n)).to.equal(6n);
      expect(mulDivUp(0n, 3n, 2n)).to.equal(0n);
    });
    it("bracket the exact quotient (property)", function () {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: 1n << 200n }),
          fc.bigInt({ min: 0n, max: 1n << 60n }),
          fc.bigInt({ min: 1n, max: 1n << 100n }),
          (a, b, d) => {
            const down = mulDivDown(a, b, d);
            const up = mulDivUp(a, b, d);
            expect(down * d <= a * b && a * b < (down + 1n) * d).to.equal(true);
            expect(up - down).to.equal((a * b) % d === 0n ? 0n : 1n);
          },
        ),
        { numRuns: 200 },
      );
    });
    it("reject a zero denominator and negative inputs", function () {
      expect(() => mulDivDown(1n, 1n, 0n)).to.throw(RangeError, /denominator/);
      expect(() => mulDivUp(-1n, 1n, 1n)).to.throw(RangeError, /a must be/);
    });
  });

  describe("rpowDown / rpowUp", function () {
    it("are exact on exactly representable powers", function () {
      expect(rpowDown(WAD / 2n, 3n)).to.equal(WAD / 8n);
      expect(rpowUp(WAD / 2n, 3n)).to.equal(WAD / 8n);
      expect(rpowDown(0n, 0n)).to.equal(WAD);
      expect(rpowUp(0n, 5n)).to.equal(0n);
      expect(rpowUp(WAD, 1n << 200n)).to.equal(WAD);
    });

    it("bracket the exact power within n units: 0 ≤ x^n − down < n and 0 ≤ up − x^n < n (property)", function () {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: WAD }), fc.bigInt({ min: 1n, max: 300n }), (x, n) => {
          const { num, den } = exactPower(x, n, WAD); // exact value in units = num / den
          const down = rpowDown(x, n);
          const up = rpowUp(x, n);
          expect(down * den <= num, "down ≤ exact").to.equal(true);
          expect(num < (down + n) * den, "exact < down + n").to.equal(true);
          expect(up * den >= num, "up ≥ exact").to.equal(true);
          expect((up - n) * den < num, "up − n < exact").to.equal(true);
        }),
        { numRuns: 300 },
      );
    });

    it("are non-increasing in n and non-decreasing in x (property, both precisions)", function () {
      fc.assert(
        fc.property(
          fc.constantFrom(WAD, PRECISE_ONE),
          fc.bigInt({ min: 0n, max: WAD }),
          fc.bigInt({ min: 0n, max: 1n << 40n }),
          fc.bigInt({ min: 0n, max: 1000n }),
          (scale, xWad, n, dx) => {
            const x = (xWad * scale) / WAD;
            const x2 = x + dx > scale ? scale : x + dx;
            for (const pow of [rpowDown, rpowUp]) {
              expect(pow(x, n + 1n, scale) <= pow(x, n, scale), `${pow.name} n`).to.equal(true);
              expect(pow(x2, n, scale) >= pow(x, n, scale), `${pow.name} x`).to.equal(true);
            }
          },
        ),
        { numRuns: 300 },
      );
    });

    it("reject a base above 1.0 and a scale above 1e36", function () {
      expect(() => rpowDown(WAD + 1n, 2n)).to.throw(RangeError, /rpow base/);
      expect(() => rpowUp(1n, 2n, PRECISE_ONE + 1n)).to.throw(RangeError, /rpow scale/);
    });
  });
});
