/**
 * The report as a document: sections in the order the issue asks for, independent of HTML or Markdown.
 * `html.ts` and `markdown.ts` only lay out what this builds, so the two twins say the same thing.
 */
import YAML from "yaml";
import type { Report, RunReport, SweepReport } from "./model";
import {
  runCharts,
  sweepCharts,
  pointOutcome,
  frontier,
  chartLevers,
  formatLever,
  groupStyles,
  recommendedPoints,
  type ChartDef,
} from "./specs";
import {
  judgeAll,
  MIN_REPLICATES_FOR_INTERVAL,
  overall,
  compareVerdicts,
  thresholdKey,
  type Outcome,
  type Threshold,
  type Verdict,
} from "./verdicts";
import { changeText, formatChangeValue, scenarioChanges, type ScenarioChange } from "./scenarioDiff";
import {
  formatDelta,
  formatEstimate,
  formatNumber,
  formatThreshold,
  formatValue,
  OUTCOME_SYMBOL,
  OUTCOME_TEXT,
} from "./format";
import { METRICS, GROUP_METRICS, TERMS, metricInfo } from "./glossary";
import { compareOverlayCharts, OVERLAID_CHART_IDS } from "./compareSpecs";

/** A table cell; `outcome` marks a verdict cell (styled, with a symbol that reads without colour). */
export type Cell = string | { text: string; outcome: Outcome };

export interface Table {
  caption: string;
  columns: string[];
  rows: Cell[][];
}

export interface Section {
  id: string;
  heading: string;
  paragraphs?: string[];
  /** Bulleted (ordered when `ordered`) plain-language points. */
  points?: string[];
  ordered?: boolean;
  tables?: Table[];
  /** Charts; in an A/B report each slot holds the status-quo and the proposal chart. */
  charts?: ChartSlot[];
  /** Preformatted blocks (scenario, command). */
  code?: { label: string; text: string }[];
  definitions?: { term: string; definition: string }[];
}

export interface ChartSlot {
  heading?: string;
  charts: { label?: string; chart: ChartDef }[];
}

export interface ReportDocument {
  title: string;
  subtitle?: string;
  overall: Outcome;
  overallText: string;
  warnings: string[];
  sections: Section[];
}

/** The run's metrics judged by `thresholds` (by default the run's own). */
export function verdictsOf(report: RunReport, thresholds: readonly Threshold[] = report.thresholds): Verdict[] {
  const byKey = new Map(report.metrics.map((m) => [m.key, m.estimate]));
  return judgeAll(thresholds, (k) => byKey.get(k));
}

function outcomeCell(o: Outcome): Cell {
  return { text: `${OUTCOME_SYMBOL[o]} ${OUTCOME_TEXT[o]}`, outcome: o };
}

function verdictTable(verdicts: readonly Verdict[], caption: string): Table {
  return {
    caption,
    columns: ["Fairness threshold", "Required", "Value (95% interval)", "Verdict"],
    rows: verdicts.map((v) => [
      v.threshold.label,
      formatThreshold(v.threshold),
      formatEstimate(v.estimate, v.threshold.unit),
      outcomeCell(v.outcome),
    ]),
  };
}

function overallText(o: Outcome, verdicts: readonly Verdict[]): string {
  const count = (x: Outcome) => verdicts.filter((v) => v.outcome === x).length;
  const n = verdicts.length;
  switch (o) {
    case "pass":
      return `PASS: all ${n} fairness thresholds hold across the whole 95% interval.`;
    case "marginal": {
      const noInterval = verdicts.filter((v) => v.outcome === "marginal" && v.pointOnly).length;
      const crossing = count("marginal") - noInterval;
      const reasons = [
        crossing > 0 ? `${crossing} of ${n} have a 95% interval that crosses the limit` : "",
        noInterval > 0
          ? `${noInterval} of ${n} have too few replicates for an interval (fewer than ${MIN_REPLICATES_FOR_INTERVAL}), so they cannot pass`
          : "",
      ].filter((r) => r !== "");
      return `MARGINAL: every threshold holds on the mean, but ${reasons.join(", and ")}.`;
    }
    case "fail":
      return `FAIL: ${count("fail")} of ${n} fairness thresholds are missed.`;
    case "missing":
      return n === 0
        ? "NO VERDICT: the run states no fairness thresholds."
        : `INCOMPLETE: ${count("missing")} of ${n} thresholds could not be measured.`;
  }
}

/** "; 95% interval a to b", or nothing when the interval is a single point. */
function intervalWords(e: { mean: number; lo?: number; hi?: number }, unit: string): string {
  if (e.lo === undefined || e.hi === undefined || (e.lo === e.mean && e.hi === e.mean)) return "";
  return `; 95% interval ${formatValue(e.lo, unit)} to ${formatValue(e.hi, unit)}`;
}

/** " (95% interval a to b)", or nothing when the interval is a single point. */
function intervalParen(e: { mean: number; lo?: number; hi?: number }, unit: string): string {
  const w = intervalWords(e, unit);
  return w ? ` (${w.slice(2)})` : "";
}

/** The three numbers that matter most, in plain words. */
export function headline(report: RunReport): string[] {
  const get = (k: string) => {
    const e = report.metrics.find((m) => m.key === k)?.estimate;
    return e && Number.isFinite(e.mean) ? e : undefined;
  };
  const out: string[] = [];
  const leak = get("leakage");
  out.push(
    leak
      ? `${formatValue(leak.mean, "fraction")} of all device rewards were paid for fake work (leakage${intervalWords(leak, "fraction")}).`
      : "Leakage (rewards paid for fake work) was not measured in this run.",
  );
  const capture = get("honestCaptureRatio");
  out.push(
    capture
      ? `Honest operators were paid ${formatNumber(capture.mean)}× what their real work earned (capture ratio; 1 is fair${capture.mean < 1 ? `, so ${formatValue(1 - capture.mean, "fraction")} of their due went elsewhere` : ""}${intervalWords(capture, "ratio")}).`
      : "The honest operators' capture ratio was not measured in this run.",
  );
  const profit = get("farmerProfitUsd");
  const hasFarmers = report.groups.some((c) => c.kind === "farmer");
  if (!hasFarmers) {
    const roi = get("honestRoi");
    out.push(
      `There are no farmers in this scenario (it is a reference run)` +
        (roi
          ? `; honest operators' return on investment was ${formatValue(roi.mean, "fraction")}${intervalParen(roi, "fraction")}.`
          : "."),
    );
  } else if (profit) {
    out.push(
      profit.mean > 0
        ? `Farming paid: farmers made a profit of ${formatValue(profit.mean, "USD")} after costs and slashes${intervalParen(profit, "USD")}.`
        : `Farming did not pay: farmers ended at ${formatValue(profit.mean, "USD")} after costs and slashes${intervalParen(profit, "USD")}.`,
    );
  } else out.push("Farmer profit was not measured in this run.");
  return out;
}

function scenarioSection(report: Report): Section {
  const lead =
    report.kind === "sweep"
      ? `The sweep's base scenario; every point overrides the swept levers (${report.levers.join(", ")}) and any --epochs/--runs given on the command line:`
      : "The scenario after defaults were applied, exactly as the simulator ran it:";
  return {
    id: "scenario",
    heading: report.kind === "sweep" ? "The scenario swept" : "The scenario as run",
    paragraphs: [report.description ?? "", lead].filter((p) => p !== ""),
    code: [
      { label: "scenario", text: YAML.stringify(report.scenario, { sortMapEntries: false, lineWidth: 0 }).trimEnd() },
    ],
  };
}

function glossarySection(metricKeys: readonly string[]): Section {
  const shown = new Set(metricKeys);
  const definitions = [
    ...Object.keys(METRICS)
      .filter((k) => shown.has(k) || shown.size === 0)
      .map((k) => metricInfo(k))
      .map((m) => ({
        term: `${m.label} (${m.unit})`,
        definition: m.definition + (m.better ? ` Better: ${m.better}.` : ""),
      })),
    ...Object.keys(GROUP_METRICS)
      .map((k) => metricInfo(k))
      .map((m) => ({ term: `${m.label}, per group (${m.unit})`, definition: m.definition })),
    ...[...shown]
      .filter((k) => !(k in METRICS))
      .map((k) => ({ term: metricInfo(k).label, definition: metricInfo(k).definition })),
    ...TERMS,
  ];
  return { id: "glossary", heading: "Glossary", definitions };
}

function reproduceSection(report: Report, cli: string): Section {
  const r = report.reproduce;
  return {
    id: "reproduce",
    heading: "Reproduce",
    paragraphs: [`The same scenario and seed give byte-identical outputs. Then rebuild this report with \`${cli}\`.`],
    code: [{ label: "command", text: r.command }],
    definitions: [
      { term: "Seed", definition: r.seed },
      ...(r.replicates !== undefined ? [{ term: "Replicates", definition: String(r.replicates) }] : []),
      { term: "Version", definition: r.version },
      { term: "Commit", definition: r.commit },
      ...(r.checkedOnEvm ? [{ term: "Checked on the EVM", definition: r.checkedOnEvm }] : []),
      { term: "Inputs read", definition: report.sources.join(", ") },
    ],
  };
}

function metricsTable(report: RunReport): Table {
  return {
    caption: "Every headline metric (mean and 95% interval across replicates)",
    columns: ["Metric", "Value (95% interval)", "Replicates"],
    rows: report.metrics.map((m) => [
      m.label,
      formatEstimate(Number.isFinite(m.estimate.mean) ? m.estimate : undefined, m.unit),
      String(m.estimate.n ?? ""),
    ]),
  };
}

/** Builds the document of one run. */
export function runDocument(report: RunReport): ReportDocument {
  const verdicts = verdictsOf(report);
  const o = overall(verdicts);
  const charts = runCharts(report);
  return {
    title: `Governance report: ${report.name}`,
    subtitle: report.description,
    overall: o,
    overallText: overallText(o, verdicts),
    warnings: report.warnings,
    sections: [
      {
        id: "verdict",
        heading: "Verdict",
        tables: [verdictTable(verdicts, "Each fairness threshold against the run's value and its 95% interval")],
      },
      { id: "headline", heading: "The three numbers that matter most", points: headline(report), ordered: true },
      { id: "charts", heading: "Charts", charts: charts.map((chart) => ({ charts: [{ chart }] })) },
      { id: "metrics", heading: "All metrics", tables: [metricsTable(report)] },
      scenarioSection(report),
      glossarySection(report.metrics.map((m) => m.key)),
      reproduceSection(report, `npm run report -- ${report.dir}`),
    ],
  };
}

/** Builds the document of a sweep (with its baseline run's charts when the sweep has one). */
export function sweepDocument(sweep: SweepReport): ReportDocument {
  const levers = chartLevers(sweep);
  const judged = sweep.points.map((p) => pointOutcome(p, sweep.thresholds));
  const passing = judged.filter((j) => j === "pass").length;
  const marginal = judged.filter((j) => j === "marginal").length;
  const edge = frontier(sweep.points, levers.x, levers.y, sweep.thresholds);
  const marginalWords =
    marginal === 0
      ? ""
      : ` ${marginal} more ${marginal > 1 ? "are" : "is"} marginal: the means meet every threshold, but an interval ` +
        `crosses a limit or too few replicates (fewer than ${MIN_REPLICATES_FOR_INTERVAL}) give none.`;
  const perThreshold: Table = {
    caption:
      "Each fairness threshold across the swept settings (a setting passes when the whole 95% interval of its replicates meets it)",
    columns: ["Fairness threshold", "Required", "Range over settings", "Settings that pass"],
    rows: sweep.thresholds.map((t) => {
      const values = sweep.points
        .map((p) => p.metrics[t.metric]?.mean)
        .filter((v): v is number => v !== undefined && Number.isFinite(v));
      const pass = sweep.points.filter((p) => pointOutcome(p, [t]) === "pass").length;
      return [
        t.label,
        formatThreshold(t),
        values.length
          ? `${formatValue(Math.min(...values), t.unit)} to ${formatValue(Math.max(...values), t.unit)}`
          : "n/a",
        `${pass} of ${sweep.points.length}`,
      ];
    }),
  };
  const frontierTable: Table = {
    caption: "Frontier: settings that pass every threshold next to a setting that fails or is marginal",
    columns: [...sweep.levers, ...sweep.thresholds.map((t) => t.label)],
    rows: edge.map((p) => [
      ...sweep.levers.map((l) => formatLever(p.params[l])),
      ...sweep.thresholds.map((t) => formatEstimate(p.metrics[t.metric], t.unit)),
    ]),
  };
  const frontierWhy =
    sweep.thresholds.length === 0
      ? "There is no frontier: the sweep states no fairness thresholds."
      : edge.length > 0
        ? `The frontier: ${edge.length} passing setting${edge.length > 1 ? "s" : ""} next to one that fails or is marginal, the edge of the safe region.`
        : passing === 0
          ? "The frontier is empty because no swept setting passes every threshold."
          : passing === sweep.points.length
            ? "The frontier is empty because every swept setting passes: the thresholds do not bind inside the swept range (widen it to find the edge)."
            : `The frontier is empty: no passing setting of the charted slice (${levers.x}${levers.y ? ` × ${levers.y}` : ""}) sits next to one that fails or is marginal.`;
  const recommended = recommendedPoints(sweep);
  const extra = ["honestRoi", "farmerProfitUsd", "finalPrice"].filter(
    (m) => !sweep.thresholds.some((t) => t.metric === m),
  );
  const recommendedTable: Table = {
    caption:
      "Recommended settings: every setting that passes every threshold, best honest ROI first (mean and 95% interval)",
    columns: [
      "Rank",
      ...sweep.levers,
      ...extra.map((m) => metricInfo(m).label),
      ...sweep.thresholds.map((t) => `${t.label} (${formatThreshold(t)})`),
    ],
    rows: recommended.map((p, i) => [
      String(i + 1),
      ...sweep.levers.map((l) => formatLever(p.params[l])),
      ...extra.map((m) => formatEstimate(p.metrics[m], metricInfo(m).unit)),
      ...sweep.thresholds.map((t) => formatEstimate(p.metrics[t.metric], t.unit)),
    ]),
  };
  const recommendedWhy =
    recommended.length === 0
      ? sweep.thresholds.length === 0
        ? "No setting can be recommended: the sweep states no fairness thresholds."
        : "No setting can be recommended: none passes every fairness threshold."
      : `${recommended.length} setting${recommended.length > 1 ? "s pass" : " passes"} every fairness threshold; ranked by the honest operators' return on investment. ` +
        `The best: ${sweep.levers.map((l) => `${l} = ${formatLever(recommended[0].params[l])}`).join(", ")}` +
        (recommended[0].metrics.honestRoi
          ? ` (honest ROI ${formatEstimate(recommended[0].metrics.honestRoi, "fraction")}).`
          : ".");
  const o: Outcome =
    sweep.thresholds.length === 0
      ? "missing"
      : passing === sweep.points.length
        ? "pass"
        : passing === 0 && marginal === 0
          ? "fail"
          : "marginal";
  const overallSentence =
    sweep.thresholds.length === 0
      ? "NO VERDICT: the sweep states no fairness thresholds."
      : `${passing} of ${sweep.points.length} swept settings pass every fairness threshold.${marginalWords}`;
  const sections: Section[] = [];
  const verdictTables: Table[] = [perThreshold];
  let baselineCharts: ChartDef[] = [];
  if (sweep.baseline) {
    const verdicts = verdictsOf(sweep.baseline);
    verdictTables.unshift(
      verdictTable(verdicts, `Baseline run (${sweep.baseline.name}): each threshold with its 95% interval`),
    );
    baselineCharts = runCharts(sweep.baseline);
  }
  sections.push({ id: "verdict", heading: "Verdict", paragraphs: [overallSentence], tables: verdictTables });
  const points: string[] = [
    `${passing} of ${sweep.points.length} settings of ${sweep.levers.join(" × ")} pass every fairness threshold.${marginalWords}`,
    edge.length
      ? `The frontier (passing settings next to one that fails or is marginal) has ${edge.length} setting${edge.length > 1 ? "s" : ""}, listed after the charts.`
      : passing === 0
        ? marginal > 0
          ? "No setting passes every threshold by the verdict rule (see the marginal ones above)."
          : "No setting passes every threshold: the levers swept cannot make this scenario fair on their own."
        : "Every setting passes: the thresholds do not bind over the swept range.",
  ];
  const leakRange = perThreshold.rows.find((r) => r[0] === "Leakage");
  if (leakRange) points.push(`Leakage ranges from ${String(leakRange[2])} across the swept settings.`);
  sections.push({ id: "headline", heading: "The three numbers that matter most", points, ordered: true });
  sections.push({
    id: "charts",
    heading: "Charts",
    charts: [...baselineCharts, ...sweepCharts(sweep)].map((chart) => ({ charts: [{ chart }] })),
  });
  sections.push({
    id: "frontier",
    heading: "The frontier",
    paragraphs: [frontierWhy],
    tables: edge.length ? [frontierTable] : [],
  });
  sections.push({
    id: "recommended",
    heading: "Recommended settings",
    paragraphs: [recommendedWhy],
    tables: recommended.length ? [recommendedTable] : [],
  });
  sections.push(scenarioSection(sweep));
  sections.push(glossarySection([...new Set(sweep.points.flatMap((p) => Object.keys(p.metrics)))]));
  sections.push(reproduceSection(sweep, `npm run report -- ${sweep.dir}`));
  return {
    title: `Governance report: sweep of ${sweep.name}`,
    subtitle: `Levers: ${sweep.levers.join(", ")}.`,
    overall: o,
    overallText: overallSentence,
    warnings: sweep.warnings,
    sections,
  };
}

/** The three numbers of an A/B report: status quo → proposal, with the change, in plain words. */
export function compareHeadline(statusQuo: RunReport, proposal: RunReport): string[] {
  const get = (r: RunReport, k: string) => {
    const e = r.metrics.find((m) => m.key === k)?.estimate;
    return e && Number.isFinite(e.mean) ? e.mean : undefined;
  };
  const line = (k: string, words: string, unit: string, tail?: (a: number, b: number) => string) => {
    const a = get(statusQuo, k);
    const b = get(proposal, k);
    if (a === undefined && b === undefined) return `${words}: not measured in either run.`;
    const change = a !== undefined && b !== undefined ? ` (${formatDelta(b - a, unit)})` : "";
    return `${words}: ${formatValue(a, unit)} under the status quo → ${formatValue(b, unit)} under the proposal${change}.${a !== undefined && b !== undefined && tail ? ` ${tail(a, b)}` : ""}`;
  };
  return [
    line("leakage", "Rewards paid for fake work (leakage)", "fraction"),
    line(
      "honestCaptureRatio",
      "What honest operators are paid for their real work (capture ratio, 1 is fair)",
      "ratio",
    ),
    line("farmerProfitUsd", "Farmer profit after costs and slashes", "USD", (a, b) =>
      b > 0
        ? a > 0
          ? "Farming pays under both."
          : "Farming starts to pay under the proposal."
        : a > 0
          ? "The proposal stops farming from paying."
          : "Farming does not pay under either.",
    ),
  ];
}

/** Whose fairness thresholds judge both sides of an A/B report. */
export type ThresholdsFrom = "status-quo" | "proposal";

export interface CompareOptions {
  /** Default: the status quo's thresholds judge both runs. */
  thresholdsFrom?: ThresholdsFrom;
}

/**
 * What differs between the two runs: every changed scenario path, then the replicates, seed, version and commit when
 * those differ (a different commit means different simulator code).
 */
export function runChanges(statusQuo: RunReport, proposal: RunReport): ScenarioChange[] {
  const a = statusQuo.reproduce;
  const b = proposal.reproduce;
  const facts: [string, unknown, unknown][] = [
    ["(version)", a.version, b.version],
    ["(commit)", a.commit, b.commit],
  ];
  return [
    ...scenarioChanges(statusQuo.scenario, proposal.scenario),
    ...facts.filter(([, x, y]) => x !== y).map(([path, before, after]) => ({ path, before, after })),
  ];
}

/** The A/B title: the proposal named by what it changes. */
function compareTitle(statusQuo: RunReport, proposal: RunReport, changes: readonly ScenarioChange[]): string {
  const names = proposal.name === statusQuo.name ? proposal.name : `${proposal.name} against ${statusQuo.name}`;
  const shown = changes.filter((c) => c.path !== "name").slice(0, 2);
  if (shown.length === 0) return `A/B governance report: ${names} (no scenario change)`;
  const rest = changes.filter((c) => c.path !== "name").length - shown.length;
  return `A/B governance report: ${names}, ${shown.map(changeText).join("; ")}${rest > 0 ? ` and ${rest} more change${rest > 1 ? "s" : ""}` : ""}`;
}

function changesSection(changes: readonly ScenarioChange[]): Section {
  return {
    id: "changes",
    heading: "What the proposal changes",
    paragraphs: [
      changes.length === 0
        ? "The two runs use the same scenario, replicates and seed: any difference below comes from the code (see Reproduce)."
        : `The proposal is the status quo with ${changes.length === 1 ? "this change" : `these ${changes.length} changes`} (paths in the resolved scenario):`,
    ],
    tables: changes.length
      ? [
          {
            caption: "Each changed setting, status quo → proposal",
            columns: ["Setting", "Status quo", "Proposal"],
            rows: changes.map((c) => [c.path, formatChangeValue(c.before), formatChangeValue(c.after)]),
          },
        ]
      : [],
  };
}

const SIDE_WORDS: Record<ThresholdsFrom, { name: string; whose: string; other: ThresholdsFrom }> = {
  "status-quo": { name: "status quo", whose: "status quo's", other: "proposal" },
  proposal: { name: "proposal", whose: "proposal's", other: "status-quo" },
};

/**
 * Which thresholds only one side's scenario states, in words a reviewer reads in the Verdict section: a threshold of
 * the judging side alone still judges both runs; one of the other side alone judges neither (the flag that would use
 * it is named). A metric whose limit differs between the sides is one sentence naming both limits.
 */
export function thresholdSources(
  judging: readonly Threshold[],
  other: readonly Threshold[],
  from: ThresholdsFrom,
): { notes: string[]; onlyJudging: Set<string> } {
  const judgingSide = SIDE_WORDS[from];
  const otherSide = SIDE_WORDS[judgingSide.other];
  const keysOf = (ts: readonly Threshold[]) => new Set(ts.map(thresholdKey));
  const judgingKeys = keysOf(judging);
  const otherKeys = keysOf(other);
  const onlyJudging = judging.filter((t) => !otherKeys.has(thresholdKey(t)));
  const onlyOther = other.filter((t) => !judgingKeys.has(thresholdKey(t)));
  const flag = `\`npm run report -- --compare … --thresholds-from ${judgingSide.other}\``;
  const notes: string[] = [];
  for (const t of onlyJudging) {
    const theirs = onlyOther.filter((u) => u.metric === t.metric);
    notes.push(
      theirs.length
        ? `${t.label}: the ${judgingSide.name} requires ${formatThreshold(t)}, the ${otherSide.name} ` +
            `${theirs.map(formatThreshold).join(" and ")}; both sides judged by the ${judgingSide.whose} (${flag} judges by the ${otherSide.whose}).`
        : `${t.label}: threshold ${formatThreshold(t)} is stated by the ${judgingSide.name} only; both sides judged by it.`,
    );
  }
  for (const t of onlyOther) {
    if (onlyJudging.some((u) => u.metric === t.metric)) continue;
    notes.push(
      `${t.label}: threshold ${formatThreshold(t)} is stated by the ${otherSide.name} only; neither side is judged by it here (${flag} judges both sides by it).`,
    );
  }
  return { notes, onlyJudging: new Set(onlyJudging.map(thresholdKey)) };
}

/** Builds the A/B document: the status quo and a proposal side by side, with deltas and changed verdicts. */
export function compareDocument(
  statusQuo: RunReport,
  proposal: RunReport,
  options: CompareOptions = {},
): ReportDocument {
  const from = options.thresholdsFrom ?? "status-quo";
  const [judging, other] = from === "proposal" ? [proposal, statusQuo] : [statusQuo, proposal];
  const thresholds = judging.thresholds;
  const sources = thresholdSources(judging.thresholds, other.thresholds, from);
  const before = verdictsOf(statusQuo, thresholds);
  const after = verdictsOf(proposal, thresholds);
  const changes = compareVerdicts(before, after);
  const changed = changes.filter((c) => c.changed);
  const o = overall(after);
  const changeTable: Table = {
    caption: "Each fairness threshold: status quo against the proposal",
    columns: [
      "Fairness threshold",
      "Required",
      "Status quo (95% interval)",
      "Verdict",
      "Proposal (95% interval)",
      "Verdict",
      "Change",
    ],
    rows: changes.map((c) => [
      c.threshold.label,
      formatThreshold(c.threshold) +
        (sources.onlyJudging.has(thresholdKey(c.threshold)) ? ` (${SIDE_WORDS[from].name} only)` : ""),
      formatEstimate(c.before.estimate, c.threshold.unit),
      outcomeCell(c.before.outcome),
      formatEstimate(c.after.estimate, c.threshold.unit),
      outcomeCell(c.after.outcome),
      formatDelta(c.delta, c.threshold.unit) +
        (c.changed ? ` (verdict ${OUTCOME_TEXT[c.before.outcome]} → ${OUTCOME_TEXT[c.after.outcome]})` : ""),
    ]),
  };
  const keys = [...new Set([...statusQuo.metrics.map((m) => m.key), ...proposal.metrics.map((m) => m.key)])];
  const metricDeltas: Table = {
    caption: "Every headline metric: status quo, proposal and the difference of the means",
    columns: ["Metric", "Status quo", "Proposal", "Change"],
    rows: keys.map((k) => {
      const a = statusQuo.metrics.find((m) => m.key === k)?.estimate;
      const b = proposal.metrics.find((m) => m.key === k)?.estimate;
      const unit = metricInfo(k).unit;
      const ok = (e: typeof a) => (e && Number.isFinite(e.mean) ? e : undefined);
      return [
        metricInfo(k).label,
        formatEstimate(ok(a), unit),
        formatEstimate(ok(b), unit),
        formatDelta(ok(a) && ok(b) ? b!.mean - a!.mean : undefined, unit),
      ];
    }),
  };
  const changeWords = changed.length
    ? `${changed.length} threshold${changed.length > 1 ? "s change" : " changes"} verdict: ` +
      changed
        .map((c) => `${c.threshold.label} ${OUTCOME_TEXT[c.before.outcome]} → ${OUTCOME_TEXT[c.after.outcome]}`)
        .join("; ") +
      "."
    : "No threshold changes verdict.";
  const judgedBy =
    thresholds.length === 0 && sources.notes.length === 0
      ? "Neither run states a fairness threshold."
      : `Both runs are judged by the ${SIDE_WORDS[from].whose} ${thresholds.length} fairness ` +
        `threshold${thresholds.length === 1 ? "" : "s"}` +
        (sources.notes.length
          ? `; the two scenarios do not state the same thresholds:`
          : `; the ${SIDE_WORDS[SIDE_WORDS[from].other].name} states the same ones.`);
  const runChangeList = runChanges(statusQuo, proposal);
  const styles = groupStyles(statusQuo, proposal);
  const beforeCharts = new Map(runCharts(statusQuo, styles).map((c) => [c.id, c]));
  const overlays: ChartSlot[] = compareOverlayCharts(statusQuo, proposal, thresholds).map((chart) => ({
    charts: [{ chart }],
  }));
  const sideBySide: ChartSlot[] = runCharts(proposal, styles)
    .filter((c) => beforeCharts.has(c.id) && !OVERLAID_CHART_IDS.has(c.id))
    .map((c) => ({
      heading: c.title,
      charts: [
        { label: `Status quo: ${statusQuo.name}`, chart: { ...beforeCharts.get(c.id)!, id: `a-${c.id}` } },
        { label: `Proposal: ${proposal.name}`, chart: { ...c, id: `b-${c.id}` } },
      ],
    }));
  return {
    title: compareTitle(statusQuo, proposal, runChangeList),
    subtitle: `Status quo: ${statusQuo.dir}. Proposal: ${proposal.dir}.`,
    overall: o,
    overallText: `Proposal ${overallText(o, after)} ${changeWords}`,
    warnings: [...statusQuo.warnings.map((w) => `Status quo: ${w}`), ...proposal.warnings.map((w) => `Proposal: ${w}`)],
    sections: [
      changesSection(runChangeList),
      {
        id: "verdict",
        heading: "Verdict",
        paragraphs: [changeWords, judgedBy],
        ...(sources.notes.length ? { points: sources.notes } : {}),
        tables: [changeTable],
      },
      {
        id: "headline",
        heading: "The three numbers that matter most",
        points: compareHeadline(statusQuo, proposal),
        ordered: true,
      },
      { id: "charts", heading: "Charts: status quo against proposal", charts: [...overlays, ...sideBySide] },
      { id: "metrics", heading: "All metrics", tables: [metricDeltas] },
      {
        ...scenarioSection(statusQuo),
        id: "scenario",
        heading: "The status quo scenario as run",
        paragraphs: [
          ...(statusQuo.description ? [statusQuo.description] : []),
          "The status quo after defaults were applied, exactly as the simulator ran it; the proposal is this scenario with the changes listed at the top.",
        ],
      },
      glossarySection(keys),
      {
        ...reproduceSection(statusQuo, `npm run report -- --compare ${statusQuo.dir} ${proposal.dir}`),
        id: "reproduce-a",
        heading: "Reproduce the status quo",
      },
      {
        ...reproduceSection(proposal, `npm run report -- --compare ${statusQuo.dir} ${proposal.dir}`),
        id: "reproduce-b",
        heading: "Reproduce the proposal",
      },
    ],
  };
}

export function documentOf(report: Report): ReportDocument {
  return report.kind === "run" ? runDocument(report) : sweepDocument(report);
}
