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
  costUsd,
  roi,
  verdict,
  METRIC_RANGE,
  MIN_REPLICATES_FOR_INTERVAL,
  overallOutcome,
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
    it("gives the Student-t 95% interval of the mean for metrics of any sign", function () {
      const i = meanInterval([1, 2, 3]);
      expect(i.mean).to.equal(2);
      expect(i.sd).to.equal(1);
      expect(i.hi! - 2).to.be.closeTo(4.302652729 / Math.sqrt(3), 1e-8);
      expect(meanInterval([null, null]).mean).to.equal(null);
    });
    it("gives no interval below the minimum number of replicates", function () {
      expect(MIN_REPLICATES_FOR_INTERVAL).to.equal(3);
      expect(meanInterval([7])).to.include({ mean: 7, lo: null, hi: null, n: 1 });
      expect(meanInterval([0.001, 0.004], "unit")).to.include({ lo: null, hi: null, n: 2 });
    });
    it("keeps bounded metrics' intervals inside their range, asymmetric near the bound", function () {
      const leak = [0, 0.0001, 0.02];
      const t = meanInterval(leak, "real");
      expect(t.lo!).to.be.below(0); // the plain t-interval leaves [0, 1]
      const u = meanInterval(leak, "unit");
      expect(u.lo!).to.be.above(0);
      expect(u.hi!).to.be.below(1);
      expect(u.lo!).to.be.below(u.mean!);
      expect(u.hi!).to.be.above(u.mean!);
      expect(u.hi! - u.mean!).to.be.above(u.mean! - u.lo!);
      const high = meanInterval([0.97, 0.99, 0.999], "unit");
      expect(high.hi!).to.be.below(1);
      const ratio = meanInterval([0.01, 0.5, 3], "nonNegative");
      expect(ratio.lo!).to.be.above(0);
      expect(meanInterval([0, 0, 0], "unit")).to.include({ lo: 0, hi: 0 });
      for (const m of HEADLINE_METRICS) expect(["unit", "nonNegative", "real"]).to.include(METRIC_RANGE[m]);
      expect(METRIC_RANGE.leakage).to.equal("unit");
      expect(METRIC_RANGE.payEquityGini).to.equal("unit");
    });
    it("follows the one verdict rule: pass needs the whole interval, too few replicates is marginal", function () {
      const v = verdict({ metric: "leakage", comparator: "<=", threshold: 0.05 }, meanInterval([0.01, 0.02, 0.09]));
      expect(v).to.include({ outcome: "marginal", pass: false });
      const ok = verdict({ metric: "leakage", comparator: "<=", threshold: 0.05 }, meanInterval([0.01, 0.011, 0.012]));
      expect(ok).to.include({ outcome: "pass", pass: true });
      const b = verdict({ metric: "x", comparator: "between", threshold: [0.9, 1.1] }, meanInterval([1, 1]));
      expect(b).to.include({ outcome: "marginal", pass: false, value: 1 });
      const f = verdict({ metric: "x", comparator: ">=", threshold: 2 }, meanInterval([1]));
      expect(f.outcome).to.equal("fail");
      expect(verdict({ metric: "x", comparator: ">=", threshold: 1 }, undefined).outcome).to.equal("missing");
      expect(overallOutcome(["pass", "marginal"])).to.equal("marginal");
      expect(overallOutcome(["pass", "fail", "missing"])).to.equal("fail");
      expect(overallOutcome([])).to.equal("missing");
    });
  });

  describe("profit, ROI and payback", function () {
    it("match hand-computed cases", function () {
      const parts = {
        rewardUsd: 1000,
        revenueUsd: 200,
        kitUsd: 300,
        feesUsd: 50,
        opexUsd: 250,
        bondCapitalUsd: 100,
        bondGainUsd: -40,
        slashedUsd: 100,
        bondLostUsd: 60,
      };
      expect(profitUsd(parts)).to.equal(300);
      expect(costUsd(parts)).to.equal(700);
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
