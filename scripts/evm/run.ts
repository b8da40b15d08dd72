/**
 * A scenario run against the real contracts: deploy (deploy.ts), then every replicate epoch by epoch — the engine
 * steps one epoch through the EVM ledger, the ledger sends that epoch's transactions and checks the chain against
 * the exact model — on Hardhat's in-process network or a `npx hardhat node` (`--network localhost`).
 *
 * Replicates share one deployment: the chain is reverted to the freshly deployed state (`evm_snapshot` /
 * `evm_revert`) before each one. When the run ends, also after a failure, the chain is reverted to where it was before
 * the deployment and automine is restored.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { startReplicate, type RunResult } from "../../simulation/engine";
import { ledgerTermsOf } from "../../simulation/ledger/terms";
import type { EvmCheckSummary } from "../../simulation/run";
import type { Scenario } from "../../simulation/scenario";
import { supplyOf } from "../../simulation/supply";
import { requireOnChainEmission } from "../../simulation/emissionSpec";
import type { DeployParameters } from "../deploy/parameters";
import { ChainStateReader } from "./chainReader";
import { deployScenarioSystem } from "./deploy";
import { EvmLedger, type EvmTimings } from "./evmLedger";
import type { RpcClient } from "./transactions";

export const EVM_CHECKED =
  "after every epoch: the oracle's per-device rewards and every account's posted cumulative amount (computed by " +
  "scripts/oracle from the chain's snapshot), every account's claimed amount and token balance, the treasury's, " +
  "ecosystem's, market's, distributor's and staking's balances, every device's bond, unbonding and status, total " +
  "minted and burned: equal to the exact model to the wei";

export interface EvmRunOptions {
  /** Change the deploy parameters (tests plant a parameter that differs from the scenario). */
  adjust?: (parameters: DeployParameters) => void;
  /** Called after each checked epoch. */
  onEpoch?: (replicate: number, epoch: number) => void;
}

export interface EvmRunOutcome {
  results: RunResult[];
  record: EvmCheckSummary;
  timings: EvmTimings;
  seconds: { deploy: number; run: number };
}

export async function runScenarioOnEvm(
  hre: HardhatRuntimeEnvironment,
  scenario: Scenario,
  options: EvmRunOptions = {},
): Promise<EvmRunOutcome> {
  requireOnChainEmission(scenario.emission); // a simulation-only emission formula has no contract
  const client: RpcClient = hre.network.provider;
  // the run leaves the chain as it found it (tests share the in-process chain; a node can run the scenario again)
  const untouched = (await client.request({ method: "evm_snapshot" })) as string;
  try {
    return await deployAndPlay(hre, client, scenario, options);
  } finally {
    await client.request({ method: "evm_revert", params: [untouched] });
    await client.request({ method: "evm_setAutomine", params: [true] });
  }
}

async function deployAndPlay(
  hre: HardhatRuntimeEnvironment,
  client: RpcClient,
  scenario: Scenario,
  options: EvmRunOptions,
): Promise<EvmRunOutcome> {
  const started = performance.now();
  const terms = ledgerTermsOf(scenario);
  const system = await deployScenarioSystem(hre, scenario, terms, { seed: scenario.seed, adjust: options.adjust });
  const reader = await ChainStateReader.create(hre, client, system.addresses);
  const supply = supplyOf(scenario);
  const results: RunResult[] = [];
  const timings: EvmTimings = { build: 0, mine: 0, oracle: 0, check: 0 };
  let transactions = 0;
  let blocks = 0;
  let epochsChecked = 0;
  const operations: Record<string, number> = {};
  const deployed = performance.now();
  let snapshot = (await client.request({ method: "evm_snapshot" })) as string;
  for (let r = 0; r < scenario.runs; r++) {
    if (r > 0) {
      await client.request({ method: "evm_revert", params: [snapshot] });
      snapshot = (await client.request({ method: "evm_snapshot" })) as string;
    }
    const engine = await EvmLedger.engineFor(system, client);
    const ledger = new EvmLedger(terms, system, engine, reader, scenario.seed);
    const run = startReplicate(scenario, supply, r, { series: true, mode: "evm", ledger });
    for (let epoch = 0; epoch < run.epochs; epoch++) {
      run.step(epoch);
      await ledger.flush();
      options.onEpoch?.(r, epoch);
    }
    results.push(run.finish());
    transactions += engine.stats.transactions;
    blocks += engine.stats.blocks;
    epochsChecked += ledger.epochsChecked;
    for (const [kind, count] of Object.entries(ledger.operationCounts))
      operations[kind] = (operations[kind] ?? 0) + count;
    for (const k of Object.keys(timings) as (keyof EvmTimings)[]) timings[k] += ledger.timings[k];
  }
  return {
    results,
    record: {
      network: hre.network.name,
      chainId: system.chainId.toString(),
      epochsChecked,
      transactions,
      blocks,
      operations: Object.fromEntries(Object.entries(operations).sort(([x], [y]) => x.localeCompare(y))),
      checked: EVM_CHECKED,
    },
    timings,
    seconds: { deploy: (deployed - started) / 1000, run: (performance.now() - deployed) / 1000 },
  };
}
