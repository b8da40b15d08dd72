/**
 * The A/B document: it opens with what the proposal changes, judges both runs by one set of thresholds, and names a
 * threshold stated on one side only; the sweep document's frontier and recommended settings; the supply chart's cap.
 */
import { expect } from "chai";
import path from "node:path";
import { compareDocument, runChanges, sweepDocument } from "../../simulation/report/document";
import { renderHtml } from "../../simulation/report/html";
import { renderMarkdown } from "../../simulation/report/markdown";
import { readRun, readSweep } from "../../simulation/report/inputs";
import { recommendedPoints, supplyChart, sweepHeatmap } from "../../simulation/report/specs";
import { changeText, scenarioChanges } from "../../simulation/report/scenarioDiff";
import type { SweepReport } from "../../simulation/report/model";
import { verdict } from "../../simulation/measure/metrics";
import { tmpDir, writeRunFixture, writeSweepFixture } from "./fixtures";

describe("report: A/B comparison and sweep recommendations", function () {
  describe("#scenarioChanges", function () {
    it("lists every changed leaf by path, with absent values on either side", function () {
      const a = { levers: { minBond: 100, detection: { sybil: 0 } }, agents: [{ count: 5 }], name: "x" };
      const b = { levers: { minBond: 500, detection: { sybil: 0 } }, agents: [{ count: 5 }, { count: 2 }], name: "x" };
      const changes = scenarioChanges(a, b);
      expect(changes).to.deep.equal([
        { path: "levers.minBond", before: 100, after: 500 },
        { path: "agents[1]", before: undefined, after: { count: 2 } },
      ]);
      expect(changes.map(changeText)).to.deep.equal(["levers.minBond 100 → 500", 'agents[1] (absent) → {"count":2}']);
      expect(scenarioChanges(a, structuredClone(a))).to.deep.equal([]);
    });

    it("matches named groups by name (a removed group is one change), and ignores the $schema pointer", function () {
      const small = { name: "honest-small", count: 800 };
      const fleet = { name: "honest-fleet", count: 200 };
      const spoof = { name: "spoof", count: 40 };
      const a = { $schema: undefined, agents: [small, fleet] };
      const b = { $schema: "../scenario.schema.json", agents: [{ ...fleet, count: 250 }, spoof] };
      expect(scenarioChanges(a, b)).to.deep.equal([
        { path: "agents[honest-small]", before: small, after: undefined },
        { path: "agents[honest-fleet].count", before: 200, after: 250 },
        { path: "agents[spoof]", before: undefined, after: spoof },
      ]);
      // unnamed or duplicate names: by index
      expect(scenarioChanges({ l: [{ x: 1 }] }, { l: [{ x: 2 }] })).to.deep.equal([
        { path: "l[0].x", before: 1, after: 2 },
      ]);
    });
  });

  describe("#compareDocument", function () {
    const base = tmpDir("compare");
    const quo = readRun(writeRunFixture(path.join(base, "quo"), { leakage: 0.03, minBond: 100 }));
    const giniEstimate = { mean: 0.117, lo: 0.1, hi: 0.13, sd: 0.01, n: 3 };
    const gini = verdict({ metric: "payEquityGini", comparator: "<=", threshold: 0.3 }, giniEstimate);
    const prop = readRun(
      writeRunFixture(path.join(base, "prop"), {
        leakage: 0.02,
        minBond: 500,
        summaryPatch: (s) => {
          (s.verdicts as unknown[]).push(gini);
          (s.metrics as Record<string, unknown>).payEquityGini = { ...giniEstimate, values: [0.107, 0.117, 0.127] };
        },
      }),
    );

    it("opens with each changed path, status quo → proposal, and names the proposal by it", function () {
      const doc = compareDocument(quo, prop);
      expect(doc.sections[0].id).to.equal("changes");
      const rows = doc.sections[0].tables![0].rows;
      expect(rows).to.deep.include(["staking.minBond", "100", "500"]);
      expect(doc.title).to.match(/^A\/B governance report: fixture-baseline, staking\.minBond 100 → 500/);
      expect(runChanges(quo, quo)).to.deep.equal([]);
      expect(compareDocument(quo, quo).title).to.contain("(no scenario change)");
      // one scenario dump, the status quo's; the proposal is told as its changes
      expect(doc.sections.filter((s) => s.code?.some((c) => c.label === "scenario"))).to.have.length(1);
    });

    it("judges both sides by the status quo's thresholds and names one stated by the proposal only", function () {
      const doc = compareDocument(quo, prop);
      const verdict = doc.sections.find((s) => s.id === "verdict")!;
      const labels = verdict.tables![0].rows.map((r) => r[0]);
      expect(labels).not.to.include("Pay equity (Gini)");
      expect(JSON.stringify(verdict.tables![0].rows)).not.to.contain("MISSING");
      expect(verdict.paragraphs!.join(" ")).to.contain(
        "judged by the status quo's 3 fairness thresholds; the two scenarios do not state the same thresholds:",
      );
      expect(verdict.points).to.deep.equal([
        "Pay equity (Gini): threshold ≤ 0.3 is stated by the proposal only; neither side is judged by it here " +
          "(`npm run report -- --compare … --thresholds-from proposal` judges both sides by it).",
      ]);
    });

    it("says when a threshold judging both sides is stated by the status quo only (the default), in HTML and Markdown", function () {
      // the Gini threshold now on the status quo's side: it judges both runs, and the report says whose it is
      const doc = compareDocument(prop, quo);
      const verdict = doc.sections.find((s) => s.id === "verdict")!;
      const gini = verdict.tables![0].rows.find((r) => r[0] === "Pay equity (Gini)")!;
      expect(gini[1]).to.equal("≤ 0.3 (status quo only)");
      expect(verdict.tables![0].rows.find((r) => r[0] === "Leakage")![1]).to.equal("≤ 5%");
      const note = "Pay equity (Gini): threshold ≤ 0.3 is stated by the status quo only; both sides judged by it.";
      expect(verdict.points).to.deep.equal([note]);
      // both twins list it under the Verdict heading, before the table
      const svgs = new Map(
        doc.sections.flatMap((s) => s.charts ?? []).flatMap((slot) => slot.charts.map((c) => [c.chart.id, "<svg/>"])),
      ) as Map<string, string>;
      const html = renderHtml(doc, svgs);
      const htmlVerdict = html.slice(html.indexOf('<section id="verdict"'), html.indexOf('id="verdict-table"'));
      expect(htmlVerdict).to.contain(`<li>${note}</li>`);
      const md = renderMarkdown(doc, "charts");
      const mdVerdict = md.slice(md.indexOf("## Verdict"), md.indexOf("| Fairness threshold"));
      expect(mdVerdict).to.contain(`- ${note}`);
      // nothing one-sided: one plain sentence and no list
      const same = compareDocument(quo, quo).sections.find((s) => s.id === "verdict")!;
      expect(same.points).to.equal(undefined);
      expect(same.paragraphs!.join(" ")).to.contain(
        "judged by the status quo's 3 fairness thresholds; the proposal states the same ones.",
      );
    });

    it("with --thresholds-from proposal judges both sides by the proposal's, the Gini included on both", function () {
      const doc = compareDocument(quo, prop, { thresholdsFrom: "proposal" });
      const verdict = doc.sections.find((s) => s.id === "verdict")!;
      const gini = verdict.tables![0].rows.find((r) => r[0] === "Pay equity (Gini)")!;
      expect(gini).to.not.equal(undefined);
      expect(gini[1]).to.equal("≤ 0.3 (proposal only)");
      // both runs computed a Gini: each side is judged on its own value (no invented MISSING)
      expect(gini[2]).to.match(/^0\.12/);
      expect(JSON.stringify(gini[3])).to.contain('"outcome":"pass"');
      expect(gini[4]).to.match(/^0\.117/);
      expect(JSON.stringify(gini[5])).to.contain('"outcome":"pass"');
      expect(verdict.paragraphs!.join(" ")).to.contain("judged by the proposal's 4 fairness thresholds;");
      expect(verdict.points).to.deep.equal([
        "Pay equity (Gini): threshold ≤ 0.3 is stated by the proposal only; both sides judged by it.",
      ]);
    });

    it("names both limits when the sides state different limits for one metric", function () {
      const strict = readRun(writeRunFixture(path.join(base, "strict"), { leakage: 0.02, leakageThreshold: 0.01 }));
      const verdict = compareDocument(quo, strict).sections.find((s) => s.id === "verdict")!;
      expect(verdict.points).to.deep.equal([
        "Leakage: the status quo requires ≤ 5%, the proposal ≤ 1%; both sides judged by the status quo's " +
          "(`npm run report -- --compare … --thresholds-from proposal` judges by the proposal's).",
      ]);
      // one row for the metric, judged by the status quo's limit
      expect(verdict.tables![0].rows.filter((r) => r[0] === "Leakage")).to.have.length(1);
    });
  });

  describe("sweeps", function () {
    const sweep = readSweep(writeSweepFixture(path.join(tmpDir("compare"), "sweep")));

    it("recommends exactly the passing settings, best honest ROI first", function () {
      const rec = recommendedPoints(sweep);
      // the verdict rule: the whole interval of every threshold's metric meets it
      const passing = sweep.points.filter((p) =>
        sweep.thresholds.every((t) => {
          const e = p.metrics[t.metric];
          const ends = [e?.lo, e?.hi];
          return ends.every((x) => x !== undefined && (t.op === "<=" ? x <= t.value : x >= t.value));
        }),
      );
      expect(passing.length).to.be.greaterThan(0);
      expect(rec).to.have.length(passing.length);
      for (let i = 1; i < rec.length; i++)
        expect(rec[i - 1].metrics.honestRoi?.mean ?? -Infinity).to.be.at.least(
          rec[i].metrics.honestRoi?.mean ?? -Infinity,
        );
      const doc = sweepDocument(sweep);
      const section = doc.sections.find((s) => s.id === "recommended")!;
      expect(section.tables![0].rows).to.have.length(rec.length);
      expect(section.tables![0].rows[0][0]).to.equal("1");
    });

    it("explains an empty frontier and an empty recommendation", function () {
      const allPass: SweepReport = {
        ...sweep,
        thresholds: sweep.thresholds.map((t) => ({ ...t, value: t.op === "<=" ? 1e9 : -1e9 })),
      };
      const frontier = sweepDocument(allPass).sections.find((s) => s.id === "frontier")!;
      expect(frontier.paragraphs![0]).to.contain("every swept setting passes: the thresholds do not bind");
      expect(frontier.tables).to.deep.equal([]);
      const nonePass: SweepReport = {
        ...sweep,
        thresholds: sweep.thresholds.map((t) => ({ ...t, value: t.op === "<=" ? -1e9 : 1e9 })),
      };
      const doc = sweepDocument(nonePass);
      expect(doc.sections.find((s) => s.id === "frontier")!.paragraphs![0]).to.contain("no swept setting passes");
      expect(doc.sections.find((s) => s.id === "recommended")!.paragraphs![0]).to.contain(
        "none passes every fairness threshold",
      );
    });

    it("a sweep with too few replicates for intervals recommends nothing and says its settings are marginal", function () {
      const meansOnly: SweepReport = {
        ...sweep,
        points: sweep.points.map((p) => ({
          ...p,
          metrics: Object.fromEntries(Object.entries(p.metrics).map(([k, e]) => [k, { mean: e.mean }])),
        })),
      };
      expect(recommendedPoints(meansOnly)).to.deep.equal([]);
      const doc = sweepDocument(meansOnly);
      const verdict = doc.sections.find((s) => s.id === "verdict")!.paragraphs![0];
      expect(verdict).to.match(/^0 of 12 swept settings pass every fairness threshold\. \d+ more are marginal/);
      expect(verdict).to.contain("too few replicates");
      expect(doc.overall).to.equal("marginal");
      const cells = JSON.stringify(sweepHeatmap(meansOnly, "leakage").table.rows.map((r) => r[r.length - 1]));
      expect(cells).to.contain("marginal").and.not.contain('"yes"');
    });

    it("anchors a heatmap's colour scale at the metric's threshold; trade-offs without one keep a sequential scale", function () {
      const scaleOf = (metric: string) =>
        JSON.parse(JSON.stringify(sweepHeatmap(sweep, metric).spec)).layer[0].encoding.color.scale as Record<
          string,
          unknown
        >;
      const leak = scaleOf("leakage");
      expect(leak.domainMid).to.equal(0.05);
      expect(leak.scheme).to.equal("blueorange");
      const [lo, hi] = leak.domain as number[];
      expect(lo).to.be.at.most(0.05);
      expect(hi).to.be.at.least(0.05);
      expect(scaleOf("honestRoi").domainMid).to.equal(undefined);
    });
  });

  describe("supply chart", function () {
    it("draws the cap when the supply comes near it, and says where it is when it would flatten the line", function () {
      const run = readRun(writeRunFixture(path.join(tmpDir("compare"), "run")));
      const far = supplyChart({ ...run, cap: 1e12 });
      expect(JSON.stringify(far.spec)).not.to.contain('"rule"');
      expect(JSON.stringify(far.spec)).to.contain("off the chart");
      expect(far.description).to.contain("is above the chart");
      const near = supplyChart({ ...run, cap: run.epochs[run.epochs.length - 1].cumulative * 1.5 });
      expect(JSON.stringify(near.spec)).to.contain('"rule"');
    });
  });
});
