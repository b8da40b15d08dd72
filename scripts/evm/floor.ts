/**
 * `npm run bench:evm:floor`: the in-process network's own ceiling, with none of the system's work around it — how
 * many transactions per second Hardhat's in-process network (EDR) takes when every one is signed beforehand, sent
 * with `eth_sendRawTransaction` and mined many to a block. It bounds what `npm run bench:evm` can reach: no
 * EVM-in-the-loop run sends system transactions faster than this floor allows for plain transfers. A benchmark,
 * not a test: it measures and prints.
 *
 *   npm run bench:evm:floor              # FLOOR_TRANSACTIONS=2000 FLOOR_ROUNDS=3 by default
 *
 * Three workloads per round, each from `transactions` fresh senders (one transaction each, so nonces never queue):
 * plain ETH transfers (21,000 gas) and ERC-20 transfers of an OpenZeppelin token (~50,000 gas: the token
 * movement every claim ends with), signed before the clock starts; then the same ERC-20 transfers unsigned
 * (impersonated senders), which shows what signatures cost the node. The clock covers sending and mining.
 * The last line is one JSON object with the median transactions per second of each workload, the process's resident
 * memory at the end and its growth per transaction sent in the rounds (mints, ETH and ERC-20 transfers).
 */
import hre from "hardhat";
import { getCreateAddress, type Interface } from "ethers";
import { jStat } from "jstat";
import { positiveInt } from "../../simulation/io/args";
import { LocalKey } from "./keys";
import { BLOCK_GAS_LIMIT, GAS_PRICE, SENDER_BALANCE, type RpcClient } from "./transactions";

/** One JSON-RPC request that sends a transaction. */
interface SendRequest {
  method: "eth_sendRawTransaction" | "eth_sendTransaction";
  params: unknown[];
}

const raw = (raws: readonly string[]): SendRequest[] =>
  raws.map((r) => ({ method: "eth_sendRawTransaction", params: [r] }));

/** Sends every transaction without waiting for each, mines one block, checks all were mined; returns seconds. */
async function sendAndMine(client: RpcClient, requests: readonly SendRequest[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  await Promise.all(requests.map((request) => client.request(request)));
  await client.request({ method: "evm_mine", params: [] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const block = (await client.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
    transactions: string[];
  };
  if (block.transactions.length !== requests.length) {
    throw new Error(`mined ${block.transactions.length} of ${requests.length} transactions in one block`);
  }
  return seconds;
}

/**
 * The same ERC-20 transfers (each sender's third transaction) with no signature at all: impersonated senders and
 * `eth_sendTransaction`, so neither this process signs nor the node recovers a sender. Returns seconds.
 */
async function sendUnsignedAndMine(
  client: RpcClient,
  keys: readonly LocalKey[],
  to: string,
  data: string,
): Promise<number> {
  await Promise.all(keys.map((k) => client.request({ method: "hardhat_impersonateAccount", params: [k.address] })));
  const gasPrice = "0x" + GAS_PRICE.toString(16);
  return sendAndMine(
    client,
    keys.map((k) => ({
      method: "eth_sendTransaction",
      params: [{ from: k.address, to, data, nonce: "0x2", gas: "0x186a0", gasPrice }],
    })),
  );
}

async function main(): Promise<void> {
  // `hardhat run` passes no arguments to a script: the sizes come from the environment
  const count = positiveInt("FLOOR_TRANSACTIONS", process.env.FLOOR_TRANSACTIONS, 2_000);
  const rounds = positiveInt("FLOOR_ROUNDS", process.env.FLOOR_ROUNDS, 3);
  const client = hre.network.provider as RpcClient;
  const chainId = BigInt(hre.network.config.chainId ?? 31337);
  await client.request({ method: "evm_setAutomine", params: [false] });
  await client.request({ method: "evm_setIntervalMining", params: [0] });
  await client.request({ method: "evm_setBlockGasLimit", params: ["0x" + BLOCK_GAS_LIMIT.toString(16)] });

  // the token's minter is a local key too, so the set-up is raw transactions sent in bulk like the measured ones
  const minter = LocalKey.derive(0, "floor-minter", 0);
  const balance = "0x" + SENDER_BALANCE.toString(16);
  await client.request({ method: "hardhat_setBalance", params: [minter.address, balance] });
  const factory = await hre.ethers.getContractFactory("DePINToken");
  const deployData = (await factory.getDeployTransaction("Floor", "FLR", 10n ** 30n)).data;
  let minterNonce = 0;
  const fromMinter = (to: string | null, data: string, gasLimit: bigint) =>
    minter.signTransaction({ chainId, nonce: minterNonce++, gasPrice: GAS_PRICE, gasLimit, to: to ?? "0x", data });
  await sendAndMine(client, raw([fromMinter(null, deployData, 5_000_000n)]));
  const tokenAddress = getCreateAddress({ from: minter.address, nonce: 0 });
  const token = factory.attach(tokenAddress) as unknown as { interface: Interface };
  const recipient = "0x000000000000000000000000000000000000f100";

  const perRound: Array<{ transfer: number; erc20: number; unsigned: number }> = [];
  const rssBefore = process.memoryUsage().rss;
  for (let round = 0; round < rounds; round++) {
    const keys = Array.from({ length: count }, (_, i) => LocalKey.derive(round, "floor", i));
    await Promise.all(keys.map((k) => client.request({ method: "hardhat_setBalance", params: [k.address, balance] })));
    // every sender gets tokens: one block of mints by the minter
    const mint = (to: string) => token.interface.encodeFunctionData("mint", [to, 10n ** 18n]);
    await sendAndMine(client, raw(keys.map((k) => fromMinter(tokenAddress, mint(k.address), 100_000n))));

    const transfers = keys.map((k) =>
      k.signTransaction({
        chainId,
        nonce: 0,
        gasPrice: GAS_PRICE,
        gasLimit: 21_000n,
        to: recipient,
        value: 1n,
        data: "0x",
      }),
    );
    const t1 = await sendAndMine(client, raw(transfers));
    const data = token.interface.encodeFunctionData("transfer", [recipient, 1n]);
    // nonce 1: each sender's second transaction
    const erc20 = keys.map((k) =>
      k.signTransaction({ chainId, nonce: 1, gasPrice: GAS_PRICE, gasLimit: 100_000n, to: tokenAddress, data }),
    );
    const t2 = await sendAndMine(client, raw(erc20));
    const t3 = await sendUnsignedAndMine(client, keys, tokenAddress, data);
    perRound.push({ transfer: count / t1, erc20: count / t2, unsigned: count / t3 });
    console.log(
      `round ${round + 1}: ${count} ETH transfers ${(t1 * 1000).toFixed(0)} ms (${Math.round(count / t1)} tx/s), ` +
        `${count} ERC-20 transfers ${(t2 * 1000).toFixed(0)} ms (${Math.round(count / t2)} tx/s), ` +
        `unsigned ${(t3 * 1000).toFixed(0)} ms (${Math.round(count / t3)} tx/s)`,
    );
  }
  // the node keeps memory for every transaction it has mined: a long EVM-in-the-loop run grows with its length
  const sent = rounds * count * 4;
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  console.log(
    JSON.stringify({
      transactions: count,
      rounds,
      node: process.version,
      ethTransfersPerSecond: Math.round(jStat.median(perRound.map((r) => r.transfer))),
      erc20TransfersPerSecond: Math.round(jStat.median(perRound.map((r) => r.erc20))),
      unsignedErc20TransfersPerSecond: Math.round(jStat.median(perRound.map((r) => r.unsigned))),
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      rssGrowthKiBPerTransaction: Math.round(rssGrowth / sent / 1024),
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
