import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { writeCompareReport, writeReport } from "../../simulation/report/index";
import { main, parseArgs } from "../../simulation/report/cli";
import { tmpDir, writeRunFixture, writeSweepFixture } from "./fixtures";

/** Every src/href/url(...) target in an HTML file that is not a same-document fragment or an SVG namespace. */
function externalRefs(html: string): string[] {
  const refs = [...html.matchAll(/(?:src|href|xlink:href)\s*=\s*"([^"]*)"|url\(([^)]*)\)|@import/g)].map(
    (m) => m[1] ?? m[2] ?? m[0],
  );
  return refs.filter((r) => !r.startsWith("#"));
}

describe("report files", function () {
  this.timeout(60_000);

  it("writes one self-contained HTML file and a Markdown twin with SVG charts beside it", async function () {
    const dir = writeRunFixture(path.join(tmpDir("files"), "run"));
    const written = await writeReport(dir);
    expect(written.html).to.equal(path.join(dir, "report.html"));
    const html = fs.readFileSync(written.html, "utf8");
    expect(written.htmlBytes).to.equal(Buffer.byteLength(html));
    expect(html).not.to.match(/<script|<link|<img|<iframe|@font-face/i);
    expect(externalRefs(html)).to.deep.equal([]);
    expect(html).to.contain("default-src 'none'");
    // Order of the issue: verdict, three numbers, charts, scenario, glossary, reproduce.
    const order = [
      'id="verdict"',
      'id="headline"',
      'id="charts"',
      'id="scenario"',
      'id="glossary"',
      'id="reproduce"',
    ].map((s) => html.indexOf(s));
    expect(order.every((v) => v > 0)).to.equal(true);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
    expect((html.match(/<figure class="chart"/g) ?? []).length).to.equal(written.charts);
    expect((html.match(/role="img" aria-label="/g) ?? []).length).to.equal(written.charts);
    expect(html).to.contain("0123456789abcdef0123456789abcdef01234567");
    // Markdown twin
    const md = fs.readFileSync(written.markdown!, "utf8");
    const linked = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(linked).to.have.length(written.charts);
    for (const l of linked) {
      const svg = fs.readFileSync(path.join(dir, l), "utf8");
      expect(svg).to.match(/^<svg[^>]*role="img"[^>]*><title id=/);
    }
    expect(md).to.match(/\| Leakage \| ≤ 5% \| 3% \(2\.5% – 3\.5%\) \| \*\*✔ PASS\*\* \|/);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).to.deep.equal([]);
  });

  it("is deterministic: the same inputs give byte-identical files", async function () {
    const a = writeRunFixture(path.join(tmpDir("files"), "run"));
    const b = writeRunFixture(path.join(tmpDir("files"), "run"));
    const wa = await writeReport(a, { out: path.join(a, "r.html") });
    const wb = await writeReport(b, { out: path.join(b, "r.html") });
    // The directory path appears in the reproduce block; remove it before comparing.
    const read = (f: string, dir: string) => fs.readFileSync(f, "utf8").split(dir).join("<dir>");
    expect(read(wa.html, a)).to.equal(read(wb.html, b));
    expect(read(wa.markdown!, a)).to.equal(read(wb.markdown!, b));
  });

  it("says FAIL and names the threshold when leakage misses its limit", async function () {
    const dir = writeRunFixture(path.join(tmpDir("files"), "run"), { leakage: 0.08, spread: 0.01 });
    const written = await writeReport(dir, { markdown: false });
    expect(written.outcome).to.equal("fail");
    const html = fs.readFileSync(written.html, "utf8");
    expect(html).to.match(/<td class="outcome fail" data-outcome="fail">✘ FAIL<\/td>/);
    expect(written.markdown).to.equal(undefined);
  });

  it("A/B: puts both runs side by side and names the thresholds that change verdict", async function () {
    const base = tmpDir("files");
    const quo = writeRunFixture(path.join(base, "status-quo"), {
      leakage: 0.08,
      spread: 0.01,
      scenarioName: "status-quo",
    });
    const prop = writeRunFixture(path.join(base, "proposal"), { leakage: 0.02, scenarioName: "raise-min-bond" });
    const written = await writeCompareReport(quo, prop, { out: path.join(base, "ab.html") });
    const html = fs.readFileSync(written.html, "utf8");
    expect(html).to.contain("1 threshold changes verdict: Leakage FAIL → PASS.");
    expect(html).to.contain("−6 pp (verdict FAIL → PASS)");
    expect(html).to.contain(
      "Rewards paid for fake work (leakage): 8% under the status quo → 2% under the proposal (−6 pp).",
    );
    expect(html).to.contain("Farming does not pay under either.");
    // Time series and the Lorenz curve overlay both runs on one scale; per-class charts stand side by side.
    for (const id of ["ab-leakage", "ab-emission", "ab-supply", "ab-circulating", "ab-price", "ab-lorenz"])
      expect(html).to.contain(`id="chart-${id}"`);
    expect((html.match(/<div class="pair">/g) ?? []).length).to.equal(3);
    expect(written.charts).to.equal(6 + 2 * 3);
    expect(new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1])).size).to.equal(
      [...html.matchAll(/ id="([^"]+)"/g)].length,
    );
  });

  it("writes a sweep report with the heatmap, the frontier chart and the frontier table", async function () {
    const dir = writeSweepFixture(path.join(tmpDir("files"), "sweep"));
    const written = await writeReport(dir);
    const html = fs.readFileSync(written.html, "utf8");
    expect(html).to.contain('id="chart-sweep-heatmap-leakage"');
    expect(html).to.contain('id="chart-sweep-frontier"');
    expect(html).to.match(/\d+ of 12 swept settings pass every fairness threshold/);
    expect(html).to.contain("Frontier: settings that pass every threshold next to a setting that fails or is marginal");
  });

  describe("cli", function () {
    it("parses a run, --out and --compare, and rejects bad arguments", function () {
      expect(parseArgs(["out/x", "--out", "r.html"])).to.deep.equal({
        compare: false,
        dirs: ["out/x"],
        out: "r.html",
        markdown: true,
      });
      expect(parseArgs(["--compare", "a", "b", "--no-markdown"])).to.deep.equal({
        compare: true,
        dirs: ["a", "b"],
        markdown: false,
      });
      expect(() => parseArgs([])).to.throw(/expected one run or sweep directory, got 0/);
      expect(() => parseArgs(["--compare", "a"])).to.throw(/--compare needs two directories/);
      expect(() => parseArgs(["a", "--out", "r.pdf"])).to.throw(/--out must name an \.html file/);
      expect(() => parseArgs(["a", "--bogus"])).to.throw(/unknown option --bogus/);
    });

    it("exits 1 with a message naming the file for unreadable input", async function () {
      const dir = writeRunFixture(path.join(tmpDir("files"), "run"));
      fs.writeFileSync(path.join(dir, "summary.json"), "{}");
      const errors: string[] = [];
      const original = console.error;
      console.error = (m: string) => errors.push(m);
      try {
        expect(await main([dir])).to.equal(1);
        expect(await main([])).to.equal(2);
      } finally {
        console.error = original;
      }
      expect(errors[0]).to.match(/^report: summary\.json: field "schema"/);
    });
  });
});
