import { expect } from "chai";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { main, parseArgs, UsageError } from "../../simulation/cli";

/** What one simulate run writes before its report. */
const RUN_FILES = [
  "groups.csv",
  "lorenz.csv",
  "network.csv",
  "scenario.resolved.json",
  "summary.json",
  "timeseries.csv",
];

const ROOT = path.join(__dirname, "../..");
const TINY = path.join(__dirname, "fixtures", "tiny.yaml");

function cli(
  args: string[],
  onSpawn?: (child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "simulation/cli.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    onSpawn?.(child);
  });
}

describe("simulation/cli", function () {
  this.timeout(60_000);

  it("parses commands, repeated --param and booleans", function () {
    const a = parseArgs(["sweep", "--param", "a=1,2", "--param=b=3", "--quiet", "--runs", "4"]);
    expect(a.command).to.equal("sweep");
    expect(a.flags.get("param")).to.deep.equal(["a=1,2", "b=3"]);
    expect(a.flags.get("quiet")).to.deep.equal(["true"]);
    expect(parseArgs([]).command).to.equal("simulate");
    expect(() => parseArgs(["--runs"])).to.throw(UsageError, /--runs needs a value \(N\)/);
    expect(() => parseArgs(["--quiet=yes"])).to.throw(UsageError, /--quiet takes no value/);
    expect(() => parseArgs(["sweep", "--mode", "exact"])).to.throw(
      UsageError,
      /^sweep: unknown option --mode \(options: /,
    );
  });

  it("--help shows the npm run form and every option of the command with its default", async function () {
    const log = console.log;
    const lines: string[] = [];
    console.log = (...x: unknown[]) => lines.push(x.join(" "));
    try {
      expect(await main(["--help"])).to.equal(0);
      expect(await main(["sweep", "--help"])).to.equal(0);
    } finally {
      console.log = log;
    }
    const [simulateHelp, sweepHelp] = lines;
    expect(simulateHelp.split("\n")[0]).to.equal("npm run simulate -- [options]");
    for (const option of [
      "scenario",
      "seed",
      "runs",
      "epochs",
      "param",
      "out",
      "mode",
      "network",
      "workers",
      "no-report",
    ])
      expect(simulateHelp).to.match(new RegExp(`^  --${option}\\b`, "m"));
    expect(simulateHelp).to.match(/--mode <fast\|exact\|evm> .*\(default: fast\)/);
    expect(simulateHelp).to.match(/--scenario <name\|file> .*\(default: baseline\)/);
    expect(sweepHelp.split("\n")[0]).to.equal("npm run sweep -- [options]");
    expect(sweepHelp).to.match(/^ {2}--shard <i\/n>/m);
    expect(sweepHelp).not.to.match(/^ {2}--mode/m);
  });

  it("simulate writes the run files and the governance report to --out and --quiet prints nothing", async function () {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
    const log = console.log;
    const lines: string[] = [];
    console.log = (...x: unknown[]) => lines.push(x.join(" "));
    try {
      expect(await main(["--scenario", TINY, "--epochs", "5", "--runs", "1", "--out", out, "--quiet"])).to.equal(0);
    } finally {
      console.log = log;
    }
    expect(lines).to.deep.equal([]);
    expect(fs.readdirSync(out).sort()).to.deep.equal(
      [...RUN_FILES, "report-charts", "report.html", "report.md"].sort(),
    );
    expect(fs.readdirSync(path.join(out, "report-charts")).filter((f) => f.endsWith(".svg"))).to.not.be.empty;
    const summary = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    expect(summary.epochs).to.equal(5);
    expect(summary.scenario.name).to.equal("tiny");
  });

  it("simulate --no-report writes only the run files", async function () {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
    expect(
      await main(["--scenario", TINY, "--epochs", "3", "--runs", "1", "--out", out, "--quiet", "--no-report"]),
    ).to.equal(0);
    expect(fs.readdirSync(out).sort()).to.deep.equal([...RUN_FILES].sort());
  });

  it("simulate on several worker threads writes the same bytes as on one", async function () {
    const dirs = [1, 2].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "cli-w-")));
    for (const [k, dir] of dirs.entries()) {
      const code = await main([
        "--scenario",
        TINY,
        "--runs",
        "3",
        "--epochs",
        "8",
        "--workers",
        String(k + 1),
        "--out",
        dir,
        "--quiet",
      ]);
      expect(code).to.equal(0);
    }
    const files = fs.readdirSync(dirs[0], { recursive: true, encoding: "utf8" });
    expect(files).to.include("report.html");
    for (const f of files) {
      if (fs.statSync(path.join(dirs[0], f)).isDirectory()) continue;
      // The report names its own folder in the reproduce block; everything else must match byte for byte.
      const [a, b] = dirs.map((dir) => fs.readFileSync(path.join(dir, f), "latin1").split(dir).join("<out>"));
      expect(a === b, f).to.equal(true);
    }
  });

  it("refuses a bad scenario file with every problem by path and exit code 2", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(
      bad,
      JSON.stringify({
        epochs: -1,
        agents: [
          { kind: "honest", count: 1 },
          { kind: "honest", count: 2 },
          { kind: "sybil", count: 1.5 },
        ],
      }),
    );
    const r = await cli(["--scenario", bad, "--out", path.join(dir, "out")]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("epochs: expected a positive integer");
    expect(r.stderr).to.include("agents[2].count: expected a non-negative integer");
    expect(fs.existsSync(path.join(dir, "out"))).to.equal(false);
  });

  it("Ctrl-C during a sweep keeps completed points, says how to resume, and the rerun completes", async function () {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "cli-sweep-"));
    const args = [
      "sweep",
      "--scenario",
      TINY,
      "--param",
      "levers.minBond=" + Array.from({ length: 40 }, (_, i) => i).join(","),
      "--runs",
      "1",
      "--workers",
      "1",
      "--epochs",
      "30",
      "--out",
      out,
      "--quiet",
    ];
    const partial = path.join(out, "sweep.partial.csv");
    const r = await cli(args, (child) => {
      const timer = setInterval(() => {
        if (fs.existsSync(partial) && fs.readFileSync(partial, "utf8").split("\n").length > 3) {
          clearInterval(timer);
          child.kill("SIGINT");
        }
      }, 50);
      child.on("exit", () => clearInterval(timer));
    });
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/interrupted: \d+ of 40 points are complete/);
    expect(r.stderr).to.include("Run the same command again to resume");
    const kept = fs.readFileSync(partial, "utf8").trim().split("\n").length - 1;
    expect(kept).to.be.greaterThan(0);
    const again = await cli(args);
    expect(again.code, again.stderr).to.equal(0);
    expect(fs.readFileSync(path.join(out, "sweep.csv"), "utf8").trim().split("\n").length).to.equal(41);
  });
});
