import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  gridSize,
  mergeShards,
  parseParam,
  parseShard,
  pointOverrides,
  runSweep,
  shardRange,
  type SweepOptions,
} from "../../simulation/sweep";
import { offChainSummary } from "../../simulation/emissionSpec";
import { readSweep } from "../../simulation/report/inputs";

const TINY = path.join(__dirname, "fixtures", "tiny.yaml");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "sweep-"));
const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), "utf8");

function options(extra: Partial<SweepOptions>): SweepOptions {
  return {
    scenario: TINY,
    params: [parseParam("levers.minBond=1,100,1000"), parseParam("levers.densityScaling.enabled=true,false")],
    base: {},
    workers: 2,
    shard: null,
    quiet: true,
    ...extra,
  };
}

describe("simulation/sweep", function () {
  this.timeout(60_000);

  describe("grid", function () {
    it("is a cartesian product in row-major order (last parameter fastest)", function () {
      const params = [parseParam("a=1,2,3"), parseParam("b=x,y")];
      expect(gridSize(params)).to.equal(6);
      expect(pointOverrides(params, 0)).to.deep.equal({ a: 1, b: "x" });
      expect(pointOverrides(params, 1)).to.deep.equal({ a: 1, b: "y" });
      expect(pointOverrides(params, 5)).to.deep.equal({ a: 3, b: "y" });
    });
    it("splits points into contiguous shards that cover everything once", function () {
      const ranges = [0, 1, 2].map((i) => shardRange(10, parseShard(`${i}/3`)));
      expect(ranges).to.deep.equal([
        [0, 3],
        [3, 6],
        [6, 10],
      ]);
      expect(() => parseShard("3/3")).to.throw(/0 ≤ i < n/);
      expect(() => parseParam("nokey")).to.throw(/key=v1,v2/);
    });
  });

  it("runs every point × replicate on a worker pool, streams rows, then resumes after an interruption", async function () {
    const full = tmp();
    const done = await runSweep(options({ out: full }));
    expect(done.interrupted).to.equal(false);
    const rows = read(full, "sweep.csv").trim().split("\n");
    expect(rows.length).to.equal(1 + 6 * 2);
    expect(rows[0].startsWith("point,replicate,seed,levers.minBond,levers.densityScaling.enabled,leakage")).to.equal(
      true,
    );
    const points = read(full, "sweep-points.csv").trim().split("\n");
    expect(points.length).to.equal(1 + 6);
    expect(points[0]).to.include("leakage_mean,leakage_lo,leakage_hi");
    // replicate r has the same seed at every point (common random numbers)
    const seeds = rows.slice(1).map((r) => r.split(",").slice(1, 3).join(":"));
    expect(new Set(seeds).size).to.equal(2);

    // interrupted after 2 points, then resumed: same bytes as the uninterrupted sweep
    const resumed = tmp();
    const part = await runSweep(options({ out: resumed, stopAfterPoints: 2 }));
    expect(part.interrupted).to.equal(true);
    expect(fs.existsSync(path.join(resumed, "sweep.partial.csv"))).to.equal(true);
    expect(read(resumed, "sweep.partial.csv").trim().split("\n").length).to.equal(1 + 2 * 2);
    const rest = await runSweep(options({ out: resumed }));
    expect(rest.interrupted).to.equal(false);
    expect(read(resumed, "sweep.csv")).to.equal(read(full, "sweep.csv"));
    expect(read(resumed, "sweep-points.csv")).to.equal(read(full, "sweep-points.csv"));

    // shards merged give the same tables
    const shards = [0, 1].map(() => tmp());
    for (const [i, dir] of shards.entries())
      await runSweep(options({ out: dir, shard: parseShard(`${i}/2`), workers: 1 }));
    const merged = tmp();
    mergeShards([shards[1], shards[0]], merged);
    expect(read(merged, "sweep.csv")).to.equal(read(full, "sweep.csv"));
    expect(read(merged, "sweep-points.csv")).to.equal(read(full, "sweep-points.csv"));
    expect(() => mergeShards([shards[0]], tmp())).to.throw(/missing/);
  });

  it("records, prints in the report and merges the points a --param makes simulation only", async function () {
    const constant = { curve: "constant", initialEmission: "1000", cap: 1_000_000 };
    const formula = { curve: "formula", formula: "1000", cap: 1_000_000 };
    const params = [
      { key: "emission", values: [constant, formula] },
      { key: "levers.minBond", values: [1, 100] },
    ];
    const whole = tmp();
    const { manifest } = await runSweep(options({ out: whole, params, base: { runs: 1 } }));
    expect(manifest.offChainPoints?.map((p) => p.point)).to.deep.equal([2, 3]);
    expect(manifest.offChainPoints?.[0].reason).to.match(/emission\.formula/);
    expect(JSON.parse(read(whole, "sweep.json")).offChainPoints).to.deep.equal(manifest.offChainPoints);
    const report = readSweep(whole);
    expect(report.warnings).to.include(`${offChainSummary(manifest.offChainPoints ?? [], 4)}.`);
    expect(report.warnings.join(" ")).to.match(/2 of 4 sweep points are simulation only/);

    const shards = [0, 1].map(() => tmp());
    for (const [k, out] of shards.entries())
      await runSweep(options({ out, params, base: { runs: 1 }, shard: parseShard(`${k}/2`) }));
    expect(JSON.parse(read(shards[0], "sweep.json")).offChainPoints).to.equal(undefined);
    expect(mergeShards(shards, tmp()).offChainPoints).to.deep.equal(manifest.offChainPoints);

    const onChain = await runSweep(options({ out: tmp(), params: [params[1]], base: { runs: 1 } }));
    expect(onChain.manifest).to.not.have.property("offChainPoints");
  });

  it("refuses a grid with an invalid point before running anything", async function () {
    const out = tmp();
    let error: Error | undefined;
    try {
      await runSweep(options({ out, params: [parseParam("agents[0].count=10,-5")] }));
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/sweep point 1 .*agents\[0\]\.count/s);
    expect(fs.readdirSync(out)).to.deep.equal([]);
  });
});
