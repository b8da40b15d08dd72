import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chooseStrategy, strategyEstimate, type StrategyEstimate, type StrategyInputs } from "../../simulation/agents";
import { runReplicate, type StrategySeriesRow } from "../../simulation/engine";
import { readRun } from "../../simulation/report/inputs";
import { runAll, summarise, writeRunOutputs } from "../../simulation/run";
import { STRATEGY_COLUMNS } from "../../simulation/io/outputs";
import {
  loadScenario,
  parseScenario,
  ScenarioError,
  type FarmerStrategy,
  type Scenario,
} from "../../simulation/scenario";
import { supplyOf } from "../../simulation/supply";

const EPY = 365.25;

/** The built-in adaptive-farmer scenario, one replicate, optionally without its scripted lever changes. */
function builtIn(overrides: Record<string, unknown> = {}): Scenario {
  return loadScenario("adaptive-farmer", overrides).scenario;
}

function strategies(scenario: Scenario, replicate = 0): StrategySeriesRow[] {
  return runReplicate(scenario, supplyOf(scenario), replicate, { series: true, mode: "fast" }).strategySeries;
}

/** The strategy sequence (consecutive duplicates collapsed) with the epoch each one started. */
function sequence(rows: StrategySeriesRow[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const r of rows) if (out.length === 0 || out[out.length - 1][0] !== r.strategy) out.push([r.strategy, r.epoch]);
  return out;
}

const baseInputs: StrategyInputs = {
  usdPerScore: 0.01,
  score: 100,
  densityFactor: 1,
  establishment: 1,
  detectProbability: 0,
  suspended: true,
  slashFraction: 1,
  bondUsd: 10,
  opexUsd: 0.1,
  capitalCostPerEpoch: 0.1 / EPY,
  entryUsd: 5,
  epochsPerYear: EPY,
};

const spec = {
  adaptive: true,
  strategies: ["sybil", "spoofer", "fakeWork"] as FarmerStrategy[],
  switchCostUsd: 5,
  horizonEpochs: 90,
  hurdleApr: 0,
};
const est = (apr: number, capitalUsd = 100, entryUsd = 10): StrategyEstimate & { entryUsd: number } => ({
  apr,
  capitalUsd,
  entryUsd,
  profitUsd: (apr * capitalUsd) / EPY,
});

describe("simulation/agents: adaptive farmer choice", function () {
  it("estimates return on capital: reward × density × (1 − p) minus running cost and the expected cost of being caught", function () {
    const e = strategyEstimate(baseInputs);
    const running = 0.1 + (10 * 0.1) / EPY;
    expect(e.profitUsd).to.be.closeTo(1 - running, 1e-12);
    expect(e.capitalUsd).to.equal(15);
    expect(e.apr).to.be.closeTo(((1 - running) * EPY) / 15, 1e-9);
    // a higher bond lowers the return on capital; density and detection lower the profit
    expect(strategyEstimate({ ...baseInputs, bondUsd: 200 }).apr).to.be.below(e.apr);
    expect(strategyEstimate({ ...baseInputs, densityFactor: 0.5 }).profitUsd).to.be.closeTo(0.5 - running, 1e-12);
    const caught = strategyEstimate({ ...baseInputs, detectProbability: 0.1 });
    expect(caught.profitUsd).to.be.closeTo(0.9 - running - 0.1 * (10 + 5), 1e-12);
    // without slashing a caught device only misses the epoch's reward
    expect(strategyEstimate({ ...baseInputs, detectProbability: 0.1, suspended: false }).profitUsd).to.be.closeTo(
      0.9 - running,
      1e-12,
    );
  });

  it("picks the best return, pays a switch only when the gain repays it, stops below the hurdle", function () {
    // best by APR; ties keep the earlier strategy in the list
    expect(chooseStrategy(spec, null, { sybil: est(2), spoofer: est(3), fakeWork: est(1) }, EPY)).to.equal("spoofer");
    expect(chooseStrategy(spec, null, { sybil: est(3), spoofer: est(3) }, EPY)).to.equal("sybil");
    // a small edge does not repay the switching cost + new kit within the horizon: (0.1 × 90/365) < 15/100
    expect(chooseStrategy(spec, "sybil", { sybil: est(2), spoofer: est(2.1) }, EPY)).to.equal("sybil");
    expect(chooseStrategy(spec, "sybil", { sybil: est(2), spoofer: est(3) }, EPY)).to.equal("spoofer");
    // below the hurdle everywhere: stop; a farmer whose attack fails the hurdle moves if another repays its kit
    expect(chooseStrategy(spec, "sybil", { sybil: est(-1), spoofer: est(-0.5) }, EPY)).to.equal(null);
    expect(chooseStrategy(spec, "sybil", { sybil: est(-1), spoofer: est(1) }, EPY)).to.equal("spoofer");
    expect(chooseStrategy({ ...spec, hurdleApr: 2 }, "sybil", { sybil: est(1.5), spoofer: est(1.8) }, EPY)).to.equal(
      null,
    );
    // an idle farmer re-enters only when the return over the horizon repays the kit: 0.3 × 90/365 < 10/100
    expect(chooseStrategy(spec, null, { spoofer: est(0.3) }, EPY)).to.equal(null);
    expect(chooseStrategy(spec, null, { spoofer: est(0.5) }, EPY)).to.equal("spoofer");
    // adaptive: false never switches
    expect(chooseStrategy({ ...spec, adaptive: false }, "sybil", { sybil: est(-5), spoofer: est(9) }, EPY)).to.equal(
      "sybil",
    );
  });
});

describe("simulation/engine: adaptive farmer under scripted lever changes", function () {
  this.timeout(60_000);

  it("moves sybil → spoofer (bond) → fake work (location trust) → idle (anomaly detector), right after each change", function () {
    const scenario = builtIn();
    expect(scenario.leverChanges?.map((c) => c.epoch)).to.deep.equal([90, 180, 270]);
    const K = (scenario.agents[2] as { decideEveryEpochs: number }).decideEveryEpochs;
    for (const replicate of [0, 1]) {
      const rows = strategies(scenario, replicate);
      expect(rows.length).to.equal(scenario.epochs);
      const seq = sequence(rows);
      expect(
        seq.map(([s]) => s),
        `replicate ${replicate}`,
      ).to.deep.equal(["sybil", "spoofer", "fakeWork", "idle"]);
      // each switch happens at the first decision epoch after its lever change
      [90, 180, 270].forEach((changeEpoch, k) => {
        const at = seq[k + 1][1];
        expect(at).to.be.at.least(changeEpoch);
        expect(at).to.be.below(changeEpoch + K);
        expect(rows[at].switched).to.equal(1);
      });
      expect(rows.filter((r) => r.switched === 1).length).to.equal(3);
      // the switched-to attack was the best estimate at the switch; idle means every candidate lost money
      const spoof = rows[seq[1][1]];
      expect(spoof.aprSpoofer!).to.be.greaterThan(Math.max(spoof.aprSybil!, spoof.aprFakeWork!));
      const fake = rows[seq[2][1]];
      expect(fake.aprFakeWork!).to.be.greaterThan(Math.max(fake.aprSybil!, fake.aprSpoofer!));
      const idle = rows[seq[3][1]];
      expect(Math.max(idle.aprSybil!, idle.aprSpoofer!, idle.aprFakeWork!)).to.be.below(0);
      expect(rows[rows.length - 1].devices).to.equal(0);
    }
  });

  it("stays a sybil swarm when governance does nothing (the changes cause the switches)", function () {
    const scenario = parseScenario({ ...builtIn(), leverChanges: undefined });
    const seq = sequence(strategies(scenario));
    expect(seq.map(([s]) => s)).to.deep.equal(["sybil"]);
    // and with only the bond raised it stops at spoofing
    const bondOnly = parseScenario({ ...builtIn(), leverChanges: [{ epoch: 90, minBond: 200 }] });
    expect(sequence(strategies(bondOnly)).map(([s]) => s)).to.deep.equal(["sybil", "spoofer"]);
  });

  it("adaptive: false keeps the initial strategy (engine invariants checked every epoch through the lever changes)", function () {
    const fixed = parseScenario({
      ...builtIn(),
      agents: builtIn().agents.map((a) =>
        a.kind === "adaptive" ? { ...a, adaptive: false, initialStrategy: "spoofer" } : a,
      ),
    });
    const r = runReplicate(fixed, supplyOf(fixed), 0, { series: true, mode: "fast", checkInvariants: true });
    expect(new Set(r.strategySeries.map((row) => row.strategy))).to.deep.equal(new Set(["spoofer"]));
  });

  it("is deterministic and writes strategies.csv (byte-identical) that the report reader accepts", function () {
    const scenario = parseScenario({
      ...builtIn(),
      runs: 2,
      epochs: 120,
      leverChanges: builtIn().leverChanges!.filter((c) => c.epoch < 120),
    });
    const a = runAll(scenario);
    const b = runAll(scenario);
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
    const dirs = [a, b].map((results) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-adaptive-"));
      writeRunOutputs(dir, scenario, summarise(scenario, "test", results, "fast", "test"), results);
      return dir;
    });
    for (const f of fs.readdirSync(dirs[0])) {
      if (f === "summary.json") continue; // commit may differ between checkouts, not between these two runs
      expect(fs.readFileSync(path.join(dirs[1], f)).equals(fs.readFileSync(path.join(dirs[0], f))), f).to.equal(true);
    }
    const lines = fs.readFileSync(path.join(dirs[0], "strategies.csv"), "utf8").trim().split("\n");
    expect(lines[0]).to.equal(STRATEGY_COLUMNS.join(","));
    expect(lines.length).to.equal(1 + 2 * 120); // header + runs × epochs × adaptive groups
    expect(lines[1].split(",").slice(0, 5)).to.deep.equal(["0", String(a[0].seed), "0", "farmer", "sybil"]);
    const summary = JSON.parse(fs.readFileSync(path.join(dirs[0], "summary.json"), "utf8"));
    expect(summary.files).to.include("strategies.csv");
    expect(summary.groups.farmer.kind).to.equal("adaptive");
    expect(summary.groups.farmer.role).to.equal("farmer");
    const report = readRun(dirs[0]);
    expect(report.groups.map((c) => c.name)).to.include("farmer");
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("writes no strategies.csv and unchanged file list without an adaptive farmer", function () {
    const scenario = parseScenario({
      epochs: 5,
      world: { width: 16, height: 16 },
      agents: [{ kind: "honest", count: 50 }],
    });
    const results = runAll(scenario);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-plain-"));
    writeRunOutputs(dir, scenario, summarise(scenario, "test", results, "fast", "test"), results);
    expect(fs.existsSync(path.join(dir, "strategies.csv"))).to.equal(false);
    expect(results[0].strategySeries).to.deep.equal([]);
    expect("leverChanges" in scenario).to.equal(false); // resolved scenarios (and their hashes) stay as before
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("validates adaptive groups and lever changes with errors naming the field", function () {
    const bad = (input: unknown): string[] => {
      try {
        parseScenario(input);
      } catch (err) {
        return (err as ScenarioError).problems;
      }
      return [];
    };
    expect(
      bad({ agents: [{ kind: "adaptive", count: 5, strategies: ["sybil"], initialStrategy: "spoofer" }] }),
    ).to.deep.equal(["agents[0].initialStrategy: expected one of the group's strategies (sybil)"]);
    expect(bad({ agents: [{ kind: "adaptive", count: 5, strategies: ["mercenary"] }] })[0]).to.match(
      /^agents\[0\]\.strategies\[0\]: expected one of sybil, spoofer, fakeWork/,
    );
    expect(bad({ epochs: 10, leverChanges: [{ epoch: 5 }, { epoch: 3 }, { epoch: 10 }] })).to.deep.equal([
      "leverChanges[1].epoch: expected changes in epoch order",
      "leverChanges[2].epoch: expected < epochs (10)",
    ]);
    expect(bad({ leverChanges: [{ epoch: 1, detection: { sybil: 2 } }] })).to.deep.equal([
      "leverChanges[0].detection.sybil: expected a number between 0 and 1",
    ]);
  });

  it("holds the engine invariants with adaptive farmers and random lever changes (seeded)", async function () {
    const fc = (await import("fast-check")).default;
    const p = fc.double({ min: 0, max: 0.2, noNaN: true });
    const change = fc.record({
      epoch: fc.integer({ min: 0, max: 19 }),
      minBond: fc.integer({ min: 0, max: 500 }),
      detection: fc.record({ sybil: p, spoofer: p, fakeWork: p }),
      anomalyDetector: fc.record({ enabled: fc.boolean(), threshold: fc.double({ min: 1.05, max: 5, noNaN: true }) }),
      densityScaling: fc.record({ enabled: fc.boolean() }),
    });
    fc.assert(
      fc.property(
        fc.array(change, { maxLength: 4 }),
        fc.subarray(["sybil", "spoofer", "fakeWork"] as FarmerStrategy[], { minLength: 1 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (changes, strategiesList, every, slashing, seed) => {
          const scenario = parseScenario({
            seed,
            epochs: 20,
            world: { width: 16, height: 16, cities: 3 },
            levers: { minBond: 5, slashing: { enabled: slashing } },
            leverChanges: [...changes].sort((x, y) => x.epoch - y.epoch),
            agents: [
              { kind: "honest", count: 80, maxJoinPerEpoch: 2 },
              { kind: "adaptive", count: 40, strategies: strategiesList, decideEveryEpochs: every, startEpoch: 1 },
              { kind: "sybil", count: 10 },
            ],
          });
          const r = runReplicate(scenario, supplyOf(scenario), 0, {
            series: true,
            mode: "fast",
            checkInvariants: true,
          });
          for (const row of r.strategySeries) {
            expect(row.strategy === "idle" || strategiesList.includes(row.strategy)).to.equal(true);
            if (row.strategy === "idle") expect(row.devices).to.equal(0);
          }
        },
      ),
      { numRuns: 40, seed: 20261125 },
    );
  });
});
