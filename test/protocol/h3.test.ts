import { expect } from "chai";
import fc from "fast-check";
import {
  cellToCenterChild,
  cellToChildren,
  cellToParent,
  getPentagons,
  gridDisk,
  gridDistance,
  gridRingUnsafe,
  latLngToCell,
} from "h3-js";
import { DensityModel, HIP17_HELIUM, type DensityParams } from "../../protocol/density";
import { cellOfH3Index, cellOfLatLng, h3CellProblem, h3IndexOf, h3Topology } from "../../protocol/h3";
import { WAD } from "../../protocol/math";

/** Density factors (float64 and WAD) of devices at `cells` (h3-js indexes, one per device) under `params`. */
function factorsOf(cells: string[], params: DensityParams = HIP17_HELIUM): { float: number[]; wad: bigint[] } {
  const topology = h3Topology(cells, params);
  const model = new DensityModel(topology, params);
  const counts = new Float64Array(model.cells);
  for (const id of topology.givenIds) counts[id]++;
  const float = model.factors(counts, new Float64Array(model.cells));
  const wad = model.factorsWad(counts);
  return {
    float: Array.from(topology.givenIds, (id) => float[id]),
    wad: Array.from(topology.givenIds, (id) => wad[id]),
  };
}

/** A resolution-12 cell inside `parent` (its centre child). */
const deviceIn = (parent: string) => cellToCenterChild(parent, 12);

describe("protocol/h3", function () {
  describe("on-chain cells", function () {
    it("round-trips uint64 ↔ h3-js index and refuses what is not an H3 cell at the minimum resolution", function () {
      const index = latLngToCell(48.8566, 2.3522, 12); // Paris
      const cell = cellOfH3Index(index);
      expect(h3IndexOf(cell)).to.equal(index);
      expect(cellOfLatLng(48.8566, 2.3522, 12)).to.equal(cell);
      expect(h3CellProblem(cell, 11)).to.equal(undefined);
      expect(h3CellProblem(cell, 12)).to.equal(undefined);
      expect(h3CellProblem(cell, 13)).to.equal("cell-too-coarse");
      for (const bad of [0n, 5n, 4095n, (1n << 64n) - 1n, 1n << 64n, -1n, cell + 1n]) {
        expect(h3CellProblem(bad, 0), `cell ${bad}`).to.equal("cell-invalid");
      }
    });
  });

  describe("topology", function () {
    it("maps cells to the same parents as h3-js cellToParent and neighbours to gridDisk(parent, 1)", function () {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              lat: fc.double({ min: -80, max: 80, noNaN: true }),
              lng: fc.double({ min: -179, max: 179, noNaN: true }),
              res: fc.integer({ min: 10, max: 15 }),
            }),
            { minLength: 1, maxLength: 30 },
          ),
          (points) => {
            const cells = points.map((p) => latLngToCell(p.lat, p.lng, p.res));
            // every neighbour looked up: raw rollup, target 1 < max 2 at every resolution
            const params: DensityParams = {
              enabled: true,
              resolutions: [10, 8, 5].map((level) => ({ level, n: 1, target: 1, max: 2 })),
            };
            const topology = h3Topology(cells, params);
            topology.levels.forEach((level) => {
              const parentIndex = new Map<number, string>();
              topology.h3Cells.forEach((cell, id) => {
                const parent = cellToParent(cell, level.level);
                const pid = level.parentOfCell[id];
                if (parentIndex.has(pid)) expect(parentIndex.get(pid)).to.equal(parent);
                parentIndex.set(pid, parent);
              });
              expect(new Set(parentIndex.values()).size).to.equal(level.parentCount);
              const idOfParent = new Map([...parentIndex].map(([id, p]) => [p, id]));
              for (const [pid, parent] of parentIndex) {
                const expected = gridDisk(parent, 1)
                  .filter((q) => q !== parent && idOfParent.has(q))
                  .map((q) => idOfParent.get(q)!)
                  .sort((a, b) => a - b);
                const got = Array.from(level.neighbours.subarray(pid * 6, pid * 6 + 6))
                  .filter((q) => q !== level.parentCount)
                  .sort((a, b) => a - b);
                expect(got).to.deep.equal(expected);
              }
            });
          },
        ),
        { numRuns: 30 },
      );
    });

    it("builds a pentagon's five neighbours and refuses a cell coarser than the finest resolution", function () {
      const pentagon = getPentagons(10)[0];
      const ring = gridDisk(pentagon, 1).filter((q) => q !== pentagon);
      expect(ring).to.have.length(5);
      const cells = [pentagon, ...ring].map(deviceIn);
      const params: DensityParams = { enabled: true, resolutions: [{ level: 10, n: 1, target: 1, max: 2 }] };
      const topology = h3Topology(cells, params);
      const level = topology.levels[0];
      const pid = level.parentOfCell[topology.givenIds[0]];
      const sides = Array.from(level.neighbours.subarray(pid * 6, pid * 6 + 6));
      expect(sides.filter((q) => q === level.parentCount)).to.have.length(1);
      expect(() => h3Topology([latLngToCell(0, 0, 9)], params)).to.throw(/coarser than resolution 10/);
      expect(() => h3Topology(["8c2a100d2d4b1fe"], params)).to.throw(/not a valid H3 cell/);
    });
  });

  describe("HIP-17 on real H3 cells (Helium's parameters)", function () {
    it("a rural hex: one device alone earns the full factor", function () {
      const rural = latLngToCell(64.1466, -21.9426, 12); // Reykjavik outskirts, nobody near
      expect(factorsOf([rural]).wad).to.deep.equal([WAD]);
    });

    it("a dense city block: 3 in one cell get 1/3 (resolution 10 holds one); 2+2 in two cells of one res-9 hex get 1/4", function () {
      const block = latLngToCell(40.758, -73.9855, 12); // Times Square
      const three = factorsOf([block, block, block]);
      expect(three.wad).to.deep.equal([WAD / 3n, WAD / 3n, WAD / 3n]);
      expect(three.float[0]).to.equal(1 / 3);
      // Two resolution-10 hexes of one resolution-9 hex, two devices each: resolution 10 limits each to 1 (× 1/2);
      // the res-9 hex then holds 1 + 1 = 2 with nothing occupied around it: limit min(2, 1 × max(1 − 2 + 1, 1)) = 1
      // (× 1/2). Resolution 8 sees the clipped 1: no scaling.
      const p9 = cellToParent(block, 9);
      const [a, b] = cellToChildren(p9, 10).map(deviceIn);
      const four = factorsOf([a, a, b, b]);
      expect(four.wad).to.deep.equal([WAD / 4n, WAD / 4n, WAD / 4n, WAD / 4n]);
      expect(four.float).to.deep.equal([0.25, 0.25, 0.25, 0.25]);
    });

    it("a ring boundary: occupied res-8 hexes one step away raise the limit, two steps away do not", function () {
      // Hex X (res 8) holds 2 devices in two non-adjacent res-9 children (each alone up to res 9: no scaling there).
      // Res 8 (N 2, target 1, max 4): limit = min(4, max(occupied − 1, 1)); occupied counts X itself and its ring.
      const x = latLngToCell(51.5074, -0.1278, 8); // London
      const children = cellToChildren(x, 9);
      const [c1, c2] = children
        .flatMap((c, i) => children.slice(i + 1).map((d) => [c, d]))
        .find(([c, d]) => gridDistance(c, d) > 1)!;
      const inX = [deviceIn(c1), deviceIn(c2)];
      // Alone: occupied 1, limit 1: each of X's devices gets 1/2.
      expect(factorsOf(inX).wad.slice(0, 2)).to.deep.equal([WAD / 2n, WAD / 2n]);
      // Two occupied hexes on ring 1: occupied 3, limit 2: no scaling of X.
      const ring1 = gridRingUnsafe(x, 1).slice(0, 2).map(deviceIn);
      expect(factorsOf([...inX, ...ring1]).wad).to.deep.equal([WAD, WAD, WAD, WAD]);
      // The same two on ring 2: not neighbours, occupied 1, limit 1: 1/2 again.
      const ring2 = gridRingUnsafe(x, 2).slice(0, 2).map(deviceIn);
      expect(factorsOf([...inX, ...ring2]).wad.slice(0, 2)).to.deep.equal([WAD / 2n, WAD / 2n]);
    });

    it("matches Helium's oracle on its published test population (hex_density.rs simple_scale_check, 4 decimals)", function () {
      // helium/oracles, the HIP-17 version of iot_verifier/src/hex_density.rs: 36 hotspots (live ledger 2022-10-14)
      // in the res-8 hex 882830d341fffff, and the scale Helium's oracle computed for each, rounded to 4 decimals.
      const population = [
        631210990515536895n,
        631210990515536895n,
        631210990515536895n,
        631210990515537919n,
        631210990515537919n,
        631210990515537919n,
        631210990515538431n,
        631210990515564031n,
        631210990515589631n,
        631210990515600383n,
        631210990515601919n,
        631210990515606527n,
        631210990515722239n,
        631210990515722239n,
        631210990515727359n,
        631210990515728895n,
        631210990515739647n,
        631210990515874303n,
        631210990515924479n,
        631210990515987455n,
        631210990516363775n,
        631210990516590079n,
        631210990516612607n,
        631210990516613631n,
        631210990516640767n,
        631210990516876799n,
        631210990516885503n,
        631210990516888063n,
        631210990516907007n,
        631210990516912639n,
        631210990516955647n,
        631210990516996607n,
        631210990517011455n,
        631210990517016575n,
        631210990517144063n,
        631210990517264895n,
      ];
      const helium: Record<string, number> = {
        "631210990515538431": 0.0065,
        "631210990515727359": 0.0091,
        "631210990515924479": 0.0606,
        "631210990515537919": 0.0065,
        "631210990517011455": 0.0152,
        "631210990516885503": 0.0152,
        "631210990516888063": 0.0152,
        "631210990516955647": 0.0455,
        "631210990515728895": 0.0091,
        "631210990517144063": 0.0909,
        "631210990515739647": 0.0091,
        "631210990516640767": 0.0606,
        "631210990515601919": 0.0114,
        "631210990516590079": 0.0606,
        "631210990517264895": 0.0909,
        "631210990515606527": 0.0114,
        "631210990515874303": 0.0606,
        "631210990516613631": 0.0303,
        "631210990515589631": 0.0114,
        "631210990515564031": 0.0455,
        "631210990516612607": 0.0303,
        "631210990516876799": 0.0152,
        "631210990516363775": 0.0909,
        "631210990516907007": 0.0227,
        "631210990516912639": 0.0227,
        "631210990515722239": 0.0091,
        "631210990516996607": 0.0152,
        "631210990515987455": 0.0606,
        "631210990515600383": 0.0114,
        "631210990517016575": 0.0152,
        "631210990515536895": 0.0065,
      };
      const { float, wad } = factorsOf(population.map(h3IndexOf));
      population.forEach((cell, i) => {
        expect(Math.round(float[i] * 10_000) / 10_000, `cell ${cell}`).to.equal(helium[cell.toString()]);
        // the exact path rounds down per resolution: within 1e-15 of the float64 factor
        expect(Math.abs(Number(wad[i]) / 1e18 - float[i])).to.be.lessThan(1e-15);
      });
    });

    it("scales down more as a cell fills (the lever's sign)", function () {
      const block = latLngToCell(35.6595, 139.7005, 12); // Shibuya
      let previous = 2;
      for (let n = 1; n <= 6; n++) {
        const factor = factorsOf(new Array<string>(n).fill(block)).float[0];
        expect(factor).to.be.lessThan(previous);
        previous = factor;
      }
    });
  });
});
