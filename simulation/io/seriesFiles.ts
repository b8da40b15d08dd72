/**
 * The per-epoch series files of a run (timeseries.csv, network.csv, strategies.csv), written as the replicates run
 * so that memory does not grow with the epochs: each row goes through a small batch (csv-stringify, the same bytes as
 * one call over all rows) to a temporary file. Replicates run on the calling thread append to the run's temporary
 * files directly; replicates run on worker threads write their own part files, appended in replicate order as soon as
 * every earlier replicate is in, so the bytes do not depend on the number of workers or on completion order.
 * Nothing is renamed into place before every replicate has finished ({@link RunSeriesFiles.commit}); on error
 * {@link RunSeriesFiles.abort} removes every temporary and part file.
 */
import fs from "node:fs";
import path from "node:path";
import type { EngineMode, GroupSeriesRow, NetworkSeriesRow, SeriesSink, StrategySeriesRow } from "../engine";
import { csvHeaderText, csvRecordsText, type Cell } from "../output";
import { EXACT_NETWORK_COLUMNS, NETWORK_COLUMNS, STRATEGY_COLUMNS, TIMESERIES_COLUMNS } from "./outputs";

/** Records per csv-stringify call: memory held per file is this many rows, whatever the epochs. */
export const FLUSH_RECORDS = 1024;
/** Bytes per read when a part file is appended. */
const COPY_CHUNK = 1 << 20;

export type SeriesName = "timeseries" | "network" | "strategies";

/** One series file: its name in the run directory and its columns. */
export interface SeriesFile {
  name: SeriesName;
  file: string;
  columns: readonly string[];
}

/** The series files of a run: timeseries.csv, network.csv (exact columns outside fast mode), strategies.csv if any. */
export function seriesFilesOf(mode: EngineMode, withStrategies: boolean): SeriesFile[] {
  const files: SeriesFile[] = [
    { name: "timeseries", file: "timeseries.csv", columns: TIMESERIES_COLUMNS },
    { name: "network", file: "network.csv", columns: mode === "fast" ? NETWORK_COLUMNS : EXACT_NETWORK_COLUMNS },
  ];
  if (withStrategies) files.push({ name: "strategies", file: "strategies.csv", columns: STRATEGY_COLUMNS });
  return files;
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, "utf8");
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/** Appends CSV records to a file in batches of {@link FLUSH_RECORDS}. */
export class CsvAppender {
  private readonly fd: number;
  private batch: Cell[][] = [];
  private closed = false;
  /** Records written so far (the header not counted). */
  records = 0;

  constructor(
    readonly file: string,
    readonly columns: readonly string[],
    header: boolean,
  ) {
    this.fd = fs.openSync(file, "w");
    if (header) writeAll(this.fd, csvHeaderText(columns));
  }

  add(record: Cell[]): void {
    this.batch.push(record);
    this.records++;
    if (this.batch.length >= FLUSH_RECORDS) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    writeAll(this.fd, csvRecordsText(this.batch));
    this.batch = [];
  }

  /** Appends the bytes of `file` (a part written by another appender) after what is written so far. */
  appendFile(file: string, counted: number): void {
    this.flush();
    const src = fs.openSync(file, "r");
    try {
      const buf = Buffer.allocUnsafe(COPY_CHUNK);
      for (;;) {
        const n = fs.readSync(src, buf, 0, COPY_CHUNK, null);
        if (n === 0) break;
        let off = 0;
        while (off < n) off += fs.writeSync(this.fd, buf, off, n - off);
      }
    } finally {
      fs.closeSync(src);
    }
    this.records += counted;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }

  /** Closes without flushing (the file is being thrown away). */
  discard(): void {
    if (this.closed) return;
    this.closed = true;
    this.batch = [];
    fs.closeSync(this.fd);
  }
}

function cellsOf(columns: readonly string[], run: number, seed: number, row: object): Cell[] {
  const r = row as Record<string, Cell>;
  const out: Cell[] = new Array(columns.length);
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c];
    out[c] = col === "run" ? run : col === "seed" ? seed : r[col];
  }
  return out;
}

/** The series rows of one replicate, tagged with its `run` and `seed`, into appenders (strategies: optional). */
export class ReplicateSeriesWriter implements SeriesSink {
  constructor(
    private readonly files: Partial<Record<SeriesName, CsvAppender>>,
    private readonly run: number,
    private readonly seed: number,
  ) {}

  network(row: NetworkSeriesRow): void {
    const f = this.files.network!;
    f.add(cellsOf(f.columns, this.run, this.seed, row));
  }

  group(row: GroupSeriesRow): void {
    const f = this.files.timeseries!;
    f.add(cellsOf(f.columns, this.run, this.seed, row));
  }

  strategy(row: StrategySeriesRow): void {
    const f = this.files.strategies;
    if (f) f.add(cellsOf(f.columns, this.run, this.seed, row));
  }

  flush(): void {
    for (const f of Object.values(this.files)) f.flush();
  }

  /** Rows written per file (for the parts' bookkeeping). */
  counts(): Partial<Record<SeriesName, number>> {
    const out: Partial<Record<SeriesName, number>> = {};
    for (const [name, f] of Object.entries(this.files)) out[name as SeriesName] = f.records;
    return out;
  }
}

/** Paths of one replicate's part files (a worker writes them, headerless). */
export type PartPaths = Partial<Record<SeriesName, string>>;

/**
 * A replicate's part files opened for writing (worker threads): the writer and a `close` that flushes them.
 * `layout` is {@link seriesFilesOf}'s list.
 */
export function openParts(
  layout: readonly SeriesFile[],
  paths: PartPaths,
  run: number,
  seed: number,
): { sink: ReplicateSeriesWriter; close(): void } {
  const files: Partial<Record<SeriesName, CsvAppender>> = {};
  try {
    for (const f of layout) {
      const p = paths[f.name];
      if (p !== undefined) files[f.name] = new CsvAppender(p, f.columns, false);
    }
  } catch (err) {
    for (const a of Object.values(files)) a.discard();
    throw err;
  }
  return {
    sink: new ReplicateSeriesWriter(files, run, seed),
    close: () => {
      for (const a of Object.values(files)) a.close();
    },
  };
}

/** The series files of one run directory, open as temporary files until {@link commit}. */
export class RunSeriesFiles {
  private readonly appenders: Partial<Record<SeriesName, CsvAppender>> = {};
  private readonly temps: string[] = [];
  private readonly parts = new Set<string>();
  private done = false;

  private constructor(
    readonly dir: string,
    readonly layout: readonly SeriesFile[],
  ) {}

  /** Opens `dir`'s series files (temporary names, headers written). */
  static open(dir: string, mode: EngineMode, withStrategies: boolean): RunSeriesFiles {
    fs.mkdirSync(dir, { recursive: true });
    const files = new RunSeriesFiles(dir, seriesFilesOf(mode, withStrategies));
    try {
      for (const f of files.layout) {
        const tmp = path.join(dir, `.${f.file}.${process.pid}.tmp`);
        files.temps.push(tmp);
        files.appenders[f.name] = new CsvAppender(tmp, f.columns, true);
      }
    } catch (err) {
      files.abort();
      throw err;
    }
    return files;
  }

  /** A sink writing replicate `run`'s rows straight into the run's files (replicates in order, one thread). */
  sink(run: number, seed: number): ReplicateSeriesWriter {
    return new ReplicateSeriesWriter(this.appenders, run, seed);
  }

  /** Where a worker writes replicate `run`'s rows (removed by {@link appendParts} or {@link abort}). */
  partPaths(run: number): PartPaths {
    const out: PartPaths = {};
    for (const f of this.layout) {
      const p = path.join(this.dir, `.${f.file}.run${run}.${process.pid}.tmp`);
      this.parts.add(p);
      out[f.name] = p;
    }
    return out;
  }

  /** Appends replicate `run`'s part files (call in replicate order) and removes them. */
  appendParts(paths: PartPaths, counts: Partial<Record<SeriesName, number>> = {}): void {
    for (const f of this.layout) {
      const p = paths[f.name];
      if (p === undefined) continue;
      this.appenders[f.name]!.appendFile(p, counts[f.name] ?? 0);
      fs.rmSync(p, { force: true });
      this.parts.delete(p);
    }
  }

  /** Rows written so far per file. */
  records(): Partial<Record<SeriesName, number>> {
    const out: Partial<Record<SeriesName, number>> = {};
    for (const [name, a] of Object.entries(this.appenders)) out[name as SeriesName] = a.records;
    return out;
  }

  /** Flushes, closes and renames every file into place. */
  commit(): void {
    if (this.done) throw new Error("RunSeriesFiles: already committed or aborted");
    try {
      for (const a of Object.values(this.appenders)) a.close();
      this.layout.forEach((f, i) => fs.renameSync(this.temps[i], path.join(this.dir, f.file)));
    } catch (err) {
      this.abort();
      throw err;
    }
    this.done = true;
  }

  /** Closes and removes every temporary and part file (idempotent; nothing half-written stays). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    for (const a of Object.values(this.appenders)) {
      try {
        a.discard();
      } catch {
        // already closed
      }
    }
    for (const p of [...this.temps, ...this.parts]) fs.rmSync(p, { force: true });
    this.parts.clear();
  }
}
