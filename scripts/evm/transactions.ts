/**
 * The transaction engine of EVM-in-the-loop runs: many locally signed transactions per block, on Hardhat's in-process
 * network or a `npx hardhat node`.
 *
 * - Automine and interval mining are off; the block gas limit is raised so one `evm_mine` takes a whole phase.
 * - Transactions are signed locally (`LocalKey`) with explicit nonces kept here, and sent with
 *   `eth_sendRawTransaction` without waiting for each (signing the next one overlaps the node's work on the last).
 * - No receipt is awaited per transaction: after a block is mined, ONE `eth_getLogs` over the block shows which
 *   transactions did something (every operation of the system emits an event); a transaction with no log failed, and
 *   only then is it traced (`debug_traceTransaction`) to decode its custom error. A failure throws
 *   {@link TransactionFailedError} naming the epoch, the phase, the operation, the sender (and device) and the error.
 */
import type { Interface } from "ethers";
import type { LocalKey } from "./keys";

/** The EIP-1193 subset the engine needs (`hre.network.provider`). */
export interface RpcClient {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** What a transaction was for, for error messages. */
export interface TransactionLabel {
  /** Scenario epoch (−1: deployment and genesis). */
  epoch: number;
  operation: string;
  /** Who sent it: an owner index, a device, a role. */
  account: string;
  device?: bigint;
}

/** A transaction that was refused by the node or reverted on chain. */
export class TransactionFailedError extends Error {
  constructor(
    readonly label: TransactionLabel,
    readonly reason: string,
    readonly txHash?: string,
  ) {
    super(
      `EVM transaction failed at epoch ${label.epoch}: ${label.operation} by ${label.account}` +
        (label.device !== undefined ? ` (device 0x${label.device.toString(16).padStart(40, "0")})` : "") +
        `: ${reason}` +
        (txHash ? ` [tx ${txHash}]` : ""),
    );
    this.name = "TransactionFailedError";
  }
}

/** Gas limit of every transaction: above the most expensive operation (a first claim with a deep proof ~110k). */
export const TRANSACTION_GAS_LIMIT = 1_000_000n;
/** Block gas limit set for the run: room for any phase in one block. */
export const BLOCK_GAS_LIMIT = 1n << 50n;
/** A fixed gas price above the base fee, which only falls once blocks run far below their gas target. */
export const GAS_PRICE = 10n ** 10n;
/** ETH given to every sender, far more than a run spends on gas. */
export const SENDER_BALANCE = 10n ** 24n;

interface Pending {
  /** Filled in by the node's answer to `eth_sendRawTransaction`. */
  hash: string;
  label: TransactionLabel;
}

/** Counts of what the engine did, for the benchmark. */
export interface TransactionStats {
  transactions: number;
  blocks: number;
}

/** Decodes revert data into `ErrorName(arg, …)` against the system's ABIs. */
export function revertReason(data: string | undefined, interfaces: readonly Interface[]): string {
  if (data === undefined || data === "0x" || data === "") return "reverted without data";
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) return `${parsed.name}(${parsed.args.map((a) => String(a)).join(", ")})`;
    } catch {
      // not this interface's error
    }
  }
  return `unknown revert data ${data.slice(0, 74)}`;
}

export class TransactionEngine {
  readonly stats: TransactionStats = { transactions: 0, blocks: 0 };
  private readonly nonces = new Map<string, number>();
  private readonly sends: Promise<void>[] = [];
  private pending: Pending[] = [];
  private refused: TransactionFailedError | undefined;

  constructor(
    readonly client: RpcClient,
    readonly chainId: bigint,
    private readonly interfaces: readonly Interface[],
  ) {}

  /** Automine and interval mining off, a block gas limit that holds a whole phase, every sender funded with ETH. */
  async start(senders: readonly string[]): Promise<void> {
    await this.client.request({ method: "evm_setAutomine", params: [false] });
    await this.client.request({ method: "evm_setIntervalMining", params: [0] });
    await this.client.request({ method: "evm_setBlockGasLimit", params: ["0x" + BLOCK_GAS_LIMIT.toString(16)] });
    await this.fund(senders);
  }

  /**
   * Gives each address ETH for gas (`hardhat_setBalance`, local networks only) and takes its nonce from the node (a
   * key of the same seed may have sent transactions on this node before).
   */
  async fund(addresses: readonly string[]): Promise<void> {
    const balance = "0x" + SENDER_BALANCE.toString(16);
    await Promise.all(
      addresses.map(async (a) => {
        await this.client.request({ method: "hardhat_setBalance", params: [a, balance] });
        await this.syncNonce(a);
      }),
    );
  }

  /** Takes the nonce of an account that sent transactions before the engine (the deployer) from the node. */
  async syncNonce(address: string): Promise<void> {
    const count = (await this.client.request({
      method: "eth_getTransactionCount",
      params: [address, "pending"],
    })) as string;
    this.nonces.set(address.toLowerCase(), Number(BigInt(count)));
  }

  /** Signs and sends a call; it lands in the next {@link mine}. */
  send(key: LocalKey, to: string, data: string, label: TransactionLabel, value = 0n): void {
    const address = key.address.toLowerCase();
    const nonce = this.nonces.get(address) ?? 0;
    this.nonces.set(address, nonce + 1);
    const raw = key.signTransaction({
      chainId: this.chainId,
      nonce,
      gasPrice: GAS_PRICE,
      gasLimit: TRANSACTION_GAS_LIMIT,
      to,
      value,
      data,
    });
    const pending: Pending = { hash: "", label };
    this.pending.push(pending);
    this.stats.transactions++;
    this.sends.push(
      this.client.request({ method: "eth_sendRawTransaction", params: [raw] }).then(
        (hash) => {
          pending.hash = (hash as string).toLowerCase();
        },
        (err: unknown) => {
          this.refused ??= new TransactionFailedError(label, `refused by the node: ${(err as Error).message}`);
        },
      ),
    );
  }

  /** Transactions sent since the last block. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Mines one block at `timestamp` (unix seconds) holding every transaction sent since the last one, and checks that
   * each was included and did something. Returns the block number.
   */
  async mine(timestamp: bigint): Promise<number> {
    await Promise.all(this.sends.splice(0));
    const pending = this.pending;
    this.pending = [];
    if (this.refused) {
      const refused = this.refused;
      this.refused = undefined;
      throw refused;
    }
    await this.client.request({ method: "evm_mine", params: [Number(timestamp)] });
    this.stats.blocks++;
    const block = (await this.client.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
      number: string;
      transactions: string[];
    };
    const number = Number(BigInt(block.number));
    if (pending.length === 0) return number;
    if (block.transactions.length !== pending.length) {
      const included = new Set(block.transactions.map((h) => h.toLowerCase()));
      const missing = pending.find((p) => !included.has(p.hash));
      throw new TransactionFailedError(
        (missing ?? pending[0]).label,
        `block ${number} holds ${block.transactions.length} of the ${pending.length} transactions sent`,
        missing?.hash,
      );
    }
    const logs = (await this.client.request({
      method: "eth_getLogs",
      params: [{ fromBlock: block.number, toBlock: block.number }],
    })) as { transactionHash: string }[];
    const acted = new Set(logs.map((l) => l.transactionHash.toLowerCase()));
    for (const p of pending) {
      if (acted.has(p.hash)) continue;
      throw new TransactionFailedError(p.label, await this.failureReason(p.hash), p.hash);
    }
    return number;
  }

  /** Why a mined transaction emitted nothing: its decoded revert, or "succeeded without an event". */
  private async failureReason(hash: string): Promise<string> {
    const receipt = (await this.client.request({ method: "eth_getTransactionReceipt", params: [hash] })) as {
      status: string;
    } | null;
    if (receipt !== null && receipt.status === "0x1") return "succeeded but emitted no event (unexpected)";
    try {
      const trace = (await this.client.request({
        method: "debug_traceTransaction",
        params: [hash, { disableMemory: true, disableStack: true, disableStorage: true }],
      })) as { returnValue?: string };
      const data = trace.returnValue === undefined ? undefined : "0x" + trace.returnValue.replace(/^0x/, "");
      return `reverted: ${revertReason(data, this.interfaces)}`;
    } catch (err) {
      return `reverted (no trace: ${(err as Error).message})`;
    }
  }
}
