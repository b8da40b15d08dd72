/**
 * Epoch tasks: `epoch:mint`, `epoch:post`, `epoch:verify`. The computation lives in scripts/oracle/; this file only
 * parses arguments, loads the deployed system and prints. No compiled artifacts are imported at module top level.
 */
import { loadSystem } from "../deploy/manifest";
import { postEpochRewards, verifyEpochRewards } from "../oracle/run";
import { DEFAULT_ORACLE_PARAMS_FILE, oracleParamsDigest, readOracleParams } from "../oracle/params";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ensureCompiled, parseEpoch, refuse, resolveSigner, runTask } from "../lib/taskArgs";

export const DEFAULT_OUT_DIR = "out/epochs";
const PARAMS_HELP = `Oracle parameters file (density table, location, stake factor, establishment; docs/oracle.md); default ${DEFAULT_ORACLE_PARAMS_FILE}`;

interface CommonArgs {
  epoch: string;
  outDir: string;
  params?: string;
  manifestDir?: string;
}

async function loadOracleSystem(hre: HardhatRuntimeEnvironment, manifestDir?: string) {
  await ensureCompiled(hre);
  return loadSystem(hre, { dir: manifestDir });
}

task("epoch:mint", "Mints an epoch's emission and funds its device pool (anyone may; in order, once the epoch started)")
  .addParam("epoch", "Epoch to mint (must be the next one: controller.mintedEpochs())", undefined, types.string)
  .addOptionalParam("from", "Sender: an address or index of the network's accounts (default: account 0)")
  .addOptionalParam("manifestDir", "Folder of the deployment manifest (default deployments/)")
  .setAction(async (args: { epoch: string; from?: string; manifestDir?: string }, hre) =>
    runTask("epoch:mint", async () => {
      const epoch = parseEpoch(args.epoch);
      const sender = await resolveSigner(hre, args.from, "from");
      const system = await loadOracleSystem(hre, args.manifestDir);
      const minted = await system.controller.mintedEpochs();
      if (BigInt(epoch) < minted) refuse("epoch:mint", `epoch ${epoch} is already minted (${minted} epoch(s) minted)`);
      if (BigInt(epoch) > minted) refuse("epoch:mint", `epochs are minted in order: the next one is ${minted}`);
      const startsAt = await system.controller.epochStart(epoch);
      const latest = await hre.ethers.provider.getBlock("latest");
      if (BigInt(latest!.timestamp) < startsAt) {
        refuse("epoch:mint", `epoch ${epoch} starts at ${startsAt}; the latest block is at ${latest!.timestamp}`);
      }
      const tx = await system.controller.connect(sender).mintEpoch(epoch);
      await tx.wait();
      const funding = await system.distributor.fundingOf(epoch);
      console.log(
        `minted epoch ${epoch}: emission ${await system.controller.emission(epoch)} wei, device pool ${funding} wei (tx ${tx.hash})`,
      );
    }),
  );

task("epoch:post", "Computes an epoch's rewards from work reports, writes its files and posts the merkle root")
  .addParam(
    "epoch",
    "Epoch to post (must have ended and been minted; epochs are posted in order)",
    undefined,
    types.string,
  )
  .addParam(
    "reports",
    "Work reports: .csv (deviceId,work[,flags]) or .json ([{deviceId, work, flags?}]); see docs/oracle.md",
  )
  .addFlag("dryRun", "Compute and write the files, but do not post")
  .addOptionalParam("outDir", "Folder of the epochs' files", DEFAULT_OUT_DIR)
  .addOptionalParam("params", PARAMS_HELP)
  .addOptionalParam("from", "Oracle account: an address or index (default: the first account holding ORACLE_ROLE)")
  .addOptionalParam("manifestDir", "Folder of the deployment manifest (default deployments/)")
  .setAction(async (args: CommonArgs & { reports: string; dryRun: boolean; from?: string }, hre) =>
    runTask("epoch:post", async () => {
      const epoch = parseEpoch(args.epoch);
      const params = readOracleParams(args.params);
      const system = await loadOracleSystem(hre, args.manifestDir);
      const oracleRole = await system.distributor.ORACLE_ROLE();
      const signer = args.dryRun
        ? undefined
        : await resolveSigner(hre, args.from, "from", (a) => system.distributor.hasRole(oracleRole, a));
      const outcome = await postEpochRewards({
        system,
        provider: hre.ethers.provider,
        network: hre.network.name,
        epoch,
        reportsFile: args.reports,
        outDir: args.outDir,
        params,
        dryRun: args.dryRun,
        signer,
        log: (line) => console.log(line),
      });
      return outcome.status;
    }),
  );

task(
  "epoch:verify",
  "Recomputes an epoch from public inputs and compares with the posted root (non-zero exit on mismatch)",
)
  .addParam("epoch", "Epoch to verify (must be posted)", undefined, types.string)
  .addParam("reports", "The epoch's published work reports (.csv or .json)")
  .addOptionalParam("outDir", "Folder holding the previous epoch's files (rewards.csv of epoch − 1)", DEFAULT_OUT_DIR)
  .addFlag("write", "On a pass, write the recomputed files to --out-dir (to verify the next epoch from them)")
  .addOptionalParam("params", `${PARAMS_HELP}: use the posting oracle's, e.g. out/epochs/<epoch>/params.json`)
  .addOptionalParam("manifestDir", "Folder of the deployment manifest (default deployments/)")
  .setAction(async (args: CommonArgs & { reports: string; write: boolean }, hre) =>
    runTask("epoch:verify", async () => {
      const epoch = parseEpoch(args.epoch);
      const params = readOracleParams(args.params);
      const system = await loadOracleSystem(hre, args.manifestDir);
      const outcome = await verifyEpochRewards({
        system,
        provider: hre.ethers.provider,
        network: hre.network.name,
        epoch,
        reportsFile: args.reports,
        outDir: args.outDir,
        params,
        write: args.write,
      });
      console.log(`epoch ${epoch} (snapshot block ${outcome.block}; oracle parameters ${oracleParamsDigest(params)})`);
      console.log(`  posted   root ${outcome.postedRoot}  total ${outcome.postedTotal}`);
      console.log(`  computed root ${outcome.computedRoot}  total ${outcome.computedTotal}`);
      if (!outcome.pass)
        refuse("epoch:verify", `FAIL: epoch ${epoch}'s posted root/total do not match the recomputation`);
      console.log(`PASS: epoch ${epoch} matches${outcome.dir ? `; files written to ${outcome.dir}` : ""}`);
      return outcome;
    }),
  );
