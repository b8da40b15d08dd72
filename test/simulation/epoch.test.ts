import { expect } from "chai";
import {
  EPOCH_PHASES,
  runEpoch,
  type EpochFlow,
  type EpochMechanisms,
  type EpochPhase,
} from "../../simulation/model/epoch";

describe("the epoch table (simulation/model/epoch.ts)", () => {
  it("runs every phase once, in the table's order, on one flow that later phases see", () => {
    const calls: EpochPhase[] = [];
    const flows = new Set<EpochFlow>();
    const record =
      (phase: EpochPhase) =>
      (flow: EpochFlow): void => {
        calls.push(phase);
        flows.add(flow);
        if (phase === "emission") flow.emission = 10;
        if (phase === "pay") flow.paid = flow.emission / 2;
      };
    const mechanisms = Object.fromEntries(EPOCH_PHASES.map(({ phase }) => [phase, record(phase)])) as EpochMechanisms;
    const flow = runEpoch(mechanisms, 7);
    expect(calls).to.deep.equal(EPOCH_PHASES.map((p) => p.phase));
    expect(flows.size).to.equal(1);
    expect(flow.epoch).to.equal(7);
    expect(flow.paid).to.equal(5);
  });

  it("decides membership before work, pays after detection, and settles the economy after slashing", () => {
    const order = EPOCH_PHASES.map((p) => p.phase);
    const at = (p: EpochPhase) => order.indexOf(p);
    expect(at("levers")).to.be.lessThan(at("membership"));
    expect(at("membership")).to.be.lessThan(at("work"));
    expect(at("detection")).to.be.lessThan(at("pay"));
    expect(at("pay")).to.be.lessThan(at("slashing"));
    expect(at("slashing")).to.be.lessThan(at("economy"));
    expect(order[order.length - 1]).to.equal("record");
  });
});
