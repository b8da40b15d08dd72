/**
 * End to end against a REAL `npx hardhat node` (one node for the file, started on a free port, stopped in `after`):
 * a deployment with a one-hour challenge window, an honest epoch 0, then a bad epoch-1 root that 3 of the 5 oracle
 * keys signed (stolen keys: it pays an attacker the whole pool). `npx hardhat epoch:watch --once` recomputes the
 * epochs from the published reports: without a guardian key it says what it would do, exits non-zero and sends
 * nothing; with the guardian key it revokes epoch 1. Three hardhat child processes (deploy, two watches); the chain
 * setup runs in-process against the node through the same library functions the tasks use.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { JsonRpcProvider, type JsonRpcSigner } from "ethers";
import { attachSystem, readManifestFile } from "../../scripts/deploy/manifest";
import { postEpochRewards } from "../../scripts/oracle/run";
import { postSignedEpoch, readOracleSet, signWithMembers } from "../../scripts/oracle/signatures";
import { readOracleParams } from "../../scripts/oracle/params";
import { buildRewardTree } from "../../protocol/merkle";
import { runHardhatTask, startLocalNode, writeLocalParameters, type LocalNode } from "./localNode";
import { UNDER_COVERAGE } from "../fixtures/gasSnapshot";

const WINDOW = 3600;

describe("e2e: epoch:watch revokes a bad root on a hardhat node", function () {
  this.timeout(240_000);
  let node: LocalNode | undefined;
  let workDir: string;
  let provider: JsonRpcProvider;
  const started = Date.now();

  before(async function () {
    if (UNDER_COVERAGE) this.skip(); // see oracle.e2e.test.ts: child processes would replace the instrumented build
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "depin-watch-"));
    node = await startLocalNode();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    console.log(`    watcher e2e wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("reports a planted bad root without the guardian key, and revokes it with the key", async function () {
    const manifestDir = path.join(workDir, "deployments");
    const { file: parametersFile, parameters } = writeLocalParameters(workDir, (p) => {
      p.rewards.challengeWindow = WINDOW;
    });
    const deployed = await runHardhatTask(node!.url, "deploy", {
      parameters: parametersFile,
      manifestDir,
      journal: path.join(workDir, "ignition"),
      quiet: true,
    });
    expect(deployed.code, deployed.stderr).to.equal(0);

    const accounts = (await provider.send("eth_accounts", [])) as string[];
    const signers: JsonRpcSigner[] = await Promise.all(accounts.map((a) => provider.getSigner(a)));
    const manifest = readManifestFile(path.join(manifestDir, "localhost.json"));
    const system = await attachSystem(hre, manifest, signers[0]);
    const advanceTo = async (timestamp: bigint) => {
      const latest = (await provider.getBlock("latest"))!.timestamp;
      if (BigInt(latest) < timestamp) await provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
      await provider.send("evm_mine", []);
    };

    // Epoch 0: nobody reported work; the honest oracle posts it (3 of the 5 dev oracle keys sign).
    const reportsDir = path.join(workDir, "reports");
    fs.mkdirSync(reportsDir);
    for (const epoch of [0, 1]) fs.writeFileSync(path.join(reportsDir, `epoch-${epoch}.csv`), "deviceId,work\n");
    await advanceTo((await system.controller.epochStart(1)) + 1n);
    await (await system.controller.mintEpoch(0)).wait();
    const honest = await postEpochRewards({
      system,
      provider,
      network: "localhost",
      epoch: 0,
      reportsFile: path.join(reportsDir, "epoch-0.csv"),
      outDir: path.join(workDir, "oracle"),
      params: readOracleParams(),
      dryRun: false,
      sender: signers[0],
      oracleSigners: signers,
    });
    expect(honest.status).to.equal("posted");

    // Epoch 1: three stolen oracle keys sign a root that pays an attacker everything the budget allows.
    await advanceTo((await system.controller.epochStart(2)) + 1n);
    await (await system.controller.mintEpoch(1)).wait();
    const [posted, funded] = await system.distributor.budget();
    const attacker = signers[19].address;
    const total = funded + (await system.distributor.fundingOf(1)) - posted;
    const bad = buildRewardTree([{ account: attacker, cumulativeAmount: total }]);
    const set = await readOracleSet(system.distributor);
    const message = { epoch: 1n, root: bad.root, total };
    const stolen = await signWithMembers(set, message, [signers[1], signers[15], signers[16]]);
    await postSignedEpoch(system.distributor, signers[19], message, stolen, set);

    const watchDir = path.join(workDir, "watch");
    const blockBefore = await provider.getBlockNumber();
    const reportOnly = await runHardhatTask(node!.url, "epoch:watch", {
      reportsDir,
      outDir: watchDir,
      once: true,
      manifestDir,
    });
    const reportOut = reportOnly.stdout + reportOnly.stderr;
    expect(reportOnly.code, reportOut).to.not.equal(0);
    expect(reportOut).to.match(/epoch 0: root 0x[0-9a-f]{64} matches the recomputation/);
    expect(reportOut).to.match(/epoch 1: MISMATCH: posted root/);
    expect(reportOut).to.match(/epoch 1: would revoke epochs 1 \(revokeEpoch, latest first\) within \d+ s/);
    expect(await provider.getBlockNumber(), "the watcher sent nothing").to.equal(blockBefore);
    expect((await system.distributor.epochPost(1)).revoked).to.equal(false);

    const guardian: string = parameters.roles.guardians[0];
    const revoking = await runHardhatTask(node!.url, "epoch:watch", {
      reportsDir,
      outDir: watchDir,
      guardian,
      once: true,
      manifestDir,
    });
    const revokeOut = revoking.stdout + revoking.stderr;
    expect(revoking.code, revokeOut).to.equal(0);
    expect(revokeOut).to.match(/epoch 1: revoked by 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC/);
    expect((await system.distributor.epochPost(1)).revoked).to.equal(true);
    expect(await system.distributor.nextEpochToPost()).to.equal(1n);
    // The attacker's signatures are spent: the same post is refused for good.
    const replay = await postSignedEpoch(system.distributor, signers[19], message, stolen, set).catch(
      (err: { data?: string }) => err,
    );
    expect(system.distributor.interface.parseError((replay as { data: string }).data)?.name).to.equal(
      "RewardsPostRevoked",
    );
  });
});
