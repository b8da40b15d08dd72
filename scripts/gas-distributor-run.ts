/**
 * Prints the reward distributor's gas figures as JSON: `npx hardhat run scripts/gas-distributor-run.ts`.
 * Set DISTRIBUTOR_GAS_TREE_SIZE to measure smaller trees quickly (default 2^20 leaves, depth-20 proofs; building the
 * two trees takes about a minute). Set DISTRIBUTOR_GAS_VESTING=1 to also measure a 25% / 180-day vesting deployment.
 */
import { measureDistributorGas } from "./gasDistributor";

async function main() {
  const sizeText = process.env.DISTRIBUTOR_GAS_TREE_SIZE;
  const treeSize = sizeText === undefined ? undefined : Number(sizeText);
  const log = (message: string) => console.error(message);
  const gas = await measureDistributorGas({ treeSize, log });
  if (process.env.DISTRIBUTOR_GAS_VESTING === "1") {
    const vesting = await measureDistributorGas({
      treeSize,
      log,
      vesting: { immediateBps: 2_500, vestingDuration: 180 * 24 * 60 * 60 },
    });
    console.log(JSON.stringify({ ...gas, vesting }, null, 2));
  } else {
    console.log(JSON.stringify(gas, null, 2));
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
