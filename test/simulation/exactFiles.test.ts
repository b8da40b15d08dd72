/**
 * Exactness in the written files: exact mode writes each epoch's pool, payout and dust in wei, summary.json records
 * the engine's conservation check, and Σ paid + dust = Σ device pool holds to the wei from the files alone.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { segmentedEmission, splitEmission } from "../../protocol/emission";
import { emissionSegmentsOf } from "../../simulation/emissionSpec";
import { runAll, summarise, writeRunOutputs } from "../../simulation/run";
import { parseScenario, type ScenarioInput } from "../../simulation/scenario";

const input: ScenarioInput = {
  name: "t-exact-files",
  epochs: 30,
  runs: 2,
  // an emission that does not divide evenly, dated segments, so rounding dust appears and changes rate mid-run
  emission: [
    { fromEpoch: 0, curve: "constant", initialEmission: "1000.000000000000000007", cap: 1_000_000 },
    { fromEpoch: 12, curve: "constant", initialEmission: "333.333333333333333333", cap: 1_000_000 },
  ],
  world: { width: 8, height: 8, cities: 2 },
  levers: { minBond: 10 },
  agents: [
    { name: "small", kind: "honest", count: 37, maxJoinPerEpoch: 3, startEpoch: 2 },
    { name: "swarm", kind: "sybil", count: 13, startEpoch: 5 },
  ],
};

type WrittenSummary = { exactChecks?: Array<Record<string, string | number | boolean>> };

function written(mode: "fast" | "exact"): { dir: string; rows: Record<string, string>[]; summary: WrittenSummary } {
  const scenario = parseScenario(input);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `depin-exact-${mode}-`));
  const results = runAll(scenario, mode);
  writeRunOutputs(dir, scenario, summarise(scenario, "test", results, mode, "test"), results);
  const rows = parse(fs.readFileSync(path.join(dir, "network.csv"), "utf8"), { columns: true }) as Record<
    string,
    string
  >[];
  return { dir, rows, summary: JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")) };
}

describe("simulation outputs: exactness in the files", function () {
  it("exact mode: Σ paidWei + final dustWei = Σ device pool to the wei, from network.csv and summary.json", function () {
    const { dir, rows, summary } = written("exact");
    try {
      const scenario = parseScenario(input);
      const { segments, tokenCap } = emissionSegmentsOf(scenario.emission);
      const splits = { devicePoolBps: 7_000n, treasuryBps: 2_000n, ecosystemBps: 1_000n };
      for (const run of [0, 1]) {
        const mine = rows.filter((r) => Number(r.run) === run);
        expect(mine).to.have.length(30);
        let paid = 0n;
        let pool = 0n;
        let dustBefore = 0n;
        for (const r of mine) {
          const funded = splitEmission(segmentedEmission(segments, tokenCap, BigInt(r.epoch)), splits).devicePool;
          pool += funded;
          // each epoch: workPool = funding + dust carried in; paid + dust carried out = workPool
          expect(BigInt(r.workPoolWei)).to.equal(funded + dustBefore);
          expect(BigInt(r.paidWei) + BigInt(r.dustWei)).to.equal(BigInt(r.workPoolWei));
          expect(Number(r.workPool)).to.be.closeTo(Number(r.workPoolWei) / 1e18, 1e-9);
          paid += BigInt(r.paidWei);
          dustBefore = BigInt(r.dustWei);
        }
        expect(paid + dustBefore).to.equal(pool);
        // the early epochs with nobody eligible carry the whole pool as dust
        expect(BigInt(mine[0].paidWei)).to.equal(0n);
        expect(BigInt(mine[1].workPoolWei)).to.equal(2n * BigInt(mine[0].workPoolWei));
        const check = summary.exactChecks![run];
        expect(check).to.include({ run, paidWei: paid.toString(), dustWei: dustBefore.toString(), conserved: true });
        expect(check.devicePoolWei).to.equal(pool.toString());
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fast mode: workPool includes the carried dust, no wei columns, no exact check", function () {
    const { dir, rows, summary } = written("fast");
    try {
      expect(Object.keys(rows[0])).to.not.include("paidWei");
      expect(summary.exactChecks).to.equal(undefined);
      for (const run of [0, 1]) {
        const mine = rows.filter((r) => Number(r.run) === run);
        for (let e = 0; e < mine.length; e++) {
          const carried = e === 0 ? 0 : Number(mine[e - 1].dust);
          expect(Number(mine[e].workPool)).to.be.closeTo(Number(mine[e].emission) * 0.7 + carried, 1e-9);
        }
        // nobody eligible in epoch 0: the whole pool carries, so epoch 1's pool is two epochs' worth
        expect(Number(mine[0].paid)).to.equal(0);
        expect(Number(mine[1].workPool)).to.be.closeTo(2 * 700, 1e-9);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
