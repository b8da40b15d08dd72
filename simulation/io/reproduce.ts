/**
 * The command that regenerates a run or a sweep, recorded in summary.json and sweep.json and shown by the report.
 * Every setting that changes the outputs is written out (scenario, each --param, epochs, runs, seed, mode), resolved
 * from the scenario as run, so the command stays exact when a default changes. `--out`, `--workers`, `--quiet` and
 * `--no-report` are left out: they do not change the bytes of the data files.
 */

/** A shell word: bare when it is made only of safe characters, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[\w.,=/:+@%^-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Splits a command written with {@link shellQuote} back into its words (bare and single-quoted parts). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === " ") {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${command}`);
      word = (word ?? "") + command.slice(i + 1, end);
      i = end;
    } else if (c === "\\" && command[i + 1] === "'") {
      word = (word ?? "") + "'";
      i++;
    } else word = (word ?? "") + c;
  }
  if (word !== null) words.push(word);
  return words;
}

/** The text of an override value as `--param` reads it back (JSON where the plain text would read differently). */
export function paramText(value: unknown): string {
  if (typeof value === "string") {
    try {
      JSON.parse(value);
      return JSON.stringify(value);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value);
}

/** A swept list as `--param key=v1,v2` reads it back (a JSON list when a value holds a comma or a bracket). */
function listText(values: readonly unknown[]): string {
  const texts = values.map(paramText);
  return texts.some((t) => /[,[\]]/.test(t)) ? JSON.stringify(values) : texts.join(",");
}

/** Keys set by their own flag rather than by --param. */
const OWN_FLAGS = new Set(["seed", "runs", "epochs"]);

/** `--param key=value` words of the overrides, in the order given. */
function paramWords(overrides: Readonly<Record<string, unknown>>, render: (v: unknown) => string): string[] {
  return Object.entries(overrides)
    .filter(([k]) => !OWN_FLAGS.has(k))
    .flatMap(([k, v]) => ["--param", `${k}=${render(v)}`]);
}

export interface ReproduceSettings {
  /** The scenario as given to the command (a built-in name or a file path). */
  scenario: string;
  overrides: Readonly<Record<string, unknown>>;
  epochs: number;
  runs: number;
  seed: number;
}

/** `npm run simulate -- …` that regenerates a run's data files. */
export function simulateCommand(settings: ReproduceSettings & { mode: string }): string {
  const words = [
    "--scenario",
    settings.scenario,
    ...paramWords(settings.overrides, paramText),
    "--epochs",
    String(settings.epochs),
    "--runs",
    String(settings.runs),
    "--seed",
    String(settings.seed),
    "--mode",
    settings.mode,
  ];
  return ["npm run simulate --", ...words.map(shellQuote)].join(" ");
}

/** `npm run sweep -- …` that regenerates a sweep (or one shard of it). */
export function sweepCommandLine(
  settings: ReproduceSettings & {
    params: ReadonlyArray<{ key: string; values: readonly unknown[] }>;
    shard: { index: number; count: number } | null;
  },
): string {
  const words = [
    "--scenario",
    settings.scenario,
    ...paramWords(settings.overrides, paramText),
    ...settings.params.flatMap((p) => ["--param", `${p.key}=${listText(p.values)}`]),
    "--epochs",
    String(settings.epochs),
    "--runs",
    String(settings.runs),
    "--seed",
    String(settings.seed),
    ...(settings.shard ? ["--shard", `${settings.shard.index}/${settings.shard.count}`] : []),
  ];
  return ["npm run sweep --", ...words.map(shellQuote)].join(" ");
}
