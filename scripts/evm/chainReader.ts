/**
 * Batched chain reads of an EVM-in-the-loop run: many accounts or devices per `eth_call` of `ChainStateReader`
 * (contracts/tools/ChainStateReader.sol), whose code the call places at an unused address with a state override
 * (nothing is deployed), at any block. Answers are decoded by hand (arrays of static tuples: an offset, a length, a
 * fixed number of words per entry): ethers' ABI decoder took seconds per epoch at 1,000 devices.
 */
import type { Interface } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { RpcClient } from "./transactions";

export interface AccountState {
  balance: bigint;
  claimed: bigint;
}

export interface StakeState {
  bond: bigint;
  unbonding: bigint;
  status: number;
}

export interface DeviceState {
  bond: bigint;
  owner: string;
  status: number;
  deviceClass: number;
  cell: bigint;
  active: boolean;
}

/** The four contracts the reader reads. */
export interface ReaderTargets {
  token: string;
  distributor: string;
  staking: string;
  registry: string;
}

/** Where the reader's code is placed for the call (an address no key controls). */
const READER_ADDRESS = "0x00000000000000000000000000000000de9c1ab0";
/** Gas of one read: the per-transaction cap of current nodes (EIP-7825: 2^24). */
const CALL_GAS = "0x" + (1 << 24).toString(16);
/** Entries per call, each batch well inside {@link CALL_GAS}. */
export const ENTRIES_PER_CALL = 400;

/** Words of `hex` (no 0x) as bigints. */
function words(hex: string): (index: number) => bigint {
  return (index) => BigInt("0x" + hex.slice(index * 64, index * 64 + 64));
}

export class ChainStateReader {
  private constructor(
    private readonly client: RpcClient,
    private readonly code: string,
    private readonly abi: Interface,
    private readonly targets: ReaderTargets,
  ) {}

  static async create(hre: HardhatRuntimeEnvironment, client: RpcClient, targets: ReaderTargets) {
    const artifact = await hre.artifacts.readArtifact("ChainStateReader");
    return new ChainStateReader(client, artifact.deployedBytecode, new hre.ethers.Interface(artifact.abi), targets);
  }

  /** Balance and claimed amount of every account (latest block). */
  async accounts(accounts: readonly string[]): Promise<AccountState[]> {
    return this.batched(
      accounts,
      2,
      "latest",
      (batch) => ["accountStates", [this.targets.token, this.targets.distributor, batch]],
      (w, at) => ({
        balance: w(at),
        claimed: w(at + 1),
      }),
    );
  }

  /** Bond, unbonding and status of every device (latest block). */
  async stakes(devices: readonly bigint[]): Promise<StakeState[]> {
    return this.batched(
      devices,
      3,
      "latest",
      (batch) => ["stakeStates", [this.targets.staking, this.targets.registry, batch]],
      (w, at) => ({
        bond: w(at),
        unbonding: w(at + 1),
        status: Number(w(at + 2)),
      }),
    );
  }

  /** What the oracle reads of every device at block `block` (its snapshot). */
  async devices(devices: readonly bigint[], block: number): Promise<DeviceState[]> {
    return this.batched(
      devices,
      6,
      block,
      (batch) => ["deviceStates", [this.targets.staking, this.targets.registry, batch]],
      (w, at, hex) => ({
        bond: w(at),
        owner: "0x" + hex.slice((at + 1) * 64 + 24, (at + 2) * 64),
        status: Number(w(at + 2)),
        deviceClass: Number(w(at + 3)),
        cell: w(at + 4),
        active: w(at + 5) === 1n,
      }),
    );
  }

  private async batched<T, R>(
    items: readonly T[],
    wordsPerEntry: number,
    block: number | "latest",
    call: (batch: readonly T[]) => [string, unknown[]],
    decode: (word: (index: number) => bigint, at: number, hex: string) => R,
  ): Promise<R[]> {
    const batches: (readonly T[])[] = [];
    for (let k = 0; k < items.length; k += ENTRIES_PER_CALL) batches.push(items.slice(k, k + ENTRIES_PER_CALL));
    const tag = block === "latest" ? "latest" : "0x" + block.toString(16);
    const answers = await Promise.all(
      batches.map((batch) => {
        const [name, args] = call(batch);
        const data = this.abi.encodeFunctionData(name, args);
        return this.client.request({
          method: "eth_call",
          params: [{ to: READER_ADDRESS, data, gas: CALL_GAS }, tag, { [READER_ADDRESS]: { code: this.code } }],
        }) as Promise<string>;
      }),
    );
    const out: R[] = [];
    answers.forEach((raw, b) => {
      const hex = raw.slice(2);
      const w = words(hex);
      const start = Number(w(0)) / 32;
      const length = Number(w(start));
      if (length !== batches[b].length) throw new Error(`ChainStateReader: ${length} entries for ${batches[b].length}`);
      for (let i = 0; i < length; i++) out.push(decode(w, start + 1 + wordsPerEntry * i, hex));
    });
    return out;
  }
}
