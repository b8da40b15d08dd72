/**
 * The reward function of DESIGN.md, in one place, in two modes:
 *
 *   work_i  = (1 − w) × reported_i + w × served_i            (w = demand weight; served = work that met paid demand)
 *   score_i = classWeight(class_i) × work_i × densityFactor(cell_i) × stakeFactor(stake_i) × establishment(age_i)
 *   reward_i = pool × score_i / Σ score,   pool = workPool(e) + dust carried from epoch e − 1
 *
 * - Exact mode (bigint, wei): every factor in WAD or basis points, each step rounded DOWN (in the protocol's favour);
 *   the rounding remainder of the division is `dust` and is carried into the next epoch, never lost. This is the
 *   mode the epoch oracle uses and the contracts must agree with to the wei.
 * - Fast mode (float64 over typed arrays): the same formula for the simulator's hot loop; no dust.
 *
 * Tolerance between the modes (tested in test/protocol/reward.test.ts): for the same inputs the exact total paid
 * and the fast total differ by at most `n` wei (one per rewarded device, from rounding each reward down) plus a
 * relative 1e-9 of the pool (float64 accumulation). Per device, |exact − fast| ≤ 1 wei + 1e-9 × fast.
 */
import type { DensityModel } from "./density";
import { BPS, WAD } from "./math";
import { freshCopy } from "../lib/jit";

/** Relative tolerance between exact and fast totals (plus one wei per device); see the module comment. */
export const REWARD_FAST_EXACT_TOLERANCE = { relative: 1e-9, absoluteWeiPerDevice: 1 } as const;

export interface StakeFactorParams {
  /** Off: factor 1 for everyone. */
  readonly enabled: boolean;
  /** Stake (wei) that earns the boost `maxBoostBps`. */
  readonly referenceStakeWei: bigint;
  /** Boost at the reference stake, in bps: factor = 1 + maxBoost × min(stake, cap) / ref. */
  readonly maxBoostBps: number;
  /**
   * Stake (wei) above which more stake earns nothing more. Absent: the reference stake (so `maxBoostBps` is the
   * largest boost); `null`: uncapped, the factor grows linearly with stake without bound.
   */
  readonly capStakeWei?: bigint | null;
}

export interface EstablishmentParams {
  /** Epochs a new device stays in the establishment period (0 = off). Helium HIP-57. */
  readonly epochs: number;
  /** Fraction of its score a device earns while establishing, in bps (Helium: 1000 = 10%). */
  readonly fractionBps: number;
}

export interface RewardParams {
  /** Weight of each device class in bps (10_000 = 1.0), indexed by class id. */
  readonly classWeightsBps: readonly number[];
  /** Share of the score taken from served (paid-demand) work instead of reported work, in bps. */
  readonly demandWeightBps: number;
  readonly stakeFactor: StakeFactorParams;
  readonly establishment: EstablishmentParams;
}

export const DEFAULT_REWARD_PARAMS: RewardParams = {
  classWeightsBps: [10_000],
  demandWeightBps: 0,
  stakeFactor: { enabled: false, referenceStakeWei: 0n, maxBoostBps: 0 },
  establishment: { epochs: 0, fractionBps: 10_000 },
};

/** Check parameters once, with errors naming the field. */
export function validateRewardParams(params: RewardParams): void {
  const bps = (name: string, value: number, max = 10_000): void => {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new Error(`reward: ${name} must be an integer in [0, ${max}] bps, got ${value}`);
    }
  };
  if (params.classWeightsBps.length === 0) throw new Error("reward: classWeightsBps must list at least one class");
  params.classWeightsBps.forEach((w, i) => bps(`classWeightsBps[${i}]`, w, 1_000_000));
  bps("demandWeightBps", params.demandWeightBps);
  bps("stakeFactor.maxBoostBps", params.stakeFactor.maxBoostBps, 1_000_000);
  bps("establishment.fractionBps", params.establishment.fractionBps);
  if (!Number.isInteger(params.establishment.epochs) || params.establishment.epochs < 0) {
    throw new Error(`reward: establishment.epochs must be a non-negative integer, got ${params.establishment.epochs}`);
  }
  if (params.stakeFactor.enabled && params.stakeFactor.referenceStakeWei <= 0n) {
    throw new Error("reward: stakeFactor.referenceStakeWei must be positive when the stake factor is enabled");
  }
  const cap = params.stakeFactor.capStakeWei;
  if (cap !== undefined && cap !== null && cap <= 0n) {
    throw new Error(`reward: stakeFactor.capStakeWei must be positive (or null for uncapped), got ${cap}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Exact mode (bigint)

/** One device's inputs for one epoch, as the oracle sees them. Work is in integer work units. */
export interface DeviceEpoch {
  readonly classId: number;
  readonly reportedWork: bigint;
  readonly servedWork: bigint;
  readonly cell: number;
  readonly stakeWei: bigint;
  /** Epochs since the device joined (0 in its first epoch). */
  readonly ageEpochs: number;
  /** False for denylisted / suspended devices: score 0. */
  readonly eligible: boolean;
}

/** Stake factor in WAD: 1 + maxBoost × min(stake, cap) / ref, rounded down (no min when uncapped). */
export function stakeFactorWad(params: StakeFactorParams, stakeWei: bigint): bigint {
  if (!params.enabled) return WAD;
  const cap = params.capStakeWei === undefined ? params.referenceStakeWei : params.capStakeWei;
  const capped = cap === null || stakeWei < cap ? stakeWei : cap;
  return WAD + (((BigInt(params.maxBoostBps) * WAD) / BPS) * capped) / params.referenceStakeWei;
}

/** Establishment factor in bps: `fractionBps` during the first `epochs` epochs of a device, else 10_000. */
export function establishmentBps(params: EstablishmentParams, ageEpochs: number): bigint {
  return ageEpochs < params.epochs ? BigInt(params.fractionBps) : BPS;
}

/** Score of one device in WAD-scaled work units, every step rounded down. */
export function scoreExact(params: RewardParams, device: DeviceEpoch, densityWad: bigint): bigint {
  if (!device.eligible) return 0n;
  const weight = params.classWeightsBps[device.classId];
  if (weight === undefined) throw new Error(`reward: no class weight for class ${device.classId}`);
  const w = BigInt(params.demandWeightBps);
  let score = (((BPS - w) * device.reportedWork + w * device.servedWork) * WAD) / BPS;
  score = (score * BigInt(weight)) / BPS;
  score = (score * densityWad) / WAD;
  score = (score * stakeFactorWad(params.stakeFactor, device.stakeWei)) / WAD;
  score = (score * establishmentBps(params.establishment, device.ageEpochs)) / BPS;
  return score;
}

export interface Distribution {
  readonly rewards: bigint[];
  /** Σ rewards. */
  readonly paid: bigint;
  /** pool − paid: carried into the next epoch. */
  readonly dust: bigint;
}

/** reward_i = ⌊pool × score_i / Σ score⌋; the remainder is dust. With Σ score = 0 the whole pool is dust. */
export function distributeExact(pool: bigint, scores: readonly bigint[]): Distribution {
  if (pool < 0n) throw new Error(`reward: pool must be non-negative, got ${pool}`);
  let total = 0n;
  for (const s of scores) {
    if (s < 0n) throw new Error(`reward: scores must be non-negative, got ${s}`);
    total += s;
  }
  if (total === 0n) return { rewards: scores.map(() => 0n), paid: 0n, dust: pool };
  let paid = 0n;
  const rewards = scores.map((s) => {
    const r = (pool * s) / total;
    paid += r;
    return r;
  });
  return { rewards, paid, dust: pool - paid };
}

export interface EpochRewardsExact extends Distribution {
  readonly scores: bigint[];
  readonly densityWad: bigint[];
}

/**
 * The oracle's epoch: density factors from the devices' cells (eligible devices count as present), scores, then
 * the distribution of `workPool + carriedDust`.
 */
export function rewardEpochExact(
  params: RewardParams,
  density: DensityModel,
  devices: readonly DeviceEpoch[],
  workPool: bigint,
  carriedDust: bigint,
): EpochRewardsExact {
  const counts = new Float64Array(density.cells);
  for (const d of devices) {
    if (!Number.isInteger(d.cell) || d.cell < 0 || d.cell >= density.cells) {
      throw new Error(`reward: device cell ${d.cell} is outside the grid of ${density.cells} cells`);
    }
    if (d.eligible) counts[d.cell]++;
  }
  const cellWad = density.factorsWad(counts);
  const densityWad = devices.map((d) => cellWad[d.cell]);
  const scores = devices.map((d, i) => scoreExact(params, d, densityWad[i]));
  return { ...distributeExact(workPool + carriedDust, scores), scores, densityWad };
}

// ---------------------------------------------------------------------------------------------------------------
// Fast mode (float64, typed arrays)

/** Struct-of-arrays device state read and written by the fast kernel. Index i = device i; length ≥ n. */
export interface FastRewardArrays {
  readonly classId: Uint8Array;
  readonly reported: Float64Array;
  readonly served: Float64Array;
  readonly cell: Int32Array;
  /** Stake in tokens. */
  readonly stake: Float64Array;
  readonly joinEpoch: Int32Array;
  /** 1 = eligible, 0 = denylisted this epoch. */
  readonly eligible: Uint8Array;
  /** Per-cell density factor (filled by the caller, e.g. with DensityModel.factors). */
  readonly cellFactor: Float64Array;
  /** Output: score of each device. */
  readonly score: Float64Array;
  /** Output: reward of each device (tokens). */
  readonly reward: Float64Array;
}

export interface FastRewardKernel {
  /** Fill `score[0..n)` for `epoch` and return Σ score. */
  score(n: number, epoch: number): number;
  /** Fill `reward[0..n)` = pool × score / total and return Σ reward. */
  pay(n: number, pool: number, total: number): number;
}

/** The kernel's parameters as floats. */
export interface FastRewardSettings {
  weight: Float64Array;
  demandW: number;
  reportedW: number;
  stakeOn: boolean;
  reference: number;
  /** Stake above which the factor stops growing, in tokens (Infinity: uncapped). */
  cap: number;
  boost: number;
  estEpochs: number;
  estFraction: number;
}

/** The reward parameters as the fast kernel's floats. */
export function fastRewardSettings(params: RewardParams): FastRewardSettings {
  validateRewardParams(params);
  const demandW = params.demandWeightBps / 10_000;
  return {
    weight: Float64Array.from(params.classWeightsBps, (w) => w / 10_000),
    demandW,
    reportedW: 1 - demandW,
    stakeOn: params.stakeFactor.enabled,
    reference: Number(params.stakeFactor.referenceStakeWei) / 1e18,
    cap: capTokens(params.stakeFactor),
    boost: params.stakeFactor.maxBoostBps / 10_000,
    estEpochs: params.establishment.epochs,
    estFraction: params.establishment.fractionBps / 10_000,
  };
}

/** The stake cap in float tokens: the reference stake when absent, Infinity when uncapped. */
function capTokens(p: StakeFactorParams): number {
  const cap = p.capStakeWei === undefined ? p.referenceStakeWei : p.capStakeWei;
  return cap === null ? Infinity : Number(cap) / 1e18;
}

/**
 * The specification of the fast score: device i's score in epoch `epoch`, the factors multiplied in this order
 * (the fast kernel's loop must give the same bits). Without demand weighting the work is the reported work itself.
 */
export function fastScoreOf(s: FastRewardSettings, a: FastRewardArrays, i: number, epoch: number): number {
  const work = s.demandW > 0 ? s.reportedW * a.reported[i] + s.demandW * a.served[i] : a.reported[i];
  let score = work * s.weight[a.classId[i]] * a.cellFactor[a.cell[i]] * a.eligible[i];
  if (s.stakeOn) {
    const stake = a.stake[i];
    score *= 1 + (s.boost * (stake < s.cap ? stake : s.cap)) / s.reference;
  }
  if (s.estEpochs > 0 && a.joinEpoch[i] > epoch - s.estEpochs) score *= s.estFraction;
  return score;
}

/** The fast kernel written plainly from {@link fastScoreOf} (the reference the tuned loops are tested against). */
export function referenceRewardKernel(params: RewardParams, arrays: FastRewardArrays): FastRewardKernel {
  const settings = fastRewardSettings(params);
  return {
    score(n, epoch) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        arrays.score[i] = fastScoreOf(settings, arrays, i, epoch);
        total += arrays.score[i];
      }
      return total;
    },
    pay(n, pool, total) {
      let paid = 0;
      for (let i = 0; i < n; i++) {
        arrays.reward[i] = total > 0 ? arrays.score[i] * (pool / total) : 0;
        paid += arrays.reward[i];
      }
      return paid;
    },
  };
}

/**
 * Build the fast kernel over fixed arrays. The arrays are captured in the closure (V8 reads closure-held typed
 * arrays about twice as fast as parameters); build a new kernel when the arrays are reallocated. `fresh` compiles
 * the loops anew for this kernel (protocol/jit.ts: specialised code for every instance; same results).
 */
export function createFastRewardKernel(
  params: RewardParams,
  arrays: FastRewardArrays,
  options: { fresh?: boolean } = {},
): FastRewardKernel {
  const settings = fastRewardSettings(params);
  return (options.fresh ? freshCopy(fastRewardLoops) : fastRewardLoops)(arrays, settings);
}

/**
 * The kernel's loops (self-contained: only its arguments, so it can be a fresh copy): {@link fastScoreOf} with the
 * settings held in locals, score and sum in one pass.
 */
function fastRewardLoops(arrays: FastRewardArrays, settings: FastRewardSettings): FastRewardKernel {
  const { classId, reported, served, cell, stake, joinEpoch, eligible, cellFactor, score, reward } = arrays;
  const { weight, demandW, reportedW, stakeOn, reference, cap, boost, estEpochs, estFraction } = settings;
  const demand = demandW > 0;
  const est = estEpochs > 0;
  return {
    score(n, epoch) {
      const firstFull = epoch - estEpochs; // devices that joined at or before this epoch are established
      let total = 0;
      for (let i = 0; i < n; i++) {
        const work = demand ? reportedW * reported[i] + demandW * served[i] : reported[i];
        let s = work * weight[classId[i]] * cellFactor[cell[i]] * eligible[i];
        if (stakeOn) {
          const st = stake[i];
          s *= 1 + (boost * (st < cap ? st : cap)) / reference;
        }
        if (est && joinEpoch[i] > firstFull) s *= estFraction;
        score[i] = s;
        total += s;
      }
      return total;
    },
    pay(n, pool, total) {
      if (total <= 0) {
        reward.fill(0, 0, n);
        return 0;
      }
      const k = pool / total;
      let paid = 0;
      for (let i = 0; i < n; i++) {
        const r = score[i] * k;
        reward[i] = r;
        paid += r;
      }
      return paid;
    },
  };
}
