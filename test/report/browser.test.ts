/**
 * Opens the report in Debian's headless chromium (playwright-core) over a tiny HTTP server on 127.0.0.1 and checks
 * what a reviewer sees, in a run, an A/B and a sweep report: no console error or request, every chart sized and
 * captioned, the main charts using most of a 1280-px page, no interval of a bounded metric (shares, leakage, Gini:
 * values in [0, 1]) shown with an end outside [0, 1], the A/B's "what changed" list and group colours, the sweep's
 * frontier, recommended settings and trade-off charts. Skips, saying why, only when /usr/bin/chromium is absent
 * (.ci/run installs it with apt).
 */
import { expect } from "chai";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { writeCompareReport, writeReport } from "../../simulation/report/index";
import { metricInfo } from "../../simulation/report/glossary";
import { GROUP_METRIC_RANGE, METRIC_RANGE, meanInterval } from "../../simulation/measure/metrics";
import { tmpDir, wideReplicates, writeRunFixture, writeSweepFixture } from "./fixtures";

const CHROMIUM = "/usr/bin/chromium";

/** Labels of the metrics whose values lie in [0, 1] (the simulator's "unit" range), headline and per group. */
const BOUNDED_LABELS = [...Object.entries(METRIC_RANGE), ...Object.entries(GROUP_METRIC_RANGE)]
  .filter(([, range]) => range === "unit")
  .map(([key]) => metricInfo(key).label);

/** Main charts at least this share of the content width; a side-by-side pair at least this share together. */
const MAIN_CHART_SHARE = 0.8;

interface ShownInterval {
  metric: string;
  text: string;
  mean: number;
  lo: number;
  hi: number;
}

/**
 * Every interval of a bounded metric the page shows: table cells "mean (lo – hi)" whose row or column names such a
 * metric, and the headline's "leakage; 95% interval lo to hi".
 */
function boundedIntervals(page: Page): Promise<ShownInterval[]> {
  return page.$eval(
    "main",
    (main, labels) => {
      const number = (text: string) => {
        const t = text.trim().replace(/−/g, "-");
        return t.endsWith("%") ? Number(t.slice(0, -1)) / 100 : Number(t);
      };
      const named = (text: string) => labels.find((l) => text === l || text.startsWith(`${l} (`));
      const found: ShownInterval[] = [];
      for (const table of main.querySelectorAll("table")) {
        const headers = [...table.querySelectorAll("thead th")].map((th) => th.textContent?.trim() ?? "");
        for (const row of table.querySelectorAll("tbody tr")) {
          const cells = [...row.children].map((td) => td.textContent?.trim() ?? "");
          const rowMetric = named(cells[0] ?? "");
          cells.forEach((text, j) => {
            const m = /^(\S+) \((\S+) – (\S+)\)$/.exec(text);
            const metric = rowMetric ?? named(headers[j] ?? "");
            if (m && metric) found.push({ metric, text, mean: number(m[1]), lo: number(m[2]), hi: number(m[3]) });
          });
        }
      }
      const leakage = /(\S+) of all device rewards were paid for fake work \(leakage; 95% interval (\S+) to (\S+)\)/g;
      for (const m of (main.textContent ?? "").matchAll(leakage))
        found.push({ metric: "Leakage", text: m[0], mean: number(m[1]), lo: number(m[2]), hi: number(m[3]) });
      return found;
    },
    BOUNDED_LABELS,
  );
}

/** Asserts every bounded interval shown lies in [0, 1] around its mean; returns how many were checked. */
async function expectBoundedIntervalsInRange(page: Page, report: string): Promise<ShownInterval[]> {
  const shown = await boundedIntervals(page);
  for (const i of shown) {
    const what = `${report}: ${i.metric} "${i.text}"`;
    expect([i.mean, i.lo, i.hi].every(Number.isFinite), `${what} parses`).to.equal(true);
    expect(i.lo, `${what}: lower end`).to.be.at.least(0);
    expect(i.hi, `${what}: upper end`).to.be.at.most(1);
    expect(i.lo, `${what}: lower end ≤ mean`).to.be.at.most(i.mean);
    expect(i.hi, `${what}: upper end ≥ mean`).to.be.at.least(i.mean);
  }
  return shown;
}

/**
 * Widths at a 1280-px viewport: each chart on its own (but the square Lorenz curves, whose axes must stay equal)
 * at least MAIN_CHART_SHARE of the content width, and each side-by-side pair together at least that much.
 */
async function expectChartsUseThePage(page: Page, report: string): Promise<number> {
  const { content, single, pairs } = await page.$eval("main", (main) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const style = (globalThis as any).getComputedStyle(main) as { paddingLeft: string; paddingRight: string };
    const width = (fig: typeof main) => fig.querySelector(".chart-svg svg")?.getBoundingClientRect().width ?? 0;
    return {
      content: main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
      single: [...main.querySelectorAll("figure.chart")]
        .filter((fig) => !fig.closest(".pair"))
        .map((fig) => ({ id: fig.id, width: width(fig) })),
      pairs: [...main.querySelectorAll(".pair")].map((pair) =>
        [...pair.querySelectorAll("figure.chart")].reduce((sum, fig) => sum + width(fig), 0),
      ),
    };
  });
  expect(content, `${report}: content width`).to.be.greaterThan(1000);
  const main = single.filter((c) => !c.id.includes("lorenz"));
  expect(main.length, `${report}: main charts`).to.be.greaterThan(0);
  for (const c of main)
    expect(c.width, `${report}: ${c.id} width of ${content}`).to.be.at.least(MAIN_CHART_SHARE * content);
  for (const c of single.filter((c) => c.id.includes("lorenz")))
    expect(c.width, `${report}: ${c.id} width of ${content}`).to.be.at.least(0.5 * content);
  for (const w of pairs)
    expect(w, `${report}: a side-by-side pair's width of ${content}`).to.be.at.least(MAIN_CHART_SHARE * content);
  return main.length;
}
const OUT = path.join(__dirname, "..", "..", "out");

/** Serves one directory read-only; records every request path. */
function serve(root: string): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    const file = path.join(root, path.normalize(decodeURIComponent((req.url ?? "/").split("?")[0])));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": file.endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream",
    });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

describe("report in a browser (headless chromium)", function () {
  this.timeout(90_000);
  let browser: Browser;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log(`    (skipped: ${CHROMIUM} is absent; install it with \`apt-get install -y chromium\`)`);
      this.skip();
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  });

  after(async function () {
    await browser?.close();
  });

  async function check(htmlFile: string, screenshot?: string, pdf?: string, extra?: (page: Page) => Promise<void>) {
    const server = await serve(path.dirname(htmlFile));
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const consoleErrors: string[] = [];
    const urls: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    page.on("request", (r) => urls.push(r.url()));
    try {
      const pageUrl = `${server.url}/${path.basename(htmlFile)}`;
      const response = await page.goto(pageUrl, { waitUntil: "load" });
      expect(response?.status()).to.equal(200);
      expect(consoleErrors, "console errors").to.deep.equal([]);
      expect(urls, "requests besides the page").to.deep.equal([pageUrl]);
      expect(server.requests).to.deep.equal([`/${path.basename(htmlFile)}`]);
      const charts = await page.$$eval("figure.chart", (figs) =>
        figs.map((f) => {
          const svg = f.querySelector(".chart-svg svg");
          const box = svg?.getBoundingClientRect();
          const label = f.querySelector('[role="img"]')?.getAttribute("aria-label") ?? "";
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          const breakInside = (globalThis as any).getComputedStyle(f).breakInside as string;
          return {
            id: f.id,
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            label,
            caption: f.querySelector("figcaption")?.textContent ?? "",
            breakInside,
          };
        }),
      );
      expect(charts.length).to.be.greaterThan(1);
      for (const c of charts) {
        expect(c.width, `${c.id} width`).to.be.greaterThan(100);
        expect(c.height, `${c.id} height`).to.be.greaterThan(50);
        expect(c.label.length, `${c.id} aria-label`).to.be.greaterThan(20);
        expect(c.caption.length, `${c.id} caption`).to.be.greaterThan(20);
        expect(c.breakInside, `${c.id} break-inside`).to.equal("avoid");
      }
      const verdictRows = await page.$$eval(
        "table#verdict-table tbody tr, section#verdict table tbody tr",
        (rows) => rows.length,
      );
      expect(verdictRows, "verdict table rows").to.be.greaterThan(0);
      const report = path.basename(htmlFile);
      await expectChartsUseThePage(page, report);
      const intervals = await expectBoundedIntervalsInRange(page, report);
      expect(intervals.length, `${report}: bounded intervals checked`).to.be.greaterThan(2);
      // near 0, where a Student-t interval of these replicates would have a negative end
      expect(Math.min(...intervals.map((i) => i.mean)), `${report}: smallest bounded mean`).to.be.below(0.05);
      await extra?.(page);
      // Charts fit the page when printed: no SVG wider than an A4 content box.
      await page.emulateMedia({ media: "print" });
      await page.setViewportSize({ width: 718, height: 1000 });
      const widest = await page.$$eval(".chart-svg svg", (svgs) =>
        Math.max(...svgs.map((s) => s.getBoundingClientRect().width)),
      );
      expect(widest).to.be.at.most(718);
      await page.emulateMedia({ media: "screen" });
      await page.setViewportSize({ width: 1280, height: 1000 });
      if (pdf) {
        await page.pdf({ path: pdf, format: "A4", printBackground: true });
        const head = fs.readFileSync(pdf).subarray(0, 5).toString("latin1");
        expect(head).to.equal("%PDF-");
      }
      if (screenshot) {
        fs.mkdirSync(path.dirname(screenshot), { recursive: true });
        await page.screenshot({ path: screenshot, fullPage: false });
      }
      return charts;
    } finally {
      await page.close();
      await server.close();
    }
  }

  it("renders a run report: no console errors, no requests, every chart sized, the verdict table present", async function () {
    // leakage near 0 with widely spread replicates: the simulator's interval stays in [0, 1] where a Student-t would not
    const dir = writeRunFixture(path.join(tmpDir("browser"), "run"), {
      epochs: 60,
      leakage: 0.004,
      simulatorIntervals: true,
    });
    expect(meanInterval(wideReplicates(0.004, 3), "real").lo).to.be.below(0);
    const written = await writeReport(dir);
    const charts = await check(
      written.html,
      path.join(OUT, "report-screenshot.png"),
      path.join(OUT, "report-print.pdf"),
    );
    expect(charts).to.have.length(written.charts);
    expect(fs.statSync(path.join(OUT, "report-screenshot.png")).size).to.be.greaterThan(10_000);
  });

  it("renders an A/B report the same way, opening with what changed, each group one colour on both sides", async function () {
    const base = tmpDir("browser");
    const a = writeRunFixture(path.join(base, "a"), { leakage: 0.08, spread: 0.01, simulatorIntervals: true });
    // the proposal deters one farmer group entirely: the groups left must keep their status-quo colours
    const b = writeRunFixture(path.join(base, "b"), {
      leakage: 0.02,
      minBond: 400,
      omitAgent: "sybil",
      simulatorIntervals: true,
    });
    await check(
      (await writeCompareReport(a, b, { out: path.join(base, "ab.html"), markdown: false })).html,
      path.join(OUT, "report-compare-screenshot.png"),
      undefined,
      async (page) => {
        const changes = await page.$$eval("section#changes table tbody tr", (rows) =>
          rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent?.trim())),
        );
        expect(changes, "the 'what changed' list").to.deep.include(["staking.minBond", "100", "400"]);
        const firstSection = await page.$eval("main section", (el) => el.id);
        expect(firstSection, "the report opens with what changed").to.equal("changes");
        // both sides' intervals are shown: the status quo's and the proposal's columns of the verdict table
        const sides = await page.$$eval("table#verdict-table tbody tr", (rows) =>
          rows.map((r) => [r.children[2]?.textContent ?? "", r.children[4]?.textContent ?? ""]),
        );
        expect(sides.flat().filter((t) => t.includes(" – ")).length, "intervals on both sides").to.be.greaterThan(3);
        // each side-by-side pair: every legend entry both sides show has the same colour on both
        const pairs = await page.$$eval(".pair", (divs) =>
          divs.map((div) =>
            [...div.querySelectorAll("figure.chart")].map((fig) =>
              [...fig.querySelectorAll(".role-legend-symbol")].map((sym) => {
                const shape = sym.querySelector("path");
                const label = sym.parentElement?.querySelector(".role-legend-label text")?.textContent ?? "";
                const fill = shape?.getAttribute("fill") ?? "";
                return [
                  label,
                  fill && fill !== "none" && fill !== "transparent" ? fill : shape?.getAttribute("stroke"),
                ];
              }),
            ),
          ),
        );
        expect(pairs.length).to.be.greaterThan(0);
        let compared = 0;
        for (const [left, right] of pairs) {
          const colours = new Map(left.map(([label, colour]) => [label, colour]));
          for (const [label, colour] of right) {
            if (!colours.has(label)) continue;
            expect(colour, `legend colour of ${label}`).to.equal(colours.get(label));
            compared++;
          }
        }
        expect(compared, "legend entries compared").to.be.greaterThan(4);
      },
    );
  });

  it("renders a sweep report: frontier, recommended settings and the trade-off charts", async function () {
    const dir = writeSweepFixture(path.join(tmpDir("browser"), "sweep"), { simulatorIntervals: true });
    const charts = await check(
      (await writeReport(dir, { markdown: false })).html,
      path.join(OUT, "report-sweep-screenshot.png"),
      undefined,
      async (page) => {
        const section = (id: string) =>
          page.$eval(`section#${id}`, (el) => ({
            heading: el.querySelector("h2")?.textContent ?? "",
            text: [...el.querySelectorAll("p")].map((p) => p.textContent ?? "").join(" "),
            rows: [...el.querySelectorAll("table tbody tr")].map((r) =>
              [...r.children].map((td) => td.textContent?.trim() ?? ""),
            ),
            charts: [...el.querySelectorAll("figure.chart")].map((f) => f.id),
          }));
        const frontier = await section("frontier");
        expect(frontier.heading).to.match(/frontier/i);
        // a frontier table, or a sentence saying why there is none (here: the settings next to the one that
        // passes are marginal, not failing)
        expect(frontier.rows.length > 0 || /^The frontier is empty\b/.test(frontier.text), frontier.text).to.equal(
          true,
        );
        const recommended = await section("recommended");
        expect(recommended.heading).to.match(/recommended/i);
        expect(recommended.rows.length, "recommended settings").to.be.greaterThan(0);
        expect(recommended.rows[0][0], "ranked from 1").to.equal("1");
        // every recommended setting shows a leakage interval inside [0, 1]
        expect(recommended.rows.every((r) => r.some((c) => / \(.+ – .+\)$/.test(c)))).to.equal(true);
      },
    );
    const ids = charts.map((c) => c.id);
    expect(ids, "leakage heatmap").to.include("chart-sweep-heatmap-leakage");
    expect(ids, "a trade-off heatmap (honest ROI)").to.include("chart-sweep-heatmap-honestRoi");
    expect(ids, "frontier chart").to.include("chart-sweep-frontier");
  });
});
