/**
 * Opens the report in Debian's headless chromium (playwright-core) over a tiny HTTP server on 127.0.0.1 and checks
 * what a reviewer sees. Skips, saying why, only when /usr/bin/chromium is absent (.ci/run installs it with apt).
 */
import { expect } from "chai";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { writeCompareReport, writeReport } from "../../simulation/report/index";
import { tmpDir, writeRunFixture, writeSweepFixture } from "./fixtures";

const CHROMIUM = "/usr/bin/chromium";
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
    const dir = writeRunFixture(path.join(tmpDir("browser"), "run"), { epochs: 60 });
    const written = await writeReport(dir);
    const charts = await check(
      written.html,
      path.join(OUT, "report-screenshot.png"),
      path.join(OUT, "report-print.pdf"),
    );
    expect(charts).to.have.length(written.charts);
    expect(fs.statSync(path.join(OUT, "report-screenshot.png")).size).to.be.greaterThan(10_000);
  });

  it("renders an A/B report and a sweep report the same way", async function () {
    const base = tmpDir("browser");
    const a = writeRunFixture(path.join(base, "a"), { leakage: 0.08, spread: 0.01 });
    // the proposal deters one farmer group entirely: the groups left must keep their status-quo colours
    const b = writeRunFixture(path.join(base, "b"), { leakage: 0.02, minBond: 400, omitAgent: "sybil" });
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
    await check(
      (await writeReport(writeSweepFixture(path.join(base, "sweep")), { markdown: false })).html,
      path.join(OUT, "report-sweep-screenshot.png"),
    );
  });
});
