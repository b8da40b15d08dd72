/**
 * Simulation-only emission formulas over network state: an emission segment `curve: formula` whose tokens per epoch
 * are a mathjs expression (simulation/formula.ts: checked at load, unknown symbols refused naming the field,
 * compiled once per run) of the network's state, e.g. Filecoin's baseline minting or GEODNET's per-station rate.
 *
 * Timing: the engine computes an epoch's emission at its very start, before anyone acts, so the formula reads the
 * PREVIOUS epoch's outcome (devices present after its leavers and slashes, its work, demand, burn and closing price);
 * reading the current epoch would be circular (agents decide on the epoch's work pool).
 *
 * Cap rule: the formula's value is clipped so that the segment's own cumulative emission stays ≤ its `cap` and the
 * run's cumulative emission ≤ the largest segment cap (the same rule as dated segments of the contracts' curves).
 * A negative or non-finite value is a run error naming the field and the epoch. Fast mode works in tokens (float64,
 * clipped with the same compensated running sums as protocol/emission.ts, so a formula equal to a constant gives the
 * constant curve's series bit for bit); exact mode converts the value to wei by flooring ⌊value·1e18⌋ (deterministic,
 * never above the float) and clips in wei, so the exact ledger's Σ paid + dust = Σ device pool still holds to the wei.
 *
 * The contracts cannot express such a schedule: `--mode evm` refuses it, and summary.json, the report and the
 * console say so (emissionSpec.ts `onChainExpressibility`).
 */
import { emission as scheduleEmission, emissionSeries, type ScheduleParams } from "../protocol/emission";
import {
  emissionFieldPath,
  emissionSegmentSpecs,
  emissionTokenCap,
  scheduleParamsOfSegment,
  tokensToWei,
  type EmissionCurveSpec,
  type EmissionSegmentFields,
} from "./emissionSpec";
import { compileFormula, FormulaError, FORMULA_CONSTANTS, FORMULA_FUNCTIONS, type Formula } from "./formula";

/**
 * The variables an emission formula (and each of its `sums`) may read, all known at the start of epoch `epoch`:
 * the previous epoch's state (0 before the first epoch).
 */
export const EMISSION_VARIABLES = [
  /** The run's epoch e. */
  "epoch",
  /** e − the segment's fromEpoch. */
  "localEpoch",
  /** Devices present (after the previous epoch's leavers and slashes; devices joining in e are not yet counted). */
  "devices",
  /** Σ work reported by the devices in the previous epoch, fake work included (what an oracle sees). */
  "reportedWork",
  /** Σ real work of the previous epoch (the simulator's ground truth; no protocol could measure it). */
  "realWork",
  /** Work served to paying demand in the previous epoch. */
  "servedWork",
  /** Paid demand of the previous epoch (USD). */
  "demandUsd",
  /** Token price (USD) at the start of the epoch: the previous epoch's closing price. */
  "price",
  /** Tokens burned up to the end of the previous epoch. */
  "burned",
  /** Circulating tokens at the end of the previous epoch. */
  "circulating",
  /** Tokens this segment emitted before the epoch. */
  "emitted",
  /** Tokens the run emitted before the epoch (all segments). */
  "totalEmitted",
  /** The segment's cap (tokens). */
  "cap",
  /** The run's cap (tokens): the largest segment cap. */
  "tokenCap",
  /** Epochs per year (365.25 days ÷ epochLengthSeconds). */
  "epochsPerYear",
] as const;
export type EmissionVariable = (typeof EMISSION_VARIABLES)[number];

/** The previous epoch's network state the engine hands to {@link EmissionRun.next}. */
export interface NetworkState {
  devices: number;
  reportedWork: number;
  realWork: number;
  servedWork: number;
  demandUsd: number;
  price: number;
  burned: number;
  circulating: number;
}

/** The names a formula segment's `parameters` and `sums` may not take (variables, functions, constants). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set<string>([
  ...EMISSION_VARIABLES,
  ...FORMULA_FUNCTIONS,
  ...FORMULA_CONSTANTS,
]);

/** One epoch's emission: tokens (float, the engine's series) and wei (exact mode; 0n in fast mode). */
export interface Minted {
  tokens: number;
  wei: bigint;
}

/** A replicate's emission, one epoch at a time in order 0, 1, …; holds the running sums and totals. */
export interface EmissionRun {
  next(epoch: number, state: NetworkState): Minted;
}

/** A scenario's emission with at least one formula segment, compiled once; `start` gives each replicate its run. */
export interface EmissionPlan {
  /** Run cap in tokens. */
  readonly cap: number;
  start(exact: boolean): EmissionRun;
}

interface PlannedSchedule {
  kind: "schedule";
  fromEpoch: number;
  schedule: ScheduleParams;
  /** The segment's float series at local epochs, truncated at its cap (protocol/emission.ts `emissionSeries`). */
  series: Float64Array;
}

interface PlannedFormula {
  kind: "formula";
  fromEpoch: number;
  field: string;
  text: string;
  formula: Formula;
  sums: { name: string; term: Formula }[];
  cap: number;
  capWei: bigint;
}

/** Variables a formula segment's expression sees: the state, then its sums. */
function formulaVariables(e: EmissionCurveSpec): string[] {
  return [...EMISSION_VARIABLES, ...Object.keys(e.sums ?? {})];
}

/** Checks one formula segment at load: names, sums and the formula itself; throws {@link FormulaError}. */
export function checkFormulaSegment(
  emission: EmissionCurveSpec | EmissionSegmentFields[],
  index: number,
  spec: EmissionCurveSpec,
): void {
  compileSegment(emission, index, spec);
}

function compileSegment(
  emission: EmissionCurveSpec | EmissionSegmentFields[],
  index: number,
  e: EmissionCurveSpec,
): { formula: Formula; sums: { name: string; term: Formula }[] } {
  const at = (field: string) => emissionFieldPath(emission, index, field);
  if (e.formula === undefined) throw new FormulaError(at("formula"), "required for the formula curve");
  const parameters = e.parameters ?? {};
  const sumNames = Object.keys(e.sums ?? {});
  for (const name of Object.keys(parameters)) {
    if (RESERVED_NAMES.has(name)) {
      throw new FormulaError(at(`parameters.${name}`), `"${name}" is a state variable, function or constant`);
    }
    if (sumNames.includes(name)) throw new FormulaError(at(`parameters.${name}`), `"${name}" is also a sum`);
  }
  for (const name of sumNames) {
    if (RESERVED_NAMES.has(name)) {
      throw new FormulaError(at(`sums.${name}`), `"${name}" is a state variable, function or constant`);
    }
  }
  const sums = Object.entries(e.sums ?? {}).map(([name, text]) => ({
    name,
    term: compileFormula(text, at(`sums.${name}`), EMISSION_VARIABLES, parameters),
  }));
  return { formula: compileFormula(e.formula, at("formula"), formulaVariables(e), parameters), sums };
}

/** A compensated running total clipped at a cap: the step of protocol/emission.ts `truncateAtCap`, one epoch. */
interface RunningTotal {
  sum: number;
  compensation: number;
}

function clipAtCap(amount: number, cap: number, total: RunningTotal): number {
  const room = cap - total.sum;
  if (amount >= room) amount = Math.max(room, 0);
  const y = amount - total.compensation;
  const t = total.sum + y;
  total.compensation = t - total.sum - y;
  total.sum = t;
  return amount;
}

/** Whole tokens (float) → wei, rounded down: ⌊value·1e18⌋ (exact for the float product; deterministic). */
export function floorTokensToWei(tokens: number): bigint {
  return BigInt(Math.floor(tokens * 1e18));
}

/**
 * The scenario's emission plan when it has a formula segment (else `undefined`: protocol/emission.ts series apply).
 * Compiles every formula once; contract-curve segments beside formula ones keep their protocol series and wei.
 */
export function emissionPlanOf(
  emission: EmissionCurveSpec | EmissionSegmentFields[],
  epochs: number,
  epochsPerYear: number,
): EmissionPlan | undefined {
  const specs = emissionSegmentSpecs(emission);
  if (!specs.some((e) => e.curve === "formula")) return undefined;
  const tokenCapWei = emissionTokenCap(emission);
  const tokenCap = Number(tokenCapWei) / 1e18;
  const segments: (PlannedSchedule | PlannedFormula)[] = specs.map((e, i) => {
    const end = i + 1 < specs.length ? Math.min(specs[i + 1].fromEpoch, epochs) : epochs;
    if (e.curve !== "formula") {
      const schedule = scheduleParamsOfSegment(e);
      return {
        kind: "schedule",
        fromEpoch: e.fromEpoch,
        schedule,
        series: emissionSeries(schedule, Math.max(0, end - e.fromEpoch)),
      };
    }
    const { formula, sums } = compileSegment(emission, i, e);
    const capWei = tokensToWei(e.cap);
    return {
      kind: "formula",
      fromEpoch: e.fromEpoch,
      field: emissionFieldPath(emission, i, "formula"),
      text: e.formula as string,
      formula,
      sums,
      cap: Number(capWei) / 1e18,
      capWei,
    };
  });
  return {
    cap: tokenCap,
    start(exact: boolean): EmissionRun {
      let index = 0;
      const total: RunningTotal = { sum: 0, compensation: 0 };
      let local: RunningTotal = { sum: 0, compensation: 0 };
      let totalWei = 0n;
      let localWei = 0n;
      let sums = new Float64Array(0);
      const variables: Record<string, number> = {};
      const enter = (i: number): void => {
        index = i;
        local = { sum: 0, compensation: 0 };
        localWei = 0n;
        const s = segments[i];
        sums = new Float64Array(s.kind === "formula" ? s.sums.length : 0);
      };
      enter(0);
      let expected = 0;
      return {
        next(epoch: number, state: NetworkState): Minted {
          if (epoch !== expected) throw new RangeError(`emission: epoch ${epoch} out of order (expected ${expected})`);
          expected++;
          while (index + 1 < segments.length && segments[index + 1].fromEpoch <= epoch) enter(index + 1);
          const s = segments[index];
          const localEpoch = epoch - s.fromEpoch;
          let tokens: number;
          let wei = 0n;
          if (s.kind === "schedule") {
            tokens = s.series[localEpoch];
            if (exact) wei = scheduleEmission(s.schedule, BigInt(localEpoch));
          } else {
            Object.assign(variables, state);
            variables.epoch = epoch;
            variables.localEpoch = localEpoch;
            variables.emitted = local.sum;
            variables.totalEmitted = total.sum;
            variables.cap = s.cap;
            variables.tokenCap = tokenCap;
            variables.epochsPerYear = epochsPerYear;
            for (let k = 0; k < s.sums.length; k++) sums[k] += s.sums[k].term(variables);
            for (let k = 0; k < s.sums.length; k++) variables[s.sums[k].name] = sums[k];
            const value = s.formula(variables);
            if (value < 0) {
              throw new FormulaError(
                s.field,
                `"${s.text}" is ${value} at epoch ${epoch}; an emission must be ≥ 0 (write max(0, …) to clip it)`,
              );
            }
            tokens = clipAtCap(value, s.cap, local);
            if (exact) {
              const room = s.capWei - localWei;
              const raw = value >= s.cap ? s.capWei : floorTokensToWei(value);
              wei = raw < room ? raw : room;
              localWei += wei;
            }
          }
          tokens = clipAtCap(tokens, tokenCap, total);
          if (exact) {
            const room = tokenCapWei - totalWei;
            if (wei > room) wei = room;
            totalWei += wei;
          }
          return { tokens, wei };
        },
      };
    },
  };
}
