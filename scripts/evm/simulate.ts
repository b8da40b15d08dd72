/**
 * `npm run simulate -- … --mode evm [--network localhost]` lands here: the simulator's CLI starts
 * `hardhat run --network <network> scripts/evm/simulate.ts` with its arguments in an environment variable, because
 * the in-process network is Hardhat's and the simulator may not import scripts/. Runs the same `simulate` command
 * with the replicates played on the chain (run.ts) and writes the same files, summary.json saying how the run was
 * checked on the EVM.
 */
import hre from "hardhat";
import { EVM_ARGV_VARIABLE, UsageError, parseArgs, runSimulate } from "../../simulation/cli";
import { ScenarioError } from "../../simulation/scenario";
import { runScenarioOnEvm } from "./run";

async function main(): Promise<number> {
  const raw = process.env[EVM_ARGV_VARIABLE];
  if (raw === undefined) {
    throw new UsageError(`run through the simulator: npm run simulate -- --mode evm (${EVM_ARGV_VARIABLE} is not set)`);
  }
  const args = parseArgs(JSON.parse(raw) as string[]);
  const quiet = args.flags.has("quiet");
  return runSimulate(args, async (scenario) => {
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

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ScenarioError) console.error(err.message);
    else console.error(err instanceof Error ? `error: ${err.message}` : err);
    process.exit(err instanceof ScenarioError || err instanceof UsageError ? 2 : 1);
  },
);
