/**
 * Local keys of EVM-in-the-loop runs: every simulated owner, device, maker and oracle member is a secp256k1 key
 * derived from the run's seed, and signs locally. Signing goes through libsecp256k1 (the `tiny-secp256k1` WebAssembly
 * build: ~220 µs a signature on this machine against ~900 µs for ethers' `Wallet`, whose pure-JS curve dominated the
 * profile of a batch of transactions), and so does the public key of an address; keccak, typed-data digests and RLP
 * come from ethers. A test checks addresses and every kind of signature against ethers' own.
 */
import {
  TypedDataEncoder,
  concat,
  dataSlice,
  getAddress,
  getBytes,
  hexlify,
  keccak256,
  solidityPackedKeccak256,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

/** libsecp256k1's recoverable signature (its CommonJS build ships no types of its own). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS build of an ESM-typed package
const secp256k1 = require("tiny-secp256k1") as {
  signRecoverable(digest: Uint8Array, secret: Uint8Array): { signature: Uint8Array; recoveryId: number };
  pointFromScalar(secret: Uint8Array, compressed: boolean): Uint8Array | null;
};

/** A private key that signs digests, EIP-712 typed data and legacy (EIP-155) transactions. */
export class LocalKey {
  readonly address: string;
  private readonly secret: Uint8Array;

  constructor(privateKey: string) {
    this.secret = getBytes(privateKey);
    if (this.secret.length !== 32) throw new RangeError(`privateKey: expected 32 bytes, got ${this.secret.length}`);
    const point = secp256k1.pointFromScalar(this.secret, false);
    if (point === null) throw new RangeError("privateKey: not a valid secp256k1 secret");
    this.address = getAddress(dataSlice(keccak256(point.subarray(1)), 12));
  }

  /** The key of `label` #`index` of a run with `seed`: keccak256(seed, label, index), never zero in practice. */
  static derive(seed: number, label: string, index: number): LocalKey {
    return new LocalKey(solidityPackedKeccak256(["uint256", "string", "uint256"], [seed, label, index]));
  }

  /** r, s (low-s, as libsecp256k1 always returns) and the recovery bit of a 32-byte digest. */
  signDigest(digest: Uint8Array): { r: Uint8Array; s: Uint8Array; yParity: number } {
    const { signature, recoveryId } = secp256k1.signRecoverable(digest, this.secret);
    return { r: signature.subarray(0, 32), s: signature.subarray(32, 64), yParity: recoveryId };
  }

  /** A 65-byte `r ‖ s ‖ v` signature (v = 27 + recovery bit), as ECDSA.recover in the contracts expects. */
  signDigestHex(digest: string | Uint8Array): string {
    const { r, s, yParity } = this.signDigest(typeof digest === "string" ? getBytes(digest) : digest);
    return hexlify(concat([r, s, new Uint8Array([27 + yParity])]));
  }

  /** ethers' `signTypedData` shape, so `protocol/deviceSignatures.ts` and `protocol/oracleSignatures.ts` sign with it. */
  async signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.signDigestHex(typedDataDigest(domain, types, value));
  }

  async getAddress(): Promise<string> {
    return this.address;
  }

  /** A signed legacy EIP-155 transaction, RLP-encoded as hex: what `eth_sendRawTransaction` takes. */
  signTransaction(tx: LegacyTransaction): string {
    const fields = [
      quantity(tx.nonce),
      quantity(tx.gasPrice),
      quantity(tx.gasLimit),
      hexBytes(tx.to),
      quantity(tx.value ?? 0n),
      hexBytes(tx.data),
    ];
    const unsigned = rlpList([...fields, quantity(tx.chainId), EMPTY, EMPTY]);
    const { r, s, yParity } = this.signDigest(hexBytes(keccak256(unsigned)));
    const v = tx.chainId * 2n + 35n + BigInt(yParity);
    return "0x" + Buffer.from(rlpList([...fields, quantity(v), stripZeros(r), stripZeros(s)])).toString("hex");
  }
}

const EMPTY = new Uint8Array(0);

/** Hex (0x-prefixed) to bytes through Buffer: ethers' `getBytes` was a hot spot of the profile. */
function hexBytes(hex: string): Uint8Array {
  return Buffer.from(hex.slice(2), "hex");
}

/** RLP quantity: big-endian bytes without leading zeros, zero as the empty string. */
function quantity(value: number | bigint): Uint8Array {
  if (value === 0 || value === 0n) return EMPTY;
  let hex = BigInt(value).toString(16);
  if (hex.length % 2 === 1) hex = "0" + hex;
  return Buffer.from(hex, "hex");
}

function stripZeros(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** RLP length prefix for a string (offset 0x80) or a list (0xc0). */
function rlpPrefix(length: number, offset: number): Uint8Array {
  if (length < 56) return Uint8Array.of(offset + length);
  const lengthBytes = quantity(length);
  return Uint8Array.of(offset + 55 + lengthBytes.length, ...lengthBytes);
}

/** RLP of a list of byte strings (what a legacy transaction is). */
function rlpList(items: readonly Uint8Array[]): Uint8Array {
  const encoded = items.map((item) =>
    item.length === 1 && item[0] < 0x80 ? item : Buffer.concat([rlpPrefix(item.length, 0x80), item]),
  );
  const body = Buffer.concat(encoded);
  return Buffer.concat([rlpPrefix(body.length, 0xc0), body]);
}

/** The EIP-712 digest, with each domain's separator and each type list's encoder built once. */
const encoders = new WeakMap<object, TypedDataEncoder>();
const separators = new WeakMap<object, string>();
function typedDataDigest(
  domain: TypedDataDomain,
  types: Record<string, TypedDataField[]>,
  value: Record<string, unknown>,
): string {
  let encoder = encoders.get(types);
  if (encoder === undefined) {
    encoder = TypedDataEncoder.from(types);
    encoders.set(types, encoder);
  }
  let separator = separators.get(domain);
  if (separator === undefined) {
    separator = TypedDataEncoder.hashDomain(domain);
    separators.set(domain, separator);
  }
  return keccak256(concat(["0x1901", separator, encoder.hash(value)]));
}

/** What a legacy transaction carries (no access list, no blobs). */
export interface LegacyTransaction {
  chainId: bigint;
  nonce: number;
  gasPrice: bigint;
  gasLimit: bigint;
  to: string;
  value?: bigint;
  data: string;
}
