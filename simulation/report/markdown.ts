/**
 * Lays out a report document as Markdown for forum posts: the same sections as the HTML, charts as SVG files in a
 * folder beside the Markdown file (linked relatively), each followed by its description and data table.
 */
import type { Cell, ReportDocument, Section, Table } from "./document";
import type { ChartDef } from "./specs";

/** Escapes the characters that would break a Markdown table cell or start markup. */
function mdCell(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function cellText(cell: Cell): string {
  return typeof cell === "string" ? cell : `**${cell.text}**`;
}

export function tableMarkdown(table: Table): string {
  const lines = [
    `*${table.caption}*`,
    "",
    `| ${table.columns.map(mdCell).join(" | ")} |`,
    `|${table.columns.map(() => "---").join("|")}|`,
    ...table.rows.map((r) => `| ${r.map((c) => mdCell(cellText(c))).join(" | ")} |`),
  ];
  return lines.join("\n");
}

function chartMarkdown(chart: ChartDef, assetDir: string, label?: string): string {
  const alt = `${chart.title}. ${chart.description}`.replace(/[[\]]/g, "");
  return [
    label ? `**${label}**\n` : "",
    `![${alt}](${assetDir}/${chart.id}.svg)`,
    "",
    `*${chart.title}.* ${chart.description}`,
    "",
    tableMarkdown({ caption: `Data behind “${chart.title}”`, columns: chart.table.columns, rows: chart.table.rows }),
  ]
    .filter((l, i) => !(i === 0 && l === ""))
    .join("\n");
}

function sectionMarkdown(section: Section, assetDir: string): string {
  const parts: string[] = [`## ${section.heading}`];
  for (const p of section.paragraphs ?? []) parts.push(p);
  if (section.points)
    parts.push(section.points.map((p, i) => (section.ordered ? `${i + 1}. ${p}` : `- ${p}`)).join("\n"));
  if (!section.charts) for (const t of section.tables ?? []) parts.push(tableMarkdown(t));
  for (const slot of section.charts ?? []) {
    if (slot.heading) parts.push(`### ${slot.heading}`);
    for (const c of slot.charts) parts.push(chartMarkdown(c.chart, assetDir, c.label));
  }
  if (section.charts) for (const t of section.tables ?? []) parts.push(tableMarkdown(t));
  for (const block of section.code ?? []) {
    const fence = block.text.includes("```") ? "~~~~" : "```";
    parts.push(`${fence}${block.label === "scenario" ? "yaml" : "sh"}\n${block.text}\n${fence}`);
  }
  if (section.definitions) parts.push(section.definitions.map((d) => `- **${d.term}**: ${d.definition}`).join("\n"));
  return parts.join("\n\n");
}

/** The Markdown twin. `assetDir` is the chart folder relative to the Markdown file. */
export function renderMarkdown(doc: ReportDocument, assetDir: string): string {
  const parts = [`# ${doc.title}`];
  if (doc.subtitle) parts.push(`_${doc.subtitle}_`);
  parts.push(`> **${doc.overallText}**`);
  if (doc.warnings.length) parts.push(`**Read with care:**\n\n${doc.warnings.map((w) => `- ${w}`).join("\n")}`);
  for (const s of doc.sections) parts.push(sectionMarkdown(s, assetDir));
  return parts.join("\n\n") + "\n";
}
