import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import {
  builtInScenarios,
  loadScenario,
  parseScenario,
  scenarioJsonSchema,
  ScenarioError,
  setPath,
} from "../../simulation/scenario";
import { overrideProblems, problemsOf } from "./fixtures/problems";

const REQUIRED_LIBRARY = [
  "baseline",
  "sybil-swarm",
  "location-spoofing",
  "fake-work",
  "collusion-ring",
  "mercenary-capital",
  "bear-market",
  "helium-like",
  "filecoin-like",
  "gpu-compute",
];

describe("simulation/scenario", function () {
  it("accepts an empty file and fills every default", function () {
    const s = parseScenario({});
    expect(s.epochs).to.equal(365);
    expect(s.runs).to.equal(1);
    expect(s.agents).to.have.length(1);
    expect(s.agents[0].kind).to.equal("honest");
    expect(s.levers.densityScaling.resolutions.length).to.be.greaterThan(0);
    expect(s.verdicts.map((v) => v.metric)).to.include("leakage");
  });

  it("lists every problem by path before any run", function () {
    const problems = problemsOf({
      epochs: 0,
      splits: { workPoolBps: 9000 },
      agents: [
        { kind: "honest", count: 10 },
        { kind: "sybil", count: 5 },
        { kind: "honest", count: -3 },
        { kind: "wizard", count: 1 },
      ],
      levers: { minBond: -1, detection: { sybil: 2 } },
      emission: { curve: "step" },
      typo: 1,
    });
    expect(problems).to.include("agents[2].count: expected a non-negative integer");
    expect(problems).to.include("epochs: expected a positive integer");
    expect(problems.some((p) => p.startsWith("agents[3].kind"))).to.equal(true);
    expect(problems.some((p) => p.startsWith("levers.minBond"))).to.equal(true);
    expect(problems).to.include("levers.detection.sybil: expected a number between 0 and 1");
    expect(problems.some((p) => p.startsWith("splits") && p.includes("10000"))).to.equal(true);
    expect(problems.some((p) => p.includes("typo"))).to.equal(true);
  });

  it("checks cross-field rules: class names, curve parameters, unique agent names", function () {
    const problems = problemsOf({
      emission: { curve: "exponential" },
      agents: [
        { kind: "honest", count: 1, class: "gpu", name: "a" },
        { kind: "honest", count: 1, name: "a" },
      ],
    });
    expect(problems).to.include("emission.halfLifeEpochs: required for the exponential curve");
    expect(problems.some((p) => p.startsWith("agents[0].class: expected one of the classes"))).to.equal(true);
    expect(problems).to.include('agents[1].name: duplicate agent name "a"');
  });

  it("checks verdicts name a headline metric and a threshold of the right shape", function () {
    const typo = problemsOf({ verdicts: [{ metric: "leakgae", comparator: "<=", threshold: 0.05 }] });
    expect(typo.some((p) => p.startsWith("verdicts[0].metric: expected one of the headline metrics"))).to.equal(true);
    const shape = problemsOf({
      verdicts: [
        { metric: "leakage", comparator: "<=", threshold: 0.05 },
        { metric: "leakage", comparator: "between", threshold: 0.05 },
      ],
    });
    expect(shape).to.include("verdicts[1].threshold: expected [min, max] for 'between'");
  });

  it("reports the protocol's emission checks under emission.<field>", function () {
    const problems = problemsOf({ emission: { curve: "constant", initialEmission: 10, cap: 100, factorWad: "5" } });
    expect(
      problems.some((p) => p.startsWith("emission.factorWad:")),
      problems.join("; "),
    ).to.equal(true);
  });

  it("ships the whole built-in library, each file valid and documented", function () {
    expect(builtInScenarios()).to.include.members(REQUIRED_LIBRARY);
    for (const name of builtInScenarios()) {
      const { scenario, source } = loadScenario(name);
      expect(scenario.name, source).to.equal(name);
      expect(scenario.description, source).to.not.equal("");
      expect(fs.readFileSync(source, "utf8").startsWith("# "), `${source} starts with a comment`).to.equal(true);
    }
  });

  it("applies dotted overrides before validation", function () {
    const { scenario } = loadScenario("baseline", { "levers.minBond": 500, "agents[0].count": 10, epochs: 12 });
    expect(scenario.levers.minBond).to.equal(500);
    expect(scenario.agents[0].count).to.equal(10);
    expect(scenario.epochs).to.equal(12);
    expect(() => loadScenario("baseline", { "agents[0].count": -1 })).to.throw(ScenarioError, /agents\[0\]\.count/);
    const o: Record<string, unknown> = {};
    setPath(o, "a.b[0].c", 3);
    setPath(o, "a.b[1].c", 4);
    expect(o).to.deep.equal({ a: { b: [{ c: 3 }, { c: 4 }] } });
    expect(() => setPath(o, "a.b[3].c", 5)).to.throw(ScenarioError, /a\.b has 2 entries; an index may be at most 2/);
  });

  it("names world.kind and the kinds there are for an unknown world kind", function () {
    expect(() => parseScenario({ world: { kind: "hexagons" } })).to.throw(
      ScenarioError,
      /world\.kind: expected "h3" \(real H3 cells\) or no kind \(the synthetic hex grid\)/,
    );
  });

  it("blames the flag, not the file, for a bad overridden value or an unknown overridden field", function () {
    const problems = (overrides: Record<string, unknown>) => overrideProblems("baseline", overrides);
    expect(problems({ "levers.minBnd": 5 })).to.deep.equal(['--param levers.minBnd=5: levers has no field "minBnd"']);
    expect(problems({ "levers.minBond": "abc" })).to.deep.equal([
      "--param levers.minBond=abc: levers.minBond: expected a non-negative token amount (number or decimal string)",
    ]);
    expect(problems({ epochs: 0 })).to.include("--epochs 0: epochs: expected a positive integer");
    // the header blames the flags when every problem is theirs, the file when the file holds one
    const header = (overrides: Record<string, unknown>) => {
      try {
        loadScenario("baseline", overrides);
      } catch (err) {
        return (err as Error).message.split("\n")[0];
      }
      throw new Error("expected a ScenarioError");
    };
    expect(header({ "levers.minBnd": 5, "levers.minBond": "abc" })).to.equal(
      "the command-line overrides of simulation/scenarios/baseline.yaml: invalid scenario",
    );
    // epochs 0 also makes the file's start epochs wrong: the file is named
    expect(header({ epochs: 0 })).to.equal("simulation/scenarios/baseline.yaml: invalid scenario");
    // a problem the file holds keeps its own path, without a flag
    expect(problems({ "agents[0].count": -1, "levers.minBond": 5 })).to.deep.equal([
      "--param agents[0].count=-1: agents[0].count: expected a non-negative integer",
    ]);
  });

  it("keeps the committed JSON Schema in step with the zod schema", function () {
    const file = path.join(__dirname, "../../simulation/scenario.schema.json");
    const committed = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(committed).to.deep.equal(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });
});
