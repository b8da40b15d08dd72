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
    const code = (err as { code?: string }).code;
    const name = /'(--?[^' ]+)/.exec((err as Error).message)?.[1] ?? "";
    const key = name.replace(/^--?/, "");
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
      throw new UsageError(`${command}: unknown option ${name} (options: ${optionList(spec)})`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const o = spec.options[key];
      throw new UsageError(
        o?.type === "boolean"
          ? `--${key} takes no value`
          : `--${key} needs a value (${o?.value ?? "a value"}); to give one that starts with "-", write --${key}=<value>`,
      );
    }
    throw new UsageError((err as Error).message);
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
  const rows = Object.entries(spec.options).map(([k, o]) => {
    const left = `  --${k}${o.value ? ` <${o.value}>` : ""}`;
    const right = `${o.help}${o.default ? ` (default: ${o.default})` : ""}`;
    return { left, right };
  });
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  const others = Object.entries(COMMANDS)
    .filter(([name]) => name !== command)
    .map(([, c]) => ({ left: `  ${c.usage} --help`, right: c.summary }));
  const otherWidth = Math.max(...others.map((o) => o.left.length)) + 2;
  return [
    `${spec.usage} [options]${spec.positional ? ` ${spec.positional}` : ""}`,
    `  ${spec.summary}`,
    "",
    "options:",
    ...rows.map((r) => r.left.padEnd(width) + r.right),
    "",
    "other commands:",
    ...others.map((o) => o.left.padEnd(otherWidth) + o.right),
    "",
  ].join("\n");
}
