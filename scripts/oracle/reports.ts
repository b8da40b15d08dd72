import fs from "node:fs";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { z } from "zod";

/** Flags a work report may carry for a device. `denylisted` removes the device from the epoch's rewards. */
export const REPORT_FLAGS = ["denylisted"] as const;
export type ReportFlag = (typeof REPORT_FLAGS)[number];

/** One device's verified work for an epoch, with work as an exact 18-decimal fixed-point number in [0, 1e18]. */
export interface WorkReport {
  deviceId: bigint;
  workWad: bigint;
  flags: ReportFlag[];
  /** Work that met paid demand (only read when the oracle's config gives demand a weight); default 0. */
  servedWad?: bigint;
}

const WAD_DECIMALS = 18;

/** Parses a decimal in [0, 1] with at most 18 decimals into an exact WAD integer. */
function parseWorkWad(text: string): bigint | undefined {
  const m = /^(0|1)(?:\.(\d{1,18}))?$/.exec(text.trim());
  if (!m) return undefined;
  const wad = BigInt(m[1]) * 10n ** 18n + BigInt((m[2] ?? "").padEnd(WAD_DECIMALS, "0") || "0");
  return wad <= 10n ** 18n ? wad : undefined;
}

const deviceIdField = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = String(v).trim();
  if (/^0x[0-9a-fA-F]{40}$/.test(text) || /^0x[0-9a-fA-F]{1,64}$/.test(text) || /^\d{1,78}$/.test(text)) {
    const id = BigInt(text);
    if (id > 0n && id < 2n ** 160n) return id;
  }
  ctx.addIssue({
    code: "custom",
    message: "expected a device id: the device key address (0x + 40 hex) or its uint160 value",
  });
  return z.NEVER;
});

const workField = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const wad = parseWorkWad(typeof v === "number" ? v.toString() : v);
  if (wad === undefined) {
    ctx.addIssue({ code: "custom", message: "expected verified work as a decimal in [0, 1] with at most 18 decimals" });
    return z.NEVER;
  }
  return wad;
});

const flagsField = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v, ctx) => {
    const list =
      v === undefined
        ? []
        : Array.isArray(v)
          ? v
          : v
              .split("|")
              .map((s) => s.trim())
              .filter(Boolean);
    for (const flag of list) {
      if (!(REPORT_FLAGS as readonly string[]).includes(flag)) {
        ctx.addIssue({
          code: "custom",
          message: `unknown flag "${flag}"; expected one of: ${REPORT_FLAGS.join(", ")}`,
        });
        return z.NEVER;
      }
    }
    return list as ReportFlag[];
  });

const reportRow = z.object({ deviceId: deviceIdField, work: workField, flags: flagsField }).strict();

/** A reports file that failed validation; `problems` has one line per bad field, each naming its line. */
export class ReportsFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `${file}: ${problems.length} problem(s) in the work reports; nothing was computed or posted:\n  ${problems.join("\n  ")}`,
    );
    this.name = "ReportsFileError";
  }
}

const CSV_COLUMNS = { required: ["deviceId", "work"], optional: ["flags"] } as const;

/** Header problems (line 1), so a misnamed column is one message rather than an error on every row. */
function csvHeaderProblems(header: readonly string[]): string[] {
  const known: readonly string[] = [...CSV_COLUMNS.required, ...CSV_COLUMNS.optional];
  const expected = `expected the header ${CSV_COLUMNS.required.join(",")}[,${CSV_COLUMNS.optional.join(",")}]`;
  const problems = [
    ...CSV_COLUMNS.required.filter((c) => !header.includes(c)).map((c) => `line 1 (header): missing column "${c}"`),
    ...header.filter((c) => !known.includes(c)).map((c) => `line 1 (header): unknown column "${c}"`),
  ];
  return problems.length ? [...problems.map((p) => `${p}; ${expected}`)] : [];
}

/**
 * Reads and validates an epoch's work reports from a `.csv` (header `deviceId,work[,flags]`, flags `|`-separated)
 * or `.json` file (an array of `{deviceId, work, flags?}`). Every problem is listed with its line (CSV: the file line,
 * header = line 1; JSON: the array index) and field; a device reported twice is a problem too.
 */
export function readWorkReports(file: string): WorkReport[] {
  if (!fs.existsSync(file)) throw new ReportsFileError(file, ["file not found"]);
  const ext = path.extname(file).toLowerCase();
  const text = fs.readFileSync(file, "utf8");
  let rows: unknown[];
  let where: (i: number) => string;
  if (ext === ".csv") {
    let headerProblems: string[] = [];
    try {
      rows = parseCsv(text, {
        columns: (header: string[]) => {
          headerProblems = csvHeaderProblems(header);
          return header;
        },
        skip_empty_lines: true,
        trim: true,
      }) as unknown[];
    } catch (err) {
      throw new ReportsFileError(file, [`not valid CSV: ${(err as Error).message}`]);
    }
    if (headerProblems.length) throw new ReportsFileError(file, headerProblems);
    where = (i) => `line ${i + 2}`;
  } else if (ext === ".json") {
    try {
      rows = JSON.parse(text) as unknown[];
    } catch (err) {
      throw new ReportsFileError(file, [`not valid JSON: ${(err as Error).message}`]);
    }
    if (!Array.isArray(rows)) throw new ReportsFileError(file, ["expected a JSON array of {deviceId, work, flags?}"]);
    where = (i) => `[${i}]`;
  } else {
    throw new ReportsFileError(file, [`unsupported extension "${ext}"; expected .csv or .json`]);
  }

  const problems: string[] = [];
  const reports: WorkReport[] = [];
  const seen = new Map<bigint, number>();
  rows.forEach((row, i) => {
    const parsed = reportRow.safeParse(row);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length ? issue.path.join(".") : "(row)";
        problems.push(`${where(i)}: ${field}: ${issue.message}`);
      }
      return;
    }
    const first = seen.get(parsed.data.deviceId);
    if (first !== undefined) {
      problems.push(`${where(i)}: deviceId: device reported twice (first at ${where(first)})`);
      return;
    }
    seen.set(parsed.data.deviceId, i);
    reports.push({ deviceId: parsed.data.deviceId, workWad: parsed.data.work, flags: parsed.data.flags });
  });
  if (problems.length) throw new ReportsFileError(file, problems);
  return reports;
}
