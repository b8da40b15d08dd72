import { expect } from "chai";
import { drawExtraStake, runReplicate, type GroupRow, type RunResult } from "../../simulation/engine";
import { Rng } from "../../simulation/random";
import { loadScenario } from "../../simulation/scenario";
import { supplyOf } from "../../simulation/supply";
import { overrideProblems } from "./fixtures/problems";

const FIXED_PRICE = { "market.model": "exogenous", "market.drift": 0, "market.volatility": 0 };
/** Baseline's two honest groups with no joins and no churn: the same devices in every run. */
const FIXED_FLEET = {
  ...FIXED_PRICE,
  "agents[0].maxJoinPerEpoch": 0,
  "agents[0].churnPerEpoch": 0,
  "agents[1].maxJoinPerEpoch": 0,
  "agents[1].churnPerEpoch": 0,
};
/** The fleet group as one whale operator with 20,000 tokens on each of its 200 devices. */
const WHALE = {
  "agents[1].devicesPerOperator": 200,
  "agents[1].stake": { kind: "list", tokens: [20_000] },
  "levers.stakeFactor.enabled": true,
  "levers.stakeFactor.referenceStake": 1_000,
};

function run(overrides: Record<string, unknown>, mode: "fast" | "exact" = "fast"): RunResult {
  const scenario = loadScenario("baseline", overrides).scenario;
  return runReplicate(scenario, supplyOf(scenario), 0, { series: false, mode });
}

function group(r: RunResult, agent: string): GroupRow {
  const row = r.groups.find((c) => c.agent === agent);
  if (row === undefined) throw new Error(`no group ${agent}`);
  return row;
}

function problems(overrides: Record<string, unknown>): string[] {
  return overrideProblems("baseline", overrides);
}

describe("simulation stake: per-operator stake, a whale, the stake factor's cap", function () {
  this.timeout(60_000);

  it("draws an operator's extra stake: fixed, listed (cycled over operators) or lognormal (median, max)", function () {
    const rng = new Rng(7);
    expect(drawExtraStake({ kind: "fixed", tokens: "12.5" }, 3, rng)).to.equal(12.5);
    const list = { kind: "list" as const, tokens: [10, "20", 30] };
    expect([0, 1, 2, 3, 4].map((k) => drawExtraStake(list, k, rng))).to.deep.equal([10, 20, 30, 10, 20]);
    const draws = Array.from({ length: 4001 }, (_, k) =>
      drawExtraStake({ kind: "lognormal", median: 100, sigma: 1 }, k, rng),
    ).sort((a, b) => a - b);
    expect(draws[2000]).to.be.within(93, 107);
    expect(draws[0]).to.be.greaterThan(0);
    const capped = Array.from({ length: 500 }, (_, k) =>
      drawExtraStake({ kind: "lognormal", median: 100, sigma: 2, max: 300 }, k, rng),
    );
    expect(Math.max(...capped)).to.equal(300);
    // the micro-token grain of the ledgers
    for (const x of capped) expect(Math.abs(Math.round(x * 1e6) - x * 1e6)).to.be.below(1e-6);
  });

  it("charges the cost of capital on the whole stake and changes nothing else while the stake factor is off", function () {
    const plain = run(FIXED_FLEET);
    const staked = run({ ...FIXED_FLEET, "agents[0].stake": { kind: "fixed", tokens: 50 } });
    const [p, s] = [group(plain, "honest-small"), group(staked, "honest-small")];
    // bond 50 + extra 50: twice the capital, the same devices and the same pay
    expect(s.bondCapitalUsd).to.be.closeTo(2 * p.bondCapitalUsd, 1e-9 * p.bondCapitalUsd);
    expect(s.rewardTokens).to.equal(p.rewardTokens);
    expect(s.deviceEpochs).to.equal(p.deviceEpochs);
    expect(group(staked, "honest-fleet").bondCapitalUsd).to.equal(group(plain, "honest-fleet").bondCapitalUsd);
    expect(staked.metrics.honestRoi).to.be.lessThan(plain.metrics.honestRoi as number);
  });

  it("a uniform stake factor leaves every share as it was: only unequal stakes move pay", function () {
    const off = run({ ...FIXED_FLEET, "levers.stakeFactor.enabled": false });
    const uniform = run({ ...FIXED_FLEET, "levers.stakeFactor.enabled": true, "levers.stakeFactor.cap": null });
    for (const agent of ["honest-small", "honest-fleet"]) {
      const [a, b] = [group(off, agent), group(uniform, agent)];
      expect(b.rewardTokens, agent).to.be.closeTo(a.rewardTokens, 1e-9 * a.rewardTokens);
    }
    expect(uniform.metrics.payEquityGini).to.be.closeTo(off.metrics.payEquityGini as number, 1e-9);
  });

  it("the whale's share of the pool grows with the cap and most without one; pay equity worsens", function () {
    const shares: number[] = [];
    const ginis: number[] = [];
    for (const cap of [1_000, 10_000, null]) {
      const r = run({ ...FIXED_FLEET, ...WHALE, "levers.stakeFactor.cap": cap });
      shares.push(group(r, "honest-fleet").rewardShare as number);
      ginis.push(r.metrics.payEquityGini as number);
    }
    // the fleet's 200 devices do 1.2× the work of 800 small ones: 23% of the work. Boost at the reference stake
    // (capped) 1.5×, at 10,000 tokens 6×, uncapped 1 + 0.5 × 20,050/1,000 ≈ 11×.
    expect(shares[0]).to.be.within(0.28, 0.34);
    expect(shares[1]).to.be.within(0.6, 0.7);
    expect(shares[2]).to.be.within(0.73, 0.8);
    expect(ginis[1]).to.be.greaterThan(ginis[0]);
    expect(ginis[2]).to.be.greaterThan(ginis[1]);
  });

  it("exact mode stakes each operator's draw in wei and conserves the pool to the wei", function () {
    const r = run(
      {
        ...WHALE,
        epochs: 40,
        // the exact ledger's owners buy their stake from the market account's genesis float: small amounts
        "agents[0].stake": { kind: "lognormal", median: 2, sigma: 1.5, max: 40 },
        "agents[1].stake": { kind: "list", tokens: [10] },
        "levers.stakeFactor.cap": null,
      },
      "exact",
    );
    const check = r.exactCheck;
    expect(check?.conserved).to.equal(true);
    expect(check?.exactPaidWei).to.equal((check?.devicePoolWei ?? 0n) - (check?.dustWei ?? 0n));
    // the exact ledger's rewards follow the stakes it holds: the fast kernel on the same inputs agrees
    expect(check?.maxEpochDiffWei).to.be.at.most((check?.maxDevices ?? 0) + 1e-9 * 5_000 * 0.7 * 1e18);
  });

  it("refuses a bad stake or cap naming the field", function () {
    expect(problems({ "agents[0].stake": { kind: "normal", median: 1 } })[0]).to.match(
      /agents\[0\]\.stake\.kind: .*fixed, lognormal or list/,
    );
    expect(problems({ "agents[0].stake": { kind: "lognormal", median: 100, sigma: -1 } })[0]).to.match(
      /: agents\[0\]\.stake\.sigma: expected a non-negative number/,
    );
    expect(problems({ "agents[1].stake": { kind: "list", tokens: [] } })[0]).to.match(/: agents\[1\]\.stake\.tokens/);
    expect(problems({ "levers.stakeFactor.cap": 0 })[0]).to.match(
      /: levers\.stakeFactor\.cap: expected a positive token amount, or null for uncapped/,
    );
  });
});
