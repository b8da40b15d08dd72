/**
 * Gas of the protocol's main operations, each measured by a real transaction on the in-process Hardhat network
 * against the system deployed by the same Ignition module as `npx hardhat deploy` (local parameters: a 3-of-5
 * oracle set, no challenge window, no vesting). Used by `npm run gas` (full 2^20-leaf trees) and by the gas snapshot
 * test (depth-20 path trees: the same proofs' shape, built in a second).
 */
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { deploySystemFixture } from "./deploy/localSystem";
import { deviceRegistryDomain, signAttest, signRegister } from "../protocol/deviceSignatures";
import { type DistributorGas, type TreeKind, measureDistributorGas } from "./gasDistributor";

/** Gas of every measured operation, by name (the keys of `snapshots/operations.gas.json`). */
export interface OperationsGas extends DistributorGas {
  registerDevice: number;
  stake: number;
  requestUnstake: number;
  withdraw: number;
}

async function gasOf(sent: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await sent).wait();
  if (!receipt) throw new Error("transaction has no receipt");
  return Number(receipt.gasUsed);
}

/** Deploys the system and measures every operation once. */
export async function measureOperationsGas(
  options: { trees?: TreeKind; treeSize?: number; log?: (message: string) => void } = {},
): Promise<OperationsGas> {
  const system = await deploySystemFixture();
  const { registry, staking, token, controller, distributor, maker, treasury, parameters } = system;
  const [operator] = system.operators;

  // Epoch 0 is minted first so the treasury holds tokens to fund the operator's bond.
  const epochLength = BigInt(parameters.epochs.epochLength);
  const genesis = await controller.genesis();
  const endEpoch = async (epoch: number) => {
    const end = genesis + (BigInt(epoch) + 1n) * epochLength;
    if (BigInt(await time.latest()) < end) await time.increaseTo(end);
    while ((await controller.mintedEpochs()) <= BigInt(epoch))
      await controller.mintEpoch(await controller.mintedEpochs());
  };
  await endEpoch(0);

  const deviceKey = hre.ethers.Wallet.createRandom();
  const deviceClass = 0;
  const cell = 0x8a2a1072b59ffffn;
  const { chainId } = await hre.ethers.provider.getNetwork();
  const domain = deviceRegistryDomain(parameters.registry.name, chainId, await registry.getAddress());
  const deadline = BigInt(await time.latest()) + 3600n;
  const deviceSignature = await signRegister(deviceKey, domain, {
    owner: operator.address,
    deviceClass,
    cell,
    nonce: await registry.nonces(deviceKey.address),
    deadline,
  });
  const makerSignature = await signAttest(maker, domain, {
    deviceKey: deviceKey.address,
    deviceClass,
    makerGeneration: Number(await registry.makerGeneration(maker.address)),
  });
  const registerDevice = await gasOf(
    registry
      .connect(operator)
      .register(
        deviceKey.address,
        operator.address,
        deviceClass,
        cell,
        deadline,
        deviceSignature,
        maker.address,
        makerSignature,
      ),
  );
  const deviceId = await registry.deviceIdOf(deviceKey.address);

  const bond = await registry.minBond(deviceClass);
  await token.connect(treasury).transfer(operator.address, bond);
  await token.connect(operator).approve(await staking.getAddress(), bond);
  const stake = await gasOf(staking.connect(operator).stake(deviceId, bond));
  const requestUnstake = await gasOf(staking.connect(operator).requestUnstake(deviceId, bond));
  await time.increase(await staking.unbondingDelay());
  const withdraw = await gasOf(staking.connect(operator).withdraw(deviceId));

  const rewards = await measureDistributorGas({
    trees: options.trees,
    treeSize: options.treeSize,
    log: options.log,
    system: {
      distributor,
      sender: system.admin,
      oracleMembers: system.oracleMembers,
      prepareEpoch: async (epoch) => {
        await endEpoch(epoch);
        return distributor.fundingOf(epoch);
      },
    },
  });
  return { registerDevice, stake, requestUnstake, withdraw, ...rewards };
}
