/**
 * The simulator's command lines: one table per command (each option, its value, its default and what it does),
 * parsed by Node's `util.parseArgs` and printed by `--help` in the `npm run` form a user types.
 */
import { parseArgs as parseNodeArgs } from "node:util";

/** A mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  /** `string` options take a value (repeatable where `repeat`); `boolean` ones take none. */
  type: "string" | "boolean";
  /** The value's shape in `--help`, e.g. `N` or `name|file`. */
  value?: string;
  /** The default, as `--help` shows it. */
  default?: string;
  repeat?: boolean;
  /** A one-letter alias, e.g. `o` for `-o`. */
  short?: string;
  help: string;
}

export interface CommandSpec {
  /** How a user runs it, e.g. `npm run simulate --`. */
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments in `--help`, e.g. `DIR…`. */
  positional?: string;
}

const COMMON: Record<string, OptionSpec> = {
  quiet: { type: "boolean", help: "print nothing but errors" },
  help: { type: "boolean", help: "print this help" },
};

const SCENARIO_OPTIONS: Record<string, OptionSpec> = {
  scenario: {
    type: "string",
    value: "name|file",
    default: "baseline",
    help: "a built-in scenario (`list`) or a YAML/JSON scenario file",
  },
  seed: { type: "string", value: "N", default: "the scenario's seed", help: "master seed of the replicates" },
  runs: { type: "string", value: "N", default: "the scenario's runs", help: "Monte Carlo replicates" },
  epochs: { type: "string", value: "N", default: "the scenario's epochs", help: "epochs per replicate" },
};

/** Every command of simulation/cli.ts. */
export const COMMANDS: Record<string, CommandSpec> = {
  simulate: {
    usage: "npm run simulate --",
    summary: "run a scenario's replicates; write the run files and the governance report",
    options: {
      ...SCENARIO_OPTIONS,
      param: {
        type: "string",
        value: "path=value",
        repeat: true,
        help: "override one scenario field, e.g. levers.minBond=500 or agents[1].count=40 (repeatable)",
      },
      out: { type: "string", value: "DIR", default: "out/<scenario name>", help: "output folder" },
      mode: {
        type: "string",
        value: "fast|exact|evm",
        default: "fast",
        help: "fast (float64), exact (wei ledger) or evm (real transactions against the contracts, checked to the wei)",
      },
      network: {
        type: "string",
        value: "hardhat|localhost",
        default: "hardhat",
        help: "evm mode only: the in-process network or a running `npx hardhat node`",
      },
      workers: {
        type: "string",
        value: "N",
        default: "all cores for runs ≥ 2e7 device-epochs, else 1",
        help: "worker threads for the replicates",
      },
      "no-report": { type: "boolean", help: "write the run files only, no report.html/report.md" },
      ...COMMON,
    },
  },
  sweep: {
    usage: "npm run sweep --",
    summary: "run a grid of lever settings, resumable; write sweep.csv, sweep-points.csv and the report",
    options: {
      ...SCENARIO_OPTIONS,
      param: {
        type: "string",
        value: "path=v1,v2,…",
        repeat: true,
        help: "a swept lever and its values (repeat for a grid, the cartesian product)",
      },
      out: { type: "string", value: "DIR", default: "out/sweep-<scenario name>", help: "output folder" },
      workers: { type: "string", value: "N", default: "all cores", help: "worker threads" },
      shard: { type: "string", value: "i/n", help: "run slice i of n of the grid (merge the slices with sweep:merge)" },
      "no-report": { type: "boolean", help: "no report.html/report.md" },
      ...COMMON,
    },
  },
  merge: {
    usage: "npm run sweep:merge --",
    summary: "merge the complete shards of one sweep into one sweep folder and write its report",
    positional: "DIR…",
    options: {
      out: { type: "string", value: "DIR", default: "out/sweep-merged", help: "output folder" },
      "no-report": { type: "boolean", help: "no report.html/report.md" },
      ...COMMON,
    },
  },
  schema: {
    usage: "npx ts-node --transpile-only simulation/cli.ts schema",
    summary: "print the JSON Schema of scenario files",
    options: { help: COMMON.help },
  },
  list: {
    usage: "npx ts-node --transpile-only simulation/cli.ts list",
    summary: "list the built-in scenarios",
    options: { help: COMMON.help },
  },
};

export interface ParsedArgs {
  command: string;
  /** Every value given per option, in order (booleans: "true"). */
  flags: Map<string, string[]>;
  positional: string[];
}

function optionList(spec: CommandSpec): string {
  return Object.keys(spec.options)
    .map((k) => `--${k}`)
    .join(", ");
}

/** util.parseArgs's error as one line naming the option and what was expected (after `command: ` when given). */
function usageErrorOf(err: unknown, command: string | undefined, spec: CommandSpec): UsageError {
  const lead = command === undefined ? "" : `${command}: `;
  const code = (err as { code?: string }).code;
  const message = (err as Error).message;
  const name = /'(--?[^' ]+)/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
    return new UsageError(`${lead}unknown option ${name} (options: ${optionList(spec)})`);
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    // the message names "-o, --out <value>" for an option with a short alias: take the long name
    const long = /--([\w-]+)/.exec(message)?.[1] ?? name.replace(/^--?/, "");
    const o = spec.options[long];
    return new UsageError(
      o?.type === "boolean"
        ? `--${long} takes no value`
        : `--${long} needs a value (${o?.value ?? "a value"}); to give one that starts with "-", write --${long}=<value>`,
    );
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const arg = /'([^']*)'/.exec(message)?.[1] ?? "";
    return new UsageError(`${lead}unexpected argument "${arg}" (it takes only options: ${optionList(spec)})`);
  }
  return new UsageError(message);
}

/** A tool's option values: a string for a `string` option, true for a `boolean` one given, absent when not given. */
export type ToolValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string;
};

/**
 * A tool's own command line (a benchmark, the report, the profiler) parsed by util.parseArgs against its table, with
 * the errors of {@link parseArgs}: an unknown option, a missing value, a value given to a boolean, or a positional
 * argument to a tool that takes none is a {@link UsageError} naming it (the tool prints its own name before it).
 * The last value of a repeated option wins.
 */
export function parseToolArgs<O extends Record<string, OptionSpec>>(
  spec: CommandSpec & { options: O },
  argv: readonly string[],
): { values: ToolValues<O>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(spec.options).map(
      ([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}) }] as const,
    ),
  );
  try {
    const parsed = parseNodeArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: spec.positional !== undefined,
    });
    return { values: parsed.values as ToolValues<O>, positionals: parsed.positionals };
  } catch (err) {
    throw usageErrorOf(err, undefined, spec);
  }
}

/** A positive integer option (or positional argument `--name` / `name`), `fallback` when not given. */
export function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    throw new UsageError(`${name}: expected a positive integer, got "${text}"`);
  return Number(text);
}

/** `--help` of a tool: its `npm run` form, its summary and every option with its value, default and meaning. */
export function toolHelp(spec: CommandSpec): string {
  return [...helpLines(spec), ""].join("\n");
}

/** The `npm run` form, the summary and the option rows: the head of every `--help`. */
function helpLines(spec: CommandSpec): string[] {
  return [
    `${spec.usage} [options]${spec.positional ? ` ${spec.positional}` : ""}`,
    `  ${spec.summary}`,
    "",
    "options:",
    ...optionRows(spec),
  ];
}

function optionRows(spec: CommandSpec): string[] {
  const rows = Object.entries(spec.options).map(([k, o]) => {
    const left = `  ${o.short ? `-${o.short}, ` : ""}--${k}${o.value ? ` <${o.value}>` : ""}`;
    const right = `${o.help}${o.default ? ` (default: ${o.default})` : ""}`;
    return { left, right };
  });
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  return rows.map((r) => r.left.padEnd(width) + r.right);
}

/**
 * The command (the first argument when it names one, else `simulate`) and its options, checked against the
 * command's table: an unknown option, a missing value or a value given to a boolean is a {@link UsageError}.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const command = argv.length > 0 && argv[0] in COMMANDS ? argv[0] : "simulate";
  const rest = command === argv[0] ? argv.slice(1) : [...argv];
  const spec = COMMANDS[command];
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([k, o]) => [k, { type: o.type, multiple: true }] as const),
  );
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({ args: [...rest], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw usageErrorOf(err, command, spec);
  }
  const flags = new Map<string, string[]>();
  for (const [k, v] of Object.entries(parsed.values)) {
    const values = (v as (string | boolean)[]).map((x) => (x === true ? "true" : String(x)));
    flags.set(k, values);
  }
  return { command, flags, positional: parsed.positionals };
}

/** The last value given for an option. */
export function flag(args: ParsedArgs, key: string): string | undefined {
  const v = args.flags.get(key);
  return v === undefined ? undefined : v[v.length - 1];
}

/** An integer option (≥ `min`), or undefined when not given. */
export function intFlag(args: ParsedArgs, key: string, min = 0): number | undefined {
  const v = flag(args, key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${key}: expected an integer ≥ ${min}, got "${v}"`);
  return Number(v);
}

/** `--help` of one command: its `npm run` form, every option with its value, default and meaning. */
export function helpText(command: string): string {
  const spec = COMMANDS[command] ?? COMMANDS.simulate;
  const others = Object.entries(COMMANDS)
    .filter(([name]) => name !== command)
    .map(([, c]) => ({ left: `  ${c.usage} --help`, right: c.summary }));
  const otherWidth = Math.max(...others.map((o) => o.left.length)) + 2;
  return [
    ...helpLines(spec),
    "",
    "other commands:",
    ...others.map((o) => o.left.padEnd(otherWidth) + o.right),
    "",
  ].join("\n");
}
