/**
 * The simulation engine: discrete epochs; agents act, the protocol model pays, the market reacts.
 *
 * Devices live in typed arrays (struct of arrays, dense in [0, n); a leaving device is swapped with the last one).
 * Hot passes are small functions that each do one job over the arrays (work, detection, cell counts, the reward
 * kernel from protocol/reward.ts, accounting). Everything per group (decisions, vesting, market orders) is outside
 * the hot loop. Randomness comes from one seeded generator per replicate: same scenario + seed ⇒ same numbers.
 */
import { DensityModel, neighbours, type DensityParams } from "../protocol/density";
import { H3World } from "./world/h3World";
import { createFastRewardKernel, type FastRewardKernel } from "../protocol/reward";
import {
  decideHonest,
  decideMercenary,
  chooseStrategy,
  decideSwarm,
  fakeWorkInflation,
  strategyEstimate,
  type StrategyEstimate,
  isFraudulent,
  roleOf,
  type Decision,
  type Observation,
  type Role,
} from "./agents";
import { CHUNK, createHotPasses, leavers, warmUp, WARM_UP_CALLS, type HotArrays, type HotPasses } from "./kernels/fast";
import { freshCopy } from "../lib/jit";
import { compileFormula, PATH_VARIABLES } from "./formula";
import { constantProductMarket, exogenousMarket, formulaPriceMarket, type Market } from "./market";
import {
  captureRatio,
  giniOfSorted,
  lorenzOfSorted,
  nakamotoOfSorted,
  paybackEpochs,
  profitUsd,
  type ProfitParts,
  roi,
  sortNonNegativeInPlace,
  type MetricValues,
} from "./measure/metrics";
import { CdfSampler, Rng, replicateSeed } from "./random";
import { DeviceTable, type DeviceColumns } from "./world/devices";
import { Float64List } from "../lib/float64List";
import { ExactLedger } from "./ledger/exact";
import type { Supply } from "./supply";
import type { NetworkState } from "./emissionFormula";
import { requireOnChainEmission } from "./emissionSpec";
import { FastLedger } from "./ledger/fast";
import { FLAG_REASONS, type EpochWork, type Ledger, type LedgerMode } from "./ledger/ledger";
import { ledgerTermsOf, rewardParamsOf, toLedgerGrain } from "./ledger/terms";
import { runEpoch, type EpochFlow, type EpochMechanisms } from "./model/epoch";
import { initialDevices } from "./scenario";
import type { AgentKind, AgentSpec, FarmerStrategy, LeverChange, Scenario, StakeSpec } from "./scenario";

/** Emission of the scenario's schedule, precomputed from protocol/emission.ts. */
export type EngineMode = LedgerMode;

export interface ReplicateOptions {
  /** Keep per-epoch series (timeseries.csv, network.csv) and Lorenz data; off in sweeps. */
  series: boolean;
  /**
   * Where the per-epoch series rows go as the run goes (with `series`): default, the RunResult's arrays (O(epochs)
   * memory); a sink that writes them to files keeps memory flat in the epochs (io/seriesFiles.ts), and the result's
   * series arrays stay empty.
   */
  sink?: SeriesSink;
  mode: EngineMode;
  /**
   * The ledger that moves the money (evm mode: the caller's EVM ledger, scripts/evm); default: a fast ledger in fast
   * mode, an exact ledger in exact mode.
   */
  ledger?: Ledger;
  /** Check global invariants after every epoch and throw naming the broken one (tests; costs a pass). */
  checkInvariants?: boolean;
}

/** A global invariant of the engine failed (a bug, never bad input). */
export class InvariantError extends Error {
  constructor(epoch: number, invariant: string) {
    super(`engine invariant broken at epoch ${epoch}: ${invariant}`);
    this.name = "InvariantError";
  }
}

export interface GroupSeriesRow {
  epoch: number;
  agent: string;
  kind: AgentKind;
  role: Role;
  devices: number;
  joined: number;
  left: number;
  realWork: number;
  reportedWork: number;
  fakeWork: number;
  rewardTokens: number;
  rewardUsd: number;
  rewardShare: number | null;
  realWorkShare: number | null;
  captureRatio: number | null;
  costUsd: number;
  slashedTokens: number;
  detected: number;
  falselySlashed: number;
  meanDensityFactor: number | null;
  tokensSold: number;
}

/** One epoch of an adaptive farmer group (strategies.csv). */
export interface StrategySeriesRow {
  epoch: number;
  agent: string;
  /** Attack run this epoch, or "idle". */
  strategy: FarmerStrategy | "idle";
  /** 1 when the strategy changed at the start of this epoch. */
  switched: number;
  devices: number;
  /** Latest expected annual return on capital of each candidate (null: not a candidate or not estimated yet). */
  aprSybil: number | null;
  aprSpoofer: number | null;
  aprFakeWork: number | null;
}

export interface NetworkSeriesRow {
  epoch: number;
  price: number;
  emission: number;
  cumulative: number;
  cap: number;
  /** This epoch's device pool: emission × work-pool split + the dust carried into the epoch. */
  workPool: number;
  paid: number;
  dust: number;
  /** Exact and EVM modes: workPool, paid and dust in wei (decimal strings). */
  workPoolWei?: string;
  paidWei?: string;
  dustWei?: string;
  burned: number;
  cumulativeBurned: number;
  locked: number;
  circulating: number;
  inflationRate: number | null;
  demandUsd: number;
  servedWork: number;
  leakage: number | null;
  farmerCapture: number | null;
  honestCaptureRatio: number | null;
  devices: number;
}

/** One agent group's totals over a run, its profit decomposed (the ProfitParts). */
export interface GroupRow extends ProfitParts {
  agent: string;
  kind: AgentKind;
  role: Role;
  devicesEnd: number;
  devicesPeak: number;
  deviceEpochs: number;
  realWork: number;
  reportedWork: number;
  fakeWork: number;
  rewardTokens: number;
  rewardShare: number | null;
  realWorkShare: number | null;
  captureRatio: number | null;
  costUsd: number;
  slashedTokens: number;
  /** profitUsd(this): the sum of the ProfitParts (measure/metrics.ts). */
  profitUsd: number;
  roi: number | null;
  paybackEpochs: number | null;
  detected: number;
  falselySlashed: number;
}

export interface ExactCheck {
  /** Σ exact rewards paid (wei) over the run. */
  exactPaidWei: bigint;
  /** Σ fast-kernel rewards on the same inputs (tokens). */
  fastPaidTokens: number;
  /** Largest per-epoch |exact − fast| in wei. */
  maxEpochDiffWei: number;
  /** Dust carried at the end (wei). */
  dustWei: bigint;
  /** Σ device pool funded by the controller over the run (wei). */
  devicePoolWei: bigint;
  /** The conservation check: Σ exactPaidWei + dustWei = devicePoolWei exactly. */
  conserved: boolean;
  /** Largest number of rewarded devices in one epoch (the tolerance is 1 wei per device). */
  maxDevices: number;
}

/** Receives each per-epoch series row once, in epoch order (network row, then the group rows, then strategies). */
export interface SeriesSink {
  network(row: NetworkSeriesRow): void;
  group(row: GroupSeriesRow): void;
  strategy(row: StrategySeriesRow): void;
}

export interface RunResult {
  replicate: number;
  seed: number;
  metrics: MetricValues;
  groups: GroupRow[];
  groupSeries: GroupSeriesRow[];
  networkSeries: NetworkSeriesRow[];
  /** Adaptive farmer groups only (empty when the scenario has none). */
  strategySeries: StrategySeriesRow[];
  lorenz: Array<{ series: string; point: number; population: number; share: number }>;
  exactCheck?: ExactCheck;
  /** Device-epochs simulated (for the benchmark). */
  deviceEpochs: number;
}

interface Group {
  index: number;
  spec: AgentSpec;
  name: string;
  kind: AgentKind;
  /** Behaviour run now: `kind`, or for an adaptive farmer its current attack (`farm`). */
  strategy: AgentKind;
  /** Adaptive farmer: the attack it runs (null = idle). */
  farm: FarmerStrategy | null;
  /** Adaptive farmer: latest estimates per candidate. */
  estimates: Partial<Record<FarmerStrategy, StrategyEstimate & { entryUsd: number }>>;
  switched: number;
  role: Role;
  fraud: boolean;
  classId: number;
  devices: number;
  maxDevices: number;
  /** Reward USD per unit of reported work (EMA), for expectations. */
  emaUsdPerWork: number;
  /** Current reported/real multiplier state. */
  inflation: number;
  homeCells: number[];
  /** 1 on the group's home cells (groups with home cells), and how many of its devices sit elsewhere. */
  homeMask: Uint8Array | null;
  away: number;
  spreadShare: number;
  ownerBase: number;
  /** Owner accounts of a farmer group (owners ownerBase … ownerBase + wallets − 1, used in turn). */
  wallets: number;
  joinedTotal: number;
  /** Extra stake per device (tokens) of the operator whose devices join now, and its stream (null: no `stake`). */
  ownerStake: number;
  stakeRng: Rng | null;
  /** Operators the group has started (a listed stake takes its values in this order). */
  operators: number;
  /** Σ bond (tokens) of the group's devices present: what its cost of capital is charged on. */
  stakeTokens: number;
  sellFraction: number;
  // per-epoch
  e: Float64Array;
  // totals
  t: Float64Array;
  peak: number;
  /** Up-front spending (USD): kit (hardware or fake-device setup, switching costs) and onboarding fees. */
  kitUsd: number;
  feesUsd: number;
  /** Running costs (USD): opex, and the cost of capital of the bonds held. */
  opexUsd: number;
  bondCapitalUsd: number;
  /** Bonds (USD): paid buying them, received selling released ones, and the remainder frozen with suspended devices
   *  (at the price of the epoch). Bonds still held at the end are valued when the run ends. */
  bondPaidUsd: number;
  bondSoldUsd: number;
  bondLostUsd: number;
  /** Bond tokens topped up this lever change (scratch). */
  topUpTokens: number;
  revenueUsd: number;
  lastDensity: number;
  activeEpochs: number;
  /** Collusion ring: share of the witnesses around its members (devices in its cells) that are not in the ring. */
  honestWitnessShare: number;
  /** Fake work in `mimic` mode: no real work, reported work drawn from the honest distribution of the class. */
  mimic: boolean;
  /** Trickle swarm: devices per epoch (`joinPerEpoch`, 0 = off) and the fraction accumulated so far. */
  joinRate: number;
  joinCredit: number;
  /** Hopping spoofer: share moved per epoch and cost per move (USD), or null; last epoch's move cost per device. */
  hop: { share: number; costUsd: number } | null;
  hopUsdPerDevice: number;
}

// per-group per-epoch stat slots (Group.e) and run totals (Group.t)
const S_DEVICES = 0,
  S_JOINED = 1,
  S_LEFT = 2,
  S_REAL = 3,
  S_REPORTED = 4,
  S_REWARD = 5,
  S_REWARD_USD = 6,
  S_COST = 7,
  S_SLASHED = 8,
  S_DETECTED = 9,
  S_FALSE = 10,
  S_DENSITY = 11,
  S_SOLD = 12,
  S_DEVICE_EPOCHS = 13,
  S_SLASHED_USD = 14,
  S_ELIGIBLE = 15,
  S_COUNT = 16;

/** Run one replicate of a scenario. */
export function runReplicate(
  scenario: Scenario,
  supply: Supply,
  replicate: number,
  options: ReplicateOptions,
): RunResult {
  const run = startReplicate(scenario, supply, replicate, options);
  for (let epoch = 0; epoch < run.epochs; epoch++) run.step(epoch);
  return run.finish();
}

/** A replicate run one epoch at a time (EVM-in-the-loop runs send each epoch's transactions between steps). */
export interface ReplicateRun {
  readonly epochs: number;
  /** Runs epoch `epoch` (0, 1, … in order). */
  step(epoch: number): void;
  /** After the last epoch: the run's metrics and rows. */
  finish(): RunResult;
}

/** Prepares one replicate of a scenario; `step` runs its epochs, `finish` its end-of-run metrics. */
export function startReplicate(
  scenario: Scenario,
  supply: Supply,
  replicate: number,
  options: ReplicateOptions,
): ReplicateRun {
  const seed = replicateSeed(scenario.seed, replicate);
  const rng = new Rng(seed);
  const marketRng = rng.fork(1);
  const epochs = scenario.epochs;
  const epochsPerYear = (365.25 * 86_400) / scenario.epochLengthSeconds;
  // levers are mutable: scripted `leverChanges` apply at the start of their epoch
  const L = structuredClone(scenario.levers);
  let minBond = Number(L.minBond);
  let fee = Number(L.onboardingFee);
  const slashOn = L.slashing.enabled;
  const slashFraction = L.slashing.fraction;
  const workBps = scenario.splits.workPoolBps / 10_000;
  const vestImmediate = L.vesting.durationEpochs > 0 ? L.vesting.immediateFraction : 1;
  const vestDuration = L.vesting.durationEpochs;
  let detectorOn = L.anomalyDetector.enabled;
  let detectorThreshold = L.anomalyDetector.threshold;
  const capitalCostPerEpoch = scenario.market.costOfCapital / epochsPerYear;
  const rewardParams = rewardParamsOf(scenario);
  const classCount = scenario.classes.length;
  const classIndex = new Map(scenario.classes.map((c, i) => [c.name, i]));

  // ---- world: cells and where people live ---------------------------------------------------------------
  // The h3 world (real cities, simulation/world/h3World.ts) or the synthetic hex torus (the default, below).
  const h3World = "kind" in scenario.world ? H3World.of(scenario.world, scenario.seed) : null;
  const gridWorld = "kind" in scenario.world ? { width: 1, height: 1, cities: 0, citySpread: 1 } : scenario.world;
  const grid = { width: gridWorld.width, height: gridWorld.height };
  const densityParams = (): DensityParams => ({
    enabled: L.densityScaling.enabled,
    resolutions: L.densityScaling.resolutions,
    rollup: L.densityScaling.rollup,
  });
  let density = h3World ? h3World.densityModel(densityParams()) : new DensityModel(grid, densityParams());
  const cells = density.cells;
  /** Cells drawn by the world's weights (cities). */
  const citySampler = h3World
    ? h3World.sampler
    : new CdfSampler(buildCityCdf(grid.width, grid.height, gridWorld.cities, gridWorld.citySpread, rng));
  /** Six cells next to `c` (home cells of a swarm). */
  const neighbourCells = (c: number): number[] => (h3World ? h3World.neighbours(c, rng) : neighbours(grid, c));

  // ---- groups -----------------------------------------------------------------------------------------------
  let ownerCount = 0;
  const groups: Group[] = scenario.agents.map((spec, index) => {
    const classId = spec.class !== undefined ? (classIndex.get(spec.class) as number) : 0;
    const maxDevices =
      spec.kind === "mercenary"
        ? spec.maxDevices
        : spec.kind === "sybil" || spec.kind === "spoofer" || spec.kind === "collusion"
          ? (spec.maxDevices ?? spec.count * 5)
          : spec.kind === "adaptive"
            ? spec.count
            : Number.MAX_SAFE_INTEGER;
    const homeCells: number[] = [];
    if (spec.kind === "sybil" || spec.kind === "spoofer" || spec.kind === "adaptive") {
      const first = citySampler.draw(rng);
      homeCells.push(first);
      const ring = neighbourCells(first);
      const want = spec.kind === "adaptive" ? spec.sybil.cells : spec.cells;
      for (let k = 1; k < want; k++) homeCells.push(k <= 6 ? ring[k - 1] : citySampler.draw(rng));
    } else if (spec.kind === "collusion") {
      const first = citySampler.draw(rng);
      homeCells.push(first, ...neighbourCells(first).slice(0, spec.cells - 1));
      for (let k = homeCells.length; k < spec.cells; k++) homeCells.push(citySampler.draw(rng));
    }
    const ownerBase = ownerCount;
    const wallets = "wallets" in spec && spec.wallets !== undefined ? spec.wallets : 1;
    if (spec.kind !== "honest") ownerCount += wallets;
    const farm: FarmerStrategy | null = spec.kind === "adaptive" ? (spec.initialStrategy ?? spec.strategies[0]) : null;
    return {
      index,
      spec,
      name: spec.name ?? `${spec.kind}-${index}`,
      kind: spec.kind,
      strategy: farm ?? spec.kind,
      farm,
      estimates: {},
      switched: 0,
      role: roleOf(spec.kind),
      fraud: isFraudulent(spec.kind),
      classId,
      devices: 0,
      maxDevices,
      emaUsdPerWork: -1,
      inflation:
        spec.kind === "fakeWork"
          ? spec.inflation
          : spec.kind === "adaptive" && farm === "fakeWork"
            ? spec.fakeWork.inflation
            : 1,
      homeCells,
      homeMask: homeCells.length > 0 ? maskOf(cells, homeCells) : null,
      away: 0,
      spreadShare: farm === "spoofer" ? 1 : 0,
      ownerBase,
      wallets,
      joinedTotal: 0,
      ownerStake: 0,
      stakeRng: spec.stake === undefined ? null : rng.fork(STAKE_STREAM + index),
      operators: 0,
      stakeTokens: 0,
      sellFraction: spec.sellFraction ?? (spec.kind === "honest" ? 0.5 : 1),
      e: new Float64Array(S_COUNT),
      t: new Float64Array(S_COUNT),
      peak: 0,
      kitUsd: 0,
      feesUsd: 0,
      opexUsd: 0,
      bondCapitalUsd: 0,
      bondPaidUsd: 0,
      bondSoldUsd: 0,
      bondLostUsd: 0,
      topUpTokens: 0,
      revenueUsd: 0,
      lastDensity: 1,
      activeEpochs: 0,
      honestWitnessShare: 1,
      mimic: spec.kind === "fakeWork" && spec.mode === "mimic",
      joinRate: "joinPerEpoch" in spec && spec.joinPerEpoch !== undefined ? spec.joinPerEpoch : 0,
      joinCredit: 0,
      hop:
        spec.kind === "spoofer" && spec.hop !== undefined && spec.hop.enabled
          ? { share: spec.hop.share, costUsd: spec.hop.costUsd }
          : null,
      hopUsdPerDevice: 0,
    };
  });
  const groupCount = groups.length;
  /** Collusion rings (their witness shares are updated before decisions and before detection). */
  const rings = groups.filter((g) => g.kind === "collusion" && g.homeMask !== null);
  /** Per-group per-epoch stats, flat: group g's slot k at g·S_COUNT + k (Group.e is a view of its slice). */
  const groupStats = new Float64Array(groupCount * S_COUNT);
  for (const g of groups) g.e = groupStats.subarray(g.index * S_COUNT, (g.index + 1) * S_COUNT);

  // ---- device arrays (struct of arrays) ---------------------------------------------------------------------
  // room for the initial devices and some growth; grow() doubles when agents need more
  const capacity = Math.max(
    1024,
    Math.ceil(initialDevices(scenario) * 1.25) +
      scenario.agents.reduce(
        (s, a) => s + ("maxJoinPerEpoch" in a ? Math.min(a.maxJoinPerEpoch * epochs, 100_000) : 0),
        0,
      ),
  );
  const table = new DeviceTable(capacity);
  const d = table.columns;
  /** The next device handle (a device keeps its handle while its row moves). */
  let nextHandle = 0;
  const cellFactor = new Float64Array(cells);
  const cellCounts = new Float64Array(cells);
  /** Devices present per cell, kept up to date by join, removeAt, spreadOut and hopPass (countCells and hopPass start from it). */
  const cellDevices = new Int32Array(cells);
  /** The per-device hot loops over the current arrays (built before the first epoch and after every grow()). */
  let passes: HotPasses | undefined;
  let kernel: FastRewardKernel = buildKernel();

  function buildKernel(): FastRewardKernel {
    if (passes !== undefined) passes = buildPasses();
    const built = createFastRewardKernel(
      rewardParams,
      {
        classId: d.classId,
        reported: d.reported,
        served: d.served,
        cell: d.cell,
        stake: d.stake,
        joinEpoch: d.joinEpoch,
        eligible: d.eligible,
        cellFactor,
        score: d.score,
        reward: d.reward,
      },
      { fresh: true },
    );
    warmUpKernel(built);
    return built;
  }

  /**
   * Run the fresh reward kernel over slots 0 and 1 (capacity ≥ 1024) with fractional inputs, one device in its
   * establishment period and one established, then restore every value touched: its loops then have feedback for
   * both branches and for doubles before V8 compiles them on-stack (see kernels.ts).
   */
  function warmUpKernel(k: FastRewardKernel): void {
    const floats = [d.reported, d.served, d.stake, d.score, d.reward];
    const savedFloats = floats.map((x) => x.slice(0, 2));
    const savedJoin = d.joinEpoch.slice(0, 2);
    const savedEligible = d.eligible.slice(0, 2);
    const savedClass = d.classId.slice(0, 2);
    const savedCell = d.cell.slice(0, 2);
    const savedFactors = cellFactor.slice();
    for (const x of floats) x.fill(0.625, 0, 2);
    d.joinEpoch[0] = 1e9;
    d.joinEpoch[1] = -1e9;
    d.eligible.fill(1, 0, 2);
    d.classId.fill(0, 0, 2);
    d.cell.fill(0, 0, 2);
    cellFactor[0] = 0.5;
    for (let r = 0; r < WARM_UP_CALLS; r++) k.pay(2, 1.5, k.score(2, 0));
    floats.forEach((x, j) => x.set(savedFloats[j]));
    d.joinEpoch.set(savedJoin);
    d.eligible.set(savedEligible);
    d.classId.set(savedClass);
    d.cell.set(savedCell);
    cellFactor.set(savedFactors);
  }

  /** Room for `min` devices; the passes and the kernel are rebuilt over the reallocated columns. */
  function grow(min: number): void {
    if (table.reserve(min)) kernel = buildKernel();
  }

  // lifetime records of devices that left (for pay equity and concentration)
  const retired = new RetiredDevices(
    capacity,
    Math.max(1, Math.floor(epochs / 10)),
    Uint8Array.from(groups, (g) => (g.role === "honest" ? 1 : 0)),
  );
  let honestEver = 0;
  let fraudEver = 0;
  /** Σ over epochs of the fraudulent devices present when detection ran. */
  let fraudDeviceEpochs = 0;
  let fraudCaught = 0;
  let flagsFraud = 0;
  let flagsHonest = 0;

  // ---- supply, market, demand ------------------------------------------------------------------------------
  const pricePath = scenario.market.pricePath;
  const market: Market =
    scenario.market.model === "amm"
      ? constantProductMarket(scenario.market.initialPrice, scenario.market.liquidityUsd)
      : pricePath !== undefined
        ? formulaPriceMarket(
            compileFormula(pricePath, "market.pricePath", PATH_VARIABLES, scenario.market.parameters ?? {}),
          )
        : exogenousMarket(scenario.market.initialPrice, scenario.market.drift, scenario.market.volatility, marketRng);
  const genesisSupply =
    scenario.market.genesisSupply !== undefined
      ? Number(scenario.market.genesisSupply)
      : scenario.market.liquidityUsd / scenario.market.initialPrice;
  let cumulativeBurned = 0;
  let bondsLocked = 0;
  let carry = 0;
  let paidTotal = 0;
  let deviceEpochs = 0;
  let leakTotal = 0;
  let networkUsdPerWork = -1;

  const exact: ExactCheck | undefined =
    options.mode !== "fast"
      ? {
          exactPaidWei: 0n,
          fastPaidTokens: 0,
          maxEpochDiffWei: 0,
          dustWei: 0n,
          devicePoolWei: 0n,
          conserved: true,
          maxDevices: 0,
        }
      : undefined;
  if (supply.formula !== undefined && options.mode === "evm") requireOnChainEmission(scenario.emission);
  const ledger: Ledger =
    options.ledger ??
    (options.mode === "fast"
      ? new FastLedger(groupCount, vestImmediate, vestDuration)
      : options.mode === "exact"
        ? new ExactLedger(ledgerTermsOf(scenario))
        : failMode());
  function failMode(): never {
    throw new Error(`engine: mode ${options.mode} needs options.ledger (the EVM ledger lives in scripts/evm)`);
  }
  if (ledger.mode !== options.mode) throw new Error(`engine: mode ${options.mode} with a ${ledger.mode} ledger`);
  const fastLedger = ledger instanceof FastLedger ? ledger : undefined;
  const exactLedger = ledger instanceof ExactLedger ? ledger : undefined;
  ledger.setJoinCosts(L.minBond, L.onboardingFee);
  // a simulation-only emission formula: computed each epoch from the previous epoch's state (emissionFormula.ts)
  const emissionRun = supply.formula?.start(exactLedger !== undefined);
  const emissionSeries = emissionRun !== undefined ? new Float64Array(epochs) : supply.emission;
  const cumulativeSeries = emissionRun !== undefined ? new Float64Array(epochs) : supply.cumulative;
  /** The previous epoch's state an emission formula reads. */
  const stateBefore: NetworkState = {
    devices: 0,
    reportedWork: 0,
    realWork: 0,
    servedWork: 0,
    demandUsd: 0,
    price: 0,
    burned: 0,
    circulating: 0,
  };

  const groupSeries: GroupSeriesRow[] = [];
  const networkSeries: NetworkSeriesRow[] = [];
  const strategySeries: StrategySeriesRow[] = [];
  const sink: SeriesSink = options.sink ?? {
    network: (row) => networkSeries.push(row),
    group: (row) => groupSeries.push(row),
    strategy: (row) => strategySeries.push(row),
  };

  // ---- joins and leaves --------------------------------------------------------------------------------------
  function expectedWork(g: Group): number {
    const c = scenario.classes[g.classId];
    const mult = "workMultiplier" in g.spec ? g.spec.workMultiplier : 1;
    return c.workPerEpoch * mult * (g.strategy === "fakeWork" ? g.inflation : 1);
  }

  function join(g: Group, k: number, epoch: number): void {
    if (k <= 0) return;
    if (table.n + k > table.capacity) grow(table.n + k);
    const c = scenario.classes[g.classId];
    const spec = g.spec;
    const spreadH =
      "hardwareSpread" in spec
        ? spec.hardwareSpread
        : spec.kind === "adaptive" && g.strategy === "fakeWork"
          ? spec.fakeWork.hardwareSpread
          : 0;
    const mult = "workMultiplier" in spec ? spec.workMultiplier : 1;
    const a = spec.workCv * Math.sqrt(3);
    let extraStake = 0;
    const first = table.addRows(k);
    const end = first + k;
    // the columns every device of this join starts with the same value in
    d.group.fill(g.index, first, end);
    d.classId.fill(g.classId, first, end);
    d.joinEpoch.fill(epoch, first, end);
    d.burst.fill(0, first, end);
    d.eligible.fill(1, first, end);
    d.caught.fill(0, first, end);
    d.cumReward.fill(0, first, end);
    d.cumReal.fill(0, first, end);
    d.reward.fill(0, first, end);
    for (let i = first; i < end; i++) {
      if (g.strategy === "honest") {
        const perOperator = (spec as Extract<AgentSpec, { kind: "honest" }>).devicesPerOperator;
        if (g.joinedTotal % perOperator === 0) {
          g.ownerBase = ownerCount++;
          if (g.stakeRng !== null) g.ownerStake = drawExtraStake(spec.stake as StakeSpec, g.operators++, g.stakeRng);
        }
        d.owner[i] = g.ownerBase;
      } else {
        if (g.joinedTotal === 0 && g.stakeRng !== null) {
          g.ownerStake = drawExtraStake(spec.stake as StakeSpec, g.operators++, g.stakeRng);
        }
        d.owner[i] = g.ownerBase + (g.joinedTotal % g.wallets);
      }
      g.joinedTotal++;
      if (g.homeCells.length > 0) {
        d.cell[i] =
          g.strategy === "spoofer" && g.spreadShare > 0.5
            ? rng.int(cells)
            : g.strategy === "fakeWork"
              ? citySampler.draw(rng)
              : g.homeCells[rng.int(g.homeCells.length)];
      } else d.cell[i] = citySampler.draw(rng);
      cellDevices[d.cell[i]]++;
      if (g.homeMask !== null && g.homeMask[d.cell[i]] === 0) g.away++;
      d.regCell[i] = d.cell[i];
      if (watched !== null && epoch >= watched.fromEpoch) logRegistration(epoch, d.owner[i], d.cell[i]);
      if (g.mimic) {
        // a copy of a random honest device of the class: its group's multiplier, hardware spread and epoch noise
        const t = mimicTemplate(g);
        const hwT = t.spread > 0 ? Math.max(0.05, 1 + t.spread * rng.normal()) : 1;
        d.realRate[i] = 0;
        d.fakeRate[i] = c.workPerEpoch * t.mult * hwT;
        d.amp[i] = t.cv * Math.sqrt(3);
      } else {
        const hw = spreadH > 0 ? Math.max(0.05, 1 + spreadH * rng.normal()) : 1;
        const base = c.workPerEpoch * mult * hw;
        if (g.strategy === "honest" || g.strategy === "mercenary") {
          d.realRate[i] = base;
          d.fakeRate[i] = 0;
        } else if (g.strategy === "fakeWork") {
          d.realRate[i] = base;
          d.fakeRate[i] = base * (g.inflation - 1);
        } else {
          d.realRate[i] = 0;
          d.fakeRate[i] = base;
        }
        d.amp[i] = a;
      }
      d.stake[i] = minBond + g.ownerStake;
      extraStake += g.ownerStake;
      g.stakeTokens += d.stake[i];
      d.handle[i] = nextHandle++;
      ledger.join({
        handle: d.handle[i],
        owner: d.owner[i],
        group: g.index,
        classId: d.classId[i],
        cell: d.cell[i],
        epoch,
        extraStake: g.ownerStake,
      });
      if (g.fraud) fraudEver++;
      else honestEver++;
    }
    g.devices += k;
    g.e[S_JOINED] += k;
    bondsLocked += k * minBond + extraStake;
    // bonds (with any extra stake) and fees are bought on the market; fees are burned
    const tokensNeeded = k * (minBond + fee) + extraStake;
    const usd = market.buyTokens(tokensNeeded);
    cumulativeBurned += k * fee;
    epochBurned += k * fee;
    const hardware = setupCostOf(g);
    const feeUsd = tokensNeeded > 0 ? (usd * (k * fee)) / tokensNeeded : 0;
    g.bondPaidUsd += usd - feeUsd;
    g.kitUsd += k * hardware;
    g.feesUsd += feeUsd;
    g.e[S_COST] += k * hardware + feeUsd;
  }

  /**
   * Remove the devices in the flagged list (suspension), or `quota[g]` devices of group g: those that earned least
   * last epoch first (a group sheds its marginal devices: the most crowded, the least established), the newest
   * among equals.
   */
  const quota = new Int32Array(groupCount);
  function removePass(bySuspension: boolean): void {
    if (bySuspension) {
      // descending: every flagged index above i is already gone, so the device swapped into i is not flagged
      for (let k = flaggedCount - 1; k >= 0; k--) removeAt(flaggedList[k], false);
      return;
    }
    let left = 0;
    for (let g = 0; g < groupCount; g++) left += quota[g];
    if (left === 0) return;
    const chosen = leavers({
      reward: d.reward,
      joinEpoch: d.joinEpoch,
      group: d.group,
      n: table.n,
      quota,
      devices: groups.map((g) => g.devices),
    });
    quota.fill(0);
    // descending, as above
    for (const i of chosen) removeAt(i, true);
  }

  /** Swap-remove device i; a leaving device gets its bond back (to sell), a suspended one does not. */
  function removeAt(i: number, leaving: boolean): void {
    const g = groups[d.group[i]];
    if (g.homeMask !== null && g.homeMask[d.cell[i]] === 0) g.away--;
    retired.retire(d, i, i + 1);
    bondsLocked -= d.stake[i];
    g.stakeTokens -= d.stake[i];
    if (leaving) {
      ledger.leave(d.handle[i], g.index, d.stake[i]);
      g.e[S_LEFT] += 1;
    } else g.bondLostUsd += d.stake[i] * market.price();
    g.devices--;
    cellDevices[d.cell[i]]--;
    table.swapRemove(i);
  }

  /** Move up to k of the group's devices from home cells to random cells; update its spread share. */
  function spreadOut(g: Group, k: number): void {
    const home = g.homeMask as Uint8Array;
    // the first min(k, devices at home) of its devices at home, in index order, move (as a full scan would);
    // the scan stops there, and the away count is kept up to date by join and removeAt
    let toMove = Math.min(k, g.devices - g.away);
    const gi = g.index;
    for (let i = 0; i < table.n && toMove > 0; i++) {
      if (d.group[i] !== gi || home[d.cell[i]] === 0) continue;
      cellDevices[d.cell[i]]--;
      d.cell[i] = rng.int(cells);
      cellDevices[d.cell[i]]++;
      ledger.move(d.handle[i], d.cell[i]);
      toMove--;
      if (home[d.cell[i]] === 0) g.away++;
    }
    g.spreadShare = g.devices > 0 ? g.away / g.devices : 0;
  }

  // ---- attack repertoire: mimicry, hopping, registration patterns (all off unless the scenario asks) -----------
  /** The honest device a mimic copies: a random honest device of its class (its group's work parameters). */
  function mimicTemplate(g: Group): { mult: number; spread: number; cv: number } {
    let total = 0;
    for (const h of groups) if (h.kind === "honest" && h.classId === g.classId) total += h.devices;
    const own = g.spec as Extract<AgentSpec, { kind: "fakeWork" }>;
    if (total === 0) return { mult: 1, spread: own.hardwareSpread, cv: own.workCv };
    let u = rng.next() * total;
    let pick: Group | undefined;
    for (const h of groups) {
      if (h.kind !== "honest" || h.classId !== g.classId || h.devices === 0) continue;
      pick = h;
      u -= h.devices;
      if (u < 0) break;
    }
    const t = (pick as Group).spec as Extract<AgentSpec, { kind: "honest" }>;
    return { mult: t.workMultiplier, spread: t.hardwareSpread, cv: t.workCv };
  }

  /** The registration detector in force (null: off); `leverChanges` may switch it, or change its rule, mid-run. */
  let registration = L.registrationDetector?.enabled ? L.registrationDetector : null;
  /**
   * The detector's rule as the scenario gives it, when it is on at some point of the run: registrations are then
   * logged, and the window's counts kept, from the start (a detector switched on reads the recent registrations).
   */
  const watched =
    L.registrationDetector !== undefined &&
    (L.registrationDetector.enabled ||
      (scenario.leverChanges ?? []).some((c) => c.registrationDetector?.enabled === true))
      ? L.registrationDetector
      : null;
  /** Registrations judged by the detector, oldest first from `regHead`: epoch, owner, cell. */
  const regLog: number[] = [];
  let regHead = 0;
  /** Registrations in the trailing window, per owner and per cell. */
  let regByOwner = new Int32Array(watched !== null ? 64 : 0);
  const regByCell = new Int32Array(watched !== null ? cells : 0);
  /** Devices the registration detector flagged this epoch (their flag reason). */
  const regFlagged = new Set<number>();
  /** Per group: devices marked as registered in a burst (present at the last detection). */
  const burstMarked = new Float64Array(watched !== null ? groupCount : 0);

  function logRegistration(epoch: number, owner: number, cell: number): void {
    if (owner >= regByOwner.length) {
      const grown = new Int32Array(Math.max(owner + 1, regByOwner.length * 2));
      grown.set(regByOwner);
      regByOwner = grown;
    }
    regLog.push(epoch, owner, cell);
    regByOwner[owner]++;
    regByCell[cell]++;
  }

  /**
   * The registration-pattern detector, after challenges and the anomaly detector: registrations older than the
   * window leave the counts; a device registered within the window whose owner (or registration cell) now counts more
   * than the burst threshold is marked for good; each marked device not flagged yet is flagged with `probability`.
   * The flagged list is rebuilt in index order (eligible = 0 exactly on this epoch's flags).
   */
  function registrationPass(epoch: number, w: NonNullable<typeof watched>): void {
    regFlagged.clear();
    while (regHead < regLog.length && regLog[regHead] <= epoch - w.windowEpochs) {
      regByOwner[regLog[regHead + 1]]--;
      regByCell[regLog[regHead + 2]]--;
      regHead += 3;
    }
    if (regHead > 3 * 65_536 && regHead * 2 > regLog.length) {
      regLog.splice(0, regHead);
      regHead = 0;
    }
    const r = registration;
    if (r === null) return;
    const perOwner = r.perOwner ?? Infinity;
    const perCell = r.perCell ?? Infinity;
    const len = table.n;
    const { burst, joinEpoch, owner, regCell, group, eligible } = d;
    // registered within the window (and once the detector watches): joined at or after `since`
    const since = Math.max(r.fromEpoch, epoch - r.windowEpochs + 1);
    for (let i = 0; i < len; i++) {
      if (burst[i] === 1 || joinEpoch[i] < since) continue;
      if (regByOwner[owner[i]] > perOwner || regByCell[regCell[i]] > perCell) burst[i] = 1;
    }
    burstMarked.fill(0);
    const probability = r.probability;
    for (let i = 0; i < len; i++) {
      if (burst[i] === 0) continue;
      burstMarked[group[i]]++;
      if (eligible[i] === 1 && rng.next() < probability) {
        eligible[i] = 0;
        regFlagged.add(i);
      }
    }
    if (regFlagged.size === 0) return;
    let count = 0;
    for (let i = 0; i < len; i++) if (d.eligible[i] === 0) flaggedList[count++] = i;
    flaggedCount = count;
  }

  const hopCounts = new Float64Array(groups.some((g) => g.hop !== null) ? cells : 0);
  const hopFactors = new Float64Array(hopCounts.length);
  const hopBest: number[] = [];
  /** Batches of moves per epoch: the density factors are recomputed between batches. */
  const HOP_BATCHES = 4;

  /**
   * A hopping spoofer's moves this epoch: up to ceil(share × devices) of its devices, from the cells where the
   * density factor is lowest, each to a cell with a higher factor (highest factor first, then fewest devices, then a
   * fixed hash of cell and epoch), one device per destination and batch, the factors recomputed between batches from
   * the devices present. A move that would not raise the device's factor is not made. Each move costs `costUsd`
   * (opex).
   */
  function hopPass(g: Group, epoch: number): void {
    const hop = g.hop as { share: number; costUsd: number };
    const k = Math.ceil(g.devices * hop.share);
    let moved = 0;
    if (k > 0) {
      hopCounts.set(cellDevices);
      const per = Math.max(1, Math.ceil(k / HOP_BATCHES));
      const own: number[] = [];
      for (let b = 0; b < HOP_BATCHES && moved < k; b++) {
        density.factors(hopCounts, hopFactors);
        own.length = 0;
        for (let i = 0; i < table.n; i++) if (d.group[i] === g.index) own.push(i);
        own.sort((x, y) => hopFactors[d.cell[x]] - hopFactors[d.cell[y]] || x - y);
        const m = Math.min(per, k - moved, own.length);
        bestCells(m, epoch * HOP_BATCHES + b);
        let movedHere = 0;
        for (let j = 0; j < m && j < hopBest.length; j++) {
          const i = own[j];
          const from = d.cell[i];
          const to = hopBest[j];
          if (!(hopFactors[to] > hopFactors[from] + 1e-12)) break;
          hopCounts[from] -= 1;
          hopCounts[to] += 1;
          if (g.homeMask !== null) g.away += g.homeMask[from] - g.homeMask[to];
          d.cell[i] = to;
          cellDevices[from]--;
          cellDevices[to]++;
          ledger.move(d.handle[i], to);
          movedHere++;
        }
        moved += movedHere;
        if (movedHere === 0) break;
      }
    }
    const cost = moved * hop.costUsd;
    g.opexUsd += cost;
    g.e[S_COST] += cost;
    g.hopUsdPerDevice = g.devices > 0 ? cost / g.devices : 0;
    g.spreadShare = g.devices > 0 ? g.away / g.devices : 0;
  }

  /** The m best destination cells into `hopBest` (best first): highest factor, fewest devices, then a fixed hash. */
  function bestCells(m: number, salt: number): void {
    hopBest.length = 0;
    const better = (a: number, b: number): boolean =>
      hopFactors[a] !== hopFactors[b]
        ? hopFactors[a] > hopFactors[b]
        : hopCounts[a] !== hopCounts[b]
          ? hopCounts[a] < hopCounts[b]
          : cellHash(a, salt) < cellHash(b, salt);
    for (let c = 0; c < cells; c++) {
      if (hopBest.length === m && !better(c, hopBest[m - 1])) continue;
      let at = hopBest.length < m ? hopBest.length : m - 1;
      hopBest[at] = c;
      while (at > 0 && better(hopBest[at], hopBest[at - 1])) {
        const x = hopBest[at - 1];
        hopBest[at - 1] = hopBest[at];
        hopBest[at] = x;
        at--;
      }
    }
  }

  function setInflation(g: Group, inflation: number): void {
    if (inflation === g.inflation) return;
    g.inflation = inflation;
    for (let i = 0; i < table.n; i++) if (d.group[i] === g.index) d.fakeRate[i] = d.realRate[i] * (inflation - 1);
  }

  /** Running cost per device per epoch (USD) of the behaviour the group runs now. */
  function opexOf(g: Group): number {
    const spec = g.spec;
    if (spec.kind === "adaptive") {
      return g.farm === "sybil"
        ? spec.sybil.opexUsdPerEpoch
        : g.farm === "spoofer"
          ? spec.spoofer.opexUsdPerEpoch
          : scenario.classes[g.classId].opexUsdPerEpoch;
    }
    if (spec.kind === "fakeWork") return spec.opexUsdPerEpoch ?? scenario.classes[g.classId].opexUsdPerEpoch;
    return g.kind === "honest" || g.kind === "mercenary"
      ? scenario.classes[g.classId].opexUsdPerEpoch
      : (spec as { opexUsdPerEpoch: number }).opexUsdPerEpoch;
  }

  /** Up-front cost per device besides bond and fee (USD): hardware of the class, or a fake device's setup. */
  function setupCostOf(g: Group): number {
    const spec = g.spec;
    if (spec.kind === "adaptive") {
      return g.farm === "sybil"
        ? spec.sybil.setupCostUsd
        : g.farm === "spoofer"
          ? spec.spoofer.setupCostUsd
          : scenario.classes[g.classId].hardwareCostUsd;
    }
    if (spec.kind === "fakeWork") return spec.setupCostUsd ?? scenario.classes[g.classId].hardwareCostUsd;
    return g.kind === "honest" || g.kind === "mercenary"
      ? scenario.classes[g.classId].hardwareCostUsd
      : (spec as { setupCostUsd: number }).setupCostUsd;
  }

  // ---- scripted lever changes ------------------------------------------------------------------------------
  const leverChanges: readonly LeverChange[] = scenario.leverChanges ?? [];
  let nextLeverChange = 0;

  /** Apply one scripted change; a raised bond is topped up on every active device (tokens bought on the market). */
  function applyLeverChange(ch: LeverChange): void {
    if (ch.onboardingFee !== undefined) fee = Number((L.onboardingFee = ch.onboardingFee));
    if (ch.onboardingFee !== undefined || ch.minBond !== undefined) {
      ledger.setJoinCosts(ch.minBond ?? L.minBond, L.onboardingFee);
    }
    if (ch.detection) Object.assign(L.detection, ch.detection);
    if (ch.registrationDetector) {
      // the scenario check guarantees a base rule (its window and fromEpoch stay)
      const rule = L.registrationDetector as NonNullable<typeof L.registrationDetector>;
      Object.assign(rule, ch.registrationDetector);
      registration = rule.enabled ? rule : null;
    }
    if (ch.anomalyDetector) {
      Object.assign(L.anomalyDetector, ch.anomalyDetector);
      detectorOn = L.anomalyDetector.enabled;
      detectorThreshold = L.anomalyDetector.threshold;
    }
    if (ch.densityScaling) {
      Object.assign(L.densityScaling, ch.densityScaling);
      density = h3World ? h3World.densityModel(densityParams()) : new DensityModel(grid, densityParams());
    }
    if (ch.minBond !== undefined) {
      L.minBond = ch.minBond;
      minBond = Number(ch.minBond);
      let topUp = 0;
      for (let i = 0; i < table.n; i++) {
        if (d.stake[i] < minBond) {
          topUp += minBond - d.stake[i];
          groups[d.group[i]].topUpTokens += minBond - d.stake[i];
          groups[d.group[i]].stakeTokens += minBond - d.stake[i];
          d.stake[i] = minBond;
          ledger.topUp(d.handle[i]);
        }
      }
      if (topUp > 0) {
        bondsLocked += topUp;
        const usd = market.buyTokens(topUp);
        for (const g of groups) {
          g.bondPaidUsd += (usd * g.topUpTokens) / topUp;
          g.topUpTokens = 0;
        }
      }
    }
  }

  // ---- adaptive farmers --------------------------------------------------------------------------------------
  /** Network pay (USD at the epoch's price) per unit of reward score, per epoch (NaN when nothing was scored). */
  const usdPerScore = new Float64Array(epochs).fill(NaN);
  let lastServedFraction = 0;
  const hasAdaptive = groups.some((g) => g.kind === "adaptive");
  const scratchCounts = hasAdaptive ? new Float64Array(cells) : new Float64Array(0);
  const scratchFactors = hasAdaptive ? new Float64Array(cells) : new Float64Array(0);

  /** Mean density factor of `devices` new devices spread evenly over `where` (null = every cell), others as now. */
  function hypotheticalDensity(g: Group, devices: number, where: readonly number[] | null): number {
    scratchCounts.set(cellCounts);
    for (let i = 0; i < table.n; i++) if (d.group[i] === g.index) scratchCounts[d.cell[i]] -= d.eligible[i];
    if (where === null) {
      const add = devices / cells;
      for (let c = 0; c < cells; c++) scratchCounts[c] += add;
    } else for (const c of where) scratchCounts[c] += devices / where.length;
    density.factors(scratchCounts, scratchFactors);
    let sum = 0;
    if (where === null) for (let c = 0; c < cells; c++) sum += scratchFactors[c];
    else for (const c of where) sum += scratchFactors[c];
    return sum / (where === null ? cells : where.length);
  }

  /** Expected return on capital of each candidate attack under the current levers (into g.estimates). */
  function estimateStrategies(
    g: Group,
    spec: Extract<AgentSpec, { kind: "adaptive" }>,
    epoch: number,
    price: number,
  ): void {
    let sum = 0;
    let count = 0;
    for (let k = Math.max(0, epoch - spec.windowEpochs); k < epoch; k++) {
      if (!Number.isNaN(usdPerScore[k])) {
        sum += usdPerScore[k];
        count++;
      }
    }
    if (count === 0) return;
    const pay = sum / count;
    const c = scenario.classes[g.classId];
    const d = L.detection;
    const reportedW = 1 - rewardParams.demandWeightBps / 10_000;
    const E = L.establishment.epochs;
    const H = spec.horizonEpochs;
    const establishment = E > 0 ? (Math.min(E, H) * L.establishment.fraction + Math.max(0, H - E)) / H : 1;
    let honestDensity = 0;
    let honestDevices = 0;
    for (const h of groups) {
      if (h.role === "honest" && h.devices > 0) {
        honestDensity += h.lastDensity * h.devices;
        honestDevices += h.devices;
      }
    }
    const work = c.workPerEpoch * spec.workMultiplier;
    const common = {
      usdPerScore: pay,
      establishment,
      suspended: slashOn,
      slashFraction,
      bondUsd: minBond * price,
      capitalCostPerEpoch,
      epochsPerYear,
    };
    const est = (s: FarmerStrategy): StrategyEstimate & { entryUsd: number } => {
      let inputs;
      if (s === "sybil") {
        inputs = {
          ...common,
          score: c.weight * reportedW * work,
          densityFactor: hypotheticalDensity(g, spec.count, g.homeCells),
          detectProbability: d.sybil,
          opexUsd: spec.sybil.opexUsdPerEpoch,
          entryUsd: spec.sybil.setupCostUsd + fee * price,
        };
      } else if (s === "spoofer") {
        inputs = {
          ...common,
          score: c.weight * reportedW * work,
          densityFactor: hypotheticalDensity(g, spec.count, null),
          detectProbability: Math.min(1, d.spoofer * d.spreadMultiplier),
          opexUsd: spec.spoofer.opexUsdPerEpoch,
          entryUsd: spec.spoofer.setupCostUsd + fee * price,
        };
      } else {
        const own = c.workPerEpoch;
        const mean = lastClassMean[g.classId] > 0 ? lastClassMean[g.classId] : own;
        const inflation = fakeWorkInflation(
          { adaptive: spec.adaptive, inflation: spec.fakeWork.inflation },
          L.anomalyDetector,
          mean,
          own,
        );
        inputs = {
          ...common,
          score: c.weight * (reportedW * work * inflation + (1 - reportedW) * work * lastServedFraction),
          densityFactor: honestDevices > 0 ? honestDensity / honestDevices : 1,
          detectProbability: d.fakeWork,
          opexUsd: c.opexUsdPerEpoch,
          entryUsd: c.hardwareCostUsd + fee * price,
        };
      }
      return { ...strategyEstimate(inputs), entryUsd: inputs.entryUsd };
    };
    g.estimates = {};
    for (const s of spec.strategies) g.estimates[s] = est(s);
  }

  /** Every K epochs: estimate, choose, and switch (all devices leave, the new attack's devices join). */
  function decideAdaptive(
    g: Group,
    spec: Extract<AgentSpec, { kind: "adaptive" }>,
    epoch: number,
    price: number,
  ): void {
    if ((epoch - spec.startEpoch) % spec.decideEveryEpochs !== 0) return;
    estimateStrategies(g, spec, epoch, price);
    const next = chooseStrategy(spec, g.farm, g.estimates, epochsPerYear);
    if (next === g.farm) {
      // same attack: replace devices that were caught and suspended (the budget stays `count` devices)
      if (next !== null) join(g, spec.count - g.devices, epoch);
      return;
    }
    const had = g.devices;
    // leaving returns the bonds (sold); the old kit is sunk
    for (let i = table.n - 1; i >= 0; i--) if (d.group[i] === g.index) removeAt(i, true);
    if (next !== null && g.farm !== null && had > 0) {
      const cost = spec.switchCostUsd * spec.count;
      g.e[S_COST] += cost;
      g.kitUsd += cost;
    }
    g.farm = next;
    g.strategy = next ?? "adaptive";
    g.switched = 1;
    if (next === null) return;
    g.spreadShare = next === "spoofer" ? 1 : 0;
    if (next === "fakeWork") {
      const own = scenario.classes[g.classId].workPerEpoch;
      const mean = lastClassMean[g.classId] > 0 ? lastClassMean[g.classId] : own;
      g.inflation = fakeWorkInflation(
        { adaptive: spec.adaptive, inflation: spec.fakeWork.inflation },
        L.anomalyDetector,
        mean,
        own,
      );
    } else g.inflation = 1;
    join(g, spec.count, epoch);
  }

  // ---- hot passes ------------------------------------------------------------------------------------------
  const classReported = new Float64Array(classCount);
  const classDevices = new Float64Array(classCount);

  /**
   * Work of every device this epoch: real = rate × noise; reported = (real rate + fake rate) × the same noise; in the
   * same pass the per-group sums of both and each device's lifetime real work. Sums accumulate in registers over runs
   * of equal group ids (devices sit in long runs); a scatter `gs[g] += x` per device would serialise on
   * store-to-load forwarding.
   */
  function workPass(): void {
    rngState[0] = rng.getState();
    const p = passes as HotPasses;
    const n = table.n;
    if (n === 0) p.workAndSums(0, 0, true);
    for (let from = 0; from < n; from += CHUNK) p.workAndSums(from, Math.min(n, from + CHUNK), from + CHUNK >= n);
    rng.setState(rngState[0]);
  }

  /** Per-class sums of reported work and devices from the group sums of the work pass; returns Σ real work. */
  function classSums(): number {
    classReported.fill(0);
    classDevices.fill(0);
    let totalReal = 0;
    for (const grp of groups) {
      classReported[grp.classId] += grp.e[S_REPORTED];
      classDevices[grp.classId] += grp.devices;
      totalReal += grp.e[S_REAL];
    }
    return totalReal;
  }

  function servedPass(fraction: number): void {
    const len = table.n;
    const re = d.real,
      sv = d.served;
    for (let i = 0; i < len; i++) sv[i] = re[i] * fraction;
  }

  /** Per-group detection probability this epoch (index by group). */
  const pDetect = new Float64Array(groupCount);

  /** Indices flagged this epoch, ascending; `flaggedCount` valid entries (room for every device). */
  let flaggedList = new Int32Array(table.capacity + 1);
  /** Generator state handed to and from the hot passes that draw. */
  const rngState = new Int32Array(1);
  const runCarry = new Float64Array(4);
  /** The runs of equal group ids the work pass found this epoch (start, group pairs; see kernels/fast.ts). */
  let groupRuns = new Int32Array(0);
  const groupRunCount = new Int32Array(1);

  function buildPasses(): HotPasses {
    if (flaggedList.length <= table.capacity) flaggedList = new Int32Array(table.capacity + 1);
    if (groupRuns.length < 2 * table.capacity) groupRuns = new Int32Array(2 * table.capacity);
    const arrays: HotArrays = {
      group: d.group,
      classId: d.classId,
      cell: d.cell,
      realRate: d.realRate,
      fakeRate: d.fakeRate,
      amp: d.amp,
      real: d.real,
      reported: d.reported,
      eligible: d.eligible,
      reward: d.reward,
      score: d.score,
      cumReward: d.cumReward,
      cumReal: d.cumReal,
      groupStats,
      pDetect,
      limitByClass,
      flaggedList,
      cellFactor,
      rngState,
      runs: groupRuns,
      runCount: groupRunCount,
      carry: runCarry,
    };
    const built = freshCopy(createHotPasses)(arrays, {
      stride: S_COUNT,
      real: S_REAL,
      reported: S_REPORTED,
      reward: S_REWARD,
      density: S_DENSITY,
    });
    warmUp(built, arrays, table.n);
    return built;
  }
  let flaggedCount = 0;

  /** Anomaly limit on reported work per class this epoch (Infinity = no detector). */
  const limitByClass = new Float64Array(classCount);

  /** Challenges and the anomaly detector: sets `eligible` and the flagged list. */
  function detectionPass(epoch: number): void {
    const len = table.n;
    if (!detectorOn && groups.every((g) => g.devices === 0 || pDetect[g.index] === 0)) {
      // nothing can be flagged (no device of a group that can be challenged is present; the pass would draw for
      // none): skip it, only undoing last epoch's flags if any device kept one
      if (flaggedCount > 0) d.eligible.fill(1, 0, len);
      flaggedCount = 0;
      return;
    }
    for (let k = 0; k < classCount; k++) {
      limitByClass[k] =
        detectorOn && classDevices[k] > 0 ? (detectorThreshold * classReported[k]) / classDevices[k] : Infinity;
    }
    rngState[0] = rng.getState();
    const p = passes as HotPasses;
    let count = 0;
    if (detectorOn) {
      for (let from = 0; from < len; from += CHUNK) count = p.detection(from, Math.min(len, from + CHUNK), count);
    } else {
      // no limits: only challenged groups' devices are drawn for and written (the same bits as `detection`), so the
      // pass runs only over the runs of such groups the work pass listed (the table has not changed since)
      if (flaggedCount > 0) d.eligible.fill(1, 0, len);
      if (options.checkInvariants) checkGroupRuns(epoch);
      const runs = groupRunCount[0];
      for (let k = 0; k < runs; k++) {
        if (!(pDetect[groupRuns[2 * k + 1]] > 0)) continue;
        const end = k + 1 < runs ? groupRuns[2 * k + 2] : len;
        for (let from = groupRuns[2 * k]; from < end; from += CHUNK)
          count = p.challenges(from, Math.min(end, from + CHUNK), count);
      }
    }
    flaggedCount = count;
    rng.setState(rngState[0]);
  }

  /**
   * Eligible devices per cell: the devices present (kept incrementally) less this epoch's flagged ones, which are
   * exactly the devices with eligible = 0. Counts are small integers, so the order of the additions cannot matter.
   */
  function countCells(): void {
    cellCounts.set(cellDevices);
    for (let k = 0; k < flaggedCount; k++) cellCounts[d.cell[flaggedList[k]]] -= 1;
  }

  /**
   * Accounting: per-group reward and density sums (run-length accumulated, see workPass); per-device lifetime reward.
   * `summed`: the fast ledger's payment already did the per-device part (`payAndAccount`); otherwise the ledger
   * wrote the rewards, which go through the same pass copied into the score column at k = 1 (score × 1 = reward).
   */
  function accountingPass(summed: boolean): void {
    if (!summed) {
      d.score.set(d.reward.subarray(0, table.n));
      payAndAccountPass(1);
    }
    for (const grp of groups) grp.e[S_ELIGIBLE] = grp.devices;
    for (let k = 0; k < flaggedCount; k++) groupStats[d.group[flaggedList[k]] * S_COUNT + S_DETECTED] += 1;
  }

  // ---- exact mode -------------------------------------------------------------------------------------------
  const exactRewardsScratch = { rewards: new Float64Array(0) };
  /** Dust carried into the current epoch (wei), and the epoch's exact pool, payout and carried dust as decimals. */
  let dustBeforeWei = 0n;
  let lastExactEpoch: Pick<NetworkSeriesRow, "workPoolWei" | "paidWei" | "dustWei"> = {};
  /**
   * The fast kernel on the exact ledger's quantised inputs (the cell factors come from the same eligible counts):
   * records the difference to the exact rewards, which stay in `reward`.
   */
  function exactShadow(epoch: number, poolTokensFast: number): void {
    const check = exact as ExactCheck;
    const ledgerExact = exactLedger as ExactLedger;
    if (exactRewardsScratch.rewards.length < table.n) exactRewardsScratch.rewards = new Float64Array(table.capacity);
    const saved = exactRewardsScratch.rewards;
    saved.set(d.reward.subarray(0, table.n));
    const total = kernel.score(table.n, epoch);
    lastScoreTotal = total;
    const fastPaid = kernel.pay(table.n, poolTokensFast, total);
    d.reward.set(saved.subarray(0, table.n));
    let paidWei = 0n;
    for (const r of ledgerExact.lastRewards.values()) paidWei += r;
    check.maxEpochDiffWei = Math.max(check.maxEpochDiffWei, Math.abs(Number(paidWei) - fastPaid * 1e18));
    check.exactPaidWei += paidWei;
    check.fastPaidTokens += fastPaid;
    check.dustWei = ledgerExact.carriedDust;
    check.devicePoolWei += ledgerExact.fundedThisEpoch;
    check.conserved = check.exactPaidWei + check.dustWei === check.devicePoolWei;
    lastExactEpoch = {
      workPoolWei: (ledgerExact.fundedThisEpoch + dustBeforeWei).toString(),
      paidWei: paidWei.toString(),
      dustWei: ledgerExact.carriedDust.toString(),
    };
    check.maxDevices = Math.max(check.maxDevices, table.n);
  }

  /** The reason code of a flagged device: the anomaly detector's limit, or a failed challenge. */
  function reasonOf(i: number) {
    if (regFlagged.size > 0 && regFlagged.has(i)) return FLAG_REASONS.registration;
    return d.reported[i] > limitByClass[d.classId[i]] ? FLAG_REASONS.anomaly : FLAG_REASONS.challenge;
  }

  // ---- the epoch loop ---------------------------------------------------------------------------------------
  let epochBurned = 0;
  let lastScoreTotal = 0;
  let lastCirculating = 0;
  const demand = scenario.demand;
  const demandPath =
    demand.usdPerEpoch !== undefined
      ? compileFormula(demand.usdPerEpoch, "demand.usdPerEpoch", PATH_VARIABLES, demand.parameters ?? {})
      : undefined;
  const lastClassMean = new Float64Array(classCount);

  passes = buildPasses();
  /** The epoch after the first devices joined: the passes are rebuilt there, warmed up on real devices. */
  const startOfWarmData = Math.min(epochs - 1, Math.max(1, Math.min(...scenario.agents.map((g) => g.startEpoch))));

  // ---- the epoch, phase by phase (the table and its order: simulation/model/epoch.ts) ------------------------
  const mechanisms: EpochMechanisms = {
    emission: emissionPhase,
    levers: leverPhase,
    membership: membershipPhase,
    work: workPhase,
    detection: detectionPhase,
    pay: payPhase,
    slashing: slashingPhase,
    economy: economyPhase,
    record: recordPhase,
  };

  function step(epoch: number): void {
    runEpoch(mechanisms, epoch);
  }

  function emissionPhase(flow: EpochFlow): void {
    const epoch = flow.epoch;
    epochBurned = 0;
    for (const g of groups) g.e.fill(0);
    if (emissionRun !== undefined) {
      stateBefore.devices = table.n;
      stateBefore.price = market.price();
      stateBefore.burned = cumulativeBurned;
      stateBefore.circulating = lastCirculating;
      const minted = emissionRun.next(epoch, stateBefore);
      emissionSeries[epoch] = minted.tokens;
      cumulativeSeries[epoch] = (epoch > 0 ? cumulativeSeries[epoch - 1] : 0) + minted.tokens;
      ledger.startEpoch(epoch, exactLedger !== undefined ? minted.wei : undefined);
    } else ledger.startEpoch(epoch);
    flow.emission = emissionSeries[epoch] ?? 0;
    flow.workPool = flow.emission * workBps;
  }

  function leverPhase(flow: EpochFlow): void {
    while (nextLeverChange < leverChanges.length && leverChanges[nextLeverChange].epoch === flow.epoch) {
      applyLeverChange(leverChanges[nextLeverChange++]);
    }
  }

  /** Each group observes and decides (agents.ts); joins and leaves are applied to the device table. */
  function membershipPhase(flow: EpochFlow): void {
    const epoch = flow.epoch;
    const price = (flow.price = market.price());
    const devicesBefore = table.n;
    updateWitnessShares();
    for (const g of groups) {
      if (epoch < g.spec.startEpoch) continue;
      if (g.spec.kind === "fakeWork" && !g.mimic) {
        // fake-work reporters know the detector's public threshold and the class mean they see on chain
        const own = scenario.classes[g.classId].workPerEpoch;
        const mean = lastClassMean[g.classId] > 0 ? lastClassMean[g.classId] : own;
        setInflation(g, fakeWorkInflation(g.spec, L.anomalyDetector, mean, own));
      }
      if (g.spec.kind === "adaptive") {
        g.switched = 0;
        if (g.farm === "fakeWork") {
          const own = scenario.classes[g.classId].workPerEpoch;
          const mean = lastClassMean[g.classId] > 0 ? lastClassMean[g.classId] : own;
          const spec = g.spec;
          setInflation(
            g,
            fakeWorkInflation(
              { adaptive: spec.adaptive, inflation: spec.fakeWork.inflation },
              L.anomalyDetector,
              mean,
              own,
            ),
          );
        }
        if (epoch > g.spec.startEpoch) {
          decideAdaptive(g, g.spec, epoch, price);
          continue;
        }
      }
      if (epoch === g.spec.startEpoch) {
        join(g, g.spec.count, epoch);
        continue;
      }
      const decision = decide(g, epoch, price, devicesBefore, flow.workPool);
      quota[g.index] = Math.min(decision.leave, g.devices);
      if (decision.spread > 0 && g.hop === null) spreadOut(g, decision.spread);
      if (decision.join > 0) join(g, decision.join, epoch);
    }
    removePass(false);
    quota.fill(0);
    for (const g of groups) if (g.hop !== null && epoch > g.spec.startEpoch) hopPass(g, epoch);

    // hot loops compiled afresh once devices exist, so the warm-up crosses real group boundaries (kernels.ts)
    if (epoch === startOfWarmData) kernel = buildKernel();
  }

  /** Real and reported work per device; the demand and the work it served. */
  function workPhase(flow: EpochFlow): void {
    workPass();
    const totalReal = (flow.realWork = classSums());
    flow.demandUsd =
      demandPath !== undefined
        ? Math.max(0, demandPath({ t: flow.epoch }))
        : demand.initialUsdPerEpoch * Math.pow(1 + demand.growthPerEpoch, flow.epoch);
    const demandWork = flow.demandUsd / demand.usdPerWorkUnit;
    flow.servedWork = Math.min(totalReal, demandWork);
    const servedFraction = totalReal > 0 ? flow.servedWork / totalReal : 0;
    lastServedFraction = servedFraction;
    flow.paidDemandUsd = flow.servedWork * demand.usdPerWorkUnit;
    if (rewardParams.demandWeightBps > 0) servedPass(servedFraction);
  }

  /** Devices flagged (reported to the ledger with their reason); cells counted and their density factors. */
  function detectionPhase(flow: EpochFlow): void {
    updateWitnessShares();
    for (const g of groups) {
      pDetect[g.index] = detectProbability(g);
      if (g.fraud) fraudDeviceEpochs += g.devices;
    }
    detectionPass(flow.epoch);
    if (watched !== null) registrationPass(flow.epoch, watched);
    for (let k = 0; k < flaggedCount; k++) {
      const i = flaggedList[k];
      ledger.flag(d.handle[i], reasonOf(i), slashOn);
    }
    countCells();
    density.factors(cellCounts, cellFactor);
  }

  /** This epoch's rewards went through `payAndAccountPass` when the ledger paid (reset at the start of the pay phase). */
  let paidWithAccounting = false;
  /** The payment, reward = score × k, in one pass with the accounting (see accountingPass); returns Σ reward. */
  function payAndAccountPass(k: number): number {
    const p = passes as HotPasses;
    if (table.n === 0) p.payAndAccount(0, 0, k, true);
    for (let from = 0; from < table.n; from += CHUNK)
      p.payAndAccount(from, Math.min(table.n, from + CHUNK), k, from + CHUNK >= table.n);
    paidWithAccounting = true;
    return runCarry[3];
  }

  /** The work pool paid by protocol/reward.ts through the ledger; per-device and per-group sums. */
  function payPhase(flow: EpochFlow): void {
    const pool = (flow.pool = flow.workPool + carry);
    const work: EpochWork = {
      n: table.n,
      handle: d.handle,
      reported: d.reported,
      served: d.served,
      reward: d.reward,
      kernel,
      density,
      payAndAccount: payAndAccountPass,
    };
    paidWithAccounting = false;
    if (exactLedger) dustBeforeWei = exactLedger.carriedDust;
    const paid = (flow.paid = ledger.pay(flow.epoch, work, pool));
    if (fastLedger !== undefined) {
      lastScoreTotal = fastLedger.lastScoreTotal;
      carry = lastScoreTotal > 0 ? 0 : pool;
    } else {
      exactShadow(flow.epoch, pool);
      carry = 0;
    }
    if (lastScoreTotal > 0) usdPerScore[flow.epoch] = (paid * flow.price) / lastScoreTotal;
    paidTotal += paid;
    deviceEpochs += table.n;
    accountingPass(paidWithAccounting);
    for (let k = 0; k < classCount; k++)
      lastClassMean[k] = classDevices[k] > 0 ? classReported[k] / classDevices[k] : 0;
  }

  /** Flagged devices slashed or suspended, their unvested rewards forfeited; collateral damage counted. */
  function slashingPhase(flow: EpochFlow): void {
    for (let k = 0; k < flaggedCount; k++) {
      const i = flaggedList[k];
      const g = groups[d.group[i]];
      if (g.fraud) {
        flagsFraud++;
        if (d.caught[i] === 0) {
          d.caught[i] = 1;
          fraudCaught++;
        }
      } else {
        flagsHonest++;
        g.e[S_FALSE] += 1;
      }
      if (slashOn) {
        const s = d.stake[i] * slashFraction;
        ledger.slash(d.handle[i], slashFraction, reasonOf(i));
        d.stake[i] -= s;
        g.stakeTokens -= s;
        g.e[S_SLASHED] += s;
        g.e[S_SLASHED_USD] += s * flow.price;
        if (L.slashing.burn) {
          cumulativeBurned += s;
          epochBurned += s;
        }
        bondsLocked -= s;
      }
    }
    if (slashOn) {
      // forfeit unvested rewards of caught devices, pro rata
      for (const g of groups) {
        const caughtHere = g.e[S_DETECTED];
        if (caughtHere > 0 && g.devices > 0) {
          const forfeited = ledger.forfeit(g.index, caughtHere / g.devices);
          if (forfeited > 0) {
            cumulativeBurned += forfeited;
            epochBurned += forfeited;
          }
        }
      }
      removePass(true);
    }
  }

  /** Vesting, revenue, costs, sells, the demand burn and the market's step. */
  function economyPhase(flow: EpochFlow): void {
    const { epoch, price } = flow;
    let sells = 0;
    ledger.settle(epoch);
    // released bonds are sold back first, each group's in one trade
    for (const g of groups) {
      const bond = ledger.takeReleasedBonds(g.index);
      if (bond > 0) g.bondSoldUsd += market.sell(bond);
    }
    for (const g of groups) {
      const e = g.e;
      const earned = e[S_REWARD];
      e[S_REWARD_USD] = earned * price;
      // vesting: immediate part liquid, the rest released linearly from the next epoch (fast); claims (exact)
      ledger.credit(epoch, g.index, earned);
      const sell = ledger.sell(g.index, g.sellFraction);
      e[S_SOLD] = sell;
      sells += sell;
      // running costs
      const opex = g.devices * opexOf(g);
      const bondCapital = g.stakeTokens * price * capitalCostPerEpoch;
      e[S_COST] += opex + bondCapital;
      g.opexUsd += opex;
      g.bondCapitalUsd += bondCapital;
      // non-burn demand pays real work in USD
      if (!demand.burnAndMint && flow.realWork > 0) g.revenueUsd += (flow.paidDemandUsd * e[S_REAL]) / flow.realWork;
      e[S_DEVICES] = g.devices;
      e[S_DEVICE_EPOCHS] = g.devices;
      if (g.devices > 0) g.activeEpochs++;
      g.peak = Math.max(g.peak, g.devices);
      // expectations for the next decision
      if (e[S_REPORTED] > 0) {
        const obs = (earned * price) / e[S_REPORTED];
        g.emaUsdPerWork = g.emaUsdPerWork < 0 ? obs : 0.7 * g.emaUsdPerWork + 0.3 * obs;
        g.lastDensity = e[S_DENSITY] / Math.max(1, e[S_ELIGIBLE]);
      }
      for (let k = 0; k < S_COUNT; k++) g.t[k] += e[k];
    }
    flow.locked = ledger.lockedTokens(bondsLocked);
    let reportedAll = 0;
    for (const g of groups) reportedAll += g.e[S_REPORTED];
    flow.reportedWork = reportedAll;
    if (reportedAll > 0) {
      const obs = (flow.paid * price) / reportedAll;
      networkUsdPerWork = networkUsdPerWork < 0 ? obs : 0.7 * networkUsdPerWork + 0.3 * obs;
    }
    if (demand.burnAndMint && flow.servedWork > 0) {
      const burnedTokens = market.buyWithUsd(flow.paidDemandUsd);
      ledger.burnDemand(burnedTokens);
      cumulativeBurned += burnedTokens;
      epochBurned += burnedTokens;
    }
    market.sell(sells);
    market.step();
  }

  /** Invariants checked; the epoch's series rows written; the state the next emission formula reads. */
  function recordPhase(flow: EpochFlow): void {
    const { epoch, emission, pool, paid, locked } = flow;
    if (options.checkInvariants) checkInvariants(epoch, pool, paid);
    let rewardAll = 0,
      realAll = 0,
      farmerReward = 0,
      honestReward = 0,
      honestReal = 0,
      leakEpoch = 0;
    for (const g of groups) {
      rewardAll += g.e[S_REWARD];
      realAll += g.e[S_REAL];
      if (g.role === "farmer") farmerReward += g.e[S_REWARD];
      else {
        honestReward += g.e[S_REWARD];
        honestReal += g.e[S_REAL];
      }
      if (g.e[S_REPORTED] > 0) leakEpoch += g.e[S_REWARD] * (1 - g.e[S_REAL] / g.e[S_REPORTED]);
    }
    leakTotal += leakEpoch;
    const cumulative = cumulativeSeries[epoch] ?? 0;
    const circulating = genesisSupply + cumulative - cumulativeBurned - locked;
    if (options.series) {
      const endPrice = market.price();
      sink.network({
        epoch,
        price: endPrice,
        emission,
        cumulative,
        cap: supply.cap,
        workPool: exactLedger ? Number(lastExactEpoch.workPoolWei) / 1e18 : pool,
        paid,
        dust: exactLedger ? Number(exactLedger.carriedDust) / 1e18 : carry,
        ...lastExactEpoch,
        burned: epochBurned,
        cumulativeBurned,
        locked,
        circulating,
        inflationRate: circulating > 0 ? (emission * epochsPerYear) / circulating : null,
        demandUsd: flow.demandUsd,
        servedWork: flow.servedWork,
        leakage: rewardAll > 0 ? leakEpoch / rewardAll : null,
        farmerCapture: rewardAll > 0 ? farmerReward / rewardAll : null,
        honestCaptureRatio: captureRatio(honestReward, rewardAll, honestReal, realAll),
        devices: table.n,
      });
      for (const g of groups) {
        const e = g.e;
        sink.group({
          epoch,
          agent: g.name,
          kind: g.kind,
          role: g.role,
          devices: e[S_DEVICES],
          joined: e[S_JOINED],
          left: e[S_LEFT],
          ...workAndRewardFields(e, rewardAll, realAll),
          detected: e[S_DETECTED],
          falselySlashed: e[S_FALSE],
          meanDensityFactor: e[S_ELIGIBLE] > 0 ? e[S_DENSITY] / e[S_ELIGIBLE] : null,
          tokensSold: e[S_SOLD],
        });
      }
      for (const g of groups) {
        if (g.spec.kind !== "adaptive" || epoch < g.spec.startEpoch) continue;
        const apr = (s: FarmerStrategy): number | null => {
          const a = g.estimates[s]?.apr;
          return a === undefined || !Number.isFinite(a) ? null : a;
        };
        sink.strategy({
          epoch,
          agent: g.name,
          strategy: g.farm ?? "idle",
          switched: g.switched,
          devices: g.devices,
          aprSybil: apr("sybil"),
          aprSpoofer: apr("spoofer"),
          aprFakeWork: apr("fakeWork"),
        });
      }
    }
    lastCirculating = circulating;
    stateBefore.reportedWork = flow.reportedWork;
    stateBefore.realWork = flow.realWork;
    stateBefore.servedWork = flow.servedWork;
    stateBefore.demandUsd = flow.demandUsd;
    ledger.endEpoch(epoch);
  }

  return { epochs, step, finish };

  // ---- end of run: metrics -----------------------------------------------------------------------------------
  function finish(): RunResult {
    retired.retire(d, 0, table.n);
    const ownerRewards = retired.ownerRewards;
    // every owner ever has a slot in ownerRewards now (all present devices were just retired)
    const ownerStake = new Float64Array(ownerRewards.length);
    const groupBonds = new Float64Array(groupCount);
    sumStakes(d, table.n, ownerStake, groupBonds);
    const [earlyReward, earlyWork, lateReward, lateWork] = retired.sums;
    const finalPrice = market.price();
    // bonds still held are marked at what selling them on the market would fetch (each group alone)
    const parts: ProfitParts[] = groups.map((g) => {
      const held = market.quoteSell(groupBonds[g.index] + ledger.unreleasedBonds(g.index));
      return {
        rewardUsd: g.t[S_REWARD_USD],
        revenueUsd: g.revenueUsd,
        kitUsd: g.kitUsd,
        feesUsd: g.feesUsd,
        opexUsd: g.opexUsd,
        bondCapitalUsd: g.bondCapitalUsd,
        bondGainUsd: g.bondSoldUsd + held + g.t[S_SLASHED_USD] + g.bondLostUsd - g.bondPaidUsd,
        slashedUsd: g.t[S_SLASHED_USD],
        bondLostUsd: g.bondLostUsd,
      };
    });
    let rewardAll = 0,
      realAll = 0,
      farmerReward = 0,
      honestReward = 0,
      honestReal = 0,
      farmerProfit = 0,
      honestCost = 0,
      honestNet = 0;
    for (const g of groups) {
      rewardAll += g.t[S_REWARD];
      realAll += g.t[S_REAL];
      const profit = profitUsd(parts[g.index]);
      if (g.role === "farmer") {
        farmerReward += g.t[S_REWARD];
        farmerProfit += profit;
      } else {
        honestReward += g.t[S_REWARD];
        honestReal += g.t[S_REAL];
        honestCost += g.t[S_COST];
        honestNet += profit;
      }
    }
    const groupRows: GroupRow[] = groups.map((g) => {
      const t = g.t;
      const p = parts[g.index];
      const profit = profitUsd(p);
      const netPerDeviceEpoch =
        t[S_DEVICE_EPOCHS] > 0
          ? (t[S_REWARD_USD] + g.revenueUsd - g.opexUsd - g.bondCapitalUsd) / t[S_DEVICE_EPOCHS]
          : 0;
      const capexPerDevice = g.joinedTotal > 0 ? (g.kitUsd + g.feesUsd) / g.joinedTotal : 0;
      return {
        agent: g.name,
        kind: g.kind,
        role: g.role,
        devicesEnd: g.devices,
        devicesPeak: g.peak,
        deviceEpochs: t[S_DEVICE_EPOCHS],
        ...workAndRewardFields(t, rewardAll, realAll),
        ...p,
        profitUsd: profit,
        roi: roi(profit, t[S_COST]),
        paybackEpochs: paybackEpochs(capexPerDevice, netPerDeviceEpoch),
        detected: t[S_DETECTED],
        falselySlashed: t[S_FALSE],
      };
    });
    const flagsAll = flagsFraud + flagsHonest;
    // sorted in place, once, for the Gini, Nakamoto and Lorenz figures: at 1M devices a copy is 8 MB at the peak
    const ownerRewardsSorted = sortNonNegativeInPlace(ownerRewards.view());
    const ownerStakeSorted = sortNonNegativeInPlace(ownerStake);
    const payPerWorkSorted = sortNonNegativeInPlace(retired.payPerWork.view());
    const lastEmission = emissionSeries[epochs - 1] ?? 0;
    const metrics: MetricValues = {
      leakage: rewardAll > 0 ? leakTotal / rewardAll : null,
      farmerCapture: rewardAll > 0 ? farmerReward / rewardAll : null,
      honestCaptureRatio: captureRatio(honestReward, rewardAll, honestReal, realAll),
      payEquityGini: giniOfSorted(payPerWorkSorted),
      earlyLateRatio:
        earlyWork > 0 && lateWork > 0 && lateReward > 0 ? earlyReward / earlyWork / (lateReward / lateWork) : null,
      rewardGini: giniOfSorted(ownerRewardsSorted),
      rewardNakamoto: nakamotoOfSorted(ownerRewardsSorted),
      stakeGini: giniOfSorted(ownerStakeSorted),
      stakeNakamoto: nakamotoOfSorted(ownerStakeSorted),
      falseSlashes: flagsHonest,
      falseSlashRate: honestEver > 0 ? flagsHonest / honestEver : null,
      detectionPrecision: flagsAll > 0 ? flagsFraud / flagsAll : null,
      detectionRecall: fraudEver > 0 ? fraudCaught / fraudEver : null,
      detectionRecallPerEpoch: fraudDeviceEpochs > 0 ? flagsFraud / fraudDeviceEpochs : null,
      farmerProfitUsd: farmerProfit,
      honestRoi: roi(honestNet, honestCost),
      emitted: cumulativeSeries[epochs - 1] ?? 0,
      burned: cumulativeBurned,
      circulating: lastCirculating,
      inflationRate: lastCirculating > 0 ? (lastEmission * epochsPerYear) / lastCirculating : null,
      finalPrice,
      paid: paidTotal,
      dust: exactLedger ? Number(exactLedger.carriedDust) / 1e18 : carry,
    };
    const lorenzRows: RunResult["lorenz"] = [];
    if (options.series) {
      const add = (series: string, sorted: Float64Array): void => {
        lorenzOfSorted(sorted).forEach(([population, share], point) =>
          lorenzRows.push({ series, point, population, share }),
        );
      };
      add("payPerWork", payPerWorkSorted);
      add("ownerRewards", ownerRewardsSorted);
      add("ownerStake", ownerStakeSorted);
    }
    return {
      replicate,
      seed,
      metrics,
      groups: groupRows,
      groupSeries,
      networkSeries,
      strategySeries,
      lorenz: lorenzRows,
      exactCheck: exact,
      deviceEpochs,
    };
  }

  // ---- helpers needing the closure ---------------------------------------------------------------------------
  /** The work pass's run list is the table's runs of equal group ids (checked where the detection pass reads it). */
  function checkGroupRuns(epoch: number): void {
    let k = 0;
    for (let i = 0; i < table.n; i++) {
      if (i > 0 && d.group[i] === d.group[i - 1]) continue;
      if (k >= groupRunCount[0] || groupRuns[2 * k] !== i || groupRuns[2 * k + 1] !== d.group[i])
        throw new InvariantError(
          epoch,
          `run ${k} of the work pass's list = the run of group ${d.group[i]} at row ${i}`,
        );
      k++;
    }
    if (k !== groupRunCount[0]) throw new InvariantError(epoch, `${groupRunCount[0]} runs listed = ${k} in the table`);
  }

  function checkInvariants(epoch: number, pool: number, paid: number): void {
    const fail = (what: string): never => {
      throw new InvariantError(epoch, what);
    };
    const devices = groups.reduce((a, g) => a + g.devices, 0);
    if (devices !== table.n) fail(`Σ group devices (${devices}) = active devices (${table.n})`);
    const perCell = new Int32Array(cells);
    for (let i = 0; i < table.n; i++) perCell[d.cell[i]]++;
    for (let c = 0; c < cells; c++) {
      if (perCell[c] !== cellDevices[c])
        fail(`devices in cell ${c} (${perCell[c]}) = its kept count (${cellDevices[c]})`);
    }
    let stakes = 0;
    for (let i = 0; i < table.n; i++) {
      if (!(d.reward[i] >= 0)) fail(`reward of device ${i} is ${d.reward[i]}`);
      if (!(d.stake[i] >= 0)) fail(`stake of device ${i} is ${d.stake[i]}`);
      if (d.group[i] >= groupCount || d.cell[i] < 0 || d.cell[i] >= cells)
        fail(`device ${i} has group ${d.group[i]} / cell ${d.cell[i]}`);
      stakes += d.stake[i];
    }
    const tol = 1e-9 * Math.max(1, stakes, pool);
    if (Math.abs(stakes - bondsLocked) > tol) fail(`Σ stakes (${stakes}) = bonds locked (${bondsLocked})`);
    if (paid > pool * (1 + 1e-12) + 1e-9) fail(`paid (${paid}) ≤ work pool + carried dust (${pool})`);
    if ((cumulativeSeries[epoch] ?? 0) > supply.cap * (1 + 1e-12)) fail(`cumulative emission ≤ cap`);
    for (const g of groups) {
      const purse = fastLedger?.purse(g.index);
      if (purse !== undefined && (purse.unvested < -tol || purse.liquid < -tol))
        fail(`group ${g.name}: unvested ${purse.unvested}, liquid ${purse.liquid} ≥ 0`);
      if (g.homeMask !== null) {
        let away = 0;
        for (let i = 0; i < table.n; i++) if (d.group[i] === g.index && g.homeMask[d.cell[i]] === 0) away++;
        if (away !== g.away) fail(`group ${g.name}: ${away} devices away from home cells = the kept count ${g.away}`);
      }
    }
    if (!(market.price() > 0 && Number.isFinite(market.price())))
      fail(`price ${market.price()} is positive and finite`);
  }

  /**
   * Witness-based detection of collusion: a ring member is checked by the devices around it (the ring's cells), and
   * only a witness outside the ring reports it, so its chance of being caught is `detection.collusion` × the share of
   * the other devices in those cells that are not in the ring. A ring that holds half the witnesses is caught half as
   * often as a lone fake device; one that holds all of them is never caught by witnessing.
   */
  function updateWitnessShares(): void {
    for (const g of rings) {
      const home = g.homeMask as Uint8Array;
      let around = 0;
      let ring = 0;
      for (let i = 0; i < table.n; i++) {
        if (home[d.cell[i]] === 0) continue;
        around++;
        if (d.group[i] === g.index) ring++;
      }
      // each member's witnesses are the other devices there; with none but itself, the validators check it
      const witnesses = around - 1;
      g.honestWitnessShare = ring === 0 || witnesses <= 0 ? 1 : (around - ring) / witnesses;
    }
  }

  function detectProbability(g: Group): number {
    const d = L.detection;
    switch (g.strategy) {
      case "adaptive":
        return 0;
      case "honest":
      case "mercenary":
        return d.honestFalsePositive;
      case "sybil":
        return d.sybil;
      case "fakeWork":
        return d.fakeWork;
      case "collusion":
        return d.collusion * g.honestWitnessShare;
      case "spoofer":
        return Math.min(1, d.spoofer * (1 + (d.spreadMultiplier - 1) * g.spreadShare));
    }
  }

  /**
   * A group's chance per device per epoch of a registration flag, as it can see it (its devices marked as burst
   * registrations at the last detection × the detector's probability); 0 without the detector.
   */
  function registrationRisk(g: Group): number {
    if (registration === null || g.devices === 0) return 0;
    return (registration.probability * Math.min(g.devices, burstMarked[g.index])) / g.devices;
  }

  /** Trickle: devices the swarm's `joinPerEpoch` allows this epoch (the fractions accumulate; unused ones lapse). */
  function trickleAllowance(g: Group): number {
    g.joinCredit += g.joinRate;
    const allowed = Math.floor(g.joinCredit + 1e-9);
    g.joinCredit -= allowed;
    return allowed;
  }

  function decide(g: Group, epoch: number, price: number, totalDevices: number, workPool: number): Decision {
    const c = scenario.classes[g.classId];
    // expected reward per device: own history if any, else the network's reward per unit work
    let usdPerWork = g.emaUsdPerWork >= 0 ? g.emaUsdPerWork : networkUsdPerWork;
    if (usdPerWork < 0) usdPerWork = totalDevices > 0 ? (workPool * price) / (totalDevices * c.workPerEpoch) : 0;
    const perDevice = usdPerWork * expectedWork(g);
    const swarm = g.strategy === "sybil" || g.strategy === "spoofer" || g.strategy === "collusion";
    const opex = swarm ? (g.spec as { opexUsdPerEpoch: number }).opexUsdPerEpoch : c.opexUsdPerEpoch;
    const entry = (swarm ? (g.spec as { setupCostUsd: number }).setupCostUsd : c.hardwareCostUsd) + fee * price;
    const o: Observation = {
      epoch,
      devices: g.devices,
      price,
      rewardUsdPerDevice: perDevice,
      runningCostUsd: opex + g.hopUsdPerDevice + (minBond + g.ownerStake) * price * capitalCostPerEpoch,
      entryCostUsd: entry,
      bondUsd: (minBond + g.ownerStake) * price,
      detectProbability: slashOn ? Math.min(1, detectProbability(g) + registrationRisk(g)) : 0,
      slashFraction,
      densityFactor: g.lastDensity,
      epochsPerYear,
    };
    switch (g.spec.kind) {
      case "honest":
        return decideHonest(g.spec, o, (x) => rng.round(x));
      case "mercenary":
        return decideMercenary(g.spec, o);
      case "fakeWork":
      case "adaptive":
        return { join: 0, leave: 0, spread: 0 };
      default:
        return decideSwarm(g.spec, o, g.maxDevices, g.joinRate > 0 ? trickleAllowance(g) : undefined);
    }
  }
}

/** Salt of the groups' stake streams (`rng.fork(STAKE_STREAM + group)`): stake draws move no other random number. */
const STAKE_STREAM = 0x5a4e;

/**
 * Extra stake per device (tokens) of a group's `operator`-th operator, at the ledgers' micro-token grain (what the
 * exact ledger stakes in wei is then the same amount).
 */
export function drawExtraStake(spec: StakeSpec, operator: number, rng: Rng): number {
  let tokens: number;
  switch (spec.kind) {
    case "fixed":
      tokens = Number(spec.tokens);
      break;
    case "list":
      tokens = Number(spec.tokens[operator % spec.tokens.length]);
      break;
    case "lognormal":
      tokens = Math.min(spec.median * Math.exp(spec.sigma * rng.normal()), spec.max ?? Infinity);
      break;
  }
  return toLedgerGrain(tokens);
}

/** A fixed pseudo-random 32-bit hash of a cell and a salt (tie-breaks without drawing from the generator). */
function cellHash(cell: number, salt: number): number {
  let h = Math.imul(cell ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A byte per cell: 1 on `on`. */
function maskOf(cells: number, on: readonly number[]): Uint8Array {
  const mask = new Uint8Array(cells);
  for (const c of on) mask[c] = 1;
  return mask;
}

/** Cumulative weights of cells: a few Gaussian cities on the torus plus a thin rural background. */
/**
 * Lifetime records of the devices that left (one by one as they leave, all at once at the end of a run): each
 * owner's total reward, each honest device's pay per unit of real work, and the honest devices' Σ reward and Σ real
 * work by join time. A module class, so the end of a run's loop over every device is small code compiled quickly,
 * not the interpreted loop of a one-shot closure.
 */
class RetiredDevices {
  readonly ownerRewards: Float64List;
  readonly payPerWork: Float64List;
  /** Honest devices joined before the early cutoff: Σ reward, Σ real work; then the same for the later ones. */
  readonly sums = new Float64Array(4);

  constructor(
    capacity: number,
    private readonly earlyCutoff: number,
    /** 1 for the groups whose devices are honest. */
    private readonly honestGroup: Uint8Array,
  ) {
    this.ownerRewards = new Float64List(capacity);
    this.payPerWork = new Float64List(capacity);
  }

  /** Records devices [from, to) of `d`, in row order. */
  retire(d: DeviceColumns, from: number, to: number): void {
    const { group, owner, cumReward, cumReal, joinEpoch } = d;
    const sums = this.sums;
    for (let i = from; i < to; i++) {
      this.ownerRewards.addAt(owner[i], cumReward[i]);
      if (this.honestGroup[group[i]] === 1 && cumReal[i] > 0) {
        this.payPerWork.push(cumReward[i] / cumReal[i]);
        const k = joinEpoch[i] < this.earlyCutoff ? 0 : 2;
        sums[k] += cumReward[i];
        sums[k + 1] += cumReal[i];
      }
    }
  }
}

/** Adds each of the first `n` devices' stake to its owner's and its group's total, in row order. */
function sumStakes(d: DeviceColumns, n: number, byOwner: Float64Array, byGroup: Float64Array): void {
  const { owner, group, stake } = d;
  for (let i = 0; i < n; i++) {
    byOwner[owner[i]] += stake[i];
    byGroup[group[i]] += stake[i];
  }
}

function buildCityCdf(width: number, height: number, cities: number, spread: number, rng: Rng): Float64Array {
  const centres = Array.from({ length: cities }, () => [rng.next() * width, rng.next() * height, 0.5 + rng.next()]);
  const cdf = new Float64Array(width * height);
  let acc = 0;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      let w = 0.02;
      for (const [cx, cy, size] of centres) {
        const dx = Math.min(Math.abs(col - cx), width - Math.abs(col - cx));
        const dy = Math.min(Math.abs(row - cy), height - Math.abs(row - cy));
        w += size * Math.exp(-(dx * dx + dy * dy) / (2 * spread * spread));
      }
      acc += w;
      cdf[row * width + col] = acc;
    }
  }
  return cdf;
}

/**
 * Work, reward and cost columns of one agent group, shared by the per-epoch rows (`e`: that epoch's sums) and the
 * per-run group rows (`t`: the run's totals), so both files define them the same way.
 */
function workAndRewardFields(sums: Float64Array, rewardAll: number, realAll: number) {
  return {
    realWork: sums[S_REAL],
    reportedWork: sums[S_REPORTED],
    fakeWork: Math.max(0, sums[S_REPORTED] - sums[S_REAL]),
    rewardTokens: sums[S_REWARD],
    rewardUsd: sums[S_REWARD_USD],
    rewardShare: rewardAll > 0 ? sums[S_REWARD] / rewardAll : null,
    realWorkShare: realAll > 0 ? sums[S_REAL] / realAll : null,
    captureRatio: captureRatio(sums[S_REWARD], rewardAll, sums[S_REAL], realAll),
    costUsd: sums[S_COST],
    slashedTokens: sums[S_SLASHED],
  };
}
