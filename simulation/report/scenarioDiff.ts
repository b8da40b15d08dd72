/**
 * What a proposal changes: every leaf of the status quo's resolved scenario that the proposal's differs in, by path
 * (`levers.minBond`, `agents[2].count`), status quo → proposal. The A/B report opens with this list.
 */

export interface ScenarioChange {
  /** Dotted path with array indexes, e.g. `levers.detection.sybil`, `agents[1].count`. */
  path: string;
  /** The value under the status quo; undefined when the path is absent there. */
  before: unknown;
  /** The value under the proposal; undefined when the path is absent there. */
  after: unknown;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Every changed leaf, in the status quo's key order (keys only the proposal has come after its own). */
export function scenarioChanges(before: unknown, after: unknown, at = ""): ScenarioChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
    return keys.flatMap((k) => scenarioChanges(before[k], after[k], at ? `${at}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) => scenarioChanges(before[i], after[i], `${at}[${i}]`)).flat();
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: at || "(scenario)", before, after }];
}

/** A changed value for reading: JSON, shortened to `max` characters; "(absent)" for a missing one. */
export function formatChangeValue(value: unknown, max = 80): string {
  if (value === undefined) return "(absent)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `levers.minBond 100 → 500`. */
export function changeText(c: ScenarioChange): string {
  return `${c.path} ${formatChangeValue(c.before, 40)} → ${formatChangeValue(c.after, 40)}`;
}
