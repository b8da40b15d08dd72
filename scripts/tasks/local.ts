/**
 * Local-network tasks: `fund` (tokens for bonds) and `time:advance` (move the chain's clock). They only run on
 * `hardhat` and `localhost`, where the accounts are Hardhat's well-known development keys and the clock may be moved;
 * on any other network they refuse before sending anything. No compiled artifacts are imported at module top level.
 */
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { formatUnits } from "ethers";
import { loadSystem } from "../deploy/manifest";
import { durationText, utcText } from "../lib/chainTime";
import {
  ArgumentError,
  ensureCompiled,
  isLocalNetwork,
  parseAddress,
  parseEpoch,
  parseTokenAmount,
  refuse,
  resolveSigner,
  runTask,
} from "../lib/taskArgs";

function requireLocal(hre: HardhatRuntimeEnvironment, name: string): void {
  if (!isLocalNetwork(hre)) {
    refuse(name, `only for local networks (hardhat, localhost); network ${hre.network.name} is not one`);
  }
}

async function latestTimestamp(hre: HardhatRuntimeEnvironment): Promise<bigint> {
  const block = await hre.ethers.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

/** Mints every epoch that has started and is not minted yet; returns how many were minted. */
async function mintStartedEpochs(
  hre: HardhatRuntimeEnvironment,
  controller: Awaited<ReturnType<typeof loadSystem>>["controller"],
): Promise<number> {
  const now = await latestTimestamp(hre);
  let minted = 0;
  for (let next = await controller.mintedEpochs(); (await controller.epochStart(next)) <= now; next++) {
    await (await controller.mintEpoch(next)).wait();
    minted++;
  }
  return minted;
}

task("fund", "Local networks only: sends tokens from the treasury account to an account (e.g. for bonds)")
  .addParam("to", "Receiver: an address or an index of the network's accounts")
  .addParam("amount", "Tokens to send, in whole tokens with up to 18 decimals (e.g. 100 or 0.5)")
  .addOptionalParam("manifestDir", "Folder of the deployment manifest (default deployments/)")
  .setAction(async (args: { to: string; amount: string; manifestDir?: string }, hre) =>
    runTask("fund", async () => {
      requireLocal(hre, "fund");
      const amount = parseTokenAmount(args.amount);
      const to = /^\d{1,4}$/.test(args.to.trim())
        ? await (await resolveSigner(hre, args.to, "to")).getAddress()
        : parseAddress(args.to, "to");
      await ensureCompiled(hre);
      const system = await loadSystem(hre, { dir: args.manifestDir });
      const treasuryAddress = await system.controller.treasury();
      const treasury = await resolveSigner(hre, treasuryAddress, "to").catch(() => {
        throw new ArgumentError(
          "to",
          `the treasury ${treasuryAddress} is not one of this network's accounts, so its tokens cannot be sent here`,
        );
      });
      // The treasury receives its split of every minted epoch: mint what has started before giving up.
      let balance = await system.token.balanceOf(treasuryAddress);
      if (balance < amount) {
        const minted = await mintStartedEpochs(hre, system.controller);
        if (minted > 0) console.log(`minted ${minted} started epoch(s) to fill the treasury`);
        balance = await system.token.balanceOf(treasuryAddress);
      }
      if (balance < amount) {
        const next = await system.controller.mintedEpochs();
        const nextStart = await system.controller.epochStart(next);
        refuse(
          "fund",
          `--amount: the treasury holds ${formatUnits(balance, 18)} tokens, less than ${formatUnits(amount, 18)}; ` +
            `it receives its split of each epoch: epoch ${next} starts at ${utcText(nextStart)}; move the clock with ` +
            `\`npx hardhat time:advance --epoch <later epoch> --network ${hre.network.name}\` and fund again`,
        );
      }
      const tx = await system.token.connect(treasury).transfer(to, amount);
      await tx.wait();
      console.log(
        `sent ${formatUnits(amount, 18)} tokens from the treasury ${treasuryAddress} to ${to}; ` +
          `it now holds ${formatUnits(await system.token.balanceOf(to), 18)}; tx ${tx.hash}`,
      );
      return to;
    }),
  );

task("time:advance", "Local networks only: moves the chain's clock forward and mines a block there")
  .addOptionalParam("epoch", "Move to the start of this epoch (the end of the one before)")
  .addOptionalParam("to", "Move to this unix time (seconds)")
  .addOptionalParam("seconds", "Move forward by this many seconds")
  .addOptionalParam("manifestDir", "Folder of the deployment manifest (default deployments/), for --epoch")
  .setAction(async (args: { epoch?: string; to?: string; seconds?: string; manifestDir?: string }, hre) =>
    runTask("time:advance", async () => {
      requireLocal(hre, "time:advance");
      const given = (["epoch", "to", "seconds"] as const).filter((k) => args[k] !== undefined);
      if (given.length !== 1) {
        throw new ArgumentError("epoch", `give exactly one of --epoch, --to or --seconds (got ${given.length})`);
      }
      const now = await latestTimestamp(hre);
      let target: bigint;
      if (args.epoch !== undefined) {
        const epoch = parseEpoch(args.epoch);
        await ensureCompiled(hre);
        const { controller } = await loadSystem(hre, { dir: args.manifestDir });
        target = await controller.epochStart(epoch);
      } else {
        const field = args.to !== undefined ? "to" : "seconds";
        const text = String(args.to ?? args.seconds).trim();
        if (!/^\d{1,15}$/.test(text))
          throw new ArgumentError(field, `expected a whole number of seconds, got "${text}"`);
        target = field === "to" ? BigInt(text) : now + BigInt(text);
      }
      if (target <= now) {
        console.log(`the latest block (${utcText(now)}) is already at or past ${utcText(target)}; nothing to do`);
        return now;
      }
      await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(target)]);
      await hre.network.provider.send("evm_mine", []);
      console.log(`moved the clock ${durationText(target - now)} forward, to ${utcText(target)} (unix ${target})`);
      return target;
    }),
  );
