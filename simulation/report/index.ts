/**
 * The governance report: reads a run or sweep directory (or two runs for A/B), renders the charts and writes one
 * self-contained HTML file plus its Markdown twin with the charts as SVG files beside it.
 *
 * Called by `npm run report` (cli.ts) and, at the end of `npm run simulate`, by the simulator through `writeReport`.
 * Output is deterministic: the same inputs give byte-identical files (no clock time except what summary.json records).
 * Every file is written to a temporary name and renamed into place.
 */
import fs from "node:fs";
import path from "node:path";
import { readReportInput, readRun } from "./inputs";
import { compareDocument, documentOf, type CompareOptions, type ReportDocument } from "./document";
import { renderHtml, escapeHtml } from "./html";
import { renderMarkdown } from "./markdown";
import { prefixSvgIds, renderSvg } from "./render";
import type { ChartDef } from "./specs";
import { writeFileAtomic } from "../output";

export interface ReportOptions extends CompareOptions {
  /** HTML file to write; default `<dir>/report.html` (A/B: `<proposal dir>/compare.html`). */
  out?: string;
  /** Also write the Markdown twin beside the HTML file (same name, `.md`). Default true. */
  markdown?: boolean;
}

export interface WrittenReport {
  html: string;
  markdown?: string;
  /** Folder of the Markdown twin's SVG charts. */
  chartDir?: string;
  htmlBytes: number;
  charts: number;
  outcome: ReportDocument["overall"];
}

function chartsOf(doc: ReportDocument): ChartDef[] {
  return doc.sections.flatMap((s) => (s.charts ?? []).flatMap((slot) => slot.charts.map((c) => c.chart)));
}

/** Renders every chart of a document; returns id → SVG with ids made unique per chart. */
export async function renderCharts(doc: ReportDocument): Promise<Map<string, string>> {
  const svgs = new Map<string, string>();
  for (const chart of chartsOf(doc)) {
    if (svgs.has(chart.id)) throw new Error(`two charts share the id "${chart.id}"`);
    try {
      svgs.set(chart.id, prefixSvgIds(await renderSvg(chart.spec), chart.id));
    } catch (err) {
      throw new Error(`chart "${chart.id}" (${chart.title}) failed to render: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return svgs;
}

/** A standalone SVG file for the Markdown twin, carrying its own title and description. */
function standaloneSvg(chart: ChartDef, svg: string): string {
  const title = escapeHtml(chart.title);
  const desc = escapeHtml(chart.description);
  return (
    svg.replace(
      /^<svg\b([^>]*)>/,
      `<svg$1 role="img" aria-labelledby="${chart.id}-title ${chart.id}-desc"><title id="${chart.id}-title">${title}</title><desc id="${chart.id}-desc">${desc}</desc>`,
    ) + "\n"
  );
}

async function writeDocument(doc: ReportDocument, htmlFile: string, markdown: boolean): Promise<WrittenReport> {
  const svgs = await renderCharts(doc);
  const html = renderHtml(doc, svgs);
  writeFileAtomic(htmlFile, html);
  const written: WrittenReport = {
    html: htmlFile,
    htmlBytes: Buffer.byteLength(html),
    charts: svgs.size,
    outcome: doc.overall,
  };
  if (markdown) {
    const base = htmlFile.replace(/\.html?$/i, "");
    const mdFile = `${base}.md`;
    const chartDirName = `${path.basename(base)}-charts`;
    const chartDir = path.join(path.dirname(htmlFile), chartDirName);
    fs.mkdirSync(chartDir, { recursive: true });
    const charts = chartsOf(doc);
    const keep = new Set(charts.map((c) => `${c.id}.svg`));
    for (const old of fs.readdirSync(chartDir))
      if (old.endsWith(".svg") && !keep.has(old)) fs.unlinkSync(path.join(chartDir, old));
    for (const chart of charts)
      writeFileAtomic(path.join(chartDir, `${chart.id}.svg`), standaloneSvg(chart, svgs.get(chart.id)!));
    writeFileAtomic(mdFile, renderMarkdown(doc, chartDirName));
    written.markdown = mdFile;
    written.chartDir = chartDir;
  }
  return written;
}

/**
 * Writes the report of a run or sweep directory: `<dir>/report.html`, `<dir>/report.md` and `<dir>/report-charts/`.
 * This is the function the simulator CLI calls at the end of `npm run simulate`.
 */
export async function writeReport(runDir: string, opts: ReportOptions = {}): Promise<WrittenReport> {
  const report = readReportInput(runDir);
  return writeDocument(documentOf(report), opts.out ?? path.join(runDir, "report.html"), opts.markdown ?? true);
}

/** Writes the A/B report of a proposal against the status quo (two run directories). */
export async function writeCompareReport(
  statusQuoDir: string,
  proposalDir: string,
  opts: ReportOptions = {},
): Promise<WrittenReport> {
  const doc = compareDocument(readRun(statusQuoDir), readRun(proposalDir), { thresholdsFrom: opts.thresholdsFrom });
  return writeDocument(doc, opts.out ?? path.join(proposalDir, "compare.html"), opts.markdown ?? true);
}
