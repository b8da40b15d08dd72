/**
 * Deploy parameters: the schema of `ignition/parameters/<network>.json`, validated with zod before anything is sent,
 * and the resolution of the two placeholders a file may use (`"deployer"` for an address, `"auto"` for genesis).
 *
 * File format (JSON). Token amounts are in wei, as a decimal string, optionally with an exponent: `"1e27"`,
 * `"164383e18"`, `"1.5e18"` (the value must be a whole number of wei); `factorWad` is a fixed-point number with 18
 * decimals written the same way (`"0.85e18"`); durations are whole seconds, shares basis points (10000 = 100%),
 * `periodEpochs` / `halfLifeEpochs` whole epochs, each a JSON number or a string:
 * ```
 * { "token":      { "name", "symbol", "cap" },
 *   "epochs":     { "genesis": unix seconds | "auto", "epochLength": seconds },
 *   "schedule":   { "curve", "initialEmission", "cap", "decrement"?, "floor"?, "factorWad"?, "periodEpochs"?,
 *                   "halfLifeEpochs"? }                       — names as in protocol/emission.ts
 *   "splits":     { "devicePoolBps", "treasuryBps", "ecosystemBps" }  — sum 10000
 *   "recipients": { "treasury", "ecosystem" (address or null) },
 *   "rewards":    { "challengeWindow", "immediateBps", "vestingDuration" },
 *   "registry":   { "name", "symbol", "deviceClasses": [{ "id", "name", "rewardWeightBps", "minBond", "enabled" }],
 *                   "makers": [address] },
 *   "staking":    { "unbondingDelay", "slashToTreasury" },
 *   "roles":      { "oracles", "oracleThreshold", "guardians", "distributorPausers", "registryPausers",
 *                   "fraudReviewers", "slashers" },                — oracles: the k-of-n set that signs roots
 *   "timelock":   { "minDelay", "proposers", "executors" } }
 * ```
 * An address may be written `"deployer"` (the account that sends the deployment); a recipient or role holder may be
 * written `"timelock"` (the TimelockController of this deployment, e.g. treasury = governance, slasher = governance). `"genesis": "auto"` means the
 * timestamp of the latest block when the deployment starts; it is resolved once and kept for resumed runs.
 * A file with several problems reports every one at once (`DeployParametersError.problems`), each naming its field
 * and what was expected: the schema's, the cross-field rules' (splits, recipients, vesting, oracle threshold) and
 * every schedule problem `protocol/emission.ts` finds; a cross-field rule is checked whenever the fields it reads are
 * valid on their own, even when other sections are not.
 * This module has no dependency on compiled artifacts (task files import it at load time).
 */
import fs from "node:fs";
import { formatUnits, getAddress, isAddress, ZeroAddress } from "ethers";
import { z } from "zod";
import { CURVES, SCHEDULE_FIELDS, type ScheduleParams, scheduleProblems } from "../../protocol/emission";

/** Bounds enforced by the contracts, repeated here so a bad file fails before the first transaction. */
export const LIMITS = {
  maxChallengeWindow: 30n * 86_400n,
  maxVestingDuration: 4n * 365n * 86_400n,
  maxUnbondingDelay: 365n * 86_400n,
  maxClassWeightBps: 100_000n,
  maxUint128: (1n << 128n) - 1n,
  maxTimelockDelay: 365n * 86_400n,
  maxOracleMembers: 32,
  bps: 10_000n,
} as const;

/** A placeholder for the deploying account. */
export const DEPLOYER = "deployer";
/** A placeholder for the TimelockController deployed by the module (allowed for recipients and role holders). */
export const TIMELOCK = "timelock";

/** One problem of a parameter file: the dotted path of the field and what was expected. */
export interface ParameterProblem {
  field: string;
  reason: string;
}

/**
 * Thrown for an invalid parameter file; lists every problem found (`problems`), `field` and `reason` are the first.
 */
export class DeployParametersError extends Error {
  readonly field: string;
  readonly reason: string;
  constructor(
    readonly file: string,
    readonly problems: ParameterProblem[],
  ) {
    const lines = problems.map((p) => `field "${p.field}": ${p.reason}`);
    super(
      problems.length === 1
        ? `Invalid deploy parameters in ${file}: ${lines[0]}`
        : `Invalid deploy parameters in ${file}: ${problems.length} problems:\n  ${lines.join("\n  ")}`,
    );
    this.name = "DeployParametersError";
    this.field = problems[0].field;
    this.reason = problems[0].reason;
  }
}

const AMOUNT = /^(\d+)(?:\.(\d+))?(?:e(\d+))?$/;

/** Parses `"123"`, `"1e27"`, `"1.5e18"` (or a safe JSON integer) into an exact bigint; rejects fractions of a wei. */
function parseAmount(value: string | number): bigint | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  const match = AMOUNT.exec(value.trim());
  if (match === null) return undefined;
  const [, whole, fraction = "", exponent = "0"] = match;
  if (exponent.length > 2) return undefined; // at most e99: a uint256 has 78 digits
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length;
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  return digits % divisor === 0n ? digits / divisor : undefined;
}

/** What an integer field counts, as its error messages say it. */
const UNITS = {
  wei: { what: "a whole non-negative number of wei as a string", like: '"1000", "1e27" or "1.5e18"', name: "wei" },
  wad: {
    what: "a fixed-point number with 18 decimals (1e18 = 1.0), whole in its last decimal, as a string",
    like: '"0.85e18" or "500000000000000000"',
    name: "(1e18 = 1.0)",
  },
  seconds: { what: "a whole non-negative number of seconds", like: '3600 or "86400"', name: "seconds" },
  unixSeconds: { what: "a unix time in whole seconds", like: "1798761600", name: "(unix seconds)" },
  bps: { what: "a whole number of basis points (10000 = 100%)", like: "2500", name: "basis points" },
  epochs: { what: "a whole number of epochs", like: "12", name: "epochs" },
} as const;
type Unit = keyof typeof UNITS;

/** "30 days" / "2 hours" for a whole number of days or hours of seconds, else "". */
function duration(seconds: bigint): string {
  if (seconds >= 86_400n && seconds % 86_400n === 0n) return ` (${seconds / 86_400n} days)`;
  if (seconds >= 3_600n && seconds % 3_600n === 0n) return ` (${seconds / 3_600n} hours)`;
  return "";
}

/** A wei amount as a reader checks it: the power of two it is, or its whole tokens (18 decimals), when large. */
function weiHint(wei: bigint): string {
  if (wei === (1n << 256n) - 1n) return " (2^256 − 1)";
  if (wei === (1n << 128n) - 1n) return " (2^128 − 1)";
  return wei >= 10n ** 15n ? ` (${formatUnits(wei, 18)} tokens)` : "";
}

/** Parses one integer field in `unit` and checks min ≤ value ≤ max, or adds an issue saying what was expected. */
function parseCount(
  raw: string | number,
  ctx: z.RefinementCtx,
  unit: Unit,
  min: bigint,
  max: bigint,
  expected = `expected ${UNITS[unit].what}, e.g. ${UNITS[unit].like}`,
): bigint | typeof z.NEVER {
  const value = parseAmount(raw);
  if (value === undefined) {
    ctx.addIssue({ code: "custom", message: `${expected}, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  }
  if (value < min || value > max) {
    const hint = unit === "seconds" ? duration(max) : unit === "wei" ? weiHint(max) : "";
    ctx.addIssue({
      code: "custom",
      message: `expected ${min} ≤ value ≤ ${max} ${UNITS[unit].name}${hint}, got ${value}${unit === "wei" ? weiHint(value) : ""}`,
    });
    return z.NEVER;
  }
  return value;
}

/** An integer field in `unit` (wei by default), within [min, max]. */
function amount(unit: Unit = "wei", max: bigint = (1n << 256n) - 1n, min = 0n) {
  return z.union([z.string(), z.number()]).transform((raw, ctx) => parseCount(raw, ctx, unit, min, max));
}

function addressOr(placeholders: string[]) {
  return z.string().transform((raw, ctx) => {
    if (placeholders.includes(raw)) return raw;
    if (!isAddress(raw)) {
      const allowed = placeholders.map((k) => `"${k}"`).join(" or ");
      ctx.addIssue({ code: "custom", message: `expected a 0x address or ${allowed}, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    }
    return getAddress(raw);
  });
}

/**
 * `list` with no two entries sharing a key. The check runs even when some entries failed their own (zod's `when`),
 * so a file with an invalid entry and a duplicate is told both at once.
 */
function withoutDuplicates<T extends z.ZodArray<z.ZodType>>(
  list: T,
  message: string,
  key: (entry: unknown) => unknown = (entry) => entry,
): T {
  return list.refine(
    (entries: unknown[]) => !Array.isArray(entries) || new Set(entries.map(key)).size === entries.length,
    {
      message,
      when: () => true,
    },
  );
}
const NO_DUPLICATE_ADDRESSES = "expected no duplicate addresses";

/** `schema` refusing the zero address. */
const nonZero = (schema: z.ZodType<string>) => schema.refine((a) => a !== ZeroAddress, "expected a non-zero address");

const address = addressOr([DEPLOYER]);
const nonZeroAddress = nonZero(addressOr([DEPLOYER, TIMELOCK]));
/** A key that signs for itself (a maker, an oracle member): an address or "deployer", never zero or the timelock. */
const signerAddress = nonZero(address);

const addressList = withoutDuplicates(z.array(nonZeroAddress), NO_DUPLICATE_ADDRESSES);

const bps = amount("bps", LIMITS.bps);

const deviceClass = z.strictObject({
  id: z.number().int().min(0).max(255),
  name: z.string().min(1, "expected a non-empty string"),
  rewardWeightBps: amount("bps", LIMITS.maxClassWeightBps, 1n),
  minBond: amount("wei", LIMITS.maxUint128),
  enabled: z.boolean(),
});

const schedule = z.strictObject({
  curve: z.enum(CURVES),
  initialEmission: amount(),
  cap: amount(),
  decrement: amount().optional(),
  floor: amount().optional(),
  factorWad: amount("wad").optional(),
  periodEpochs: amount("epochs").optional(),
  halfLifeEpochs: amount("epochs").optional(),
});

export const deployParametersSchema = z.strictObject({
  $comment: z.string().optional(),
  token: z.strictObject({
    name: z.string().min(1, "expected a non-empty string"),
    symbol: z.string().min(1, "expected a non-empty string"),
    cap: amount("wei", LIMITS.maxUint128, 1n),
  }),
  epochs: z.strictObject({
    genesis: z
      .union([z.string(), z.number()])
      .transform((raw, ctx) =>
        raw === "auto"
          ? ("auto" as const)
          : parseCount(
              raw,
              ctx,
              "unixSeconds",
              0n,
              (1n << 64n) - 1n,
              `expected "auto" or ${UNITS.unixSeconds.what}, e.g. ${UNITS.unixSeconds.like}`,
            ),
      ),
    epochLength: amount("seconds", (1n << 64n) - 1n, 1n),
  }),
  schedule,
  splits: z
    .strictObject({ devicePoolBps: bps, treasuryBps: bps, ecosystemBps: bps })
    .refine((s) => s.devicePoolBps + s.treasuryBps + s.ecosystemBps === LIMITS.bps, {
      message: "expected devicePoolBps + treasuryBps + ecosystemBps = 10000",
    }),
  recipients: z.strictObject({ treasury: nonZeroAddress, ecosystem: nonZeroAddress.nullable() }),
  // vestingDuration = 0 exactly when immediateBps = 10000: a cross-field rule (crossFieldProblems)
  rewards: z.strictObject({
    challengeWindow: amount("seconds", LIMITS.maxChallengeWindow),
    immediateBps: bps,
    vestingDuration: amount("seconds", LIMITS.maxVestingDuration),
  }),
  registry: z.strictObject({
    name: z.string().min(1, "expected a non-empty string"),
    symbol: z.string().min(1, "expected a non-empty string"),
    deviceClasses: withoutDuplicates(z.array(deviceClass), "expected each class id once", (entry) =>
      typeof entry === "object" && entry !== null && "id" in entry ? entry.id : entry,
    ),
    makers: withoutDuplicates(z.array(signerAddress), NO_DUPLICATE_ADDRESSES),
  }),
  staking: z.strictObject({
    unbondingDelay: amount("seconds", LIMITS.maxUnbondingDelay, 1n),
    slashToTreasury: z.boolean(),
  }),
  roles: z.strictObject({
    // Oracle members sign roots with their own keys: an address or "deployer", never the timelock.
    oracles: withoutDuplicates(
      z
        .array(signerAddress)
        .min(1, { message: "expected at least one oracle member" })
        .max(LIMITS.maxOracleMembers, { message: "expected at most 32 oracle members" }),
      NO_DUPLICATE_ADDRESSES,
    ),
    oracleThreshold: z.number().int().min(1),
    guardians: addressList,
    distributorPausers: addressList,
    registryPausers: addressList,
    fraudReviewers: addressList,
    slashers: addressList,
  }),
  timelock: z.strictObject({
    minDelay: amount("seconds", LIMITS.maxTimelockDelay),
    proposers: withoutDuplicates(
      z.array(address).min(1, { message: "expected at least one proposer" }),
      NO_DUPLICATE_ADDRESSES,
    ),
    // The zero address as executor means "anyone may execute a ready operation" (OpenZeppelin semantics).
    executors: z
      .array(address)
      .min(1, { message: "expected at least one executor (the zero address lets anyone execute)" }),
  }),
});

/** A validated parameter file, before placeholders are resolved. */
export type DeployParameters = z.output<typeof deployParametersSchema>;

/**
 * Parameters with `"deployer"` and `"auto"` resolved: concrete addresses (except `"timelock"`, which the module
 * maps to its TimelockController future) and a concrete genesis.
 */
export type ResolvedDeployParameters = Omit<DeployParameters, "epochs"> & {
  epochs: { genesis: bigint; epochLength: bigint };
};

/** The schedule section as `protocol/emission.ts` parameters (absent fields stay absent). */
export function scheduleParamsOf(p: Pick<DeployParameters, "schedule">): ScheduleParams {
  const { curve, initialEmission, cap, ...rest } = p.schedule;
  const params: ScheduleParams = { curve, initialEmission, cap };
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) (params as Record<string, unknown>)[key] = value;
  }
  return params;
}

/** The value at `path` of the raw file when that field passes `schema` on its own, else undefined. */
function fieldOf<T extends z.ZodType>(raw: unknown, path: readonly string[], schema: T): z.output<T> | undefined {
  let value: unknown = raw;
  for (const key of path) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

/**
 * The rules across fields, each checked when the fields it reads are valid on their own (`flagged` holds the paths
 * the schema already blamed): every schedule problem of protocol/emission.ts (the EmissionSchedule constructor's
 * rules), an ecosystem share needs an ecosystem address, vesting exactly when part of a claim is held back, and an
 * oracle threshold within the oracle set.
 */
function crossFieldProblems(raw: unknown, flagged: ReadonlySet<string>): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  const shape = deployParametersSchema.shape;
  const curve = fieldOf(raw, ["schedule", "curve"], schedule.shape.curve);
  if (curve !== undefined) {
    const params: ScheduleParams = { curve, initialEmission: 0n, cap: 0n };
    for (const key of SCHEDULE_FIELDS) {
      const value = fieldOf(raw, ["schedule", key], schedule.shape[key]);
      if (value !== undefined) params[key] = value;
    }
    for (const problem of scheduleProblems(params)) {
      const field = `schedule.${problem.field}`;
      if (!flagged.has(field)) problems.push({ field, reason: problem.reason });
    }
  }
  const ecosystemBps = fieldOf(raw, ["splits", "ecosystemBps"], bps);
  const ecosystem = fieldOf(raw, ["recipients", "ecosystem"], shape.recipients.shape.ecosystem);
  if (ecosystemBps !== undefined && ecosystemBps > 0n && ecosystem === null) {
    problems.push({ field: "recipients.ecosystem", reason: "required (non-null) when splits.ecosystemBps > 0" });
  }
  const immediateBps = fieldOf(raw, ["rewards", "immediateBps"], bps);
  const vestingDuration = fieldOf(raw, ["rewards", "vestingDuration"], shape.rewards.shape.vestingDuration);
  if (
    immediateBps !== undefined &&
    vestingDuration !== undefined &&
    (immediateBps === LIMITS.bps) !== (vestingDuration === 0n)
  ) {
    problems.push({
      field: "rewards.vestingDuration",
      reason: `expected vestingDuration = 0 exactly when immediateBps = 10000, got ${vestingDuration} seconds with immediateBps ${immediateBps}`,
    });
  }
  const oracles = fieldOf(raw, ["roles", "oracles"], shape.roles.shape.oracles);
  const threshold = fieldOf(raw, ["roles", "oracleThreshold"], shape.roles.shape.oracleThreshold);
  if (oracles !== undefined && threshold !== undefined && threshold > oracles.length) {
    problems.push({
      field: "roles.oracleThreshold",
      reason: `expected at most the number of oracles (${oracles.length}), got ${threshold}`,
    });
  }
  return problems;
}

/** The file's sections in schema order, so problems are listed in the order their fields appear. */
const SECTION_ORDER: readonly string[] = Object.keys(deployParametersSchema.shape);

/** Validates raw JSON; throws {@link DeployParametersError} listing every problem (schema and cross-field). */
export function parseDeployParameters(raw: unknown, file = "<parameters>"): DeployParameters {
  const result = deployParametersSchema.safeParse(raw);
  const schemaProblems: ParameterProblem[] = result.success
    ? []
    : result.error.issues.map((issue) => ({
        field: issue.path.map(String).join(".") || "(root)",
        reason: issue.message,
      }));
  const problems = [...schemaProblems, ...crossFieldProblems(raw, new Set(schemaProblems.map((p) => p.field)))];
  if (problems.length > 0) {
    const section = (p: ParameterProblem) => SECTION_ORDER.indexOf(p.field.split(".")[0]);
    throw new DeployParametersError(
      file,
      problems
        .map((p, i) => ({ p, i }))
        .sort((a, b) => section(a.p) - section(b.p) || a.i - b.i)
        .map(({ p }) => p),
    );
  }
  return result.data!;
}

/** Reads and validates a parameter file. */
export function loadDeployParameters(file: string): DeployParameters {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new DeployParametersError(file, [{ field: "(file)", reason: `cannot read: ${(err as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DeployParametersError(file, [{ field: "(file)", reason: `not valid JSON: ${(err as Error).message}` }]);
  }
  return parseDeployParameters(raw, file);
}

/**
 * Replaces `"deployer"` by `deployer` and `"auto"` genesis by `autoGenesis` (the caller passes the genesis kept from
 * an earlier, interrupted run, or the latest block's timestamp).
 */
export function resolveDeployParameters(
  parameters: DeployParameters,
  context: { deployer: string; autoGenesis: bigint },
): ResolvedDeployParameters {
  const deployer = getAddress(context.deployer);
  const one = (a: string): string => (a === DEPLOYER ? deployer : a);
  const list = (l: string[]): string[] => l.map(one);
  return {
    ...parameters,
    epochs: {
      genesis: parameters.epochs.genesis === "auto" ? context.autoGenesis : parameters.epochs.genesis,
      epochLength: parameters.epochs.epochLength,
    },
    recipients: {
      treasury: one(parameters.recipients.treasury),
      ecosystem: parameters.recipients.ecosystem === null ? null : one(parameters.recipients.ecosystem),
    },
    registry: { ...parameters.registry, makers: list(parameters.registry.makers) },
    roles: {
      oracles: list(parameters.roles.oracles),
      oracleThreshold: parameters.roles.oracleThreshold,
      guardians: list(parameters.roles.guardians),
      distributorPausers: list(parameters.roles.distributorPausers),
      registryPausers: list(parameters.roles.registryPausers),
      fraudReviewers: list(parameters.roles.fraudReviewers),
      slashers: list(parameters.roles.slashers),
    },
    timelock: {
      ...parameters.timelock,
      proposers: list(parameters.timelock.proposers),
      executors: list(parameters.timelock.executors),
    },
  };
}

/** The parameter file of a network: `ignition/parameters/<network>.json` under `root`. */
export function defaultParametersFile(root: string, network: string): string {
  return `${root}/ignition/parameters/${network}.json`;
}
