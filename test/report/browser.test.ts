/**
 * Opens the report in Debian's headless chromium (playwright-core) over a tiny HTTP server on 127.0.0.1 and checks
 * what a reviewer sees. Skips, saying why, only when /usr/bin/chromium is absent (.ci/run installs it with apt).
 */
import { expect } from "chai";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
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

  async function check(htmlFile: string, screenshot?: string, pdf?: string) {
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
    const b = writeRunFixture(path.join(base, "b"), { leakage: 0.02 });
    await check(
      (await writeCompareReport(a, b, { out: path.join(base, "ab.html"), markdown: false })).html,
      path.join(OUT, "report-compare-screenshot.png"),
    );
    await check(
      (await writeReport(writeSweepFixture(path.join(base, "sweep")), { markdown: false })).html,
      path.join(OUT, "report-sweep-screenshot.png"),
    );
  });
});
