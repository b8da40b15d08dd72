/**
 * `npm run gas`: gas of the protocol's main operations (`scripts/gasOperations.ts`), with depth-20 proofs from trees
 * of 2^20 leaves. Progress goes to stderr; the last line of stdout is one JSON object mapping each operation to its
 * gas. GAS_TREE_SIZE shrinks the reward trees for a quick run (default 2^20 leaves, ~2 minutes to build).
 */
import { measureOperationsGas } from "./gasOperations";

async function main() {
  const sizeText = process.env.GAS_TREE_SIZE;
  const gas = await measureOperationsGas({
    trees: "full",
    treeSize: sizeText === undefined ? undefined : Number(sizeText),
    log: (message) => console.error(message),
  });
  console.log(JSON.stringify(gas));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
