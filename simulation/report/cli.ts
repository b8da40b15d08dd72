/**
 * `npm run report -- <run or sweep dir> [--out file.html] [--no-markdown]`
 * `npm run report -- --compare <status-quo dir> <proposal dir> [--thresholds-from status-quo|proposal] [--out file.html] [--no-markdown]`
 *
 * Exit codes: 0 written; 2 bad arguments; 1 unreadable input or a rendering failure (message names file and field).
 */
import { writeCompareReport, writeReport, type WrittenReport } from "./index";
import type { ThresholdsFrom } from "./document";
import { parseToolArgs, toolHelp, UsageError, type CommandSpec } from "../io/args";

export { UsageError };

/** The report's command line: each option, its value, its default and what it does (`--help` prints it). */
export const REPORT_COMMAND = {
  usage: "npm run report --",
  summary: "write one self-contained HTML report of a run or sweep directory, or an A/B report of two run directories",
  positional: "<run or sweep dir> | --compare <status-quo dir> <proposal dir>",
  options: {
    compare: { type: "boolean", help: "A/B report: the status quo's run directory, then the proposal's" },
    "thresholds-from": {
      type: "string",
      value: "status-quo|proposal",
      default: "status-quo",
      help: "whose fairness thresholds judge both runs of an A/B report",
    },
    out: {
      type: "string",
      short: "o",
      value: "file.html",
      default: "<dir>/report.html, A/B: <proposal dir>/compare.html",
      help: "the HTML file to write",
    },
    "no-markdown": { type: "boolean", help: "write no Markdown twin" },
    help: { type: "boolean", short: "h", help: "print this help" },
  },
} as const satisfies CommandSpec;

export const USAGE = `Usage:
  npm run report -- <run or sweep dir> [--out file.html] [--no-markdown]
  npm run report -- --compare <status-quo dir> <proposal dir> [--thresholds-from status-quo|proposal]
                    [--out file.html] [--no-markdown]

Writes one self-contained HTML report (default <dir>/report.html, A/B: <proposal dir>/compare.html) and its
Markdown twin beside it (<name>.md with the charts as SVG files in <name>-charts/). An A/B report judges both runs
by the status quo's fairness thresholds unless --thresholds-from proposal is given.

${toolHelp(REPORT_COMMAND)}`;

export interface CliArgs {
  compare: boolean;
  dirs: string[];
  out?: string;
  markdown: boolean;
  thresholdsFrom?: ThresholdsFrom;
}

/** The report's arguments (node:util parseArgs); a {@link UsageError} names the option and what was expected. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const { values, positionals } = parseToolArgs(REPORT_COMMAND, argv);
  if (values.help) throw new UsageError("");
  const args: CliArgs = { compare: values.compare === true, dirs: positionals, markdown: !values["no-markdown"] };
  if (values.out !== undefined) args.out = values.out;
  const from = values["thresholds-from"];
  if (from !== undefined) {
    if (from !== "status-quo" && from !== "proposal")
      throw new UsageError(`--thresholds-from: expected status-quo or proposal, got "${from}"`);
    args.thresholdsFrom = from;
  }
  const want = args.compare ? 2 : 1;
  if (args.dirs.length !== want) {
    throw new UsageError(
      args.compare
        ? `--compare needs two directories (status quo, proposal), got ${args.dirs.length}`
        : `expected one run or sweep directory, got ${args.dirs.length}`,
    );
  }
  if (args.thresholdsFrom !== undefined && !args.compare)
    throw new UsageError("--thresholds-from only applies to --compare");
  if (args.out !== undefined && !/\.html?$/i.test(args.out))
    throw new UsageError(`--out must name an .html file, got "${args.out}"`);
  return args;
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) console.error(`report: ${err.message}\n`);
    console.error(USAGE);
    return err.message ? 2 : 0;
  }
  const started = process.hrtime.bigint();
  let written: WrittenReport;
  try {
    const opts = { out: args.out, markdown: args.markdown, thresholdsFrom: args.thresholdsFrom };
    written = args.compare
      ? await writeCompareReport(args.dirs[0], args.dirs[1], opts)
      : await writeReport(args.dirs[0], opts);
  } catch (err) {
    console.error(`report: ${(err as Error).message}`);
    return 1;
  }
  const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
  console.log(
    `report: ${written.html} (${written.htmlBytes} bytes, ${written.charts} charts, verdict ${written.outcome.toUpperCase()}) in ${ms} ms`,
  );
  if (written.markdown) console.log(`report: ${written.markdown} (charts in ${written.chartDir})`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
