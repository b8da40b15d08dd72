/**
 * Operate tasks for device owners: `device:register`, `device:move`, `stake`, `unstake`, `withdraw`, `claim`,
 * `status`. Every argument is validated, and every on-chain precondition the contracts would revert on is checked,
 * before a transaction is sent. No compiled artifacts are imported at module top level.
 */
import fs from "node:fs";
import path from "node:path";
import { loadSystem } from "../deploy/manifest";
import { DEFAULT_ORACLE_PARAMS_FILE, readOracleParams } from "../oracle/params";
import { h3IndexOf } from "../../protocol/h3";
import { CELL_HELP, LAT_HELP, LNG_HELP, parseLocation, RES_HELP, type LocationFlags } from "../lib/locationArgs";
import { readProofsFile } from "../oracle/outputs";
import { deviceIdOf, deviceRegistryDomain, signAttest, signMove, signRegister } from "../../protocol/deviceSignatures";
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { formatUnits, Wallet, type Signer } from "ethers";
import {
  ArgumentError,
  ensureCompiled,
  isLocalNetwork,
  parseAddress,
  parseDeviceClass,
  parseDeviceId,
  parseTokenAmount,
  refuse,
  resolveSigner,
  runTask,
} from "../lib/taskArgs";
import { writeFileAtomic, toJson } from "../../lib/atomicFile";

const DEPLOYMENTS_HELP = "Folder of the deployment manifest (default deployments/)";
const SIGNATURE_VALIDITY_SECONDS = 3600n;
const STATUS_NAMES = ["None", "Active", "Suspended", "Deregistered"];
const PARAMS_HELP = `Oracle parameters file whose location.minResolution the cell must meet (default ${DEFAULT_ORACLE_PARAMS_FILE})`;

/** The cell named by --cell or --lat/--lng/--res, checked against the oracle parameters' minimum resolution. */
function locationOf(args: LocationFlags & { params?: string }): bigint {
  return parseLocation(args, readOracleParams(args.params).location.minResolution);
}

async function loadOperateSystem(hre: HardhatRuntimeEnvironment, manifestDir?: string) {
  await ensureCompiled(hre);
  return loadSystem(hre, { dir: manifestDir });
}

/** A device key file: `{ "address": "0x…", "privateKey": "0x…" }` (a bare 0x-hex private key is accepted too). */
export function readDeviceKey(file: string): Wallet {
  if (!fs.existsSync(file)) throw new ArgumentError("key-file", `${file} not found`);
  const text = fs.readFileSync(file, "utf8").trim();
  let privateKey = text;
  if (text.startsWith("{")) {
    try {
      privateKey = (JSON.parse(text) as { privateKey?: string }).privateKey ?? "";
    } catch (err) {
      throw new ArgumentError("key-file", `${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey))
    throw new ArgumentError("key-file", `${file}: expected a 32-byte 0x-hex private key`);
  return new Wallet(privateKey);
}

/** Writes a device key file readable only by its owner. */
export function saveDeviceKey(file: string, key: Wallet): void {
  writeFileAtomic(file, toJson({ address: key.address, privateKey: key.privateKey }));
  fs.chmodSync(file, 0o600);
}

function tokens(wei: bigint): string {
  return formatUnits(wei, 18);
}

/** On a local network, how to get tokens: the `fund` task (scripts/tasks/local.ts). */
function fundHint(hre: HardhatRuntimeEnvironment, account: string, amount: bigint): string {
  if (!isLocalNetwork(hre)) return "";
  return `; on this local network get tokens with \`npx hardhat fund --to ${account} --amount ${tokens(amount)} --network ${hre.network.name}\``;
}

function hexId(deviceId: bigint): string {
  return "0x" + deviceId.toString(16).padStart(40, "0");
}

async function latestTimestamp(hre: HardhatRuntimeEnvironment): Promise<bigint> {
  const block = await hre.ethers.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

/** Approves (if needed) and stakes `amount` on `deviceId` from `sender`. */
async function stakeOn(
  system: Pick<Awaited<ReturnType<typeof loadOperateSystem>>, "staking" | "token">,
  sender: Signer,
  deviceId: bigint,
  amount: bigint,
): Promise<void> {
  const { staking, token } = system;
  const from = await sender.getAddress();
  const stakingAddress = await staking.getAddress();
  if ((await token.allowance(from, stakingAddress)) < amount) {
    await (await token.connect(sender).approve(stakingAddress, amount)).wait();
  }
  const tx = await staking.connect(sender).stake(deviceId, amount);
  await tx.wait();
  console.log(
    `staked ${tokens(amount)} on device ${hexId(deviceId)}; bond now ${tokens(await staking.bondOf(deviceId))}; active ${await staking.isActive(deviceId)}; tx ${tx.hash}`,
  );
}

task(
  "device:register",
  "Registers a device: signs Register with the device key and Attest with a maker key, then sends",
)
  .addParam("class", "Device class id (0..255), enabled in the registry")
  .addOptionalParam("cell", CELL_HELP)
  .addOptionalParam("lat", LAT_HELP)
  .addOptionalParam("lng", LNG_HELP)
  .addOptionalParam("res", RES_HELP)
  .addOptionalParam("params", PARAMS_HELP)
  .addOptionalParam(
    "keyFile",
    "Device key file; read if it exists, else a new key is generated and saved there (default: out/keys/<network>/device-<address>.json)",
  )
  .addOptionalParam("owner", "Owner of the device NFT: address or account index (default: the sender)")
  .addOptionalParam("from", "Sender: address or account index (default: account 0)")
  .addOptionalParam(
    "makerKeyFile",
    "Maker key file (same format); on hardhat/localhost the approved dev maker account is used when absent",
  )
  .addOptionalParam("bond", "Also stake this many tokens on the device right after registering (paid by the sender)")
  .addOptionalParam("manifestDir", DEPLOYMENTS_HELP)
  .setAction(
    async (
      args: LocationFlags & {
        class: string;
        params?: string;
        keyFile?: string;
        owner?: string;
        from?: string;
        makerKeyFile?: string;
        bond?: string;
        manifestDir?: string;
      },
      hre,
    ) =>
      runTask("device:register", async () => {
        const deviceClass = parseDeviceClass(args.class, "class");
        const cell = locationOf(args);
        const sender = await resolveSigner(hre, args.from, "from");
        const owner =
          args.owner === undefined
            ? await sender.getAddress()
            : /^\d{1,4}$/.test(args.owner)
              ? await (await resolveSigner(hre, args.owner, "owner")).getAddress()
              : parseAddress(args.owner, "owner");
        const existingKey = args.keyFile !== undefined && fs.existsSync(args.keyFile);
        const deviceKey = existingKey ? readDeviceKey(args.keyFile!) : new Wallet(Wallet.createRandom().privateKey);
        const makerFromFile = args.makerKeyFile === undefined ? undefined : readDeviceKey(args.makerKeyFile);
        const bond = args.bond === undefined ? undefined : parseTokenAmount(args.bond, "bond");

        const system = await loadOperateSystem(hre, args.manifestDir);
        const { registry } = system;
        const config = await registry.classConfig(deviceClass);
        if (!config.enabled) refuse("device:register", `--class: class ${deviceClass} is not enabled in the registry`);
        const deviceId = deviceIdOf(deviceKey.address);
        const status = Number(await registry.status(deviceId));
        if (status !== 0)
          refuse(
            "device:register",
            `device ${deviceKey.address} is already registered (status ${STATUS_NAMES[status]})`,
          );
        let maker: Signer;
        if (makerFromFile) {
          if (!(await registry.isApprovedMaker(makerFromFile.address)))
            refuse("device:register", `--maker-key-file: ${makerFromFile.address} is not an approved maker`);
          maker = makerFromFile;
        } else {
          if (!isLocalNetwork(hre))
            throw new ArgumentError("maker-key-file", `required on network ${hre.network.name}`);
          maker = await resolveSigner(hre, undefined, "maker-key-file", (a) => registry.isApprovedMaker(a));
        }
        if (await registry.paused()) refuse("device:register", "registration is paused");
        if (bond !== undefined) {
          const balance = await system.token.balanceOf(await sender.getAddress());
          if (balance < bond)
            refuse(
              "device:register",
              `--bond: the sender holds ${tokens(balance)} tokens, less than ${tokens(bond)}${fundHint(hre, await sender.getAddress(), bond)}`,
            );
        }

        const chainId = (await hre.ethers.provider.getNetwork()).chainId;
        const domain = deviceRegistryDomain(await registry.name(), chainId, await registry.getAddress());
        const deadline = (await latestTimestamp(hre)) + SIGNATURE_VALIDITY_SECONDS;
        const nonce = await registry.nonces(deviceKey.address);
        const deviceSignature = await signRegister(deviceKey, domain, { owner, deviceClass, cell, nonce, deadline });
        const makerAddress = await maker.getAddress();
        const makerGeneration = Number(await registry.makerGeneration(makerAddress));
        const makerSignature = await signAttest(maker, domain, {
          deviceKey: deviceKey.address,
          deviceClass,
          makerGeneration,
        });

        // Save a new key before sending: a registered device whose key is lost can never move.
        const keyFile = args.keyFile ?? path.join("out", "keys", hre.network.name, `device-${deviceKey.address}.json`);
        if (!existingKey) saveDeviceKey(keyFile, deviceKey);
        const tx = await registry
          .connect(sender)
          .register(
            deviceKey.address,
            owner,
            deviceClass,
            cell,
            deadline,
            deviceSignature,
            makerAddress,
            makerSignature,
          );
        await tx.wait();
        console.log(
          `registered device ${deviceKey.address} (id ${deviceId}) class ${deviceClass} cell ${h3IndexOf(cell)} (${cell}) owner ${owner}; key file ${keyFile}; tx ${tx.hash}`,
        );
        if (bond !== undefined) await stakeOn(system, sender, deviceId, bond);
        return { deviceId, deviceKey: deviceKey.address, keyFile };
      }),
  );

task("device:move", "Moves an active device to a new cell (device key signs Move; sent by the device owner)")
  .addParam("keyFile", "The device key file")
  .addOptionalParam("cell", CELL_HELP)
  .addOptionalParam("lat", LAT_HELP)
  .addOptionalParam("lng", LNG_HELP)
  .addOptionalParam("res", RES_HELP)
  .addOptionalParam("params", PARAMS_HELP)
  .addOptionalParam("from", "Sender, the device owner: address or account index (default: the owner if configured)")
  .addOptionalParam("manifestDir", DEPLOYMENTS_HELP)
  .setAction(
    async (args: LocationFlags & { keyFile: string; params?: string; from?: string; manifestDir?: string }, hre) =>
      runTask("device:move", async () => {
        const cell = locationOf(args);
        const deviceKey = readDeviceKey(args.keyFile);
        const { registry } = await loadOperateSystem(hre, args.manifestDir);
        const deviceId = deviceIdOf(deviceKey.address);
        const status = Number(await registry.status(deviceId));
        if (status !== 1)
          refuse("device:move", `device ${deviceKey.address} is not active (status ${STATUS_NAMES[status]})`);
        const owner = await registry.deviceOwner(deviceId);
        const sender = await resolveSigner(
          hre,
          args.from ?? undefined,
          "from",
          async (a) => a.toLowerCase() === owner.toLowerCase(),
        );
        if ((await sender.getAddress()).toLowerCase() !== owner.toLowerCase())
          refuse("device:move", `--from: only the device owner ${owner} may move it`);
        const current = await registry.cellOf(deviceId);
        if (current === cell)
          refuse("device:move", `--cell: the device is already in cell ${h3IndexOf(cell)} (${cell})`);
        const chainId = (await hre.ethers.provider.getNetwork()).chainId;
        const domain = deviceRegistryDomain(await registry.name(), chainId, await registry.getAddress());
        const deadline = (await latestTimestamp(hre)) + SIGNATURE_VALIDITY_SECONDS;
        const nonce = await registry.nonces(deviceKey.address);
        const signature = await signMove(deviceKey, domain, { deviceId, owner, cell, nonce, deadline });
        const tx = await registry.connect(sender).moveDevice(deviceId, cell, deadline, signature);
        await tx.wait();
        console.log(
          `moved device ${deviceKey.address} from cell ${h3IndexOf(current)} to ${h3IndexOf(cell)} (${cell}); tx ${tx.hash}`,
        );
      }),
  );

task("stake", "Adds tokens to a device's bond (anyone may top up; approves the staking contract if needed)")
  .addParam("device", "Device id: the device key address or its decimal value")
  .addParam("amount", "Tokens to add, in whole tokens with up to 18 decimals (e.g. 100 or 0.5)")
  .addOptionalParam("from", "Sender: address or account index (default: account 0)")
  .addOptionalParam("manifestDir", DEPLOYMENTS_HELP)
  .setAction(async (args: { device: string; amount: string; from?: string; manifestDir?: string }, hre) =>
    runTask("stake", async () => {
      const deviceId = parseDeviceId(args.device);
      const amount = parseTokenAmount(args.amount);
      const sender = await resolveSigner(hre, args.from, "from");
      const { registry, staking, token } = await loadOperateSystem(hre, args.manifestDir);
      const status = Number(await registry.status(deviceId));
      if (status !== 1 && status !== 2)
        refuse("stake", `--device: device ${hexId(deviceId)} is not registered (status ${STATUS_NAMES[status]})`);
      const from = await sender.getAddress();
      const balance = await token.balanceOf(from);
      if (balance < amount)
        refuse(
          "stake",
          `--amount: ${from} holds ${tokens(balance)} tokens, less than ${tokens(amount)}${fundHint(hre, from, amount)}`,
        );
      await stakeOn({ staking, token }, sender, deviceId, amount);
    }),
  );

task(
  "unstake",
  "Requests an unstake of part of a device's bond (device owner only); withdraw after the unbonding delay",
)
  .addParam("device", "Device id: the device key address or its decimal value")
  .addParam("amount", "Tokens to unbond, in whole tokens with up to 18 decimals")
  .addOptionalParam("from", "Sender, the device owner: address or account index (default: the owner if configured)")
  .addOptionalParam("manifestDir", DEPLOYMENTS_HELP)
  .setAction(async (args: { device: string; amount: string; from?: string; manifestDir?: string }, hre) =>
    runTask("unstake", async () => {
      const deviceId = parseDeviceId(args.device);
      const amount = parseTokenAmount(args.amount);
      const { registry, staking } = await loadOperateSystem(hre, args.manifestDir);
      const status = Number(await registry.status(deviceId));
      if (status === 0) refuse("unstake", `--device: device ${hexId(deviceId)} is not registered`);
      if (status === 2)
        refuse("unstake", `--device: device ${hexId(deviceId)} is suspended (its bond awaits a slash decision)`);
      const owner = await registry.deviceOwner(deviceId);
      const sender = await resolveSigner(hre, args.from, "from", async (a) => a.toLowerCase() === owner.toLowerCase());
      const from = await sender.getAddress();
      if (from.toLowerCase() !== owner.toLowerCase())
        refuse("unstake", `--from: only the device owner ${owner} may unstake`);
      const bond = await staking.bondOf(deviceId);
      if (bond < amount) refuse("unstake", `--amount: the bond is ${tokens(bond)}, less than ${tokens(amount)}`);
      const pending = await staking.unbondingOf(deviceId);
      if (pending.amount > 0n && pending.beneficiary.toLowerCase() !== from.toLowerCase()) {
        refuse(
          "unstake",
          `an unbonding of ${tokens(pending.amount)} for ${pending.beneficiary} is pending; withdraw it first`,
        );
      }
      const tx = await staking.connect(sender).requestUnstake(deviceId, amount);
      await tx.wait();
      const unbonding = await staking.unbondingOf(deviceId);
      console.log(
        `unbonding ${tokens(unbonding.amount)} from device ${hexId(deviceId)}, withdrawable at ${unbonding.releaseAt}; tx ${tx.hash}`,
      );
    }),
  );

task("withdraw", "Pays a released unbonding to its beneficiary (anyone may send)")
  .addParam("device", "Device id: the device key address or its decimal value")
  .addOptionalParam("from", "Sender: address or account index (default: account 0)")
  .addOptionalParam("manifestDir", DEPLOYMENTS_HELP)
  .setAction(async (args: { device: string; from?: string; manifestDir?: string }, hre) =>
    runTask("withdraw", async () => {
      const deviceId = parseDeviceId(args.device);
      const sender = await resolveSigner(hre, args.from, "from");
      const { staking } = await loadOperateSystem(hre, args.manifestDir);
      const pending = await staking.unbondingOf(deviceId);
      if (pending.amount === 0n) refuse("withdraw", `--device: nothing is unbonding for device ${hexId(deviceId)}`);
      const now = await latestTimestamp(hre);
      if (now < pending.releaseAt)
        refuse("withdraw", `the unbonding is released at ${pending.releaseAt}; the latest block is at ${now}`);
      const tx = await staking.connect(sender).withdraw(deviceId);
      await tx.wait();
      console.log(`withdrew ${tokens(pending.amount)} to ${pending.beneficiary}; tx ${tx.hash}`);
    }),
  );

task("claim", "Claims an account's rewards with its proof from an epoch's proofs.json")
  .addParam("proofs", "proofs.json of an epoch (written by epoch:post), e.g. out/epochs/3/proofs.json")
  .addOptionalParam(
    "account",
    "Account to claim for: address or account index (default: the sender); tokens always go to it",
  )
  .addOptionalParam("from", "Sender: address or account index (default: account 0)")
  .addOptionalParam("manifestDir", DEPLOYMENTS_HELP)
  .setAction(async (args: { proofs: string; account?: string; from?: string; manifestDir?: string }, hre) =>
    runTask("claim", async () => {
      const proofs = readProofsFile(args.proofs);
      const sender = await resolveSigner(hre, args.from, "from");
      const account =
        args.account === undefined
          ? await sender.getAddress()
          : /^\d{1,4}$/.test(args.account)
            ? await (await resolveSigner(hre, args.account, "account")).getAddress()
            : parseAddress(args.account, "account");
      const entry = Object.entries(proofs.claims).find(([a]) => a.toLowerCase() === account.toLowerCase());
      if (!entry) refuse("claim", `--account: ${account} has no leaf in ${args.proofs}`);
      const cumulativeAmount = BigInt(entry[1].cumulativeAmount);
      const { distributor } = await loadOperateSystem(hre, args.manifestDir);
      const root = await distributor.epochRoot(proofs.epoch);
      if (root !== proofs.root)
        refuse("claim", `--proofs: its root ${proofs.root} is not the root posted for epoch ${proofs.epoch} (${root})`);
      if (!(await distributor.isClaimable(proofs.epoch)))
        refuse("claim", `epoch ${proofs.epoch} is not claimable yet (challenge window, revoked or paused)`);
      if (await distributor.paused()) refuse("claim", "claims are paused");
      const claimed = await distributor.claimed(account);
      if (claimed >= cumulativeAmount)
        refuse("claim", `${account} was already paid ${claimed} wei ≥ its cumulative ${cumulativeAmount} wei`);
      const tx = await distributor.connect(sender).claim(proofs.epoch, account, cumulativeAmount, entry[1].proof);
      await tx.wait();
      console.log(
        `claimed ${tokens(cumulativeAmount - claimed)} for ${account} (cumulative ${tokens(cumulativeAmount)} through epoch ${proofs.epoch}); tx ${tx.hash}`,
      );
      return cumulativeAmount - claimed;
    }),
  );

task("status", "Prints devices (owner, class, cell, status, bond) and per account: balance, claimed, claimable")
  .addOptionalParam("outDir", "Folder of the oracle's epoch files, for claimable amounts", "out/epochs")
  .addOptionalParam("manifestDir", DEPLOYMENTS_HELP)
  .setAction(async (args: { outDir: string; manifestDir?: string }, hre) =>
    runTask("status", async () => {
      const system = await loadOperateSystem(hre, args.manifestDir);
      const { registry, staking, token, distributor, manifest } = system;
      const fromBlock = manifest.contracts.registry.blockNumber;
      const events = await registry.queryFilter(registry.filters.DeviceRegistered(), fromBlock);
      const devices = [];
      for (const event of events) {
        const deviceId = event.args.deviceId;
        const [record, owner, bond, active, unbonding] = await Promise.all([
          registry.device(deviceId),
          registry.deviceOwner(deviceId),
          staking.bondOf(deviceId),
          staking.isActive(deviceId),
          staking.unbondingOf(deviceId),
        ]);
        devices.push({
          device: hexId(deviceId),
          owner,
          class: Number(record.deviceClass),
          cell: h3IndexOf(record.cell),
          status: STATUS_NAMES[Number(record.status)],
          bond: tokens(bond),
          unbonding: tokens(unbonding.amount),
          active,
        });
      }
      console.log(`devices (${devices.length}):`);
      if (devices.length) console.table(devices);

      // Claimable: cumulative of the latest epoch files that match the chain, minus claimed.
      const next = Number(await distributor.nextEpochToPost());
      let cumulative: Record<string, { cumulativeAmount: string }> = {};
      let latestEpoch: number | undefined;
      for (let e = next - 1; e >= 0; e--) {
        const file = path.join(args.outDir, String(e), "proofs.json");
        if (!fs.existsSync(file)) continue;
        const proofs = readProofsFile(file);
        if (proofs.root === (await distributor.epochRoot(e))) {
          cumulative = proofs.claims;
          latestEpoch = e;
        }
        break;
      }
      const accounts = new Set<string>(
        [...devices.map((d) => d.owner), ...Object.keys(cumulative)].map((a) => a.toLowerCase()),
      );
      accounts.delete("0x0000000000000000000000000000000000000000");
      const rows = [];
      for (const lower of [...accounts].sort()) {
        const entry = Object.entries(cumulative).find(([a]) => a.toLowerCase() === lower);
        const account = entry?.[0] ?? devices.find((d) => d.owner.toLowerCase() === lower)!.owner;
        const posted = entry ? BigInt(entry[1].cumulativeAmount) : 0n;
        const claimed = await distributor.claimed(account);
        rows.push({
          account,
          balance: tokens(await token.balanceOf(account)),
          posted: tokens(posted),
          claimed: tokens(claimed),
          claimable: tokens(posted > claimed ? posted - claimed : 0n),
        });
      }
      console.log(`accounts (posted = cumulative through epoch ${latestEpoch ?? "-"}, from ${args.outDir}):`);
      if (rows.length) console.table(rows);
      return { devices, accounts: rows };
    }),
  );
