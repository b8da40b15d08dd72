import { expect } from "chai";
import fc from "fast-check";
import { CdfSampler, drawFromCdf, Rng } from "../../simulation/random";

/** Cumulative weights of `weights`, summed in order (as the worlds build them). */
function cumulative(weights: readonly number[]): Float64Array {
  const cdf = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => (cdf[i] = acc += w));
  return cdf;
}

describe("simulation/random: CdfSampler draws the index of its specification (drawFromCdf)", function () {
  // zeros (flat runs), tiny rural weights beside huge city ones, and plain ones
  const weight = fc.oneof(
    fc.constant(0),
    fc.double({ min: 1e-9, max: 1e-6, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 1e3, max: 1e9, noNaN: true }),
  );

  it("on random tables, draw after draw, leaving the generator where the search leaves it", function () {
    fc.assert(
      fc.property(fc.array(weight, { minLength: 1, maxLength: 300 }), fc.integer(), (weights, seed) => {
        const cdf = cumulative(weights);
        const sampler = new CdfSampler(cdf);
        const spec = new Rng(seed);
        const fast = new Rng(seed);
        const drawn = Array.from({ length: 200 }, () => sampler.draw(fast));
        const expected = Array.from({ length: 200 }, () => drawFromCdf(cdf, spec));
        expect(drawn).to.deep.equal(expected);
        expect(fast.getState()).to.equal(spec.getState());
      }),
      { numRuns: 200 },
    );
  });

  it("gives every index a draw can land on, and the last one when no weight is positive", function () {
    const cdf = cumulative([1, 0, 2, 0, 0, 3]);
    const sampler = new CdfSampler(cdf);
    const rng = new Rng(9);
    const seen = new Set<number>();
    for (let k = 0; k < 2000; k++) seen.add(sampler.draw(rng));
    expect([...seen].sort()).to.deep.equal([0, 2, 5]);
    expect(new CdfSampler(cumulative([0, 0, 0])).draw(new Rng(1))).to.equal(2);
    expect(() => new CdfSampler(new Float64Array(0))).to.throw(/non-empty/);
  });
});
