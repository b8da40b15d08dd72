/**
 * Writing results: CSV via csv-stringify and JSON, each to a temporary file renamed into place (atomic on one
 * file system), plus provenance (package version, git commit). Nothing here reads the clock.
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { stringify } from "csv-stringify/sync";
import { writeFileAtomic } from "../lib/atomicFile";
import { REPO_ROOT } from "../lib/repoRoot";

/** package.json version. */
export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

let commitCache: string | undefined;
/** `git rev-parse HEAD` of the repository, or "unknown" outside git. */
export function gitCommit(): string {
  if (commitCache === undefined) {
    try {
      commitCache = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim();
    } catch {
      commitCache = "unknown";
    }
  }
  return commitCache;
}

export { writeFileAtomic };

export type Cell = string | number | boolean | null | undefined;

/** The CSV lines of `records` (cells in column order; null/undefined and non-finite numbers → empty cell), each ending in `\n`. */
export function csvRecordsText(records: Cell[][]): string {
  return stringify(records, {
    header: false,
    columns: undefined,
    record_delimiter: "unix",
    cast: {
      number: (v: number) => (Number.isFinite(v) ? String(v) : ""),
      boolean: (v: boolean) => (v ? "true" : "false"),
    },
  });
}

/** The header line of a CSV file with these columns. */
export function csvHeaderText(columns: readonly string[]): string {
  return stringify([columns as string[]], { record_delimiter: "unix" });
}

/** CSV text for `rows` with the given column order (null/undefined → empty cell). */
export function csvText(columns: readonly string[], rows: ReadonlyArray<Record<string, Cell>>, header = true): string {
  return (header ? csvHeaderText(columns) : "") + csvRecordsText(rows.map((r) => columns.map((c) => r[c])));
}

/** Write a CSV file atomically. */
export function writeCsv(file: string, columns: readonly string[], rows: ReadonlyArray<Record<string, Cell>>): void {
  writeFileAtomic(file, csvText(columns, rows));
}

/** Write JSON (2-space indent, trailing newline) atomically. */
export function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
}
