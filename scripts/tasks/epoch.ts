/**
 * Epoch tasks: `epoch:mint`, `epoch:post`, `epoch:sign`, `epoch:verify`, `epoch:watch`. The computation lives in scripts/oracle/; this file only
 * parses arguments, loads the deployed system and prints. No compiled artifacts are imported at module top level.
 */
import { Wallet } from "ethers";
import { loadSystem } from "../deploy/manifest";
import { postEpochRewards, signEpochRewards, verifyEpochRewards } from "../oracle/run";
import { watchOnce } from "../oracle/watch";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  ArgumentError,
  ensureCompiled,
  isLocalNetwork,
  parseEpoch,
  refuse,
  resolveSigner,
  runTask,
} from "../lib/taskArgs";
import { readDeviceKey } from "./operate";
import { waitText } from "../lib/chainTime";

export const DEFAULT_OUT_DIR = "out/epochs";

interface CommonArgs {
  epoch: string;
  outDir: string;
  manifestDir?: string;
}

async function loadOracleSystem(hre: HardhatRuntimeEnvironment, manifestDir?: string) {
  await ensureCompiled(hre);
  return loadSystem(hre, { dir: manifestDir });
}

/** Env var of oracle member keys for `epoch:post` on testnets: comma-separated 0x private keys. */
export const ORACLE_KEYS_ENV = "ORACLE_PRIVATE_KEYS";
/** Env var of one member's key for `epoch:sign`. */
export const ORACLE_KEY_ENV = "ORACLE_PRIVATE_KEY";

function walletFromHex(text: string, field: string): Wallet {
  if (!/^0x[0-9a-fA-F]{64}$/.test(text.trim())) throw new ArgumentError(field, "expected 32-byte 0x-hex private keys");
  return new Wallet(text.trim());
}

/**
 * The oracle member keys `epoch:post` signs with: `--oracle-keys` key files, else `ORACLE_PRIVATE_KEYS`, else on
 * local networks the configured dev accounts (the members among them sign); none elsewhere (signature files only).
 */
async function oracleSigners(hre: HardhatRuntimeEnvironment, keyFiles?: string) {
  if (keyFiles) return keyFiles.split(",").map((file) => readDeviceKey(file.trim()));
  const fromEnv = process.env[ORACLE_KEYS_ENV];
  if (fromEnv) return fromEnv.split(",").map((key) => walletFromHex(key, ORACLE_KEYS_ENV));
  return isLocalNetwork(hre) ? hre.ethers.getSigners() : [];
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
        refuse(
          "epoch:mint",
          waitText(
            `epoch ${epoch} has not started: it starts`,
            startsAt,
            BigInt(latest!.timestamp),
            isLocalNetwork(hre) ? hre.network.name : undefined,
          ),
        );
      }
      const tx = await system.controller.connect(sender).mintEpoch(epoch);
      await tx.wait();
      const funding = await system.distributor.fundingOf(epoch);
      console.log(
        `minted epoch ${epoch}: emission ${await system.controller.emission(epoch)} wei, device pool ${funding} wei (tx ${tx.hash})`,
      );
    }),
  );

task("epoch:post", "Computes an epoch's rewards, collects m oracle signatures of its root and posts it")
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
  .addOptionalParam(
    "oracleKeys",
    `Comma-separated key files of oracle members to sign with (else env ${ORACLE_KEYS_ENV}; dev accounts on local networks)`,
  )
  .addOptionalParam(
    "signatures",
    "Folder of members' signature files from epoch:sign (default <out-dir>/signatures/<epoch>)",
  )
  .addOptionalParam("from", "Account that sends postEpoch: an address or index (default: account 0)")
  .addOptionalParam("manifestDir", "Folder of the deployment manifest (default deployments/)")
  .setAction(
    async (
      args: CommonArgs & { reports: string; dryRun: boolean; from?: string; oracleKeys?: string; signatures?: string },
      hre,
    ) =>
      runTask("epoch:post", async () => {
        const epoch = parseEpoch(args.epoch);
        const system = await loadOracleSystem(hre, args.manifestDir);
        const sender = args.dryRun ? undefined : await resolveSigner(hre, args.from, "from");
        const outcome = await postEpochRewards({
          system,
          provider: hre.ethers.provider,
          network: hre.network.name,
          epoch,
          reportsFile: args.reports,
          outDir: args.outDir,
          dryRun: args.dryRun,
          sender,
          oracleSigners: args.dryRun ? [] : await oracleSigners(hre, args.oracleKeys),
          signaturesDir: args.signatures,
          log: (line) => console.log(line),
        });
        return outcome.status;
      }),
  );

task("epoch:sign", "As one oracle member: recomputes an epoch from public inputs and signs the root it computed")
  .addParam("epoch", "Epoch to sign (ended, minted, not yet posted)", undefined, types.string)
  .addParam("reports", "The epoch's published work reports (.csv or .json)")
  .addOptionalParam("keyFile", `The member's key file ({ privateKey } JSON or a 0x key; else env ${ORACLE_KEY_ENV})`)
  .addOptionalParam("signer", "Local networks: a configured account (address or index) instead of a key file")
  .addOptionalParam("expectRoot", "Refuse to sign unless the recomputed root equals this one (the proposer's)")
  .addOptionalParam("outDir", "Folder of the epochs' files (rewards.csv of epoch − 1 must be there)", DEFAULT_OUT_DIR)
  .addOptionalParam("signatures", "Where to write the signature file (default <out-dir>/signatures/<epoch>)")
  .addOptionalParam("manifestDir", "Folder of the deployment manifest (default deployments/)")
  .setAction(
    async (
      args: CommonArgs & {
        reports: string;
        keyFile?: string;
        signer?: string;
        expectRoot?: string;
        signatures?: string;
      },
      hre,
    ) =>
      runTask("epoch:sign", async () => {
        const epoch = parseEpoch(args.epoch);
        let signer;
        if (args.keyFile) signer = readDeviceKey(args.keyFile);
        else if (process.env[ORACLE_KEY_ENV]) signer = walletFromHex(process.env[ORACLE_KEY_ENV]!, ORACLE_KEY_ENV);
        else if (args.signer !== undefined && isLocalNetwork(hre))
          signer = await resolveSigner(hre, args.signer, "signer");
        else throw new ArgumentError("key-file", `required (or env ${ORACLE_KEY_ENV}; --signer on local networks)`);
        const system = await loadOracleSystem(hre, args.manifestDir);
        const signed = await signEpochRewards({
          system,
          provider: hre.ethers.provider,
          network: hre.network.name,
          epoch,
          reportsFile: args.reports,
          outDir: args.outDir,
          signer,
          expectRoot: args.expectRoot,
          signaturesDir: args.signatures,
        });
        console.log(`epoch ${epoch}: recomputed root ${signed.root} total ${signed.total}`);
        console.log(`signed by ${signed.signer}: ${signed.file}`);
        return signed;
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
  .addOptionalParam("manifestDir", "Folder of the deployment manifest (default deployments/)")
  .setAction(async (args: CommonArgs & { reports: string; write: boolean }, hre) =>
    runTask("epoch:verify", async () => {
      const epoch = parseEpoch(args.epoch);
      const system = await loadOracleSystem(hre, args.manifestDir);
      const outcome = await verifyEpochRewards({
        system,
        provider: hre.ethers.provider,
        network: hre.network.name,
        epoch,
        reportsFile: args.reports,
        outDir: args.outDir,
        write: args.write,
      });
      console.log(`epoch ${epoch} (snapshot block ${outcome.block})`);
      console.log(`  posted   root ${outcome.postedRoot}  total ${outcome.postedTotal}`);
      console.log(`  computed root ${outcome.computedRoot}  total ${outcome.computedTotal}`);
      if (!outcome.pass)
        refuse("epoch:verify", `FAIL: epoch ${epoch}'s posted root/total do not match the recomputation`);
      console.log(`PASS: epoch ${epoch} matches${outcome.dir ? `; files written to ${outcome.dir}` : ""}`);
      return outcome;
    }),
  );

/** Env var of the guardian's key for `epoch:watch`. */
export const GUARDIAN_KEY_ENV = "GUARDIAN_PRIVATE_KEY";

task(
  "epoch:watch",
  "Recomputes every posted epoch from public inputs during its challenge window; with a guardian key, revokes a mismatch",
)
  .addParam("reportsDir", "Folder of the published work reports: epoch-<N>.csv or epoch-<N>.json")
  .addOptionalParam("outDir", "The watcher's folder of verified epochs", "out/watch")
  .addOptionalParam("guardian", "A configured account holding GUARDIAN_ROLE (address or index)")
  .addOptionalParam("guardianKeyFile", `The guardian's key file (else env ${GUARDIAN_KEY_ENV})`)
  .addFlag("once", "One pass, then exit (non-zero if a mismatch was found and not revoked)")
  .addOptionalParam("interval", "Seconds between passes when not --once", "60")
  .addOptionalParam("manifestDir", "Folder of the deployment manifest (default deployments/)")
  .setAction(
    async (
      args: {
        reportsDir: string;
        outDir: string;
        guardian?: string;
        guardianKeyFile?: string;
        once: boolean;
        interval: string;
        manifestDir?: string;
      },
      hre,
    ) =>
      runTask("epoch:watch", async () => {
        if (!/^\d{1,6}$/.test(args.interval) || Number(args.interval) === 0) {
          throw new ArgumentError("interval", `expected a whole number of seconds > 0, got "${args.interval}"`);
        }
        let guardian;
        if (args.guardianKeyFile) guardian = readDeviceKey(args.guardianKeyFile).connect(hre.ethers.provider);
        else if (process.env[GUARDIAN_KEY_ENV])
          guardian = walletFromHex(process.env[GUARDIAN_KEY_ENV]!, GUARDIAN_KEY_ENV).connect(hre.ethers.provider);
        else if (args.guardian !== undefined) guardian = await resolveSigner(hre, args.guardian, "guardian");
        const system = await loadOracleSystem(hre, args.manifestDir);
        console.log(
          guardian
            ? `watching as guardian ${await guardian.getAddress()}: a mismatching root in its window is revoked`
            : "watching without a guardian key: a mismatching root is reported, not revoked",
        );
        for (;;) {
          const found = await watchOnce({
            system,
            provider: hre.ethers.provider,
            network: hre.network.name,
            reportsDir: args.reportsDir,
            outDir: args.outDir,
            guardian,
            log: (line) => console.log(line),
          });
          const open = found.filter((f) => f.status === "mismatch" && f.action?.kind !== "revoked");
          if (args.once) {
            if (open.length > 0) {
              refuse("epoch:watch", `FAIL: epoch ${open[0].epoch}'s posted root does not match the recomputation`);
            }
            return found;
          }
          await new Promise((resolve) => setTimeout(resolve, Number(args.interval) * 1000));
        }
      }),
  );
