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
 * (total = the last entry; the last index when there is none), by binary search. The specification of
 * {@link CdfSampler}, which finds the same index faster.
 */
export function drawFromCdf(cdf: Float64Array, rng: Rng): number {
  return firstAbove(cdf, rng.next() * cdf[cdf.length - 1], 0, cdf.length - 1);
}

/** Binary search of an ascending table: the first i in [lo, hi] with cdf[i] > u, or hi when there is none. */
function firstAbove(cdf: Float64Array, u: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * {@link drawFromCdf} with a guide table (one bucket per entry, each holding the first index whose cumulative weight
 * exceeds the bucket's start): the binary search runs only within the bucket the draw falls in, so a draw costs a few
 * steps instead of log2(n) cache-missing ones (~310 ns a draw over 100k cells). The same index for the same draw: the
 * answer is proven to lie in the bucket's range before the search. A module class, not a closure: the engine's join
 * loop calls it, and a call target that is a new closure in every replicate deoptimised that loop in each run.
 */
export class CdfSampler {
  private readonly n: number;
  private readonly total: number;
  /** guide[k] = the first index whose cumulative weight exceeds bucket k's start (or n − 1). */
  private readonly guide: Int32Array;
  private readonly perTotal: number;

  constructor(private readonly cdf: Float64Array) {
    const n = (this.n = cdf.length);
    if (n === 0) throw new Error("CdfSampler: expected a non-empty table of cumulative weights");
    this.total = cdf[n - 1];
    this.guide = new Int32Array(n);
    this.perTotal = this.total > 0 ? n / this.total : 0;
    let i = 0;
    for (let k = 0; k < n; k++) {
      const start = this.bucketStart(k);
      while (i < n - 1 && !(cdf[i] > start)) i++;
      this.guide[k] = i;
    }
  }

  /** Where bucket k starts: k × total ÷ n (computed the same way wherever it is compared). */
  private bucketStart(k: number): number {
    return (k / this.n) * this.total;
  }

  /** The index {@link drawFromCdf} would give for the same generator state (one `rng.next()`). */
  draw(rng: Rng): number {
    const u = rng.next() * this.total;
    const n = this.n;
    // no positive weight: no cumulative weight exceeds u = 0, and the search's answer is the last index
    if (!(this.total > 0)) return n - 1;
    let k = Math.floor(u * this.perTotal);
    // a tiny (subnormal) total makes the estimate Infinity or NaN: start from an end, the walks below correct it
    if (!(k >= 0)) k = 0;
    else if (k > n - 1) k = n - 1;
    // the bucket whose start is <= u < the next one's, whatever the rounding of the estimate
    while (k > 0 && this.bucketStart(k) > u) k--;
    while (k + 1 < n && this.bucketStart(k + 1) <= u) k++;
    return firstAbove(this.cdf, u, this.guide[k], k + 1 < n ? this.guide[k + 1] : n - 1);
  }
}
