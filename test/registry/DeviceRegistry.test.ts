import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DeviceRegistry__factory, ReentrantReceiver__factory } from "../../typechain-types";
import {
  ATTEST_TYPES,
  MOVE_TYPES,
  REGISTER_TYPES,
  deviceIdOf,
  deviceKeyOf,
  deviceRegistryDomain,
  signRegister,
} from "../../protocol/deviceSignatures";
import {
  CELL_A,
  CELL_B,
  GPU,
  GPU_MIN_BOND,
  HOTSPOT,
  HOTSPOT_MIN_BOND,
  REGISTRY_NAME,
  REGISTRY_SYMBOL,
  SENSOR,
  buildMoveSignature,
  buildRegistration,
  deployRegistryStakingFixture,
  labelledWallet,
  registerDevice,
  sendRegistration,
  registrationCall,
} from "../fixtures/registryStaking";
import { expectGasAtMost, snapshotGas } from "../fixtures/gasSnapshot";

/** DeviceStatus enum of IDeviceRegistry. */
const Status = { None: 0n, Active: 1n, Suspended: 2n, Deregistered: 3n } as const;
/** A deadline far in the future (year 2096) for the gas-snapshot transactions. */
const FIXED_DEADLINE = 4_000_000_000n;

describe("DeviceRegistry", function () {
  describe("deployment", function () {
    it("sets name, symbol, admin and the EIP-712 domain (ERC-5267)", async function () {
      const { registry, admin, domain } = await loadFixture(deployRegistryStakingFixture);
      expect(await registry.name()).to.equal(REGISTRY_NAME);
      expect(await registry.symbol()).to.equal(REGISTRY_SYMBOL);
      expect(await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      const onChain = await registry.eip712Domain();
      expect(onChain.name).to.equal(domain.name);
      expect(onChain.version).to.equal(domain.version);
      expect(onChain.chainId).to.equal(domain.chainId);
      expect(onChain.verifyingContract).to.equal(domain.verifyingContract);
    });

    it("has typehashes equal to the TypeScript type definitions", async function () {
      const { registry } = await loadFixture(deployRegistryStakingFixture);
      const typeHash = (types: Record<string, { name: string; type: string }[]>, primary: string) =>
        ethers.keccak256(ethers.toUtf8Bytes(ethers.TypedDataEncoder.from(types).encodeType(primary)));
      expect(await registry.REGISTER_TYPEHASH()).to.equal(typeHash(REGISTER_TYPES, "Register"));
      expect(await registry.ATTEST_TYPEHASH()).to.equal(typeHash(ATTEST_TYPES, "Attest"));
      expect(await registry.MOVE_TYPEHASH()).to.equal(typeHash(MOVE_TYPES, "Move"));
    });

    it("supports ERC-165, ERC-721 and AccessControl interfaces", async function () {
      const { registry } = await loadFixture(deployRegistryStakingFixture);
      expect(await registry.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await registry.supportsInterface("0x80ac58cd")).to.equal(true);
      expect(await registry.supportsInterface("0x7965db0b")).to.equal(true);
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("#deviceIdOf", function () {
    it("is uint256(uint160(deviceKey)), matching the TypeScript helper both ways", async function () {
      const { registry, devices } = await loadFixture(deployRegistryStakingFixture);
      for (const device of devices.slice(0, 3)) {
        const id = await registry.deviceIdOf(device.address);
        expect(id).to.equal(BigInt(device.address));
        expect(id).to.equal(deviceIdOf(device.address));
        expect(ethers.getAddress(deviceKeyOf(id))).to.equal(device.address);
      }
    });
  });

  describe("#register", function () {
    it("mints the NFT to the owner, stores the device, consumes the nonce and emits (gas printed)", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const { registry, alice, devices, maker } = f;
      const device = devices[0];
      const id = deviceIdOf(device.address);
      // A fixed deadline keeps the calldata, and so the gas, independent of the clock.
      const args = await buildRegistration(f, device, alice.address, {
        deviceClass: GPU,
        cell: CELL_B,
        deadline: FIXED_DEADLINE,
      });
      const tx = sendRegistration(f, alice, args);
      await expect(tx)
        .to.emit(registry, "DeviceRegistered")
        .withArgs(id, alice.address, maker.address, GPU, CELL_B)
        .and.to.emit(registry, "Transfer")
        .withArgs(ethers.ZeroAddress, alice.address, id);
      expectGasAtMost(
        "register (owner's first device)",
        await snapshotGas("register (owner's first device)", tx),
        150_000n,
      );

      expect(await registry.ownerOf(id)).to.equal(alice.address);
      expect(await registry.deviceOwner(id)).to.equal(alice.address);
      expect(await registry.status(id)).to.equal(Status.Active);
      expect(await registry.deviceClassOf(id)).to.equal(GPU);
      expect(await registry.cellOf(id)).to.equal(CELL_B);
      expect(await registry.nonces(device.address)).to.equal(1n);
      const record = await registry.device(id);
      expect(record.ownerAtDeregistration).to.equal(ethers.ZeroAddress);
      expect(record.status).to.equal(Status.Active);

      // A second device of the same owner (warm balance slot).
      const further = await buildRegistration(f, devices[1], alice.address, { deadline: FIXED_DEADLINE });
      const tx2 = sendRegistration(f, alice, further);
      expectGasAtMost(
        "register (owner's further device)",
        await snapshotGas("register (owner's further device)", tx2),
        150_000n,
      );
      expect(await registry.balanceOf(alice.address)).to.equal(2n);
    });

    it("lets a relayer submit; the NFT goes to the owner the device signed", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const { registry, alice, relayer, devices } = f;
      const args = await buildRegistration(f, devices[0], alice.address);
      await sendRegistration(f, relayer, args);
      expect(await registry.ownerOf(deviceIdOf(devices[0].address))).to.equal(alice.address);
      expect(await registry.balanceOf(relayer.address)).to.equal(0n);
    });

    it("mints to a contract owner that implements onERC721Received", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const receiver = await new ReentrantReceiver__factory(f.admin).deploy();
      const args = await buildRegistration(f, f.devices[0], await receiver.getAddress());
      await sendRegistration(f, f.relayer, args);
      expect(await f.registry.ownerOf(deviceIdOf(f.devices[0].address))).to.equal(await receiver.getAddress());
    });

    describe("failure cases", function () {
      it("fails if paused", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        await f.registry.connect(f.pauser).pause();
        const args = await buildRegistration(f, f.devices[0], f.alice.address);
        await expect(sendRegistration(f, f.alice, args)).to.be.revertedWithCustomError(f.registry, "EnforcedPause");
      });

      it("fails if the deadline has passed", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const deadline = BigInt(await time.latest()) + 60n;
        const args = await buildRegistration(f, f.devices[0], f.alice.address, { deadline });
        await time.setNextBlockTimestamp(deadline + 1n);
        await expect(sendRegistration(f, f.alice, args))
          .to.be.revertedWithCustomError(f.registry, "RegistrySignatureExpired")
          .withArgs(deadline, deadline + 1n);
      });

      it("accepts a registration exactly at the deadline", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const deadline = BigInt(await time.latest()) + 60n;
        const args = await buildRegistration(f, f.devices[0], f.alice.address, { deadline });
        await time.setNextBlockTimestamp(deadline);
        await expect(sendRegistration(f, f.alice, args)).to.emit(f.registry, "DeviceRegistered");
      });

      it("fails if the class is disabled or was never configured", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        for (const deviceClass of [SENSOR, 7]) {
          const args = await buildRegistration(f, f.devices[0], f.alice.address, { deviceClass });
          await expect(sendRegistration(f, f.alice, args))
            .to.be.revertedWithCustomError(f.registry, "RegistryClassDisabled")
            .withArgs(deviceClass);
        }
      });

      it("fails if the maker was never approved", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const args = await buildRegistration(f, f.devices[0], f.alice.address, { maker: f.otherMaker });
        await expect(sendRegistration(f, f.alice, args))
          .to.be.revertedWithCustomError(f.registry, "RegistryMakerNotApproved")
          .withArgs(f.otherMaker.address);
      });

      it("fails if the maker was revoked, even for an attestation signed before the revocation", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const before = await registerDevice(f, f.devices[0], f.alice);
        const args = await buildRegistration(f, f.devices[1], f.alice.address);
        await f.registry.connect(f.admin).revokeMaker(f.maker.address);
        await expect(sendRegistration(f, f.alice, args))
          .to.be.revertedWithCustomError(f.registry, "RegistryMakerNotApproved")
          .withArgs(f.maker.address);
        // Devices it attested earlier stay registered.
        expect(await f.registry.status(before)).to.equal(Status.Active);
      });

      it("fails if the attestation is signed by another key than the named maker", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const forged = await buildRegistration(f, f.devices[0], f.alice.address, { maker: f.otherMaker });
        const args = { ...forged, maker: f.maker.address };
        await expect(sendRegistration(f, f.alice, args))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidMakerSignature")
          .withArgs(f.maker.address);
      });

      it("fails if the attestation is for another device class or another device", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const asHotspot = await buildRegistration(f, f.devices[0], f.alice.address, { deviceClass: HOTSPOT });
        const asGpu = await buildRegistration(f, f.devices[0], f.alice.address, { deviceClass: GPU });
        await expect(sendRegistration(f, f.alice, { ...asGpu, makerSignature: asHotspot.makerSignature }))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidMakerSignature")
          .withArgs(f.maker.address);
        const other = await buildRegistration(f, f.devices[1], f.alice.address);
        await expect(sendRegistration(f, f.alice, { ...asHotspot, makerSignature: other.makerSignature }))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidMakerSignature")
          .withArgs(f.maker.address);
      });

      it("fails if the attestation was made for another registry", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const otherDomain = deviceRegistryDomain(REGISTRY_NAME, f.domain.chainId, f.bob.address);
        const args = await buildRegistration(f, f.devices[0], f.alice.address, { makerDomain: otherDomain });
        await expect(sendRegistration(f, f.alice, args))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidMakerSignature")
          .withArgs(f.maker.address);
      });

      it("fails if the same signatures are submitted twice (replay)", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const args = await buildRegistration(f, f.devices[0], f.alice.address);
        await sendRegistration(f, f.alice, args);
        await expect(sendRegistration(f, f.relayer, args))
          .to.be.revertedWithCustomError(f.registry, "RegistryDeviceAlreadyRegistered")
          .withArgs(deviceIdOf(f.devices[0].address), Status.Active);
      });

      it("fails for a deregistered device key, even with a fresh signature (deregistration is terminal)", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        await f.registry.connect(f.alice).deregister(id);
        const fresh = await buildRegistration(f, f.devices[0], f.bob.address);
        await expect(sendRegistration(f, f.bob, fresh))
          .to.be.revertedWithCustomError(f.registry, "RegistryDeviceAlreadyRegistered")
          .withArgs(id, Status.Deregistered);
      });

      it("fails if a front-runner binds someone else's device signature to itself", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const args = await buildRegistration(f, f.devices[0], f.alice.address);
        // The attacker copies the signatures from the mempool but names itself as owner.
        await expect(sendRegistration(f, f.bob, { ...args, owner: f.bob.address }))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidDeviceSignature")
          .withArgs(f.devices[0].address);
        // Submitting it unchanged only registers the device to the signed owner.
        await sendRegistration(f, f.bob, args);
        expect(await f.registry.ownerOf(deviceIdOf(f.devices[0].address))).to.equal(f.alice.address);
      });

      it("fails for a signature made for another chain id", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const otherChain = deviceRegistryDomain(REGISTRY_NAME, f.domain.chainId + 1n, f.domain.verifyingContract);
        const args = await buildRegistration(f, f.devices[0], f.alice.address, {
          domain: otherChain,
          makerDomain: f.domain,
        });
        await expect(sendRegistration(f, f.alice, args))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidDeviceSignature")
          .withArgs(f.devices[0].address);
      });

      it("fails for a signature made for another registry (and works on that registry)", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const other = await new DeviceRegistry__factory(f.admin).deploy(
          REGISTRY_NAME,
          REGISTRY_SYMBOL,
          f.admin.address,
        );
        await other.setDeviceClass(HOTSPOT, 10_000, HOTSPOT_MIN_BOND, true);
        await other.approveMaker(f.maker.address);
        const otherDomain = deviceRegistryDomain(REGISTRY_NAME, f.domain.chainId, await other.getAddress());
        const args = await buildRegistration(f, f.devices[0], f.alice.address, { domain: otherDomain });
        await expect(
          sendRegistration(f, f.alice, {
            ...args,
            makerSignature: (await buildRegistration(f, f.devices[0], f.alice.address)).makerSignature,
          }),
        )
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidDeviceSignature")
          .withArgs(f.devices[0].address);
        await expect(other.connect(f.alice).register(...registrationCall(args))).to.emit(other, "DeviceRegistered");
      });

      it("fails for a wrong nonce, tampered fields, another key's signature, or a malformed signature", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const device = f.devices[0];
        const good = await buildRegistration(f, device, f.alice.address);
        const wrongNonce = await buildRegistration(f, device, f.alice.address, { nonce: 1n });
        const otherKey = await signRegister(labelledWallet("not-the-device"), f.domain, {
          owner: f.alice.address,
          deviceClass: good.deviceClass,
          cell: good.cell,
          nonce: 0n,
          deadline: good.deadline,
        });
        const bad = [
          wrongNonce,
          { ...good, cell: CELL_B },
          { ...good, deadline: good.deadline + 1n },
          { ...good, deviceSignature: otherKey },
          { ...good, deviceSignature: good.deviceSignature.slice(0, 130) }, // 64 bytes
          { ...good, deviceSignature: "0x" },
        ];
        for (const args of bad) {
          await expect(sendRegistration(f, f.alice, args))
            .to.be.revertedWithCustomError(f.registry, "RegistryInvalidDeviceSignature")
            .withArgs(device.address);
        }
        // A device key of zero never verifies.
        await expect(sendRegistration(f, f.alice, { ...good, deviceKey: ethers.ZeroAddress }))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidDeviceSignature")
          .withArgs(ethers.ZeroAddress);
        expect(await f.registry.nonces(device.address)).to.equal(0n);
      });

      it("fails for an owner that cannot receive ERC-721 tokens", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const zero = await buildRegistration(f, f.devices[0], ethers.ZeroAddress);
        await expect(sendRegistration(f, f.alice, zero))
          .to.be.revertedWithCustomError(f.registry, "ERC721InvalidReceiver")
          .withArgs(ethers.ZeroAddress);
        const tokenAddress = await f.token.getAddress();
        const contract = await buildRegistration(f, f.devices[0], tokenAddress);
        await expect(sendRegistration(f, f.alice, contract))
          .to.be.revertedWithCustomError(f.registry, "ERC721InvalidReceiver")
          .withArgs(tokenAddress);
      });
    });
  });

  describe("#moveDevice", function () {
    it("moves the device with a fresh device signature and consumes the nonce", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const id = await registerDevice(f, f.devices[0], f.alice);
      const deadline = FIXED_DEADLINE;
      const signature = await buildMoveSignature(f, f.devices[0], CELL_B, deadline);
      const tx = f.registry.connect(f.alice).moveDevice(id, CELL_B, deadline, signature);
      await expect(tx).to.emit(f.registry, "DeviceMoved").withArgs(id, CELL_A, CELL_B);
      await snapshotGas("moveDevice", tx);
      expect(await f.registry.cellOf(id)).to.equal(CELL_B);
      expect(await f.registry.nonces(f.devices[0].address)).to.equal(2n);
    });

    it("lets the new owner move a transferred device; the old owner cannot", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const id = await registerDevice(f, f.devices[0], f.alice);
      await f.registry.connect(f.alice).transferFrom(f.alice.address, f.bob.address, id);
      const deadline = BigInt(await time.latest()) + 600n;
      const signature = await buildMoveSignature(f, f.devices[0], CELL_B, deadline);
      await expect(f.registry.connect(f.alice).moveDevice(id, CELL_B, deadline, signature))
        .to.be.revertedWithCustomError(f.registry, "RegistryNotDeviceOwner")
        .withArgs(id, f.alice.address, f.bob.address);
      await expect(f.registry.connect(f.bob).moveDevice(id, CELL_B, deadline, signature)).to.emit(
        f.registry,
        "DeviceMoved",
      );
    });

    describe("failure cases", function () {
      it("fails if a used move signature is replayed", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        const deadline = BigInt(await time.latest()) + 600n;
        const toB = await buildMoveSignature(f, f.devices[0], CELL_B, deadline);
        await f.registry.connect(f.alice).moveDevice(id, CELL_B, deadline, toB);
        const toA = await buildMoveSignature(f, f.devices[0], CELL_A, deadline);
        await f.registry.connect(f.alice).moveDevice(id, CELL_A, deadline, toA);
        await expect(f.registry.connect(f.alice).moveDevice(id, CELL_B, deadline, toB))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidDeviceSignature")
          .withArgs(f.devices[0].address);
      });

      it("fails for a signature for another chain, another registry, another cell or another device", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        await registerDevice(f, f.devices[1], f.alice);
        const deadline = BigInt(await time.latest()) + 600n;
        const { chainId, verifyingContract } = f.domain;
        const signatures = [
          await buildMoveSignature(f, f.devices[0], CELL_B, deadline, {
            domain: deviceRegistryDomain(REGISTRY_NAME, chainId + 1n, verifyingContract),
          }),
          await buildMoveSignature(f, f.devices[0], CELL_B, deadline, {
            domain: deviceRegistryDomain(REGISTRY_NAME, chainId, f.bob.address),
          }),
          await buildMoveSignature(f, f.devices[0], CELL_B + 1n, deadline),
          await buildMoveSignature(f, f.devices[1], CELL_B, deadline),
        ];
        for (const signature of signatures) {
          await expect(f.registry.connect(f.alice).moveDevice(id, CELL_B, deadline, signature))
            .to.be.revertedWithCustomError(f.registry, "RegistryInvalidDeviceSignature")
            .withArgs(f.devices[0].address);
        }
      });

      it("fails if the caller is not the owner or the device does not exist", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        const deadline = BigInt(await time.latest()) + 600n;
        const signature = await buildMoveSignature(f, f.devices[0], CELL_B, deadline);
        await expect(f.registry.connect(f.bob).moveDevice(id, CELL_B, deadline, signature))
          .to.be.revertedWithCustomError(f.registry, "RegistryNotDeviceOwner")
          .withArgs(id, f.bob.address, f.alice.address);
        const unknown = deviceIdOf(f.devices[5].address);
        await expect(f.registry.connect(f.bob).moveDevice(unknown, CELL_B, deadline, signature))
          .to.be.revertedWithCustomError(f.registry, "RegistryNotDeviceOwner")
          .withArgs(unknown, f.bob.address, ethers.ZeroAddress);
      });

      it("fails if the device is suspended", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        await f.registry.connect(f.fraud).suspend(id, 1);
        const deadline = BigInt(await time.latest()) + 600n;
        const signature = await buildMoveSignature(f, f.devices[0], CELL_B, deadline);
        await expect(f.registry.connect(f.alice).moveDevice(id, CELL_B, deadline, signature))
          .to.be.revertedWithCustomError(f.registry, "RegistryDeviceNotActive")
          .withArgs(id, Status.Suspended);
      });

      it("fails if the cell is unchanged", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        const deadline = BigInt(await time.latest()) + 600n;
        const signature = await buildMoveSignature(f, f.devices[0], CELL_A, deadline);
        await expect(f.registry.connect(f.alice).moveDevice(id, CELL_A, deadline, signature))
          .to.be.revertedWithCustomError(f.registry, "RegistryCellUnchanged")
          .withArgs(id, CELL_A);
      });

      it("fails if the deadline has passed", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        const deadline = BigInt(await time.latest()) + 600n;
        const signature = await buildMoveSignature(f, f.devices[0], CELL_B, deadline);
        await time.setNextBlockTimestamp(deadline + 5n);
        await expect(f.registry.connect(f.alice).moveDevice(id, CELL_B, deadline, signature))
          .to.be.revertedWithCustomError(f.registry, "RegistrySignatureExpired")
          .withArgs(deadline, deadline + 5n);
      });
    });
  });

  describe("#suspend / #unsuspend", function () {
    it("suspends and unsuspends with events (FRAUD_ROLE)", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const id = await registerDevice(f, f.devices[0], f.alice);
      await expect(f.registry.connect(f.fraud).suspend(id, 42))
        .to.emit(f.registry, "DeviceSuspended")
        .withArgs(id, 42, f.fraud.address);
      expect(await f.registry.status(id)).to.equal(Status.Suspended);
      // The NFT still exists and can be transferred while suspended.
      expect(await f.registry.ownerOf(id)).to.equal(f.alice.address);
      await expect(f.registry.connect(f.fraud).unsuspend(id))
        .to.emit(f.registry, "DeviceUnsuspended")
        .withArgs(id, f.fraud.address);
      expect(await f.registry.status(id)).to.equal(Status.Active);
    });

    describe("failure cases", function () {
      it("fails without FRAUD_ROLE (the admin does not hold it)", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        const role = await f.registry.FRAUD_ROLE();
        await expect(f.registry.connect(f.admin).suspend(id, 1))
          .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
          .withArgs(f.admin.address, role);
        await f.registry.connect(f.fraud).suspend(id, 1);
        await expect(f.registry.connect(f.alice).unsuspend(id))
          .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
          .withArgs(f.alice.address, role);
      });

      it("fails to suspend a device that is not active", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        const unknown = deviceIdOf(f.devices[5].address);
        await expect(f.registry.connect(f.fraud).suspend(unknown, 1))
          .to.be.revertedWithCustomError(f.registry, "RegistryDeviceNotActive")
          .withArgs(unknown, Status.None);
        await f.registry.connect(f.fraud).suspend(id, 1);
        await expect(f.registry.connect(f.fraud).suspend(id, 2))
          .to.be.revertedWithCustomError(f.registry, "RegistryDeviceNotActive")
          .withArgs(id, Status.Suspended);
      });

      it("fails to unsuspend a device that is not suspended", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        await expect(f.registry.connect(f.fraud).unsuspend(id))
          .to.be.revertedWithCustomError(f.registry, "RegistryDeviceNotSuspended")
          .withArgs(id, Status.Active);
        await f.registry.connect(f.alice).deregister(id);
        await expect(f.registry.connect(f.fraud).unsuspend(id))
          .to.be.revertedWithCustomError(f.registry, "RegistryDeviceNotSuspended")
          .withArgs(id, Status.Deregistered);
      });
    });
  });

  describe("#deregister", function () {
    it("burns the NFT and records the owner at deregistration", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const id = await registerDevice(f, f.devices[0], f.alice);
      await f.registry.connect(f.alice).transferFrom(f.alice.address, f.bob.address, id);
      const tx = f.registry.connect(f.bob).deregister(id);
      await expect(tx)
        .to.emit(f.registry, "DeviceDeregistered")
        .withArgs(id, f.bob.address)
        .and.to.emit(f.registry, "Transfer")
        .withArgs(f.bob.address, ethers.ZeroAddress, id);
      await snapshotGas("deregister", tx);
      expect(await f.registry.status(id)).to.equal(Status.Deregistered);
      expect(await f.registry.deviceOwner(id)).to.equal(f.bob.address);
      expect((await f.registry.device(id)).ownerAtDeregistration).to.equal(f.bob.address);
      expect(await f.registry.balanceOf(f.bob.address)).to.equal(0n);
      await expect(f.registry.ownerOf(id))
        .to.be.revertedWithCustomError(f.registry, "ERC721NonexistentToken")
        .withArgs(id);
      // Class and last cell stay readable.
      expect(await f.registry.deviceClassOf(id)).to.equal(HOTSPOT);
      expect(await f.registry.cellOf(id)).to.equal(CELL_A);
    });

    describe("failure cases", function () {
      it("fails if the caller is not the owner, or the device is already deregistered", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        await expect(f.registry.connect(f.bob).deregister(id))
          .to.be.revertedWithCustomError(f.registry, "RegistryNotDeviceOwner")
          .withArgs(id, f.bob.address, f.alice.address);
        await f.registry.connect(f.alice).deregister(id);
        await expect(f.registry.connect(f.alice).deregister(id))
          .to.be.revertedWithCustomError(f.registry, "RegistryNotDeviceOwner")
          .withArgs(id, f.alice.address, ethers.ZeroAddress);
      });

      it("fails while suspended (the bond must stay slashable)", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const id = await registerDevice(f, f.devices[0], f.alice);
        await f.registry.connect(f.fraud).suspend(id, 7);
        await expect(f.registry.connect(f.alice).deregister(id))
          .to.be.revertedWithCustomError(f.registry, "RegistryDeviceNotActive")
          .withArgs(id, Status.Suspended);
      });
    });
  });

  describe("#approveMaker / #revokeMaker", function () {
    it("approves and revokes with events; a re-approved maker works again", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      await expect(f.registry.connect(f.admin).approveMaker(f.otherMaker.address))
        .to.emit(f.registry, "MakerApproved")
        .withArgs(f.otherMaker.address, 0);
      expect(await f.registry.isApprovedMaker(f.otherMaker.address)).to.equal(true);
      await expect(f.registry.connect(f.admin).revokeMaker(f.otherMaker.address))
        .to.emit(f.registry, "MakerRevoked")
        .withArgs(f.otherMaker.address, 1);
      expect(await f.registry.isApprovedMaker(f.otherMaker.address)).to.equal(false);
      expect(await f.registry.makerGeneration(f.otherMaker.address)).to.equal(1);
      await expect(f.registry.connect(f.admin).approveMaker(f.otherMaker.address))
        .to.emit(f.registry, "MakerApproved")
        .withArgs(f.otherMaker.address, 1);
      await registerDevice(f, f.devices[0], f.alice, { maker: f.otherMaker });
    });

    describe("failure cases", function () {
      it("fails without DEFAULT_ADMIN_ROLE", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const role = await f.registry.DEFAULT_ADMIN_ROLE();
        await expect(f.registry.connect(f.pauser).approveMaker(f.otherMaker.address))
          .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
          .withArgs(f.pauser.address, role);
        await expect(f.registry.connect(f.fraud).revokeMaker(f.maker.address))
          .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
          .withArgs(f.fraud.address, role);
      });

      it("fails to approve zero or an approved maker, or to revoke one not approved", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        await expect(f.registry.connect(f.admin).approveMaker(ethers.ZeroAddress)).to.be.revertedWithCustomError(
          f.registry,
          "RegistryMakerZeroAddress",
        );
        await expect(f.registry.connect(f.admin).approveMaker(f.maker.address))
          .to.be.revertedWithCustomError(f.registry, "RegistryMakerAlreadyApproved")
          .withArgs(f.maker.address);
        await expect(f.registry.connect(f.admin).revokeMaker(f.otherMaker.address))
          .to.be.revertedWithCustomError(f.registry, "RegistryMakerNotApproved")
          .withArgs(f.otherMaker.address);
      });
    });
  });

  describe("#setDeviceClass", function () {
    it("sets weight, minimum bond and enabled flag with an event", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      await expect(f.registry.connect(f.admin).setDeviceClass(9, 15_000, 5n, true))
        .to.emit(f.registry, "DeviceClassSet")
        .withArgs(9, 15_000, 5n, true);
      const config = await f.registry.classConfig(9);
      expect(config.rewardWeightBps).to.equal(15_000n);
      expect(config.minBond).to.equal(5n);
      expect(config.enabled).to.equal(true);
      expect(await f.registry.minBond(9)).to.equal(5n);
      expect(await f.registry.classWeightBps(9)).to.equal(15_000n);
      expect(await f.registry.minBond(GPU)).to.equal(GPU_MIN_BOND);
      expect(await f.registry.classWeightBps(GPU)).to.equal(30_000n);
      // The maximum weight is accepted.
      await f.registry.connect(f.admin).setDeviceClass(9, await f.registry.MAX_CLASS_WEIGHT_BPS(), 5n, true);
    });

    it("disabling a class refuses new devices but keeps existing ones", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const id = await registerDevice(f, f.devices[0], f.alice, { deviceClass: GPU });
      await f.registry.connect(f.admin).setDeviceClass(GPU, 30_000, GPU_MIN_BOND, false);
      expect(await f.registry.status(id)).to.equal(Status.Active);
      const args = await buildRegistration(f, f.devices[1], f.alice.address, { deviceClass: GPU });
      await expect(sendRegistration(f, f.alice, args))
        .to.be.revertedWithCustomError(f.registry, "RegistryClassDisabled")
        .withArgs(GPU);
    });

    describe("failure cases", function () {
      it("fails without DEFAULT_ADMIN_ROLE", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        await expect(f.registry.connect(f.alice).setDeviceClass(9, 10_000, 0, true))
          .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
          .withArgs(f.alice.address, await f.registry.DEFAULT_ADMIN_ROLE());
      });

      it("fails for a weight of zero or above the maximum", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const max = await f.registry.MAX_CLASS_WEIGHT_BPS();
        for (const weight of [0n, max + 1n]) {
          await expect(f.registry.connect(f.admin).setDeviceClass(9, weight, 0, true))
            .to.be.revertedWithCustomError(f.registry, "RegistryClassWeightOutOfRange")
            .withArgs(9, weight, max);
        }
      });

      it("fails for a no-op", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        await expect(f.registry.connect(f.admin).setDeviceClass(HOTSPOT, 10_000, HOTSPOT_MIN_BOND, true))
          .to.be.revertedWithCustomError(f.registry, "RegistryClassUnchanged")
          .withArgs(HOTSPOT);
      });
    });
  });

  describe("#pause / #unpause", function () {
    it("pauses and unpauses registration (PAUSER_ROLE); other functions keep working", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const id = await registerDevice(f, f.devices[0], f.alice);
      await expect(f.registry.connect(f.pauser).pause()).to.emit(f.registry, "Paused").withArgs(f.pauser.address);
      expect(await f.registry.paused()).to.equal(true);
      await f.registry.connect(f.fraud).suspend(id, 1);
      await f.registry.connect(f.fraud).unsuspend(id);
      await f.registry.connect(f.alice).transferFrom(f.alice.address, f.bob.address, id);
      await expect(f.registry.connect(f.pauser).unpause()).to.emit(f.registry, "Unpaused").withArgs(f.pauser.address);
      await registerDevice(f, f.devices[1], f.alice);
    });

    describe("failure cases", function () {
      it("fails without PAUSER_ROLE (the admin does not hold it)", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        const role = await f.registry.PAUSER_ROLE();
        await expect(f.registry.connect(f.admin).pause())
          .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
          .withArgs(f.admin.address, role);
        await f.registry.connect(f.pauser).pause();
        await expect(f.registry.connect(f.admin).unpause())
          .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
          .withArgs(f.admin.address, role);
      });

      it("fails to pause twice or unpause when not paused", async function () {
        const f = await loadFixture(deployRegistryStakingFixture);
        await expect(f.registry.connect(f.pauser).unpause()).to.be.revertedWithCustomError(f.registry, "ExpectedPause");
        await f.registry.connect(f.pauser).pause();
        await expect(f.registry.connect(f.pauser).pause()).to.be.revertedWithCustomError(f.registry, "EnforcedPause");
      });
    });
  });

  describe("views", function () {
    it("return zero values for an unknown device", async function () {
      const { registry, devices } = await loadFixture(deployRegistryStakingFixture);
      const id = deviceIdOf(devices[7].address);
      expect(await registry.deviceOwner(id)).to.equal(ethers.ZeroAddress);
      expect(await registry.status(id)).to.equal(Status.None);
      expect(await registry.deviceClassOf(id)).to.equal(0n);
      expect(await registry.cellOf(id)).to.equal(0n);
    });

    it("deviceOwner follows NFT transfers", async function () {
      const f = await loadFixture(deployRegistryStakingFixture);
      const id = await registerDevice(f, f.devices[0], f.alice);
      await expect(f.registry.connect(f.alice).transferFrom(f.alice.address, f.bob.address, id))
        .to.emit(f.registry, "Transfer")
        .withArgs(f.alice.address, f.bob.address, id);
      expect(await f.registry.deviceOwner(id)).to.equal(f.bob.address);
    });
  });
});
