import { expect } from "chai";
import { GROUP_METRICS, METRICS, TERMS, metricInfo } from "../../simulation/report/glossary";
import { GROUP_GLOSSARY, HEADLINE_METRICS } from "../../simulation/measure/metrics";

describe("report glossary", function () {
  it("defines every headline and per-class metric the simulator writes, with a label and a unit", function () {
    for (const key of HEADLINE_METRICS) {
      expect(METRICS, key).to.have.property(key);
      const info = metricInfo(key);
      expect(info.label, key).to.not.equal(key);
      expect(info.unit, key).to.be.a("string").and.not.empty;
      expect(info.definition.length, key).to.be.greaterThan(20);
    }
    for (const key of Object.keys(GROUP_GLOSSARY)) {
      expect(GROUP_METRICS, key).to.have.property(key);
      expect(metricInfo(key).definition, key).to.equal(GROUP_GLOSSARY[key as keyof typeof GROUP_GLOSSARY]);
    }
  });

  it("explains the verdict words and the interval used in the verdict table", function () {
    const verdict = TERMS.find((t) => t.term === "Verdict")!.definition;
    for (const word of ["PASS", "MARGINAL", "FAIL", "MISSING"]) expect(verdict).to.contain(word);
    expect(TERMS.map((t) => t.term)).to.include("95% interval");
  });

  it("shows an unknown metric under its raw key instead of dropping it", function () {
    expect(metricInfo("someNewMetric")).to.deep.equal({
      label: "someNewMetric",
      unit: "",
      definition: '(no definition recorded for "someNewMetric")',
    });
  });
});
