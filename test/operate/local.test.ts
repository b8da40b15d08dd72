/**
 * Local-network tasks (`fund`, `time:advance`) in-process on the Hardhat network, deployed through the `deploy` task,
 * and how a task refusal prints: one line, the stack only when asked for.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import hre from "hardhat";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { parseUnits } from "ethers";
import { loadSystem } from "../../scripts/deploy/manifest";
import { TaskRefusal } from "../../scripts/lib/refusal";
import { durationText, utcText, waitText } from "../../scripts/lib/chainTime";

const PARAMETERS = path.join(__dirname, "..", "..", "ignition", "parameters", "hardhat.json");

async function localFixture() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "local-tasks-"));
  const manifestDir = path.join(root, "deployments");
  await hre.run("deploy", { parameters: PARAMETERS, manifestDir, journal: path.join(root, "ignition"), quiet: true });
  const system = await loadSystem(hre, { dir: manifestDir });
  const operator = (await hre.ethers.getSigners())[9];
  return { manifestDir, system, operator };
}

async function latest(): Promise<bigint> {
  return BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
}

describe("local-network tasks", function () {
  describe("fund", function () {
    it("sends treasury tokens, minting the started epochs first when the treasury is short", async function () {
      const { manifestDir, system, operator } = await loadFixture(localFixture);
      expect(await system.controller.mintedEpochs()).to.equal(0n);
      await hre.run("fund", { to: operator.address, amount: "100", manifestDir });
      expect(await system.token.balanceOf(operator.address)).to.equal(parseUnits("100", 18));
      expect(await system.controller.mintedEpochs(), "epoch 0 was minted to fill the treasury").to.equal(1n);
      // by account index, from what the treasury still holds (150 − 100 of epoch 0's treasury split)
      await hre.run("fund", { to: "9", amount: "50", manifestDir });
      expect(await system.token.balanceOf(operator.address)).to.equal(parseUnits("150", 18));
    });

    it("refuses more than the treasury can get, a bad amount or receiver, and other networks; nothing is sent", async function () {
      const { manifestDir } = await loadFixture(localFixture);
      const refused = async (args: Record<string, string>, pattern: RegExp) => {
        const block = await hre.ethers.provider.getBlockNumber();
        await expect(hre.run("fund", { manifestDir, ...args })).to.be.rejectedWith(pattern);
        expect(await hre.ethers.provider.getBlockNumber(), "a transaction was sent").to.equal(block);
      };
      await refused({ to: "9", amount: "-1" }, /--amount: expected an amount of tokens/);
      await refused({ to: "0x12", amount: "1" }, /--to: expected an address/);
      await refused({ to: "99", amount: "1" }, /--to: account index 99 is out of range/);
      const name = hre.network.name;
      (hre.network as { name: string }).name = "sepolia";
      try {
        await refused(
          { to: "9", amount: "1" },
          /fund: only for local networks \(hardhat, localhost\); network sepolia/,
        );
      } finally {
        (hre.network as { name: string }).name = name;
      }
      // minting epoch 0 is allowed (a transaction), then the shortfall is refused with the way forward
      await expect(hre.run("fund", { manifestDir, to: "9", amount: "1000000" })).to.be.rejectedWith(
        /--amount: the treasury holds 150\.0 tokens, less than 1000000\.0; .*epoch 1 starts at .* UTC.*time:advance --epoch/,
      );
    });
  });

  describe("time:advance", function () {
    it("moves to the start of an epoch, by seconds, or to a unix time, and never backwards", async function () {
      const { manifestDir, system } = await loadFixture(localFixture);
      const start3 = await system.controller.epochStart(3);
      await hre.run("time:advance", { epoch: "3", manifestDir });
      expect(await latest()).to.equal(start3);
      await hre.run("time:advance", { seconds: "90" });
      expect(await latest()).to.equal(start3 + 90n);
      await hre.run("time:advance", { to: String(start3 + 1000n) });
      expect(await latest()).to.equal(start3 + 1000n);
      const block = await hre.ethers.provider.getBlockNumber();
      await hre.run("time:advance", { epoch: "1", manifestDir });
      expect(await hre.ethers.provider.getBlockNumber(), "moving backwards mined a block").to.equal(block);
    });

    it("refuses no option, two options, or a bad number", async function () {
      await expect(hre.run("time:advance", {})).to.be.rejectedWith(
        /give exactly one of --epoch, --to or --seconds \(got 0\)/,
      );
      await expect(hre.run("time:advance", { epoch: "1", seconds: "2" })).to.be.rejectedWith(/\(got 2\)/);
      await expect(hre.run("time:advance", { seconds: "1.5" })).to.be.rejectedWith(
        /--seconds: expected a whole number of seconds/,
      );
      await expect(hre.run("time:advance", { epoch: "x" })).to.be.rejectedWith(/--epoch: expected a non-negative/);
    });
  });

  describe("chain time in words", function () {
    it("says dates in UTC and durations in their two largest units", function () {
      expect(utcText(1796306554n)).to.equal("2026-12-03 14:02:34 UTC");
      expect(durationText(0)).to.equal("0 s");
      expect(durationText(59)).to.equal("59 s");
      expect(durationText(61)).to.equal("1 min 1 s");
      expect(durationText(3 * 3600 + 5 * 60 + 7)).to.equal("3 h 5 min");
      expect(durationText(2 * 86400 + 3600)).to.equal("2 d 1 h");
      expect(waitText("epoch 4 ends", 1000n, 940n, undefined)).to.equal(
        "epoch 4 ends at 1970-01-01 00:16:40 UTC (unix 1000), 1 min after the latest block (1970-01-01 00:15:40 UTC); try again then",
      );
      expect(waitText("epoch 4 ends", 1000n, 940n, "localhost")).to.match(
        /move the clock with `npx hardhat time:advance --to 1000 --network localhost`$/,
      );
    });
  });

  describe("task refusals", function () {
    it("print as one line: the error inspects as nothing unless --verbose or --show-stack-traces is given", function () {
      const refusal = new TaskRefusal("stake: --amount: expected an amount");
      expect(refusal.message).to.equal("stake: --amount: expected an amount");
      expect(inspect(refusal)).to.equal("");
      process.argv.push("--verbose");
      try {
        expect(inspect(refusal)).to.match(/stake: --amount: expected an amount\n\s+at /);
      } finally {
        process.argv.pop();
      }
    });
  });
});
