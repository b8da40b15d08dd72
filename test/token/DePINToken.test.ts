import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { DePINToken } from "../../typechain-types";

const CAP = ethers.parseEther("1000");

async function deployTokenFixture() {
  const [minter, alice, bob] = await ethers.getSigners();
  const token = (await ethers.deployContract("DePINToken", ["DePIN", "DPN", CAP])) as unknown as DePINToken;
  return { token, minter, alice, bob };
}

describe("DePINToken", () => {
  describe("#constructor", () => {
    it("fixes the minter to the deployer and the cap", async () => {
      const { token, minter } = await loadFixture(deployTokenFixture);
      expect(await token.minter()).to.equal(minter.address);
      expect(await token.cap()).to.equal(CAP);
      expect(await token.totalSupply()).to.equal(0n);
    });

    it("fails if the cap is zero", async () => {
      const factory = await ethers.getContractFactory("DePINToken");
      await expect(factory.deploy("DePIN", "DPN", 0n))
        .to.be.revertedWithCustomError(factory, "ERC20InvalidCap")
        .withArgs(0n);
    });
  });

  describe("#mint", () => {
    it("mints up to the cap", async () => {
      const { token, alice } = await loadFixture(deployTokenFixture);
      await expect(token.mint(alice.address, CAP)).to.changeTokenBalance(token, alice, CAP);
    });

    it("fails if the caller is not the minter", async () => {
      const { token, minter, alice } = await loadFixture(deployTokenFixture);
      await expect(token.connect(alice).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenUnauthorizedMinter")
        .withArgs(alice.address, minter.address);
    });

    it("fails if the supply would pass the cap", async () => {
      const { token, alice } = await loadFixture(deployTokenFixture);
      await token.mint(alice.address, CAP - 1n);
      await expect(token.mint(alice.address, 2n))
        .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
    });
  });

  describe("#burn", () => {
    it("burns own tokens and frees room under the cap", async () => {
      const { token, alice } = await loadFixture(deployTokenFixture);
      await token.mint(alice.address, CAP);
      await token.connect(alice).burn(10n);
      expect(await token.totalSupply()).to.equal(CAP - 10n);
      await expect(token.mint(alice.address, 10n)).to.not.be.reverted;
    });

    it("burns from an allowance", async () => {
      const { token, alice, bob } = await loadFixture(deployTokenFixture);
      await token.mint(alice.address, 100n);
      await token.connect(alice).approve(bob.address, 40n);
      await expect(token.connect(bob).burnFrom(alice.address, 40n)).to.changeTokenBalance(token, alice, -40n);
      await expect(token.connect(bob).burnFrom(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(bob.address, 0n, 1n);
    });
  });

  describe("#permit", () => {
    it("accepts an EIP-2612 permit; carries no votes (no ERC20Votes transfer hook)", async () => {
      const { token, alice, bob } = await loadFixture(deployTokenFixture);
      await token.mint(alice.address, 500n);
      const deadline = 2n ** 40n;
      const { chainId } = await ethers.provider.getNetwork();
      const signature = await alice.signTypedData(
        { name: "DePIN", version: "1", chainId, verifyingContract: await token.getAddress() },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        { owner: alice.address, spender: bob.address, value: 123n, nonce: 0n, deadline },
      );
      const { v, r, s } = ethers.Signature.from(signature);
      await token.permit(alice.address, bob.address, 123n, deadline, v, r, s);
      expect(await token.allowance(alice.address, bob.address)).to.equal(123n);
      expect(await token.nonces(alice.address)).to.equal(1n);

      expect((token as unknown as Record<string, unknown>).delegate).to.equal(undefined);
    });
  });
});
