/**
 * Chart specifications: pure functions from the report model to Vega-Lite specs, each with its text alternative.
 *
 * Accessibility rules every chart follows: a title; axis titles with units; a plain-language description (used as the
 * figure's aria-label and caption) and a small data table beside it; series told apart by dash pattern and point
 * shape as well as by colours of distinct luminance, so the chart reads in greyscale; a system font (no web fonts);
 * inline data only.
 */
import type {
  GroupRole,
  GroupRow,
  EpochRow,
  LeverValue,
  LorenzPoint,
  RunReport,
  SweepPoint,
  SweepReport,
} from "./model";
import type { VlSpec } from "./render";
import { formatEstimate, formatNumber, formatThreshold, formatValue } from "./format";
import { judgeAll, overall, type Outcome, type Threshold } from "./verdicts";
import { metricInfo } from "./glossary";

export const FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";
/** Plot width: with its legend a chart fills most of the report's 72rem column on a 1280-px page. */
export const WIDTH = 860;
export const HEIGHT = 260;
/** The supply chart draws the cap only when the supply reaches this share of it; below, the line would be flat. */
export const CAP_ON_CHART_SHARE = 0.25;
/** Time series longer than this are averaged into bins so the SVG stays small. */
export const MAX_POINTS = 400;

/**
 * Area fills of agent groups by role: honest groups in blues, farmers in oranges, anything else in greys. Within a
 * role luminance rises monotonically (dark to light), and honest groups are stacked before farmers, so the light end
 * of one role meets the dark end of the next and filled areas stay apart in greyscale.
 */
export const ROLE_AREA_COLOURS: Record<GroupRole, readonly string[]> = {
  honest: ["#08306b", "#2171b5", "#6baed6", "#c6dbef"],
  farmer: ["#7f2704", "#d94801", "#fd8d3c", "#fdd0a2"],
  other: ["#252525", "#737373", "#bdbdbd"],
};
/** Line colours by role, dark enough on white; lines are also told apart by STROKE_DASHES. */
export const ROLE_LINE_COLOURS: Record<GroupRole, readonly string[]> = {
  honest: ["#08306b", "#2171b5", "#4a90c8"],
  farmer: ["#7f2704", "#c44103", "#e8650f"],
  other: ["#000000", "#555555", "#7f7f7f"],
};
export const STROKE_DASHES: number[][] = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
  [12, 4],
  [3, 5],
];
export const POINT_SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"];

/** Long legend strokes so a line's dash pattern is readable in the legend. */
export const LINE_LEGEND = { symbolType: "stroke", symbolSize: 500, symbolStrokeWidth: 2.5 };

/** A chart plus everything a screen reader or a Markdown reader needs instead of the picture. */
export interface ChartDef {
  id: string;
  title: string;
  /** One or two sentences saying what the chart shows and what it says (aria-label and caption). */
  description: string;
  spec: VlSpec;
  /** A short data summary for the text alternative. */
  table: { columns: string[]; rows: string[][] };
}

export function baseConfig(): Record<string, unknown> {
  return {
    font: FONT,
    background: "white",
    padding: 8,
    view: { stroke: "#999", strokeWidth: 0.5 },
    title: { fontSize: 14, fontWeight: "bold", anchor: "start", color: "#111", offset: 10 },
    axis: {
      labelFontSize: 11,
      titleFontSize: 12,
      labelColor: "#222",
      titleColor: "#111",
      gridColor: "#e3e3e3",
      domainColor: "#666",
      tickColor: "#666",
    },
    legend: {
      labelFontSize: 11,
      titleFontSize: 12,
      labelColor: "#222",
      titleColor: "#111",
      symbolStrokeWidth: 2,
      labelLimit: 200,
    },
    line: { strokeWidth: 2 },
  };
}

function chart(title: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}): VlSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: WIDTH,
    height: HEIGHT,
    config: baseConfig(),
    ...extra,
    ...body,
  };
}

/** x axis of every time chart. */
function epochAxis(report: RunReport): Record<string, unknown> {
  const perYear = report.epochsPerYear;
  const title = perYear && Math.abs(perYear - 365) < 1e-9 ? "Epoch (1 epoch = 1 day)" : "Epoch (count from 0)";
  return {
    field: "epoch",
    type: "quantitative",
    title,
    axis: { tickMinStep: 1, format: "~s" },
    scale: { nice: false },
  };
}

/** Epochs a series row stands for (the reader buckets long runs: report/inputs.ts `readRun`). */
export const spanOf = (e: EpochRow): number => e.span ?? 1;

/**
 * Averages consecutive rows into bins so at most MAX_POINTS remain. Cumulative quantities take the bin's last
 * value; per-epoch quantities the bin's mean per epoch (rows weighted by the epochs they stand for). Returns the rows
 * and k, the epochs per plotted point (1 = untouched, epoch by epoch).
 */
export function binEpochs(epochs: readonly EpochRow[], maxPoints = MAX_POINTS): { rows: EpochRow[]; k: number } {
  const span = epochs.length > 0 ? spanOf(epochs[0]) : 1;
  if (epochs.length <= maxPoints) return { rows: [...epochs], k: span };
  const k = Math.ceil(epochs.length / maxPoints);
  const rows: EpochRow[] = [];
  for (let i = 0; i < epochs.length; i += k) {
    const bin = epochs.slice(i, i + k);
    const last = bin[bin.length - 1];
    const avg = (f: (e: EpochRow) => number | undefined) => {
      let sum = 0;
      let weight = 0;
      for (const e of bin) {
        const v = f(e);
        if (v === undefined || Number.isNaN(v)) continue;
        const w = spanOf(e);
        sum += w === 1 ? v : v * w;
        weight += w;
      }
      return weight > 0 ? sum / weight : undefined;
    };
    const rewardsByGroup: Record<string, number> = {};
    const captureByGroup: Record<string, number> = {};
    for (const name of new Set(bin.flatMap((e) => Object.keys(e.rewardsByGroup))))
      rewardsByGroup[name] = avg((e) => e.rewardsByGroup[name] ?? 0)!;
    for (const name of new Set(bin.flatMap((e) => Object.keys(e.captureByGroup)))) {
      const v = avg((e) => e.captureByGroup[name]);
      if (v !== undefined) captureByGroup[name] = v;
    }
    const binSpan = bin.reduce((a, e) => a + spanOf(e), 0);
    rows.push({
      epoch: bin[0].epoch,
      ...(binSpan > bin.length ? { span: binSpan } : {}),
      emission: avg((e) => e.emission)!,
      cumulative: last.cumulative,
      circulating: last.circulating,
      burned: avg((e) => e.burned),
      price: avg((e) => e.price),
      leakage: avg((e) => e.leakage),
      rewardsByGroup,
      captureByGroup,
    });
  }
  return { rows, k: k * span };
}

/** The sentence a chart carries when its points stand for more than one epoch (the resolution rule). */
export function binNote(k: number): string {
  return k > 1
    ? ` Series shown per ${k} epochs: per-epoch flows, price and ratios are the mean per epoch over each ${k}-epoch ` +
        "bin, cumulative and circulating supply the bin's last value."
    : "";
}

/** Rows at the start, quarter points and end of a series, for the text-alternative tables. */
export function sampleRows<T>(rows: readonly T[], count = 5): T[] {
  if (rows.length <= count) return [...rows];
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(rows[Math.round((i * (rows.length - 1)) / (count - 1))]);
  return out;
}

const round = (x: number | undefined, digits = 6): number | null =>
  x === undefined || !Number.isFinite(x) ? null : Number(x.toPrecision(digits));

// ---------------------------------------------------------------------------------------------------------------
// Run charts

export function emissionChart(report: RunReport): ChartDef {
  const { rows, k } = binEpochs(report.epochs);
  const values = rows.map((e) => ({ epoch: e.epoch, emission: round(e.emission) }));
  const first = report.epochs[0];
  const last = report.epochs[report.epochs.length - 1];
  const total = report.epochs.reduce((s, e) => s + e.emission * spanOf(e), 0);
  return {
    id: "emission",
    title: "Emission per epoch",
    description:
      `Tokens minted per epoch by the emission schedule, from ${formatNumber(first.emission)} in epoch ${first.epoch} to ` +
      `${formatNumber(last.emission)} in epoch ${last.epoch}; ${formatNumber(total)} tokens in total.${binNote(k)}`,
    spec: chart("Emission per epoch", {
      data: { values },
      mark: { type: "area", line: { color: "#1f4e9a", strokeWidth: 2 }, color: "#c6d4ea" },
      encoding: {
        x: epochAxis(report),
        y: { field: "emission", type: "quantitative", title: "Emission (tokens per epoch)", axis: { format: "~s" } },
      },
    }),
    table: {
      columns: ["Epoch", "Emission (tokens)", "Cumulative (tokens)"],
      rows: sampleRows(report.epochs).map((e) => [
        String(e.epoch),
        formatNumber(e.emission),
        formatNumber(e.cumulative),
      ]),
    },
  };
}

export function supplyChart(report: RunReport): ChartDef {
  const { rows, k } = binEpochs(report.epochs);
  const values = rows.map((e) => ({ epoch: e.epoch, cumulative: round(e.cumulative) }));
  const last = report.epochs[report.epochs.length - 1];
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: "line", color: "#000" },
      encoding: {
        x: epochAxis(report),
        y: { field: "cumulative", type: "quantitative", title: "Cumulative supply (tokens)", axis: { format: "~s" } },
      },
    },
  ];
  let capText = "The schedule has no cap.";
  const share = report.cap !== undefined ? last.cumulative / report.cap : undefined;
  if (report.cap !== undefined && share !== undefined && share < CAP_ON_CHART_SHARE) {
    // a cap far above the supply would flatten the line against the axis: say where it is instead of drawing it
    capText = `The cap, ${formatNumber(report.cap)} tokens, is above the chart: ${formatValue(share, "fraction")} of it is minted by epoch ${last.epoch}.`;
    layers.push({
      data: {
        values: [
          { label: `cap ${formatNumber(report.cap)} (off the chart: ${formatValue(share, "fraction")} of it minted)` },
        ],
      },
      mark: { type: "text", align: "left", baseline: "top", x: 6, y: 6, color: "#7a3c04", fontSize: 11 },
      encoding: { text: { field: "label" } },
    });
  } else if (report.cap !== undefined && share !== undefined) {
    capText = `The cap is ${formatNumber(report.cap)} tokens (dashed line); ${formatValue(share, "fraction")} of it is minted by epoch ${last.epoch}.`;
    layers.push(
      {
        data: { values: [{ cap: report.cap }] },
        mark: { type: "rule", strokeDash: [6, 4], color: "#b35806", strokeWidth: 2 },
        encoding: { y: { field: "cap", type: "quantitative" } },
      },
      {
        data: { values: [{ cap: report.cap, label: `cap ${formatNumber(report.cap)}` }] },
        mark: { type: "text", align: "left", dx: 4, dy: -7, x: 0, color: "#7a3c04", fontSize: 11 },
        encoding: { y: { field: "cap", type: "quantitative" }, text: { field: "label" } },
      },
    );
  }
  return {
    id: "supply",
    title: "Cumulative supply against the cap",
    description: `Cumulative tokens minted, ${formatNumber(last.cumulative)} by epoch ${last.epoch}. ${capText}${binNote(k)}`,
    spec: chart("Cumulative supply against the cap", { data: { values }, layer: layers }),
    table: {
      columns: ["Epoch", "Cumulative (tokens)", "Share of cap"],
      rows: sampleRows(report.epochs).map((e) => [
        String(e.epoch),
        formatNumber(e.cumulative),
        report.cap ? formatValue(e.cumulative / report.cap, "fraction") : "no cap",
      ]),
    },
  };
}

function groupLabel(c: Pick<GroupRow, "name" | "kind">): string {
  return `${c.name} (${c.kind})`;
}

/** How one agent group is drawn, the same in every chart of a report (and on both sides of an A/B report). */
export interface GroupStyle {
  name: string;
  kind: GroupRole;
  label: string;
  fill: string;
  line: string;
  dash: number[];
}

const ROLE_ORDER: readonly GroupRole[] = ["honest", "farmer", "other"];

/**
 * One style per agent group over all the runs given (a group keeps its colour whichever run it appears in): honest
 * groups first, then farmers, then others, each in order of first appearance; colours come from the group's role.
 */
export function groupStyles(...runs: readonly RunReport[]): GroupStyle[] {
  const seen = new Map<string, GroupRole>();
  for (const run of runs) for (const c of run.groups) if (!seen.has(c.name)) seen.set(c.name, c.kind);
  const groups = ROLE_ORDER.flatMap((kind) =>
    [...seen].filter(([, k]) => k === kind).map(([name]) => ({ name, kind })),
  );
  return groups.map((g, i) => {
    const ofRole = groups.filter((h) => h.kind === g.kind);
    const j = ofRole.indexOf(g);
    return {
      ...g,
      label: groupLabel(g),
      fill: pick(ROLE_AREA_COLOURS[g.kind], ofRole.length)[j],
      line: pick(ROLE_LINE_COLOURS[g.kind], ofRole.length)[j],
      dash: STROKE_DASHES[i % STROKE_DASHES.length],
    };
  });
}

/** The styles of the groups in `report`, in style order (colours fixed by `styles`). */
function stylesIn(report: RunReport, styles: readonly GroupStyle[]): GroupStyle[] {
  const present = new Set(report.groups.map((c) => c.name));
  return styles.filter((s) => present.has(s.name));
}

export function rewardsByGroupChart(report: RunReport, styles = groupStyles(report)): ChartDef {
  const { rows, k } = binEpochs(report.epochs);
  const shown = stylesIn(report, styles);
  const order = shown.map((s) => s.name);
  const labels = shown.map((s) => s.label);
  const values = rows.flatMap((e) =>
    shown.map((s, i) => ({
      epoch: e.epoch,
      agent: s.label,
      order: i,
      rewards: round(e.rewardsByGroup[s.name] ?? 0),
    })),
  );
  const totals = report.groups.map((c) =>
    report.epochs.reduce((s, e) => s + (e.rewardsByGroup[c.name] ?? 0) * spanOf(e), 0),
  );
  const all = totals.reduce((a, b) => a + b, 0);
  const farmerTotal = report.groups.reduce((s, c, i) => s + (c.kind === "farmer" ? totals[i] : 0), 0);
  return {
    id: "rewards-by-group",
    title: "Rewards by agent group over time",
    description:
      `Device rewards per epoch, stacked by agent group (${order.join(", ")}). Over the run farmers received ` +
      `${formatValue(all > 0 ? farmerTotal / all : undefined, "fraction")} of ${formatNumber(all)} reward tokens.${binNote(k)}`,
    spec: chart("Rewards by agent group over time (stacked)", {
      data: { values },
      mark: { type: "area", stroke: "white", strokeWidth: 0.75 },
      encoding: {
        x: epochAxis(report),
        y: {
          field: "rewards",
          type: "quantitative",
          stack: "zero",
          title: "Rewards (tokens per epoch)",
          axis: { format: "~s" },
        },
        color: {
          field: "agent",
          type: "nominal",
          title: "Agent group",
          sort: labels,
          scale: { domain: labels, range: shown.map((s) => s.fill) },
        },
        order: { field: "order", type: "quantitative" },
      },
    }),
    table: {
      columns: ["Agent group", "Role", "Total rewards (tokens)", "Share of rewards"],
      rows: report.groups.map((c, i) => [
        c.name,
        c.kind,
        formatNumber(totals[i]),
        formatValue(all > 0 ? totals[i] / all : undefined, "fraction"),
      ]),
    },
  };
}

/** n colours spread over a palette (keeps first and last so luminance spans the whole range). */
export function pick<T>(palette: readonly T[], n: number): T[] {
  if (n <= 0) return [];
  if (n === 1) return [palette[0]];
  if (n >= palette.length) return Array.from({ length: n }, (_, i) => palette[i % palette.length]);
  return Array.from({ length: n }, (_, i) => palette[Math.round((i * (palette.length - 1)) / (n - 1))]);
}

export function leakageChart(report: RunReport): ChartDef {
  const { rows, k } = binEpochs(report.epochs);
  const values = rows
    .filter((e) => e.leakage !== undefined)
    .map((e) => ({ epoch: e.epoch, leakage: round(e.leakage) }));
  const limit = report.thresholds.find((t) => t.metric === "leakage" && (t.op === "<=" || t.op === "<"));
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: "line", color: "#000" },
      encoding: {
        x: epochAxis(report),
        y: { field: "leakage", type: "quantitative", title: "Leakage (% of rewards)", axis: { format: ".0%" } },
      },
    },
  ];
  if (limit) {
    layers.push(
      {
        data: { values: [{ limit: limit.value }] },
        mark: { type: "rule", strokeDash: [6, 4], color: "#b35806", strokeWidth: 2 },
        encoding: { y: { field: "limit", type: "quantitative" } },
      },
      {
        data: { values: [{ limit: limit.value, label: `threshold ${formatValue(limit.value, "fraction")}` }] },
        mark: { type: "text", align: "left", dx: 4, dy: -7, x: 0, color: "#7a3c04", fontSize: 11 },
        encoding: { y: { field: "limit", type: "quantitative" }, text: { field: "label" } },
      },
    );
  }
  const leak = report.epochs.map((e) => e.leakage).filter((v): v is number => v !== undefined);
  const max = leak.length ? Math.max(...leak) : undefined;
  const maxEpoch = max === undefined ? undefined : report.epochs.find((e) => e.leakage === max)?.epoch;
  const span1 = report.epochs.every((e) => spanOf(e) === 1);
  const overall = report.metrics.find((m) => m.key === "leakage");
  return {
    id: "leakage",
    title: "Leakage over time",
    description:
      `Share of each epoch's rewards paid for fake work. Over the run: ${formatEstimate(overall?.estimate, "fraction")}; ` +
      `highest in ${span1 ? "one epoch" : `${spanOf(report.epochs[0])} epochs`} ${formatValue(max, "fraction")}` +
      `${maxEpoch !== undefined ? ` (epoch ${maxEpoch}${span1 ? "" : " on"})` : ""}.` +
      (limit ? ` The dashed line is the threshold (${formatValue(limit.value, "fraction")}).` : "") +
      binNote(k),
    spec: chart("Leakage over time", { data: { values }, layer: layers }),
    table: {
      columns: ["Epoch", "Leakage"],
      rows: sampleRows(report.epochs).map((e) => [String(e.epoch), formatValue(e.leakage, "fraction")]),
    },
  };
}

export function captureChart(report: RunReport, styles = groupStyles(report)): ChartDef {
  const { rows, k } = binEpochs(report.epochs);
  const shown = stylesIn(report, styles);
  const labels = shown.map((s) => s.label);
  const values = rows.flatMap((e) =>
    shown.flatMap((s) =>
      e.captureByGroup[s.name] === undefined
        ? []
        : [{ epoch: e.epoch, agent: s.label, capture: round(e.captureByGroup[s.name]) }],
    ),
  );
  return {
    id: "capture",
    title: "Capture ratio by agent group over time",
    description:
      "Each group's share of rewards divided by its share of real work, per epoch. 1 (dotted line) is fair pay; " +
      "a farmer group above 0 is paid for work it did not do. Over the run: " +
      report.groups
        .map((c) =>
          c.captureRatio
            ? `${c.name} ${formatEstimate(c.captureRatio, "ratio")}`
            : `${c.name} undefined (no real work; it received ${formatValue(c.rewards?.mean, "fraction")} of all rewards)`,
        )
        .join("; ") +
      "." +
      binNote(k),
    spec: chart("Capture ratio by agent group over time", {
      layer: [
        {
          data: { values },
          mark: { type: "line", strokeWidth: 2 },
          encoding: {
            x: epochAxis(report),
            y: { field: "capture", type: "quantitative", title: "Capture ratio (1 = fair)" },
            color: {
              field: "agent",
              type: "nominal",
              title: "Agent group",
              sort: labels,
              scale: { domain: labels, range: shown.map((s) => s.line) },
              legend: LINE_LEGEND,
            },
            strokeDash: {
              field: "agent",
              type: "nominal",
              title: "Agent group",
              sort: labels,
              scale: { domain: labels, range: shown.map((s) => s.dash) },
              legend: LINE_LEGEND,
            },
          },
        },
        {
          data: { values: [{ fair: 1 }] },
          mark: { type: "rule", strokeDash: [1, 3], color: "#555", strokeWidth: 1.5 },
          encoding: { y: { field: "fair", type: "quantitative" } },
        },
      ],
      resolve: { scale: { color: "shared", strokeDash: "shared" } },
    }),
    table: {
      columns: ["Agent group", "Role", "Capture ratio (95% interval)", "Share of rewards"],
      rows: report.groups.map((c) => [
        c.name,
        c.kind,
        c.captureRatio ? formatEstimate(c.captureRatio, "ratio") : "undefined (no real work)",
        formatEstimate(c.rewards, "fraction"),
      ]),
    },
  };
}

export function roiPaybackChart(report: RunReport): ChartDef {
  const labels = report.groups.map(groupLabel);
  const roi = report.groups.flatMap((c, i) =>
    c.roi === undefined
      ? []
      : [
          {
            agent: labels[i],
            role: c.kind,
            roi: round(c.roi.mean),
            lo: round(c.roi.lo ?? c.roi.mean),
            hi: round(c.roi.hi ?? c.roi.mean),
          },
        ],
  );
  const horizon = report.epochs.reduce((a, e) => a + spanOf(e), 0);
  const payback = report.groups.map((c, i) => {
    const p = c.paybackEpochs?.mean;
    const never = p === undefined || !Number.isFinite(p);
    return {
      agent: labels[i],
      role: c.kind,
      payback: never ? null : round(p),
      label: never ? "never" : formatNumber(p!),
    };
  });
  // the roles' colours of the group palettes (blues honest, oranges farmers), light fills with dark outlines
  const roleScale = { domain: [...ROLE_ORDER], range: ROLE_ORDER.map((r) => ROLE_AREA_COLOURS[r][2]) };
  const roleStroke = { domain: [...ROLE_ORDER], range: ROLE_ORDER.map((r) => ROLE_AREA_COLOURS[r][0]) };
  const y = { field: "agent", type: "nominal", title: "Agent group", sort: labels, axis: { labelLimit: 220 } };
  return {
    id: "roi-payback",
    title: "ROI and payback by agent group",
    description:
      'Left: return on investment over the run per group (0 = break-even, bars with the 95% interval). Right: epochs to pay back the hardware and onboarding cost ("never" when it does not pay back within the run). ' +
      report.groups
        .map((c) => `${c.name}: ROI ${formatEstimate(c.roi, "fraction")}, payback ${paybackText(c)}`)
        .join("; ") +
      ".",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "ROI and payback by agent group",
      config: baseConfig(),
      hconcat: [
        {
          width: 420,
          height: Math.max(120, 28 * labels.length),
          title: { text: "ROI over the run", fontSize: 12 },
          layer: [
            {
              data: { values: roi },
              mark: { type: "bar", strokeWidth: 1.5 },
              encoding: {
                y,
                x: { field: "roi", type: "quantitative", title: "ROI (% of money put in)", axis: { format: ".0%" } },
                fill: { field: "role", type: "nominal", title: "Role", scale: roleScale },
                stroke: { field: "role", type: "nominal", title: "Role", scale: roleStroke },
              },
            },
            {
              data: { values: roi },
              mark: { type: "rule", color: "#000", strokeWidth: 1.5 },
              encoding: { y, x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } },
            },
            {
              data: { values: [{ zero: 0 }] },
              mark: { type: "rule", color: "#000", strokeWidth: 1 },
              encoding: { x: { field: "zero", type: "quantitative" } },
            },
          ],
        },
        {
          width: 340,
          height: Math.max(120, 28 * labels.length),
          title: { text: `Payback (run length ${horizon} epochs)`, fontSize: 12 },
          data: { values: payback },
          layer: [
            {
              mark: { type: "bar", strokeWidth: 1.5 },
              encoding: {
                y: { ...y, axis: { labels: false, title: null } },
                x: { field: "payback", type: "quantitative", title: "Payback (epochs)" },
                fill: { field: "role", type: "nominal", title: "Role", scale: roleScale },
                stroke: { field: "role", type: "nominal", title: "Role", scale: roleStroke },
              },
            },
            {
              mark: { type: "text", align: "left", dx: 4, color: "#111", fontSize: 11 },
              encoding: {
                y: { ...y, axis: { labels: false, title: null } },
                x: { value: 0 },
                text: { field: "label" },
              },
              transform: [{ filter: "datum.payback === null" }],
            },
          ],
        },
      ],
      resolve: { scale: { fill: "shared", stroke: "shared" } },
    },
    table: {
      columns: ["Agent group", "Role", "ROI (95% interval)", "Payback (epochs)", "Profit (USD)"],
      rows: report.groups.map((c) => [
        c.name,
        c.kind,
        formatEstimate(c.roi, "fraction"),
        paybackText(c),
        formatEstimate(c.profit, "USD"),
      ]),
    },
  };
}

function paybackText(c: GroupRow): string {
  const p = c.paybackEpochs;
  if (p === undefined || !Number.isFinite(p.mean)) return "never";
  return formatEstimate(p, "epochs");
}

/** Gini = 1 − 2 × area under the Lorenz curve (trapezoids). */
export function giniFromLorenz(points: readonly LorenzPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    area += ((points[i].population - points[i - 1].population) * (points[i].share + points[i - 1].share)) / 2;
  }
  return 1 - 2 * area;
}

/**
 * The equal-pay diagonal of a Lorenz chart, with the axes every Lorenz chart shares (population and pay share in %).
 * `strokeDash` and `color` keep it distinguishable from the curves drawn over it, also in greyscale.
 */
export function lorenzEqualityLayer(strokeDash: number[], color: string) {
  return {
    data: {
      values: [
        { x: 0, y: 0 },
        { x: 1, y: 1 },
      ],
    },
    mark: { type: "line" as const, strokeDash, color, strokeWidth: 1.5 },
    encoding: {
      x: {
        field: "x",
        type: "quantitative" as const,
        title: "Honest devices, lowest-paid first (%)",
        axis: { format: ".0%" },
        scale: { domain: [0, 1] },
      },
      y: {
        field: "y",
        type: "quantitative" as const,
        title: "Share of honest pay (%)",
        axis: { format: ".0%" },
        scale: { domain: [0, 1] },
      },
    },
  };
}

export function lorenzChart(report: RunReport): ChartDef | undefined {
  const points = report.lorenz;
  if (!points || points.length < 2) return undefined;
  const gini = report.metrics.find((m) => m.key === "payEquityGini");
  const giniText = gini ? formatEstimate(gini.estimate, "0–1") : formatNumber(giniFromLorenz(points));
  const values = points.map((p) => ({
    population: round(p.population),
    share: round(p.share),
    curve: "honest devices",
  }));
  const at = (x: number) =>
    points.reduce((best, p) => (Math.abs(p.population - x) < Math.abs(best.population - x) ? p : best), points[0]);
  const half = at(0.5);
  return {
    id: "lorenz",
    title: "Pay equity among honest operators (Lorenz curve)",
    description:
      `Honest devices sorted from lowest to highest reward per unit of real work; the curve shows the share of all pay the lowest-paid fraction receives. ` +
      `The lowest-paid half receive ${formatValue(half.share, "fraction")} of the pay (equal pay would be 50%, the dashed diagonal). Gini ${giniText}.`,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: `Pay equity among honest operators (Lorenz curve, Gini ${giniText})`,
      width: 320,
      height: 320,
      config: baseConfig(),
      layer: [
        lorenzEqualityLayer([6, 4], "#7f7f7f"),
        {
          data: { values },
          mark: { type: "area", line: { color: "#000", strokeWidth: 2 }, color: "#c6d4ea", opacity: 0.8 },
          encoding: { x: { field: "population", type: "quantitative" }, y: { field: "share", type: "quantitative" } },
        },
      ],
    },
    table: {
      columns: ["Lowest-paid share of devices", "Their share of pay"],
      rows: [0.1, 0.25, 0.5, 0.75, 0.9].map((x) => {
        const p = at(x);
        return [formatValue(p.population, "fraction"), formatValue(p.share, "fraction")];
      }),
    },
  };
}

export function priceChart(report: RunReport): ChartDef | undefined {
  const { rows, k } = binEpochs(report.epochs);
  if (!rows.some((e) => e.price !== undefined)) return undefined;
  const values = rows.filter((e) => e.price !== undefined).map((e) => ({ epoch: e.epoch, price: round(e.price) }));
  const first = report.epochs.find((e) => e.price !== undefined)!;
  const last = [...report.epochs].reverse().find((e) => e.price !== undefined)!;
  return {
    id: "price",
    title: "Token price",
    description: `Token price in the simulated market, from ${formatValue(first.price, "USD")} in epoch ${first.epoch} to ${formatValue(last.price, "USD")} in epoch ${last.epoch}.${binNote(k)}`,
    spec: chart("Token price", {
      data: { values },
      mark: { type: "line", color: "#000" },
      encoding: {
        x: epochAxis(report),
        y: { field: "price", type: "quantitative", title: "Price (USD per token)", scale: { zero: false } },
      },
    }),
    table: {
      columns: ["Epoch", "Price (USD)", "Circulating (tokens)"],
      rows: sampleRows(report.epochs).map((e) => [
        String(e.epoch),
        formatValue(e.price, "USD"),
        formatNumber(e.circulating ?? NaN),
      ]),
    },
  };
}

export function circulatingChart(report: RunReport): ChartDef | undefined {
  const { rows, k } = binEpochs(report.epochs);
  if (!rows.some((e) => e.circulating !== undefined)) return undefined;
  const values = rows.flatMap((e) => [
    { epoch: e.epoch, series: "minted (cumulative)", tokens: round(e.cumulative) },
    ...(e.circulating === undefined ? [] : [{ epoch: e.epoch, series: "circulating", tokens: round(e.circulating) }]),
  ]);
  const series = ["minted (cumulative)", "circulating"];
  const last = report.epochs[report.epochs.length - 1];
  return {
    id: "circulating",
    title: "Circulating supply",
    description:
      `Circulating supply (genesis supply + minted − burned − locked in bonds and vesting) against everything minted by the schedule. ` +
      `At epoch ${last.epoch}: ${formatNumber(last.circulating ?? NaN)} circulating of ${formatNumber(last.cumulative)} minted.${binNote(k)}`,
    spec: chart("Circulating supply", {
      data: { values },
      mark: { type: "line" },
      encoding: {
        x: epochAxis(report),
        y: { field: "tokens", type: "quantitative", title: "Supply (tokens)", axis: { format: "~s" } },
        color: {
          field: "series",
          type: "nominal",
          title: "Series",
          sort: series,
          scale: { domain: series, range: ["#7f7f7f", "#000000"] },
          legend: LINE_LEGEND,
        },
        strokeDash: {
          field: "series",
          type: "nominal",
          title: "Series",
          sort: series,
          scale: {
            domain: series,
            range: [
              [6, 4],
              [1, 0],
            ],
          },
          legend: LINE_LEGEND,
        },
      },
    }),
    table: {
      columns: ["Epoch", "Minted (tokens)", "Circulating (tokens)", "Burned this epoch (tokens)"],
      rows: sampleRows(report.epochs).map((e) => [
        String(e.epoch),
        formatNumber(e.cumulative),
        formatNumber(e.circulating ?? NaN),
        formatNumber(e.burned ?? NaN),
      ]),
    },
  };
}

/**
 * Every chart of a run, in report order; charts whose data is absent are left out. `styles` fixes each group's colours
 * (an A/B report passes the styles of both runs, so a group looks the same on both sides).
 */
export function runCharts(report: RunReport, styles = groupStyles(report)): ChartDef[] {
  return [
    emissionChart(report),
    supplyChart(report),
    rewardsByGroupChart(report, styles),
    leakageChart(report),
    captureChart(report, styles),
    roiPaybackChart(report),
    lorenzChart(report),
    priceChart(report),
    circulatingChart(report),
  ].filter((c): c is ChartDef => c !== undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// Sweep charts

/**
 * A sweep point's outcome by the one verdict rule of a run (verdicts.ts `judge`): "pass" only when the whole 95%
 * interval of every threshold's metric meets it, "marginal" when the means meet them but an interval crosses a limit
 * or too few replicates give none, "fail" when a mean misses, "missing" when a metric is absent. No thresholds: pass.
 */
export function pointOutcome(point: SweepPoint, thresholds: readonly Threshold[]): Outcome {
  if (thresholds.length === 0) return "pass";
  return overall(judgeAll(thresholds, (metric) => point.metrics[metric]));
}

/** How a point's outcome reads in a chart or table. */
const OUTCOME_WORDS: Record<Outcome, string> = {
  pass: "passes all",
  marginal: "marginal",
  fail: "fails",
  missing: "n/a",
};

/** The distinct values of a lever, numbers ascending, then text in alphabetical order. */
export function leverValues(points: readonly SweepPoint[], lever: string): LeverValue[] {
  return [...new Set(points.map((p) => p.params[lever]))].sort(compareLever);
}

function compareLever(a: LeverValue, b: LeverValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A lever value for reading: numbers formatted, text as is. */
export function formatLever(v: LeverValue | undefined): string {
  return v === undefined ? "n/a" : typeof v === "number" ? formatNumber(v) : v;
}

/** The two levers to chart: those with the most distinct values (first in the manifest on a tie). */
export function chartLevers(sweep: SweepReport): {
  x: string;
  y: string | undefined;
  fixed: Record<string, LeverValue>;
} {
  const distinct = (lever: string) => leverValues(sweep.points, lever);
  const ranked = [...sweep.levers].sort(
    (a, b) => distinct(b).length - distinct(a).length || sweep.levers.indexOf(a) - sweep.levers.indexOf(b),
  );
  const [x, y] = ranked;
  const fixed: Record<string, LeverValue> = {};
  for (const other of ranked.slice(2)) fixed[other] = distinct(other)[0];
  return { x, y, fixed };
}

/** Points of the slice charted (other levers at their first value). */
function slicePoints(sweep: SweepReport, fixed: Record<string, LeverValue>): SweepPoint[] {
  return sweep.points.filter((p) => Object.entries(fixed).every(([k, v]) => p.params[k] === v));
}

/**
 * The frontier: passing points next to a point that does not pass (fails, or is only marginal) in the grid (one step
 * along either charted lever). These are the edge of the safe region: one step further, the interval no longer meets
 * every threshold.
 */
export function frontier(
  points: readonly SweepPoint[],
  x: string,
  y: string | undefined,
  thresholds: readonly Threshold[],
): SweepPoint[] {
  const xs = leverValues(points, x);
  const ys: LeverValue[] = y ? leverValues(points, y) : [0];
  const at = new Map<string, SweepPoint>();
  for (const p of points) at.set(`${xs.indexOf(p.params[x])},${y ? ys.indexOf(p.params[y]) : 0}`, p);
  const out: SweepPoint[] = [];
  for (const p of points) {
    if (pointOutcome(p, thresholds) !== "pass") continue;
    const i = xs.indexOf(p.params[x]);
    const j = y ? ys.indexOf(p.params[y]) : 0;
    const neighbours = [
      [i - 1, j],
      [i + 1, j],
      [i, j - 1],
      [i, j + 1],
    ]
      .map(([a, b]) => at.get(`${a},${b}`))
      .filter((q): q is SweepPoint => q !== undefined);
    if (neighbours.some((q) => pointOutcome(q, thresholds) !== "pass")) out.push(p);
  }
  return out;
}

/** Lever names are long: the y-axis title sits horizontally above the axis instead of rotated beside it. */
const LEVER_Y_AXIS = {
  titleAngle: 0,
  titleAlign: "left",
  titleAnchor: "end",
  titleBaseline: "bottom",
  titleX: 0,
  titleY: -8,
};

/** Ordinal x and y axes over a sweep's levers (`y` absent: a one-lever strip), shared by the heatmap and the frontier. */
function leverAxes(points: readonly SweepPoint[], x: string, y: string | undefined) {
  return {
    x: {
      field: "x",
      type: "ordinal" as const,
      title: `${x} (swept)`,
      sort: leverValues(points, x),
      axis: { labelAngle: 0 },
    },
    y: {
      field: "y",
      type: "ordinal" as const,
      title: y ? `${y} (swept)` : "",
      sort: y ? [...leverValues(points, y)].reverse() : ("ascending" as const),
      axis: LEVER_Y_AXIS,
    },
  };
}

function sliceNote(fixed: Record<string, LeverValue>): string {
  const entries = Object.entries(fixed);
  return entries.length
    ? ` Other levers fixed at ${entries.map(([k, v]) => `${k} = ${formatLever(v)}`).join(", ")}.`
    : "";
}

export function sweepHeatmap(sweep: SweepReport, metric = "leakage"): ChartDef {
  const { x, y, fixed } = chartLevers(sweep);
  const points = slicePoints(sweep, fixed);
  const info = metricInfo(metric);
  const values = points.map((p) => {
    const e = p.metrics[metric];
    const outcome = pointOutcome(p, sweep.thresholds);
    return {
      x: p.params[x],
      y: y ? p.params[y] : "all",
      value: round(e?.mean),
      label: `${formatValue(e?.mean, info.unit)}${outcome === "pass" ? " ✔" : ""}`,
      verdict: OUTCOME_WORDS[outcome],
    };
  });
  const defined = values.map((v) => v.value).filter((v): v is number => v !== null);
  const limit = anchorThreshold(sweep.thresholds, metric);
  const pct = info.unit === "fraction";
  // a threshold anchors the colour scale: one hue on its passing side, another on its failing side
  const lo = Math.min(...defined, ...(limit ? [limit.value] : []), ...(defined.length ? [] : [0]));
  const hi = Math.max(...defined, ...(limit ? [limit.value] : []), ...(defined.length ? [] : [1]));
  const mid = limit ? limit.value : (lo + hi) / 2;
  const failHigh = limit ? limit.op === "<=" || limit.op === "<" : info.better === "lower";
  const colour = limit
    ? {
        scale: { scheme: "blueorange", domain: [lo, hi], domainMid: limit.value, reverse: !failHigh },
        legendTitle: `${info.label}${pct ? " (%)" : info.unit ? ` (${info.unit})` : ""}, white = threshold ${formatValue(limit.value, info.unit)}`,
      }
    : {
        scale: { scheme: "viridis", reverse: info.better === "lower" },
        legendTitle: `${info.label}${pct ? " (%)" : info.unit ? ` (${info.unit})` : ""}`,
      };
  // text is white on the dark ends of the scale, black near the middle
  const darkTest = limit
    ? `abs(datum.value - ${mid}) > ${0.6 * Math.max(hi - mid, mid - lo, Number.MIN_VALUE)}`
    : info.better === "lower"
      ? `datum.value > ${mid}`
      : `datum.value < ${mid}`;
  const best = points.reduce<SweepPoint | undefined>(
    (b, p) => (p.metrics[metric] && (!b || p.metrics[metric].mean < b.metrics[metric].mean) ? p : b),
    undefined,
  );
  const worst = points.reduce<SweepPoint | undefined>(
    (b, p) => (p.metrics[metric] && (!b || p.metrics[metric].mean > b.metrics[metric].mean) ? p : b),
    undefined,
  );
  const describe = (p: SweepPoint | undefined) =>
    p
      ? `${formatValue(p.metrics[metric].mean, info.unit)} at ${x} = ${formatLever(p.params[x])}${y ? `, ${y} = ${formatLever(p.params[y])}` : ""}`
      : "n/a";
  return {
    id: `sweep-heatmap-${metric}`,
    title: `${info.label} over ${x}${y ? ` and ${y}` : ""}`,
    description:
      `${info.label} (mean over replicates) at each swept setting. Lowest ${describe(best)}; highest ${describe(worst)}. ` +
      (limit
        ? `The colour scale is centred on the threshold (${formatThreshold(limit)}): blue cells meet it, orange cells miss it. `
        : "") +
      `Cells marked ✔ pass every fairness threshold.${sliceNote(fixed)}`,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: `${info.label} over ${x}${y ? ` and ${y}` : ""}`,
      width: WIDTH - 100,
      height: y ? HEIGHT : 60,
      config: baseConfig(),
      data: { values },
      encoding: {
        ...leverAxes(points, x, y),
      },
      layer: [
        {
          mark: { type: "rect", stroke: "white", strokeWidth: 1 },
          encoding: {
            color: {
              field: "value",
              type: "quantitative",
              title: colour.legendTitle,
              scale: colour.scale,
              legend: {
                format: pct ? ".1%" : "~s",
                direction: "vertical",
                gradientLength: Math.min(HEIGHT, 200),
                titleLimit: 340,
              },
            },
          },
        },
        {
          mark: { type: "text", fontSize: 11 },
          encoding: {
            text: { field: "label" },
            color: { condition: { test: darkTest, value: "white" }, value: "black" },
          },
        },
      ],
    },
    table: {
      columns: [x, ...(y ? [y] : []), info.label, "Passes every threshold"],
      rows: points.map((p) => {
        const outcome = pointOutcome(p, sweep.thresholds);
        return [
          formatLever(p.params[x]),
          ...(y ? [formatLever(p.params[y])] : []),
          formatEstimate(p.metrics[metric], info.unit),
          { pass: "yes", marginal: "marginal", fail: "no", missing: "n/a" }[outcome],
        ];
      }),
    },
  };
}

export function frontierChart(sweep: SweepReport): ChartDef | undefined {
  if (sweep.thresholds.length === 0) return undefined;
  const { x, y, fixed } = chartLevers(sweep);
  const points = slicePoints(sweep, fixed);
  const edge = new Set(frontier(points, x, y, sweep.thresholds));
  const categories = [
    "fails a threshold",
    "passes every threshold",
    "frontier (passes, next to a fail)",
    "metric missing",
    "marginal (means meet, an interval does not)",
  ];
  const values = points.map((p) => {
    const outcome = pointOutcome(p, sweep.thresholds);
    const category =
      outcome === "missing"
        ? categories[3]
        : outcome === "fail"
          ? categories[0]
          : outcome === "marginal"
            ? categories[4]
            : edge.has(p)
              ? categories[2]
              : categories[1];
    return { x: p.params[x], y: y ? p.params[y] : 0, category };
  });
  const passing = values.filter((v) => v.category === categories[1] || v.category === categories[2]).length;
  return {
    id: "sweep-frontier",
    title: "Settings that pass every fairness threshold",
    description:
      `${passing} of ${points.length} swept settings pass every threshold (the whole 95% interval meets each; a setting whose means meet them without such an interval is marginal). Filled black diamonds mark the frontier: passing settings next to one that fails or is marginal.` +
      sliceNote(fixed),
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "Settings that pass every fairness threshold",
      width: WIDTH - 200,
      height: y ? HEIGHT : 60,
      config: baseConfig(),
      data: { values },
      mark: { type: "point", size: 140, strokeWidth: 2 },
      encoding: {
        ...leverAxes(points, x, y),
        shape: {
          field: "category",
          type: "nominal",
          title: "Verdict",
          legend: { labelLimit: 360 },
          scale: { domain: categories, range: ["cross", "circle", "diamond", "triangle-up", "square"] },
        },
        color: {
          field: "category",
          type: "nominal",
          title: "Verdict",
          scale: { domain: categories, range: ["#b35806", "#1f4e9a", "#000000", "#7f7f7f", "#8c6d31"] },
        },
        fill: {
          field: "category",
          type: "nominal",
          title: "Verdict",
          scale: { domain: categories, range: ["#ffffff", "#c6d4ea", "#000000", "#ffffff", "#ffffff"] },
        },
      },
    },
    table: {
      columns: [x, ...(y ? [y] : []), "Frontier"],
      rows: [...edge].map((p) => [formatLever(p.params[x]), ...(y ? [formatLever(p.params[y])] : []), "yes"]),
    },
  };
}

/** The threshold a heatmap's colour scale is centred on: the first one on the metric with a single limit. */
function anchorThreshold(thresholds: readonly Threshold[], metric: string): Threshold | undefined {
  return thresholds.find((t) => t.metric === metric && t.op !== "between");
}

/**
 * What a reviewer weighs against fairness when choosing a setting: the honest operators' return, the farmers'
 * profit and the token price, each charted over the swept levers beside leakage.
 */
export const SWEEP_TRADE_OFFS = ["honestRoi", "farmerProfitUsd", "finalPrice"] as const;

export function sweepCharts(sweep: SweepReport): ChartDef[] {
  const has = (m: string) => sweep.points.some((p) => p.metrics[m] && Number.isFinite(p.metrics[m].mean));
  const first = has("leakage") ? "leakage" : Object.keys(sweep.points[0]?.metrics ?? {})[0];
  const metrics = [...new Set([first, ...SWEEP_TRADE_OFFS].filter((m): m is string => m !== undefined && has(m)))];
  const charts: (ChartDef | undefined)[] = [...metrics.map((m) => sweepHeatmap(sweep, m)), frontierChart(sweep)];
  return charts.filter((c): c is ChartDef => c !== undefined);
}

/**
 * Recommended settings: every point that passes every threshold by the verdict rule (as the heatmaps mark them), ranked by
 * the honest operators' return on investment, best first; points without an honest ROI come last.
 */
export function recommendedPoints(sweep: SweepReport): SweepPoint[] {
  const roi = (p: SweepPoint) => p.metrics.honestRoi?.mean;
  return sweep.points
    .filter((p) => pointOutcome(p, sweep.thresholds) === "pass")
    .sort((a, b) => {
      const ra = roi(a);
      const rb = roi(b);
      const fa = ra !== undefined && Number.isFinite(ra);
      const fb = rb !== undefined && Number.isFinite(rb);
      return fa && fb ? rb! - ra! : Number(fb) - Number(fa);
    });
}
