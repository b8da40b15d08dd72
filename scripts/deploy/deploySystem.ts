/**
 * `npx hardhat deploy`: validate the parameter file, run the DePINLab Ignition module (resumable journal per network),
 * hand every admin role to the timelock, check the wiring on chain, and write `deployments/<network>.json`
 * atomically. Every step is idempotent: a second run sends nothing and leaves the manifest unchanged.
 *
 * Loaded lazily by scripts/tasks/deploy.ts (it needs compiled artifacts at run time, not at import time).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  deploy as ignitionDeploy,
  DeploymentResultType,
  type ExecutionEventListener,
} from "@nomicfoundation/ignition-core";
import {
  HardhatArtifactResolver,
  errorDeploymentResultToExceptionMessage,
} from "@nomicfoundation/hardhat-ignition/helpers";
import {
  ARTIFACTS,
  CONTRACT_NAMES,
  FUTURE_IDS,
  buildDePINLabModule,
  type ContractName,
} from "../../ignition/modules/DePINLab";
import { toJson, writeFileAtomic } from "../../lib/atomicFile";
import {
  type DeployParameters,
  type ResolvedDeployParameters,
  defaultParametersFile,
  loadDeployParameters,
  resolveDeployParameters,
} from "./parameters";
import {
  MANIFEST_VERSION,
  type DeploymentManifest,
  type ManifestContract,
  type ManifestTransaction,
  attachSystem,
  manifestPath,
  readManifestFile,
} from "./manifest";
import { handOverToTimelock, handoverRecord } from "./handover";
import {
  CheckFailedError,
  type CheckRow,
  checkDeployment,
  describeFailures,
  formatCheckTable,
  roleSeparationWarnings,
} from "./check";

export interface DeployOptions {
  /** Parameter file; default `ignition/parameters/<network>.json`. */
  parametersFile?: string;
  /** Folder of the manifests; default `<root>/deployments`. */
  manifestDir?: string;
  /**
   * Ignition journal folder; default `ignition/deployments/depinlab-<network>` (for the in-process `hardhat`
   * network a folder under the OS temp dir, per process, because that chain dies with the process).
   */
  journalDir?: string;
  /** Log sink (default console.log). */
  log?: (line: string) => void;
  /**
   * Tests only: abort (as a crash or Ctrl-C would) when the confirmation of Ignition's n-th transaction arrives,
   * before it is journaled, to prove that the next run resumes from the journal.
   */
  interruptAfterTransactions?: number;
}

export interface DeployResult {
  manifest: DeploymentManifest;
  manifestFile: string;
  /** Transactions sent by this run (Ignition + handover). 0 means nothing changed on chain. */
  transactionsSent: number;
  /** Whether the manifest file was (re)written. */
  manifestWritten: boolean;
  checks: CheckRow[];
  /** Role-separation warnings of the parameter file (`roleSeparationWarnings`). */
  warnings: string[];
}

/** Thrown when the deploy cannot start or finish; the message says what to do. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}

/** Raised by `interruptAfterTransactions` (tests). */
export class DeployInterrupted extends Error {
  constructor(readonly sent: number) {
    super(`deploy interrupted after ${sent} transaction(s) (test hook); re-run to resume`);
    this.name = "DeployInterrupted";
  }
}

/** Ignition deployment id of a network. */
export function deploymentIdOf(network: string): string {
  return `depinlab-${network}`;
}

/** Our own state next to Ignition's journal: what a resumed run must reuse. */
interface JournalSidecar {
  chainId: number;
  /** Hardhat-network instance id (local chains only): a restarted node makes the old journal meaningless. */
  instanceId?: string;
  /** The genesis chosen for `"genesis": "auto"` on the first run. */
  genesis: string;
}
const SIDECAR = "depinlab-state.json";

async function localInstanceId(hre: HardhatRuntimeEnvironment, chainId: number): Promise<string | undefined> {
  if (chainId !== 31337) return undefined;
  try {
    const metadata = (await hre.network.provider.request({ method: "hardhat_metadata" })) as { instanceId: string };
    return metadata.instanceId;
  } catch {
    return undefined;
  }
}

function gitCommit(root: string): string {
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: root,
      encoding: "utf8",
    });
    return dirty.trim() === "" ? head : `${head}-dirty`;
  } catch {
    return "unknown";
  }
}

function packageVersion(root: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; version: string };
  return `${pkg.name}@${pkg.version}`;
}

/** bigint → decimal string, recursively (JSON-safe copy). */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(toJson(value));
}

/** The journal's execution states (Ignition internals; versions are pinned in package-lock.json). */
interface JournalState {
  executionStates: Record<
    string,
    {
      type: string;
      status: string;
      constructorArgs?: unknown[];
      args?: unknown[];
      result?: { type: string; address?: string };
      networkInteractions?: {
        type: string;
        transactions?: { hash: string; receipt?: { blockNumber: number; status: string } }[];
      }[];
    }
  >;
}

async function loadJournal(journalDir: string): Promise<JournalState> {
  // Not exported by the package; loaded by file path (ignition-core 0.15.x, pinned in package-lock.json).
  const internal = path.join(path.dirname(require.resolve("@nomicfoundation/ignition-core")), "internal");
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { FileDeploymentLoader } = require(path.join(internal, "deployment-loader", "file-deployment-loader"));
  const { loadDeploymentState } = require(path.join(internal, "execution", "deployment-state-helpers"));
  /* eslint-enable @typescript-eslint/no-require-imports */
  const state = (await loadDeploymentState(new FileDeploymentLoader(journalDir))) as JournalState | undefined;
  if (state === undefined) throw new DeployError(`Ignition journal ${journalDir} is empty after the deployment`);
  return state;
}

/** The confirmed transaction of a future in the journal. */
function confirmedTx(state: JournalState, futureId: string): { txHash: string; blockNumber: number } {
  const exState = state.executionStates[futureId];
  for (const interaction of exState?.networkInteractions ?? []) {
    for (const tx of interaction.transactions ?? []) {
      if (tx.receipt !== undefined && tx.receipt.status === "SUCCESS") {
        return { txHash: tx.hash, blockNumber: tx.receipt.blockNumber };
      }
    }
  }
  throw new DeployError(`Ignition journal: no confirmed transaction for ${futureId}`);
}

/** Counts transactions Ignition sends and reports progress. */
function progressListener(
  log: (line: string) => void,
  counter: { sent: number },
  interruptAfter?: number,
): ExecutionEventListener {
  return new Proxy({} as ExecutionEventListener, {
    get(_target, type: string) {
      return (event: { futureId?: string; hash?: string; warnings?: string[] }) => {
        if (type === "transactionSend") {
          counter.sent++;
          log(`  ${event.futureId}  tx ${event.hash}`);
        } else if (type === "transactionConfirm" && counter.sent === interruptAfter) {
          // Ignition journals an event after handing it to the listener: the crash lands between "sent and
          // mined" and "confirmation recorded", and the next run must pick the transaction up from its hash.
          throw new DeployInterrupted(counter.sent);
        } else if (type === "reconciliationWarnings" && event.warnings !== undefined) {
          for (const warning of event.warnings) log(`  warning: ${warning}`);
        }
      };
    },
  });
}

/**
 * Runs the whole deploy. Throws {@link DeployParametersError} (before any transaction) for a bad parameter file,
 * {@link DeployError} for a failed step, and a check failure if the wiring on chain is not what the file says.
 */
export async function deploySystem(hre: HardhatRuntimeEnvironment, options: DeployOptions = {}): Promise<DeployResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const root = hre.config.paths.root;
  const network = hre.network.name;
  const parametersFile = path.resolve(options.parametersFile ?? defaultParametersFile(root, network));

  // 1. Validate the parameter file before anything is sent.
  const fileParameters: DeployParameters = loadDeployParameters(parametersFile);

  const url = (hre.network.config as { url?: string }).url;
  if (url === "http://127.0.0.1:0") {
    const prefix = network === "baseSepolia" ? "BASE_SEPOLIA" : network.toUpperCase();
    throw new DeployError(
      `network ${network} has no RPC URL: set ${prefix}_RPC_URL (npx hardhat vars set ${prefix}_RPC_URL, or the environment)`,
    );
  }
  const accounts = (await hre.network.provider.request({ method: "eth_accounts" })) as string[];
  if (accounts.length === 0) {
    throw new DeployError(
      `network ${network} has no deployer account: set DEPLOYER_PRIVATE_KEY (npx hardhat vars set DEPLOYER_PRIVATE_KEY)`,
    );
  }
  const deployerSigner = await hre.ethers.getSigner(accounts[0]);
  const deployer = deployerSigner.address;
  const chainId = Number(await hre.network.provider.request({ method: "eth_chainId" }));
  const deploymentId = deploymentIdOf(network);
  const journalDir = path.resolve(
    options.journalDir ??
      (network === "hardhat"
        ? path.join(os.tmpdir(), `depinlab-ignition-${process.pid}`, deploymentId)
        : path.join(hre.config.paths.ignition, "deployments", deploymentId)),
  );

  // 2. A journal from a restarted local node (or another chain) is meaningless: start over.
  const sidecarFile = path.join(journalDir, SIDECAR);
  const instanceId = await localInstanceId(hre, chainId);
  let sidecar: JournalSidecar | undefined;
  if (fs.existsSync(sidecarFile)) {
    const previous = JSON.parse(fs.readFileSync(sidecarFile, "utf8")) as JournalSidecar;
    if (previous.chainId !== chainId || previous.instanceId !== instanceId) {
      log(`Journal ${journalDir} belongs to another chain instance; starting a fresh deployment.`);
      fs.rmSync(journalDir, { recursive: true, force: true });
    } else {
      sidecar = previous;
    }
  }
  if (sidecar === undefined) {
    const latest = await hre.ethers.provider.getBlock("latest");
    if (latest === null) throw new DeployError(`network ${network}: cannot read the latest block`);
    sidecar = { chainId, instanceId, genesis: String(latest.timestamp) };
  }
  const parameters: ResolvedDeployParameters = resolveDeployParameters(fileParameters, {
    deployer,
    autoGenesis: BigInt(sidecar.genesis),
  });
  writeFileAtomic(sidecarFile, toJson(sidecar));

  // 3. Ignition: deploys what is missing, resumes an interrupted run, sends nothing if all is done.
  log(`Deploying DePIN Lab to ${network} (chain ${chainId}) from ${deployer}`);
  log(`  parameters ${path.relative(root, parametersFile)}, journal ${path.relative(root, journalDir) || journalDir}`);
  const counter = { sent: 0 };
  const result = await ignitionDeploy({
    config: hre.config.ignition,
    provider: hre.network.provider,
    executionEventListener: progressListener(log, counter, options.interruptAfterTransactions),
    artifactResolver: new HardhatArtifactResolver(hre),
    deploymentDir: journalDir,
    ignitionModule: buildDePINLabModule(parameters, deployer),
    deploymentParameters: {},
    accounts,
    defaultSender: deployer,
    maxFeePerGasLimit: hre.config.networks[network]?.ignition?.maxFeePerGasLimit,
    maxPriorityFeePerGas: hre.config.networks[network]?.ignition?.maxPriorityFeePerGas,
  });
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT) {
    const hint =
      result.type === DeploymentResultType.RECONCILIATION_ERROR
        ? `the parameter file differs from what ${deploymentId} deployed; once deployed, changes are timelock ` +
          `proposals (docs/deploy.md), or deploy afresh with another --journal`
        : "re-run to resume from the journal";
    throw new DeployError(
      `Ignition deployment ${deploymentId} did not complete (${hint}):\n` +
        errorDeploymentResultToExceptionMessage(result),
    );
  }

  const journal = await loadJournal(journalDir);
  const contracts = {} as Record<ContractName, ManifestContract>;
  for (const name of CONTRACT_NAMES) {
    const futureId = FUTURE_IDS[name];
    const deployed = result.contracts[futureId];
    if (deployed === undefined) throw new DeployError(`Ignition result has no ${futureId}`);
    const creator = name === "token" ? FUTURE_IDS.controller : futureId;
    const constructorArgs =
      name === "token"
        ? [parameters.token.name, parameters.token.symbol, parameters.token.cap]
        : (journal.executionStates[futureId].constructorArgs ?? []);
    contracts[name] = {
      artifact: ARTIFACTS[name],
      address: deployed.address,
      futureId,
      ...confirmedTx(journal, creator),
      constructorArgs: jsonSafe(constructorArgs) as unknown[],
    };
  }
  const wiring: ManifestTransaction[] = Object.entries(journal.executionStates)
    .filter(([, s]) => s.type === "CALL_EXECUTION_STATE")
    .map(([id]) => ({ id, ...confirmedTx(journal, id) }))
    .sort((a, b) => a.blockNumber - b.blockNumber || a.id.localeCompare(b.id));

  // 4. Hand every admin role to the timelock (skips what is done).
  const manifestFile = manifestPath(hre, options.manifestDir);
  const previous = fs.existsSync(manifestFile) ? readManifestFile(manifestFile) : undefined;
  const sameDeployment =
    previous !== undefined &&
    previous.chainId === chainId &&
    previous.contracts.controller.address === contracts.controller.address;
  const manifestShell = { contracts } as DeploymentManifest;
  const system = await attachSystem(hre, manifestShell);
  log("Role handover to the timelock");
  const handoverSent = await handOverToTimelock(system, deployerSigner, log);
  if (handoverSent.length === 0) log("  already done");
  const deployBlock = Math.min(...Object.values(contracts).map((c) => c.blockNumber));
  const handover = await handoverRecord(hre.ethers.provider, system, deployer, deployBlock);

  // 5. The manifest. Provenance (commit, version) describes the run that changed something on chain.
  const transactionsSent = counter.sent + handoverSent.length;
  const keepProvenance = sameDeployment && transactionsSent === 0;
  const manifest: DeploymentManifest = {
    manifestVersion: MANIFEST_VERSION,
    network,
    chainId,
    deploymentId,
    deployer,
    contracts,
    wiring,
    handover,
    parametersFile: path.relative(root, parametersFile),
    parameters: jsonSafe(parameters) as Record<string, unknown>,
    gitCommit: keepProvenance ? previous.gitCommit : gitCommit(root),
    packageVersion: keepProvenance ? previous.packageVersion : packageVersion(root),
  };

  // 6. Check roles, wiring and parameters on chain before recording anything.
  const checks = await checkDeployment(hre, manifest, fileParameters);
  const failed = checks.filter((row) => !row.ok);
  if (failed.length > 0) {
    log(formatCheckTable(checks));
    throw new CheckFailedError(
      `deploy: ${failed.length} check(s) failed after deployment, the manifest was not written: ` +
        describeFailures(failed),
      failed,
    );
  }

  const text = toJson(manifest);
  const manifestWritten = !fs.existsSync(manifestFile) || fs.readFileSync(manifestFile, "utf8") !== text;
  if (manifestWritten) writeFileAtomic(manifestFile, text);

  if (transactionsSent === 0 && !manifestWritten) {
    log(
      `Nothing changed: ${network} is already deployed and handed over; ${path.relative(root, manifestFile)} is up to date.`,
    );
  } else {
    log(
      `Sent ${transactionsSent} transaction(s); ${manifestWritten ? "wrote" : "unchanged"} ${path.relative(root, manifestFile)}`,
    );
  }
  log(`All ${checks.length} checks passed.`);
  const warnings = roleSeparationWarnings(parameters);
  for (const warning of warnings) log(`warning: ${warning}`);
  return { manifest, manifestFile, transactionsSent, manifestWritten, checks, warnings };
}
