/**
 * `deployments/<network>.json`: what was deployed where, written by `npx hardhat deploy`, read by every operate task
 * (the epoch oracle, deploy:check, deploy:verify) through {@link readDeployment} / {@link loadSystem}.
 *
 * Safe to import from task files: no compiled artifacts or TypeChain runtime code is loaded at module top level
 * (types only; contracts are attached with `hre.ethers.getContractAt` when called).
 */
import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";
import type {
  DePINToken,
  DeviceRegistry,
  EmissionController,
  EmissionSchedule,
  RewardDistributor,
  Staking,
  TimelockController,
} from "../../typechain-types";

/** Bumped when the manifest layout changes incompatibly. */
export const MANIFEST_VERSION = 1;

/** One deployed contract. */
export interface ManifestContract {
  /** Contract (artifact) name, e.g. `EmissionController`. */
  artifact: string;
  address: string;
  /** Ignition future id (`DePINLab#EmissionController`). */
  futureId: string;
  /** Transaction that created it (for the token: the controller's deployment, which deploys it). */
  txHash: string;
  blockNumber: number;
  /** Constructor arguments, JSON-safe (bigints as decimal strings, structs as objects). */
  constructorArgs: unknown[];
}

/** One transaction sent after the contracts exist: Ignition wiring calls and the role handover. */
export interface ManifestTransaction {
  /** Ignition future id for wiring calls; `handover:<contract>:<grant|renounce>:<role>` for the handover. */
  id: string;
  txHash: string;
  blockNumber: number;
}

export interface DeploymentManifest {
  manifestVersion: number;
  network: string;
  chainId: number;
  /** Ignition deployment id (`depinlab-<network>`), the folder of the journal under ignition/deployments/. */
  deploymentId: string;
  /** The account that sent the deployment and held the admin roles until the handover. */
  deployer: string;
  contracts: {
    timelock: ManifestContract;
    schedule: ManifestContract;
    controller: ManifestContract;
    token: ManifestContract;
    distributor: ManifestContract;
    registry: ManifestContract;
    staking: ManifestContract;
  };
  /** Wiring calls, in Ignition future-id order. */
  wiring: ManifestTransaction[];
  /** Admin-role handover to the timelock, in the order sent. */
  handover: ManifestTransaction[];
  /** Path of the parameter file, relative to the project root. */
  parametersFile: string;
  /** The resolved parameters (placeholders replaced), JSON-safe. */
  parameters: Record<string, unknown>;
  /** `git rev-parse HEAD` when deployed (with `-dirty` if the work tree had changes), or `unknown`. */
  gitCommit: string;
  /** package.json `name@version`. */
  packageVersion: string;
}

/** Typed (TypeChain) contract instances of a deployed system. */
export interface DePINLabSystem {
  timelock: TimelockController;
  schedule: EmissionSchedule;
  controller: EmissionController;
  token: DePINToken;
  distributor: RewardDistributor;
  registry: DeviceRegistry;
  staking: Staking;
}

/** Thrown when a manifest is missing or malformed; says which file and what is wrong. */
export class ManifestError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`Deployment manifest ${file}: ${message}`);
    this.name = "ManifestError";
  }
}

/** `deployments/<network>.json` under the project root, or under `dir` if given. */
export function manifestPath(hre: HardhatRuntimeEnvironment, dir?: string, network = hre.network.name): string {
  return path.join(dir ?? path.join(hre.config.paths.root, "deployments"), `${network}.json`);
}

const CONTRACT_KEYS = ["timelock", "schedule", "controller", "token", "distributor", "registry", "staking"] as const;

/** Reads and shape-checks a manifest file. */
export function readManifestFile(file: string): DeploymentManifest {
  if (!fs.existsSync(file)) {
    throw new ManifestError(
      file,
      "not found; deploy first with `npx hardhat deploy --network <network>`" +
        (path.basename(file) === "hardhat.json"
          ? " (the in-process `hardhat` network forgets everything when a command ends: to operate across " +
            "commands, start `npx hardhat node` and pass `--network localhost` to deploy and to every task)"
          : ""),
    );
  }
  let manifest: DeploymentManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, "utf8")) as DeploymentManifest;
  } catch (err) {
    throw new ManifestError(file, `not valid JSON: ${(err as Error).message}`);
  }
  if (manifest.manifestVersion !== MANIFEST_VERSION) {
    throw new ManifestError(file, `manifestVersion: expected ${MANIFEST_VERSION}, got ${manifest.manifestVersion}`);
  }
  for (const key of CONTRACT_KEYS) {
    const address = manifest.contracts?.[key]?.address;
    if (typeof address !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
      throw new ManifestError(file, `contracts.${key}.address: expected an address, got ${JSON.stringify(address)}`);
    }
  }
  return manifest;
}

/**
 * Reads `deployments/<network>.json` for the current network and checks it belongs to the connected chain.
 * @param options.dir folder of the manifests (default `<root>/deployments`).
 */
export async function readDeployment(
  hre: HardhatRuntimeEnvironment,
  options: { dir?: string } = {},
): Promise<DeploymentManifest> {
  const file = manifestPath(hre, options.dir);
  const manifest = readManifestFile(file);
  const chainId = Number(await hre.network.provider.request({ method: "eth_chainId" }));
  if (manifest.chainId !== chainId) {
    throw new ManifestError(file, `chainId: the manifest is for chain ${manifest.chainId}, connected to ${chainId}`);
  }
  return manifest;
}

/** Attaches typed contract instances to the addresses of a manifest (optionally connected to `runner`). */
export async function attachSystem(
  hre: HardhatRuntimeEnvironment,
  manifest: DeploymentManifest,
  runner?: Signer,
): Promise<DePINLabSystem> {
  const at = async <T>(key: (typeof CONTRACT_KEYS)[number]): Promise<T> => {
    const { artifact, address } = manifest.contracts[key];
    return (await hre.ethers.getContractAt(artifact, address, runner)) as unknown as T;
  };
  return {
    timelock: await at<TimelockController>("timelock"),
    schedule: await at<EmissionSchedule>("schedule"),
    controller: await at<EmissionController>("controller"),
    token: await at<DePINToken>("token"),
    distributor: await at<RewardDistributor>("distributor"),
    registry: await at<DeviceRegistry>("registry"),
    staking: await at<Staking>("staking"),
  };
}

/** {@link readDeployment} + {@link attachSystem}: the deployed system of the current network, typed. */
export async function loadSystem(
  hre: HardhatRuntimeEnvironment,
  options: { dir?: string; runner?: Signer } = {},
): Promise<DePINLabSystem & { manifest: DeploymentManifest }> {
  const manifest = await readDeployment(hre, options);
  return { manifest, ...(await attachSystem(hre, manifest, options.runner)) };
}
