/**
 * The epoch oracle's parameters: everything besides chain state and work reports that decides an epoch's rewards,
 * read from a JSON file (default `scripts/oracle/params/helium-hip17.json`), validated with zod (every problem is
 * listed, each naming its field), and recorded with every epoch (`params.json` and its digest in `epoch.json`), so
 * `epoch:verify --params` recomputes with the same numbers. Format (docs/oracle.md):
 *
 *   { "version": 1,
 *     "location": { "minResolution": 11 },            on-chain cells must be H3 cells at this resolution or finer
 *     "density": { "preset": "helium-hip17" },         HIP-17 density scaling (or an explicit "table", see below)
 *     "stakeFactor": { "enabled": false },             factor 1 + maxBoost × min(bond, cap) / ref
 *                                                      (cap: "capStakeWei", default ref; null = uncapped)
 *     "establishment": { "epochs": 0, "fractionBps": 10000 } }   new devices earn a fraction for their first epochs
 *
 * `density` is either `{ "preset": name, "resolutions"?: [r, …] }` (rows of a preset table, all by default) or
 * `{ "table": [{ "resolution", "n", "target", "max" }, …] }`, plus `"enabled"` (default true) and `"rollup"`
 * (`"clipped"` as HIP-17, or `"raw"`; default the preset's, else `"clipped"`). Rows go from the finest resolution to
 * the coarsest. The resolved parameters (`OracleParams`) are the explicit form, itself a valid file.
 * Class weights are not here: they are read from the registry (`classWeightBps`) at the snapshot block.
 */
import fs from "node:fs";
import path from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { z } from "zod";
import { DENSITY_PRESETS, type DensityParams, type DensityRollup } from "../../protocol/density";
import { H3_MAX_RESOLUTION } from "../../protocol/h3";
import type { EstablishmentParams, StakeFactorParams } from "../../protocol/reward";
import { toJson } from "../../lib/atomicFile";

/** The parameters file used when a task is given no `--params`: Helium's HIP-17 table on H3 cells. */
export const DEFAULT_ORACLE_PARAMS_FILE = path.join(__dirname, "params", "helium-hip17.json");

/** One row of a density table: HIP-17's (N, density_tgt, density_max) at an H3 resolution. */
export interface DensityTableRow {
  resolution: number;
  n: number;
  target: number;
  max: number;
}

/** Resolved oracle parameters (the explicit file form). */
export interface OracleParams {
  version: 1;
  location: { minResolution: number };
  density: { enabled: boolean; rollup: DensityRollup; table: DensityTableRow[] };
  /** `capStakeWei`: absent = the reference stake, null = uncapped (protocol/reward.ts StakeFactorParams). */
  stakeFactor: { enabled: boolean; referenceStakeWei: string; maxBoostBps: number; capStakeWei?: string | null };
  establishment: { epochs: number; fractionBps: number };
  /** Share of the score from served work (the reports' `servedWad`), in bps; absent = 0 (work only). */
  demandWeightBps?: number;
}

/** A parameters file that cannot be used; `problems` name the field (`density.table[2].max: …`). */
export class OracleParamsError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.length} problem(s) in the oracle parameters:\n  ${problems.join("\n  ")}`);
    this.name = "OracleParamsError";
  }
}

const resolution = z
  .int()
  .min(0)
  .max(H3_MAX_RESOLUTION, { message: `expected an H3 resolution 0..${H3_MAX_RESOLUTION}` });
const count = (min: number) => z.int().min(min);

const tableRow = z.strictObject({ resolution, n: count(0), target: count(1), max: count(1) });

const schema = z.strictObject({
  version: z.literal(1),
  location: z.strictObject({ minResolution: resolution.optional() }).prefault({}),
  density: z.strictObject({
    enabled: z.boolean().default(true),
    preset: z.enum(Object.keys(DENSITY_PRESETS) as [string, ...string[]]).optional(),
    resolutions: z.array(resolution).min(1).optional(),
    table: z.array(tableRow).min(1).optional(),
    rollup: z.enum(["raw", "clipped"]).optional(),
  }),
  stakeFactor: z
    .strictObject({
      enabled: z.boolean().default(false),
      referenceStakeWei: z
        .string()
        .regex(/^\d{1,78}$/, { message: "expected a decimal integer of wei as a string" })
        .default("0"),
      maxBoostBps: z.int().min(0).max(1_000_000).default(0),
      capStakeWei: z
        .string()
        .regex(/^\d{1,78}$/, { message: "expected a decimal integer of wei as a string, or null for uncapped" })
        .nullable()
        .optional(),
    })
    .prefault({}),
  establishment: z
    .strictObject({
      epochs: count(0).default(0),
      fractionBps: z.int().min(0).max(10_000).default(10_000),
    })
    .prefault({}),
  demandWeightBps: z.int().min(0).max(10_000).optional(),
});

function fieldOf(pathParts: readonly PropertyKey[]): string {
  return pathParts.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    "",
  );
}

/** Validates raw JSON (`source` names it in errors) into resolved parameters; lists every problem. */
export function parseOracleParams(raw: unknown, source = "<oracle parameters>"): OracleParams {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new OracleParamsError(
      source,
      parsed.error.issues.map((issue) => `${fieldOf(issue.path) || "(root)"}: ${issue.message}`),
    );
  }
  const file = parsed.data;
  const problems: string[] = [];
  const density = file.density;
  let table: DensityTableRow[] = [];
  let rollup: DensityRollup = density.rollup ?? "clipped";
  if (density.preset !== undefined && density.table !== undefined) {
    problems.push("density: give either preset (with optional resolutions) or table, not both");
  } else if (density.preset !== undefined) {
    const preset = DENSITY_PRESETS[density.preset];
    rollup = density.rollup ?? preset.rollup ?? "raw";
    const rows = preset.resolutions.map((r) => ({ resolution: r.level, n: r.n, target: r.target, max: r.max }));
    const wanted = density.resolutions ?? rows.map((r) => r.resolution);
    wanted.forEach((res, i) => {
      const row = rows.find((r) => r.resolution === res);
      if (row) table.push(row);
      else {
        problems.push(
          `density.resolutions[${i}]: preset ${density.preset} has no resolution ${res} (it has ${rows.map((r) => r.resolution).join(", ")})`,
        );
      }
    });
  } else if (density.table !== undefined) {
    if (density.resolutions !== undefined) {
      problems.push("density.resolutions: only with a preset (a table lists its own resolutions)");
    }
    table = density.table;
    table.forEach((row, i) => {
      if (row.max < row.target)
        problems.push(`density.table[${i}].max: expected ≥ target (${row.target}), got ${row.max}`);
    });
  } else {
    problems.push('density: expected a preset (e.g. "helium-hip17") or a table of {resolution, n, target, max}');
  }
  const where = density.table !== undefined ? "density.table" : "density.resolutions";
  table.forEach((row, i) => {
    if (i > 0 && row.resolution >= table[i - 1].resolution) {
      problems.push(
        `${where}[${i}]: resolutions go from finest to coarsest (strictly decreasing), got ${row.resolution} after ${table[i - 1].resolution}`,
      );
    }
  });
  const finest = table.length ? table[0].resolution : 0;
  const minResolution = file.location.minResolution ?? finest;
  if (minResolution < finest) {
    problems.push(
      `location.minResolution: expected ≥ the finest density resolution (${finest}), got ${minResolution} (a coarser cell has no parent at ${finest})`,
    );
  }
  if (file.stakeFactor.enabled && BigInt(file.stakeFactor.referenceStakeWei) === 0n) {
    problems.push("stakeFactor.referenceStakeWei: expected a positive amount of wei when the stake factor is enabled");
  }
  if (typeof file.stakeFactor.capStakeWei === "string" && BigInt(file.stakeFactor.capStakeWei) === 0n) {
    problems.push("stakeFactor.capStakeWei: expected a positive amount of wei, or null for uncapped");
  }
  if (problems.length) throw new OracleParamsError(source, problems);
  return {
    version: 1,
    location: { minResolution },
    density: { enabled: density.enabled, rollup, table: table.map((r) => ({ ...r })) },
    stakeFactor: { ...file.stakeFactor },
    establishment: { ...file.establishment },
    ...(file.demandWeightBps ? { demandWeightBps: file.demandWeightBps } : {}),
  };
}

/** Reads and validates a parameters file (default: `DEFAULT_ORACLE_PARAMS_FILE`). */
export function readOracleParams(file: string = DEFAULT_ORACLE_PARAMS_FILE): OracleParams {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new OracleParamsError(file, [`cannot read: ${(err as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new OracleParamsError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseOracleParams(raw, file);
}

/** The resolved parameters as a file (`params.json` of an epoch): canonical JSON, a valid `--params` input. */
export function oracleParamsJson(params: OracleParams): string {
  return toJson(params);
}

/** keccak256 of `oracleParamsJson`: recorded in `epoch.json` and in the epoch's inputs digest. */
export function oracleParamsDigest(params: OracleParams): string {
  return keccak256(toUtf8Bytes(oracleParamsJson(params)));
}

/** The density table as `protocol/density.ts` parameters (levels are H3 resolutions). */
export function densityParamsOf(params: OracleParams): DensityParams {
  return {
    enabled: params.density.enabled,
    rollup: params.density.rollup,
    resolutions: params.density.table.map((r) => ({ level: r.resolution, n: r.n, target: r.target, max: r.max })),
  };
}

export function stakeFactorOf(params: OracleParams): StakeFactorParams {
  const { enabled, referenceStakeWei, maxBoostBps, capStakeWei } = params.stakeFactor;
  return {
    enabled,
    referenceStakeWei: BigInt(referenceStakeWei),
    maxBoostBps,
    ...(capStakeWei === undefined ? {} : { capStakeWei: capStakeWei === null ? null : BigInt(capStakeWei) }),
  };
}

export function establishmentOf(params: OracleParams): EstablishmentParams {
  return { ...params.establishment };
}
