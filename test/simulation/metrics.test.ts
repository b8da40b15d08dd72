import { expect } from "chai";
import {
  captureRatio,
  gini,
  GLOSSARY,
  HEADLINE_METRICS,
  leakage,
  lorenz,
  meanInterval,
  nakamoto,
  paybackEpochs,
  profitUsd,
  roi,
  verdict,
} from "../../simulation/measure/metrics";

describe("simulation/metrics", function () {
  describe("gini", function () {
    it("is 0 for equal values and (n−1)/n when one holds everything", function () {
      expect(gini([5, 5, 5, 5])).to.equal(0);
      expect(gini([0, 0, 0, 1])).to.be.closeTo(0.75, 1e-12);
    });
    it("matches hand-computed vectors", function () {
      // mean |xi − xj| over all ordered pairs of [1,2,3,4] = 20/16 = 1.25; / (2·2.5) = 0.25
      expect(gini([4, 1, 3, 2])).to.be.closeTo(0.25, 1e-12);
      // [1, 3]: mean abs diff = 2·2/4 = 1; /(2·2) = 0.25
      expect(gini([1, 3])).to.be.closeTo(0.25, 1e-12);
    });
    it("is null when there is nothing to share and refuses negatives", function () {
      expect(gini([])).to.equal(null);
      expect(gini([0, 0])).to.equal(null);
      expect(() => gini([1, -1])).to.throw(/non-negative/);
    });
  });

  describe("nakamoto", function () {
    it("counts the fewest holders above one half", function () {
      expect(nakamoto([10, 10, 10, 70])).to.equal(1);
      expect(nakamoto([30, 30, 40])).to.equal(2);
      expect(nakamoto([25, 25, 25, 25])).to.equal(3); // 50 is not more than half
      expect(nakamoto([1])).to.equal(1);
      expect(nakamoto([0, 0])).to.equal(null);
    });
  });

  describe("leakage", function () {
    it("is the reward share paid for fake work when the fake devices are known", function () {
      // devices 0,1 honest; device 2 entirely fake; device 3 reports 4× its real work (75% fake)
      const rewards = [10, 10, 20, 40];
      const fakeShare = [0, 0, 1, 0.75];
      expect(leakage(rewards, fakeShare)).to.be.closeTo((20 + 30) / 80, 1e-12);
      expect(leakage([0, 0], [1, 1])).to.equal(null);
    });
  });

  describe("captureRatio", function () {
    it("is reward share ÷ real-work share; null without real work", function () {
      expect(captureRatio(30, 100, 60, 100)).to.be.closeTo(0.5, 1e-12);
      expect(captureRatio(50, 100, 50, 100)).to.equal(1);
      expect(captureRatio(10, 100, 0, 100)).to.equal(null);
    });
  });

  describe("lorenz", function () {
    it("runs from (0,0) to (1,1) and its area gives the Gini", function () {
      const values = [1, 2, 3, 4, 10];
      const curve = lorenz(values, 1000);
      expect(curve[0]).to.deep.equal([0, 0]);
      expect(curve[1000][0]).to.equal(1);
      expect(curve[1000][1]).to.be.closeTo(1, 1e-12);
      let area = 0;
      for (let i = 1; i < curve.length; i++)
        area += ((curve[i][1] + curve[i - 1][1]) / 2) * (curve[i][0] - curve[i - 1][0]);
      expect(1 - 2 * area).to.be.closeTo(gini(values) as number, 1e-3);
    });
  });

  describe("meanInterval and verdicts", function () {
    it("gives the Student-t 95% interval of the mean", function () {
      const i = meanInterval([1, 2, 3]);
      expect(i.mean).to.equal(2);
      expect(i.sd).to.equal(1);
      expect(i.hi! - 2).to.be.closeTo(4.303 / Math.sqrt(3), 1e-9);
      expect(meanInterval([7])).to.include({ mean: 7, lo: 7, hi: 7, n: 1 });
      expect(meanInterval([null, null]).mean).to.equal(null);
    });
    it("passes on the mean and is robust only when the whole interval passes", function () {
      const v = verdict({ metric: "leakage", comparator: "<=", threshold: 0.05 }, meanInterval([0.01, 0.02, 0.09]));
      expect(v.pass).to.equal(true);
      expect(v.robust).to.equal(false);
      const b = verdict({ metric: "x", comparator: "between", threshold: [0.9, 1.1] }, meanInterval([1, 1]));
      expect(b).to.include({ pass: true, robust: true, value: 1 });
      expect(verdict({ metric: "x", comparator: ">=", threshold: 1 }, undefined).pass).to.equal(false);
    });
  });

  describe("profit, ROI and payback", function () {
    it("match hand-computed cases", function () {
      expect(profitUsd(1000, 200, 700, 100)).to.equal(400);
      expect(roi(400, 800)).to.equal(0.5);
      expect(roi(10, 0)).to.equal(null);
      expect(paybackEpochs(400, 2)).to.equal(200);
      expect(paybackEpochs(400, 0)).to.equal(null);
      expect(paybackEpochs(400, -1)).to.equal(null);
    });
  });

  it("has a glossary entry for every headline metric", function () {
    for (const k of HEADLINE_METRICS) expect(GLOSSARY[k].definition).to.be.a("string").and.not.equal("");
  });
});
