/**
 * The whole DePIN Lab system as ONE Ignition module: TimelockController, EmissionSchedule, EmissionController (which
 * deploys the token), RewardDistributor, DeviceRegistry, Staking, and the wiring (recipients, splits, device classes,
 * makers, operational roles). The deployer is the admin while the module runs; `npx hardhat deploy` then hands every
 * admin role to the timelock (scripts/deploy/handover.ts). Tests deploy the same module (test/fixtures/system.ts).
 *
 * Why a builder and not a module over `m.getParameter`: the role-holder, maker and device-class lists decide how many
 * calls the module makes, and Ignition runtime parameters cannot be iterated at build time. The values come from a
 * zod-validated parameter file (scripts/deploy/parameters.ts); Ignition records every constructor argument and call
 * argument in its journal, so a re-run with the same file is a no-op and a changed value is reported as a conflict.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { ZeroAddress, getAddress, id } from "ethers";
import { toSolidityParams } from "../../protocol/emission";
import { TIMELOCK, type ResolvedDeployParameters, scheduleParamsOf } from "../../scripts/deploy/parameters";

/** Ignition module id; every future id starts with it. */
export const MODULE_ID = "DePINLab";

/** AccessControl role ids used by the wiring (the contracts' public constants; deploy:check compares them on chain). */
export const ROLES = {
  DEFAULT_ADMIN_ROLE: "0x0000000000000000000000000000000000000000000000000000000000000000",
  SCHEDULE_MANAGER_ROLE: id("SCHEDULE_MANAGER_ROLE"),
  GUARDIAN_ROLE: id("GUARDIAN_ROLE"),
  PAUSER_ROLE: id("PAUSER_ROLE"),
  FRAUD_ROLE: id("FRAUD_ROLE"),
  SLASHER_ROLE: id("SLASHER_ROLE"),
  PROPOSER_ROLE: id("PROPOSER_ROLE"),
  EXECUTOR_ROLE: id("EXECUTOR_ROLE"),
  CANCELLER_ROLE: id("CANCELLER_ROLE"),
} as const;

/** The contract futures of the module, by name; also the keys of `deployments/<network>.json` `contracts`. */
export const CONTRACT_NAMES = [
  "timelock",
  "schedule",
  "controller",
  "token",
  "distributor",
  "registry",
  "staking",
] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** The future id of each contract (Ignition's `<module>#<id>`). */
export const FUTURE_IDS: Record<ContractName, string> = {
  timelock: `${MODULE_ID}#TimelockController`,
  schedule: `${MODULE_ID}#EmissionSchedule`,
  controller: `${MODULE_ID}#EmissionController`,
  token: `${MODULE_ID}#DePINToken`,
  distributor: `${MODULE_ID}#RewardDistributor`,
  registry: `${MODULE_ID}#DeviceRegistry`,
  staking: `${MODULE_ID}#Staking`,
};

/** The artifact (contract) name of each entry. */
export const ARTIFACTS: Record<ContractName, string> = {
  timelock: "TimelockController",
  schedule: "EmissionSchedule",
  controller: "EmissionController",
  token: "DePINToken",
  distributor: "RewardDistributor",
  registry: "DeviceRegistry",
  staking: "Staking",
};

const DEFAULT_SPLITS = { devicePoolBps: 0n, treasuryBps: 10_000n, ecosystemBps: 0n };

/** Id-safe suffix of a holder: its checksummed address, or `timelock` (holders are unique within a list). */
function idOf(holder: string): string {
  return holder === TIMELOCK ? TIMELOCK : getAddress(holder);
}

/**
 * Builds the module for resolved parameters. `deployer` is the account that sends every transaction and is the
 * temporary admin of every contract (pass the same address as Ignition's `defaultSender`).
 */
export function buildDePINLabModule(p: ResolvedDeployParameters, deployer: string) {
  const admin = getAddress(deployer);
  return buildModule(MODULE_ID, (m) => {
    // Governance first: its address is known before any role is handed over. admin = 0: self-administered.
    const timelock = m.contract(
      "TimelockController",
      [p.timelock.minDelay, p.timelock.proposers, p.timelock.executors, ZeroAddress],
      { id: "TimelockController" },
    );

    const account = (a: string) => (a === TIMELOCK ? timelock : a);
    const treasury = account(p.recipients.treasury);
    const ecosystem = p.recipients.ecosystem === null ? ZeroAddress : account(p.recipients.ecosystem);

    const schedule = m.contract("EmissionSchedule", [toSolidityParams(scheduleParamsOf(p))], {
      id: "EmissionSchedule",
    });
    const controller = m.contract(
      "EmissionController",
      [p.token.name, p.token.symbol, p.token.cap, p.epochs.genesis, p.epochs.epochLength, schedule, admin],
      { id: "EmissionController" },
    );
    const token = m.contractAt("DePINToken", m.staticCall(controller, "token", [], 0, { id: "token" }), {
      id: "DePINToken",
    });

    const distributor = m.contract(
      "RewardDistributor",
      [
        controller,
        p.rewards.challengeWindow,
        p.rewards.immediateBps,
        p.rewards.vestingDuration,
        admin,
        p.roles.oracles,
        p.roles.oracleThreshold,
      ],
      { id: "RewardDistributor" },
    );
    const registry = m.contract("DeviceRegistry", [p.registry.name, p.registry.symbol, admin], {
      id: "DeviceRegistry",
    });
    const staking = m.contract(
      "Staking",
      [token, registry, p.staking.unbondingDelay, p.staking.slashToTreasury, treasury, admin],
      { id: "Staking" },
    );

    // Emission wiring: where each epoch's emission goes and in what shares.
    const setRecipients = m.call(controller, "setRecipients", [distributor, treasury, ecosystem], {
      id: "Controller_setRecipients",
    });
    const { devicePoolBps, treasuryBps, ecosystemBps } = p.splits;
    if (
      devicePoolBps !== DEFAULT_SPLITS.devicePoolBps ||
      treasuryBps !== DEFAULT_SPLITS.treasuryBps ||
      ecosystemBps !== DEFAULT_SPLITS.ecosystemBps
    ) {
      m.call(controller, "setSplits", [devicePoolBps, treasuryBps, ecosystemBps], {
        id: "Controller_setSplits",
        after: [setRecipients], // a non-zero ecosystem share needs the ecosystem address first
      });
    }

    // Operational roles (the deployer keeps DEFAULT_ADMIN_ROLE until the handover). The oracle set is not a role: it
    // is the distributor's constructor argument (later `setOracleSet` through the timelock).
    const grants: [typeof distributor | typeof registry | typeof staking, string, keyof typeof ROLES, string[]][] = [
      [distributor, "Distributor", "GUARDIAN_ROLE", p.roles.guardians],
      [distributor, "Distributor", "PAUSER_ROLE", p.roles.distributorPausers],
      [registry, "Registry", "PAUSER_ROLE", p.roles.registryPausers],
      [registry, "Registry", "FRAUD_ROLE", p.roles.fraudReviewers],
      [staking, "Staking", "SLASHER_ROLE", p.roles.slashers],
    ];
    for (const [contract, label, role, holders] of grants) {
      for (const holder of holders) {
        m.call(contract, "grantRole", [ROLES[role], account(holder)], { id: `${label}_grant_${role}_${idOf(holder)}` });
      }
    }

    // Registry: device classes and approved makers.
    for (const c of p.registry.deviceClasses) {
      m.call(registry, "setDeviceClass", [c.id, c.rewardWeightBps, c.minBond, c.enabled], {
        id: `Registry_setDeviceClass_${c.id}`,
      });
    }
    for (const maker of p.registry.makers) {
      m.call(registry, "approveMaker", [maker], { id: `Registry_approveMaker_${idOf(maker)}` });
    }

    return { timelock, schedule, controller, token, distributor, registry, staking };
  });
}

export type DePINLabModule = ReturnType<typeof buildDePINLabModule>;
