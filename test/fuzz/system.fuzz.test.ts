/**
 * Stateful model-based fuzzing of the whole system (test/fuzz/model.ts). `npm test` runs a seeded few hundred
 * sequences; `npm run fuzz` runs FUZZ_RUNS (default 10,000) with a random seed (printed; FUZZ_SEED replays one).
 * Planted bugs (test/fuzz/plantedBugs.ts) are swapped in one at a time and the fuzzer must find each: `npm test` plants
 * "slash-pays-less", `npm run fuzz` every one, FUZZ_PLANT=<name> one of them.
 */
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { commandSequences, fuzzSystem, initialModel } from "./model";
import { PLANTED_BUGS } from "./plantedBugs";
import { UNDER_COVERAGE } from "../fixtures/gasSnapshot";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED =
  process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261203;
const MAX_COMMANDS = Number(process.env.FUZZ_MAX_COMMANDS ?? 12);

async function realSystem() {
  return fuzzSystem();
}

describe("fuzz: registry, staking, controller and distributor against the protocol/ model", function () {
  this.timeout(0);

  it(`${RUNS} random command sequences keep every invariant and every prediction of the model`, async function () {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(commandSequences(MAX_COMMANDS), async (commands) => {
        const real = await loadFixture(realSystem);
        const model = await initialModel(real);
        await fc.asyncModelRun(() => ({ model, real }), commands);
      }),
      { numRuns: RUNS, seed: SEED, verbose: 1 },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `      ${RUNS} sequences (≤ ${MAX_COMMANDS} commands) in ${seconds.toFixed(1)} s, seed ${SEED ?? "random"}`,
    );
  });

  // npm test plants the bug the fuzzer finds within a few sequences; npm run fuzz plants every one.
  const plants = process.env.FUZZ_PLANT
    ? [process.env.FUZZ_PLANT]
    : process.env.FUZZ_RUNS
      ? Object.keys(PLANTED_BUGS)
      : ["slash-pays-less"];
  for (const name of plants) {
    it(`finds the planted bug "${name}": ${PLANTED_BUGS[name]?.what}`, async function () {
      if (UNDER_COVERAGE) this.skip(); // the mutant is compiled without instrumentation
      const planted = async () => fuzzSystem(name);
      const started = Date.now();
      const result = await fc.check(
        fc.asyncProperty(commandSequences(MAX_COMMANDS), async (commands) => {
          const real = await loadFixture(planted);
          const model = await initialModel(real);
          await fc.asyncModelRun(() => ({ model, real }), commands);
        }),
        { numRuns: Number(process.env.FUZZ_PLANT_RUNS ?? 300), seed: 7, endOnFailure: true },
      );
      const failure = result.failed ? result.errorInstance : undefined;
      console.log(
        `      caught after ${result.numRuns} sequence(s) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${String((failure as Error)?.message ?? "").split("\n")[0]}`,
      );
      expect(result.failed, `the fuzzer did not find the planted bug "${name}"`).to.equal(true);
    });
  }
});
