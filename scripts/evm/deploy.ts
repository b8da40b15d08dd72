/**
 * Deploys the system an EVM-in-the-loop run plays against: the DePINLab Ignition module (the same code `npx hardhat
 * deploy` and the test fixtures run) with deploy parameters derived from the scenario's ledger terms
 * (simulation/ledger/terms.ts):
 * - token cap = genesis float + the schedule's cap; schedule = the first segment (the genesis epoch's one-epoch
 *   constant schedule when there is a float, else the scenario's), the scenario's schedule switched in from chain
 *   epoch 1 (`switchSchedule`, deployer = schedule manager) when there is a genesis epoch;
 * - splits: all to the treasury during the genesis epoch (the scenario's splits are set after it is minted);
 * - one device class per scenario class (weight in bps, the scenario's minimum bond), one maker;
 * - challenge window, vesting (immediate share, duration = epochs × epoch length), unbonding delay, slashed bonds
 *   burned or to the treasury, as the scenario says;
 * - the k-of-n oracle set and every operational role held by keys derived from the run's seed.
 * The deployer (the network's first account, whose key comes from the Hardhat config) keeps the admin roles: a
 * scripted lever change is a direct admin transaction, not a timelock proposal.
 */
import { deploy as ignitionDeploy, DeploymentResultType } from "@nomicfoundation/ignition-core";
import {
  HardhatArtifactResolver,
  errorDeploymentResultToExceptionMessage,
} from "@nomicfoundation/hardhat-ignition/helpers";
import { HDNodeWallet } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { toSolidityParams } from "../../protocol/emission";
import { deviceRegistryDomain, type DeviceRegistryDomain } from "../../protocol/deviceSignatures";
import { rewardsDomain, type RewardsDomain } from "../../protocol/oracleSignatures";
import type { Scenario } from "../../simulation/scenario";
import type { LedgerTerms } from "../../simulation/ledger/terms";
import { ARTIFACTS, FUTURE_IDS, buildDePINLabModule, type ContractName } from "../../ignition/modules/DePINLab";
import {
  type DeployParameters,
  type ResolvedDeployParameters,
  parseDeployParameters,
  resolveDeployParameters,
} from "../deploy/parameters";
import type { DePINLabSystem } from "../deploy/manifest";
import { LocalKey } from "./keys";

/** Seconds between the latest block when the run starts and the controller's genesis (room for the deployment). */
export const GENESIS_DELAY = 600n;

/** Keys of every role of a run (all but the deployer derived from the seed). */
export interface EvmRoles {
  deployer: LocalKey;
  /** Sends mints and oracle posts (anyone may). */
  keeper: LocalKey;
  maker: LocalKey;
  guardian: LocalKey;
  fraud: LocalKey;
  slasher: LocalKey;
  treasury: LocalKey;
  ecosystem: LocalKey;
  /** The market (the AMM pool's token side): sells go to it, purchases come from it, demand burns from it. */
  market: LocalKey;
  oracles: LocalKey[];
}

export interface EvmSystem {
  contracts: DePINLabSystem;
  addresses: Record<ContractName, string>;
  chainId: bigint;
  /** The controller's genesis (unix seconds). */
  genesis: bigint;
  parameters: ResolvedDeployParameters;
  roles: EvmRoles;
  registryDomain: DeviceRegistryDomain;
  rewardsDomain: RewardsDomain;
  /** The maker's `makerGeneration` (what its attestations sign). */
  makerGeneration: number;
}

/** The first account of the network's Hardhat config (the deployer of local networks and `npx hardhat node`). */
export function deployerKeyOf(hre: HardhatRuntimeEnvironment): LocalKey {
  const accounts = hre.config.networks.hardhat.accounts;
  if (Array.isArray(accounts)) return new LocalKey(accounts[0].privateKey);
  const wallet = HDNodeWallet.fromPhrase(
    accounts.mnemonic,
    accounts.passphrase,
    `${accounts.path}/${accounts.initialIndex}`,
  );
  return new LocalKey(wallet.privateKey);
}

export function rolesOf(seed: number, deployer: LocalKey, oracleMembers: number): EvmRoles {
  const role = (name: string) => LocalKey.derive(seed, `role:${name}`, 0);
  return {
    deployer,
    keeper: role("keeper"),
    maker: role("maker"),
    guardian: role("guardian"),
    fraud: role("fraud"),
    slasher: role("slasher"),
    treasury: role("treasury"),
    ecosystem: role("ecosystem"),
    market: role("market"),
    oracles: Array.from({ length: oracleMembers }, (_, i) => LocalKey.derive(seed, "role:oracle", i)),
  };
}

/** The deploy parameter file a scenario's terms give (validated by the same zod schema as every network's file). */
export function deployParametersOf(
  scenario: Scenario,
  terms: LedgerTerms,
  roles: EvmRoles,
  genesis: bigint,
): DeployParameters {
  const first = terms.segments[0].schedule;
  const raw = {
    token: { name: "DePIN Lab", symbol: "DPL", cap: terms.tokenCap.toString() },
    epochs: { genesis: genesis.toString(), epochLength: scenario.epochLengthSeconds },
    schedule: Object.fromEntries(Object.entries(first).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v])),
    splits:
      terms.genesisEpochs === 1
        ? { devicePoolBps: 0, treasuryBps: 10_000, ecosystemBps: 0 }
        : {
            devicePoolBps: Number(terms.splits.devicePoolBps),
            treasuryBps: Number(terms.splits.treasuryBps),
            ecosystemBps: Number(terms.splits.ecosystemBps),
          },
    recipients: { treasury: roles.treasury.address, ecosystem: roles.ecosystem.address },
    rewards: {
      challengeWindow: terms.chain.challengeWindowSeconds,
      immediateBps: Number(terms.vesting.immediateBps),
      vestingDuration: terms.vesting.vestingDuration.toString(),
    },
    registry: {
      name: "DePIN Lab Devices",
      symbol: "DEVICE",
      deviceClasses: scenario.classes.map((c, id) => ({
        id,
        name: c.name,
        rewardWeightBps: terms.rewardParams.classWeightsBps[id],
        minBond: terms.minBond.toString(),
        enabled: true,
      })),
      makers: [roles.maker.address],
    },
    staking: { unbondingDelay: terms.unbondingDelay.toString(), slashToTreasury: terms.slashToTreasury },
    roles: {
      oracles: roles.oracles.map((k) => k.address),
      oracleThreshold: terms.chain.oracle.threshold,
      guardians: [roles.guardian.address],
      distributorPausers: [roles.guardian.address],
      registryPausers: [roles.guardian.address],
      fraudReviewers: [roles.fraud.address],
      slashers: [roles.slasher.address],
    },
    timelock: { minDelay: 60, proposers: ["deployer"], executors: ["deployer"] },
  };
  return parseDeployParameters(raw, `scenario ${scenario.name} (EVM deploy parameters)`);
}

/**
 * Deploys the system for a scenario with automine on (Ignition waits for each receipt); `adjust` may change the
 * validated parameters first (the planted-divergence test deploys a parameter that differs from the scenario).
 */
export async function deployScenarioSystem(
  hre: HardhatRuntimeEnvironment,
  scenario: Scenario,
  terms: LedgerTerms,
  options: { seed: number; adjust?: (parameters: DeployParameters) => void },
): Promise<EvmSystem> {
  const deployer = deployerKeyOf(hre);
  const roles = rolesOf(options.seed, deployer, terms.chain.oracle.members);
  const latest = await hre.ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("EVM deploy: cannot read the latest block");
  const genesis = BigInt(latest.timestamp) + GENESIS_DELAY;
  const fileParameters = deployParametersOf(scenario, terms, roles, genesis);
  options.adjust?.(fileParameters);
  const parameters = resolveDeployParameters(fileParameters, { deployer: deployer.address, autoGenesis: genesis });
  const accounts = (await hre.network.provider.request({ method: "eth_accounts" })) as string[];
  if (!accounts.map((a) => a.toLowerCase()).includes(deployer.address.toLowerCase())) {
    throw new Error(`EVM deploy: the node does not hold the deployer ${deployer.address} (expected a local network)`);
  }
  const result = await ignitionDeploy({
    config: hre.config.ignition,
    provider: hre.network.provider,
    artifactResolver: new HardhatArtifactResolver(hre),
    deploymentDir: undefined, // in memory: every run deploys afresh
    ignitionModule: buildDePINLabModule(parameters, deployer.address),
    deploymentParameters: {},
    accounts,
    defaultSender: deployer.address,
  });
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT) {
    throw new Error(`EVM deploy: Ignition did not complete:\n${errorDeploymentResultToExceptionMessage(result)}`);
  }
  const addresses = {} as Record<ContractName, string>;
  const contracts = {} as Record<ContractName, unknown>;
  const signer = await hre.ethers.getSigner(deployer.address);
  for (const name of Object.keys(ARTIFACTS) as ContractName[]) {
    const future = result.contracts[FUTURE_IDS[name]];
    if (future === undefined) throw new Error(`EVM deploy: Ignition result has no ${FUTURE_IDS[name]}`);
    addresses[name] = future.address;
    contracts[name] = await hre.ethers.getContractAt(ARTIFACTS[name], future.address, signer);
  }
  const system = contracts as unknown as DePINLabSystem;
  // every later segment (the scenario's schedule after the genesis epoch, dated segments) switched in before it starts
  const factory = await hre.ethers.getContractFactory("EmissionSchedule", signer);
  for (const segment of terms.segments.slice(1)) {
    const schedule = await factory.deploy(toSolidityParams(segment.schedule));
    await schedule.waitForDeployment();
    await (await system.controller.switchSchedule(await schedule.getAddress(), segment.fromEpoch)).wait();
  }
  const chainId = (await hre.ethers.provider.getNetwork()).chainId;
  const registryName = await system.registry.name();
  return {
    contracts: system,
    addresses,
    chainId,
    genesis,
    parameters,
    roles,
    registryDomain: deviceRegistryDomain(registryName, chainId, addresses.registry),
    rewardsDomain: rewardsDomain(chainId, addresses.distributor),
    makerGeneration: Number(await system.registry.makerGeneration(roles.maker.address)),
  };
}
