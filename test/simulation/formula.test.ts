/**
 * mathjs scenario formulas: price and demand paths of the epoch `t` and named parameters, checked at load (unknown
 * symbols refused naming the field and the symbol), compiled once, deterministic.
 */
import { expect } from "chai";
import { runReplicate } from "../../simulation/engine";
import { compileFormula, FormulaError } from "../../simulation/formula";
import { parseScenario, type ScenarioInput } from "../../simulation/scenario";
import { problemsOf } from "./fixtures/problems";
import { supplyOf } from "../../simulation/supply";

const base: ScenarioInput = {
  epochs: 20,
  world: { width: 8, height: 8, cities: 2 },
  agents: [{ kind: "honest", count: 30 }],
};

function run(input: ScenarioInput) {
  const scenario = parseScenario(input);
  return runReplicate(scenario, supplyOf(scenario), 0, { series: true, mode: "fast" });
}

describe("simulation/formula: mathjs price and demand paths", function () {
  it("compiles a formula once and evaluates it per call with the parameters fixed", function () {
    const f = compileFormula("p0 * exp(-t / h) + max(0, sin(t))", "market.pricePath", ["t"], { p0: 2, h: 10 });
    expect(f({ t: 0 })).to.equal(2);
    expect(f({ t: 5 })).to.be.closeTo(2 * Math.exp(-0.5) + Math.max(0, Math.sin(5)), 1e-12);
    expect(() => compileFormula("log(t)", "demand.usdPerEpoch", ["t"], {})({ t: -1 })).to.throw(
      FormulaError,
      /demand.usdPerEpoch: "log\(t\)" is .* at t = -1; expected a finite number/,
    );
  });

  it("refuses unknown symbols, unknown functions and assignments at load, naming the field and the symbol", function () {
    expect(problemsOf({ market: { model: "exogenous", pricePath: "p0 * exp(-t / tau)", parameters: { p0: 1 } } }))
      .to.have.length(1)
      .and.satisfy((p: string[]) => p[0].startsWith('market.pricePath: unknown symbol "tau"; expected one of t, p0'));
    expect(problemsOf({ demand: { usdPerEpoch: "random() * 1000" } })[0]).to.match(
      /^demand\.usdPerEpoch: unknown function "random"/,
    );
    expect(problemsOf({ demand: { usdPerEpoch: "x = 5" } })[0]).to.match(
      /^demand\.usdPerEpoch: "x = 5": assignments are not allowed/,
    );
    expect(problemsOf({ demand: { usdPerEpoch: "1000 *" } })[0]).to.match(/^demand\.usdPerEpoch: cannot parse/);
    expect(problemsOf({ market: { model: "amm", pricePath: "1" } })).to.deep.equal([
      'market.pricePath: needs market.model "exogenous"',
    ]);
  });

  it("an exogenous price path sets the price each epoch; trades do not move it", function () {
    const r = run({
      ...base,
      market: { model: "exogenous", pricePath: "p0 * (1 + t / 10)", parameters: { p0: 2 } },
    });
    // the network row records the price at the end of epoch t, i.e. after the path moved to t + 1
    r.networkSeries.forEach((row, t) => expect(row.price).to.be.closeTo(2 * (1 + (t + 1) / 10), 1e-12));
  });

  it("a demand formula replaces the growth path, negative values count as 0, and runs stay deterministic", function () {
    const input: ScenarioInput = {
      ...base,
      demand: { usdPerEpoch: "a * (t - 5)", parameters: { a: 100 } },
    };
    const r = run(input);
    r.networkSeries.forEach((row, t) => expect(row.demandUsd).to.be.closeTo(Math.max(0, 100 * (t - 5)), 1e-9));
    expect(JSON.stringify(run(input))).to.equal(JSON.stringify(r));
    // more demand (a larger a) never lowers the work served
    const more = run({ ...input, demand: { usdPerEpoch: "a * (t - 5)", parameters: { a: 200 } } });
    const served = (x: typeof r) => x.networkSeries.reduce((s, row) => s + row.servedWork, 0);
    expect(served(more)).to.be.at.least(served(r));
  });
});
