/**
 * Scenario emission: dated segments (the controller's schedule switch) and the exponential curve given by its cap and
 * half-life, checked against protocol/emission.ts to the wei.
 */
import { expect } from "chai";
import {
  SERIES_RELATIVE_TOLERANCE,
  cumulative,
  exponentialFactorWad,
  exponentialInitialEmission,
  segmentedCumulative,
  segmentedEmission,
  type ScheduleSegment,
} from "../../protocol/emission";
import { WAD } from "../../protocol/math";
import { runReplicate } from "../../simulation/engine";
import { ledgerTermsOf } from "../../simulation/ledger/terms";
import { parseScenario, type ScenarioInput } from "../../simulation/scenario";
import { problemsOf } from "./fixtures/problems";
import { emissionSegmentsOf, tokensToWei } from "../../simulation/emissionSpec";
import { supplyOf } from "../../simulation/supply";

const TOKEN = 10n ** 18n;

/**
 * Helium's Solana-era rates in daily epochs: 15M HNT a year until the August 2023 halving, 7.5M a year after it, and
 * from the next halving on a step curve halving every two years (amounts scaled down 1000×).
 */
const heliumSolanaEra: ScenarioInput["emission"] = [
  { fromEpoch: 0, curve: "constant", initialEmission: "41.09589", cap: 5_000_000 },
  { fromEpoch: 120, curve: "constant", initialEmission: "20.547945", cap: 5_000_000 },
  {
    fromEpoch: 300,
    curve: "step",
    initialEmission: "10.2739725",
    factorWad: "500000000000000000",
    periodEpochs: 730,
    cap: 5_000_000,
  },
];

const segmentsByHand: ScheduleSegment[] = [
  {
    fromEpoch: 0n,
    schedule: { curve: "constant", initialEmission: 41_095_890n * 10n ** 12n, cap: 5_000_000n * TOKEN },
  },
  {
    fromEpoch: 120n,
    schedule: { curve: "constant", initialEmission: 20_547_945n * 10n ** 12n, cap: 5_000_000n * TOKEN },
  },
  {
    fromEpoch: 300n,
    schedule: {
      curve: "step",
      initialEmission: 10_273_972_500n * 10n ** 9n,
      factorWad: WAD / 2n,
      periodEpochs: 730n,
      cap: 5_000_000n * TOKEN,
    },
  },
];

describe("simulation/supply: dated emission segments and exponential by cap", function () {
  it("a 3-segment scenario emits the controller's segmented emission to the wei, and the float series follows it", function () {
    const scenario = parseScenario({ epochs: 1_500, emission: heliumSolanaEra });
    const { segments, tokenCap } = emissionSegmentsOf(scenario.emission);
    expect(segments).to.deep.equal(segmentsByHand);
    expect(tokenCap).to.equal(5_000_000n * TOKEN);
    const supply = supplyOf(scenario);
    let total = 0n;
    for (let e = 0; e < scenario.epochs; e++) {
      const exact = segmentedEmission(segmentsByHand, tokenCap, BigInt(e));
      expect(supply.emissionWei!(e)).to.equal(exact);
      total += exact;
      const tolerance = SERIES_RELATIVE_TOLERANCE * 41.09589 + 2e-18;
      expect(supply.emission[e]).to.be.closeTo(Number(exact) / 1e18, tolerance);
    }
    expect(total).to.equal(segmentedCumulative(segmentsByHand, tokenCap, BigInt(scenario.epochs - 1)));
    // the rate changes exactly at the dated epochs: 41.09589 → 20.547945 at 120, then 10.2739725 from 300
    expect(supply.emissionWei!(119)).to.equal(41_095_890n * 10n ** 12n);
    expect(supply.emissionWei!(120)).to.equal(20_547_945n * 10n ** 12n);
    expect(supply.emissionWei!(300)).to.equal(10_273_972_500n * 10n ** 9n);
    expect(supply.emissionWei!(1_030)).to.equal((10_273_972_500n * 10n ** 9n) / 2n);
  });

  it("the exact ledger mints the same segments after its genesis epoch and pays from them", function () {
    const scenario = parseScenario({
      epochs: 130,
      emission: heliumSolanaEra.slice(0, 2),
      agents: [{ kind: "honest", count: 20 }],
    });
    const terms = ledgerTermsOf(scenario);
    expect(terms.segments.map((s) => s.fromEpoch)).to.deep.equal([0n, 1n, 121n]);
    const supply = supplyOf(scenario);
    for (const e of [0, 119, 120, 129]) {
      expect(segmentedEmission(terms.segments, terms.tokenCap, BigInt(e + 1))).to.equal(supply.emissionWei!(e));
    }
    const result = runReplicate(scenario, supply, 0, { series: true, mode: "exact" });
    expect(result.networkSeries[119].emission).to.be.closeTo(41.09589, 1e-9);
    expect(result.networkSeries[120].emission).to.be.closeTo(20.547945, 1e-9);
  });

  it("the largest segment cap bounds the whole run", function () {
    const scenario = parseScenario({
      epochs: 20,
      emission: [
        { fromEpoch: 0, curve: "constant", initialEmission: 10, cap: 50 },
        { fromEpoch: 3, curve: "constant", initialEmission: 10, cap: 100 },
      ],
    });
    const supply = supplyOf(scenario);
    const wei = Array.from({ length: 20 }, (_, e) => supply.emissionWei!(e));
    expect(wei.slice(0, 10)).to.deep.equal(Array(10).fill(10n * TOKEN));
    expect(wei.slice(10).every((w) => w === 0n)).to.equal(true);
    expect(wei.reduce((a, b) => a + b, 0n)).to.equal(100n * TOKEN);
    expect(supply.cumulative[19]).to.be.closeTo(100, 1e-9);
  });

  it("refuses segments out of order, not starting at 0, past the run, or missing a curve's fields, by path", function () {
    expect(
      problemsOf({
        epochs: 100,
        emission: [
          { fromEpoch: 5, curve: "constant", initialEmission: 1, cap: 10 },
          { fromEpoch: 5, curve: "step", cap: 10 },
          { fromEpoch: 200, curve: "constant", initialEmission: 1, cap: 10 },
        ],
      }),
    ).to.include.members([
      "emission[0].fromEpoch: expected 0 for the first segment",
      "emission[1].fromEpoch: expected > 5 (segments in strictly increasing epoch order)",
      "emission[1].factorWad: required for the step curve",
      "emission[2].fromEpoch: expected < epochs (100)",
    ]);
    expect(problemsOf({ emission: [{ curve: "constant" }] })).to.deep.equal([
      "emission[0].fromEpoch: expected a non-negative integer",
    ]);
    expect(
      problemsOf({ emission: [{ fromEpoch: 0, curve: "constant", initialEmission: 10, cap: 100, decrement: 1 }] }),
    ).to.deep.equal(['emission[0].decrement: not used by the "constant" curve; omit it or set it to 0']);
    // the object form keeps its paths
    const objectForm = problemsOf({ emission: { curve: "step", cap: "x" } });
    expect(objectForm.some((p) => p.startsWith("emission.cap: "))).to.equal(true);
    expect(objectForm).to.include("emission.factorWad: required for the step curve");
    expect(problemsOf({ emission: 5 })).to.deep.equal([
      "emission: expected one schedule (an object) or a list of dated segments [{fromEpoch: 0, curve, …}, …]",
    ]);
  });

  it("leverChanges refuse `emission` and point to the list form", function () {
    const problems = problemsOf({
      epochs: 10,
      leverChanges: [{ epoch: 5, emission: { curve: "constant", initialEmission: 1 } }],
    });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^leverChanges\[0\]: emission cannot change in leverChanges/);
    expect(problems[0]).to.contain("list of dated segments");
  });

  it("derives an exponential curve's initial emission from cap and half-life: I = cap·(1 − f), total ≤ cap", function () {
    const cap = 330_000_000n * TOKEN;
    const f = exponentialFactorWad(2_190n);
    const derived = exponentialInitialEmission(cap, 2_190n);
    expect(derived).to.equal((cap * (WAD - f)) / WAD);
    const scenario = parseScenario({ emission: { curve: "exponential", cap: 330_000_000, halfLifeEpochs: 2_190 } });
    const { segments } = emissionSegmentsOf(scenario.emission);
    expect(segments[0].schedule.initialEmission).to.equal(derived);
    // ≈ 104,322 tokens a day; the curve approaches the cap and never passes it
    expect(Number(derived) / 1e18).to.be.closeTo(330e6 * (1 - Math.pow(2, -1 / 2190)), 1);
    const farFuture = cumulative(segments[0].schedule, 1_000_000n);
    expect(farFuture <= cap).to.equal(true);
    expect(Number(cap - farFuture) / Number(cap)).to.be.below(1e-6);
    // a given initialEmission still wins; other curves keep the 5000-token default
    const given = parseScenario({ emission: { curve: "exponential", initialEmission: 8000, halfLifeEpochs: 2_190 } });
    expect(emissionSegmentsOf(given.emission).segments[0].schedule.initialEmission).to.equal(tokensToWei(8000));
    const constant = parseScenario({ emission: { curve: "constant" } });
    expect(emissionSegmentsOf(constant.emission).segments[0].schedule.initialEmission).to.equal(5_000n * TOKEN);
    // a longer half-life gives a smaller first epoch for the same cap
    expect(exponentialInitialEmission(cap, 4_380n) < derived).to.equal(true);
  });

  it("refuses a cap too small to derive a positive initial emission, naming the field", function () {
    expect(
      problemsOf({ emission: { curve: "exponential", cap: "0.000000000000000001", halfLifeEpochs: 100 } }),
    ).to.deep.equal(["emission.cap: cap·(1 − f) rounds to 0 wei for halfLifeEpochs 100; raise the cap"]);
  });
});
