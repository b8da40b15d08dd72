/**
 * Writes small run and sweep directories in the simulator's output format (simulation/OUTPUTS.md), so the report is
 * tested without the simulator. Values are made up but self-consistent (shares sum to 1, cumulative = Σ emission).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  GROUP_METRIC_RANGE,
  METRIC_RANGE,
  VERDICT_RULE,
  meanInterval,
  verdict,
  type Comparator,
  type HeadlineMetric,
  type Interval,
  type MetricRange,
} from "../../simulation/measure/metrics";

export interface RunFixtureOptions {
  epochs?: number;
  runs?: number;
  /** Leakage level of the whole run (the mean); per-epoch leakage wobbles around it. */
  leakage?: number;
  /** Half-width of the leakage interval. */
  spread?: number;
  leakageThreshold?: number;
  scenarioName?: string;
  /** Override or drop (undefined) summary.json fields to test validation. */
  summaryPatch?: (summary: Record<string, unknown>) => void;
  withLorenz?: boolean;
  /** Bond in the resolved scenario (default 100), so two fixtures can differ in one setting. */
  minBond?: number;
  /** Leave this agent group out of the run (its rows and totals), e.g. a farmer the proposal deters entirely. */
  omitAgent?: string;
  /**
   * Summary intervals as the simulator computes them (measure/metrics.ts meanInterval with each metric's range) from
   * widely spread replicates (mean × 0.1 … mean × 1.9), so that near 0 a Student-t interval would leave [0, 1].
   */
  simulatorIntervals?: boolean;
}

/** Replicate values spread ±`spread` (default 90%) around `mean`, which they keep (RunFixtureOptions.simulatorIntervals). */
export function wideReplicates(mean: number, n: number, spread = 0.9): number[] {
  return Array.from({ length: n }, (_, i) => mean * (1 + spread * (n === 1 ? 0 : (2 * i) / (n - 1) - 1)));
}

/** An estimate with the simulator's interval over {@link wideReplicates}. */
function simulatorEstimate(mean: number | null, range: MetricRange, n: number) {
  if (mean === null) return estimate(null);
  const values = wideReplicates(mean, n);
  return { ...meanInterval(values, range), values };
}

const agents = [
  { name: "honest-small", kind: "honest", role: "honest" },
  { name: "honest-large", kind: "honest", role: "honest" },
  { name: "sybil", kind: "sybil", role: "farmer" },
  { name: "spoofer", kind: "spoofer", role: "farmer" },
];

function estimate(mean: number | null, half = 0, n = 3) {
  if (mean === null) return { mean: null, lo: null, hi: null, sd: null, n: 0, values: [] };
  return {
    mean,
    lo: mean - half,
    hi: mean + half,
    sd: half / 2,
    n,
    values: Array.from({ length: n }, (_, i) => (n === 1 ? mean : mean + (half / 2) * ((2 * i) / (n - 1) - 1))),
  };
}

function csv(header: string[], rows: (string | number | undefined)[][]): string {
  return (
    [header.join(","), ...rows.map((r) => r.map((v) => (v === undefined ? "" : String(v))).join(","))].join("\n") + "\n"
  );
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `report-${prefix}-`));
}

/** Writes a run directory and returns its path. */
export function writeRunFixture(dir: string, opts: RunFixtureOptions = {}): string {
  const epochs = opts.epochs ?? 30;
  const runs = opts.runs ?? 3;
  const leakage = opts.leakage ?? 0.03;
  const spread = opts.spread ?? 0.005;
  const threshold = opts.leakageThreshold ?? 0.05;
  const cap = 1_000_000;
  fs.mkdirSync(dir, { recursive: true });
  const groups = agents.filter((a) => a.name !== opts.omitAgent);

  const network: (string | number | undefined)[][] = [];
  const series: (string | number | undefined)[][] = [];
  for (let run = 0; run < runs; run++) {
    let cumulative = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const emission = 10_000 * Math.pow(0.97, epoch);
      cumulative += emission;
      const leak = leakage * (1 + 0.3 * Math.sin(epoch / 3 + run));
      const price = 1 + 0.01 * epoch - 0.005 * run;
      network.push([
        run,
        100 + run,
        epoch,
        price,
        emission,
        cumulative,
        cap,
        emission * 0.8,
        emission * 0.8,
        0,
        10,
        10 * (epoch + 1),
        1000,
        cumulative - 10 * (epoch + 1) - 1000,
        0.5,
        100,
        50,
        leak,
        leak * 1.2,
        0.98,
        40,
      ]);
      const honestShares = [0.45, 0.55];
      groups.forEach((a, i) => {
        const share = a.role === "honest" ? (1 - leak) * honestShares[i] : leak / 2;
        const realShare = a.role === "honest" ? honestShares[i] : 0;
        const capture = realShare > 0 ? share / realShare : undefined;
        series.push([
          run,
          100 + run,
          epoch,
          a.name,
          a.kind,
          a.role,
          10,
          0,
          0,
          realShare * 100,
          100 * share,
          a.role === "honest" ? 0 : 100 * share,
          emission * 0.8 * share,
          emission * 0.8 * share * price,
          share,
          realShare,
          capture,
          5,
          0,
          0,
          0,
          1,
          0,
        ]);
      });
    }
  }
  fs.writeFileSync(
    path.join(dir, "network.csv"),
    csv(
      "run,seed,epoch,price,emission,cumulative,cap,workPool,paid,dust,burned,cumulativeBurned,locked,circulating,inflationRate,demandUsd,servedWork,leakage,farmerCapture,honestCaptureRatio,devices".split(
        ",",
      ),
      network,
    ),
  );
  fs.writeFileSync(
    path.join(dir, "timeseries.csv"),
    csv(
      "run,seed,epoch,agent,kind,role,devices,joined,left,realWork,reportedWork,fakeWork,rewardTokens,rewardUsd,rewardShare,realWorkShare,captureRatio,costUsd,slashedTokens,detected,falselySlashed,meanDensityFactor,tokensSold".split(
        ",",
      ),
      series,
    ),
  );
  const groupRows = groups.map((a, i) => [
    0,
    100,
    a.name,
    a.kind,
    a.role,
    10,
    10,
    300,
    1,
    1,
    0,
    1000,
    1000,
    0.25,
    0.25,
    1,
    100,
    0,
    0,
    900,
    9,
    i === 3 ? undefined : 20 + i,
    0,
    0,
  ]);
  fs.writeFileSync(
    path.join(dir, "groups.csv"),
    csv(
      "run,seed,agent,kind,role,devicesEnd,devicesPeak,deviceEpochs,realWork,reportedWork,fakeWork,rewardTokens,rewardUsd,rewardShare,realWorkShare,captureRatio,costUsd,slashedTokens,slashedUsd,profitUsd,roi,paybackEpochs,detected,falselySlashed".split(
        ",",
      ),
      groupRows,
    ),
  );
  if (opts.withLorenz !== false) {
    const lorenz: (string | number)[][] = [];
    for (let run = 0; run < runs; run++) {
      for (let p = 0; p <= 100; p++) {
        const x = p / 100;
        lorenz.push([run, 100 + run, "payPerWork", p, x, Math.pow(x, 1.3)]);
        lorenz.push([run, 100 + run, "ownerRewards", p, x, Math.pow(x, 2)]);
      }
    }
    fs.writeFileSync(path.join(dir, "lorenz.csv"), csv("run,seed,series,point,population,share".split(","), lorenz));
  }
  const groupsOut: Record<string, unknown> = {};
  groups.forEach((a, i) => {
    groupsOut[a.name] = {
      kind: a.kind,
      role: a.role,
      metrics: Object.fromEntries(
        (
          [
            ["rewardShare", a.role === "honest" ? 0.48 : leakage / 2, 0.01],
            ["realWorkShare", a.role === "honest" ? 0.5 : 0, 0],
            ["captureRatio", a.role === "honest" ? 0.97 : null, 0.01],
            ["roi", a.role === "honest" ? 0.4 + 0.1 * i : -0.6, 0.05],
            ["paybackEpochs", a.role === "honest" ? 20 + 5 * i : null, 2],
            ["profitUsd", a.role === "honest" ? 5000 : -300, 50],
            ["devicesEnd", 10, 0],
            ["slashedTokens", a.role === "honest" ? 0 : 200, 10],
          ] as [keyof typeof GROUP_METRIC_RANGE, number | null, number][]
        ).map(([key, mean, half]) => [
          key,
          opts.simulatorIntervals && half > 0
            ? simulatorEstimate(mean, GROUP_METRIC_RANGE[key], runs)
            : estimate(mean, half, runs),
        ]),
      ),
    };
  });
  const summary: Record<string, unknown> = {
    schema: "depin-lab/simulation-summary@1",
    scenario: {
      name: opts.scenarioName ?? "fixture-baseline",
      description: "A small made-up run for tests.",
      source: "simulation/scenarios/baseline.yaml",
      hash: "ab".repeat(32),
    },
    seed: 1,
    replicateSeeds: Array.from({ length: runs }, (_, i) => 100 + i),
    runs,
    epochs,
    epochLengthSeconds: 86400,
    version: "0.1.0",
    commit: "0123456789abcdef0123456789abcdef01234567",
    mode: "fast",
    metrics: Object.fromEntries(
      (
        [
          ["leakage", leakage, spread],
          ["farmerCapture", leakage * 1.2, spread],
          ["honestCaptureRatio", 0.97, 0.01],
          ["payEquityGini", 0.12, 0.01],
          ["earlyLateRatio", null, 0],
          ["farmerProfitUsd", -600, 100],
          ["honestRoi", 0.45, 0.05],
          ["emitted", 250_000, 0],
          ["finalPrice", 1.3, 0.02],
        ] as [HeadlineMetric, number | null, number][]
      ).map(([key, mean, half]) => [
        key,
        opts.simulatorIntervals ? simulatorEstimate(mean, METRIC_RANGE[key], runs) : estimate(mean, half, runs),
      ]),
    ),
    groups: groupsOut,
    verdictRule: VERDICT_RULE,
    command: `npm run simulate -- --scenario ${opts.scenarioName ?? "fixture-baseline"} --seed 1`,
    files: ["summary.json", "timeseries.csv", "network.csv", "groups.csv", "lorenz.csv", "scenario.resolved.json"],
  };
  const specs: { metric: string; comparator: Comparator; threshold: number | [number, number] }[] = [
    { metric: "leakage", comparator: "<=", threshold },
    { metric: "honestCaptureRatio", comparator: "between", threshold: [0.9, 1.1] },
    { metric: "farmerProfitUsd", comparator: "<=", threshold: 0 },
  ];
  const metrics = summary.metrics as Record<string, Interval>;
  const verdicts = specs.map((v) => verdict(v, metrics[v.metric]));
  summary.verdicts = verdicts;
  summary.pass = verdicts.every((v) => v.pass);
  opts.summaryPatch?.(summary);
  fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  fs.writeFileSync(
    path.join(dir, "scenario.resolved.json"),
    JSON.stringify(
      {
        name: opts.scenarioName ?? "fixture-baseline",
        seed: 1,
        epochs,
        staking: { minBond: opts.minBond ?? 100 },
        thresholds: summary.verdicts,
      },
      null,
      2,
    ) + "\n",
  );
  return dir;
}

/**
 * Writes a sweep directory over two levers (minBond × detection probability) in the simulator's format: sweep.json
 * (depin-lab/sweep@1) with the thresholds and the resolved scenario, as simulation/sweep.ts writes it.
 */
export function writeSweepFixture(
  dir: string,
  opts: { booleanLever?: boolean; simulatorIntervals?: boolean } = {},
): string {
  fs.mkdirSync(dir, { recursive: true });
  const minBonds = [0, 50, 100, 200];
  const second = opts.booleanLever ? [true, false] : [0, 0.25, 0.5];
  const secondKey = opts.booleanLever ? "levers.densityScaling.enabled" : "levers.detection.sybil";
  const thresholds = [
    { metric: "leakage", comparator: "<=", threshold: 0.05 },
    { metric: "honestCaptureRatio", comparator: ">=", threshold: 0.9 },
  ];
  const manifest: Record<string, unknown> = {
    schema: "depin-lab/sweep@1",
    scenario: { name: "fixture-baseline", source: "simulation/scenarios/baseline.yaml", hash: "ab".repeat(32) },
    grid: "cartesian",
    params: [
      { key: "levers.minBond", values: minBonds },
      { key: secondKey, values: second },
    ],
    points: minBonds.length * second.length,
    runs: 3,
    seed: 42,
    replicateSeeds: [100, 101, 102],
    shard: null,
    version: "0.1.0",
    commit: "0123456789abcdef0123456789abcdef01234567",
    command: "npm run sweep -- --scenario baseline --param levers.minBond=0,50,100,200 --seed 42",
    completedPoints: minBonds.length * second.length,
    complete: true,
    thresholds,
    verdictRule: VERDICT_RULE,
    resolvedScenario: { name: "fixture-baseline", seed: 42, verdicts: thresholds },
    files: ["sweep.json", "sweep.csv", "sweep-points.csv"],
  };
  fs.writeFileSync(path.join(dir, "sweep.json"), JSON.stringify(manifest, null, 2) + "\n");
  const metrics = ["leakage", "honestCaptureRatio", "honestRoi"];
  const header = [
    "point",
    "levers.minBond",
    secondKey,
    "n",
    ...metrics.flatMap((m) => [`${m}_mean`, `${m}_lo`, `${m}_hi`]),
  ];
  const rows: (string | number | boolean)[][] = [];
  let point = 0;
  for (const b of minBonds) {
    for (const d of second) {
      const strength = typeof d === "boolean" ? (d ? 0.5 : 0) : d;
      const leak = (0.12 / (1 + b / 40)) * (1 - strength);
      const cap = 1 - leak;
      // honest ROI falls as the bond rises (their capital grows) and rises with detection (less dilution)
      const roi = 0.3 - b / 5000 + 0.1 * strength;
      if (opts.simulatorIntervals) {
        // each point's intervals as simulation/sweep.ts computes them; leakage replicates spread ±50%, so that at
        // small leakage a Student-t interval would go below 0 while some settings still pass
        const cells = (
          [
            ["leakage", leak, 0.5],
            ["honestCaptureRatio", cap, 0.01],
            ["honestRoi", roi, 0.1],
          ] as [HeadlineMetric, number, number][]
        ).flatMap(([key, mean, spread]) => {
          const i = meanInterval(wideReplicates(mean, 3, spread), METRIC_RANGE[key]);
          return [i.mean!, i.lo!, i.hi!];
        });
        rows.push([point++, b, d, 3, ...cells]);
        continue;
      }
      rows.push([
        point++,
        b,
        d,
        3,
        leak,
        leak * 0.9,
        leak * 1.1,
        cap,
        cap - 0.01,
        cap + 0.01,
        roi,
        roi - 0.02,
        roi + 0.02,
      ]);
    }
  }
  fs.writeFileSync(path.join(dir, "sweep-points.csv"), csv(header, rows as (string | number)[][]));
  return dir;
}
