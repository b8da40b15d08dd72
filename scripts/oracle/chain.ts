/**
 * The oracle's chain reads: the snapshot block of an epoch, device state at that block, funding, carried dust and the
 * previous root. Read-only; posting lives in `run.ts`. Contract types are type-only imports (no compiled artifacts
 * are needed to load this module).
 */
import type { Provider } from "ethers";
import type { DeviceRegistry, EmissionController, RewardDistributor, Staking } from "../../typechain-types";
import type { DeviceSnapshot } from "./compute";

/** The contracts the oracle reads and posts to. */
export interface OracleSystem {
  controller: EmissionController;
  distributor: RewardDistributor;
  registry: DeviceRegistry;
  staking: Staking;
  /** The deployment manifest (`loadSystem` gives it): the registry's events are read from its deploy block. */
  manifest?: { contracts: { registry: { blockNumber: number } } };
}

export interface BlockRef {
  number: number;
  hash: string;
  timestamp: number;
}

/**
 * The snapshot block of an epoch: the last block whose timestamp is before the epoch's end
 * (`epochStart(epoch + 1)`), i.e. the chain state at the end of the epoch. Anyone can find it again from public data.
 * Throws if the chain has not yet passed the epoch's end (a later block could still belong to the epoch).
 */
export async function findSnapshotBlock(provider: Provider, epochEnd: bigint): Promise<BlockRef> {
  const latest = await provider.getBlock("latest");
  if (!latest) throw new Error("snapshot: could not read the latest block");
  if (BigInt(latest.timestamp) < epochEnd) {
    throw new Error(
      `snapshot: the chain has not passed the epoch's end (${epochEnd}); latest block ${latest.number} is at ${latest.timestamp}`,
    );
  }
  // Invariant: block `lo` has timestamp < end (or lo = -1), block `hi` has timestamp ≥ end.
  let lo = -1;
  let hi = latest.number;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const block = await provider.getBlock(mid);
    if (!block) throw new Error(`snapshot: could not read block ${mid}`);
    if (BigInt(block.timestamp) < epochEnd) lo = mid;
    else hi = mid;
  }
  if (lo < 0) throw new Error(`snapshot: no block before the epoch's end (${epochEnd})`);
  const block = await provider.getBlock(lo);
  if (!block || !block.hash) throw new Error(`snapshot: could not read block ${lo}`);
  return { number: block.number, hash: block.hash, timestamp: block.timestamp };
}

/** Registry and staking state of `deviceIds` at `blockTag`, plus the weight of every class seen. */
export async function readDeviceSnapshots(
  system: OracleSystem,
  deviceIds: readonly bigint[],
  blockTag: number,
): Promise<{ devices: Map<bigint, DeviceSnapshot>; classWeightsBps: Map<number, number> }> {
  const { registry, staking } = system;
  const overrides = { blockTag };
  const devices = new Map<bigint, DeviceSnapshot>();
  const BATCH = 32;
  for (let start = 0; start < deviceIds.length; start += BATCH) {
    const batch = deviceIds.slice(start, start + BATCH);
    const rows = await Promise.all(
      batch.map(async (deviceId) => {
        const [record, owner, bond, stakingActive] = await Promise.all([
          registry.device(deviceId, overrides),
          registry.deviceOwner(deviceId, overrides),
          staking.bondOf(deviceId, overrides),
          staking.isActive(deviceId, overrides),
        ]);
        const snapshot: DeviceSnapshot = {
          deviceId,
          owner,
          status: Number(record.status),
          deviceClass: Number(record.deviceClass),
          cell: record.cell,
          bond,
          stakingActive,
          registeredEpoch: 0,
        };
        return snapshot;
      }),
    );
    for (const row of rows) devices.set(row.deviceId, row);
  }
  const registeredEpochs = await readRegistrationEpochs(system, deviceIds, blockTag);
  for (const device of devices.values()) device.registeredEpoch = registeredEpochs.get(device.deviceId) ?? 0;
  const classes = [...new Set([...devices.values()].filter((d) => d.status !== 0).map((d) => d.deviceClass))].sort(
    (a, b) => a - b,
  );
  const weights = await Promise.all(classes.map((c) => registry.classWeightBps(c, overrides)));
  return { devices, classWeightsBps: new Map(classes.map((c, i) => [c, Number(weights[i])])) };
}

/**
 * The epoch each of `deviceIds` registered in, from the registry's `DeviceRegistered` events up to `blockTag`
 * (a device registered before genesis counts as registered in epoch 0); devices without an event are absent.
 */
export async function readRegistrationEpochs(
  system: OracleSystem,
  deviceIds: readonly bigint[],
  blockTag: number,
): Promise<Map<bigint, number>> {
  const { registry, controller } = system;
  const wanted = new Set(deviceIds);
  const fromBlock = system.manifest?.contracts.registry.blockNumber ?? 0;
  const events = (await registry.queryFilter(registry.filters.DeviceRegistered(), fromBlock, blockTag)).filter((e) =>
    wanted.has(e.args.deviceId),
  );
  const [genesis, epochLength] = await Promise.all([
    controller.genesis({ blockTag }),
    controller.epochLength({ blockTag }),
  ]);
  const timestamps = new Map<number, bigint>();
  for (const event of events) {
    if (!timestamps.has(event.blockNumber))
      timestamps.set(event.blockNumber, BigInt((await event.getBlock()).timestamp));
  }
  const epochs = new Map<bigint, number>();
  for (const event of events) {
    const at = timestamps.get(event.blockNumber)!;
    epochs.set(event.args.deviceId, at < genesis ? 0 : Number((at - genesis) / epochLength));
  }
  return epochs;
}

/**
 * Funding of epochs before `epoch` not paid by their posts: Σ_{e<epoch} fundingOf(e) − Σ_{e<epoch} posted total(e).
 * Stable once epoch − 1 is posted, because the oracle only posts minted epochs and each epoch is funded once.
 */
export async function readCarriedDust(distributor: RewardDistributor, epoch: number): Promise<bigint> {
  const epochs = Array.from({ length: epoch }, (_, e) => e);
  const [fundings, posts] = await Promise.all([
    Promise.all(epochs.map((e) => distributor.fundingOf(e))),
    Promise.all(epochs.map((e) => distributor.epochPost(e))),
  ]);
  let funded = 0n;
  let posted = 0n;
  for (let e = 0; e < epoch; e++) {
    funded += fundings[e];
    posted += posts[e].total;
  }
  return funded - posted;
}
