/**
 * Reads the simulator's CSV files (RFC 4180: comma, double-quote escaping, header row first) into validated rows.
 * Every error names the file, the line and the column.
 */
import fs from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { parse } from "csv-parse/sync";
import { z } from "zod";

/** Splits CSV text into records of raw cells (csv-parse: RFC 4180 quoting, `\n` or `\r\n` line ends). */
export function parseCsvText(text: string, file: string): string[][] {
  try {
    return parse(text, { relax_column_count: true }) as string[][];
  } catch (err) {
    const e = err as { message: string; lines?: number };
    throw new Error(`${file}: ${e.lines !== undefined ? `line ${e.lines}: ` : ""}${e.message}`, { cause: err });
  }
}

const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-?Infinity$/;

/** A finite number written in a cell. */
export const numberCell = z.string().trim().regex(NUMBER_TEXT, { message: "expected a number" }).transform(Number);

/** A number or an empty cell (not defined), read as undefined. */
export const optionalNumberCell = z.union([z.literal("").transform(() => undefined), numberCell]);

/** A non-empty text cell. */
export const textCell = z.string().min(1, { message: "expected a non-empty value" });

/**
 * A cell check without zod for the three cell schemas above (the same acceptance; undefined = rejected, let zod say
 * why), so a file of millions of rows is read at the speed of the CSV parser.
 */
type FastCell = (cell: string) => { ok: true; value: unknown } | undefined;
const NUMBER_FAST: FastCell = (cell) => {
  const t = cell.trim();
  return NUMBER_TEXT.test(t) ? { ok: true, value: Number(t) } : undefined;
};
const FAST_CELLS = new Map<z.ZodType, FastCell>([
  [numberCell, NUMBER_FAST],
  [optionalNumberCell, (cell) => (cell === "" ? { ok: true, value: undefined } : NUMBER_FAST(cell))],
  [textCell, (cell) => (cell.length >= 1 ? { ok: true, value: cell } : undefined)],
]);

/** Validates records against `shape` by the header; `firstIndex` is the index of records[0] in the file (header = 0). */
class RowValidator<S extends z.ZodRawShape> {
  private header?: string[];
  private readonly schema: z.ZodObject<S>;
  /** Per shape column: its index in the header and its fast check (all present, or none: zod for every row). */
  private fast?: Array<{ key: string; index: number; check: FastCell }>;

  constructor(
    private readonly file: string,
    private readonly shape: S,
  ) {
    this.schema = z.object(shape);
  }

  private setHeader(header: string[]): void {
    this.header = header;
    const missing = Object.keys(this.shape).filter((col) => !header.includes(col));
    if (missing.length > 0) {
      throw new Error(
        `${this.file}: missing column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c}"`).join(", ")} in the header`,
      );
    }
    const fast = Object.entries(this.shape).map(([key, schema]) => ({
      key,
      index: header.indexOf(key),
      check: FAST_CELLS.get(schema as z.ZodType),
    }));
    if (fast.every((f) => f.check !== undefined))
      this.fast = fast as Array<{ key: string; index: number; check: FastCell }>;
  }

  records(records: string[][], firstIndex: number, onRow: (row: z.infer<z.ZodObject<S>>) => void): void {
    const { file } = this;
    for (let k = 0; k < records.length; k++) {
      const r = firstIndex + k;
      const record = records[k];
      if (this.header === undefined) {
        this.setHeader(record);
        continue;
      }
      const header = this.header;
      if (record.length === 1 && record[0] === "") continue; // blank line
      if (record.length !== header.length) {
        throw new Error(`${file}: line ${r + 1}: ${record.length} cells, expected ${header.length} (as in the header)`);
      }
      if (this.fast) {
        const row: Record<string, unknown> = {};
        let ok = true;
        for (const f of this.fast) {
          const got = f.check(record[f.index]);
          if (got === undefined) {
            ok = false;
            break;
          }
          row[f.key] = got.value;
        }
        if (ok) {
          onRow(row as z.infer<z.ZodObject<S>>);
          continue;
        }
      }
      const raw: Record<string, string> = {};
      for (let c = 0; c < header.length; c++) raw[header[c]] = record[c];
      const parsed = this.schema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const col = String(issue.path[0] ?? "?");
        throw new Error(`${file}: line ${r + 1}, column "${col}": ${issue.message} (got "${raw[col] ?? ""}")`);
      }
      onRow(parsed.data);
    }
  }

  end(): void {
    if (this.header === undefined) throw new Error(`${this.file}: empty file, expected a header row`);
  }
}

/**
 * Parses a CSV file's text against a row schema keyed by column name. Columns not in the schema are ignored; a column
 * the schema needs but the header lacks is an error naming it; a bad cell is an error naming line and column.
 */
export function readCsvRows<S extends z.ZodRawShape>(text: string, file: string, shape: S): z.infer<z.ZodObject<S>>[] {
  const rows: z.infer<z.ZodObject<S>>[] = [];
  const v = new RowValidator(file, shape);
  v.records(parseCsvText(text, file), 0, (row) => rows.push(row));
  v.end();
  return rows;
}

/** Bytes read per step by {@link forEachCsvRow}. */
export const CSV_READ_CHUNK = 4 << 20;

/**
 * Records of CSV text (whole records): split on line feeds and commas when the text has no quote (the
 * simulator's files, unless a name needs quoting), else csv-parse (the same records either way).
 */
function splitCsvText(text: string, file: string): string[][] {
  if (text.indexOf('"') >= 0) return parseCsvText(text, file);
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop(); // after the final line feed
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line).split(","));
}

/** Where the text's last record ends (after its line feed), quote-aware (RFC 4180: a `"` toggles quoting). */
function completeRecordsEnd(text: string): number {
  if (text.indexOf('"') < 0) return text.lastIndexOf("\n") + 1;
  let quoted = false;
  let end = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) quoted = !quoted;
    else if (ch === 10 && !quoted) end = i + 1;
  }
  return end;
}

/**
 * Streams a CSV file row by row against a row schema (as {@link readCsvRows}, same errors), reading it in chunks of
 * `chunkBytes` (default {@link CSV_READ_CHUNK}) cut at record boundaries: memory stays flat whatever the file's length.
 */
export function forEachCsvRow<S extends z.ZodRawShape>(
  path: string,
  file: string,
  shape: S,
  onRow: (row: z.infer<z.ZodObject<S>>) => void,
  chunkBytes = CSV_READ_CHUNK,
): void {
  let fd: number;
  try {
    fd = fs.openSync(path, "r");
  } catch (err) {
    throw new Error(`${file}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
      cause: err,
    });
  }
  const v = new RowValidator(file, shape);
  const decoder = new StringDecoder("utf8");
  const buf = Buffer.allocUnsafe(chunkBytes);
  let pending = "";
  let index = 0;
  const feed = (text: string): void => {
    if (text === "") return;
    const records = splitCsvText(text, file);
    v.records(records, index, onRow);
    index += records.length;
  };
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, chunkBytes, null);
      if (n === 0) break;
      const text = pending + decoder.write(buf.subarray(0, n));
      const end = completeRecordsEnd(text);
      feed(text.slice(0, end));
      pending = text.slice(end);
    }
    feed(pending + decoder.end());
  } finally {
    fs.closeSync(fd);
  }
  v.end();
}

/** The header of a CSV file, for files whose columns depend on the run (sweep parameters and metrics). */
export function csvHeader(text: string, file: string): string[] {
  const end = text.search(/\r?\n/);
  const records = parseCsvText(end < 0 ? text : text.slice(0, end), file);
  if (records.length === 0) throw new Error(`${file}: empty file, expected a header row`);
  return records[0];
}
