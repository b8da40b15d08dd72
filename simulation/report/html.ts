/**
 * Lays out a report document as one self-contained HTML file: inline CSS, inline SVG charts, no script, no font,
 * no image and no request to the network (a Content-Security-Policy of `default-src 'none'` says so to the browser).
 */
import type { Cell, ReportDocument, Section, Table } from "./document";
import type { ChartDef } from "./specs";

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** `code` spans written with backticks in document text. */
function inline(s: string): string {
  return escapeHtml(s).replace(/`([^`]+)`/g, "<code>$1</code>");
}

export const CSS = `
:root { color-scheme: light; --ink: #111; --muted: #444; --rule: #ccc; --pass: #e3f1e3; --fail: #f9dede; --marginal: #fcf0cf; --missing: #eee; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: var(--ink); background: #fff; line-height: 1.45; }
body { margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .7rem; padding-bottom: .2rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
p, li { max-width: 60rem; }
.subtitle { color: var(--muted); margin: 0 0 1rem; }
.overall { display: inline-block; font-weight: bold; font-size: 1.1rem; padding: .5rem .8rem; border: 2px solid var(--ink); border-radius: 4px; }
.overall.pass { background: var(--pass); } .overall.fail { background: var(--fail); border-style: double; border-width: 4px; }
.overall.marginal { background: var(--marginal); border-style: dashed; } .overall.missing { background: var(--missing); border-style: dotted; }
.warnings { border-left: 4px solid #b35806; background: #fff6ec; padding: .5rem 1rem; margin: 1rem 0; }
nav.toc ol { columns: 2; padding-left: 1.2rem; margin: .5rem 0; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-size: .92rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; caption-side: top; }
th, td { border: 1px solid var(--rule); padding: .3rem .55rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.outcome { font-weight: bold; white-space: nowrap; }
td.outcome.pass { background: var(--pass); } td.outcome.fail { background: var(--fail); text-decoration: underline; }
td.outcome.marginal { background: var(--marginal); font-style: italic; } td.outcome.missing { background: var(--missing); }
ol.headline li { font-size: 1.08rem; margin: .35rem 0; }
figure.chart { margin: 1.4rem 0 2rem; padding: 0; break-inside: avoid; page-break-inside: avoid; }
.chart-svg svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .92rem; margin: .4rem 0; max-width: 60rem; }
figcaption strong { color: var(--ink); }
details summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; break-inside: avoid; page-break-inside: avoid; }
.pair figure.chart { margin: .4rem 0 1rem; }
.pair .side { font-weight: bold; font-size: .95rem; margin: 0; }
pre { background: #f6f6f6; border: 1px solid var(--rule); padding: .7rem; overflow-x: auto; font-size: .85rem; white-space: pre-wrap; word-break: break-word; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: .9em; }
dl.glossary dt { font-weight: bold; margin-top: .6rem; } dl.glossary dd { margin: .15rem 0 0 1.2rem; max-width: 60rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; word-break: break-all; }
@media (max-width: 60rem) { .pair { grid-template-columns: 1fr; } nav.toc ol { columns: 1; } }
@media print {
  @page { margin: 14mm; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure.chart, table, .pair, pre { break-inside: avoid; page-break-inside: avoid; }
  .chart-svg svg { max-width: 100% !important; height: auto !important; }
  nav.toc { display: none; }
  details > summary { display: none; }
  a { color: inherit; text-decoration: none; }
}
`.trim();

function cellHtml(cell: Cell): string {
  if (typeof cell === "string") {
    const numeric = /^[−+-]?[\d,.]+(%| pp| USD|[kMBT])?( \(.*\))?$/.test(cell);
    return `<td${numeric ? ' class="num"' : ""}>${inline(cell)}</td>`;
  }
  return `<td class="outcome ${cell.outcome}" data-outcome="${cell.outcome}">${escapeHtml(cell.text)}</td>`;
}

export function tableHtml(table: Table, attrs = ""): string {
  const head = table.columns.map((c) => `<th scope="col">${inline(c)}</th>`).join("");
  const body = table.rows.map((r) => `<tr>${r.map(cellHtml).join("")}</tr>`).join("\n");
  return `<table${attrs}>\n<caption>${inline(table.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** SVG prepared for inlining: hidden from assistive technology (the wrapper carries the label) and not focusable. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<svg\b/, '<svg aria-hidden="true" focusable="false"');
}

export function figureHtml(chart: ChartDef, svg: string, label?: string): string {
  const capId = `cap-${chart.id}`;
  const table = tableHtml({
    caption: `Data behind “${chart.title}”`,
    columns: chart.table.columns,
    rows: chart.table.rows,
  });
  return [
    `<figure class="chart" id="chart-${chart.id}" aria-labelledby="${capId}">`,
    label ? `<p class="side">${inline(label)}</p>` : "",
    `<div class="chart-svg" role="img" aria-label="${escapeHtml(`${chart.title}. ${chart.description}`)}">${inlineSvg(svg)}</div>`,
    `<figcaption id="${capId}"><strong>${inline(chart.title)}.</strong> ${inline(chart.description)}</figcaption>`,
    `<details><summary>Data table for “${inline(chart.title)}”</summary>\n${table}\n</details>`,
    `</figure>`,
  ]
    .filter((l) => l !== "")
    .join("\n");
}

function sectionHtml(section: Section, svgs: ReadonlyMap<string, string>): string {
  const parts: string[] = [
    `<section id="${section.id}" aria-labelledby="h-${section.id}">`,
    `<h2 id="h-${section.id}">${inline(section.heading)}</h2>`,
  ];
  for (const p of section.paragraphs ?? []) parts.push(`<p>${inline(p)}</p>`);
  if (section.points) {
    const tag = section.ordered ? "ol" : "ul";
    parts.push(
      `<${tag} class="${section.id}">${section.points.map((p) => `<li>${inline(p)}</li>`).join("\n")}</${tag}>`,
    );
  }
  const tables = section.tables ?? [];
  // The verdict table comes first in its section; chart sections put their tables after the charts.
  if (!section.charts)
    for (const [i, t] of tables.entries())
      parts.push(tableHtml(t, section.id === "verdict" && i === 0 ? ' class="verdict-table" id="verdict-table"' : ""));
  for (const slot of section.charts ?? []) {
    const svgOf = (c: ChartDef) => {
      const svg = svgs.get(c.id);
      if (svg === undefined) throw new Error(`chart "${c.id}" was not rendered`);
      return svg;
    };
    if (slot.charts.length === 1)
      parts.push(figureHtml(slot.charts[0].chart, svgOf(slot.charts[0].chart), slot.charts[0].label));
    else {
      if (slot.heading) parts.push(`<h3>${inline(slot.heading)}</h3>`);
      parts.push(
        `<div class="pair">\n${slot.charts.map((c) => figureHtml(c.chart, svgOf(c.chart), c.label)).join("\n")}\n</div>`,
      );
    }
  }
  if (section.charts) for (const t of tables) parts.push(tableHtml(t));
  for (const block of section.code ?? [])
    parts.push(`<pre aria-label="${escapeHtml(block.label)}"><code>${escapeHtml(block.text)}</code></pre>`);
  if (section.definitions) {
    const cls = section.id === "glossary" ? "glossary" : "facts";
    parts.push(
      `<dl class="${cls}">\n${section.definitions.map((d) => `<dt>${inline(d.term)}</dt><dd>${inline(d.definition)}</dd>`).join("\n")}\n</dl>`,
    );
  }
  parts.push("</section>");
  return parts.join("\n");
}

/** The whole HTML file. `svgs` maps chart id → rendered SVG (ids already made unique per chart). */
export function renderHtml(doc: ReportDocument, svgs: ReadonlyMap<string, string>): string {
  const toc = doc.sections.map((s) => `<li><a href="#${s.id}">${inline(s.heading)}</a></li>`).join("");
  const warnings = doc.warnings.length
    ? `<div class="warnings" role="note"><strong>Read with care:</strong><ul>${doc.warnings.map((w) => `<li>${inline(w)}</li>`).join("")}</ul></div>`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="DePIN Lab governance report">
<title>${escapeHtml(doc.title)}</title>
<style>
${CSS}
</style>
</head>
<body>
<main>
<header>
<h1>${inline(doc.title)}</h1>
${doc.subtitle ? `<p class="subtitle">${inline(doc.subtitle)}</p>` : ""}
<p class="overall ${doc.overall}" data-outcome="${doc.overall}">${inline(doc.overallText)}</p>
${warnings}
<nav class="toc" aria-label="Contents"><ol>${toc}</ol></nav>
</header>
${doc.sections.map((s) => sectionHtml(s, svgs)).join("\n")}
</main>
</body>
</html>
`;
}
