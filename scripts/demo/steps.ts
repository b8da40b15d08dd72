/**
 * The demo scenario as a sequence of Hardhat TASKS (register + bond, mint, post, claim) plus the few things only an
 * operator of a local chain does (move time, hand tokens from the treasury to the operators). `run` runs one task:
 * in-process (`hre.run`, `npm run demo`) or as a child process against a node (the end-to-end test), so both exercise
 * exactly the same commands. Finally every operator's claimed amount and balance is compared with `expectedCumulative`
 * (protocol/ only).
 */
import fs from "node:fs";
import path from "node:path";
import { Contract, formatUnits, type Signer } from "ethers";
import { readManifestFile } from "../deploy/manifest";
import { loadDeployParameters, scheduleParamsOf, type DeployParameters } from "../deploy/parameters";
import {
  bondsOf,
  DEMO_DEVICES,
  DEMO_OPERATOR_NAMES,
  demoCell,
  demoDeviceKey,
  demoReportsCsv,
  expectedCumulative,
  type DemoDevice,
  type DemoEconomics,
} from "./scenario";

/** Runs a task with camelCase arguments (booleans are flags). */
export type TaskRunner = (task: string, args: Record<string, string | boolean>) => Promise<unknown>;

/** The local chain: JSON-RPC and unlocked accounts. */
export interface LocalChain {
  send(method: string, params: unknown[]): Promise<unknown>;
  getSigner(address: string): Promise<Signer>;
}

export interface ScenarioOptions {
  run: TaskRunner;
  chain: LocalChain;
  /** Folder of the deployment manifest (`<manifestDir>/<network>.json`). */
  manifestDir: string;
  network: string;
  /** Parameter file the system was deployed with (for the protocol/ expectation). */
  parametersFile: string;
  /** Working folder: keys/, reports/, epochs/. */
  workDir: string;
  /** Operator accounts, one per `DEMO_OPERATOR_NAMES` entry. */
  operators: string[];
  /** Epochs to run: 0 .. epochs − 1. */
  epochs: number;
  devices?: readonly DemoDevice[];
  log?: (line: string) => void;
}

export interface ScenarioRow {
  operator: string;
  account: string;
  devices: number;
  bonded: string;
  expected: bigint;
  claimed: bigint;
  balance: bigint;
  ok: boolean;
}

export function economicsOf(p: DeployParameters): DemoEconomics {
  return {
    schedule: scheduleParamsOf(p),
    splits: p.splits,
    classes: new Map(
      p.registry.deviceClasses.map((c) => [c.id, { rewardWeightBps: Number(c.rewardWeightBps), minBond: c.minBond }]),
    ),
  };
}

const VIEW_ABI = [
  "function epochStart(uint256) view returns (uint256)",
  "function transfer(address,uint256) returns (bool)",
  "function balanceOf(address) view returns (uint256)",
  "function claimed(address) view returns (uint256)",
  "function treasury() view returns (address)",
  "function epochPost(uint256) view returns (tuple(uint128 total, uint64 postedAt, bool revoked))",
];

export async function runDemoScenario(
  options: ScenarioOptions,
): Promise<{ rows: ScenarioRow[]; totals: bigint[]; ok: boolean }> {
  const { run, chain, manifestDir, workDir, operators } = options;
  const devices = options.devices ?? DEMO_DEVICES;
  const log = options.log ?? (() => {});
  const manifest = readManifestFile(path.join(manifestDir, `${options.network}.json`));
  const common = { manifestDir };
  const controller = new Contract(manifest.contracts.controller.address, VIEW_ABI, await chain.getSigner(operators[0]));
  const treasury = await chain.getSigner((await controller.treasury()) as string);
  const token = new Contract(manifest.contracts.token.address, VIEW_ABI, treasury);
  const distributor = new Contract(manifest.contracts.distributor.address, VIEW_ABI, treasury);
  const outDir = path.join(workDir, "epochs");
  const keyDir = path.join(workDir, "keys");
  const reportsDir = path.join(workDir, "reports");
  fs.mkdirSync(keyDir, { recursive: true });
  fs.mkdirSync(reportsDir, { recursive: true });

  // Epoch 0 started at genesis: mint it, then the treasury hands each operator the tokens for its bonds.
  await run("epoch:mint", { epoch: "0", ...common });
  for (let i = 0; i < operators.length; i++) {
    const need = bondsOf(i, devices);
    if (need > 0n) await (await token.transfer(operators[i], need)).wait();
  }

  // Register and bond every device through the task (deterministic device keys written as key files).
  for (const device of devices) {
    const key = demoDeviceKey(device.label);
    const keyFile = path.join(keyDir, `${device.label}.json`);
    fs.writeFileSync(keyFile, JSON.stringify({ address: key.address, privateKey: key.privateKey }) + "\n", {
      mode: 0o600,
    });
    await run("device:register", {
      class: String(device.deviceClass),
      cell: demoCell(device).toString(),
      keyFile,
      from: operators[device.operator],
      bond: device.bond,
      ...common,
    });
  }

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const reports = path.join(reportsDir, `epoch-${epoch}.csv`);
    fs.writeFileSync(reports, demoReportsCsv(epoch, devices));
    const next = (await controller.epochStart(epoch + 1)) as bigint;
    // A node's clock follows the wall clock: only move it forward if the epoch has not ended on its own.
    const latest = (await chain.send("eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
    if (BigInt(latest.timestamp) < next) await chain.send("evm_setNextBlockTimestamp", [Number(next)]);
    await chain.send("evm_mine", []);
    await run("epoch:mint", { epoch: String(epoch + 1), ...common });
    await run("epoch:post", { epoch: String(epoch), reports, outDir, ...common });
    log(`epoch ${epoch} posted`);
  }

  const last = options.epochs - 1;
  const expected = expectedCumulative(economicsOf(loadDeployParameters(options.parametersFile)), last, devices);
  const proofs = path.join(outDir, String(last), "proofs.json");
  for (let i = 0; i < operators.length; i++) {
    if (expected.perOperator[i] > 0n) await run("claim", { proofs, from: operators[i], ...common });
  }

  const rows: ScenarioRow[] = [];
  for (let i = 0; i < operators.length; i++) {
    const claimed = (await distributor.claimed(operators[i])) as bigint;
    const balance = (await token.balanceOf(operators[i])) as bigint;
    // Each operator received exactly its bonds from the treasury and staked them: its balance is its rewards.
    rows.push({
      operator: DEMO_OPERATOR_NAMES[i] ?? `operator-${i}`,
      account: operators[i],
      devices: devices.filter((d) => d.operator === i).length,
      bonded: formatUnits(bondsOf(i, devices), 18),
      expected: expected.perOperator[i],
      claimed,
      balance,
      ok: claimed === expected.perOperator[i] && balance === expected.perOperator[i],
    });
  }
  // Every epoch's posted total is the protocol/ total of that epoch.
  const totalsOk: boolean[] = [];
  for (let epoch = 0; epoch <= last; epoch++) {
    const post = (await distributor.epochPost(epoch)) as { total: bigint };
    totalsOk.push(post.total === expected.totals[epoch]);
    if (post.total !== expected.totals[epoch])
      log(`epoch ${epoch}: posted total ${post.total} != protocol/ total ${expected.totals[epoch]}`);
  }
  return { rows, totals: expected.totals, ok: rows.every((r) => r.ok) && totalsOk.every(Boolean) };
}

/** The summary as a printable table (wei, exact). */
export function formatScenarioTable(rows: readonly ScenarioRow[]): string {
  const header = ["operator", "devices", "bonded", "expected (protocol/)", "claimed on chain", "balance", "match"];
  const body = rows.map((r) => [
    r.operator,
    String(r.devices),
    r.bonded,
    r.expected.toString(),
    r.claimed.toString(),
    r.balance.toString(),
    r.ok ? "yes" : "NO",
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
