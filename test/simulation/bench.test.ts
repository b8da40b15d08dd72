/**
 * bench:sim's scenario mode (the benchmark itself is not timed here): its scaled-down warm-up, and the JSON of its
 * last line, run the way `npm run bench:sim` runs it (plain node on the compiled build) on a tiny built-in scenario.
 */
import { expect } from "chai";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { warmUpScenario } from "../../simulation/bench";
import { loadScenario } from "../../simulation/scenario";
import { Float64List } from "../../lib/float64List";
import { sortNonNegativeInPlace, sortedNonNegative } from "../../simulation/measure/metrics";

const ROOT = path.join(__dirname, "..", "..");

describe("bench:sim --scenario", function () {
  it("warms up on the same scenario scaled to about 10k devices and at most 20 epochs", function () {
    const { scenario } = loadScenario("baseline");
    const big = { ...scenario, agents: scenario.agents.map((a) => ({ ...a, count: a.count * 1000 })) };
    const warm = warmUpScenario(big);
    const total = warm.agents.reduce((s, a) => s + a.count, 0);
    expect(total).to.be.within(9_000, 11_000);
    expect(warm.epochs).to.equal(Math.min(20, scenario.epochs));
    warm.agents.forEach((a, k) => {
      expect(a.name).to.equal(big.agents[k].name);
      expect(a.count).to.be.at.least(1);
    });
    // a scenario already small is left at its size
    expect(warmUpScenario(scenario).agents.map((a) => a.count)).to.deep.equal(scenario.agents.map((a) => a.count));
  });

  it("prints stated device-epochs, seconds, rate, peak RSS, leakage and provenance as its last line", function () {
    this.timeout(120_000);
    // inside the repository, so the build resolves node_modules as dist/ does (gitignored)
    const dist = fs.mkdtempSync(path.join(ROOT, ".bench-build-"));
    try {
      execFileSync(
        process.execPath,
        [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", dist],
        { cwd: ROOT, stdio: "pipe" },
      );
      const stdout = execFileSync(
        process.execPath,
        [path.join(dist, "simulation", "bench.js"), "--scenario", "baseline", "--epochs", "4", "--runs", "3"],
        { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
      const out = JSON.parse(stdout.trim().split("\n").at(-1) as string) as Record<string, unknown>;
      const { scenario } = loadScenario("baseline", { epochs: 4 });
      const stated = scenario.agents.reduce((s, a) => s + a.count, 0) * 4;
      expect(out.deviceEpochs).to.equal(stated);
      expect(out.presentDeviceEpochs).to.be.a("number").and.to.be.above(0);
      expect(out.seconds).to.be.a("number").and.to.be.above(0);
      expect(out.deviceEpochsPerSecond).to.be.closeTo(stated / (out.seconds as number), stated);
      expect(out.runs).to.be.an("array").with.length(3);
      expect(out.peakRssMiB).to.be.a("number").and.to.be.above(10);
      expect(out.leakage).to.be.a("number").and.to.be.within(0, 1);
      expect(out.seed).to.equal(scenario.seed);
      expect(out.version).to.be.a("string");
      expect(out.commit).to.be.a("string");
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });
});

describe("lib/float64List and the in-place sort", function () {
  it("pushes and adds at an index past the end, growing with zeros, like a number array", function () {
    const list = new Float64List(1);
    const plain: number[] = [];
    for (let k = 0; k < 100; k++) {
      const index = (k * 37) % 61;
      list.addAt(index, k + 0.5);
      while (plain.length <= index) plain.push(0);
      plain[index] += k + 0.5;
    }
    for (let k = 0; k < 30; k++) {
      list.push(k);
      plain.push(k);
    }
    expect(Array.from(list.view())).to.deep.equal(plain);
    expect(list.length).to.equal(plain.length);
  });

  it("sorts the array itself, as the copying sort does, and refuses negatives and NaN", function () {
    const values = Float64Array.from([3, 0, 2.5, 1e-9, 7]);
    const copy = sortedNonNegative(values);
    const same = sortNonNegativeInPlace(values);
    expect(same).to.equal(values);
    expect(Array.from(same)).to.deep.equal(Array.from(copy));
    expect(() => sortNonNegativeInPlace(Float64Array.from([1, -1]))).to.throw(/non-negative/);
    expect(() => sortNonNegativeInPlace(Float64Array.from([NaN]))).to.throw(/non-negative/);
  });

  it("gives the bits of the typed-array sort, already ascending or not, −0 included", function () {
    const value = fc.oneof(fc.constantFrom(0, -0, 1, 2.5), fc.double({ min: 0, max: 1e12, noNaN: true }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), fc.constantFrom("any", "sorted", "signs"), (list, order) => {
        const input = Float64Array.from(list);
        if (order !== "any") input.sort();
        // ascending by value, but its zeros' signs in list order: only the −0 rule tells it from sorted
        const zeros = list.filter((v) => v === 0);
        if (order === "signs") for (let i = 0, z = 0; i < input.length; i++) if (input[i] === 0) input[i] = zeros[z++];
        const expected = Float64Array.from(input).sort();
        const got = sortNonNegativeInPlace(input);
        expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).to.equal(true);
      }),
      { numRuns: 300 },
    );
  });
});
