/**
 * The output schema of a run: the column list of every CSV file simulation/run.ts writes (simulation/OUTPUTS.md
 * says what each column means). The writers write these lists; the report's reader (report/inputs.ts) reads
 * columns named from them, so a column the writer does not write cannot be read.
 */
import type { GroupRow, GroupSeriesRow, NetworkSeriesRow, StrategySeriesRow } from "../engine";

/** A column of a CSV whose rows are `Row`s tagged with their replicate (`run`, `seed`). */
type ColumnOf<Row> = Extract<keyof Row, string> | "run" | "seed";

/** timeseries.csv: one row per replicate × epoch × agent group. */
export const TIMESERIES_COLUMNS = [
  "run",
  "seed",
  "epoch",
  "agent",
  "kind",
  "role",
  "devices",
  "joined",
  "left",
  "realWork",
  "reportedWork",
  "fakeWork",
  "rewardTokens",
  "rewardUsd",
  "rewardShare",
  "realWorkShare",
  "captureRatio",
  "costUsd",
  "slashedTokens",
  "detected",
  "falselySlashed",
  "meanDensityFactor",
  "tokensSold",
] as const satisfies ReadonlyArray<ColumnOf<GroupSeriesRow>>;
/** network.csv: one row per replicate × epoch. */
export const NETWORK_COLUMNS = [
  "run",
  "seed",
  "epoch",
  "price",
  "emission",
  "cumulative",
  "cap",
  "workPool",
  "paid",
  "dust",
  "burned",
  "cumulativeBurned",
  "locked",
  "circulating",
  "inflationRate",
  "demandUsd",
  "servedWork",
  "leakage",
  "farmerCapture",
  "honestCaptureRatio",
  "devices",
] as const satisfies ReadonlyArray<ColumnOf<NetworkSeriesRow>>;
/** network.csv in exact and EVM modes: NETWORK_COLUMNS, then the epoch's pool, payout and dust in wei. */
export const EXACT_NETWORK_COLUMNS = [...NETWORK_COLUMNS, "workPoolWei", "paidWei", "dustWei"] as const;
/** groups.csv: one row per replicate × agent group (whole run). */
export const GROUP_COLUMNS = [
  "run",
  "seed",
  "agent",
  "kind",
  "role",
  "devicesEnd",
  "devicesPeak",
  "deviceEpochs",
  "realWork",
  "reportedWork",
  "fakeWork",
  "rewardTokens",
  "rewardUsd",
  "rewardShare",
  "realWorkShare",
  "captureRatio",
  "costUsd",
  "slashedTokens",
  "slashedUsd",
  "revenueUsd",
  "kitUsd",
  "feesUsd",
  "opexUsd",
  "bondCapitalUsd",
  "bondGainUsd",
  "bondLostUsd",
  "profitUsd",
  "roi",
  "paybackEpochs",
  "detected",
  "falselySlashed",
] as const satisfies ReadonlyArray<ColumnOf<GroupRow>>;
/** lorenz.csv: Lorenz points of honest pay per unit of real work (and of owner rewards), per replicate. */
export const LORENZ_COLUMNS = ["run", "seed", "series", "point", "population", "share"] as const;
/** strategies.csv: written only when the scenario has an adaptive farmer group. */
export const STRATEGY_COLUMNS = [
  "run",
  "seed",
  "epoch",
  "agent",
  "strategy",
  "switched",
  "devices",
  "aprSybil",
  "aprSpoofer",
  "aprFakeWork",
] as const satisfies ReadonlyArray<ColumnOf<StrategySeriesRow>>;
/** Agent-group metrics summarised across replicates in summary.json. */
export const GROUP_SUMMARY_METRICS = [
  "rewardShare",
  "realWorkShare",
  "captureRatio",
  "roi",
  "paybackEpochs",
  "profitUsd",
  "devicesEnd",
  "slashedTokens",
] as const satisfies ReadonlyArray<keyof GroupRow>;
/** The data files of a run directory (the report adds report.html, report.md, report-charts/). */
export const RUN_FILES = [
  "summary.json",
  "timeseries.csv",
  "network.csv",
  "groups.csv",
  "lorenz.csv",
  "scenario.resolved.json",
];

export type TimeseriesColumn = (typeof TIMESERIES_COLUMNS)[number];
export type NetworkColumn = (typeof NETWORK_COLUMNS)[number];
export type LorenzColumn = (typeof LORENZ_COLUMNS)[number];
