import { expect } from "chai";
import { ethers } from "ethers";
import {
  ATTEST_TYPES,
  MOVE_TYPES,
  REGISTER_TYPES,
  deviceIdOf,
  deviceKeyOf,
  deviceRegistryDomain,
  signAttest,
  signMove,
  signRegister,
} from "../../protocol/deviceSignatures";

describe("protocol/deviceSignatures", function () {
  const device = new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes("device-0")));
  const maker = new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes("maker-1")));
  const domain = deviceRegistryDomain("DePIN Lab Devices", 31337n, "0x5FbDB2315678afecb367f032d93F642f64180aa3");

  it("signatures recover to the signer under the same domain, types and message", async function () {
    const register = { owner: maker.address, deviceClass: 1, cell: 0x881f1d4a9bfffffn, nonce: 0n, deadline: 10n };
    const signature = await signRegister(device, domain, register);
    expect(ethers.verifyTypedData(domain, REGISTER_TYPES, register, signature)).to.equal(device.address);
    const attest = { deviceKey: device.address, deviceClass: 1, makerGeneration: 2 };
    expect(ethers.verifyTypedData(domain, ATTEST_TYPES, attest, await signAttest(maker, domain, attest))).to.equal(
      maker.address,
    );
    const move = { deviceId: deviceIdOf(device.address), owner: maker.address, cell: 5n, nonce: 1n, deadline: 10n };
    expect(ethers.verifyTypedData(domain, MOVE_TYPES, move, await signMove(device, domain, move))).to.equal(
      device.address,
    );
    // Another chain id gives another signer.
    const otherChain = { ...domain, chainId: 1n };
    expect(ethers.verifyTypedData(otherChain, REGISTER_TYPES, register, signature)).to.not.equal(device.address);
  });

  it("deviceIdOf and deviceKeyOf are inverse", function () {
    const id = deviceIdOf(device.address);
    expect(id).to.equal(BigInt(device.address));
    expect(ethers.getAddress(deviceKeyOf(id))).to.equal(device.address);
    expect(deviceKeyOf(1n)).to.equal("0x0000000000000000000000000000000000000001");
  });

  describe("failure cases", function () {
    it("rejects malformed keys and out-of-range ids, naming the field", function () {
      expect(() => deviceIdOf("0x1234")).to.throw(TypeError, /deviceKey: expected a 20-byte hex address/);
      expect(() => deviceKeyOf(1n << 160n)).to.throw(RangeError, /deviceId: expected < 2\^160/);
      expect(() => deviceKeyOf(-1n)).to.throw(RangeError, /deviceId/);
    });

    it("rejects a class outside uint8 and a cell outside uint64, naming the field", async function () {
      const base = { owner: maker.address, deviceClass: 0, cell: 0n, nonce: 0n, deadline: 0n };
      await expect(signRegister(device, domain, { ...base, deviceClass: 256 })).to.be.rejectedWith(
        RangeError,
        /deviceClass: expected an integer in \[0, 255\], got 256/,
      );
      await expect(signRegister(device, domain, { ...base, cell: 1n << 64n })).to.be.rejectedWith(
        RangeError,
        /cell: expected a uint64/,
      );
      await expect(
        signAttest(maker, domain, { deviceKey: device.address, deviceClass: 1.5, makerGeneration: 0 }),
      ).to.be.rejectedWith(RangeError, /deviceClass/);
      await expect(
        signAttest(maker, domain, { deviceKey: device.address, deviceClass: 1, makerGeneration: -1 }),
      ).to.be.rejectedWith(RangeError, /makerGeneration/);
      await expect(
        signMove(device, domain, { deviceId: 1n, owner: maker.address, cell: -1n, nonce: 0n, deadline: 0n }),
      ).to.be.rejectedWith(RangeError, /cell/);
    });
  });
});
