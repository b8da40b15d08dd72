/**
 * The whole system on a local Hardhat network (tests, the gas script), deployed through the SAME Ignition module and parameter file as `npx hardhat deploy`
 * (ignition/modules/DePINLab.ts, ignition/parameters/hardhat.json). Use with `loadFixture`.
 *
 * - `deploySystemFixture()`: the state right after the Ignition module ran: the deployer (`admin`) still holds the
 *   admin roles, so a test can change wiring directly.
 * - `deployGovernedSystemFixture()`: the same, then the role handover of the deploy task: every admin role is held by
 *   the timelock only (changes go through `timelock.schedule` / `execute` after `minDelay`).
 */
import path from "node:path";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ARTIFACTS, buildDePINLabModule } from "../../ignition/modules/DePINLab";
import {
  type DeployParameters,
  type ResolvedDeployParameters,
  loadDeployParameters,
  resolveDeployParameters,
  scheduleParamsOf,
} from "./parameters";
import { handOverToTimelock } from "./handover";
import type { DePINLabSystem } from "./manifest";
import type { ScheduleParams } from "../../protocol/emission";

/** The local parameter file the fixture deploys with (the same file `npx hardhat deploy --network hardhat` uses). */
export const LOCAL_PARAMETERS_FILE = path.join(__dirname, "..", "..", "ignition", "parameters", "hardhat.json");

export interface SystemFixture extends DePINLabSystem {
  /** Resolved parameters the system was deployed with (genesis = the block timestamp before deployment). */
  parameters: ResolvedDeployParameters;
  /** The schedule as protocol/emission.ts parameters (the oracle of emission tests). */
  scheduleParams: ScheduleParams;
  /** Deployer; admin of every contract in `deploySystemFixture`, nothing after the handover. Timelock proposer. */
  admin: HardhatEthersSigner;
  /** The first oracle member (signs roots; any account may send a signed post). */
  oracle: HardhatEthersSigner;
  /** The whole oracle set, in the parameter file's order; `parameters.roles.oracleThreshold` of them sign a post. */
  oracleMembers: HardhatEthersSigner[];
  guardian: HardhatEthersSigner;
  /** The approved maker key (signs device attestations). */
  maker: HardhatEthersSigner;
  slasher: HardhatEthersSigner;
  treasury: HardhatEthersSigner;
  ecosystem: HardhatEthersSigner;
  /** Device operators: funded accounts with no role. */
  operators: HardhatEthersSigner[];
  /** A funded account with no role and no device, for negative tests. */
  stranger: HardhatEthersSigner;
  /** Addresses, for reports and manifests. */
  addresses: Record<keyof DePINLabSystem, string>;
}

/** Deploys the module with the local parameters; the deployer keeps the admin roles. */
export async function deploySystemFixture(): Promise<SystemFixture> {
  return deploySystemWith(loadDeployParameters(LOCAL_PARAMETERS_FILE));
}

/** {@link deploySystemFixture} with other (validated) parameters, e.g. the local ones with a challenge window. */
export async function deploySystemWith(fileParameters: DeployParameters): Promise<SystemFixture> {
  const signers = await hre.ethers.getSigners();
  const [admin] = signers;
  const latest = BigInt(await time.latest());
  const parameters = resolveDeployParameters(fileParameters, {
    deployer: admin.address,
    autoGenesis: latest,
  });
  const module = buildDePINLabModule(parameters, admin.address);
  const deployed = (await hre.ignition.deploy(module, { defaultSender: admin.address })) as unknown as Record<
    keyof DePINLabSystem,
    { getAddress(): Promise<string> }
  >;
  const addresses = {} as Record<keyof DePINLabSystem, string>;
  for (const key of Object.keys(deployed) as (keyof DePINLabSystem)[])
    addresses[key] = await deployed[key].getAddress();

  const system = {} as Record<keyof DePINLabSystem, unknown>;
  for (const key of Object.keys(ARTIFACTS) as (keyof DePINLabSystem)[]) {
    system[key] = await hre.ethers.getContractAt(ARTIFACTS[key], addresses[key]);
  }

  const signerOf = (address: string) => {
    const signer = signers.find((s) => s.address === address);
    if (signer === undefined) throw new Error(`${LOCAL_PARAMETERS_FILE}: ${address} is not a local Hardhat account`);
    return signer;
  };
  const named = new Set(
    [
      admin.address,
      ...parameters.roles.oracles,
      parameters.roles.guardians[0],
      parameters.registry.makers[0],
      parameters.roles.slashers[0],
      parameters.recipients.treasury,
      parameters.recipients.ecosystem ?? admin.address,
    ].map((a) => a.toLowerCase()),
  );
  const unnamed = signers.filter((s) => !named.has(s.address.toLowerCase()));
  return {
    ...(system as unknown as DePINLabSystem),
    parameters,
    scheduleParams: scheduleParamsOf(parameters),
    admin,
    oracle: signerOf(parameters.roles.oracles[0]),
    oracleMembers: parameters.roles.oracles.map(signerOf),
    guardian: signerOf(parameters.roles.guardians[0]),
    maker: signerOf(parameters.registry.makers[0]),
    slasher: signerOf(parameters.roles.slashers[0]),
    treasury: signerOf(parameters.recipients.treasury),
    ecosystem: signerOf(parameters.recipients.ecosystem ?? admin.address),
    operators: unnamed.slice(0, unnamed.length - 1),
    stranger: unnamed[unnamed.length - 1],
    addresses,
  };
}

/** {@link deploySystemFixture} followed by the deploy task's role handover: the timelock is the only admin. */
export async function deployGovernedSystemFixture(): Promise<SystemFixture> {
  const fixture = await deploySystemFixture();
  await handOverToTimelock(fixture, fixture.admin);
  return fixture;
}
