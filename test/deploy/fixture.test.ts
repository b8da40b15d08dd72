import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deploySystemFixture } from "../fixtures/system";

describe("deploySystemFixture (smoke)", function () {
  it("deploys", async function () {
    const s = await loadFixture(deploySystemFixture);
    expect(await s.controller.token()).to.equal(s.addresses.token);
  });
});
