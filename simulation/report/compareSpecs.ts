/**
 * A/B chart specifications: the status quo and the proposal on ONE chart with one shared scale, so a reviewer reads
 * the difference directly. The status quo is a grey dashed line, the proposal a solid black one (greyscale-safe).
 * Charts that do not overlay well (stacked rewards, per-group panels) stay side by side in document.ts.
 */
import type { EpochRow, RunReport } from "./model";
import type { Threshold } from "./verdicts";
import {
  baseConfig,
  binEpochs,
  binNote,
  lorenzEqualityLayer,
  sampleRows,
  HEIGHT,
  LINE_LEGEND,
  WIDTH,
  type ChartDef,
} from "./specs";
import { formatDelta, formatNumber, formatValue } from "./format";

const SIDES = ["status quo", "proposal"] as const;
const SIDE_SCALES = {
  color: { domain: [...SIDES], range: ["#7f7f7f", "#000000"] },
  strokeDash: {
    domain: [...SIDES],
    range: [
      [7, 4],
      [1, 0],
    ],
  },
};

/** Status quo and proposal told apart by colour and by dash pattern (readable in greyscale), with one legend. */
function sideEncoding() {
  const channel = (scale: (typeof SIDE_SCALES)["color" | "strokeDash"]) => ({
    field: "side",
    type: "nominal" as const,
    title: "Run",
    sort: [...SIDES],
    scale,
    legend: LINE_LEGEND,
  });
  return { color: channel(SIDE_SCALES.color), strokeDash: channel(SIDE_SCALES.strokeDash) };
}

interface Series {
  id: string;
  title: string;
  yTitle: string;
  yFormat?: string;
  unit: string;
  value: (e: EpochRow) => number | undefined;
  /** Whole-run value used for the sentence (last epoch for stocks, mean for flows). */
  summary: "last" | "mean";
  zero?: boolean;
  /** Metric whose upper-limit threshold (the one both sides are judged by) is drawn as a dashed rule. */
  metric?: string;
}

/** A dashed rule with a label at an upper limit; nothing when there is no limit. */
function limitLayers(limit: number | undefined, unit: string): Record<string, unknown>[] {
  if (limit === undefined) return [];
  return [
    {
      data: { values: [{ limit }] },
      mark: { type: "rule", strokeDash: [2, 2], color: "#b35806", strokeWidth: 2 },
      encoding: { y: { field: "limit", type: "quantitative" } },
    },
    {
      data: { values: [{ limit, label: `threshold ${formatValue(limit, unit)}` }] },
      mark: { type: "text", align: "left", dx: 4, dy: -7, x: 0, color: "#7a3c04", fontSize: 11 },
      encoding: { y: { field: "limit", type: "quantitative" }, text: { field: "label" } },
    },
  ];
}

const SERIES: Series[] = [
  {
    id: "ab-leakage",
    title: "Leakage over time",
    yTitle: "Leakage (% of rewards)",
    yFormat: ".0%",
    unit: "fraction",
    value: (e) => e.leakage,
    summary: "mean",
    metric: "leakage",
  },
  {
    id: "ab-emission",
    title: "Emission per epoch",
    yTitle: "Emission (tokens per epoch)",
    yFormat: "~s",
    unit: "tokens",
    value: (e) => e.emission,
    summary: "mean",
  },
  {
    id: "ab-supply",
    title: "Cumulative supply",
    yTitle: "Cumulative supply (tokens)",
    yFormat: "~s",
    unit: "tokens",
    value: (e) => e.cumulative,
    summary: "last",
  },
  {
    id: "ab-circulating",
    title: "Circulating supply",
    yTitle: "Circulating supply (tokens)",
    yFormat: "~s",
    unit: "tokens",
    value: (e) => e.circulating,
    summary: "last",
  },
  {
    id: "ab-price",
    title: "Token price",
    yTitle: "Price (USD per token)",
    unit: "USD",
    value: (e) => e.price,
    summary: "last",
    zero: false,
  },
];

function summarise(epochs: readonly EpochRow[], s: Series): number | undefined {
  const vs = epochs.map(s.value).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (vs.length === 0) return undefined;
  return s.summary === "last" ? vs[vs.length - 1] : vs.reduce((a, b) => a + b, 0) / vs.length;
}

function overlay(a: RunReport, b: RunReport, s: Series, thresholds: readonly Threshold[]): ChartDef | undefined {
  const binned = [a, b].map((r) => binEpochs(r.epochs));
  // Proposal first, so the status quo (grey dashes) is drawn on top and stays visible where the two coincide.
  const values = [...binned].reverse().flatMap(({ rows }, j) => {
    const side = SIDES[1 - j];
    return rows.flatMap((e) => {
      const v = s.value(e);
      return v === undefined || !Number.isFinite(v) ? [] : [{ epoch: e.epoch, side, value: Number(v.toPrecision(6)) }];
    });
  });
  if (!values.some((v) => v.side === "status quo") || !values.some((v) => v.side === "proposal")) return undefined;
  const va = summarise(a.epochs, s);
  const vb = summarise(b.epochs, s);
  const what = s.summary === "last" ? "at the last epoch" : "on average per epoch";
  const k = Math.max(binned[0].k, binned[1].k);
  const rowsA = new Map(a.epochs.map((e) => [e.epoch, e]));
  const rowsB = new Map(b.epochs.map((e) => [e.epoch, e]));
  const epochs = sampleRows([...new Set([...rowsA.keys(), ...rowsB.keys()])].sort((x, y) => x - y));
  return {
    id: s.id,
    title: `${s.title}: status quo against proposal`,
    description:
      `${s.title}, status quo (grey dashed) against the proposal (black solid), on one scale. ` +
      `${what[0].toUpperCase()}${what.slice(1)}: status quo ${formatValue(va, s.unit)}, proposal ${formatValue(vb, s.unit)} ` +
      `(${formatDelta(va !== undefined && vb !== undefined ? vb - va : undefined, s.unit)}).` +
      binNote(k),
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: `${s.title}: status quo against proposal`,
      width: WIDTH,
      height: HEIGHT,
      config: baseConfig(),
      layer: [
        {
          data: { values },
          mark: { type: "line", strokeWidth: 2 },
          encoding: {
            x: {
              field: "epoch",
              type: "quantitative",
              title: "Epoch (count from 0)",
              axis: { tickMinStep: 1, format: "~s" },
              scale: { nice: false },
            },
            y: {
              field: "value",
              type: "quantitative",
              title: s.yTitle,
              axis: s.yFormat ? { format: s.yFormat } : {},
              scale: { zero: s.zero ?? true },
            },
            ...sideEncoding(),
          },
        },
        ...limitLayers(
          s.metric
            ? thresholds.find((t) => t.metric === s.metric && (t.op === "<=" || t.op === "<"))?.value
            : undefined,
          s.unit,
        ),
      ],
    },
    table: {
      columns: ["Epoch", "Status quo", "Proposal", "Change"],
      rows: epochs.map((ep) => {
        const x = rowsA.get(ep);
        const y = rowsB.get(ep);
        const vx = x ? s.value(x) : undefined;
        const vy = y ? s.value(y) : undefined;
        const fmt = (v: number | undefined) =>
          s.unit === "tokens" ? (v === undefined ? "n/a" : formatNumber(v)) : formatValue(v, s.unit);
        return [
          String(ep),
          fmt(vx),
          fmt(vy),
          formatDelta(vx !== undefined && vy !== undefined ? vy - vx : undefined, s.unit === "tokens" ? "" : s.unit),
        ];
      }),
    },
  };
}

function lorenzOverlay(a: RunReport, b: RunReport): ChartDef | undefined {
  if (!a.lorenz?.length || !b.lorenz?.length) return undefined;
  const values = [b.lorenz, a.lorenz].flatMap((pts, j) =>
    pts.map((p) => ({
      population: Number(p.population.toPrecision(6)),
      share: Number(p.share.toPrecision(6)),
      side: SIDES[1 - j],
    })),
  );
  const gini = (r: RunReport) => r.metrics.find((m) => m.key === "payEquityGini")?.estimate.mean;
  const ga = gini(a);
  const gb = gini(b);
  const at = (pts: NonNullable<RunReport["lorenz"]>, x: number) =>
    pts.reduce((best, p) => (Math.abs(p.population - x) < Math.abs(best.population - x) ? p : best), pts[0]);
  return {
    id: "ab-lorenz",
    title: "Pay equity among honest operators: status quo against proposal",
    description:
      `Lorenz curves of reward per unit of real work across honest devices (dotted diagonal = equal pay). ` +
      `Gini: status quo ${formatValue(ga, "0–1")}, proposal ${formatValue(gb, "0–1")} (${formatDelta(ga !== undefined && gb !== undefined ? gb - ga : undefined, "0–1")}).`,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "Pay equity (Lorenz curve): status quo against proposal",
      width: 320,
      height: 320,
      config: baseConfig(),
      layer: [
        lorenzEqualityLayer([1, 3], "#555"),
        {
          data: { values },
          mark: { type: "line", strokeWidth: 2 },
          encoding: {
            x: { field: "population", type: "quantitative" },
            y: { field: "share", type: "quantitative" },
            ...sideEncoding(),
          },
        },
      ],
    },
    table: {
      columns: ["Lowest-paid share of devices", "Their share of pay: status quo", "Proposal"],
      rows: [0.1, 0.25, 0.5, 0.75, 0.9].map((x) => [
        formatValue(x, "fraction"),
        formatValue(at(a.lorenz!, x).share, "fraction"),
        formatValue(at(b.lorenz!, x).share, "fraction"),
      ]),
    },
  };
}

/**
 * Overlay charts of an A/B report, in report order; a series absent on either side is left out. `thresholds` are the
 * ones both sides are judged by (drawn as limits).
 */
export function compareOverlayCharts(
  statusQuo: RunReport,
  proposal: RunReport,
  thresholds: readonly Threshold[],
): ChartDef[] {
  return [...SERIES.map((s) => overlay(statusQuo, proposal, s, thresholds)), lorenzOverlay(statusQuo, proposal)].filter(
    (c): c is ChartDef => c !== undefined,
  );
}

/** Run chart ids that the overlays replace (the rest are shown side by side). */
export const OVERLAID_CHART_IDS = new Set(["emission", "supply", "leakage", "circulating", "price", "lorenz"]);
