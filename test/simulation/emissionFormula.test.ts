/**
 * Simulation-only emission formulas over network state (`curve: formula`, simulation/emissionFormula.ts): the same
 * outputs as the contract curve they equal, the previous epoch's state, the caps, the field-named refusals, wei
 * conservation in exact mode, the EVM refusal and the not-on-chain notice.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { runReplicate, type RunResult } from "../../simulation/engine";
import { emissionPlanOf, floorTokensToWei, type NetworkState } from "../../simulation/emissionFormula";
import { onChainExpressibility, requireOnChainEmission, tokensToWei } from "../../simulation/emissionSpec";
import { FormulaError } from "../../simulation/formula";
import { readRun, readSweep } from "../../simulation/report/inputs";
import { parseParam, runSweep } from "../../simulation/sweep";
import { simulate } from "../../simulation/run";
import { loadScenario, parseScenario, type ScenarioInput } from "../../simulation/scenario";
import { problemsOf } from "./fixtures/problems";
import { supplyOf } from "../../simulation/supply";

const EXAMPLES = path.join(__dirname, "..", "..", "simulation", "examples");

const base: ScenarioInput = {
  epochs: 40,
  world: { width: 8, height: 8, cities: 2 },
  levers: { slashing: { enabled: true, fraction: 1, burn: true }, detection: { sybil: 0.02 } },
  agents: [
    { kind: "honest", count: 30 },
    { kind: "sybil", count: 10, maxDevices: 200, startEpoch: 5 },
  ],
};

function run(input: ScenarioInput, mode: "fast" | "exact" = "fast"): RunResult {
  const scenario = parseScenario(input);
  return runReplicate(scenario, supplyOf(scenario), 0, { series: true, mode, checkInvariants: mode === "fast" });
}

/** Everything a run reports (bigints of the exact check as decimal strings). */
function outputsOf(r: RunResult): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

const state = (devices: number): NetworkState => ({
  devices,
  reportedWork: 100 * devices,
  realWork: 100 * devices,
  servedWork: 0,
  demandUsd: 0,
  price: 1,
  burned: 0,
  circulating: 0,
});

describe("simulation/emissionFormula: emission formulas over network state", function () {
  this.timeout(120_000);

  describe("a formula equal to a contract curve", function () {
    const constant = { curve: "constant" as const, initialEmission: 5000, cap: 120_000 }; // the cap binds at epoch 23
    const formula = { curve: "formula" as const, formula: "rate", parameters: { rate: 5000 }, cap: 120_000 };

    for (const mode of ["fast", "exact"] as const) {
      it(`gives byte-identical outputs to curve: constant (${mode} mode, cap reached)`, function () {
        const a = run({ ...base, emission: constant }, mode);
        const b = run({ ...base, emission: formula }, mode);
        expect(a.networkSeries[30].cumulative).to.equal(120_000);
        expect(outputsOf(b)).to.equal(outputsOf(a));
      });
    }

    for (const mode of ["fast", "exact"] as const) {
      it(`and as a dated segment after a contract curve, byte-identical to two contract segments (${mode})`, function () {
        const first = { fromEpoch: 0, curve: "step" as const, factorWad: "500000000000000000", periodEpochs: 10 };
        const a = run(
          {
            ...base,
            emission: [
              { ...first, cap: 90_000 },
              { fromEpoch: 20, ...constant, cap: 50_000 },
            ],
          },
          mode,
        );
        const b = run(
          {
            ...base,
            emission: [
              { ...first, cap: 90_000 },
              { fromEpoch: 20, ...formula, cap: 50_000 },
            ],
          },
          mode,
        );
        // 75,000 in the step segment, then the run's cap (the largest segment cap, 90,000) binds in the second
        expect(a.networkSeries[19].cumulative).to.equal(75_000);
        expect(a.networkSeries[39].cumulative).to.be.closeTo(90_000, 1e-6);
        expect(outputsOf(b)).to.equal(outputsOf(a));
      });
    }

    it("writes byte-identical CSV files, and only the formula run carries the not-on-chain notice", async function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emission-formula-"));
      const files: Record<string, string> = {};
      for (const [name, emission] of Object.entries({ constant, formula })) {
        const file = path.join(dir, `${name}.json`);
        fs.writeFileSync(file, JSON.stringify({ ...base, name, emission }));
        const { summary } = await simulate({ scenario: file, out: path.join(dir, name), workers: 1 });
        if (name === "constant") expect(summary).to.not.have.property("onChainExpressible");
        else {
          expect(summary.onChainExpressible).to.equal(false);
          expect(summary.onChainReason).to.match(/^emission\.formula is a simulation-only emission formula/);
          const warnings = readRun(path.join(dir, name)).warnings;
          expect(warnings.some((w) => w.startsWith("Simulation only, not deployable as simulated: emission.formula")))
            .to.be.true;
        }
        for (const csv of ["network.csv", "timeseries.csv", "groups.csv", "lorenz.csv"]) {
          const text = fs.readFileSync(path.join(dir, name, csv), "utf8");
          if (name === "constant") files[csv] = text;
          else expect(text, csv).to.equal(files[csv]);
        }
      }
      expect(readRun(path.join(dir, "constant")).warnings.some((w) => w.startsWith("Simulation only"))).to.be.false;
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });

  it("a sweep over a formula emission carries the not-on-chain notice in its report", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emission-formula-sweep-"));
    const file = path.join(dir, "s.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...base,
        epochs: 12,
        emission: { curve: "formula", formula: "rate * devices", parameters: { rate: 1 } },
      }),
    );
    const out = path.join(dir, "sweep");
    await runSweep({
      scenario: file,
      params: [parseParam("emission.parameters.rate=1,2")],
      base: {},
      workers: 1,
      shard: null,
      out,
      quiet: true,
    });
    expect(readSweep(out).warnings).to.include.members([
      `Simulation only, not deployable as simulated: ${(onChainExpressibility({ curve: "formula", cap: 1 }) as { reason: string }).reason}.`,
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("a per-device rate (GEODNET-style)", function () {
    const perDevice = (rate: number, cap = 1e9) => ({
      curve: "formula" as const,
      formula: "rate * devices",
      parameters: { rate },
      cap,
    });

    it("reads the previous epoch's devices: emission(e) = rate × devices at the end of e − 1", function () {
      const r = run({ ...base, emission: perDevice(3) });
      expect(r.networkSeries[0].emission).to.equal(0); // nobody is present before the first epoch
      for (let e = 1; e < r.networkSeries.length; e++) {
        expect(r.networkSeries[e].emission).to.equal(3 * r.networkSeries[e - 1].devices);
      }
    });

    it("more devices → more emission (sign), and a higher rate → more emission", function () {
      const emitted = (r: RunResult) => r.metrics.emitted as number;
      const few = run({ ...base, emission: perDevice(3), agents: [{ kind: "honest", count: 20 }] });
      const many = run({ ...base, emission: perDevice(3), agents: [{ kind: "honest", count: 60 }] });
      expect(emitted(many)).to.be.greaterThan(emitted(few));
      // a sybil swarm mints its own rewards under a per-device rate (no dilution of a fixed budget)
      const swarm = run({ ...base, emission: perDevice(3) });
      const honestOnly = run({ ...base, emission: perDevice(3), agents: [base.agents![0]] });
      expect(emitted(swarm)).to.be.greaterThan(emitted(honestOnly));
      expect(emitted(run({ ...base, emission: perDevice(6) }))).to.be.greaterThan(emitted(swarm));
    });

    it("never exceeds the cap: clipped in the epoch that reaches it, 0 afterwards (fast and exact)", function () {
      for (const mode of ["fast", "exact"] as const) {
        const r = run({ ...base, emission: perDevice(50, 12_345.678) }, mode);
        const rows = r.networkSeries;
        rows.forEach((row) => expect(row.cumulative).to.be.at.most(12_345.678));
        const reached = rows.findIndex((row) => row.cumulative === 12_345.678);
        expect(reached, mode).to.be.greaterThan(0);
        expect(rows[reached].emission).to.be.lessThan(50 * rows[reached - 1].devices);
        rows.slice(reached + 1).forEach((row) => expect(row.emission).to.equal(0));
      }
    });

    it("clips in wei: the segment cap and the run cap are never exceeded, to the wei", function () {
      const segments = (secondCap: number) => [
        { fromEpoch: 0, curve: "formula" as const, formula: "rate * devices", parameters: { rate: 1.1 }, cap: 800 },
        {
          fromEpoch: 10,
          curve: "formula" as const,
          formula: "rate * devices",
          parameters: { rate: 7.3 },
          cap: secondCap,
        },
      ];
      const firstTen = floorTokensToWei(1.1 * 17) * 10n; // 187 tokens, below the first segment's cap
      const totalOf = (secondCap: number): { wei: bigint; tokens: number } => {
        const exact = emissionPlanOf(segments(secondCap), 60, 365)!.start(true);
        let wei = 0n;
        let tokens = 0;
        for (let e = 0; e < 60; e++) {
          const minted = exact.next(e, state(17));
          expect(minted.wei >= 0n && minted.tokens >= 0).to.be.true;
          if (e === 0) expect(minted.wei).to.equal(floorTokensToWei(1.1 * 17));
          wei += minted.wei;
          tokens += minted.tokens;
          if (e === 9) expect(wei).to.equal(firstTen);
        }
        expect(() => exact.next(3, state(1))).to.throw(RangeError, /out of order/);
        return { wei, tokens };
      };
      // the second segment's own cap (500) binds: 187 + 500 tokens
      expect(totalOf(500).wei).to.equal(firstTen + tokensToWei(500));
      expect(totalOf(500).tokens).to.be.closeTo(687, 1e-9);
      // the run cap (the largest segment cap, 800) binds before the second segment's 790
      expect(totalOf(790).wei).to.equal(tokensToWei(800));
      expect(totalOf(790).tokens).to.be.closeTo(800, 1e-9);
    });
  });

  describe("refusals", function () {
    const f = (formula: string, extra: Record<string, unknown> = {}) => ({
      ...base,
      emission: { curve: "formula" as const, formula, ...extra },
    });

    it("refuses unknown symbols and bad formulas at load, naming the field", function () {
      expect(problemsOf(f("rate * stations", { parameters: { rate: 1 } }))[0]).to.match(
        /^emission\.formula: unknown symbol "stations"; expected one of epoch, localEpoch, devices/,
      );
      expect(problemsOf(f("rate *"))[0]).to.match(/^emission\.formula: cannot parse/);
      expect(problemsOf(f("random() * devices"))[0]).to.match(/^emission\.formula: unknown function "random"/);
      expect(
        problemsOf({
          ...base,
          emission: [
            { fromEpoch: 0, curve: "constant", initialEmission: 10 },
            { fromEpoch: 5, curve: "formula", formula: "capped + x", sums: { capped: "min(realWork, b0)" } },
          ],
        }),
      ).to.deep.equal([
        'emission[1].sums.capped: unknown symbol "b0"; expected one of epoch, localEpoch, devices, reportedWork, realWork, servedWork, demandUsd, price, burned, circulating, emitted, totalEmitted, cap, tokenCap, epochsPerYear, pi, e',
      ]);
      expect(problemsOf(f("devices", { parameters: { devices: 3 } }))).to.deep.equal([
        'emission.parameters.devices: "devices" is a state variable, function or constant',
      ]);
      expect(problemsOf({ ...base, emission: { curve: "formula" } })).to.deep.equal([
        "emission.formula: required for the formula curve",
      ]);
      expect(problemsOf(f("devices", { initialEmission: 5 }))).to.deep.equal([
        "emission.initialEmission: not used by the formula curve (the formula gives each epoch's emission)",
      ]);
      expect(problemsOf({ ...base, emission: { curve: "constant", formula: "1" } })).to.deep.equal([
        'emission.formula: only with curve "formula"',
      ]);
    });

    it("a negative or non-finite value is a run error naming the field and the epoch", function () {
      expect(() => run(f("10 - epoch"))).to.throw(
        FormulaError,
        /^emission\.formula: "10 - epoch" is -1 at epoch 11; an emission must be ≥ 0/,
      );
      expect(() =>
        run({ ...base, emission: [{ fromEpoch: 0, curve: "formula", formula: "log(epoch - 3)" }] }),
      ).to.throw(
        FormulaError,
        /^emission\[0\]\.formula: "log\(epoch - 3\)" is 1\.09\d+ \+ 3\.14\d+i at epoch = 0, .*expected a finite number$/,
      );
      expect(() => run(f("(epoch - 4) / (epoch - 4)"))).to.throw(
        FormulaError,
        /^emission\.formula: "\(epoch - 4\) \/ \(epoch - 4\)" is NaN at epoch = 4, localEpoch = 4, devices = /,
      );
    });

    it("--mode evm refuses a formula emission: the contracts cannot express it", async function () {
      const scenario = parseScenario(f("2 * devices"));
      expect(onChainExpressibility(scenario.emission).expressible).to.be.false;
      expect(() => requireOnChainEmission(scenario.emission)).to.throw(
        /--mode evm cannot run this scenario: emission\.formula is a simulation-only emission formula/,
      );
      expect(() => runReplicate(scenario, supplyOf(scenario), 0, { series: false, mode: "evm" })).to.throw(
        /--mode evm cannot run this scenario/,
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emission-formula-evm-"));
      const file = path.join(dir, "s.json");
      fs.writeFileSync(file, JSON.stringify(f("2 * devices")));
      let ran = false;
      const runner = async () => {
        ran = true;
        throw new Error("the runner must not start");
      };
      let refused: unknown;
      await simulate({ scenario: file, mode: "evm", runner, out: dir }).catch((err: unknown) => (refused = err));
      expect(String(refused)).to.match(/--mode evm cannot run this scenario/);
      expect(ran).to.be.false;
      fs.rmSync(dir, { recursive: true, force: true });
      // a contract curve is expressible
      expect(onChainExpressibility(parseScenario(base).emission).expressible).to.be.true;
    });
  });

  it("exact mode: the formula floored to wei, Σ paid + dust = Σ device pool to the wei", function () {
    const input = {
      ...base,
      emission: { curve: "formula" as const, formula: "rate * devices + 0.123456789", parameters: { rate: 1.37 } },
    };
    const r = run(input, "exact");
    const check = r.exactCheck!;
    expect(check.conserved).to.be.true;
    expect(check.exactPaidWei + check.dustWei).to.equal(check.devicePoolWei);
    // the device pool is the work-pool split of ⌊emission · 1e18⌋ each epoch (splits: 70% rounded down)
    let pool = 0n;
    r.networkSeries.forEach((row, e) => {
      const minted = floorTokensToWei(1.37 * (e === 0 ? 0 : r.networkSeries[e - 1].devices) + 0.123456789);
      pool += (minted * 7000n) / 10_000n;
    });
    expect(check.devicePoolWei).to.equal(pool);
    expect(outputsOf(run(input, "exact"))).to.equal(outputsOf(r)); // deterministic
  });

  describe("the built-in examples", function () {
    it("filecoin-baseline: simple + baseline minting; below the baseline the baseline part slows", function () {
      const { scenario } = loadScenario(path.join(EXAMPLES, "filecoin-baseline.yaml"), { runs: 1, epochs: 60 });
      const r = runReplicate(scenario, supplyOf(scenario), 0, { series: true, mode: "fast" });
      const emission = r.networkSeries.map((row) => row.emission);
      // epoch 0: simple part only (no capacity yet); then the baseline part credits capped capacity
      const p = scenario.emission as { parameters: Record<string, number> };
      const { Ms, Mb, halfLifeEpochs: h } = p.parameters;
      expect(emission[0]).to.be.closeTo(Ms * (1 - 2 ** (-1 / h)), 1e-6);
      expect(emission[1]).to.be.greaterThan(emission[0] * 3);
      // the network starts above the baseline: θ(e) = e exactly (capacity of epochs < e), the full curve is minted
      const full = (e: number) => Ms * (1 - 2 ** (-(e + 1) / h)) + Mb * (1 - 2 ** (-e / h));
      for (const e of [1, 5, 20]) expect(r.networkSeries[e].cumulative).to.be.closeTo(full(e), 1e-6);
      // a baseline far above the network's capacity mints less than one the network exceeds
      const high = loadScenario(path.join(EXAMPLES, "filecoin-baseline.yaml"), {
        runs: 1,
        epochs: 60,
        "emission.parameters.b0": 1e6,
      }).scenario;
      const below = runReplicate(high, supplyOf(high), 0, { series: true, mode: "fast" });
      expect(below.metrics.emitted as number).to.be.lessThan(r.metrics.emitted as number);
    });

    it("geodnet-per-station loads and mints rate × stations", function () {
      const { scenario } = loadScenario(path.join(EXAMPLES, "geodnet-per-station.yaml"), { runs: 1, epochs: 20 });
      const r = runReplicate(scenario, supplyOf(scenario), 0, { series: true, mode: "fast" });
      for (let e = 1; e < 20; e++) {
        expect(r.networkSeries[e].emission).to.be.closeTo(5 * r.networkSeries[e - 1].devices, 1e-9);
      }
    });
  });
});
