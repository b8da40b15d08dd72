import { expect } from "chai";
import fc from "fast-check";
import { cellToChildren, gridDisk, latLngToCell } from "h3-js";
import {
  DensityModel,
  HIP17_DEFAULT,
  HIP17_HELIUM,
  type DensityParams,
  type DensityTopology,
} from "../../protocol/density";
import { h3Topology } from "../../protocol/h3";
import { Rng } from "../../simulation/random";
import { H3World } from "../../simulation/world/h3World";
import { THREE_CITY_H3_WORLD } from "../simulation/fixtures/h3World";

/** The first cell whose factor differs in any bit between `a` and `b` (Object.is: −0 ≠ 0, NaN = NaN), or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : a.length;
}

/** Helium's table with every neighbour looked up (max > target somewhere, so occupancy matters at those levels). */
const HELIUM_RAW: DensityParams = { ...HIP17_HELIUM, rollup: "raw" };

/**
 * Real H3 cells around Paris: a disk of resolution-10 cells (shared parents at 9 … 4), some resolution-11 children
 * (so that resolution 10 is not the cells themselves) and scattered cells tens of km away (parents of their own).
 */
function parisCells(): string[] {
  const centre = latLngToCell(48.8566, 2.3522, 10);
  const disk = gridDisk(centre, 6);
  const fine = cellToChildren(disk[3], 11).concat(cellToChildren(disk[40], 11).slice(0, 3));
  const rng = new Rng(5);
  const far = Array.from({ length: 25 }, () => latLngToCell(48.8566 + rng.next() - 0.5, 2.3522 + rng.next() - 0.5, 10));
  return [...disk, ...fine, ...far];
}

interface Case {
  name: string;
  topology: () => DensityTopology | { width: number; height: number };
  params: DensityParams;
}

const CASES: Case[] = [
  { name: "grid 16×16, raw, levels 0/2/4", topology: () => ({ width: 16, height: 16 }), params: HIP17_DEFAULT },
  {
    name: "grid 12×10, clipped, levels 1/2/3 (no identity level)",
    topology: () => ({ width: 12, height: 10 }),
    params: {
      enabled: true,
      rollup: "clipped",
      resolutions: [
        { level: 1, target: 2, max: 5, n: 1 },
        { level: 2, target: 4, max: 12, n: 2 },
        { level: 3, target: 9, max: 20, n: 1 },
      ],
    },
  },
  {
    name: "grid 9×7, raw, levels 1/0 (coarse first), one level with max ≤ target",
    topology: () => ({ width: 9, height: 7 }),
    params: {
      enabled: true,
      resolutions: [
        { level: 1, target: 3, max: 3, n: 1 },
        { level: 0, target: 1, max: 2, n: 0 },
      ],
    },
  },
  {
    name: "H3 near Paris, Helium's table (clipped)",
    topology: () => h3Topology(parisCells(), HIP17_HELIUM),
    params: HIP17_HELIUM,
  },
  {
    name: "H3 near Paris, Helium's table (raw)",
    topology: () => h3Topology(parisCells(), HELIUM_RAW),
    params: HELIUM_RAW,
  },
  {
    name: "H3 world of 3 cities (simulation/world/h3World.ts), Helium's table",
    topology: () => new H3World(THREE_CITY_H3_WORLD, new Rng(7)).topology(HIP17_HELIUM),
    params: HIP17_HELIUM,
  },
];

/**
 * A sequence of per-cell counts, `cells` long: the first mostly 0, some small, a few large (crowded parents at every
 * level); each next one the previous with devices moved (cells emptied, others filled), as between two epochs.
 */
const countSequences = (cells: number) =>
  fc
    .record({
      occupied: fc.double({ min: 0, max: 1, noNaN: true }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      large: fc.boolean(),
      steps: fc.array(fc.record({ moves: fc.integer({ min: 0, max: 8 }), fractional: fc.boolean() }), {
        minLength: 1,
        maxLength: 6,
      }),
    })
    .map(({ occupied, seed, large, steps }) => {
      const rng = new Rng(seed);
      const small = () => Math.floor(rng.next() * 4) + 1;
      let counts = Float64Array.from({ length: cells }, () => {
        if (rng.next() >= occupied * occupied) return 0;
        return large && rng.next() < 0.05 ? Math.floor(rng.next() * 900) : small();
      });
      return steps.map(({ moves, fractional }) => {
        counts = counts.slice();
        for (let m = 0; m < moves; m++) {
          counts[Math.floor(rng.next() * cells)] = 0;
          counts[Math.floor(rng.next() * cells)] += small();
        }
        // fractional counts could sum differently in another order: the model must take the full path for them
        return { counts: fractional ? counts.map((x, i) => (i % 3 === 0 ? x + 0.25 : x)) : counts, fractional };
      });
    });

describe("protocol/density (occupied-only path)", function () {
  for (const c of CASES) {
    it(`gives the full pass's bits call after call on random counts: ${c.name}`, function () {
      const topology = c.topology();
      const occupied = new DensityModel(topology, c.params);
      const full = new DensityModel(topology, c.params);
      const cells = occupied.cells;
      fc.assert(
        // a sequence of calls on the same two models: the occupied-only path keeps state from call to call
        fc.property(countSequences(cells), (calls) => {
          for (const { counts, fractional } of calls) {
            const got = occupied.factors(counts, new Float64Array(cells).fill(NaN), "occupied");
            expect(occupied.lastPath).to.equal(fractional ? "full" : "occupied");
            const want = full.factors(counts, new Float64Array(cells).fill(NaN), "full");
            expect(full.lastPath).to.equal("full");
            const at = firstDifference(got, want);
            expect(at, `cell ${at}: ${got[at]} vs ${want[at]}`).to.equal(-1);
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it("is what `auto` takes for a sparse network, and the full pass for a dense one", function () {
    const model = new DensityModel({ width: 16, height: 16 }, HIP17_DEFAULT);
    const sparse = new Float64Array(256);
    sparse[17] = 4;
    sparse[18] = 1;
    const out = model.factors(sparse, new Float64Array(256));
    expect(model.lastPath).to.equal("occupied");
    expect(out[17]).to.be.lessThan(1);
    model.factors(new Float64Array(256).fill(1), new Float64Array(256));
    expect(model.lastPath).to.equal("full");
    model.factors(sparse, new Float64Array(256), "full");
    expect(model.lastPath).to.equal("full");
  });

  it("gives hand-checked factors on the occupied-only path, including cells without devices", function () {
    // one level of 2×2 blocks on a 4×4 torus: target 1, max 2, N 1; block 0 (cells 0, 1, 4, 5) holds 4 devices
    // and its neighbours none: limit min(2, 1 × max(1 − 1 + 1, 1)) = 1, scale 1/4 for all four cells of the block
    const model = new DensityModel(
      { width: 4, height: 4 },
      { enabled: true, resolutions: [{ level: 1, target: 1, max: 2, n: 1 }] },
    );
    const counts = new Float64Array(16);
    counts[0] = 3;
    counts[5] = 1;
    const out = model.factors(counts, new Float64Array(16), "occupied");
    expect(model.lastPath).to.equal("occupied");
    expect(Array.from(out)).to.deep.equal([0.25, 0.25, 1, 1, 0.25, 0.25, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // the devices move to block 3 (cells 10, 11, 14, 15): block 0 is back to 1
    counts.fill(0);
    counts[15] = 2;
    expect(Array.from(model.factors(counts, new Float64Array(16), "occupied"))).to.deep.equal([
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 1, 1, 0.5, 0.5,
    ]);
  });
});

describe("protocol/density (delta path)", function () {
  for (const c of CASES) {
    it(`gives the full pass's bits call after call on one output: ${c.name}`, function () {
      const topology = c.topology();
      const full = new DensityModel(topology, c.params);
      const cells = full.cells;
      fc.assert(
        // a fresh model per sequence: its first call computes every parent, the next ones only what changed
        fc.property(countSequences(cells), (calls) => {
          const delta = new DensityModel(topology, c.params);
          const out = new Float64Array(cells).fill(NaN);
          for (const { counts } of calls) {
            delta.factors(counts, out, "delta");
            expect(delta.lastPath).to.equal("delta");
            const want = full.factors(counts, new Float64Array(cells).fill(NaN), "full");
            const at = firstDifference(out, want);
            expect(at, `cell ${at}: ${out[at]} vs ${want[at]}`).to.equal(-1);
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it("is what `auto` takes on the same output once few cells change, and keeps it through other outputs", function () {
    const model = new DensityModel({ width: 16, height: 16 }, HIP17_DEFAULT);
    const counts = new Float64Array(256).fill(1);
    const out = new Float64Array(256);
    model.factors(counts, out);
    expect(model.lastPath).to.equal("full");
    counts[17] = 5;
    model.factors(counts, out);
    expect(model.lastPath).to.equal("delta");
    // a scratch output (a what-if) takes the other paths and leaves the delta state alone
    const scratch = new Float64Array(256);
    model.factors(new Float64Array(256).fill(2), scratch);
    expect(model.lastPath).to.equal("full");
    counts[18] = 4;
    model.factors(counts, out);
    expect(model.lastPath).to.equal("delta");
    const want = new DensityModel({ width: 16, height: 16 }, HIP17_DEFAULT).factors(
      counts,
      new Float64Array(256),
      "full",
    );
    expect(firstDifference(out, want)).to.equal(-1);
    // every cell changed: more than DELTA_PATH_MAX_SHARE of them, the full pass
    model.factors(new Float64Array(256).fill(3), out);
    expect(model.lastPath).to.equal("full");
  });
});
