/**
 * The specification of every hot pass of the engine: plain loops over devices [0, n), one job each, in the order the
 * engine runs them. `fast.ts` holds the tuned forms (chunked, compiled afresh per run, the generator inlined; some
 * fused: `workAndSums` is `work`, `workSums` and `lifetimeReal`, `payAndAccount` is `pay`, `accounting` and
 * `lifetimeReward`, `challenges` is `detection` without limits);
 * test/simulation/kernels.property.test.ts runs both on random device tables and asserts the same bits. Change the
 * model here first, then make the fast form agree.
 */
import { Rng } from "../random";
import type { HotArrays, HotSlots, LeaverInputs } from "./fast";

/** A generator continuing from the state the passes hand on in `rngState[0]`. */
function generatorAt(a: HotArrays): Rng {
  const rng = new Rng(0);
  rng.setState(a.rngState[0]);
  return rng;
}

/** Work: one uniform u per device; f = 1 + amp·(2u − 1); real = real rate × f; reported = (real + fake rate) × f. */
export function work(a: HotArrays, n: number): void {
  const rng = generatorAt(a);
  for (let i = 0; i < n; i++) {
    const f = 1 + a.amp[i] * (2 * rng.next() - 1);
    a.real[i] = a.realRate[i] * f;
    a.reported[i] = (a.realRate[i] + a.fakeRate[i]) * f;
  }
  a.rngState[0] = rng.getState();
}

/**
 * Adds each run of devices of equal group (in row order) to its group's slots: the run's sum of `x` and `y`, summed
 * from 0 within the run (so a group's total is a sum of run sums, not of devices).
 */
function runSums(
  a: HotArrays,
  n: number,
  slots: HotSlots,
  x: (i: number) => number,
  slotX: number,
  y: (i: number) => number,
  slotY: number,
): void {
  let i = 0;
  while (i < n) {
    const g = a.group[i];
    let sumX = 0;
    let sumY = 0;
    for (; i < n && a.group[i] === g; i++) {
      sumX += x(i);
      sumY += y(i);
    }
    a.groupStats[g * slots.stride + slotX] += sumX;
    a.groupStats[g * slots.stride + slotY] += sumY;
  }
}

/** The runs of equal group ids in row order, as [start, group] pairs (what `workAndSums` lists in `runs`). */
export function groupRuns(a: HotArrays, n: number): number[] {
  const runs: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || a.group[i] !== a.group[i - 1]) runs.push(i, a.group[i]);
  return runs;
}

/** Per-group Σ real and Σ reported work. */
export function workSums(a: HotArrays, n: number, slots: HotSlots): void {
  runSums(
    a,
    n,
    slots,
    (i) => a.real[i],
    slots.real,
    (i) => a.reported[i],
    slots.reported,
  );
}

/**
 * Detection: a device is flagged when its reported work exceeds its class's anomaly limit, or when its group can
 * be caught (p > 0) and its challenge draw u < p (a draw for every device of such a group, flagged or not).
 * Sets `eligible` and lists the flagged rows in ascending order; returns how many.
 */
export function detection(a: HotArrays, n: number): number {
  const rng = generatorAt(a);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const p = a.pDetect[a.group[i]];
    let flagged = a.reported[i] > a.limitByClass[a.classId[i]];
    if (p > 0 && rng.next() < p) flagged = true;
    a.eligible[i] = flagged ? 0 : 1;
    if (flagged) a.flaggedList[count++] = i;
  }
  a.rngState[0] = rng.getState();
  return count;
}

/**
 * The fast ledger's payment: reward = score × k for every device (k = pool ÷ Σ score, or 0); returns Σ reward, summed
 * in row order (protocol/reward.ts `pay` with its k).
 */
export function pay(a: HotArrays, n: number, k: number): number {
  let paid = 0;
  for (let i = 0; i < n; i++) {
    a.reward[i] = a.score[i] * k;
    paid += a.reward[i];
  }
  return paid;
}

/** Per-group Σ reward and Σ density factor of the device's cell. */
export function accounting(a: HotArrays, n: number, slots: HotSlots): void {
  runSums(
    a,
    n,
    slots,
    (i) => a.reward[i],
    slots.reward,
    (i) => a.cellFactor[a.cell[i]],
    slots.density,
  );
}

/** Lifetime real work per device (after `work`). */
export function lifetimeReal(a: HotArrays, n: number): void {
  for (let i = 0; i < n; i++) a.cumReal[i] += a.real[i];
}

/** Lifetime reward per device (after the payment). */
export function lifetimeReward(a: HotArrays, n: number): void {
  for (let i = 0; i < n; i++) a.cumReward[i] += a.reward[i];
}

/**
 * The devices that leave this epoch, rows descending: of each group, its `quota` least paid this epoch, the newest
 * first among equals, then the last row first (a strict order, so the set is one); every device of a group whose
 * quota reaches its device count.
 */
export function leavers(x: LeaverInputs): number[] {
  const all = (g: number) => x.quota[g] >= x.devices[g];
  const candidates: number[] = [];
  for (let i = 0; i < x.n; i++) if (x.quota[x.group[i]] !== 0) candidates.push(i);
  candidates.sort((a, b) => x.reward[a] - x.reward[b] || x.joinEpoch[b] - x.joinEpoch[a] || b - a);
  const left = Int32Array.from(x.quota);
  const chosen: number[] = [];
  for (const i of candidates) {
    const g = x.group[i];
    if (all(g)) chosen.push(i);
    else if (left[g] > 0) {
      left[g]--;
      chosen.push(i);
    }
  }
  return chosen.sort((a, b) => b - a);
}
