import fs from "node:fs";
import path from "node:path";

/**
 * Writes `contents` to `file` through a temp file in the same folder and a rename, so a reader never sees a
 * half-written file and a crash leaves the old file (or none) behind.
 */
export function writeFileAtomic(file: string, contents: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, contents);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Stable JSON: bigints as decimal strings, two-space indent, trailing newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
}
