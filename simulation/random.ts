/**
 * Seeded pseudo-random numbers. One generator per replicate; replicate seeds are derived from the scenario seed with
 * a 32-bit mix (splitmix-style), so Monte Carlo replicates never share a seed and are recorded in the outputs.
 */

/** Mix a 32-bit integer (lowbias32 finaliser). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Seed of replicate `replicate` of a scenario with seed `seed` (distinct for distinct replicates). */
export function replicateSeed(seed: number, replicate: number): number {
  return mix32(mix32(seed >>> 0) ^ mix32((replicate + 0x9e3779b9) >>> 0));
}

/** Seeds of replicates 0…runs−1. */
export function replicateSeeds(seed: number, runs: number): number[] {
  return Array.from({ length: runs }, (_, r) => replicateSeed(seed, r));
}

/**
 * mulberry32: small, fast, good enough for agent-based Monte Carlo (not for cryptography). Written here rather than
 * taken from a library because every output file's bytes depend on its exact stream: a dependency's update must not
 * change a seeded run. The hot passes inline the same generator (kernels/fast.ts), proven bit-equal by
 * test/simulation/kernels.property.test.ts.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = mix32(seed >>> 0) | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), 1 | t);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, one value per call). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** floor(x) plus 1 with probability frac(x): an unbiased integer rounding of an expected count. */
  round(x: number): number {
    const f = Math.floor(x);
    return f + (this.next() < x - f ? 1 : 0);
  }

  /** A derived generator (for an independent stream, e.g. the market). */
  fork(salt: number): Rng {
    return new Rng(mix32((this.state ^ mix32(salt >>> 0)) >>> 0));
  }

  /** Raw state (for hot loops that inline the generator); write back with `setState`. */
  getState(): number {
    return this.state;
  }

  setState(state: number): void {
    this.state = state | 0;
  }
}

/**
 * An index drawn from a table of cumulative weights with one `rng.next()`: the first i with cdf[i] > u × total
 * (total = the last entry). A module function, not a closure: the engine's join loop calls it, and a call target that
 * is a new closure in every replicate deoptimised that loop in each run.
 */
export function drawFromCdf(cdf: Float64Array, rng: Rng): number {
  const u = rng.next() * cdf[cdf.length - 1];
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
