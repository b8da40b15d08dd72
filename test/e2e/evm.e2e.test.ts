/**
 * EVM in the loop on a REAL `npx hardhat node` (started here on a free 127.0.0.1 port, stopped in `after`):
 * `npm run simulate -- --mode evm --network localhost` plays a small fake-work scenario as transactions against the
 * node, checked against the exact model after every epoch, and writes the same data files as `--mode exact`.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT, startLocalNode, type LocalNode } from "./localNode";
import { UNDER_COVERAGE } from "../fixtures/gasSnapshot";

/** `npm run simulate -- …` (scripts/simulate.ts) with LOCALHOST_RPC_URL pointing at the node. */
function simulate(args: string[], url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "scripts/simulate.ts", "simulate", ...args],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, LOCALHOST_RPC_URL: url, TS_NODE_PROJECT: path.join(PROJECT_ROOT, "tsconfig.json") },
      },
    );
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("e2e: EVM in the loop on a hardhat node (--network localhost)", function () {
  this.timeout(300_000);
  let node: LocalNode | undefined;
  let workDir: string;

  before(async function () {
    if (UNDER_COVERAGE) this.skip(); // see oracle.e2e.test.ts: child processes would replace the instrumented build
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "depin-evm-"));
    node = await startLocalNode();
  });

  after(async function () {
    await node?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("runs fake-work as transactions on the node, equal to exact mode to the wei, and says so in summary.json", async function () {
    const scenario = [
      "--scenario",
      "fake-work",
      "--epochs",
      "4",
      "--runs",
      "1",
      "--param",
      "agents[0].count=6",
      "--param",
      "agents[1].count=0",
      "--param",
      "agents[2].count=3",
    ];
    const evmDir = path.join(workDir, "evm");
    const exactDir = path.join(workDir, "exact");
    const evm = await simulate(
      [...scenario, "--mode", "evm", "--network", "localhost", "--out", evmDir, "--no-report"],
      node!.url,
    );
    expect(evm.code, evm.output).to.equal(0);
    const exact = await simulate(
      [...scenario, "--mode", "exact", "--out", exactDir, "--no-report", "--quiet"],
      node!.url,
    );
    expect(exact.code, exact.output).to.equal(0);

    const summary = JSON.parse(fs.readFileSync(path.join(evmDir, "summary.json"), "utf8"));
    expect(summary.evm.network).to.equal("localhost");
    expect(summary.evm.chainId).to.equal("31337");
    expect(summary.evm.epochsChecked).to.equal(4);
    expect(summary.evm.transactions).to.be.greaterThan(0);
    expect(evm.output).to.match(/checked on the EVM \(localhost, chain 31337\): 4 epoch\(s\)/);
    for (const file of ["timeseries.csv", "network.csv", "groups.csv", "lorenz.csv"]) {
      const same = fs.readFileSync(path.join(evmDir, file)).equals(fs.readFileSync(path.join(exactDir, file)));
      expect(same, `${file} equals exact mode's`).to.equal(true);
    }
  });
});
