/**
 * The reproduce commands recorded in summary.json and sweep.json (and shown by the report) regenerate the same bytes:
 * each test runs the recorded command through the command line again and compares every data file.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { main } from "../../simulation/cli";
import { shellWords } from "../../simulation/io/reproduce";
import { writeReport } from "../../simulation/report";

const TINY = path.join(__dirname, "fixtures", "tiny.yaml");

/** The arguments of `npm run simulate -- …` / `npm run sweep -- …` as the npm scripts pass them to the CLI. */
function argvOf(command: string): string[] {
  const words = shellWords(command);
  const npm = words.slice(0, 4).join(" ");
  if (npm === "npm run simulate --") return ["simulate", ...words.slice(4)];
  if (npm === "npm run sweep --") return ["sweep", ...words.slice(4)];
  throw new Error(`not an npm run simulate/sweep command: ${command}`);
}

function expectSameFiles(a: string, b: string, files: string[]): void {
  for (const f of files)
    expect(fs.readFileSync(path.join(b, f)).equals(fs.readFileSync(path.join(a, f))), f).to.equal(true);
}

describe("simulation reproduce commands", function () {
  this.timeout(120_000);
  const quietly = async (argv: string[]) => {
    const log = console.log;
    console.log = () => undefined;
    try {
      return await main(argv);
    } finally {
      console.log = log;
    }
  };

  it("a run's command, with every --param, regenerates its data files byte for byte", async function () {
    const [first, again] = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "repro-")));
    const given = ["--scenario", TINY, "--param", "levers.minBond=250", "--param", "agents[1].count=35"];
    expect(
      await quietly(["simulate", ...given, "--epochs", "6", "--runs", "2", "--out", first, "--no-report", "--quiet"]),
    ).to.equal(0);
    const summary = JSON.parse(fs.readFileSync(path.join(first, "summary.json"), "utf8"));
    expect(summary.command).to.contain("--param levers.minBond=250").and.contain("--param 'agents[1].count=35'");
    expect(await quietly([...argvOf(summary.command), "--out", again, "--no-report", "--quiet"])).to.equal(0);
    expectSameFiles(first, again, summary.files);
    // the report shows that command, not a shorter one
    const written = await writeReport(first, { markdown: true });
    expect(fs.readFileSync(written.markdown as string, "utf8")).to.contain(summary.command);
  });

  it("a sweep's command regenerates sweep.csv, sweep-points.csv and sweep.json", async function () {
    const [first, again] = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "repro-sweep-")));
    const argv = ["sweep", "--scenario", TINY, "--param", "levers.minBond=0,300", "--epochs", "4", "--runs", "1"];
    expect(await quietly([...argv, "--workers", "1", "--out", first, "--no-report", "--quiet"])).to.equal(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(first, "sweep.json"), "utf8"));
    expect(
      await quietly([...argvOf(manifest.command), "--workers", "1", "--out", again, "--no-report", "--quiet"]),
    ).to.equal(0);
    expectSameFiles(first, again, ["sweep.csv", "sweep-points.csv", "sweep.json"]);
  });
});
