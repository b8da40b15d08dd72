/**
 * Batched chain reads of an EVM-in-the-loop run: the state of many accounts and devices in one `eth_call` of
 * `ChainStateReader.read` (contracts/tools/ChainStateReader.sol), whose code the call places at an unused address
 * with a state override (nothing is deployed), at any block.
 */
import type { Interface } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { RpcClient } from "./transactions";

export interface AccountState {
  balance: bigint;
  claimed: bigint;
}

export interface DeviceState {
  bond: bigint;
  unbonding: bigint;
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
/** Accounts and devices per call, each well inside {@link CALL_GAS}. */
export const ACCOUNTS_PER_CALL = 800;
export const DEVICES_PER_CALL = 300;

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

  /**
   * Balances and claimed amounts of `accounts`, and the state of `devices`, at `block` (default latest), in calls of
   * at most {@link ACCOUNTS_PER_CALL} accounts and {@link DEVICES_PER_CALL} devices (a call's gas is capped at 2^24).
   */
  async read(
    accounts: readonly string[],
    devices: readonly bigint[],
    block: number | "latest" = "latest",
  ): Promise<{ accounts: AccountState[]; devices: DeviceState[] }> {
    const out = { accounts: [] as AccountState[], devices: [] as DeviceState[] };
    const calls = Math.max(
      1,
      Math.ceil(accounts.length / ACCOUNTS_PER_CALL),
      Math.ceil(devices.length / DEVICES_PER_CALL),
    );
    const parts = await Promise.all(
      Array.from({ length: calls }, (_, k) =>
        this.readOnce(
          accounts.slice(k * ACCOUNTS_PER_CALL, (k + 1) * ACCOUNTS_PER_CALL),
          devices.slice(k * DEVICES_PER_CALL, (k + 1) * DEVICES_PER_CALL),
          block,
        ),
      ),
    );
    for (const part of parts) {
      out.accounts.push(...part.accounts);
      out.devices.push(...part.devices);
    }
    return out;
  }

  private async readOnce(
    accounts: readonly string[],
    devices: readonly bigint[],
    block: number | "latest",
  ): Promise<{ accounts: AccountState[]; devices: DeviceState[] }> {
    const data = this.abi.encodeFunctionData("read", [
      this.targets.token,
      this.targets.distributor,
      this.targets.staking,
      this.targets.registry,
      accounts,
      devices,
    ]);
    const tag = block === "latest" ? "latest" : "0x" + block.toString(16);
    const raw = (await this.client.request({
      method: "eth_call",
      params: [{ to: READER_ADDRESS, data, gas: CALL_GAS }, tag, { [READER_ADDRESS]: { code: this.code } }],
    })) as string;
    const [accountRows, deviceRows] = this.abi.decodeFunctionResult("read", raw) as unknown as [
      [bigint, bigint][],
      [bigint, bigint, string, bigint, bigint, bigint, boolean][],
    ];
    return {
      accounts: accountRows.map(([balance, claimed]) => ({ balance, claimed })),
      devices: deviceRows.map(([bond, unbonding, owner, status, deviceClass, cell, active]) => ({
        bond,
        unbonding,
        owner,
        status: Number(status),
        deviceClass: Number(deviceClass),
        cell,
        active,
      })),
    };
  }
}
