/**
 * Seeded random operators against the EmissionController: time passes, anyone mints, governance switches schedules
 * and changes splits. After every step the global invariants are checked against the TypeScript model.
 */
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  type ScheduleSegment,
  epochAt,
  segmentedCumulative,
  segmentedEmission,
  splitEmission,
} from "../../protocol/emission";
import { BPS } from "../../protocol/math";
import { anySchedule } from "../protocol/scheduleArbitraries";
import { DAY, deployConfiguredControllerFixture, deploySchedule } from "./fixtures";

type Step =
  | { kind: "wait"; days: bigint }
  | { kind: "mint" }
  | { kind: "switch"; delayEpochs: bigint; scheduleIndex: number }
  | { kind: "splits"; devicePoolBps: bigint; ecosystemBps: bigint };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("wait" as const), days: fc.bigInt({ min: 0n, max: 40n }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("mint" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("switch" as const),
      delayEpochs: fc.bigInt({ min: 0n, max: 30n }),
      scheduleIndex: fc.nat({ max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("splits" as const),
      devicePoolBps: fc.bigInt({ min: 0n, max: 9_000n }),
      ecosystemBps: fc.bigInt({ min: 0n, max: 1_000n }),
    }),
  },
);

describe("EmissionController invariants under random operation (seeded)", function () {
  it("supply = Σ minted = cumulative(last minted) ≤ cap; minted epochs never change; parts sum to emission", async function () {
    const tally = { steps: 0, mints: 0, mintsOnSwitchedSchedule: 0, switches: 0, splitChanges: 0, earlyMints: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(anySchedule, { minLength: 3, maxLength: 3 }),
        fc.array(step, { minLength: 10, maxLength: 25 }),
        async (candidates, steps) => {
          const { controller, token, scheduleParams, genesis, tokenCap, distributor, treasury, ecosystem } =
            await loadFixture(deployConfiguredControllerFixture);
          const segments: ScheduleSegment[] = [{ fromEpoch: 0n, schedule: scheduleParams }];
          const deployedCandidates = await Promise.all(candidates.map((c) => deploySchedule(c)));
          const mintedAmounts: bigint[] = [];
          let splits = { devicePoolBps: 7_000n, treasuryBps: 2_000n, ecosystemBps: 1_000n };
          let paidToRecipients = { devicePool: 0n, treasury: 0n, ecosystem: 0n };
          await time.increaseTo(genesis);

          for (const s of steps) {
            tally.steps++;
            const now = BigInt(await time.latest());
            if (s.kind === "wait") {
              await time.increase(s.days * DAY + 1n);
            } else if (s.kind === "mint") {
              const epoch = BigInt(mintedAmounts.length);
              // The mint transaction's block is one second later than `now`.
              if (genesis + epoch * DAY > now + 1n) {
                await expect(controller.mintEpoch(epoch)).to.be.revertedWithCustomError(
                  controller,
                  "ControllerEpochNotStarted",
                );
                tally.earlyMints++;
                continue;
              }
              const amount = segmentedEmission(segments, tokenCap, epoch);
              const parts = splitEmission(amount, splits);
              await expect(controller.mintEpoch(epoch))
                .to.emit(controller, "EpochMinted")
                .withArgs(epoch, amount, parts.devicePool, parts.treasury, parts.ecosystem);
              mintedAmounts.push(amount);
              tally.mints++;
              if (segments.length > 1 && epoch >= segments[1].fromEpoch) tally.mintsOnSwitchedSchedule++;
              paidToRecipients = {
                devicePool: paidToRecipients.devicePool + parts.devicePool,
                treasury: paidToRecipients.treasury + parts.treasury,
                ecosystem: paidToRecipients.ecosystem + parts.ecosystem,
              };
            } else if (s.kind === "switch") {
              const firstUnstarted = epochAt(genesis, DAY, now + 1n) + 1n;
              const last = segments[segments.length - 1].fromEpoch;
              const fromEpoch = (firstUnstarted > last + 1n ? firstUnstarted : last + 1n) + s.delayEpochs;
              const candidate = deployedCandidates[s.scheduleIndex];
              const lastAddress = (await controller.segmentAt((await controller.segmentCount()) - 1n)).schedule;
              if (lastAddress === (await candidate.getAddress())) continue;
              await controller.switchSchedule(await candidate.getAddress(), fromEpoch);
              segments.push({ fromEpoch, schedule: candidates[s.scheduleIndex] });
              tally.switches++;
            } else {
              const next = {
                devicePoolBps: s.devicePoolBps,
                treasuryBps: BPS - s.devicePoolBps - s.ecosystemBps,
                ecosystemBps: s.ecosystemBps,
              };
              if (next.devicePoolBps === splits.devicePoolBps && next.ecosystemBps === splits.ecosystemBps) continue;
              await controller.setSplits(next.devicePoolBps, next.treasuryBps, next.ecosystemBps);
              splits = next;
              tally.splitChanges++;
            }

            // Invariants after every step.
            const minted = BigInt(mintedAmounts.length);
            const supply = await token.totalSupply();
            const expectedSupply = minted === 0n ? 0n : segmentedCumulative(segments, tokenCap, minted - 1n);
            expect(await controller.mintedEpochs()).to.equal(minted);
            expect(supply).to.equal(mintedAmounts.reduce((a, b) => a + b, 0n));
            expect(supply).to.equal(expectedSupply);
            expect(supply <= tokenCap).to.equal(true);
            if (minted > 0n) expect(await controller.cumulative(minted - 1n)).to.equal(supply);
            // Already minted epochs keep their emission after any switch (check the first and the last).
            for (const epoch of minted === 0n ? [] : [0n, minted - 1n]) {
              expect(await controller.emission(epoch)).to.equal(mintedAmounts[Number(epoch)]);
            }
            expect(await token.balanceOf(await distributor.getAddress())).to.equal(paidToRecipients.devicePool);
            expect(await token.balanceOf(treasury.address)).to.equal(paidToRecipients.treasury);
            expect(await token.balanceOf(ecosystem.address)).to.equal(paidToRecipients.ecosystem);
          }
        },
      ),
      { numRuns: 12, seed: 2026 },
    );
    console.log(`      random operation: ${JSON.stringify(tally)}`);
    expect(tally.mintsOnSwitchedSchedule, "some mints must use a switched-in schedule").to.be.above(0);
  });
});
