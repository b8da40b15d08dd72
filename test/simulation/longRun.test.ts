import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { startReplicate, type RunResult } from "../../simulation/engine";
import {
  STRATEGY_COLUMNS,
  TIMESERIES_COLUMNS,
  NETWORK_COLUMNS,
  EXACT_NETWORK_COLUMNS,
} from "../../simulation/io/outputs";
import { openParts, RunSeriesFiles } from "../../simulation/io/seriesFiles";
import { csvText } from "../../simulation/output";
import { forEachCsvRow, numberCell, readCsvRows, textCell } from "../../simulation/report/csv";
import { READ_RESOLUTION, readRun } from "../../simulation/report/inputs";
import { emissionChart, spanOf } from "../../simulation/report/specs";
import { runAll, simulate } from "../../simulation/run";
import { loadScenario, type Scenario } from "../../simulation/scenario";
import { supplyOf } from "../../simulation/supply";
import { writeRunFixture } from "../report/fixtures";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `longrun-${prefix}-`));

/**
 * Heap retained by one small baseline run (kept alive) between epoch n and epoch 4n, its series streamed to files or
 * kept in the RunResult's arrays: measured in the same run so compiled code and caches are the same at both points.
 */
function heapGrowth(n: number, stream: boolean, dir: string): { bytes: number; rows: number } {
  // no churn and no joins: devices that leave keep lifetime records by design (pay equity), which is not per-epoch state
  const scenario = loadScenario("baseline", {
    epochs: 4 * n,
    runs: 1,
    "agents[0].count": 20,
    "agents[0].churnPerEpoch": 0,
    "agents[0].maxJoinPerEpoch": 0,
  }).scenario;
  const files = stream ? RunSeriesFiles.open(dir, "fast", false) : undefined;
  try {
    const sink = files?.sink(0, 0);
    const run = startReplicate(scenario, supplyOf(scenario), 0, { series: true, mode: "fast", sink });
    const heapAt = (): number => {
      sink?.flush();
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    for (let e = 0; e < n; e++) run.step(e);
    const before = heapAt();
    for (let e = n; e < 4 * n; e++) run.step(e);
    const bytes = heapAt() - before;
    const rows = files ? (files.records().network ?? 0) : run.finish().networkSeries.length;
    return { bytes, rows };
  } finally {
    files?.abort();
  }
}

/** The series files as the in-memory writer wrote them before streaming (one csvText over every replicate's rows). */
function inMemoryFiles(scenario: Scenario, results: RunResult[], mode: "fast" | "exact"): Record<string, string> {
  const tag = (r: RunResult) => ({ run: r.replicate, seed: r.seed });
  return {
    "timeseries.csv": csvText(
      TIMESERIES_COLUMNS,
      results.flatMap((r) => r.groupSeries.map((row) => ({ ...tag(r), ...row }))),
    ),
    "network.csv": csvText(
      mode === "fast" ? NETWORK_COLUMNS : EXACT_NETWORK_COLUMNS,
      results.flatMap((r) => r.networkSeries.map((row) => ({ ...tag(r), ...row }))),
    ),
    "strategies.csv": csvText(
      STRATEGY_COLUMNS,
      results.flatMap((r) => r.strategySeries.map((row) => ({ ...tag(r), ...row }))),
    ),
  };
}

describe("long runs: streamed series in bounded memory", function () {
  this.timeout(30_000);

  it("retains no per-epoch state when streaming: from epoch n to 4n the heap does not grow (in memory it does)", function () {
    const dir = tmp("heap");
    // long enough that the window starts after the warm-up (JIT code and feedback allocated early, not per epoch)
    const n = 1400;
    const streamed = heapGrowth(n, true, dir);
    const memory = heapGrowth(n, false, dir);
    if (process.env.LONGRUN_DEBUG) console.log({ streamed, memory });
    expect(streamed.rows).to.equal(4 * n);
    expect(memory.rows).to.equal(4 * n);
    // The control: kept in memory, 3n more network rows and their group rows are retained (hundreds of bytes each).
    expect(memory.bytes).to.be.greaterThan(3 * n * 300);
    // Streamed: nothing per epoch is retained (slack: GC noise, well under 100 bytes per epoch).
    expect(streamed.bytes).to.be.lessThan(3 * n * 100);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it("streams files byte-identical to the in-memory writer (fast with strategies, exact with wei columns)", async function () {
    for (const [name, mode, overrides] of [
      ["adaptive-farmer", "fast", { epochs: 60, runs: 2, leverChanges: [] }],
      ["fake-work", "exact", { epochs: 40, runs: 2 }],
    ] as const) {
      const { scenario } = loadScenario(name, overrides);
      const expected = inMemoryFiles(scenario, runAll(scenario, mode), mode);
      const out = tmp(name);
      await simulate({ scenario: name, overrides, out, mode, workers: 1 });
      for (const file of ["timeseries.csv", "network.csv", ...(name === "adaptive-farmer" ? ["strategies.csv"] : [])])
        expect(fs.readFileSync(path.join(out, file), "utf8"), `${name} ${file}`).to.equal(expected[file]);
      expect(fs.readdirSync(out).filter((f) => f.startsWith("."))).to.deep.equal([]);
    }
  });

  it("merges worker part files in replicate order whatever order they finish in (the workers' path, same bytes)", function () {
    const overrides = { epochs: 50, runs: 3, leverChanges: [] };
    const { scenario } = loadScenario("adaptive-farmer", overrides);
    const results = runAll(scenario, "fast");
    const expected = inMemoryFiles(scenario, results, "fast");
    expect(expected["strategies.csv"].split("\n").length).to.be.greaterThan(3 * 10); // rows of every file to merge
    const out = tmp("parts");
    const files = RunSeriesFiles.open(out, "fast", true);
    const parts = results.map((r) => files.partPaths(r.replicate));
    const counts = [2, 0, 1].map((k) => {
      // as a worker would: replicate k's rows into its part files, finished out of order
      const r = results[k];
      const part = openParts(files.layout, parts[k], r.replicate, r.seed);
      for (const row of r.groupSeries) part.sink.group(row);
      for (const row of r.networkSeries) part.sink.network(row);
      for (const row of r.strategySeries) part.sink.strategy(row);
      part.close();
      return [k, part.sink.counts()] as const;
    });
    for (const k of [0, 1, 2]) files.appendParts(parts[k], counts.find(([j]) => j === k)![1]);
    files.commit();
    for (const file of ["timeseries.csv", "network.csv", "strategies.csv"])
      expect(fs.readFileSync(path.join(out, file), "utf8"), file).to.equal(expected[file]);
    expect(files.records().network).to.equal(results.reduce((a, r) => a + r.networkSeries.length, 0));
    expect(fs.readdirSync(out).sort()).to.deep.equal(["network.csv", "strategies.csv", "timeseries.csv"]);
  });

  it("leaves nothing half-written when a run fails mid-way", async function () {
    const out = tmp("fail");
    let calls = 0;
    const failing = simulate({
      scenario: "baseline",
      overrides: { epochs: 30, runs: 3 },
      out,
      workers: 1,
      onReplicate: () => {
        if (++calls === 2) throw new Error("stopped after two replicates");
      },
    });
    await failing.then(
      () => expect.fail("the run should have failed"),
      (err: Error) => expect(err.message).to.equal("stopped after two replicates"),
    );
    expect(fs.readdirSync(out)).to.deep.equal([]);
  });

  it("reads a CSV in chunks exactly as whole (quoted commas, line feeds and multi-byte text across the cuts)", function () {
    const dir = tmp("csv");
    const file = path.join(dir, "x.csv");
    const rows = Array.from({ length: 200 }, (_, i) => [i, i % 7 === 0 ? `"a, ""b""\nc ${i}"` : `é→${i}`]);
    fs.writeFileSync(file, "epoch,agent\n" + rows.map((r) => r.join(",")).join("\n") + "\n");
    const shape = { epoch: numberCell, agent: textCell };
    const whole = readCsvRows(fs.readFileSync(file, "utf8"), "x.csv", shape);
    for (const chunk of [1, 5, 7, 64, 1 << 20]) {
      const got: typeof whole = [];
      forEachCsvRow(file, "x.csv", shape, (r) => got.push(r), chunk);
      expect(got, `chunk ${chunk}`).to.deep.equal(whole);
    }
    expect(whole[7].agent).to.equal('a, "b"\nc 7');
    fs.writeFileSync(file, "epoch,agent\r\n1,x\r\n2,y"); // CRLF, no final line feed
    for (const chunk of [3, 1 << 20]) {
      const got: typeof whole = [];
      forEachCsvRow(file, "x.csv", shape, (r) => got.push(r), chunk);
      expect(got, `chunk ${chunk}`).to.deep.equal([
        { epoch: 1, agent: "x" },
        { epoch: 2, agent: "y" },
      ]);
    }
    fs.writeFileSync(file, "epoch,agent\n1,x\n2,\n");
    expect(() => forEachCsvRow(file, "x.csv", shape, () => undefined, 4)).to.throw(/x\.csv: line 3, column "agent"/);
  });

  it("reads a long run in buckets of epochs and says so: mean per epoch for flows, the last value for stocks", function () {
    const epochs = 3 * READ_RESOLUTION + 10;
    const dir = writeRunFixture(tmp("report"), { epochs, runs: 2 });
    const run = readRun(dir);
    const per = Math.ceil(epochs / READ_RESOLUTION);
    expect(run.epochsPerRow).to.equal(per);
    expect(run.epochs.length).to.equal(Math.ceil(epochs / per));
    expect(run.epochs.length).to.be.at.most(READ_RESOLUTION);
    expect(run.epochs.reduce((a, e) => a + spanOf(e), 0)).to.equal(epochs);
    // fixture: emission 10000·0.97^epoch, cumulative = Σ emission (the same in both replicates)
    const emission = (e: number) => 10_000 * Math.pow(0.97, e);
    const first = run.epochs[0];
    expect(first.emission).to.be.closeTo((emission(0) + emission(1) + emission(2) + emission(3)) / 4, 1e-9);
    expect(first.cumulative).to.be.closeTo(emission(0) + emission(1) + emission(2) + emission(3), 1e-9);
    const total = run.epochs.reduce((a, e) => a + e.emission * spanOf(e), 0);
    expect(total).to.be.closeTo(run.epochs[run.epochs.length - 1].cumulative, 1e-6);
    expect(run.warnings.join(" ")).to.contain(`read per ${per} epochs`);
    const chart = emissionChart(run);
    expect(chart.description).to.match(/Series shown per \d+ epochs/);
    expect((chart.spec.data as { values: unknown[] }).values.length).to.be.at.most(400);
    // A short run is read epoch by epoch, untouched.
    const short = readRun(writeRunFixture(tmp("report-short"), { epochs: 30, runs: 2 }));
    expect(short.epochsPerRow).to.equal(1);
    expect(short.epochs.map((e) => e.epoch)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i));
    expect(short.warnings.join(" ")).not.to.contain("read per");
  });
});
