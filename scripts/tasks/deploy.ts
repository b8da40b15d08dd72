/**
 * Tasks: `deploy`, `deploy:check`, `deploy:verify`.
 *
 * This file is loaded by hardhat.config.ts before anything is compiled: it must not import TypeChain types or any
 * module that needs artifacts at top level. The work lives in scripts/deploy/*, imported lazily inside the actions.
 */
import path from "node:path";
import { scope, task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ensureCompiled } from "../lib/taskArgs";
import { TaskRefusal } from "../lib/refusal";

/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading: these modules need compiled artifacts */

/** Turns our typed errors into a Hardhat error (one clear line, exit code 1, no stack trace). */
async function clearErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const name = (err as Error)?.name;
    if (["DeployParametersError", "DeployError", "ManifestError", "HandoverError", "CheckFailedError"].includes(name)) {
      throw new TaskRefusal((err as Error).message, err as Error);
    }
    throw err;
  }
}

interface DeployArgs {
  parameters?: string;
  manifestDir?: string;
  journal?: string;
  quiet: boolean;
}

task(
  "deploy",
  "Deploys the DePIN Lab system with Ignition, hands admin roles to the timelock, writes deployments/<network>.json",
)
  .addOptionalParam("parameters", "Parameter file (default ignition/parameters/<network>.json)")
  .addOptionalParam("manifestDir", "Folder for the manifest (default deployments/)")
  .addOptionalParam("journal", "Ignition journal folder (default ignition/deployments/depinlab-<network>)")
  .addFlag("quiet", "Print nothing (tests)")
  .setAction(async (args: DeployArgs, hre: HardhatRuntimeEnvironment) => {
    await ensureCompiled(hre);
    const { deploySystem } = require("../deploy/deploySystem") as typeof import("../deploy/deploySystem");
    return clearErrors(() =>
      deploySystem(hre, {
        parametersFile: args.parameters,
        manifestDir: args.manifestDir,
        journalDir: args.journal,
        log: args.quiet ? () => {} : undefined,
      }),
    );
  });

interface CheckArgs {
  parameters?: string;
  manifestDir?: string;
  quiet: boolean;
}

task(
  "deploy:check",
  "Checks roles, wiring and parameters of deployments/<network>.json on chain; fails on any mismatch",
)
  .addOptionalParam("parameters", "Parameter file to compare with (default ignition/parameters/<network>.json)")
  .addOptionalParam("manifestDir", "Folder of the manifest (default deployments/)")
  .addFlag("quiet", "Print only failures")
  .setAction(async (args: CheckArgs, hre: HardhatRuntimeEnvironment) => {
    await ensureCompiled(hre);
    const { readDeployment } = require("../deploy/manifest") as typeof import("../deploy/manifest");
    const { loadDeployParameters, defaultParametersFile } =
      require("../deploy/parameters") as typeof import("../deploy/parameters");
    const { checkDeployment, formatCheckTable, CheckFailedError, describeFailures, roleSeparationWarnings } =
      require("../deploy/check") as typeof import("../deploy/check");
    const { resolveDeployParameters } = require("../deploy/parameters") as typeof import("../deploy/parameters");
    return clearErrors(async () => {
      const manifest = await readDeployment(hre, { dir: args.manifestDir });
      const file = path.resolve(args.parameters ?? defaultParametersFile(hre.config.paths.root, hre.network.name));
      const parameters = loadDeployParameters(file);
      const rows = await checkDeployment(hre, manifest, parameters);
      const failed = rows.filter((r) => !r.ok);
      if (!args.quiet || failed.length > 0) console.log(formatCheckTable(args.quiet ? failed : rows));
      const resolved = resolveDeployParameters(parameters, { deployer: manifest.deployer, autoGenesis: 0n });
      for (const warning of roleSeparationWarnings(resolved)) console.warn(`warning: ${warning}`);
      if (failed.length > 0) {
        throw new CheckFailedError(
          `deploy:check on ${hre.network.name} against ${path.relative(hre.config.paths.root, file)}: ` +
            `${failed.length} of ${rows.length} checks failed: ` +
            describeFailures(failed),
          failed,
        );
      }
      if (!args.quiet) console.log(`All ${rows.length} checks passed.`);
      return rows;
    });
  });

/** Fully qualified source names for hardhat-verify (unambiguous even if a name repeats). */
const SOURCES: Record<string, string> = {
  timelock: "@openzeppelin/contracts/governance/TimelockController.sol:TimelockController",
  schedule: "contracts/emission/EmissionSchedule.sol:EmissionSchedule",
  controller: "contracts/emission/EmissionController.sol:EmissionController",
  token: "contracts/token/DePINToken.sol:DePINToken",
  distributor: "contracts/rewards/RewardDistributor.sol:RewardDistributor",
  registry: "contracts/registry/DeviceRegistry.sol:DeviceRegistry",
  staking: "contracts/staking/Staking.sol:Staking",
};

task(
  "deploy:verify",
  "Verifies every contract of deployments/<network>.json on the network's Etherscan (hardhat-verify)",
)
  .addOptionalParam("manifestDir", "Folder of the manifest (default deployments/)")
  .setAction(async (args: { manifestDir?: string }, hre: HardhatRuntimeEnvironment) => {
    const { readDeployment } = require("../deploy/manifest") as typeof import("../deploy/manifest");
    return clearErrors(async () => {
      const manifest = await readDeployment(hre, { dir: args.manifestDir });
      const failures: string[] = [];
      for (const [name, contract] of Object.entries(manifest.contracts) as [
        string,
        { address: string; constructorArgs: unknown[] },
      ][]) {
        console.log(`Verifying ${name} ${contract.address}`);
        try {
          await hre.run("verify:verify", {
            address: contract.address,
            constructorArguments: contract.constructorArgs,
            contract: SOURCES[name],
          });
        } catch (err) {
          const message = (err as Error).message;
          if (/already verified/i.test(message)) console.log(`  already verified`);
          else failures.push(`${name}: ${message}`);
        }
      }
      if (failures.length > 0) {
        throw new TaskRefusal(`deploy:verify: ${failures.length} contract(s) not verified:\n${failures.join("\n")}`);
      }
    });
  });

/** The project's Ignition module file, which is a builder that the standard `ignition` tasks cannot load. */
const MODULE_BUILDER = path.join("ignition", "modules", "DePINLab.ts");

// `npx hardhat ignition deploy|visualize ignition/modules/DePINLab.ts` would crash inside Ignition ("module.futures is
// not iterable"): refuse it with one line naming the project's task instead. Any other module goes to Ignition.
for (const name of ["deploy", "visualize"]) {
  scope("ignition")
    .task(name)
    .setAction(async (args: { modulePath: string }, hre: HardhatRuntimeEnvironment, runSuper) => {
      if (path.resolve(hre.config.paths.root, args.modulePath) === path.join(hre.config.paths.root, MODULE_BUILDER)) {
        throw new TaskRefusal(
          `${MODULE_BUILDER} builds the module from a validated parameter file (its role, maker and class lists ` +
            `decide how many calls it makes), so \`npx hardhat ignition ${name}\` cannot load it: run ` +
            `\`npx hardhat deploy --network ${hre.network.name}\` (parameters: ignition/parameters/${hre.network.name}.json; ` +
            `it runs Ignition with a resumable journal, then hands the admin roles to the timelock)`,
        );
      }
      return runSuper(args);
    });
}
