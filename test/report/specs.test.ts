import { expect } from "chai";
import path from "node:path";
import { readRun, readSweep } from "../../simulation/report/inputs";
import {
  FONT,
  ROLE_AREA_COLOURS,
  ROLE_LINE_COLOURS,
  STROKE_DASHES,
  binEpochs,
  frontier,
  giniFromLorenz,
  groupStyles,
  pointOutcome,
  runCharts,
  sweepCharts,
  type ChartDef,
} from "../../simulation/report/specs";
import { renderSvg } from "../../simulation/report/render";
import type { EpochRow, SweepPoint } from "../../simulation/report/model";
import type { Threshold } from "../../simulation/report/verdicts";
import { tmpDir, writeRunFixture, writeSweepFixture } from "./fixtures";

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const c = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** Every position-encoding channel of a (possibly layered / concatenated) spec. */
function axisEncodings(spec: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    const enc = n.encoding as Record<string, Record<string, unknown>> | undefined;
    if (enc) for (const ch of ["x", "y"]) if (enc[ch] && enc[ch].field) out.push(enc[ch]);
    for (const key of ["layer", "hconcat", "vconcat"]) if (Array.isArray(n[key])) (n[key] as unknown[]).forEach(visit);
  };
  visit(spec);
  return out;
}

describe("report chart specs", function () {
  const runDir = writeRunFixture(path.join(tmpDir("specs"), "run"));
  const run = readRun(runDir);
  const charts = runCharts(run);

  it("draws every chart the issue lists for a run", function () {
    expect(charts.map((c) => c.id)).to.deep.equal([
      "emission",
      "supply",
      "rewards-by-group",
      "leakage",
      "capture",
      "roi-payback",
      "lorenz",
      "price",
      "circulating",
    ]);
  });

  it("gives every chart a title, a description, a data table and a system font", function () {
    for (const c of charts) {
      expect(c.spec.title, c.id).to.be.a("string").and.not.empty;
      expect(c.description.length, c.id).to.be.greaterThan(40);
      expect(c.table.columns.length, c.id).to.be.greaterThan(1);
      expect(c.table.rows.length, c.id).to.be.greaterThan(0);
      for (const row of c.table.rows) expect(row).to.have.length(c.table.columns.length);
      expect((c.spec.config as { font: string }).font).to.equal(FONT);
    }
  });

  it("labels every axis that has an explicit title with a unit in parentheses", function () {
    for (const c of charts) {
      const titled = axisEncodings(c.spec).filter((e) => typeof e.title === "string");
      expect(titled.length, `${c.id} has titled axes`).to.be.greaterThan(0);
      for (const e of titled) if (e.title !== "Agent group") expect(e.title as string, c.id).to.match(/\(.+\)/);
    }
  });

  it("uses inline data only (no url anywhere in a spec)", function () {
    for (const c of charts) expect(JSON.stringify(c.spec), c.id).not.to.match(/"url"\s*:/);
  });

  it("stacks rewards by class in class order, honest classes first", function () {
    const stacked = charts.find((c) => c.id === "rewards-by-group")!;
    const enc = (stacked.spec as { encoding: { y: { stack: string }; color: { scale: { domain: string[] } } } })
      .encoding;
    expect(enc.y.stack).to.equal("zero");
    expect(enc.color.scale.domain).to.deep.equal([
      "honest-small (honest)",
      "honest-large (honest)",
      "sybil (farmer)",
      "spoofer (farmer)",
    ]);
  });

  it("draws the leakage threshold as a rule at the scenario's limit", function () {
    const leak = charts.find((c) => c.id === "leakage")!;
    expect(JSON.stringify(leak.spec)).to.contain('"limit":0.05');
  });

  it("keeps palettes apart in greyscale: area colours of a role differ in luminance, lines also in dash pattern", function () {
    for (const [role, palette] of Object.entries(ROLE_AREA_COLOURS)) {
      const areas = palette.map(luminance);
      for (let i = 1; i < areas.length; i++) expect(areas[i] - areas[i - 1], `${role} ${i}`).to.be.greaterThan(0.04);
    }
    // honest groups are stacked before farmers, farmers before others: a light end meets a dark start
    const [honest, farmer, other] = (["honest", "farmer", "other"] as const).map((r) =>
      ROLE_AREA_COLOURS[r].map(luminance),
    );
    expect(honest[honest.length - 1] - farmer[0]).to.be.greaterThan(0.3);
    expect(farmer[farmer.length - 1] - other[0]).to.be.greaterThan(0.3);
    const dashes = new Set(STROKE_DASHES.map((d) => d.join(",")));
    expect(dashes.size).to.equal(STROKE_DASHES.length);
    for (const palette of Object.values(ROLE_LINE_COLOURS))
      for (const c of palette) expect(1.05 / (luminance(c) + 0.05), `${c}: contrast on white`).to.be.at.least(3);
  });

  it("ties a group's colours to its role and keeps them in every run it appears in", function () {
    const other: typeof run = {
      ...run,
      groups: [
        ...run.groups.filter((c) => c.kind === "farmer").reverse(),
        ...run.groups.filter((c) => c.kind !== "farmer"),
      ],
    };
    const both = groupStyles(run, other);
    expect(both.map((s) => s.kind)).to.deep.equal(["honest", "honest", "farmer", "farmer"]);
    for (const s of both) expect(ROLE_AREA_COLOURS[s.kind]).to.include(s.fill);
    const scaleOf = (r: typeof run) => {
      const c = runCharts(r, both).find((x) => x.id === "rewards-by-group")!;
      const scale = (c.spec as { encoding: { color: { scale: { domain: string[]; range: string[] } } } }).encoding.color
        .scale;
      return new Map(scale.domain.map((d, i) => [d, scale.range[i]]));
    };
    expect([...scaleOf(other)]).to.deep.equal([...scaleOf(run)]);
    // a run that lacks a group keeps the colours of the others
    const fewer: typeof run = { ...run, groups: run.groups.filter((c) => c.name !== "honest-small") };
    const f = scaleOf(fewer);
    expect(f.has("honest-small (honest)")).to.equal(false);
    for (const [label, colour] of f) expect(colour).to.equal(scaleOf(run).get(label));
  });

  it("bins long series so a chart holds at most 400 points, keeping the last cumulative value", function () {
    const epochs: EpochRow[] = Array.from({ length: 1000 }, (_, epoch) => ({
      epoch,
      emission: 2,
      cumulative: 2 * (epoch + 1),
      rewardsByGroup: { a: 1 },
      captureByGroup: {},
    }));
    const { rows, k } = binEpochs(epochs);
    expect(k).to.equal(3);
    expect(rows.length).to.be.at.most(400);
    expect(rows[rows.length - 1].cumulative).to.equal(2000);
    expect(rows[0].emission).to.equal(2);
    expect(binEpochs(epochs.slice(0, 10)).k).to.equal(1);
  });

  it("computes Gini from a Lorenz curve (0 on the diagonal, ~1 when one takes all)", function () {
    const diag = Array.from({ length: 101 }, (_, i) => ({ population: i / 100, share: i / 100 }));
    expect(giniFromLorenz(diag)).to.be.closeTo(0, 1e-12);
    const allToOne = Array.from({ length: 101 }, (_, i) => ({ population: i / 100, share: i === 100 ? 1 : 0 }));
    expect(giniFromLorenz(allToOne)).to.be.closeTo(0.99, 1e-9);
  });

  describe("sweeps", function () {
    const sweep = readSweep(writeSweepFixture(path.join(tmpDir("specs"), "sweep")));
    const leakLimit: Threshold = { metric: "leakage", label: "Leakage", op: "<=", value: 0.05, unit: "fraction" };

    it("judges a point by the one verdict rule: the whole interval passes, a mean alone is marginal", function () {
      const p: SweepPoint = { params: { a: 1 }, metrics: { leakage: { mean: 0.04, lo: 0.03, hi: 0.045 } } };
      expect(pointOutcome(p, [leakLimit])).to.equal("pass");
      // the mean meets the limit, the interval crosses it
      expect(pointOutcome({ ...p, metrics: { leakage: { mean: 0.04, lo: 0.03, hi: 0.06 } } }, [leakLimit])).to.equal(
        "marginal",
      );
      // one or two replicates: no interval, so no pass
      expect(pointOutcome({ ...p, metrics: { leakage: { mean: 0.04 } } }, [leakLimit])).to.equal("marginal");
      expect(pointOutcome({ ...p, metrics: { leakage: { mean: 0.06, lo: 0.055, hi: 0.07 } } }, [leakLimit])).to.equal(
        "fail",
      );
      expect(pointOutcome({ ...p, metrics: {} }, [leakLimit])).to.equal("missing");
      expect(pointOutcome(p, [])).to.equal("pass");
    });

    it("finds the frontier: passing points with a failing grid neighbour", function () {
      // 3×1 grid: fail, pass, pass → only the middle point is on the frontier.
      const pts: SweepPoint[] = [0.1, 0.04, 0.01].map((leak, i) => ({
        params: { bond: i * 100 },
        metrics: { leakage: { mean: leak, lo: leak * 0.9, hi: leak * 1.1 } },
      }));
      expect(frontier(pts, "bond", undefined, [leakLimit]).map((p) => p.params.bond)).to.deep.equal([100]);
      const edge = frontier(sweep.points, "levers.minBond", "levers.detection.sybil", sweep.thresholds);
      expect(edge.length).to.be.greaterThan(0);
      for (const p of edge) expect(pointOutcome(p, sweep.thresholds)).to.equal("pass");
    });

    it("counts a marginal neighbour as the edge too: one step further the interval no longer meets the threshold", function () {
      // pass, marginal (the mean meets 5%, the interval does not), pass, pass → the two passes beside it
      const pts: SweepPoint[] = [
        { mean: 0.01, lo: 0.009, hi: 0.011 },
        { mean: 0.045, lo: 0.03, hi: 0.06 },
        { mean: 0.01, lo: 0.009, hi: 0.011 },
        { mean: 0.01, lo: 0.009, hi: 0.011 },
      ].map((leakage, i) => ({ params: { bond: i * 100 }, metrics: { leakage } }));
      expect(pointOutcome(pts[1], [leakLimit])).to.equal("marginal");
      expect(frontier(pts, "bond", undefined, [leakLimit]).map((p) => p.params.bond)).to.deep.equal([0, 200]);
    });

    it("draws a leakage heatmap over the two levers and the frontier chart", function () {
      const cs = sweepCharts(sweep);
      expect(cs.map((c) => c.id)).to.deep.equal(["sweep-heatmap-leakage", "sweep-heatmap-honestRoi", "sweep-frontier"]);
      const heat = cs[0].spec as {
        data: { values: unknown[] };
        encoding: { x: { title: string }; y: { title: string } };
      };
      expect(heat.data.values).to.have.length(12);
      expect(heat.encoding.x.title).to.contain("levers.minBond");
      expect(heat.encoding.y.title).to.contain("levers.detection.sybil");
    });
  });

  describe("rendering", function () {
    it("renders every run chart to an SVG with a non-zero size and its title text", async function () {
      this.timeout(60_000);
      const rendered: [ChartDef, string][] = [];
      for (const c of charts) rendered.push([c, await renderSvg(c.spec)]);
      for (const [c, svg] of rendered) {
        const m = /^<svg[^>]*width="(\d+(?:\.\d+)?)"[^>]*height="(\d+(?:\.\d+)?)"/.exec(svg);
        expect(m, c.id).to.not.equal(null);
        expect(Number(m![1]), c.id).to.be.greaterThan(100);
        expect(Number(m![2]), c.id).to.be.greaterThan(100);
        expect(svg, c.id).to.contain(String(c.spec.title).replace(/&/g, "&amp;").slice(0, 20));
        expect(svg, c.id).not.to.match(/https?:\/\/(?!www\.w3\.org)/);
      }
    });
  });
});
