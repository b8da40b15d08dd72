/**
 * On-chain checks of a deployment against its manifest and a parameter file: every role holder (replayed from the
 * RoleGranted/RoleRevoked events since deployment, so a role given to a stranger is found), the wiring between the
 * contracts, and every deploy parameter. Used by `npx hardhat deploy` (after the handover) and `deploy:check`.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Interface, ZeroAddress, getAddress } from "ethers";
import { CURVES, resolveSchedule, SCHEDULE_FIELDS } from "../../protocol/emission";
import { ROLES } from "../../ignition/modules/DePINLab";
import {
  type DeployParameters,
  type ResolvedDeployParameters,
  TIMELOCK,
  resolveDeployParameters,
  scheduleParamsOf,
} from "./parameters";
import { type DePINLabSystem, type DeploymentManifest, attachSystem } from "./manifest";

/** One line of the check table. */
export interface CheckRow {
  /** What is checked, e.g. `distributor GUARDIAN_ROLE holders` or `controller.genesis`. */
  check: string;
  expected: string;
  actual: string;
  ok: boolean;
}

const ACCESS_EVENTS = new Interface([
  "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
  "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
]);
const ROLE_NAMES = new Map<string, string>(Object.entries(ROLES).map(([name, id]) => [id, name]));
/** Blocks per eth_getLogs request (public RPCs cap the range). */
const LOG_CHUNK = 10_000;

/** Current holders of every role of `address`, replayed from its events in [fromBlock, latest]. */
export async function roleHolders(
  hre: HardhatRuntimeEnvironment,
  address: string,
  fromBlock: number,
): Promise<Map<string, Set<string>>> {
  const latest = await hre.ethers.provider.getBlockNumber();
  const granted = ACCESS_EVENTS.getEvent("RoleGranted")!.topicHash;
  const revoked = ACCESS_EVENTS.getEvent("RoleRevoked")!.topicHash;
  const holders = new Map<string, Set<string>>();
  for (let start = fromBlock; start <= latest; start += LOG_CHUNK) {
    const logs = await hre.ethers.provider.getLogs({
      address,
      fromBlock: start,
      toBlock: Math.min(latest, start + LOG_CHUNK - 1),
      topics: [[granted, revoked]],
    });
    logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    for (const entry of logs) {
      const parsed = ACCESS_EVENTS.parseLog(entry)!;
      const role = parsed.args.role as string;
      const account = getAddress(parsed.args.account as string);
      const set = holders.get(role) ?? new Set<string>();
      if (parsed.name === "RoleGranted") set.add(account);
      else set.delete(account);
      holders.set(role, set);
    }
  }
  return holders;
}

function sameSet(a: Iterable<string>, b: Iterable<string>): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function show(list: Iterable<string>, names: Map<string, string>): string {
  const items = [...list].map((a) => names.get(a) ?? a).sort();
  return items.length === 0 ? "(none)" : items.join(", ");
}

/**
 * Checks a deployment on chain. `fileParameters` is the validated parameter file to compare with (its placeholders are
 * resolved with the manifest's deployer, genesis and timelock). Returns every row; the caller decides how to fail.
 */
export async function checkDeployment(
  hre: HardhatRuntimeEnvironment,
  manifest: DeploymentManifest,
  fileParameters: DeployParameters,
  system?: DePINLabSystem,
): Promise<CheckRow[]> {
  const s = system ?? (await attachSystem(hre, manifest));
  const rows: CheckRow[] = [];
  const eq = (check: string, expected: unknown, actual: unknown): void => {
    const e = String(expected);
    const a = String(actual);
    rows.push({ check, expected: e, actual: a, ok: e === a });
  };

  const a = Object.fromEntries(
    Object.entries(manifest.contracts).map(([name, c]) => [name, getAddress(c.address)]),
  ) as Record<keyof DeploymentManifest["contracts"], string>;
  const manifestGenesis = (manifest.parameters as { epochs?: { genesis?: string } }).epochs?.genesis;
  const p = resolveDeployParameters(fileParameters, {
    deployer: manifest.deployer,
    autoGenesis: BigInt(manifestGenesis ?? 0),
  });
  const account = (holder: string): string => (holder === TIMELOCK ? a.timelock : getAddress(holder));
  const names = new Map<string, string>([
    [a.timelock, "timelock"],
    [getAddress(manifest.deployer), `deployer ${manifest.deployer}`],
    [ZeroAddress, "anyone (0x0)"],
  ]);

  // Code exists where the manifest says.
  for (const [name, address] of Object.entries(a)) {
    const code = await hre.ethers.provider.getCode(address);
    rows.push({
      check: `${name} has code`,
      expected: address,
      actual: code === "0x" ? "no code" : address,
      ok: code !== "0x",
    });
  }
  if (rows.some((r) => !r.ok)) return rows; // nothing else can be read

  // Wiring.
  eq("controller.token", a.token, await s.controller.token());
  eq("token.minter", a.controller, await s.token.minter());
  eq("controller.scheduleAt(0)", a.schedule, await s.controller.scheduleAt(0));
  eq("controller.distributor", a.distributor, await s.controller.distributor());
  eq("controller.treasury", account(p.recipients.treasury), await s.controller.treasury());
  eq(
    "controller.ecosystem",
    p.recipients.ecosystem === null ? ZeroAddress : account(p.recipients.ecosystem),
    await s.controller.ecosystem(),
  );
  eq("distributor.controller", a.controller, await s.distributor.controller());
  eq("distributor.token", a.token, await s.distributor.token());
  eq("staking.token", a.token, await s.staking.token());
  eq("staking.registry", a.registry, await s.staking.registry());
  eq("staking.treasury", account(p.recipients.treasury), await s.staking.treasury());

  // Parameters.
  eq("token.name", p.token.name, await s.token.name());
  eq("token.symbol", p.token.symbol, await s.token.symbol());
  eq("token.cap", p.token.cap, await s.token.cap());
  eq("controller.genesis", p.epochs.genesis, await s.controller.genesis());
  eq("controller.epochLength", p.epochs.epochLength, await s.controller.epochLength());
  const splits = await s.controller.splits();
  eq(
    "controller.splits (device/treasury/ecosystem bps)",
    `${p.splits.devicePoolBps}/${p.splits.treasuryBps}/${p.splits.ecosystemBps}`,
    `${splits.devicePoolBps}/${splits.treasuryBps}/${splits.ecosystemBps}`,
  );
  const schedule = resolveSchedule(scheduleParamsOf(p));
  const onChain = await s.schedule.params();
  eq("schedule.curve", CURVES.indexOf(schedule.curve), onChain.curve);
  for (const field of SCHEDULE_FIELDS) {
    eq(`schedule.${field}`, schedule[field], onChain[field]);
  }
  eq("distributor.challengeWindow", p.rewards.challengeWindow, await s.distributor.challengeWindow());
  eq(
    "distributor.oracleMembers",
    p.roles.oracles.map((o) => getAddress(o)).join(", "),
    (await s.distributor.oracleMembers()).join(", "),
  );
  eq("distributor.oracleThreshold", p.roles.oracleThreshold, await s.distributor.oracleThreshold());
  eq("distributor.immediateBps", p.rewards.immediateBps, await s.distributor.immediateBps());
  eq("distributor.vestingDuration", p.rewards.vestingDuration, await s.distributor.vestingDuration());
  eq("registry.name", p.registry.name, await s.registry.name());
  eq("registry.symbol", p.registry.symbol, await s.registry.symbol());
  for (const c of p.registry.deviceClasses) {
    const config = await s.registry.classConfig(c.id);
    eq(
      `registry.classConfig(${c.id} ${c.name}) weight/minBond/enabled`,
      `${c.rewardWeightBps}/${c.minBond}/${c.enabled}`,
      `${config.rewardWeightBps}/${config.minBond}/${config.enabled}`,
    );
  }
  for (const maker of p.registry.makers) {
    eq(`registry.isApprovedMaker(${maker})`, true, await s.registry.isApprovedMaker(maker));
  }
  eq("staking.unbondingDelay", p.staking.unbondingDelay, await s.staking.unbondingDelay());
  eq("staking.slashToTreasury", p.staking.slashToTreasury, await s.staking.slashToTreasury());
  eq("timelock.minDelay", p.timelock.minDelay, await s.timelock.getMinDelay());

  // Roles: the full holder set of every role, from events; the timelock is the only admin.
  const fromBlock = Math.min(...Object.values(manifest.contracts).map((c) => c.blockNumber));
  const only = [a.timelock];
  const expected: [string, string, Record<string, string[]>][] = [
    ["controller", a.controller, { DEFAULT_ADMIN_ROLE: only, SCHEDULE_MANAGER_ROLE: only }],
    [
      "distributor",
      a.distributor,
      {
        DEFAULT_ADMIN_ROLE: only,
        GUARDIAN_ROLE: p.roles.guardians.map(account),
        PAUSER_ROLE: p.roles.distributorPausers.map(account),
      },
    ],
    [
      "registry",
      a.registry,
      {
        DEFAULT_ADMIN_ROLE: only,
        PAUSER_ROLE: p.roles.registryPausers.map(account),
        FRAUD_ROLE: p.roles.fraudReviewers.map(account),
      },
    ],
    ["staking", a.staking, { DEFAULT_ADMIN_ROLE: only, SLASHER_ROLE: p.roles.slashers.map(account) }],
    [
      "timelock",
      a.timelock,
      {
        DEFAULT_ADMIN_ROLE: only,
        PROPOSER_ROLE: p.timelock.proposers.map(account),
        CANCELLER_ROLE: p.timelock.proposers.map(account),
        EXECUTOR_ROLE: p.timelock.executors.map(account),
      },
    ],
  ];
  const deployer = getAddress(manifest.deployer);
  const deployerAdminRoles: string[] = [];
  for (const [name, address, roles] of expected) {
    const holders = await roleHolders(hre, address, fromBlock);
    const roleIds = new Set<string>([
      ...holders.keys(),
      ...Object.keys(roles).map((r) => ROLES[r as keyof typeof ROLES]),
    ]);
    for (const roleId of roleIds) {
      const roleName = ROLE_NAMES.get(roleId) ?? roleId;
      const want = roles[roleName] ?? [];
      const have = [...(holders.get(roleId) ?? [])];
      rows.push({
        check: `${name} ${roleName} holders`,
        expected: show(want, names),
        actual: show(have, names),
        ok: sameSet(want, have),
      });
      if ((roleName === "DEFAULT_ADMIN_ROLE" || roleName === "SCHEDULE_MANAGER_ROLE") && have.includes(deployer)) {
        deployerAdminRoles.push(`${name}.${roleName}`);
      }
    }
  }
  rows.push({
    check: "deployer holds no admin role",
    expected: "(none)",
    actual: deployerAdminRoles.length === 0 ? "(none)" : deployerAdminRoles.join(", "),
    ok: deployerAdminRoles.length === 0,
  });
  return rows;
}

/**
 * Role-separation warnings for a parameter file (placeholders resolved): one key that is both an oracle member and
 * a guardian can post a bad root and keep anyone from revoking it; one key holding every operational role is the
 * whole system's single point of failure; a threshold of 1 lets one oracle key post alone. Warnings, not failures
 * (a local network legitimately shares keys).
 */
export function roleSeparationWarnings(p: Pick<ResolvedDeployParameters, "roles" | "registry">): string[] {
  const warnings: string[] = [];
  const norm = (list: string[]) => list.filter((a) => a !== TIMELOCK).map((a) => getAddress(a));
  const oracles = new Set(norm(p.roles.oracles));
  for (const guardian of norm(p.roles.guardians)) {
    if (oracles.has(guardian)) {
      warnings.push(
        `${guardian} is both an oracle member and a guardian: if its key is stolen it can sign a bad root and also keep it from being revoked`,
      );
    }
  }
  const operational: [string, string[]][] = [
    ["oracle", p.roles.oracles],
    ["guardian", p.roles.guardians],
    ["distributor pauser", p.roles.distributorPausers],
    ["registry pauser", p.roles.registryPausers],
    ["fraud reviewer", p.roles.fraudReviewers],
    ["maker", p.registry.makers],
  ];
  const [first, ...rest] = operational.map(([, holders]) => new Set(norm(holders)));
  for (const holder of first) {
    if (rest.every((set) => set.has(holder))) {
      warnings.push(
        `${holder} holds every operational role (${operational.map(([name]) => name).join(", ")}): one stolen key runs the whole system`,
      );
    }
  }
  if (p.roles.oracleThreshold === 1) {
    warnings.push(`oracle threshold is 1 of ${p.roles.oracles.length}: one oracle key posts a root alone`);
  }
  return warnings;
}

/** A plain-text table of check rows (✔ / ✘ per line). */
export function formatCheckTable(rows: CheckRow[]): string {
  const width = (pick: (r: CheckRow) => string, title: string) =>
    Math.min(60, Math.max(title.length, ...rows.map((r) => pick(r).length)));
  const w = [width((r) => r.check, "check"), width((r) => r.expected, "expected"), width((r) => r.actual, "actual")];
  const cell = (text: string, n: number) => (text.length > n ? text.slice(0, n - 1) + "…" : text.padEnd(n));
  const lines = [
    `   ${cell("check", w[0])}  ${cell("expected", w[1])}  ${cell("actual", w[2])}`,
    `   ${"-".repeat(w[0])}  ${"-".repeat(w[1])}  ${"-".repeat(w[2])}`,
  ];
  for (const r of rows) {
    const line = `${r.ok ? "✔" : "✘"}  ${cell(r.check, w[0])}  ${cell(r.expected, w[1])}  ${cell(r.actual, w[2])}`;
    lines.push(line);
    if (!r.ok && (r.expected.length > w[1] || r.actual.length > w[2])) {
      lines.push(`     expected: ${r.expected}`, `     actual:   ${r.actual}`);
    }
  }
  return lines.join("\n");
}

/** Thrown by `deploy:check` when any row fails; carries the failed rows. */
export class CheckFailedError extends Error {
  constructor(
    message: string,
    readonly failed: CheckRow[],
  ) {
    super(message);
    this.name = "CheckFailedError";
  }
}

/** `check (expected …, got …)` for the first few failed rows, then how many more (the table has them all). */
export function describeFailures(failed: CheckRow[], shown = 3): string {
  const head = failed.slice(0, shown).map((r) => `${r.check} (expected ${r.expected}, got ${r.actual})`);
  if (failed.length > shown) head.push(`and ${failed.length - shown} more (see the table above)`);
  return head.join("; ");
}
