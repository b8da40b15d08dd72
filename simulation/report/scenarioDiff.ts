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

/** Keys that say nothing about the model: the editor's schema pointer. */
const IGNORED_KEYS = new Set(["$schema"]);

/** The `name` of every item when all items are records with distinct string names (agent groups, classes). */
function namesOf(list: readonly unknown[]): string[] | undefined {
  const names = list.map((x) => (isRecord(x) && typeof x.name === "string" ? x.name : undefined));
  if (names.some((n) => n === undefined) || new Set(names).size !== names.length) return undefined;
  return names as string[];
}

/**
 * Every changed leaf, in the status quo's key order (keys only the proposal has come after its own). Lists whose
 * items are all named (agent groups, device classes) are matched by name, `agents[honest-small].count`, so removing
 * or adding a group reads as that, not as every later group changing; other lists by index.
 */
export function scenarioChanges(before: unknown, after: unknown, at = ""): ScenarioChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))].filter(
      (k) => at !== "" || !IGNORED_KEYS.has(k),
    );
    return keys.flatMap((k) => scenarioChanges(before[k], after[k], at ? `${at}.${k}` : k));
  }
  const named = Array.isArray(before) && Array.isArray(after) ? [namesOf(before), namesOf(after)] : undefined;
  if (named?.[0] && named[1] && Array.isArray(before) && Array.isArray(after)) {
    const [a, b] = named as [string[], string[]];
    const keys = [...a, ...b.filter((n) => !a.includes(n))];
    return keys.flatMap((n) => scenarioChanges(before[a.indexOf(n)], after[b.indexOf(n)], `${at}[${n}]`));
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
