import { subtask, vars } from "hardhat/config";
import type { HardhatUserConfig, NetworkUserConfig } from "hardhat/types";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import "./scripts/tasks";
import path from "node:path";

/** The one compiler version of every pragma in contracts/. Pinned in package.json as the npm `solc` package. */
const SOLC_VERSION = "0.8.28";

// No network here: serve the compiler from the npm `solc` package instead of downloading it.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
    isSolcJs: true,
    version: args.solcVersion,
    longVersion: solc.version(),
  };
});

/** A public testnet whose RPC URL and deployer key come from Hardhat vars or the environment; absent means unusable, not an error. */
function testnet(name: string, chainId: number): NetworkUserConfig {
  const url = process.env[`${name}_RPC_URL`] ?? vars.get(`${name}_RPC_URL`, "");
  const key = process.env.DEPLOYER_PRIVATE_KEY ?? vars.get("DEPLOYER_PRIVATE_KEY", "");
  return { url: url || "http://127.0.0.1:0", chainId, accounts: key ? [key] : [] };
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: "cancun" },
  },
  networks: {
    hardhat: {},
    // LOCALHOST_RPC_URL: a node on another port (the end-to-end tests start one on a free port).
    localhost: { url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545" },
    sepolia: testnet("SEPOLIA", 11155111),
    baseSepolia: testnet("BASE_SEPOLIA", 84532),
  },
  etherscan: {
    apiKey: process.env.ETHERSCAN_API_KEY ?? vars.get("ETHERSCAN_API_KEY", ""),
  },
  sourcify: { enabled: false },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    offline: true,
    noColors: true,
  },
  // `npm test` runs the files on two mocha workers (`--parallel`); each file still runs its tests in order.
  mocha: { timeout: 120_000, jobs: 2 },
};

export default config;
