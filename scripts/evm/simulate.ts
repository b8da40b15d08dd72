/**
 * `npm run simulate -- … --mode evm [--network localhost]` lands here: the launcher (scripts/simulate.ts) starts
 * `hardhat run --network <network> scripts/evm/simulate.ts` with the arguments in an environment variable. Runs the
 * simulator's own command line with the replicates played on the chain (run.ts), so it writes the same files and
 * report, summary.json saying how the run was checked on the EVM.
 */
import hre from "hardhat";
import { main, UsageError } from "../../simulation/cli";
import { ScenarioError } from "../../simulation/scenario";
import { SIMULATE_ARGV_VARIABLE } from "../simulate";
import { runScenarioOnEvm } from "./run";

async function simulateOnEvm(): Promise<number> {
  const raw = process.env[SIMULATE_ARGV_VARIABLE];
  if (raw === undefined) {
    throw new UsageError(`start it with npm run simulate -- --mode evm (${SIMULATE_ARGV_VARIABLE} is not set)`);
  }
  const argv = JSON.parse(raw) as string[];
  const quiet = argv.includes("--quiet");
  return main(argv, async (scenario) => {
    const outcome = await runScenarioOnEvm(hre, scenario, {
      onEpoch: quiet
        ? undefined
        : (replicate, epoch) =>
            process.stderr.write(
              `\rrun ${replicate + 1}/${scenario.runs} epoch ${epoch + 1}/${scenario.epochs} checked`,
            ),
    });
    return { results: outcome.results, evm: outcome.record };
  });
}

simulateOnEvm().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ScenarioError) console.error(err.message);
    else console.error(err instanceof Error ? `error: ${err.message}` : err);
    process.exit(err instanceof ScenarioError || err instanceof UsageError ? 2 : 1);
  },
);
