/**
 * The scenario file: its zod schema (the single definition; the JSON Schema in
 * simulation/scenario.schema.json is generated from it), loading from JSON or YAML, built-in lookup, and
 * validation that lists every problem by path before anything runs.
 *
 * Units: token amounts in whole tokens (numbers or decimal strings), USD in dollars, fractions in [0, 1],
 * probabilities per device per epoch. Emission parameters use the names of `protocol/emission.ts`.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import YAML from "yaml";
import { z } from "zod";
import { DENSITY_PRESETS, HIP17_DEFAULT } from "../protocol/density";
import { scheduleProblems, ScheduleParamsError, type ScheduleParams } from "../protocol/emission";
import { emissionSegmentSpecs, scheduleParamsOfSegment } from "./emissionSpec";
import { checkFormula, FormulaError, PATH_VARIABLES } from "./formula";
import { checkFormulaSegment } from "./emissionFormula";
import { HEADLINE_METRICS } from "./measure/metrics";
import { WORLD_CITIES } from "./world/cities";
import { REPO_ROOT } from "../lib/repoRoot";

// ---- primitives with messages a scenario author understands ------------------------------------------------
const posInt = () =>
  z
    .number({ error: "expected a positive integer" })
    .int({ error: "expected a positive integer" })
    .positive({ error: "expected a positive integer" });
const nonNegInt = () =>
  z
    .number({ error: "expected a non-negative integer" })
    .int({ error: "expected a non-negative integer" })
    .nonnegative({ error: "expected a non-negative integer" });
const nonNeg = () =>
  z
    .number({ error: "expected a non-negative number" })
    .nonnegative({ error: "expected a non-negative number" })
    .finite({ error: "expected a finite number" });
const positive = () =>
  z.number({ error: "expected a positive number" }).positive({ error: "expected a positive number" }).finite();
const fraction = () =>
  z
    .number({ error: "expected a number between 0 and 1" })
    .min(0, { error: "expected a number between 0 and 1" })
    .max(1, { error: "expected a number between 0 and 1" });
/** Whole tokens: a non-negative number or a decimal string ("1.5", "2e6"). */
const tokens = () =>
  z.union(
    [
      nonNeg(),
      z.string().regex(/^\d+(\.\d+)?([eE][+-]?\d+)?$/, {
        error: "expected a non-negative token amount (number or decimal string)",
      }),
    ],
    { error: "expected a non-negative token amount (number or decimal string)" },
  );
/** An integer in WAD (1e18 = 1.0), as in the contracts: a non-negative integer or an integer string. */
const wad = () =>
  z.union([nonNegInt(), z.string().regex(/^\d+$/, { error: "expected a WAD integer (1e18 = 1.0)" })], {
    error: "expected a WAD integer (1e18 = 1.0)",
  });

/** Named constants of a formula: `{ p0: 1.2, k: 0.01 }`; absent = none. */
const formulaParameters = () =>
  z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected a name (letters, digits, _)" }),
      z.number().finite(),
    )
    .optional()
    .describe("Named constants of the formula: { p0: 1.2, k: 0.01 }; absent = none.");

// ---- sections -----------------------------------------------------------------------------------------------
const emissionCurveFields = {
  /** The contracts' four curves, or `formula` (simulation only: tokens per epoch over network state). */
  curve: z
    .enum(["constant", "linear", "step", "exponential", "formula"])
    .default("constant")
    .describe("The contracts' four curves, or `formula` (simulation only: tokens per epoch over network state)."),
  /** Tokens emitted in epoch 0 (of the segment); default 5000, for `exponential` cap·(1 − f) (the curve sums to cap). */
  initialEmission: tokens()
    .optional()
    .describe(
      "Tokens emitted in epoch 0 (of the segment); default 5000, for `exponential` cap·(1 − f) (the curve sums to cap).",
    ),
  /** Hard cap on cumulative emission (tokens). */
  cap: tokens().default(50_000_000).describe("Hard cap on cumulative emission (tokens)."),
  /** linear: tokens less per epoch. */
  decrement: tokens().optional().describe("linear: tokens less per epoch."),
  /** linear/step: emission never falls below this (tokens). */
  floor: tokens().optional().describe("linear/step: emission never falls below this (tokens)."),
  /** step: multiply by this WAD factor every periodEpochs (0.5e18 = halving). */
  factorWad: wad().optional().describe("step: multiply by this WAD factor every periodEpochs (0.5e18 = halving)."),
  periodEpochs: posInt().optional(),
  /** exponential: half-life of the emission rate. */
  halfLifeEpochs: posInt().optional().describe("exponential: half-life of the emission rate."),
  /**
   * formula: tokens emitted in the epoch, a mathjs expression of the previous epoch's network state (devices,
   * reportedWork, price, emitted, … : simulation/README.md), `parameters` and `sums`; clipped at the caps.
   */
  formula: z
    .string()
    .min(1)
    .optional()
    .describe(
      "formula: tokens emitted in the epoch, a mathjs expression of the previous epoch's network state (devices, reportedWork, price, emitted, … : simulation/README.md), `parameters` and `sums`; clipped at the caps.",
    ),
  /** formula: named constants. */
  parameters: formulaParameters(),
  /** formula: named running sums over the segment's epochs, each term a formula of the same state (e.g. capped work). */
  sums: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected a name (letters, digits, _)" }),
      z.string().min(1),
    )
    .optional()
    .describe(
      "formula: named running sums over the segment's epochs, each term a formula of the same state (e.g. capped work).",
    ),
};

export const EmissionSchema = z.strictObject(emissionCurveFields);

/**
 * One dated segment of a segmented emission: the controller's schedule switch. The curve runs at local epoch
 * e − fromEpoch; the segment's cap bounds what the segment itself emits, the largest cap bounds the whole run.
 */
export const EmissionSegmentSchema = z
  .strictObject({
    /** Epoch from which this segment's curve applies (the first segment: 0). */
    fromEpoch: nonNegInt().describe("Epoch from which this segment's curve applies (the first segment: 0)."),
    ...emissionCurveFields,
  })
  .describe(
    "One dated segment of a segmented emission (the controller's schedule switch); its curve runs at local epoch e − fromEpoch.",
  );
export type EmissionSegmentSpec = z.output<typeof EmissionSegmentSchema>;

export const SplitsSchema = z
  .strictObject({
    workPoolBps: nonNegInt().default(7_000),
    treasuryBps: nonNegInt().default(2_000),
    ecosystemBps: nonNegInt().default(1_000),
  })
  .refine((s) => s.workPoolBps + s.treasuryBps + s.ecosystemBps === 10_000, {
    error: "splits must add up to 10000 bps",
  });

export const DeviceClassSchema = z.strictObject({
  name: z.string().min(1),
  /** Class weight in the reward function (1 = neutral). */
  weight: nonNeg().default(1).describe("Class weight in the reward function (1 = neutral)."),
  /** Mean verified work per device per epoch of an honest device (work units). */
  workPerEpoch: positive()
    .default(100)
    .describe("Mean verified work per device per epoch of an honest device (work units)."),
  hardwareCostUsd: nonNeg().default(500),
  opexUsdPerEpoch: nonNeg().default(0.5),
});

const DensityResolutionSchema = z.strictObject({
  level: nonNegInt(),
  target: posInt(),
  max: posInt(),
  n: nonNegInt(),
});

/** The synthetic world (default): a `width × height` hex torus with Gaussian cities (simulation/engine.ts). */
const GridWorldSchema = z.strictObject({
  width: posInt().default(64),
  height: posInt().default(64),
  /** Population centres honest devices cluster around. */
  cities: posInt().default(12).describe("Population centres honest devices cluster around."),
  /** Radius (cells) of a city. */
  citySpread: positive().default(3).describe("Radius (cells) of a city."),
});

const CitySchema = z.strictObject({
  name: z.string().min(1),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  population: positive(),
});

/** Real geography: H3 cells around real cities (simulation/world/h3World.ts). */
const H3WorldSchema = z.strictObject({
  kind: z.literal("h3"),
  /** A list of cities, or n = the n largest built-in ones (simulation/world/cities.ts WORLD_CITIES, 40). */
  cities: z
    .union([
      posInt().max(WORLD_CITIES.length, { error: `expected at most ${WORLD_CITIES.length} (the built-in cities)` }),
      z.array(CitySchema).min(1),
    ])
    .default(12)
    .describe("A list of cities {name, lat, lng, population}, or n = the n largest built-in ones (at most 40)."),
  /** H3 resolution of the world's cells (10..15; Helium's table needs 10 or finer). */
  resolution: z
    .number()
    .int({ error: "expected an H3 resolution 10..15" })
    .min(10, { error: "expected an H3 resolution 10..15" })
    .max(15, { error: "expected an H3 resolution 10..15" })
    .default(10),
  /** Standard deviation (km) of devices around a city centre. */
  citySpreadKm: positive().default(1.5).describe("Standard deviation (km) of devices around a city centre."),
  /** Share of devices in scattered rural cells. */
  ruralShare: fraction().default(0.05).describe("Share of devices in scattered rural cells."),
  ruralCellsPerCity: nonNegInt().default(50),
  /** Rural cells lie up to this distance (km) from their city. */
  ruralRadiusKm: positive().default(60).describe("Rural cells lie up to this distance (km) from their city."),
});

export const LeversSchema = z.strictObject({
  /** Bond per device (tokens): the price of a sybil. */
  minBond: tokens().default(0).describe("Bond per device (tokens): the price of a sybil."),
  slashing: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Share of the bond taken from a device caught cheating. */
      fraction: fraction().default(1).describe("Share of the bond taken from a device caught cheating."),
      /** Slashed tokens are burned (true) or sent to the treasury (false). */
      burn: z.boolean().default(true).describe("Slashed tokens are burned (true) or sent to the treasury (false)."),
    })
    .prefault({}),
  densityScaling: z
    .strictObject({
      enabled: z.boolean().default(true),
      /**
       * HIP-17 style table: on the grid world level k = blocks of 2^k × 2^k cells (default: three levels); on the
       * h3 world levels are H3 resolutions (give a table, or a preset).
       */
      resolutions: z.array(DensityResolutionSchema).min(1).optional(),
      /** A named table instead of `resolutions` (h3 world): `helium-hip17` = Helium's HIP-17 table, clipped rollup. */
      preset: z.enum(Object.keys(DENSITY_PRESETS) as [string, ...string[]]).optional(),
      /** What a parent cell's count is: its devices (`raw`, default) or its children's clipped counts (HIP-17). */
      rollup: z.enum(["raw", "clipped"]).optional(),
    })
    .transform((d, ctx) => {
      if (d.preset !== undefined && d.resolutions !== undefined) {
        ctx.issues.push({
          code: "custom",
          input: d,
          path: ["resolutions"],
          message: "give either preset or resolutions, not both",
        });
      }
      const preset = d.preset !== undefined ? DENSITY_PRESETS[d.preset] : undefined;
      const resolutions = d.resolutions ?? (preset ?? HIP17_DEFAULT).resolutions.map((r) => ({ ...r }));
      const rollup = d.rollup ?? preset?.rollup;
      // key order as before presets existed, so grid scenarios resolve to the same JSON
      return {
        enabled: d.enabled,
        resolutions,
        ...(d.preset !== undefined ? { preset: d.preset } : {}),
        ...(rollup !== undefined ? { rollup } : {}),
      };
    })
    .prefault({}),
  /** Score × (1 + maxBoost × min(stake, cap) / referenceStake): a device's bond boosts its pay. */
  stakeFactor: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Stake (tokens) that earns the boost `maxBoost`. */
      referenceStake: tokens().default(1_000).describe("Stake (tokens) that earns the boost `maxBoost`."),
      maxBoost: nonNeg().default(0.5),
      /** Stake (tokens) above which more stake earns nothing; absent = referenceStake; null = uncapped. */
      cap: tokens()
        .refine((v) => Number(v) > 0, { error: "expected a positive token amount, or null for uncapped" })
        .nullable()
        .optional()
        .describe("Stake (tokens) above which more stake earns nothing; absent = referenceStake; null = uncapped."),
    })
    .describe("Score × (1 + maxBoost × min(stake, cap) / referenceStake): a device's bond boosts its pay.")
    .prefault({}),
  establishment: z.strictObject({ epochs: nonNegInt().default(0), fraction: fraction().default(0.1) }).prefault({}),
  vesting: z
    .strictObject({ immediateFraction: fraction().default(1), durationEpochs: nonNegInt().default(0) })
    .prefault({}),
  /** Tokens burned per device at registration. */
  onboardingFee: tokens().default(0).describe("Tokens burned per device at registration."),
  /** Share of the score taken from served (paid) work rather than reported work. */
  demandWeight: fraction()
    .default(0)
    .describe("Share of the score taken from served (paid) work rather than reported work."),
  /** Probability per device per epoch that a challenge / witness check catches the fraud of each kind. */
  detection: z
    .strictObject({
      sybil: fraction().default(0),
      spoofer: fraction().default(0),
      fakeWork: fraction().default(0),
      collusion: fraction().default(0),
      /** Probability per honest device per epoch of a wrong flag by challenges. */
      honestFalsePositive: fraction()
        .default(0)
        .describe("Probability per honest device per epoch of a wrong flag by challenges."),
      /** Detection of a spoofer device multiplies by this once it has spread far from home. */
      spreadMultiplier: nonNeg()
        .default(2)
        .describe("Detection of a spoofer device multiplies by this once it has spread far from home."),
    })
    .prefault({}),
  /** Flags devices whose reported work exceeds threshold × their class's mean reported work. */
  anomalyDetector: z
    .strictObject({ enabled: z.boolean().default(false), threshold: positive().default(3) })
    .prefault({}),
  /**
   * Flags devices registered in bursts: a device whose owner, or whose registration cell, registered more than
   * `perOwner` (`perCell`) devices within `windowEpochs` epochs of its own registration is marked, and a marked device
   * is flagged with `probability` per epoch (a review of burst registrations). Absent = off.
   */
  registrationDetector: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Trailing window (epochs) over which registrations are counted. */
      windowEpochs: posInt().default(7).describe("Trailing window (epochs) over which registrations are counted."),
      /** A burst: more than this many registrations by one owner within the window (absent: owners not checked). */
      perOwner: nonNegInt()
        .optional()
        .describe("A burst: more than this many registrations by one owner within the window (absent: not checked)."),
      /** A burst: more than this many registrations in one cell within the window (absent: cells not checked). */
      perCell: nonNegInt()
        .optional()
        .describe("A burst: more than this many registrations in one cell within the window (absent: not checked)."),
      /** Probability per epoch that a device marked as registered in a burst is flagged. */
      probability: fraction()
        .default(0.05)
        .describe("Probability per epoch that a device marked as registered in a burst is flagged."),
      /** Registrations before this epoch (the launch set) are not judged. */
      fromEpoch: nonNegInt().default(1).describe("Registrations before this epoch (the launch set) are not judged."),
    })
    .optional()
    .describe(
      "Flags devices registered in bursts (per owner or per cell within windowEpochs), each marked device with " +
        "`probability` per epoch; absent = off.",
    ),
});

/**
 * Stake an operator bonds on each of its devices above the minimum bond (tokens), drawn once per operator from its
 * own random stream: `fixed`, `lognormal` (median, sigma of the log; optional max) or `list` (operators take the
 * values in order, cycling). A whale is an honest group of one operator (`devicesPerOperator` = `count`) with a
 * listed stake.
 */
export const StakeSchema = z
  .discriminatedUnion(
    "kind",
    [
      z.strictObject({ kind: z.literal("fixed"), tokens: tokens() }),
      z.strictObject({
        kind: z.literal("lognormal"),
        /** Median extra stake per device (tokens). */
        median: positive().describe("Median extra stake per device (tokens)."),
        /** Standard deviation of the stake's natural log. */
        sigma: nonNeg().describe("Standard deviation of the stake's natural log."),
        /** Draws above this are cut to it (tokens). */
        max: positive().optional().describe("Draws above this are cut to it (tokens)."),
      }),
      z.strictObject({ kind: z.literal("list"), tokens: z.array(tokens()).min(1) }),
    ],
    { error: "expected a stake distribution: kind fixed, lognormal or list" },
  )
  .describe(
    "Extra stake per device above the minimum bond (tokens), drawn once per operator: fixed, lognormal " +
      "(median, sigma, max) or list (cycled over operators).",
  );
export type StakeSpec = z.output<typeof StakeSchema>;

const AgentBase = {
  /** Extra stake per device above the minimum bond, drawn once per operator (absent: the minimum bond only). */
  stake: StakeSchema.optional(),
  /** Group name used in outputs (default: `<kind>-<index>`). */
  name: z.string().min(1).optional().describe("Group name used in outputs (default: `<kind>-<index>`)."),
  /** Devices at `startEpoch`. */
  count: nonNegInt().describe("Devices at `startEpoch`."),
  /** Device class name (default: the first class). */
  class: z.string().optional().describe("Device class name (default: the first class)."),
  startEpoch: nonNegInt().default(0),
  /** Adapt behaviour to the levers (false = fixed strategy). */
  adaptive: z.boolean().default(true).describe("Adapt behaviour to the levers (false = fixed strategy)."),
  /** Share of liquid reward tokens sold each epoch. */
  sellFraction: fraction().optional().describe("Share of liquid reward tokens sold each epoch."),
  /** Per-device spread of work (coefficient of variation of the epoch noise). */
  workCv: nonNeg().default(0.2).describe("Per-device spread of work (coefficient of variation of the epoch noise)."),
};

const HonestAgent = z.strictObject({
  ...AgentBase,
  kind: z.literal("honest"),
  devicesPerOperator: posInt().default(1),
  /** Device work relative to the class mean (better hardware > 1). */
  workMultiplier: positive().default(1).describe("Device work relative to the class mean (better hardware > 1)."),
  /** Spread of work rate between devices (coefficient of variation, fixed per device). */
  hardwareSpread: nonNeg()
    .default(0.2)
    .describe("Spread of work rate between devices (coefficient of variation, fixed per device)."),
  /** Most devices that join per epoch when the expected payback is immediate. */
  maxJoinPerEpoch: nonNegInt()
    .default(0)
    .describe("Most devices that join per epoch when the expected payback is immediate."),
  /** Devices join while payback is shorter than this many epochs. */
  paybackHorizonEpochs: posInt().default(365).describe("Devices join while payback is shorter than this many epochs."),
  /** Share of devices leaving per epoch while they lose money. */
  churnPerEpoch: fraction().default(0.01).describe("Share of devices leaving per epoch while they lose money."),
});

const SwarmFields = {
  /** The swarm never grows beyond this many devices. */
  maxDevices: nonNegInt().optional().describe("The swarm never grows beyond this many devices."),
  /** Share of the swarm it adds or removes per epoch as profit dictates. */
  resizePerEpoch: fraction()
    .default(0.1)
    .describe("Share of the swarm it adds or removes per epoch as profit dictates."),
  /**
   * The swarm buys more devices only while one more device's expected annual return on its capital (kit, fee and
   * bond), after opex, the bond's cost of capital, expected losses to detection and the kit written off over its
   * expected life, is at least this. It keeps the devices it has while they cover their running costs.
   */
  hurdleApr: z
    .number()
    .default(0.3)
    .describe(
      "The swarm buys more devices only while one more device's expected annual return on its capital (kit, fee, " +
        "bond) after running costs, expected detection losses and the kit written off over its expected life is at " +
        "least this; it keeps devices that cover their running costs.",
    ),
  /** Cost of running one fake device per epoch (USD): servers, SIMs, GPS spoofers. */
  opexUsdPerEpoch: nonNeg()
    .default(0.05)
    .describe("Cost of running one fake device per epoch (USD): servers, SIMs, GPS spoofers."),
  /** Up-front cost per device besides bond and fee (USD). */
  setupCostUsd: nonNeg().default(0).describe("Up-front cost per device besides bond and fee (USD)."),
  /** Reported work per device relative to the class mean. */
  workMultiplier: positive().default(1).describe("Reported work per device relative to the class mean."),
  /**
   * Owner accounts (wallets) the swarm registers its devices from, in turn; a farmer who knows of a per-owner
   * burst detector splits its registrations. Absent = one owner.
   */
  wallets: posInt()
    .optional()
    .describe(
      "Owner accounts (wallets) the swarm registers its devices from, in turn (a way around a per-owner burst " +
        "detector). Absent = one owner.",
    ),
  /**
   * Trickle: the swarm grows by this many devices per epoch (fractions accumulate: 0.2 = one device every 5 epochs)
   * instead of `resizePerEpoch`, up to `maxDevices`; while adaptive only while one more device beats `hurdleApr`,
   * otherwise regardless. Absent: growth by `resizePerEpoch` (at least one device an epoch).
   */
  joinPerEpoch: positive()
    .optional()
    .describe(
      "Trickle: grow by this many devices per epoch (fractions accumulate: 0.2 = one every 5 epochs) instead of " +
        "resizePerEpoch, up to maxDevices (adaptive: only while one more device beats hurdleApr). Absent: resizePerEpoch.",
    ),
};

const SybilAgent = z.strictObject({
  ...AgentBase,
  ...SwarmFields,
  kind: z.literal("sybil"),
  /** Cells the swarm sits in (a server farm claims few locations). */
  cells: posInt().default(2).describe("Cells the swarm sits in (a server farm claims few locations)."),
});

const SpooferAgent = z.strictObject({
  ...AgentBase,
  ...SwarmFields,
  kind: z.literal("spoofer"),
  /** Cells claimed at first (clustered near home). */
  cells: posInt().default(3).describe("Cells claimed at first (clustered near home)."),
  /** Spread out when the swarm's mean density factor falls below this. */
  spreadThreshold: fraction()
    .default(0.8)
    .describe("Spread out when the swarm's mean density factor falls below this."),
  /** Share of devices moved to empty cells per epoch while spreading. */
  spreadPerEpoch: fraction().default(0.25).describe("Share of devices moved to empty cells per epoch while spreading."),
  /**
   * Hopping: every epoch up to `share` of the devices move from the most crowded cells they hold to the cells with
   * the highest density factor, each move (only one that raises the device's factor) costing `costUsd` (counted as
   * opex). Replaces the one-off spread. Absent = off.
   */
  hop: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Most devices moved per epoch, as a share of the swarm. */
      share: fraction().default(0.1).describe("Most devices moved per epoch, as a share of the swarm."),
      /** Cost of one move (USD: a location re-assertion, moving the rig); counted as opex. */
      costUsd: nonNeg()
        .default(1)
        .describe("Cost of one move (USD: a location re-assertion, moving the rig); counted as opex."),
    })
    .optional()
    .describe(
      "Hopping: every epoch up to `share` of the devices move from their most crowded cells to the cells with the " +
        "highest density factor, each move costing `costUsd` (opex). Replaces the spread. Absent = off.",
    ),
});

const FakeWorkAgent = z.strictObject({
  ...AgentBase,
  kind: z.literal("fakeWork"),
  /** Reported work ÷ real work. */
  inflation: z.number().min(1, { error: "expected a number ≥ 1" }).default(3).describe("Reported work ÷ real work."),
  hardwareSpread: nonNeg().default(0.2),
  /**
   * `inflate` (default): real devices report `inflation` × their real work. `mimic`: devices that do no real work
   * report work drawn from the honest distribution of their class (each copies a random honest device of the class:
   * its group's work multiplier, hardware spread and epoch noise), so an anomaly detector cannot tell them apart.
   */
  mode: z
    .enum(["inflate", "mimic"])
    .optional()
    .describe(
      "`inflate` (default): real devices report inflation × real work. `mimic`: no real work; reported work drawn " +
        "from the honest distribution of the class (work multiplier, hardware spread, epoch noise).",
    ),
  /** Up-front cost per device besides bond and fee (USD); default: the class's hardware cost. */
  setupCostUsd: nonNeg()
    .optional()
    .describe("Up-front cost per device besides bond and fee (USD); default: the class's hardware cost."),
  /** Running cost per device per epoch (USD); default: the class's opex. */
  opexUsdPerEpoch: nonNeg().optional().describe("Running cost per device per epoch (USD); default: the class's opex."),
});

const CollusionAgent = z.strictObject({
  ...AgentBase,
  ...SwarmFields,
  kind: z.literal("collusion"),
  /** Neighbouring cells the ring spreads over (members witness each other). */
  cells: posInt().default(7).describe("Neighbouring cells the ring spreads over (members witness each other)."),
});

const MercenaryAgent = z.strictObject({
  ...AgentBase,
  kind: z.literal("mercenary"),
  maxDevices: nonNegInt().default(1_000),
  /** Enters in bulk when the annualised reward yield on hardware + bond exceeds this. */
  entryApr: nonNeg()
    .default(1)
    .describe("Enters in bulk when the annualised reward yield on hardware + bond exceeds this."),
  /** Leaves (and dumps its bond) when it falls below this. */
  exitApr: nonNeg().default(0.3).describe("Leaves (and dumps its bond) when it falls below this."),
  maxJoinPerEpoch: nonNegInt().default(200),
  workMultiplier: positive().default(1),
  hardwareSpread: nonNeg().default(0.1),
});

/** Attacks an adaptive farmer can switch between. */
export const FARMER_STRATEGIES = ["sybil", "spoofer", "fakeWork"] as const;
export type FarmerStrategy = (typeof FARMER_STRATEGIES)[number];

const AdaptiveFarmerAgent = z
  .strictObject({
    ...AgentBase,
    kind: z.literal("adaptive"),
    /** Attacks this farmer can run; it runs one at a time with `count` devices (its capital budget). */
    strategies: z
      .array(z.enum(FARMER_STRATEGIES, { error: `expected one of ${FARMER_STRATEGIES.join(", ")}` }))
      .min(1)
      .default([...FARMER_STRATEGIES])
      .describe("Attacks this farmer can run; it runs one at a time with `count` devices (its capital budget)."),
    /** Strategy at `startEpoch` (default: the first of `strategies`). */
    initialStrategy: z
      .enum(FARMER_STRATEGIES)
      .optional()
      .describe("Strategy at `startEpoch` (default: the first of `strategies`)."),
    /** Re-decide every this many epochs (K). */
    decideEveryEpochs: posInt().default(7).describe("Re-decide every this many epochs (K)."),
    /** Trailing window (epochs) of observed network pay per unit of score that the expectations average. */
    windowEpochs: posInt()
      .default(30)
      .describe("Trailing window (epochs) of observed network pay per unit of score that the expectations average."),
    /** Cost per device of switching attacks (USD: retooling, new identities), on top of the new attack's entry cost. */
    switchCostUsd: nonNeg()
      .default(5)
      .describe(
        "Cost per device of switching attacks (USD: retooling, new identities), on top of the new attack's entry cost.",
      ),
    /** A switch must repay its cost (switch + entry) out of the better yield within this many epochs. */
    horizonEpochs: posInt()
      .default(90)
      .describe("A switch must repay its cost (switch + entry) out of the better yield within this many epochs."),
    /** Stop farming (all devices leave) when the best expected annual return on capital is below this. */
    hurdleApr: z
      .number()
      .default(0)
      .describe("Stop farming (all devices leave) when the best expected annual return on capital is below this."),
    /** Reported work per device relative to the class mean (sybil, spoofer; fake work: real work). */
    workMultiplier: positive()
      .default(1)
      .describe("Reported work per device relative to the class mean (sybil, spoofer; fake work: real work)."),
    /** Sybil attack: virtual devices in a few cells. */
    sybil: z
      .strictObject({
        /** Cells the swarm sits in. */
        cells: posInt().default(2).describe("Cells the swarm sits in."),
        setupCostUsd: nonNeg().default(1).describe("Up-front cost per virtual device (USD)."),
        opexUsdPerEpoch: nonNeg().default(0.02).describe("Running cost per virtual device per epoch (USD)."),
      })
      .prefault({})
      .describe("Sybil attack: virtual devices in a few cells."),
    /** Location spoofing: virtual devices spread over random cells (caught more often: × detection.spreadMultiplier). */
    spoofer: z
      .strictObject({
        setupCostUsd: nonNeg().default(20).describe("Up-front cost per spoofed device (USD: GPS spoofer, SIM)."),
        opexUsdPerEpoch: nonNeg().default(0.1).describe("Running cost per spoofed device per epoch (USD)."),
      })
      .prefault({})
      .describe(
        "Location spoofing: virtual devices spread over random cells (caught more often: × detection.spreadMultiplier).",
      ),
    /** Fake work: real hardware of the class (its cost and opex) that inflates reported work. */
    fakeWork: z
      .strictObject({
        inflation: z
          .number()
          .min(1, { error: "expected a number ≥ 1" })
          .default(3)
          .describe("Reported work ÷ real work."),
        hardwareSpread: nonNeg()
          .default(0.2)
          .describe("Spread of work rate between devices (coefficient of variation)."),
      })
      .prefault({})
      .describe("Fake work: real hardware of the class (its cost and opex) that inflates reported work."),
  })
  .describe(
    "A farmer that switches attack: every `decideEveryEpochs` it estimates, for each of `strategies`, the expected " +
      "annual profit per unit of capital under the current levers (network pay per unit of score averaged over " +
      "`windowEpochs`, the density factor its devices would get, detection, slashing, bond, costs) and moves to the " +
      "best one when the gain repays `switchCostUsd` + the new entry cost within `horizonEpochs`; it stops farming " +
      "below `hurdleApr`. `adaptive: false` keeps the initial strategy.",
  );

export const AgentSchema = z.discriminatedUnion("kind", [
  HonestAgent,
  SybilAgent,
  SpooferAgent,
  FakeWorkAgent,
  CollusionAgent,
  MercenaryAgent,
  AdaptiveFarmerAgent,
]);

/** A scripted change of levers at the start of an epoch (governance acting mid-run). Only the fields given change. */
const LeverChangeSchema = z
  .strictObject(
    {
      /** Epoch from whose start the change applies. */
      epoch: nonNegInt().describe("Epoch from whose start the change applies."),
      /** New minimum bond (tokens); devices below it top up their bond (bought on the market). */
      minBond: tokens()
        .optional()
        .describe("New minimum bond (tokens); devices below it top up their bond (bought on the market)."),
      onboardingFee: tokens().optional().describe("New onboarding fee (tokens per new device)."),
      densityScaling: z
        .strictObject({
          enabled: z.boolean().optional(),
          resolutions: z.array(DensityResolutionSchema).min(1).optional(),
          rollup: z.enum(["raw", "clipped"]).optional(),
        })
        .optional(),
      detection: z
        .strictObject({
          sybil: fraction().optional(),
          spoofer: fraction().optional(),
          fakeWork: fraction().optional(),
          collusion: fraction().optional(),
          honestFalsePositive: fraction().optional(),
          spreadMultiplier: nonNeg().optional(),
        })
        .optional(),
      anomalyDetector: z.strictObject({ enabled: z.boolean().optional(), threshold: positive().optional() }).optional(),
      /**
       * The registration detector switched on or off, or its rule changed; its window and `fromEpoch` stay the base
       * `levers.registrationDetector`'s (which must be given, `enabled: false` for a detector switched on later).
       */
      registrationDetector: z
        .strictObject({
          enabled: z.boolean().optional(),
          perOwner: nonNegInt().optional(),
          perCell: nonNegInt().optional(),
          probability: fraction().optional(),
        })
        .optional()
        .describe(
          "The registration detector switched on or off, or its rule changed (window and fromEpoch: the base's, which must be given).",
        ),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys" && issue.keys.includes("emission")
          ? "emission cannot change in leverChanges: write the top-level `emission` as a list of dated segments " +
            "[{fromEpoch: 0, curve, …}, {fromEpoch: N, curve, …}] (the controller's schedule switch)"
          : undefined,
    },
  )
  .describe(
    "A scripted change of levers at the start of an epoch (governance acting mid-run). Only the fields given change.",
  );
export type LeverChange = z.output<typeof LeverChangeSchema>;

export const MarketSchema = z.strictObject({
  /** `amm`: constant-product pool fed by sells and buys; `exogenous`: a price path. */
  model: z
    .enum(["amm", "exogenous"])
    .default("amm")
    .describe("`amm`: constant-product pool fed by sells and buys; `exogenous`: a price path."),
  initialPrice: positive().default(1),
  /** amm: USD on each side of the pool at start. */
  liquidityUsd: positive().default(2_000_000).describe("amm: USD on each side of the pool at start."),
  /** exogenous: log drift per epoch (−0.005 ≈ −84% a year). */
  drift: z.number().default(0).describe("exogenous: log drift per epoch (−0.005 ≈ −84% a year)."),
  /** exogenous: log volatility per epoch. */
  volatility: nonNeg().default(0).describe("exogenous: log volatility per epoch."),
  /** Tokens in existence before epoch 0 (genesis allocation, pool float); default: the pool's token side. */
  genesisSupply: tokens()
    .optional()
    .describe("Tokens in existence before epoch 0 (genesis allocation, pool float); default: the pool's token side."),
  /** Yearly cost of capital for bonds (opportunity cost). */
  costOfCapital: nonNeg().default(0.1).describe("Yearly cost of capital for bonds (opportunity cost)."),
  /** exogenous: the price (USD) as a mathjs formula of the epoch `t` and `parameters`; replaces drift/volatility. */
  pricePath: z
    .string()
    .min(1)
    .optional()
    .describe(
      "exogenous: the price (USD) as a mathjs formula of the epoch `t` and `parameters`; replaces drift/volatility.",
    ),
  /** Named constants of `pricePath`. */
  parameters: formulaParameters(),
});

export const DemandSchema = z.strictObject({
  /** Paid demand in epoch 0 (USD). */
  initialUsdPerEpoch: nonNeg().default(1_000).describe("Paid demand in epoch 0 (USD)."),
  /** Growth of demand per epoch (0.002 ≈ +107% a year; negative = shrinking). */
  growthPerEpoch: z
    .number()
    .min(-1)
    .default(0.002)
    .describe("Growth of demand per epoch (0.002 ≈ +107% a year; negative = shrinking)."),
  /** Paid demand (USD) as a mathjs formula of the epoch `t` and `parameters` (negative = 0); replaces the growth. */
  usdPerEpoch: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Paid demand (USD) as a mathjs formula of the epoch `t` and `parameters` (negative = 0); replaces the growth.",
    ),
  /** Named constants of `usdPerEpoch`. */
  parameters: formulaParameters(),
  /** USD paid per unit of served work. */
  usdPerWorkUnit: positive().default(0.02).describe("USD paid per unit of served work."),
  /** Demand buys tokens and burns them (Helium data credits); otherwise it pays operators in USD. */
  burnAndMint: z
    .boolean()
    .default(true)
    .describe("Demand buys tokens and burns them (Helium data credits); otherwise it pays operators in USD."),
});

/**
 * How the network runs on chain (exact and EVM modes: claims, the challenge window, unbonding, the oracle set).
 * Absent: the defaults below.
 */
export const ChainSchema = z
  .strictObject({
    /** Every owner claims its rewards every this many epochs (1: every epoch, after the epoch's root is posted). */
    claimEveryEpochs: posInt()
      .default(1)
      .describe("Every owner claims its rewards every this many epochs (1: every epoch, after the root is posted)."),
    /** RewardDistributor challenge window (seconds): claims wait this long after a root is posted. */
    challengeWindowSeconds: nonNegInt()
      .default(0)
      .describe("RewardDistributor challenge window (seconds): claims wait this long after a root is posted."),
    /** Staking unbonding delay (seconds) between a leaving device's unstake and the withdrawal of its bond. */
    unbondingDelaySeconds: posInt()
      .default(1)
      .describe("Staking unbonding delay (seconds) between a leaving device's unstake and the withdrawal of its bond."),
    /** The k-of-n oracle set: `threshold` of `members` sign every root. */
    oracle: z
      .strictObject({ members: posInt().default(5), threshold: posInt().default(3) })
      .prefault({})
      .describe("The k-of-n oracle set: `threshold` of `members` sign every root."),
  })
  .refine((c) => c.oracle.threshold <= c.oracle.members && c.oracle.members <= 32, {
    error: "expected 1 ≤ oracle.threshold ≤ oracle.members ≤ 32",
    path: ["oracle"],
  })
  .describe(
    "How the network runs on chain (exact and EVM modes: claims, the challenge window, unbonding, the oracle set).",
  );
export type ChainSettings = z.output<typeof ChainSchema>;

const VerdictSchema = z.strictObject({
  metric: z.enum(HEADLINE_METRICS, { error: `expected one of the headline metrics: ${HEADLINE_METRICS.join(", ")}` }),
  comparator: z.enum(["<=", ">=", "<", ">", "between"]),
  threshold: z.union([z.number(), z.tuple([z.number(), z.number()])]),
});

export const DEFAULT_VERDICTS: z.input<typeof VerdictSchema>[] = [
  { metric: "leakage", comparator: "<=", threshold: 0.05 },
  { metric: "honestCaptureRatio", comparator: "between", threshold: [0.9, 1.1] },
  { metric: "falseSlashRate", comparator: "<=", threshold: 0.001 },
];

export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1).default("scenario"),
    description: z.string().default(""),
    /** Scenario seed; replicate r runs with a seed derived from (seed, r). */
    seed: nonNegInt().default(1).describe("Scenario seed; replicate r runs with a seed derived from (seed, r)."),
    /** Monte Carlo replicates. */
    runs: posInt().default(1).describe("Monte Carlo replicates."),
    epochs: posInt().default(365),
    epochLengthSeconds: posInt().default(86_400),
    /** Default when the section is absent: Helium-like halving of 5,000 tokens a day every two years. */
    /** One schedule, or dated segments `[{fromEpoch: 0, …}, {fromEpoch, …}]` (the controller's schedule switch). */
    emission: z
      .union([EmissionSchema, z.array(EmissionSegmentSchema).min(1)], {
        error: "expected one schedule (an object) or a list of dated segments [{fromEpoch: 0, curve, …}, …]",
      })
      .prefault({
        curve: "step",
        initialEmission: 5_000,
        cap: 50_000_000,
        factorWad: "500000000000000000",
        periodEpochs: 730,
      })
      .describe(
        "One schedule, or dated segments [{fromEpoch: 0, …}, {fromEpoch, …}] (the controller's schedule switch).",
      ),
    splits: SplitsSchema.prefault({}),
    classes: z
      .array(DeviceClassSchema)
      .min(1)
      .prefault([{ name: "hotspot" }]),
    world: z.union([GridWorldSchema, H3WorldSchema]).prefault({}),
    levers: LeversSchema.prefault({}),
    /** Scripted lever changes (applied at the start of their epoch, in order); absent = none. */
    leverChanges: z
      .array(LeverChangeSchema)
      .optional()
      .describe("Scripted lever changes (applied at the start of their epoch, in order); absent = none."),
    market: MarketSchema.prefault({}),
    demand: DemandSchema.prefault({}),
    /** On-chain settings of exact and EVM modes; absent = defaults. */
    chain: ChainSchema.optional().describe("On-chain settings of exact and EVM modes; absent = defaults."),
    agents: z
      .array(AgentSchema)
      .min(1)
      .prefault([{ kind: "honest", count: 1_000 }]),
    verdicts: z.array(VerdictSchema).prefault(DEFAULT_VERDICTS),
  })
  .superRefine((s, ctx) => {
    const classNames = new Set(s.classes.map((c) => c.name));
    s.agents.forEach((a, i) => {
      if (a.class !== undefined && !classNames.has(a.class)) {
        ctx.addIssue({
          code: "custom",
          path: ["agents", i, "class"],
          message: `expected one of the classes ${[...classNames].join(", ")}`,
        });
      }
      if (a.startEpoch >= s.epochs) {
        ctx.addIssue({ code: "custom", path: ["agents", i, "startEpoch"], message: `expected < epochs (${s.epochs})` });
      }
    });
    s.agents.forEach((a, i) => {
      if ("joinPerEpoch" in a && a.joinPerEpoch !== undefined && a.maxDevices === undefined && a.count === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["agents", i, "maxDevices"],
          message: "required with joinPerEpoch when count is 0 (the swarm grows up to maxDevices)",
        });
      }
      if (a.kind === "adaptive" && a.initialStrategy !== undefined && !a.strategies.includes(a.initialStrategy)) {
        ctx.addIssue({
          code: "custom",
          path: ["agents", i, "initialStrategy"],
          message: `expected one of the group's strategies (${a.strategies.join(", ")})`,
        });
      }
    });
    const changes = s.leverChanges ?? [];
    changes.forEach((c, i) => {
      if (c.epoch >= s.epochs)
        ctx.addIssue({
          code: "custom",
          path: ["leverChanges", i, "epoch"],
          message: `expected < epochs (${s.epochs})`,
        });
      if (i > 0 && c.epoch < changes[i - 1].epoch) {
        ctx.addIssue({
          code: "custom",
          path: ["leverChanges", i, "epoch"],
          message: "expected changes in epoch order",
        });
      }
      if (c.registrationDetector !== undefined && s.levers.registrationDetector === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["leverChanges", i, "registrationDetector"],
          message:
            "needs levers.registrationDetector in the base scenario (for a detector switched on later: " +
            "{ enabled: false, windowEpochs, perOwner or perCell, fromEpoch }): its window and fromEpoch apply",
        });
      }
    });
    s.verdicts.forEach((v, i) => {
      if ((v.comparator === "between") !== Array.isArray(v.threshold)) {
        ctx.addIssue({
          code: "custom",
          path: ["verdicts", i, "threshold"],
          message:
            v.comparator === "between"
              ? "expected [min, max] for 'between'"
              : `expected a number for '${v.comparator}'`,
        });
      }
    });
    densityWorldIssues(s.world, s.levers.densityScaling, ["levers", "densityScaling"], ctx);
    changes.forEach((c, i) => {
      if (c.densityScaling?.resolutions) {
        densityWorldIssues(
          s.world,
          {
            resolutions: c.densityScaling.resolutions,
            rollup: c.densityScaling.rollup ?? s.levers.densityScaling.rollup,
          },
          ["leverChanges", i, "densityScaling"],
          ctx,
        );
      }
    });
    const names = s.agents.map((a, i) => a.name ?? `${a.kind}-${i}`);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i)
        ctx.addIssue({ code: "custom", path: ["agents", i, "name"], message: `duplicate agent name "${n}"` });
    });
    if (s.classes.length > 255)
      ctx.addIssue({ code: "custom", path: ["classes"], message: "expected at most 255 classes" });
    if (s.agents.length > 255)
      ctx.addIssue({ code: "custom", path: ["agents"], message: "expected at most 255 agent groups" });
    emissionIssues(s as Scenario, ctx);
    formulaIssues(s as Scenario, ctx);
  });

/** Formulas are checked at load: unknown symbols and functions are refused, naming the field and the symbol. */
function formulaIssues(s: Scenario, ctx: z.RefinementCtx): void {
  const check = (text: string | undefined, at: string[], parameters: Record<string, number>): void => {
    if (text === undefined) return;
    try {
      checkFormula(text, at.join("."), PATH_VARIABLES, parameters);
    } catch (err) {
      const message = err instanceof FormulaError ? err.message.slice(err.field.length + 2) : String(err);
      ctx.addIssue({ code: "custom", path: at, message });
    }
  };
  check(s.market.pricePath, ["market", "pricePath"], s.market.parameters ?? {});
  if (s.market.pricePath !== undefined && s.market.model !== "exogenous") {
    ctx.addIssue({ code: "custom", path: ["market", "pricePath"], message: 'needs market.model "exogenous"' });
  }
  check(s.demand.usdPerEpoch, ["demand", "usdPerEpoch"], s.demand.parameters ?? {});
}

/** Each emission segment's required fields, its dates, and the protocol's own checks, under emission[.i].<field>. */
function emissionIssues(s: Scenario, ctx: z.RefinementCtx): void {
  const list = Array.isArray(s.emission);
  const specs = emissionSegmentSpecs(s.emission);
  specs.forEach((e, i) => {
    let problems = 0;
    const at = (field: string) => (list ? ["emission", i, field] : ["emission", field]);
    const issue = (field: string, message: string) => {
      problems++;
      ctx.addIssue({ code: "custom", path: at(field), message });
    };
    const need = (field: keyof EmissionSegmentSpec): void => {
      if (e[field] === undefined) issue(field, `required for the ${e.curve} curve`);
    };
    if (e.curve === "linear") need("decrement");
    if (e.curve === "step") {
      need("factorWad");
      need("periodEpochs");
    }
    if (e.curve === "exponential") need("halfLifeEpochs");
    const formulaOnly = ["formula", "parameters", "sums"] as const;
    if (e.curve === "formula") {
      need("formula");
      for (const f of [
        "initialEmission",
        "decrement",
        "floor",
        "factorWad",
        "periodEpochs",
        "halfLifeEpochs",
      ] as const) {
        if (e[f] !== undefined) issue(f, "not used by the formula curve (the formula gives each epoch's emission)");
      }
    } else {
      for (const f of formulaOnly) if (e[f] !== undefined) issue(f, 'only with curve "formula"');
    }
    if (list && i === 0 && e.fromEpoch !== 0) issue("fromEpoch", "expected 0 for the first segment");
    if (list && i > 0 && e.fromEpoch <= specs[i - 1].fromEpoch) {
      issue("fromEpoch", `expected > ${specs[i - 1].fromEpoch} (segments in strictly increasing epoch order)`);
    }
    if (list && e.fromEpoch >= s.epochs) issue("fromEpoch", `expected < epochs (${s.epochs})`);
    if (problems > 0) return;
    if (e.curve === "formula") {
      // names, sums and the formula: unknown symbols refused naming the field (simulation/formula.ts)
      try {
        checkFormulaSegment(s.emission, i, e);
      } catch (err) {
        if (!(err instanceof FormulaError)) throw err;
        const field = err.field.replace(/^emission(\[\d+\])?\./, "");
        ctx.addIssue({ code: "custom", path: at(field), message: err.message.slice(err.field.length + 2) });
      }
      return;
    }
    // the protocol's own checks (ranges, unused parameters), every problem of the segment
    let params: ScheduleParams;
    try {
      params = scheduleParamsOfSegment(e); // derives an exponential's initial emission, which can fail on its own
    } catch (err) {
      if (err instanceof ScheduleParamsError) issue(err.field, err.reason);
      else issue("curve", String(err));
      return;
    }
    for (const problem of scheduleProblems(params)) issue(problem.field, problem.reason);
  });
}

/**
 * A density table must fit its world: on the h3 world levels are H3 resolutions no finer than the world's cells
 * (and finest first for the clipped rollup); H3 presets belong to the h3 world.
 */
function densityWorldIssues(
  world: z.output<typeof GridWorldSchema> | z.output<typeof H3WorldSchema>,
  density: {
    resolutions: readonly { level: number; target: number; max: number; n: number }[];
    preset?: string;
    rollup?: string;
  },
  at: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  if (!("kind" in world)) {
    if (density.preset !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...at, "preset"],
        message: `the ${density.preset} preset has H3 resolutions: use it with world.kind "h3"`,
      });
    }
    return;
  }
  density.resolutions.forEach((r, i) => {
    if (r.level > world.resolution) {
      ctx.addIssue({
        code: "custom",
        path: [...at, "resolutions", i, "level"],
        message: `expected an H3 resolution ≤ world.resolution (${world.resolution}), got ${r.level} (on the h3 world levels are H3 resolutions; e.g. preset: helium-hip17)`,
      });
    } else if (density.rollup === "clipped" && i > 0 && r.level >= density.resolutions[i - 1].level) {
      ctx.addIssue({
        code: "custom",
        path: [...at, "resolutions", i, "level"],
        message: `the clipped rollup needs resolutions finest first (strictly decreasing), got ${r.level} after ${density.resolutions[i - 1].level}`,
      });
    }
  });
  const gridDefault = JSON.stringify(HIP17_DEFAULT.resolutions);
  if (density.preset === undefined && JSON.stringify(density.resolutions) === gridDefault) {
    ctx.addIssue({
      code: "custom",
      path: [...at, "resolutions"],
      message:
        "on the h3 world levels are H3 resolutions, and these are the grid's default table: give preset: helium-hip17 or a table of H3 resolutions",
    });
  }
}

/** The world spec of the h3 world, or `undefined` for the grid. */
export type H3WorldSpec = z.output<typeof H3WorldSchema>;

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.output<typeof ScenarioSchema>;

/** Devices the scenario starts with: every agent group's `count` (joins and leaves come later, in the run). */
export function initialDevices(scenario: Pick<Scenario, "agents">): number {
  return scenario.agents.reduce((sum, a) => sum + a.count, 0);
}
export type VerdictSpec = Scenario["verdicts"][number];
export type AgentSpec = z.output<typeof AgentSchema>;
export type AgentKind = AgentSpec["kind"];

/** A scenario file that failed validation; `problems` lists every issue as `path: message`. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid scenario\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ScenarioError";
  }
}

/** `agents[2].count` from a zod path. */
export function formatPath(p: readonly PropertyKey[]): string {
  let out = "";
  for (const k of p) out += typeof k === "number" ? `[${k}]` : out === "" ? String(k) : `.${String(k)}`;
  return out === "" ? "(root)" : out;
}

/**
 * A union of objects told apart by `kind` (the world: grid without it, `kind: "h3"`) or by type (emission: one
 * schedule or a list of segments) fails as one "Invalid input"; report the issues of the branch that matched instead.
 */
function worldBranchIssues(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  // an unknown kind fails both branches; zod reports the grid's "unrecognized key" alone
  if (
    issue.code === "unrecognized_keys" &&
    issue.path.length === 1 &&
    issue.path[0] === "world" &&
    issue.keys.includes("kind")
  ) {
    const message = `expected "h3" (real H3 cells) or no kind (the synthetic hex grid)`;
    const rest = issue.keys.filter((k) => k !== "kind");
    return [
      { code: "custom", path: ["world", "kind"], message, input: undefined } as z.core.$ZodIssue,
      ...(rest.length
        ? [{ ...issue, keys: rest, message: `Unrecognized key(s): ${rest.map((k) => `"${k}"`).join(", ")}` }]
        : []),
    ];
  }
  if (issue.code !== "invalid_union") return [issue];
  const aboutKind = (i: z.core.$ZodIssue) =>
    i.path[0] === "kind" || (i.code === "unrecognized_keys" && i.keys.includes("kind"));
  // a branch of another type (the object form of `emission` given a list, or the reverse) is not the one meant
  const otherType = (i: z.core.$ZodIssue) => i.path.length === 0 && i.code === "invalid_type";
  const matched = issue.errors.filter((branch) => !branch.some(aboutKind) && !branch.some(otherType));
  if (matched.length !== 1) return [issue];
  return matched[0].map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
}

/** The dotted keys of a parameter path: `agents[2].count` → ["agents", "2", "count"]. */
function pathKeys(dotted: string): string[] {
  return dotted
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((k) => k !== "");
}

/**
 * Validate an already-parsed object; throws ScenarioError listing every problem. `overrides` names the command-line
 * flag behind each overridden path (e.g. `levers.minBond` → `--param levers.minBond=abc`), so a problem at or below
 * an overridden path blames the flag, not the file.
 */
export function parseScenario(
  raw: unknown,
  source = "scenario",
  overrides: Readonly<Record<string, string>> = {},
): Scenario {
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) {
    const flags = Object.entries(overrides).map(([k, label]) => ({ keys: pathKeys(k), label }));
    const flagOf = (at: readonly PropertyKey[]) =>
      flags.find((f) => f.keys.length <= at.length && f.keys.every((k, i) => k === String(at[i])))?.label;
    // each problem with the flag it blames, if any (none: the file holds it)
    const found = result.error.issues.flatMap(worldBranchIssues).flatMap((i): { flag?: string; text: string }[] => {
      if (i.code === "unrecognized_keys") {
        const flagged = i.keys.map((k) => ({ key: k, flag: flagOf([...i.path, k]) })).filter((b) => b.flag);
        const rest = i.keys.filter((k) => !flagged.some((b) => b.key === k));
        return [
          ...flagged.map(({ key, flag }) => ({ flag, text: `${flag}: ${formatPath(i.path)} has no field "${key}"` })),
          // keys from the file keep the schema's own message (e.g. leverChanges' pointer to dated emission segments)
          ...(rest.length ? [{ text: `${formatPath(i.path)}: ${i.message}` }] : []),
        ];
      }
      const flag = flagOf(i.path);
      return [{ flag, text: `${flag ? `${flag}: ` : ""}${formatPath(i.path)}: ${i.message}` }];
    });
    // when every problem comes from a flag, the file is fine: the header says so
    const fromFlags = found.length > 0 && found.every((p) => p.flag !== undefined);
    throw new ScenarioError(
      fromFlags ? `the command-line overrides of ${source}` : source,
      found.map((p) => p.text),
    );
  }
  return result.data;
}

/** Directory of the built-in scenario library. */
export const SCENARIO_DIR = path.join(REPO_ROOT, "simulation", "scenarios");

/** Names of the built-in scenarios. */
export function builtInScenarios(): string[] {
  if (!fs.existsSync(SCENARIO_DIR)) return [];
  return fs
    .readdirSync(SCENARIO_DIR)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => f.replace(/\.(ya?ml|json)$/, ""))
    .sort();
}

/** Resolve `name|file` to a file path: an existing file wins, else a built-in scenario name. */
export function resolveScenarioPath(nameOrFile: string): string {
  if (fs.existsSync(nameOrFile) && fs.statSync(nameOrFile).isFile()) return nameOrFile;
  for (const ext of [".yaml", ".yml", ".json"]) {
    const p = path.join(SCENARIO_DIR, nameOrFile + ext);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(
    `scenario "${nameOrFile}" is neither a file nor a built-in scenario (built-ins: ${builtInScenarios().join(", ")})`,
  );
}

/** Read a scenario file (JSON or YAML by extension) without validating it. */
export function readScenarioFile(nameOrFile: string): { raw: Record<string, unknown>; source: string } {
  const file = resolveScenarioPath(nameOrFile);
  const text = fs.readFileSync(file, "utf8");
  let raw: unknown;
  try {
    raw = file.endsWith(".json") ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    const kind = file.endsWith(".json") ? "JSON" : "YAML";
    throw new ScenarioError(file, [`(file): not valid ${kind}: ${(err as Error).message}`]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ScenarioError(file, ["(root): expected an object"]);
  }
  const source = path.relative(process.cwd(), file) || file;
  return { raw: raw as Record<string, unknown>, source };
}

/** Overrides that have a flag of their own (`--seed`, `--runs`, `--epochs`); the rest come from `--param`. */
const OVERRIDE_FLAGS = new Set(["seed", "runs", "epochs"]);

/**
 * Load and validate a scenario, applying `overrides` (dotted path → value, e.g. `levers.minBond` → 100) to the raw
 * file first, so overridden values are validated like the rest; a problem in an overridden value names its flag.
 */

export function loadScenario(
  nameOrFile: string,
  overrides: Readonly<Record<string, unknown>> = {},
): { scenario: Scenario; source: string } {
  const { raw, source } = readScenarioFile(nameOrFile);
  const copy = structuredClone(raw);
  const flags: Record<string, string> = {};
  for (const [k, v] of Object.entries(overrides)) {
    setPath(copy, k, v);
    flags[k] = OVERRIDE_FLAGS.has(k)
      ? `--${k} ${String(v)}`
      : `--param ${k}=${typeof v === "string" ? v : JSON.stringify(v)}`;
  }
  return { scenario: parseScenario(copy, source, flags), source };
}

/** Deterministic JSON (sorted keys) used for hashing and for `scenario.resolved.json`. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + "\n";
}

/** sha256 of the canonical resolved scenario. */
export function scenarioHash(scenario: Scenario): string {
  return createHash("sha256").update(canonicalJson(scenario)).digest("hex");
}

/**
 * Set `a.b[2].c = value` on a raw scenario object (for `--param` / `--epochs` overrides), creating objects on the
 * way. Values are parsed as JSON where possible ("100" → 100, "true" → true), else kept as strings.
 */
export function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = pathKeys(dotted);
  if (keys.length === 0) throw new Error(`empty parameter path "${dotted}"`);
  let node: Record<string, unknown> = target;
  keys.forEach((k, i) => {
    if (Array.isArray(node) && /^\d+$/.test(k) && Number(k) > node.length) {
      const at = keys.slice(0, i).join(".");
      throw new ScenarioError(`--param ${dotted}`, [
        `${at}[${k}]: ${at} has ${node.length} entr${node.length === 1 ? "y" : "ies"}; an index may be at most ${node.length} (to append one)`,
      ]);
    }
    if (i === keys.length - 1) {
      node[k] = value;
      return;
    }
    if (node[k] === undefined || node[k] === null || typeof node[k] !== "object")
      node[k] = /^\d+$/.test(keys[i + 1]) ? [] : {};
    node = node[k] as Record<string, unknown>;
  });
}

/** Parse a CLI value: JSON if it parses, else the string. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The JSON Schema of scenario files (input side: defaults shown, optional fields optional). */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(ScenarioSchema, { io: "input", unrepresentable: "any" });
}
