import { expect } from "chai";
import { compareVerdicts, judge, judgeAll, meets, overall, type Threshold } from "../../simulation/report/verdicts";

const leakage: Threshold = { metric: "leakage", label: "Leakage", op: "<=", value: 0.05, unit: "fraction" };
const nakamoto: Threshold = { metric: "rewardNakamoto", label: "Nakamoto", op: ">=", value: 10, unit: "count" };
const capture: Threshold = {
  metric: "honestCaptureRatio",
  label: "Capture",
  op: "between",
  value: 0.9,
  max: 1.1,
  unit: "ratio",
};

describe("report verdicts", function () {
  describe("#meets", function () {
    it("treats <= and >= as inclusive and < and > as strict", function () {
      expect(meets(leakage, 0.05)).to.equal(true);
      expect(meets({ ...leakage, op: "<" }, 0.05)).to.equal(false);
      expect(meets(nakamoto, 10)).to.equal(true);
      expect(meets({ ...nakamoto, op: ">" }, 10)).to.equal(false);
    });
    it("reads between as a closed band", function () {
      expect(meets(capture, 0.9)).to.equal(true);
      expect(meets(capture, 1.1)).to.equal(true);
      expect(meets(capture, 1.11)).to.equal(false);
      expect(meets(capture, 0.89)).to.equal(false);
    });
    it("fails if between has no max", function () {
      expect(() => meets({ ...capture, max: undefined }, 1)).to.throw(/honestCaptureRatio.*needs a max/);
    });
  });

  describe("#judge", function () {
    it("passes when the whole interval meets the threshold", function () {
      expect(judge(leakage, { mean: 0.03, lo: 0.02, hi: 0.04, n: 5 }).outcome).to.equal("pass");
      expect(judge(capture, { mean: 1, lo: 0.95, hi: 1.05, n: 5 }).outcome).to.equal("pass");
    });
    it("is marginal when the mean meets it but the interval crosses the limit", function () {
      expect(judge(leakage, { mean: 0.045, lo: 0.04, hi: 0.055, n: 5 }).outcome).to.equal("marginal");
      expect(judge(nakamoto, { mean: 11, lo: 9, hi: 13, n: 5 }).outcome).to.equal("marginal");
      expect(judge(capture, { mean: 1.08, lo: 1.05, hi: 1.12, n: 5 }).outcome).to.equal("marginal");
    });
    it("fails when the mean misses, whatever the interval", function () {
      expect(judge(leakage, { mean: 0.06, lo: 0.04, hi: 0.08, n: 5 }).outcome).to.equal("fail");
      expect(judge(capture, { mean: 0.5, lo: 0.4, hi: 0.6, n: 5 }).outcome).to.equal("fail");
    });
    it("is missing, never a pass, for an absent or NaN estimate", function () {
      expect(judge(leakage, undefined).outcome).to.equal("missing");
      expect(judge(leakage, { mean: NaN }).outcome).to.equal("missing");
    });
    it("never passes on the mean alone: too few replicates for an interval give marginal, and it says so", function () {
      const v = judge(leakage, { mean: 0.01, n: 1 });
      expect(v.outcome).to.equal("marginal");
      expect(v.pointOnly).to.equal(true);
      expect(judge(leakage, { mean: 0.1, n: 1 }).outcome).to.equal("fail");
      expect(judge(leakage, { mean: 0.01 }).pointOnly).to.equal(true);
      expect(judge(leakage, { mean: 0.01, lo: 0.005, hi: 0.015, n: 3 }).pointOnly).to.equal(false);
    });
    it("accepts an interval given in reverse order", function () {
      expect(judge(leakage, { mean: 0.03, lo: 0.04, hi: 0.02, n: 3 }).outcome).to.equal("pass");
    });
  });

  describe("#overall", function () {
    it("fails if any threshold fails, else reports missing, then marginal, then pass", function () {
      const pass = judge(leakage, { mean: 0.01, lo: 0, hi: 0.02 });
      const marginal = judge(leakage, { mean: 0.049, lo: 0.04, hi: 0.06 });
      const fail = judge(leakage, { mean: 0.1, lo: 0.09, hi: 0.11 });
      const missing = judge(leakage, undefined);
      expect(overall([pass, marginal, fail, missing])).to.equal("fail");
      expect(overall([pass, marginal, missing])).to.equal("missing");
      expect(overall([pass, marginal])).to.equal("marginal");
      expect(overall([pass, pass])).to.equal("pass");
      expect(overall([])).to.equal("missing");
    });
  });

  describe("#compareVerdicts", function () {
    it("pairs thresholds, computes the delta of the means and flags changed verdicts", function () {
      const est = (m: Record<string, number>) => (k: string) =>
        k in m ? { mean: m[k], lo: m[k], hi: m[k] } : undefined;
      const before = judgeAll([leakage, nakamoto], est({ leakage: 0.08, rewardNakamoto: 12 }));
      const after = judgeAll([leakage, nakamoto], est({ leakage: 0.02, rewardNakamoto: 12 }));
      const changes = compareVerdicts(before, after);
      expect(changes).to.have.length(2);
      expect(changes[0].changed).to.equal(true);
      expect(changes[0].before.outcome).to.equal("fail");
      expect(changes[0].after.outcome).to.equal("pass");
      expect(changes[0].delta).to.be.closeTo(-0.06, 1e-12);
      expect(changes[1].changed).to.equal(false);
      expect(changes[1].delta).to.equal(0);
    });
    it("judges a threshold present on one side only as missing on the other", function () {
      const before = judgeAll([leakage], () => ({ mean: 0.01, lo: 0.005, hi: 0.015 }));
      const after = judgeAll([nakamoto], () => ({ mean: 20, lo: 18, hi: 22 }));
      const changes = compareVerdicts(before, after);
      expect(changes.map((c) => [c.threshold.metric, c.before.outcome, c.after.outcome])).to.deep.equal([
        ["leakage", "pass", "missing"],
        ["rewardNakamoto", "missing", "pass"],
      ]);
      expect(changes.every((c) => c.changed && c.delta === undefined)).to.equal(true);
    });
  });
});
