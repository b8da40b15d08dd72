/**
 * `npm run demo` (`hardhat run scripts/demo.ts`): on the in-process Hardhat network, deploys the system through the
 * `deploy` task, registers and bonds devices for three operators across cells and classes, runs 5 epochs of
 * synthetic work reports through the oracle (`epoch:mint`, `epoch:post`), claims, prints the `status` table and a
 * summary whose numbers must equal the protocol/ computation; exits non-zero if any differs.
 * Everything it writes goes to out/demo/ (deleted at the start).
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { formatScenarioTable, runDemoScenario } from "./demo/steps";

const EPOCHS = 5;

async function main(): Promise<void> {
  if (hre.network.name !== "hardhat")
    throw new Error(`the demo runs on the in-process hardhat network, not ${hre.network.name}`);
  const workDir = path.join(hre.config.paths.root, "out", "demo");
  fs.rmSync(workDir, { recursive: true, force: true });
  const manifestDir = path.join(workDir, "deployments");
  const parametersFile = path.join(hre.config.paths.root, "ignition", "parameters", "hardhat.json");

  await hre.run("deploy", {
    parameters: parametersFile,
    manifestDir,
    journal: path.join(workDir, "ignition"),
    quiet: true,
  });
  const signers = await hre.ethers.getSigners();
  const operators = signers.slice(7, 10).map((s) => s.address);

  const result = await runDemoScenario({
    run: (task, args) => hre.run(task, args),
    chain: {
      send: (method, params) => hre.network.provider.send(method, params),
      getSigner: (a) => hre.ethers.getSigner(a),
    },
    manifestDir,
    network: hre.network.name,
    parametersFile,
    workDir,
    operators,
    epochs: EPOCHS,
    log: (line) => console.log(line),
  });
  await hre.run("status", { outDir: path.join(workDir, "epochs"), manifestDir });
  console.log(
    `\nsummary after ${EPOCHS} epochs (wei); expected = protocol/ emission split + rewardEpochExact, independent of the oracle:`,
  );
  console.log(formatScenarioTable(result.rows));
  console.log(`posted totals per epoch: ${result.totals.join(", ")}`);
  if (!result.ok) {
    console.error("\nDEMO FAILED: on-chain amounts differ from the protocol/ computation");
    process.exitCode = 1;
    return;
  }
  console.log(
    `\nOK: every claimed amount, balance and posted total equals the protocol/ computation to the wei (files in ${path.relative(process.cwd(), workDir)})`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
