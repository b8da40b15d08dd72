import hre from "hardhat";
import { expect } from "chai";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { findSnapshotBlock } from "../../scripts/oracle/chain";

describe("oracle: findSnapshotBlock", function () {
  it("returns the last block before the epoch's end, whatever the block spacing", async function () {
    const start = (await time.latest()) + 10;
    const times = [start, start + 1, start + 50, start + 51, start + 300, start + 301, start + 900];
    const numbers: number[] = [];
    for (const t of times) {
      await time.setNextBlockTimestamp(t);
      await mine();
      numbers.push(await hre.ethers.provider.getBlockNumber());
    }
    for (const [end, expectedIndex] of [
      [start + 51, 2],
      [start + 52, 3],
      [start + 300, 3],
      [start + 301, 4],
      [start + 900, 5],
    ] as const) {
      const block = await findSnapshotBlock(hre.ethers.provider, BigInt(end));
      expect(block.number, `end ${end - start}`).to.equal(numbers[expectedIndex]);
      expect(block.timestamp).to.equal(times[expectedIndex]);
    }
  });

  it("refuses while the chain has not passed the epoch's end", async function () {
    const latest = await time.latest();
    await expect(findSnapshotBlock(hre.ethers.provider, BigInt(latest + 100))).to.be.rejectedWith(
      /has not passed the epoch's end/,
    );
  });
});
