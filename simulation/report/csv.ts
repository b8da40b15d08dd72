/**
 * Reads the simulator's CSV files (RFC 4180: comma, double-quote escaping, header row first) into validated rows.
 * Every error names the file, the line and the column.
 */
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

/** A finite number written in a cell. */
export const numberCell = z
  .string()
  .trim()
  .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-?Infinity$/, { message: "expected a number" })
  .transform(Number);

/** A number or an empty cell (not defined), read as undefined. */
export const optionalNumberCell = z.union([z.literal("").transform(() => undefined), numberCell]);

/** A non-empty text cell. */
export const textCell = z.string().min(1, { message: "expected a non-empty value" });

/**
 * Parses a CSV file's text against a row schema keyed by column name. Columns not in the schema are ignored; a column
 * the schema needs but the header lacks is an error naming it; a bad cell is an error naming line and column.
 */
export function readCsvRows<S extends z.ZodRawShape>(text: string, file: string, shape: S): z.infer<z.ZodObject<S>>[] {
  const records = parseCsvText(text, file);
  if (records.length === 0) throw new Error(`${file}: empty file, expected a header row`);
  const header = records[0];
  const missing = Object.keys(shape).filter((col) => !header.includes(col));
  if (missing.length > 0) {
    throw new Error(
      `${file}: missing column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c}"`).join(", ")} in the header`,
    );
  }
  const schema = z.object(shape);
  const rows: z.infer<z.ZodObject<S>>[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    if (record.length === 1 && record[0] === "") continue; // blank line
    if (record.length !== header.length) {
      throw new Error(`${file}: line ${r + 1}: ${record.length} cells, expected ${header.length} (as in the header)`);
    }
    const raw: Record<string, string> = {};
    for (let c = 0; c < header.length; c++) raw[header[c]] = record[c];
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const col = String(issue.path[0] ?? "?");
      throw new Error(`${file}: line ${r + 1}, column "${col}": ${issue.message} (got "${raw[col] ?? ""}")`);
    }
    rows.push(parsed.data);
  }
  return rows;
}

/** The header of a CSV file, for files whose columns depend on the run (sweep parameters and metrics). */
export function csvHeader(text: string, file: string): string[] {
  const end = text.search(/\r?\n/);
  const records = parseCsvText(end < 0 ? text : text.slice(0, end), file);
  if (records.length === 0) throw new Error(`${file}: empty file, expected a header row`);
  return records[0];
}
