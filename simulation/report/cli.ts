/**
 * `npm run report -- <run or sweep dir> [--out file.html] [--no-markdown]`
 * `npm run report -- --compare <status-quo dir> <proposal dir> [--thresholds-from status-quo|proposal] [--out file.html] [--no-markdown]`
 *
 * Exit codes: 0 written; 2 bad arguments; 1 unreadable input or a rendering failure (message names file and field).
 */
import { writeCompareReport, writeReport, type WrittenReport } from "./index";
import type { ThresholdsFrom } from "./document";

export const USAGE = `Usage:
  npm run report -- <run or sweep dir> [--out file.html] [--no-markdown]
  npm run report -- --compare <status-quo dir> <proposal dir> [--thresholds-from status-quo|proposal]
                    [--out file.html] [--no-markdown]

Writes one self-contained HTML report (default <dir>/report.html, A/B: <proposal dir>/compare.html) and its
Markdown twin beside it (<name>.md with the charts as SVG files in <name>-charts/). An A/B report judges both runs
by the status quo's fairness thresholds unless --thresholds-from proposal is given.`;

export interface CliArgs {
  compare: boolean;
  dirs: string[];
  out?: string;
  markdown: boolean;
  thresholdsFrom?: ThresholdsFrom;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { compare: false, dirs: [], markdown: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--compare") args.compare = true;
    else if (a === "--no-markdown") args.markdown = false;
    else if (a === "--out" || a === "-o") {
      const v = argv[++i];
      if (v === undefined || v.startsWith("-")) throw new UsageError(`--out needs a file name`);
      args.out = v;
    } else if (a.startsWith("--out=")) args.out = a.slice("--out=".length);
    else if (a === "--thresholds-from" || a.startsWith("--thresholds-from=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v !== "status-quo" && v !== "proposal")
        throw new UsageError(
          `--thresholds-from: expected status-quo or proposal, got ${v === undefined ? "nothing" : `"${v}"`}`,
        );
      args.thresholdsFrom = v;
    } else if (a === "--help" || a === "-h") throw new UsageError("");
    else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else args.dirs.push(a);
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

export class UsageError extends Error {}

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
