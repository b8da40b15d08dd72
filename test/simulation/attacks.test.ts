import { expect } from "chai";
import { runReplicate, type GroupRow, type RunResult } from "../../simulation/engine";
import { FastLedger } from "../../simulation/ledger/fast";
import { FLAG_REASONS, type FlagReason, type Ledger } from "../../simulation/ledger/ledger";
import { loadScenario, ScenarioError, type Scenario } from "../../simulation/scenario";
import { supplyOf } from "../../simulation/supply";

/** A fast ledger that also records the moves and flags the engine reports to it (the money is the fast ledger's). */
interface RecordingLedger {
  ledger: FastLedger;
  moves: Array<{ handle: number; cell: number }>;
  reasons: FlagReason[];
  /** Group of every device that joined, and the flags by group and reason. */
  groupOf: Map<number, number>;
  flags: Array<{ group: number; reason: FlagReason }>;
}

function recordingLedger(groups: number, immediate: number, duration: number): RecordingLedger {
  const fast = new FastLedger(groups, immediate, duration);
  const rec: RecordingLedger = { ledger: fast, moves: [], reasons: [], groupOf: new Map(), flags: [] };
  const asLedger = fast as unknown as Ledger;
  const flag = asLedger.flag.bind(fast);
  const join = asLedger.join.bind(fast);
  asLedger.join = (device) => {
    rec.groupOf.set(device.handle, device.group);
    join(device);
  };
  asLedger.move = (handle, cell) => void rec.moves.push({ handle, cell });
  asLedger.flag = (handle, reason, suspend) => {
    rec.reasons.push(reason);
    rec.flags.push({ group: rec.groupOf.get(handle) as number, reason });
    flag(handle, reason, suspend);
  };
  return rec;
}

function load(name: string, overrides: Record<string, unknown>): Scenario {
  return loadScenario(name, overrides).scenario;
}

function run(name: string, overrides: Record<string, unknown> = {}, replicate = 0): RunResult {
  const scenario = load(name, overrides);
  return runReplicate(scenario, supplyOf(scenario), replicate, { series: true, mode: "fast", checkInvariants: true });
}

function runRecorded(name: string, overrides: Record<string, unknown>): { r: RunResult; ledger: RecordingLedger } {
  const scenario = load(name, overrides);
  const vesting = scenario.levers.vesting;
  const ledger = recordingLedger(
    scenario.agents.length,
    vesting.durationEpochs > 0 ? vesting.immediateFraction : 1,
    vesting.durationEpochs,
  );
  const r = runReplicate(scenario, supplyOf(scenario), 0, {
    series: true,
    mode: "fast",
    ledger: ledger.ledger,
    checkInvariants: true,
  });
  return { r, ledger };
}

function group(r: RunResult, agent: string): GroupRow {
  const row = r.groups.find((c) => c.agent === agent);
  if (row === undefined) throw new Error(`no group ${agent}`);
  return row;
}

/** Flags per device-epoch of a group, and the honest groups' false flags per device-epoch. */
function flagRates(r: RunResult, agent: string): { fake: number; honest: number } {
  const f = group(r, agent);
  const honest = r.groups.filter((c) => c.role === "honest");
  const falseFlags = honest.reduce((a, c) => a + c.falselySlashed, 0);
  const deviceEpochs = honest.reduce((a, c) => a + c.deviceEpochs, 0);
  return { fake: f.detected / f.deviceEpochs, honest: falseFlags / deviceEpochs };
}

describe("simulation attack repertoire", function () {
  this.timeout(120_000);

  describe("mimicry fake work", function () {
    // slashing off: flagged devices stay, so the flag rate is measured on the same devices all run
    const base = { epochs: 150, "levers.slashing.enabled": false, "levers.detection.fakeWork": 0 };

    it("does no real work and reports what honest devices of the class report", function () {
      const r = run("fake-work", { ...base, "agents[2].mode": "mimic" });
      const fake = group(r, "fake-reporters");
      const honest = r.groups.filter((c) => c.role === "honest");
      const honestPerDevice =
        honest.reduce((a, c) => a + c.reportedWork, 0) / honest.reduce((a, c) => a + c.deviceEpochs, 0);
      expect(fake.realWork).to.equal(0);
      expect(fake.fakeWork).to.equal(fake.reportedWork);
      // the honest mixture: 800 small devices at the class mean, 200 fleet devices at 1.2×
      expect(fake.reportedWork / fake.deviceEpochs).to.be.closeTo(honestPerDevice, 0.05 * honestPerDevice);
      // all its reward is leakage
      expect(r.metrics.leakage as number).to.be.greaterThan(0.9 * (fake.rewardShare as number));
    });

    it("is flagged by the anomaly detector about as often as honest devices, where inflation is flagged far more", function () {
      const tight = { ...base, "levers.anomalyDetector.threshold": 1.5 };
      const mimic = flagRates(run("fake-work", { ...tight, "agents[2].mode": "mimic" }), "fake-reporters");
      const inflate = flagRates(
        run("fake-work", { ...tight, "agents[2].adaptive": false, "agents[2].inflation": 3 }),
        "fake-reporters",
      );
      expect(mimic.honest).to.be.greaterThan(0.02);
      expect(Math.abs(mimic.fake - mimic.honest)).to.be.below(0.25 * mimic.honest);
      expect(inflate.fake).to.be.greaterThan(0.9);
      expect(inflate.fake).to.be.greaterThan(5 * inflate.honest);
    });

    it("is still caught by challenges, which test the work itself", function () {
      const r = run("fake-work", {
        ...base,
        "agents[2].mode": "mimic",
        "levers.anomalyDetector.enabled": false,
        "levers.detection.fakeWork": 0.02,
      });
      const rates = flagRates(r, "fake-reporters");
      expect(rates.honest).to.equal(0);
      expect(rates.fake).to.be.closeTo(0.02, 0.004);
    });

    it("mode inflate is the default (the same run to the last digit)", function () {
      const a = run("fake-work", { epochs: 60 });
      const b = run("fake-work", { epochs: 60, "agents[2].mode": "inflate" });
      expect(b.metrics).to.deep.equal(a.metrics);
      expect(b.groups).to.deep.equal(a.groups);
    });

    it("pays its own setup and running costs when given (cheap identities instead of hardware)", function () {
      const r = run("fake-work", {
        ...base,
        "agents[2].mode": "mimic",
        "agents[2].setupCostUsd": 2,
        "agents[2].opexUsdPerEpoch": 0.05,
      });
      const fake = group(r, "fake-reporters");
      expect(fake.kitUsd).to.be.closeTo(150 * 2, 1e-9);
      expect(fake.opexUsd).to.be.closeTo(fake.deviceEpochs * 0.05, 1e-6);
    });
  });

  describe("hopping spoofers", function () {
    const hop = (costUsd: number) => ({
      epochs: 120,
      "agents[2].adaptive": false,
      "agents[2].count": 300,
      "agents[2].hop": { share: 0.2, costUsd },
    });

    it("moves to cells with a higher density factor and pays for every move (as opex)", function () {
      const { r, ledger } = runRecorded("location-spoofing", hop(3));
      const spoofer = group(r, "spoofer");
      expect(ledger.moves.length).to.be.greaterThan(0);
      // opex = running cost per device-epoch + the moves
      expect(spoofer.opexUsd).to.be.closeTo(spoofer.deviceEpochs * 0.1 + 3 * ledger.moves.length, 1e-6);
      // never more than share × devices a epoch
      expect(ledger.moves.length).to.be.at.most(Math.ceil(0.2 * 300) * 119);
      const densityOf = (x: RunResult) => {
        const rows = x.groupSeries.filter((g) => g.agent === "spoofer" && g.epoch >= 60);
        return rows.reduce((a, g) => a + (g.meanDensityFactor as number), 0) / rows.length;
      };
      const still = run("location-spoofing", { ...hop(3), "agents[2].hop": undefined });
      // the fixed swarm (spreading the old way, at random) stays crowded; the hopper finds uncrowded cells
      expect(densityOf(r)).to.be.greaterThan(0.98);
      expect(densityOf(r)).to.be.greaterThan(densityOf(still) + 0.02);
    });

    it("makes no move (and pays nothing) where no cell pays more: density scaling off", function () {
      const { r, ledger } = runRecorded("location-spoofing", { ...hop(3), "levers.densityScaling.enabled": false });
      expect(ledger.moves.length).to.equal(0);
      const spoofer = group(r, "spoofer");
      expect(spoofer.opexUsd).to.be.closeTo(spoofer.deviceEpochs * 0.1, 1e-6);
    });

    it("raises its detection as devices leave home (spreadMultiplier × the share away)", function () {
      const lowMult = run("location-spoofing", { ...hop(0), "levers.detection.spreadMultiplier": 1 });
      const highMult = run("location-spoofing", { ...hop(0), "levers.detection.spreadMultiplier": 5 });
      const rate = (x: RunResult) => group(x, "spoofer").detected / group(x, "spoofer").deviceEpochs;
      expect(rate(lowMult)).to.be.closeTo(0.001, 0.0006);
      expect(rate(highMult)).to.be.greaterThan(2.5 * rate(lowMult));
    });
  });

  describe("trickle swarms", function () {
    const trickle = (rate: number) => ({
      "agents[2].joinPerEpoch": rate,
      "agents[2].count": 1,
      "agents[2].adaptive": false,
      "agents[2].maxDevices": 1000,
      "levers.detection.sybil": 0,
      epochs: 120,
    });

    it("joinPerEpoch 0.2 adds one device every 5 epochs", function () {
      const r = run("sybil-swarm", trickle(0.2));
      const rows = r.groupSeries.filter((g) => g.agent === "sybil" && g.epoch > 10);
      const joinEpochs = rows.filter((g) => g.joined > 0).map((g) => g.epoch);
      expect(rows.every((g) => g.joined <= 1)).to.equal(true);
      expect(joinEpochs[0]).to.equal(15);
      for (let k = 1; k < joinEpochs.length; k++) expect(joinEpochs[k] - joinEpochs[k - 1]).to.equal(5);
      // epochs 11..119: 109 epochs × 0.2 = 21.8 → 21 devices after the first one
      expect(group(r, "sybil").devicesEnd).to.equal(1 + 21);
    });

    it("a fractional rate above one accumulates (2.5 a epoch: 2, 3, 2, 3, …)", function () {
      const r = run("sybil-swarm", trickle(2.5));
      const joined = r.groupSeries.filter((g) => g.agent === "sybil" && g.epoch > 10).map((g) => g.joined);
      expect(joined.slice(0, 6)).to.deep.equal([2, 3, 2, 3, 2, 3]);
    });

    it("an adaptive trickle never joins faster than its rate", function () {
      const r = run("sybil-swarm", { ...trickle(0.5), "agents[2].adaptive": true });
      const rows = r.groupSeries.filter((g) => g.agent === "sybil" && g.epoch > 10);
      let credit = 0;
      for (const g of rows) {
        credit += 0.5;
        expect(g.joined, `epoch ${g.epoch}`).to.be.at.most(Math.floor(credit + 1e-9));
        credit -= Math.floor(credit + 1e-9);
      }
      expect(rows.reduce((a, g) => a + g.joined, 0)).to.be.greaterThan(0);
    });

    it("refuses a trickle that starts empty with no maxDevices, naming the field", function () {
      expect(() =>
        load("sybil-swarm", { "agents[2].joinPerEpoch": 0.2, "agents[2].count": 0, "agents[2].maxDevices": undefined }),
      )
        .to.throw(ScenarioError)
        .with.property("message")
        .that.matches(/agents\[2\]\.maxDevices: required with joinPerEpoch/);
    });
  });

  describe("registration-pattern detector", function () {
    const detector = { windowEpochs: 7, perOwner: 10, probability: 0.05 };
    const base = { epochs: 150, "levers.detection.sybil": 0, "levers.densityScaling.enabled": false };
    const trickle = { "agents[2].joinPerEpoch": 0.5, "agents[2].count": 0, "agents[2].maxDevices": 200 };

    it("catches a burst swarm through the slashing and suspension path, with no honest device flagged", function () {
      const { r, ledger } = runRecorded("sybil-swarm", { ...base, "levers.registrationDetector": detector });
      const sybil = group(r, "sybil");
      expect(sybil.detected).to.be.greaterThan(100);
      expect(sybil.slashedTokens).to.be.greaterThan(0);
      expect(r.metrics.falseSlashes).to.equal(0);
      expect(r.metrics.detectionPrecision).to.equal(1);
      expect(r.metrics.detectionRecallPerEpoch as number).to.be.greaterThan(0.02);
      expect(ledger.reasons.length).to.equal(sybil.detected);
      expect(ledger.reasons.every((x) => x === FLAG_REASONS.registration)).to.equal(true);
      const off = group(run("sybil-swarm", base), "sybil");
      expect(sybil.profitUsd).to.be.below(off.profitUsd);
    });

    it("switched on mid-run by leverChanges: nothing flagged before, the burst in its window caught after", function () {
      const at = 14;
      const later = {
        ...base,
        "levers.registrationDetector": { ...detector, enabled: false },
        leverChanges: [{ epoch: at, registrationDetector: { enabled: true } }],
      };
      const { r, ledger } = runRecorded("sybil-swarm", later);
      const flagged = (x: RunResult) =>
        x.groupSeries.filter((g) => g.agent === "sybil" && g.detected > 0).map((g) => g.epoch);
      expect(flagged(r).length).to.be.greaterThan(0);
      expect(Math.min(...flagged(r))).to.be.at.least(at);
      expect(ledger.reasons.every((x) => x === FLAG_REASONS.registration)).to.equal(true);
      const never = run("sybil-swarm", { ...base, "levers.registrationDetector": { ...detector, enabled: false } });
      const always = run("sybil-swarm", { ...base, "levers.registrationDetector": detector });
      // a base rule that stays off is the run without a detector, bit for bit
      expect(never.metrics).to.deep.equal(run("sybil-swarm", base).metrics);
      expect(Math.min(...flagged(always))).to.be.below(at);
      // the sign of the lever: switching it on later lets the swarm keep more
      const profit = (x: RunResult) => group(x, "sybil").profitUsd;
      expect(profit(always)).to.be.below(profit(r));
      expect(profit(r)).to.be.below(profit(never));
      // and switched off again, it stops flagging
      const offAgain = run("sybil-swarm", {
        ...later,
        leverChanges: [...later.leverChanges, { epoch: 40, registrationDetector: { enabled: false } }],
      });
      expect(Math.max(...flagged(offAgain))).to.be.below(40);
    });

    it("refuses a detector switched on by leverChanges with no base rule, naming the field", function () {
      expect(() => load("sybil-swarm", { leverChanges: [{ epoch: 5, registrationDetector: { enabled: true } }] }))
        .to.throw(ScenarioError)
        .with.property("message")
        .that.matches(/leverChanges\[0\]\.registrationDetector: needs levers\.registrationDetector/);
    });

    it("does not see a trickle under its threshold (the run is the same as without it)", function () {
      const on = run("sybil-swarm", { ...base, ...trickle, "levers.registrationDetector": detector });
      const off = run("sybil-swarm", { ...base, ...trickle });
      expect(group(on, "sybil").devicesEnd).to.be.greaterThan(50);
      expect(group(on, "sybil").detected).to.equal(0);
      expect(on.metrics).to.deep.equal(off.metrics);
    });

    it("catches the same trickle once the threshold is below its rate over the window", function () {
      const r = run("sybil-swarm", {
        ...base,
        ...trickle,
        "levers.registrationDetector": { ...detector, perOwner: 2 },
      });
      expect(group(r, "sybil").detected).to.be.greaterThan(0);
    });

    it("flags an honest fleet that grows faster than the per-owner threshold (the detector's collateral damage)", function () {
      // honest-fleet: 50 devices per operator, one joins a day: 7 a week from one owner
      const r = run("sybil-swarm", { ...base, "levers.registrationDetector": { ...detector, perOwner: 5 } });
      expect(group(r, "honest-fleet").falselySlashed).to.be.greaterThan(0);
      expect(group(r, "honest-small").falselySlashed).to.equal(0);
    });

    it("per cell: catches a swarm registering many devices in its two cells", function () {
      const r = run("sybil-swarm", {
        ...base,
        "levers.registrationDetector": { windowEpochs: 7, perCell: 30, probability: 0.05 },
      });
      expect(group(r, "sybil").detected).to.be.greaterThan(100);
      expect(r.metrics.detectionPrecision as number).to.be.greaterThan(0.95);
    });

    it("many wallets beat the per-owner rule; the per-cell rule still sees the burst in the swarm's cells", function () {
      const wallets = (n: number, rule: Record<string, unknown>) =>
        run("sybil-swarm", { ...base, "agents[2].wallets": n, "levers.registrationDetector": rule });
      const one = wallets(1, detector);
      const many = wallets(50, detector);
      expect(group(many, "sybil").detected).to.be.greaterThan(0); // the swarm grows past 10 a week per wallet later
      expect(many.metrics.farmerProfitUsd as number).to.be.greaterThan(
        (one.metrics.farmerProfitUsd as number) + 10_000,
      );
      expect(many.metrics.leakage as number).to.be.greaterThan(3 * (one.metrics.leakage as number));
      const perCell = wallets(50, { ...detector, perCell: 30 });
      expect(perCell.metrics.leakage as number).to.be.below((many.metrics.leakage as number) / 2);
    });

    it("enabled: false is the same run as no detector", function () {
      const a = run("sybil-swarm", { ...base, epochs: 60 });
      const b = run("sybil-swarm", {
        ...base,
        epochs: 60,
        "levers.registrationDetector": { ...detector, enabled: false },
      });
      expect(b.metrics).to.deep.equal(a.metrics);
    });
  });

  describe("gpu-compute", function () {
    it("runs: mimicking fakes do no real work, the burst flood is caught by its registrations, the trickle is not", function () {
      const { r, ledger } = runRecorded("gpu-compute", {});
      const index = new Map(r.groups.map((c, i) => [c.agent, i]));
      const byReason = (agent: string, reason: FlagReason) =>
        ledger.flags.filter((f) => f.group === index.get(agent) && f.reason === reason).length;
      const fakes = group(r, "fake-gpus");
      expect(fakes.realWork).to.equal(0);
      expect(fakes.reportedWork).to.be.greaterThan(0);
      // the anomaly detector almost never flags a mimic at this threshold (as for honest GPUs); challenges do
      expect(byReason("fake-gpus", FLAG_REASONS.anomaly) / fakes.deviceEpochs).to.be.below(0.001);
      expect(byReason("fake-gpus", FLAG_REASONS.challenge) / fakes.deviceEpochs).to.be.greaterThan(0.02);
      expect(byReason("flood", FLAG_REASONS.registration)).to.be.greaterThan(1000);
      expect(byReason("patient", FLAG_REASONS.registration)).to.equal(0);
      expect(group(r, "patient").devicesPeak).to.be.greaterThan(10);
      expect(byReason("providers", FLAG_REASONS.registration)).to.equal(0);
    });
  });
});
