/**
 * End to end against a REAL `npx hardhat node` (started here on a free port, its process group killed in `after`):
 * deploy through the task, deploy again (no-op), register and bond devices, run 3 epochs of work reports through
 * `epoch:mint` / `epoch:post`, claim, verify — every step a child process `npx hardhat <task> --network localhost`.
 * Every claimed amount, balance and posted total must equal the protocol/ computation to the wei.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { readManifestFile } from "../../scripts/deploy/manifest";
import { runDemoScenario, formatScenarioTable } from "../../scripts/demo/steps";
import { demoReportsCsv } from "../../scripts/demo/scenario";
import { runHardhatTask, startLocalNode, writeLocalParameters, type LocalNode } from "./localNode";
import { UNDER_COVERAGE } from "../fixtures/gasSnapshot";

const EPOCHS = 3;

describe("e2e: oracle and operate tasks against a hardhat node", function () {
  this.timeout(300_000);
  let node: LocalNode | undefined;
  let workDir: string;
  let manifestDir: string;
  let journal: string;
  let parametersFile: string;
  let provider: JsonRpcProvider;
  const started = Date.now();
  const commands: string[] = [];
  let nodeReady = 0;

  async function task(name: string, args: Record<string, string | boolean>, expectFailure = false) {
    const t0 = Date.now();
    const result = await runHardhatTask(node!.url, name, args);
    commands.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    if (!expectFailure && result.code !== 0) {
      throw new Error(`npx hardhat ${name} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  before(async function () {
    // The node and the tasks run in child processes that compile into artifacts/, which solidity-coverage uses for its
    // instrumented build: running them under coverage would swap uninstrumented bytecode in for every later test.
    if (UNDER_COVERAGE) this.skip();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "depin-e2e-"));
    manifestDir = path.join(workDir, "deployments");
    journal = path.join(workDir, "ignition");
    // The node's clock follows the wall clock: with the local 5-minute epochs, a slow machine (task child processes
    // take 5-30 s each under load) could see epoch 0 end before every device is registered. An hour is safe; the
    // demo moves time to each epoch's end itself.
    parametersFile = writeLocalParameters(workDir, (p) => {
      p.epochs.epochLength = 3600;
    }).file;
    node = await startLocalNode();
    nodeReady = (Date.now() - started) / 1000;
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    console.log(
      `    e2e wall time ${((Date.now() - started) / 1000).toFixed(1)} s (node answered after ${nodeReady.toFixed(1)} s; ${commands.length} hardhat child processes: ${commands.join(", ")})`,
    );
  });

  it("deploys through the task, and deploying again is a no-op", async function () {
    await task("deploy", { parameters: parametersFile, manifestDir, journal, quiet: true });
    const file = path.join(manifestDir, "localhost.json");
    const first = readManifestFile(file);
    const blockAfterFirst = await provider.getBlockNumber();
    await task("deploy", { parameters: parametersFile, manifestDir, journal, quiet: true });
    const second = readManifestFile(file);
    expect(second.contracts).to.deep.equal(first.contracts);
    expect(await provider.getBlockNumber()).to.equal(blockAfterFirst);
  });

  it("runs 3 epochs through the tasks; claims and posted totals equal protocol/ to the wei", async function () {
    const accounts = (await provider.send("eth_accounts", [])) as string[];
    const result = await runDemoScenario({
      run: (name, args) => task(name, args),
      chain: { send: (method, params) => provider.send(method, params), getSigner: (a) => provider.getSigner(a) },
      manifestDir,
      network: "localhost",
      parametersFile,
      workDir,
      operators: accounts.slice(7, 10),
      epochs: EPOCHS,
    });
    console.log(formatScenarioTable(result.rows).replace(/^/gm, "      "));
    for (const row of result.rows) {
      expect(row.claimed, `${row.operator} claimed`).to.equal(row.expected);
      expect(row.balance, `${row.operator} balance`).to.equal(row.expected);
    }
    expect(result.rows.every((r) => r.expected > 0n)).to.equal(true);
    expect(result.ok).to.equal(true);
  });

  it("verifies a posted epoch from public inputs (pass), and fails with a non-zero exit on other reports", async function () {
    const reports = path.join(workDir, "reports", `epoch-${EPOCHS - 1}.csv`);
    const outDir = path.join(workDir, "epochs");
    const pass = await task("epoch:verify", { epoch: String(EPOCHS - 1), reports, outDir, manifestDir });
    expect(pass.stdout).to.match(/PASS/);

    const tampered = path.join(workDir, "tampered.csv");
    fs.writeFileSync(tampered, demoReportsCsv(EPOCHS)); // another epoch's work
    const fail = await task(
      "epoch:verify",
      { epoch: String(EPOCHS - 1), reports: tampered, outDir, manifestDir },
      true,
    );
    expect(fail.code).to.not.equal(0);
    expect(fail.stderr + fail.stdout).to.match(/FAIL/);
  });

  it("re-posting a posted epoch says so and changes nothing; a bad reports file exits non-zero and writes nothing", async function () {
    const outDir = path.join(workDir, "epochs");
    const reports = path.join(workDir, "reports", "epoch-0.csv");
    const before = fs.readFileSync(path.join(outDir, "0", "epoch.json"), "utf8");
    const block = await provider.getBlockNumber();
    const again = await task("epoch:post", { epoch: "0", reports, outDir, manifestDir });
    expect(again.stdout).to.match(/already posted/);
    expect(fs.readFileSync(path.join(outDir, "0", "epoch.json"), "utf8")).to.equal(before);

    const bad = path.join(workDir, "bad.csv");
    fs.writeFileSync(bad, "deviceId,work\n0x00000000000000000000000000000000000000aa,1.5\n");
    const failed = await task("epoch:post", { epoch: String(EPOCHS), reports: bad, outDir, manifestDir }, true);
    expect(failed.code).to.not.equal(0);
    expect(failed.stderr + failed.stdout).to.match(/line 2: work/);
    expect(fs.existsSync(path.join(outDir, String(EPOCHS)))).to.equal(false);
    expect(await provider.getBlockNumber()).to.equal(block);
  });
});
