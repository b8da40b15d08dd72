/** Number formatting shared by the HTML and Markdown reports. Deterministic: no locale, fixed rules. */
import { MIN_REPLICATES_FOR_INTERVAL, type Estimate, type Threshold, type Outcome } from "./verdicts";

/** Whether a unit is a 0–1 share printed as a percentage. */
export function isShare(unit: string): boolean {
  return unit === "fraction" || unit === "share" || unit === "%";
}

/** Formats a number for reading: percentages for shares, thousands separators, 3 significant digits for small values. */
export function formatValue(x: number | undefined, unit: string): string {
  if (x === undefined || Number.isNaN(x)) return "n/a";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (isShare(unit)) return `${trim((x * 100).toFixed(Math.abs(x) < 0.1 ? 2 : 1))}%`;
  return formatNumber(x) + unitSuffix(unit);
}

/** A plain number: integers with thousands separators, otherwise 3 significant digits. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "n/a" : x > 0 ? "∞" : "−∞";
  const abs = Math.abs(x);
  let s: string;
  if (abs >= 1e12) s = `${trim((x / 1e12).toPrecision(3))}T`;
  else if (abs >= 1e9) s = `${trim((x / 1e9).toPrecision(3))}B`;
  else if (abs >= 1e6) s = `${trim((x / 1e6).toPrecision(3))}M`;
  else if (abs >= 1000) s = groupThousands(Math.round(x));
  else if (abs === 0) s = "0";
  else if (Number.isInteger(x)) s = String(x);
  else s = trim(x.toPrecision(3));
  return s.replace(/^-/, "−");
}

function groupThousands(n: number): string {
  const sign = n < 0 ? "-" : "";
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function trim(s: string): string {
  if (s.includes("e")) return s;
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

function unitSuffix(unit: string): string {
  switch (unit) {
    case "":
    case "ratio":
    case "0–1":
    case "count":
    case "tokens":
    case "per year":
      return "";
    case "USD":
      return " USD";
    default:
      return ` ${unit}`;
  }
}

/** "4.2% (3.9–4.6%)", or "4.2%" when the interval is one point, or the mean and "too few replicates for an interval". */
export function formatEstimate(e: Estimate | undefined, unit: string): string {
  if (e === undefined) return "n/a";
  const mean = formatValue(e.mean, unit);
  if (e.lo === undefined || e.hi === undefined) {
    return e.n !== undefined && e.n < MIN_REPLICATES_FOR_INTERVAL
      ? `${mean} (too few replicates for an interval)`
      : mean;
  }
  if (e.lo === e.mean && e.hi === e.mean) return mean;
  return `${mean} (${formatValue(e.lo, unit)} – ${formatValue(e.hi, unit)})`;
}

/** "≤ 5%", "≥ 3", "0.9 – 1.1". */
export function formatThreshold(t: Threshold): string {
  if (t.op === "between") return `between ${formatValue(t.value, t.unit)} and ${formatValue(t.max, t.unit)}`;
  const op = { "<=": "≤", ">=": "≥", "<": "<", ">": ">" }[t.op];
  return `${op} ${formatValue(t.value, t.unit)}`;
}

/** Signed delta, "+1.2 pp" for shares (percentage points), "−340" otherwise. */
export function formatDelta(d: number | undefined, unit: string): string {
  if (d === undefined || !Number.isFinite(d)) return "n/a";
  if (d === 0) return "no change";
  const sign = d > 0 ? "+" : "−";
  if (isShare(unit)) return `${sign}${trim((Math.abs(d) * 100).toFixed(2))} pp`;
  return `${sign}${formatNumber(Math.abs(d))}${unitSuffix(unit)}`;
}

export const OUTCOME_TEXT: Record<Outcome, string> = {
  pass: "PASS",
  fail: "FAIL",
  marginal: "MARGINAL",
  missing: "MISSING",
};

/** A symbol that reads without colour. */
export const OUTCOME_SYMBOL: Record<Outcome, string> = {
  pass: "✔",
  fail: "✘",
  marginal: "≈",
  missing: "–",
};
