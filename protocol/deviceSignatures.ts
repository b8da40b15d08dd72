/**
 * EIP-712 typed data of the DeviceRegistry: the device key's `Register` and `Move` signatures and the maker's
 * `Attest` attestation. One definition, used by tests, scripts and the oracle (pure: no I/O, no provider).
 *
 * The domain is `{ name: <registry ERC-721 name>, version: "1", chainId, verifyingContract: <registry address> }`;
 * the registry also exposes it through ERC-5267 `eip712Domain()`.
 */

/** EIP-712 domain version of the DeviceRegistry. */
export const DEVICE_REGISTRY_DOMAIN_VERSION = "1";

/** A typed-data field, as ethers' `TypedDataField`. */
export interface TypedField {
  readonly name: string;
  readonly type: string;
}

/** `Register(address owner,uint8 deviceClass,uint64 cell,uint256 nonce,uint256 deadline)`, signed by the device key. */
export const REGISTER_TYPES: Record<"Register", TypedField[]> = {
  Register: [
    { name: "owner", type: "address" },
    { name: "deviceClass", type: "uint8" },
    { name: "cell", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/**
 * `Attest(address deviceKey,uint8 deviceClass,uint32 makerGeneration)`, signed by an approved maker key for its
 * current `registry.makerGeneration(maker)` (each revocation raises it, killing every earlier attestation).
 */
export const ATTEST_TYPES: Record<"Attest", TypedField[]> = {
  Attest: [
    { name: "deviceKey", type: "address" },
    { name: "deviceClass", type: "uint8" },
    { name: "makerGeneration", type: "uint32" },
  ],
};

/**
 * `Move(uint256 deviceId,address owner,uint64 cell,uint256 nonce,uint256 deadline)`, signed by the device key for the
 * owner who will send the move (a signature given to a previous owner is void after the NFT changes hands).
 */
export const MOVE_TYPES: Record<"Move", TypedField[]> = {
  Move: [
    { name: "deviceId", type: "uint256" },
    { name: "owner", type: "address" },
    { name: "cell", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** An EIP-712 domain bound to one contract on one chain (the registry's, the distributor's). */
export interface Eip712Domain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

/** EIP-712 domain of one registry deployment. */
export type DeviceRegistryDomain = Eip712Domain;

/** Message of a `Register` signature. */
export interface RegisterMessage {
  owner: string;
  deviceClass: number;
  cell: bigint;
  nonce: bigint;
  deadline: bigint;
}

/** Message of an `Attest` signature. */
export interface AttestMessage {
  deviceKey: string;
  deviceClass: number;
  /** The maker's `makerGeneration` on the registry when it signs. */
  makerGeneration: number;
}

/** Message of a `Move` signature. */
export interface MoveMessage {
  deviceId: bigint;
  /** The device owner who sends `moveDevice`. */
  owner: string;
  cell: bigint;
  nonce: bigint;
  deadline: bigint;
}

/** Anything that signs typed data the way ethers v6 signers do (`Wallet`, `HardhatEthersSigner`). */
export interface TypedDataSigner {
  signTypedData(
    domain: Eip712Domain,
    types: Record<string, TypedField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

const UINT8_MAX = 255;
const UINT32_MAX = 2 ** 32 - 1;
const UINT64_MAX = (1n << 64n) - 1n;

function checkUint8(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > UINT8_MAX) {
    throw new RangeError(`${field}: expected an integer in [0, 255], got ${value}`);
  }
}

function checkUint32(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new RangeError(`${field}: expected an integer in [0, 2^32), got ${value}`);
  }
}

function checkUint64(field: string, value: bigint): void {
  if (value < 0n || value > UINT64_MAX) throw new RangeError(`${field}: expected a uint64, got ${value}`);
}

/** The registry's EIP-712 domain. `name` is the registry's ERC-721 name (its constructor's `name_`). */
export function deviceRegistryDomain(name: string, chainId: bigint, verifyingContract: string): DeviceRegistryDomain {
  return { name, version: DEVICE_REGISTRY_DOMAIN_VERSION, chainId, verifyingContract };
}

/** The device id of a device key: `uint256(uint160(deviceKey))`, as `DeviceRegistry.deviceIdOf`. */
export function deviceIdOf(deviceKey: string): bigint {
  if (!/^0x[0-9a-fA-F]{40}$/.test(deviceKey)) {
    throw new TypeError(`deviceKey: expected a 20-byte hex address, got ${deviceKey}`);
  }
  return BigInt(deviceKey);
}

/** The device key of a device id (inverse of `deviceIdOf`), as a lower-case hex address. */
export function deviceKeyOf(deviceId: bigint): string {
  if (deviceId < 0n || deviceId >= 1n << 160n) throw new RangeError(`deviceId: expected < 2^160, got ${deviceId}`);
  return "0x" + deviceId.toString(16).padStart(40, "0");
}

/** Signs `Register` with the device key. */
export async function signRegister(
  deviceKey: TypedDataSigner,
  domain: DeviceRegistryDomain,
  message: RegisterMessage,
): Promise<string> {
  checkUint8("deviceClass", message.deviceClass);
  checkUint64("cell", message.cell);
  return deviceKey.signTypedData(domain, REGISTER_TYPES, { ...message });
}

/** Signs `Attest` with a maker key. */
export async function signAttest(
  maker: TypedDataSigner,
  domain: DeviceRegistryDomain,
  message: AttestMessage,
): Promise<string> {
  checkUint8("deviceClass", message.deviceClass);
  checkUint32("makerGeneration", message.makerGeneration);
  return maker.signTypedData(domain, ATTEST_TYPES, { ...message });
}

/** Signs `Move` with the device key. */
export async function signMove(
  deviceKey: TypedDataSigner,
  domain: DeviceRegistryDomain,
  message: MoveMessage,
): Promise<string> {
  checkUint64("cell", message.cell);
  return deviceKey.signTypedData(domain, MOVE_TYPES, { ...message });
}
