/**
 * Planted bugs for the stateful fuzzer: a one-line mutation of a contract's source, compiled with the same solc
 * (the npm `solc` package, the build's own settings from Hardhat's build-info) and swapped in at the deployed
 * address with `hardhat_setCode`. The storage layout is unchanged, so the system keeps its state; the mutant's
 * immutables are its own constructor's, so it is first deployed with the same constructor arguments.
 *
 * A fuzzer that passes on the real contracts and fails on a mutant has shown it can see that kind of bug.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";

export interface PlantedBug {
  /** The contract whose source is mutated. */
  contract: "RewardDistributor" | "Staking";
  source: string;
  /** Exact text to replace (must occur once) and its replacement. */
  find: string;
  replace: string;
  what: string;
}

export const PLANTED_BUGS: Record<string, PlantedBug> = {
  /** Issue 10's attack 1 comes back: an older root pays although a newer one is claimable. */
  "superseded-root": {
    contract: "RewardDistributor",
    source: "contracts/rewards/RewardDistributor.sol",
    find: "if (epoch != next - 1) revert RewardsEpochSuperseded(epoch, next - 1);",
    replace: "",
    what: "claim accepts a superseded epoch's root when no post is in its window (fix 1 undone)",
  },
  /** Slashing takes the full amount off the books but sends one wei less to the treasury. */
  "slash-pays-less": {
    contract: "Staking",
    source: "contracts/staking/Staking.sol",
    find: "token.safeTransfer(treasury, slashed);",
    replace: "token.safeTransfer(treasury, slashed - 1);",
    what: "slash sends the treasury one wei less than it takes from the device's stake",
  },
};

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

const compiled = new Map<string, { abi: unknown[]; bytecode: string }>();

/** The mutant's ABI and creation bytecode (compiled once per process, only the sources it imports). */
export async function compileMutant(bug: PlantedBug): Promise<{ abi: unknown[]; bytecode: string }> {
  const key = `${bug.source}:${bug.find}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  const dbg = path.join(hre.config.paths.artifacts, bug.source, `${bug.contract}.dbg.json`);
  const buildInfoFile = path.resolve(path.dirname(dbg), JSON.parse(fs.readFileSync(dbg, "utf8")).buildInfo);
  const buildInfo = JSON.parse(fs.readFileSync(buildInfoFile, "utf8")) as {
    input: { sources: Record<string, { content: string }>; settings: Record<string, unknown> };
  };
  const original = buildInfo.input.sources[bug.source].content;
  if (original.split(bug.find).length !== 2)
    throw new Error(`planted bug: "${bug.find}" must occur once in ${bug.source}`);
  // Only the mutated file and what it imports, transitively.
  const sources: Record<string, { content: string }> = {};
  const visit = (name: string) => {
    if (sources[name]) return;
    const content =
      name === bug.source ? original.replace(bug.find, bug.replace) : buildInfo.input.sources[name].content;
    sources[name] = { content };
    for (const [, imported] of content.matchAll(/^import\s+(?:[^"']*from\s+)?["']([^"']+)["']/gm)) {
      visit(
        imported.startsWith(".") ? path.posix.normalize(path.posix.join(path.posix.dirname(name), imported)) : imported,
      );
    }
  };
  visit(bug.source);
  const settings = {
    ...buildInfo.input.settings,
    outputSelection: { [bug.source]: { [bug.contract]: ["abi", "evm.bytecode.object"] } },
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the npm solc package (the build's compiler)
  const solc = require("solc") as { compile(input: string): string };
  const output = JSON.parse(solc.compile(JSON.stringify({ language: "Solidity", sources, settings }))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0)
    throw new Error(`planted bug does not compile:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const artifact = output.contracts[bug.source][bug.contract];
  const result = { abi: artifact.abi, bytecode: "0x" + artifact.evm.bytecode.object };
  compiled.set(key, result);
  return result;
}

/** Deploys the mutant with `constructorArgs` and copies its runtime code to `target`. */
export async function plantBug(bug: PlantedBug, target: string, constructorArgs: unknown[]): Promise<void> {
  const { abi, bytecode } = await compileMutant(bug);
  const [deployer] = await hre.ethers.getSigners();
  const factory = new hre.ethers.ContractFactory(abi as never, bytecode, deployer);
  const mutant = await factory.deploy(...constructorArgs);
  await mutant.waitForDeployment();
  const code = await hre.ethers.provider.getCode(await mutant.getAddress());
  await hre.network.provider.send("hardhat_setCode", [target, code]);
}
