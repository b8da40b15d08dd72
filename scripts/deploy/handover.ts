/**
 * Hands every admin role of the system from the deployer to the TimelockController: first grant each role to the
 * timelock, then (only once the timelock holds them all) renounce it from the deployer. Idempotent: a step already
 * done on chain is skipped, so an interrupted handover resumes where it stopped and a second run sends nothing.
 * Shared by `npx hardhat deploy` and the governed test fixture.
 */
import { Interface, type Provider, type Signer, getAddress, zeroPadValue } from "ethers";
import type { DePINLabSystem, ManifestTransaction } from "./manifest";

const DEFAULT_ADMIN_ROLE = "0x0000000000000000000000000000000000000000000000000000000000000000";

/** A contract with OpenZeppelin AccessControl. */
interface AccessControlled {
  getAddress(): Promise<string>;
  hasRole(role: string, account: string): Promise<boolean>;
  connect(runner: Signer): AccessControlled;
  grantRole(role: string, account: string): Promise<{ wait(): Promise<TxReceiptLike | null>; hash: string }>;
  renounceRole(role: string, account: string): Promise<{ wait(): Promise<TxReceiptLike | null>; hash: string }>;
}
interface TxReceiptLike {
  hash: string;
  blockNumber: number;
  status: number | null;
}

/** The admin roles of each contract, by name (role ids are read from the contracts). */
export async function adminRolesOf(
  system: DePINLabSystem,
): Promise<{ name: string; contract: AccessControlled; roles: { name: string; id: string }[] }[]> {
  return [
    {
      name: "controller",
      contract: system.controller as unknown as AccessControlled,
      roles: [
        { name: "DEFAULT_ADMIN_ROLE", id: DEFAULT_ADMIN_ROLE },
        { name: "SCHEDULE_MANAGER_ROLE", id: await system.controller.SCHEDULE_MANAGER_ROLE() },
      ],
    },
    {
      name: "distributor",
      contract: system.distributor as unknown as AccessControlled,
      roles: [{ name: "DEFAULT_ADMIN_ROLE", id: DEFAULT_ADMIN_ROLE }],
    },
    {
      name: "registry",
      contract: system.registry as unknown as AccessControlled,
      roles: [{ name: "DEFAULT_ADMIN_ROLE", id: DEFAULT_ADMIN_ROLE }],
    },
    {
      name: "staking",
      contract: system.staking as unknown as AccessControlled,
      roles: [{ name: "DEFAULT_ADMIN_ROLE", id: DEFAULT_ADMIN_ROLE }],
    },
  ];
}

/** One handover step that still has to be sent. */
export interface HandoverStep {
  /** `handover:<contract>:<grant|renounce>:<role>`, the id recorded in the manifest. */
  id: string;
  contract: string;
  action: "grant" | "renounce";
  role: string;
}

/** Thrown when the handover cannot proceed safely (e.g. the deployer is no longer admin but the timelock is not). */
export class HandoverError extends Error {
  constructor(message: string) {
    super(`Role handover: ${message}`);
    this.name = "HandoverError";
  }
}

/**
 * Sends the missing handover steps from `deployer` and returns one manifest entry per transaction sent (none if the
 * handover was already complete). `log` receives one line per step.
 */
export async function handOverToTimelock(
  system: DePINLabSystem,
  deployer: Signer,
  log: (line: string) => void = () => {},
): Promise<ManifestTransaction[]> {
  const timelock = await system.timelock.getAddress();
  const from = await deployer.getAddress();
  const entries = await adminRolesOf(system);
  const sent: ManifestTransaction[] = [];

  const send = async (
    step: HandoverStep,
    tx: Promise<{ wait(): Promise<TxReceiptLike | null>; hash: string }>,
  ): Promise<void> => {
    const response = await tx;
    const receipt = await response.wait();
    if (receipt === null || receipt.status !== 1)
      throw new HandoverError(`${step.id}: transaction ${response.hash} failed`);
    sent.push({ id: step.id, txHash: receipt.hash, blockNumber: receipt.blockNumber });
    log(`  ${step.id}  tx ${receipt.hash}`);
  };

  // 1. Grant every admin role to the timelock (the deployer must still be admin for the missing ones).
  for (const { name, contract, roles } of entries) {
    for (const role of roles) {
      if (await contract.hasRole(role.id, timelock)) continue;
      if (!(await contract.hasRole(DEFAULT_ADMIN_ROLE, from))) {
        throw new HandoverError(
          `${name}: the timelock lacks ${role.name} but the deployer ${from} is no longer DEFAULT_ADMIN_ROLE; ` +
            `grant it through the timelock instead`,
        );
      }
      const step: HandoverStep = {
        id: `handover:${name}:grant:${role.name}`,
        contract: name,
        action: "grant",
        role: role.name,
      };
      await send(step, contract.connect(deployer).grantRole(role.id, timelock));
    }
  }
  // 2. Only now renounce them from the deployer (the timelock holds all of them, checked above or just granted).
  for (const { name, contract, roles } of entries) {
    for (const role of [...roles].reverse()) {
      if (!(await contract.hasRole(role.id, from))) continue;
      if (!(await contract.hasRole(role.id, timelock))) {
        throw new HandoverError(`${name}: refusing to renounce ${role.name}: the timelock does not hold it`);
      }
      const step: HandoverStep = {
        id: `handover:${name}:renounce:${role.name}`,
        contract: name,
        action: "renounce",
        role: role.name,
      };
      await send(step, contract.connect(deployer).renounceRole(role.id, from));
    }
  }
  return sent;
}

const ACCESS_EVENTS = new Interface([
  "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
  "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
]);

/**
 * The handover as it happened on chain, from the RoleGranted (to the timelock) and RoleRevoked (from the deployer)
 * events the deployer caused since `fromBlock`: one entry per transaction, in chain order. Derived from the chain, so
 * the manifest is the same whether the handover ran in one go, was resumed, or the manifest was lost and rebuilt.
 */
export async function handoverRecord(
  provider: Provider,
  system: DePINLabSystem,
  deployer: string,
  fromBlock: number,
  chunk = 10_000,
): Promise<ManifestTransaction[]> {
  const timelock = getAddress(await system.timelock.getAddress());
  const from = getAddress(deployer);
  const entries = await adminRolesOf(system);
  const byAddress = new Map<string, (typeof entries)[number]>();
  for (const entry of entries) byAddress.set(getAddress(await entry.contract.getAddress()), entry);
  const latest = await provider.getBlockNumber();
  const topics = [
    [ACCESS_EVENTS.getEvent("RoleGranted")!.topicHash, ACCESS_EVENTS.getEvent("RoleRevoked")!.topicHash],
    null,
    null,
    zeroPadValue(from, 32),
  ];
  const found: (ManifestTransaction & { logIndex: number })[] = [];
  for (let start = fromBlock; start <= latest; start += chunk) {
    const logs = await provider.getLogs({
      address: [...byAddress.keys()],
      fromBlock: start,
      toBlock: Math.min(latest, start + chunk - 1),
      topics,
    });
    for (const log of logs) {
      const entry = byAddress.get(getAddress(log.address))!;
      const parsed = ACCESS_EVENTS.parseLog(log)!;
      const role = entry.roles.find((r) => r.id === parsed.args.role);
      const account = getAddress(parsed.args.account as string);
      if (role === undefined) continue;
      const granted = parsed.name === "RoleGranted";
      if (granted ? account !== timelock : account !== from) continue;
      found.push({
        id: `handover:${entry.name}:${granted ? "grant" : "renounce"}:${role.name}`,
        txHash: log.transactionHash,
        blockNumber: log.blockNumber,
        logIndex: log.index,
      });
    }
  }
  found.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  return found.map(({ id, txHash, blockNumber }) => ({ id, txHash, blockNumber }));
}
