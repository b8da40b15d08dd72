import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runReplicate } from "../../simulation/engine";
import { replicateSeed, replicateSeeds } from "../../simulation/random";
import { runAll, summarise, writeRunOutputs } from "../../simulation/run";
import { parseScenario, type ScenarioInput } from "../../simulation/scenario";
import { supplyOf } from "../../simulation/supply";
import { REWARD_FAST_EXACT_TOLERANCE } from "../../protocol/reward";

const honestOnly: ScenarioInput = {
  name: "t-honest",
  epochs: 40,
  world: { width: 16, height: 16, cities: 3 },
  levers: { minBond: 10 },
  agents: [
    { name: "small", kind: "honest", count: 150, maxJoinPerEpoch: 2 },
    { name: "fleet", kind: "honest", count: 50, devicesPerOperator: 25 },
  ],
};

function run(input: ScenarioInput, replicate = 0, mode: "fast" | "exact" = "fast") {
  const scenario = parseScenario(input);
  return runReplicate(scenario, supplyOf(scenario), replicate, { series: true, mode });
}

function withAgents(extra: ScenarioInput["agents"], levers: ScenarioInput["levers"] = {}): ScenarioInput {
  return {
    ...honestOnly,
    levers: { ...honestOnly.levers, ...levers },
    agents: [...(honestOnly.agents ?? []), ...(extra ?? [])],
  };
}

describe("simulation/engine", function () {
  it("is deterministic: same scenario and seed give identical results; replicates get distinct seeds", function () {
    const a = run(honestOnly, 0);
    const b = run(honestOnly, 0);
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
    const c = run(honestOnly, 1);
    expect(c.seed).to.not.equal(a.seed);
    expect(new Set(replicateSeeds(7, 100)).size).to.equal(100);
    expect(replicateSeed(7, 3)).to.equal(replicateSeeds(7, 5)[3]);
  });

  it("pays exactly the work pool each epoch and nothing to an honest-only network's non-existent farmers", function () {
    const r = run(honestOnly);
    for (const row of r.networkSeries) expect(row.paid).to.be.closeTo(row.workPool, 1e-6 * row.workPool);
    expect(r.metrics.leakage).to.equal(0);
    expect(r.metrics.farmerCapture).to.equal(0);
    expect(r.metrics.honestCaptureRatio).to.be.closeTo(1, 1e-12);
    expect(r.metrics.falseSlashes).to.equal(0);
    // emitted equals the protocol's cumulative emission; cap never exceeded
    const last = r.networkSeries[r.networkSeries.length - 1];
    expect(last.cumulative).to.be.at.most(last.cap);
    expect(r.metrics.emitted).to.be.closeTo(40 * 5000, 1e-6);
  });

  it("exact (bigint) mode pays within the stated tolerance of fast mode on the same inputs", function () {
    const r = run(
      withAgents([{ kind: "fakeWork", count: 20, inflation: 2 }], { establishment: { epochs: 5, fraction: 0.1 } }),
      0,
      "exact",
    );
    const check = r.exactCheck!;
    const perEpochTol =
      check.maxDevices * REWARD_FAST_EXACT_TOLERANCE.absoluteWeiPerDevice +
      REWARD_FAST_EXACT_TOLERANCE.relative * 3500e18;
    expect(check.maxEpochDiffWei).to.be.at.most(perEpochTol);
    const totalDiff = Math.abs(Number(check.exactPaidWei) - check.fastPaidTokens * 1e18);
    expect(totalDiff).to.be.at.most(40 * perEpochTol);
    // and a whole exact run lands close to a whole fast run (feedback through the market may differ by rounding)
    const fast = run(
      withAgents([{ kind: "fakeWork", count: 20, inflation: 2 }], { establishment: { epochs: 5, fraction: 0.1 } }),
    );
    expect(r.metrics.paid!).to.be.closeTo(fast.metrics.paid!, 1e-6 * fast.metrics.paid!);
    expect(r.metrics.leakage!).to.be.closeTo(fast.metrics.leakage!, 1e-3);
  });

  it("measures leakage of a known fake-work group: inflation k means (k−1)/k of its reward is fake", function () {
    const r = run(
      withAgents([{ name: "fake", kind: "fakeWork", count: 20, inflation: 4, workCv: 0, hardwareSpread: 0 }]),
    );
    const fake = r.groups.find((c) => c.agent === "fake")!;
    expect(r.metrics.leakage).to.be.closeTo((fake.rewardShare as number) * 0.75, 1e-9);
    expect(fake.captureRatio).to.be.greaterThan(2);
  });

  it("a sybil swarm shrinks when the bond rises", function () {
    const swarm = { name: "swarm", kind: "sybil" as const, count: 100, maxDevices: 2000, cells: 2 };
    const cheap = run(
      withAgents([swarm], { minBond: 1, detection: { sybil: 0.01 }, densityScaling: { enabled: false } }),
    );
    const dear = run(
      withAgents([swarm], { minBond: 2000, detection: { sybil: 0.01 }, densityScaling: { enabled: false } }),
    );
    const size = (r: ReturnType<typeof run>) => r.groups.find((c) => c.agent === "swarm")!.devicesEnd;
    expect(size(cheap)).to.be.greaterThan(100);
    expect(size(dear)).to.be.lessThan(100);
    expect(dear.metrics.leakage!).to.be.lessThan(cheap.metrics.leakage!);
  });

  it("a spoofer spreads over empty cells when density scaling bites, and stays put when it does not", function () {
    const spoofer = { name: "spoof", kind: "spoofer" as const, count: 60, cells: 1, maxDevices: 60 };
    const density = (r: ReturnType<typeof run>, epoch: number) =>
      r.groupSeries.find((g) => g.agent === "spoof" && g.epoch === epoch)!.meanDensityFactor!;
    const on = run(withAgents([spoofer]));
    expect(density(on, 0)).to.be.lessThan(0.2);
    expect(density(on, 39)).to.be.greaterThan(0.8);
    const fixed = run(withAgents([{ ...spoofer, adaptive: false }]));
    expect(density(fixed, 39)).to.be.lessThan(0.2);
  });

  it("mercenary capital enters on high yield and leaves, dumping, when it falls", function () {
    const r = run(
      withAgents([
        {
          name: "merc",
          kind: "mercenary",
          count: 0,
          maxDevices: 400,
          maxJoinPerEpoch: 100,
          entryApr: 0.5,
          exitApr: 0.4,
        },
      ]),
    );
    const devices = r.groupSeries.filter((g) => g.agent === "merc").map((g) => g.devices);
    expect(Math.max(...devices)).to.be.greaterThan(0);
    const sold = r.groupSeries.filter((g) => g.agent === "merc").reduce((a, g) => a + g.tokensSold, 0);
    const earned = r.groups.find((c) => c.agent === "merc")!.rewardTokens;
    expect(sold).to.be.at.least(earned * 0.99);
  });

  it("the anomaly detector catches blatant fake work and counts honest collateral damage", function () {
    const r = run(
      withAgents([{ name: "fake", kind: "fakeWork", count: 20, inflation: 10, adaptive: false }], {
        anomalyDetector: { enabled: true, threshold: 2 },
      }),
    );
    expect(r.metrics.detectionRecall).to.equal(1);
    expect(r.metrics.detectionPrecision!).to.be.greaterThan(0.5);
    const tight = run(withAgents([], { anomalyDetector: { enabled: true, threshold: 1.1 } }));
    expect(tight.metrics.falseSlashes!).to.be.greaterThan(0);
    expect(tight.metrics.falseSlashRate!).to.be.greaterThan(0);
  });

  it("writes byte-identical output files for the same scenario and seed", function () {
    const scenario = parseScenario({ ...honestOnly, runs: 2, epochs: 10 });
    const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "sim-")));
    for (const dir of dirs) {
      const results = runAll(scenario);
      writeRunOutputs(dir, scenario, summarise(scenario, "test", results, "fast", "test"), results);
    }
    for (const f of fs.readdirSync(dirs[0])) {
      expect(fs.readFileSync(path.join(dirs[1], f)).equals(fs.readFileSync(path.join(dirs[0], f))), f).to.equal(true);
    }
    const summary = JSON.parse(fs.readFileSync(path.join(dirs[0], "summary.json"), "utf8"));
    expect(summary.replicateSeeds).to.deep.equal(replicateSeeds(scenario.seed, 2));
    expect(summary.commit).to.be.a("string");
    expect(summary.verdicts[0]).to.have.keys([
      "metric",
      "comparator",
      "threshold",
      "value",
      "interval",
      "outcome",
      "pass",
    ]);
    expect(summary.verdictRule).to.be.a("string");
    // two replicates leave no interval: a verdict that the mean meets is marginal, never pass
    for (const v of summary.verdicts) expect(v.outcome).to.be.oneOf(["marginal", "fail", "missing"]);
    const lines = fs.readFileSync(path.join(dirs[0], "timeseries.csv"), "utf8").trim().split("\n");
    expect(lines.length).to.equal(1 + 2 * 10 * 2); // header + runs × epochs × agents
    expect(fs.readdirSync(dirs[0]).some((f) => f.includes(".tmp-"))).to.equal(false);
  });
});

describe("simulation/engine invariants (seeded random scenarios)", function () {
  this.timeout(60_000);
  it("holds device counts, Σ stakes = bonds locked, paid ≤ pool, cumulative ≤ cap, balances ≥ 0 every epoch", async function () {
    const fc = (await import("fast-check")).default;
    const agent = fc.oneof(
      fc.record({
        kind: fc.constant("honest" as const),
        count: fc.integer({ min: 0, max: 120 }),
        maxJoinPerEpoch: fc.integer({ min: 0, max: 5 }),
      }),
      fc.record({
        kind: fc.constant("sybil" as const),
        count: fc.integer({ min: 0, max: 60 }),
        maxDevices: fc.integer({ min: 0, max: 200 }),
      }),
      fc.record({
        kind: fc.constant("spoofer" as const),
        count: fc.integer({ min: 0, max: 60 }),
        maxDevices: fc.integer({ min: 0, max: 200 }),
      }),
      fc.record({
        kind: fc.constant("fakeWork" as const),
        count: fc.integer({ min: 0, max: 40 }),
        inflation: fc.double({ min: 1, max: 8, noNaN: true }),
      }),
      fc.record({ kind: fc.constant("collusion" as const), count: fc.integer({ min: 0, max: 40 }) }),
      fc.record({
        kind: fc.constant("mercenary" as const),
        count: fc.integer({ min: 0, max: 40 }),
        maxDevices: fc.integer({ min: 0, max: 300 }),
      }),
    );
    const p = fc.double({ min: 0, max: 0.2, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(agent, { minLength: 1, maxLength: 5 }),
        fc.record({
          minBond: fc.integer({ min: 0, max: 1000 }),
          onboardingFee: fc.integer({ min: 0, max: 20 }),
          slashing: fc.record({
            enabled: fc.boolean(),
            fraction: fc.double({ min: 0, max: 1, noNaN: true }),
            burn: fc.boolean(),
          }),
          detection: fc.record({
            sybil: p,
            spoofer: p,
            fakeWork: p,
            collusion: p,
            honestFalsePositive: fc.double({ min: 0, max: 0.01, noNaN: true }),
          }),
          anomalyDetector: fc.record({
            enabled: fc.boolean(),
            threshold: fc.double({ min: 1.05, max: 5, noNaN: true }),
          }),
          vesting: fc.record({
            immediateFraction: fc.double({ min: 0, max: 1, noNaN: true }),
            durationEpochs: fc.integer({ min: 0, max: 10 }),
          }),
          demandWeight: fc.double({ min: 0, max: 1, noNaN: true }),
          establishment: fc.record({
            epochs: fc.integer({ min: 0, max: 5 }),
            fraction: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          densityScaling: fc.record({ enabled: fc.boolean() }),
          stakeFactor: fc.record({
            enabled: fc.boolean(),
            referenceStake: fc.integer({ min: 1, max: 1000 }),
            maxBoost: fc.double({ min: 0, max: 2, noNaN: true }),
          }),
        }),
        fc.constantFrom("amm" as const, "exogenous" as const),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (agents, levers, model, seed) => {
          const scenario = parseScenario({
            seed,
            epochs: 15,
            world: { width: 16, height: 16, cities: 3 },
            market: { model, drift: -0.01, volatility: 0.05 },
            levers,
            agents,
          });
          runReplicate(scenario, supplyOf(scenario), 0, { series: false, mode: "fast", checkInvariants: true });
        },
      ),
      { numRuns: 60, seed: 20261125 },
    );
  });
});
