/**
 * `npm run simulate`: the simulator's command line (simulation/cli.ts), except `--mode evm`, which runs inside Hardhat
 * — `hardhat run --network <hardhat|localhost> scripts/evm/simulate.ts` with the same arguments — because the
 * in-process network is Hardhat's and the simulator may not import scripts/.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { main, UsageError } from "../simulation/cli";
import { ScenarioError } from "../simulation/scenario";

/** Environment variable that carries the arguments into scripts/evm/simulate.ts. */
export const SIMULATE_ARGV_VARIABLE = "DEPINLAB_SIMULATE_ARGV";

/** The last value of `--name v` / `--name=v` in `argv`. */
function lastFlag(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  argv.forEach((a, i) => {
    if (a === `--${name}`) value = argv[i + 1];
    else if (a.startsWith(`--${name}=`)) value = a.slice(name.length + 3);
  });
  return value;
}

function simulateInHardhat(argv: string[], network: string): Promise<number> {
  const root = path.join(__dirname, "..");
  const hardhat = require.resolve("hardhat/internal/cli/cli.js");
  const script = path.join(root, "scripts", "evm", "simulate.ts");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [hardhat, "run", "--network", network, script], {
      cwd: root,
      env: { ...process.env, [SIMULATE_ARGV_VARIABLE]: JSON.stringify(argv) },
      stdio: "inherit",
    });
    child.once("error", reject);
    child.once("close", (code) => resolve(code ?? 1));
  });
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const evm = argv[0] === "simulate" && lastFlag(argv, "mode") === "evm" && !argv.includes("--help");
  const network = lastFlag(argv, "network") ?? "hardhat";
  (evm && (network === "hardhat" || network === "localhost") ? simulateInHardhat(argv, network) : main(argv)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ScenarioError) console.error(err.message);
      else console.error(err instanceof Error ? `error: ${err.message}` : err);
      process.exit(err instanceof ScenarioError || err instanceof UsageError ? 2 : 1);
    },
  );
}
