/**
 * Batched chain reads of an EVM-in-the-loop run: the state of many accounts and devices in ONE `eth_call` of
 * `ChainStateReader`'s creation code (contracts/tools/ChainStateReader.sol), at any block.
 */
import { AbiCoder, type Interface } from "ethers";
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

const RESULT_TYPES = [
  "tuple(uint256 balance, uint256 claimed)[]",
  "tuple(uint256 bond, uint256 unbonding, address owner, uint8 status, uint8 deviceClass, uint64 cell, bool active)[]",
];

/** Gas of one read: the per-transaction cap of current nodes (EIP-7825: 2^24). */
const CALL_GAS = "0x" + (1 << 24).toString(16);
/** Accounts and devices per call, each well inside {@link CALL_GAS}. */
export const ACCOUNTS_PER_CALL = 600;
export const DEVICES_PER_CALL = 250;

export class ChainStateReader {
  private constructor(
    private readonly client: RpcClient,
    private readonly bytecode: string,
    private readonly constructorAbi: Interface,
    private readonly targets: ReaderTargets,
  ) {}

  static async create(hre: HardhatRuntimeEnvironment, client: RpcClient, targets: ReaderTargets) {
    const factory = await hre.ethers.getContractFactory("ChainStateReader");
    return new ChainStateReader(client, factory.bytecode, factory.interface, targets);
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
    const args = this.constructorAbi.encodeDeploy([
      this.targets.token,
      this.targets.distributor,
      this.targets.staking,
      this.targets.registry,
      accounts,
      devices,
    ]);
    const data = this.bytecode + args.slice(2);
    const tag = block === "latest" ? "latest" : "0x" + block.toString(16);
    const raw = (await this.client.request({ method: "eth_call", params: [{ data, gas: CALL_GAS }, tag] })) as string;
    const [accountRows, deviceRows] = AbiCoder.defaultAbiCoder().decode(RESULT_TYPES, raw) as unknown as [
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
