import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { readReportInput, readRun, readSweep } from "../../simulation/report/inputs";
import { judgeAll } from "../../simulation/report/verdicts";
import { parseCsvText } from "../../simulation/report/csv";
import { tmpDir, writeRunFixture, writeSweepFixture } from "./fixtures";

describe("report inputs", function () {
  describe("#readRun", function () {
    it("averages replicates per epoch and per agent group, honest groups first", function () {
      const dir = writeRunFixture(path.join(tmpDir("inputs"), "run"), { epochs: 5, runs: 2 });
      const run = readRun(dir);
      expect(run.epochs.map((e) => e.epoch)).to.deep.equal([0, 1, 2, 3, 4]);
      expect(run.epochs[0].emission).to.equal(10_000);
      expect(run.epochs[0].price).to.be.closeTo(0.9975, 1e-12); // mean of 1 and 0.995
      expect(run.cap).to.equal(1_000_000);
      expect(run.groups.map((c) => c.kind)).to.deep.equal(["honest", "honest", "farmer", "farmer"]);
      expect(Object.keys(run.epochs[0].rewardsByGroup)).to.have.members([
        "honest-small",
        "honest-large",
        "sybil",
        "spoofer",
      ]);
      expect(run.epochs[0].captureByGroup).to.not.have.property("sybil"); // empty cell = not defined
      expect(run.lorenz).to.have.length(101);
      expect(run.thresholds.map((t) => t.op)).to.deep.equal(["<=", "between", "<="]);
      expect(run.warnings).to.deep.equal([]);
      expect(run.reproduce.commit).to.equal("0123456789abcdef0123456789abcdef01234567");
    });

    it("fails naming summary.json when it is missing", function () {
      const dir = writeRunFixture(path.join(tmpDir("inputs"), "run"));
      fs.unlinkSync(path.join(dir, "summary.json"));
      expect(() => readRun(dir)).to.throw(/^summary\.json: cannot read/);
    });

    it("fails naming the file and field of a garbled summary", function () {
      const dir = writeRunFixture(path.join(tmpDir("inputs"), "run"), {
        summaryPatch: (s) => {
          (s.metrics as Record<string, { mean: unknown }>).leakage.mean = "high";
        },
      });
      expect(() => readRun(dir)).to.throw(/summary\.json: field "metrics\.leakage\.mean"/);
      const dir2 = writeRunFixture(path.join(tmpDir("inputs"), "run"), { summaryPatch: (s) => delete s.commit });
      expect(() => readRun(dir2)).to.throw(/summary\.json: field "commit"/);
      const dir3 = writeRunFixture(path.join(tmpDir("inputs"), "run"));
      fs.writeFileSync(path.join(dir3, "summary.json"), "{ not json");
      expect(() => readRun(dir3)).to.throw(/summary\.json: not valid JSON/);
    });

    it("fails naming the CSV file, line and column of a bad cell, and a missing column", function () {
      const dir = writeRunFixture(path.join(tmpDir("inputs"), "run"), { epochs: 3, runs: 1 });
      const file = path.join(dir, "network.csv");
      const lines = fs.readFileSync(file, "utf8").split("\n");
      const cells = lines[2].split(",");
      cells[4] = "lots"; // emission of epoch 1
      lines[2] = cells.join(",");
      fs.writeFileSync(file, lines.join("\n"));
      expect(() => readRun(dir)).to.throw(/network\.csv: line 3, column "emission": expected a number \(got "lots"\)/);
      fs.writeFileSync(path.join(dir, "timeseries.csv"), "run,epoch,agent\n0,0,sybil\n");
      fs.writeFileSync(file, lines.join("\n").replace("lots", "1"));
      expect(() => readRun(dir)).to.throw(/timeseries\.csv: missing columns "rewardTokens", "captureRatio"/);
    });

    it("flags an agent in timeseries.csv that summary.json does not know", function () {
      const dir = writeRunFixture(path.join(tmpDir("inputs"), "run"), { epochs: 2, runs: 1 });
      const file = path.join(dir, "timeseries.csv");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/,sybil,/g, ",ghost,"));
      expect(() => readRun(dir)).to.throw(/timeseries\.csv: agent "ghost" is not an agent group of summary\.json/);
    });

    it("judges summary.json's thresholds by the simulator's own rule: the same outcomes, no second opinion", function () {
      for (const leakage of [0.01, 0.0495, 0.08]) {
        const dir = writeRunFixture(path.join(tmpDir("inputs"), "run"), { leakage, spread: 0.002 });
        const run = readRun(dir);
        const byKey = new Map(run.metrics.map((m) => [m.key, m.estimate]));
        const outcomes = judgeAll(run.thresholds, (k) => byKey.get(k)).map((v) => v.outcome);
        const written = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")).verdicts;
        expect(outcomes).to.deep.equal(written.map((v: { outcome: string }) => v.outcome));
        expect(run.warnings).to.deep.equal([]);
      }
    });
  });

  describe("#readSweep", function () {
    it("reads levers, per-point estimates, and the thresholds recorded in sweep.json", function () {
      const sweep = readSweep(writeSweepFixture(path.join(tmpDir("inputs"), "sweep")));
      expect(sweep.levers).to.deep.equal(["levers.minBond", "levers.detection.sybil"]);
      expect(sweep.points).to.have.length(12);
      expect(sweep.points[0].metrics.leakage).to.deep.include({ mean: 0.12, n: 3 });
      expect(sweep.thresholds.map((t) => `${t.metric}${t.op}${t.value}`)).to.deep.equal([
        "leakage<=0.05",
        "honestCaptureRatio>=0.9",
      ]);
      expect(sweep.reproduce.seed).to.equal("42");
      expect(sweep.warnings).to.deep.equal([]);
    });

    it("keeps boolean lever values as text", function () {
      const sweep = readSweep(writeSweepFixture(path.join(tmpDir("inputs"), "sweep"), { booleanLever: true }));
      expect(sweep.points.map((p) => p.params["levers.densityScaling.enabled"]).slice(0, 2)).to.deep.equal([
        "true",
        "false",
      ]);
      expect(sweep.points[0].params["levers.minBond"]).to.equal(0);
    });

    it("warns when the sweep recorded no thresholds", function () {
      const dir = writeSweepFixture(path.join(tmpDir("inputs"), "sweep"));
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, "sweep.json"), "utf8"));
      manifest.thresholds = [];
      fs.writeFileSync(path.join(dir, "sweep.json"), JSON.stringify(manifest));
      const sweep = readSweep(dir);
      expect(sweep.thresholds).to.deep.equal([]);
      expect(sweep.warnings.join(" ")).to.match(/states no fairness thresholds/);
    });

    it("warns about an incomplete sweep and a shard", function () {
      const dir = writeSweepFixture(path.join(tmpDir("inputs"), "sweep"));
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, "sweep.json"), "utf8"));
      Object.assign(manifest, {
        complete: false,
        completedPoints: 5,
        shard: { index: 0, count: 2, firstPoint: 0, endPoint: 6 },
      });
      fs.writeFileSync(path.join(dir, "sweep.json"), JSON.stringify(manifest));
      const w = readSweep(dir).warnings.join(" ");
      expect(w).to.match(/not complete \(5 of 12 points\)/);
      expect(w).to.match(/shard 1 of 2/);
    });

    it("fails naming sweep.json and the field when params is empty", function () {
      const dir = writeSweepFixture(path.join(tmpDir("inputs"), "sweep"));
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, "sweep.json"), "utf8"));
      manifest.params = [];
      fs.writeFileSync(path.join(dir, "sweep.json"), JSON.stringify(manifest));
      expect(() => readSweep(dir)).to.throw(/^sweep\.json: field "params"/);
    });

    it("fails naming sweep-points.csv when a lever column is missing", function () {
      const dir = writeSweepFixture(path.join(tmpDir("inputs"), "sweep"));
      const file = path.join(dir, "sweep-points.csv");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("levers.detection.sybil", "detection.p"));
      expect(() => readSweep(dir)).to.throw(/sweep-points\.csv: missing column "levers\.detection\.sybil"/);
    });
  });

  it("tells a run from a sweep and refuses anything else", function () {
    const base = tmpDir("inputs");
    expect(readReportInput(writeRunFixture(path.join(base, "run"))).kind).to.equal("run");
    expect(readReportInput(writeSweepFixture(path.join(base, "sweep"))).kind).to.equal("sweep");
    fs.mkdirSync(path.join(base, "empty"));
    expect(() => readReportInput(path.join(base, "empty"))).to.throw(/neither summary\.json \(a run\) nor sweep\.json/);
    expect(() => readReportInput(path.join(base, "absent"))).to.throw(/not a directory/);
  });

  it("parses quoted CSV cells with commas, quotes and newlines", function () {
    expect(parseCsvText('a,b\n"x, y","say ""hi""\nthere"\n', "t.csv")).to.deep.equal([
      ["a", "b"],
      ["x, y", 'say "hi"\nthere'],
    ]);
    expect(() => parseCsvText('a\n"open', "t.csv")).to.throw(/t\.csv: line 2: Quote Not Closed/);
  });
});
