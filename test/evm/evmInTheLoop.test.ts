/**
 * EVM in the loop: built-in scenarios at a small size played as real transactions against the Ignition-deployed
 * system on the in-process network, equal to the exact model to the wei after every epoch (the run throws at the
 * first difference), with the same results as exact mode; and a planted divergence — a contract parameter that
 * differs from the scenario — reported at the epoch where it first shows.
 */
import { expect } from "chai";
import hre from "hardhat";
import { runReplicate, type RunResult } from "../../simulation/engine";
import { loadScenario, type Scenario } from "../../simulation/scenario";
import { supplyOf } from "../../simulation/supply";
import { DivergenceError } from "../../scripts/evm/divergence";
import { runScenarioOnEvm } from "../../scripts/evm/run";

/** A built-in scenario cut down to a few devices and epochs. */
function small(name: string, overrides: Record<string, unknown>): Scenario {
  return loadScenario(name, { runs: 1, ...overrides }).scenario;
}

function exactResult(scenario: Scenario): RunResult {
  return runReplicate(scenario, supplyOf(scenario), 0, { series: true, mode: "exact" });
}

/** The results an EVM run and an exact run must share (everything but the mode's own bookkeeping). */
function comparable(result: RunResult): unknown {
  return JSON.parse(JSON.stringify({ ...result, exactCheck: undefined }));
}

describe("EVM in the loop (in-process network)", function () {
  this.timeout(300_000);

  it("fake-work at a small size: registrations, bonds, mints, posts, claims, suspensions and slashes equal exact mode to the wei", async function () {
    const scenario = small("fake-work", {
      epochs: 8,
      "agents.0.count": 12,
      "agents.1.count": 0,
      "agents.2.count": 6,
      "chain.claimEveryEpochs": 2,
    });
    const out = await runScenarioOnEvm(hre, scenario);
    expect(out.record.epochsChecked).to.equal(scenario.epochs);
    const ops = out.record.operations;
    for (const kind of ["register", "stake", "mint", "post", "claim", "suspend", "slash"]) {
      expect(ops[kind] ?? 0, `${kind} transactions`).to.be.greaterThan(0);
    }
    expect(comparable(out.results[0])).to.deep.equal(comparable(exactResult(scenario)));
  });

  it("location-spoofing at a small size: moves (device-signed) and leaves equal exact mode to the wei", async function () {
    const scenario = small("location-spoofing", {
      epochs: 8,
      "agents.0.count": 10,
      "agents.1.count": 0,
      "agents.2.count": 4,
      "agents.2.maxDevices": 12,
    });
    const out = await runScenarioOnEvm(hre, scenario);
    expect(out.record.epochsChecked).to.equal(scenario.epochs);
    expect(out.record.operations.move ?? 0, "move transactions").to.be.greaterThan(0);
    expect(comparable(out.results[0])).to.deep.equal(comparable(exactResult(scenario)));
  });

  it("a planted divergence (slashed bonds to the treasury on chain, burned in the scenario) stops the run at the first slash's epoch", async function () {
    const scenario = small("fake-work", { epochs: 8, "agents.0.count": 8, "agents.1.count": 0, "agents.2.count": 6 });
    const slashed = exactResult(scenario).groupSeries.filter((row) => row.slashedTokens > 0);
    expect(slashed.length, "the scenario slashes within its epochs").to.be.greaterThan(0);
    const firstSlash = Math.min(...slashed.map((row) => row.epoch));
    let error: unknown;
    try {
      await runScenarioOnEvm(hre, scenario, {
        adjust: (parameters) => {
          parameters.staking.slashToTreasury = true;
        },
      });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(DivergenceError);
    const divergence = error as DivergenceError;
    expect(divergence.epoch).to.equal(firstSlash);
    expect(divergence.quantity).to.equal("total burned");
    expect((divergence.chainValue as bigint) < (divergence.exactValue as bigint)).to.equal(true);
  });
});
