/**
 * The oracle and operate tasks in-process (`hre.run`) on the Hardhat network, deployed through the `deploy` task:
 * happy paths, and every refusal: clear message naming the argument, rejected promise, no transaction sent, no file
 * left behind.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { HDNodeWallet, Mnemonic, ethers, parseUnits } from "ethers";
import { loadSystem } from "../../scripts/deploy/manifest";
import { DEMO_DEVICES, demoCell, demoDeviceKey, demoReportsCsv, expectedCumulative } from "../../scripts/demo/scenario";
import { economicsOf } from "../../scripts/demo/steps";
import { loadDeployParameters } from "../../scripts/deploy/parameters";
import { computeEpochRewards } from "../../scripts/oracle/compute";
import { readRewardsCsv } from "../../scripts/oracle/outputs";
import { readWorkReports } from "../../scripts/oracle/reports";
import { emission, splitEmission } from "../../protocol/emission";
import { buildRewardTree } from "../../protocol/merkle";

/** The private key of Hardhat's dev account #1 (the first oracle member of the local parameter file). */
const ONE_ORACLE_KEY = HDNodeWallet.fromMnemonic(
  Mnemonic.fromPhrase("test test test test test test test test test test test junk"),
  "m/44'/60'/0'/0/1",
).privateKey;
/** A key that is in no role. */
const STRANGER_KEY = ethers.id("not an oracle member");
const PARAMETERS = path.join(__dirname, "..", "..", "ignition", "parameters", "hardhat.json");
const DEVICES = DEMO_DEVICES.slice(0, 3); // alice: hotspot + sensor (same cell); bob: one sensor

async function tasksFixture() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-tasks-"));
  const manifestDir = path.join(root, "deployments");
  await hre.run("deploy", { parameters: PARAMETERS, manifestDir, journal: path.join(root, "ignition"), quiet: true });
  const system = await loadSystem(hre, { dir: manifestDir });
  const signers = await hre.ethers.getSigners();
  const [deployer, oracle] = signers;
  const operators = signers.slice(7, 9);
  const treasury = await hre.ethers.getSigner(await system.controller.treasury());
  await hre.run("epoch:mint", { epoch: "0", manifestDir });
  const keyDir = path.join(root, "keys");
  fs.mkdirSync(keyDir);
  const keyFiles: string[] = [];
  for (const device of DEVICES) {
    const operator = operators[device.operator];
    await system.token.connect(treasury).transfer(operator.address, parseUnits(device.bond, 18));
    const key = demoDeviceKey(device.label);
    const keyFile = path.join(keyDir, `${device.label}.json`);
    fs.writeFileSync(keyFile, JSON.stringify({ address: key.address, privateKey: key.privateKey }));
    keyFiles.push(keyFile);
    await hre.run("device:register", {
      class: String(device.deviceClass),
      cell: demoCell(device).toString(),
      keyFile,
      from: operator.address,
      bond: device.bond,
      manifestDir,
    });
  }
  // Spare tokens for stake tests.
  await system.token.connect(treasury).transfer(operators[1].address, parseUnits("20", 18));
  const reports = path.join(root, "epoch-0.csv");
  fs.writeFileSync(reports, demoReportsCsv(0, DEVICES));
  return { root, manifestDir, system, deployer, oracle, operators, treasury, keyFiles, reports };
}

describe("oracle and operate tasks (in-process)", function () {
  let outDir: string;
  let tmp: string;
  beforeEach(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-out-"));
    outDir = path.join(tmp, "epochs");
  });
  afterEach(function () {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Expects the task to be refused with `pattern`, no block mined (nothing sent) and no epoch files written. */
  async function expectRefused(run: () => Promise<unknown>, pattern: RegExp) {
    const block = await hre.ethers.provider.getBlockNumber();
    await expect(run()).to.be.rejectedWith(pattern);
    expect(await hre.ethers.provider.getBlockNumber(), "a transaction was sent").to.equal(block);
    expect(fs.existsSync(outDir) ? fs.readdirSync(outDir) : [], "files were written").to.deep.equal([]);
  }

  async function endEpoch(system: Awaited<ReturnType<typeof tasksFixture>>["system"], epoch: number) {
    await time.increaseTo(await system.controller.epochStart(epoch + 1));
  }

  describe("epoch:post", function () {
    it("posts the root of the protocol/ rewards, writes the files, and a re-run changes nothing", async function () {
      const f = await loadFixture(tasksFixture);
      await endEpoch(f.system, 0);
      const status = await hre.run("epoch:post", {
        epoch: "0",
        reports: f.reports,
        outDir,
        manifestDir: f.manifestDir,
      });
      expect(status).to.equal("posted");
      const expected = expectedCumulative(economicsOf(loadDeployParameters(PARAMETERS)), 0, DEVICES);
      const leaves = readRewardsCsv(path.join(outDir, "0", "rewards.csv"));
      expect(leaves.map((l) => l.cumulativeAmount)).to.have.members(expected.perOperator.filter((x) => x > 0n));
      expect(await f.system.distributor.epochRoot(0)).to.equal(buildRewardTree(leaves).root);
      expect((await f.system.distributor.epochPost(0)).total).to.equal(expected.totals[0]);
      const epochJson = JSON.parse(fs.readFileSync(path.join(outDir, "0", "epoch.json"), "utf8"));
      expect(epochJson.block.number).to.be.a("number");
      expect(BigInt(epochJson.total) + BigInt(epochJson.dust)).to.equal(BigInt(epochJson.pool));

      const files = fs
        .readdirSync(path.join(outDir, "0"))
        .map((n) => fs.readFileSync(path.join(outDir, "0", n), "utf8"));
      const block = await hre.ethers.provider.getBlockNumber();
      expect(
        await hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, manifestDir: f.manifestDir }),
      ).to.equal("already-posted");
      expect(await hre.ethers.provider.getBlockNumber()).to.equal(block);
      expect(
        fs.readdirSync(path.join(outDir, "0")).map((n) => fs.readFileSync(path.join(outDir, "0", n), "utf8")),
      ).to.deep.equal(files);
    });

    it("--dry-run writes the same files and posts nothing; the same inputs give the same root", async function () {
      const f = await loadFixture(tasksFixture);
      await endEpoch(f.system, 0);
      await hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, dryRun: true, manifestDir: f.manifestDir });
      expect(await f.system.distributor.nextEpochToPost()).to.equal(0n);
      const dry = fs.readFileSync(path.join(outDir, "0", "epoch.json"), "utf8");
      await hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, manifestDir: f.manifestDir });
      expect(fs.readFileSync(path.join(outDir, "0", "epoch.json"), "utf8")).to.equal(dry);
      expect(await f.system.distributor.epochRoot(0)).to.equal(JSON.parse(dry).root);
    });

    it("builds on the previous epoch: cumulative amounts add up and dust is carried", async function () {
      const f = await loadFixture(tasksFixture);
      await endEpoch(f.system, 0);
      await hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, manifestDir: f.manifestDir });
      await hre.run("epoch:mint", { epoch: "1", manifestDir: f.manifestDir });
      await endEpoch(f.system, 1);
      const reports1 = path.join(tmp, "epoch-1.csv");
      fs.writeFileSync(reports1, demoReportsCsv(1, DEVICES));
      await hre.run("epoch:post", { epoch: "1", reports: reports1, outDir, manifestDir: f.manifestDir });
      const expected = expectedCumulative(economicsOf(loadDeployParameters(PARAMETERS)), 1, DEVICES);
      const leaves = readRewardsCsv(path.join(outDir, "1", "rewards.csv"));
      for (const [i, operator] of f.operators.entries()) {
        expect(leaves.find((l) => l.account === operator.address)?.cumulativeAmount).to.equal(expected.perOperator[i]);
      }
      const epoch1 = JSON.parse(fs.readFileSync(path.join(outDir, "1", "epoch.json"), "utf8"));
      expect(BigInt(epoch1.dust)).to.equal(expected.dust);
    });

    describe("failure cases", function () {
      it("refuses an epoch that has not ended", async function () {
        const f = await loadFixture(tasksFixture);
        await expectRefused(
          () => hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, manifestDir: f.manifestDir }),
          /epoch 0 is still running: it ends at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(unix \d+\), \d+ min( \d+ s)? after the latest block .*`npx hardhat time:advance --to \d+ --network hardhat`/,
        );
      });

      it("refuses a bad row of the reports file, naming line and field", async function () {
        const f = await loadFixture(tasksFixture);
        await endEpoch(f.system, 0);
        const bad = path.join(tmp, "bad.csv");
        fs.writeFileSync(bad, fs.readFileSync(f.reports, "utf8") + "0x00000000000000000000000000000000000000aa,one,\n");
        await expectRefused(
          () => hre.run("epoch:post", { epoch: "0", reports: bad, outDir, manifestDir: f.manifestDir }),
          /line 5: work: expected verified work/,
        );
      });

      it("refuses a missing reports file and an unsupported format", async function () {
        const f = await loadFixture(tasksFixture);
        await endEpoch(f.system, 0);
        await expectRefused(
          () =>
            hre.run("epoch:post", {
              epoch: "0",
              reports: path.join(tmp, "none.csv"),
              outDir,
              manifestDir: f.manifestDir,
            }),
          /file not found/,
        );
        const txt = path.join(tmp, "r.txt");
        fs.writeFileSync(txt, "x");
        await expectRefused(
          () => hre.run("epoch:post", { epoch: "0", reports: txt, outDir, manifestDir: f.manifestDir }),
          /unsupported extension/,
        );
      });

      it("refuses a report of a device that is not registered, naming the line", async function () {
        const f = await loadFixture(tasksFixture);
        await endEpoch(f.system, 0);
        const extra = path.join(tmp, "extra.json");
        fs.writeFileSync(
          extra,
          JSON.stringify([{ deviceId: "0x00000000000000000000000000000000000000aa", work: "1" }]),
        );
        await expectRefused(
          () => hre.run("epoch:post", { epoch: "0", reports: extra, outDir, manifestDir: f.manifestDir }),
          /\[0\]: deviceId: device 170 .* not registered/,
        );
      });

      it("refuses a malformed epoch, an epoch out of order, and an epoch not minted", async function () {
        const f = await loadFixture(tasksFixture);
        for (const epoch of ["-1", "1.5", "abc"]) {
          await expectRefused(
            () => hre.run("epoch:post", { epoch, reports: f.reports, outDir, manifestDir: f.manifestDir }),
            /--epoch: expected a non-negative integer/,
          );
        }
        await expectRefused(
          () => hre.run("epoch:post", { epoch: "1", reports: f.reports, outDir, manifestDir: f.manifestDir }),
          /before epoch 0 \(epochs are posted in order\)/,
        );
        await endEpoch(f.system, 0);
        await hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, manifestDir: f.manifestDir });
        fs.rmSync(outDir, { recursive: true });
        await endEpoch(f.system, 1);
        await expectRefused(
          () => hre.run("epoch:post", { epoch: "1", reports: f.reports, outDir, manifestDir: f.manifestDir }),
          /epoch 1 is not minted yet/,
        );
      });

      it("refuses with too few oracle signatures, naming how many and what to do; nothing is sent", async function () {
        const f = await loadFixture(tasksFixture);
        await endEpoch(f.system, 0);
        const keys = path.join(outDir, "..", "one-oracle-key.json");
        fs.mkdirSync(path.dirname(keys), { recursive: true });
        // One member's key only (account #1 of the default mnemonic): 1 of the 3 signatures needed.
        fs.writeFileSync(keys, JSON.stringify({ privateKey: ONE_ORACLE_KEY }));
        const block = await hre.ethers.provider.getBlockNumber();
        await expectRefused(
          () =>
            hre.run("epoch:post", {
              epoch: "0",
              reports: f.reports,
              outDir,
              oracleKeys: keys,
              manifestDir: f.manifestDir,
            }),
          /epoch 0: signatures: 1 distinct member\(s\) signed; the oracle threshold is 3 \(1 from local keys, 0 from .*\); each member runs epoch:sign/,
        );
        expect(await hre.ethers.provider.getBlockNumber()).to.equal(block);
        await expectRefused(
          () =>
            hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, from: "99", manifestDir: f.manifestDir }),
          /--from: account index 99 is out of range/,
        );
      });

      it("posts with signature files written by independent signers (epoch:sign), 3 of 5", async function () {
        const f = await loadFixture(tasksFixture);
        await endEpoch(f.system, 0);
        for (const signer of ["15", "16", "17"]) {
          await hre.run("epoch:sign", { epoch: "0", reports: f.reports, outDir, signer, manifestDir: f.manifestDir });
        }
        const signaturesDir = path.join(outDir, "signatures", "0");
        expect(fs.readdirSync(signaturesDir)).to.have.length(3);
        // The only local key is a non-member's: the three files are the signatures.
        const keys = path.join(outDir, "..", "stranger-key.json");
        fs.writeFileSync(keys, JSON.stringify({ privateKey: STRANGER_KEY }));
        const status = await hre.run("epoch:post", {
          epoch: "0",
          reports: f.reports,
          outDir,
          oracleKeys: keys,
          manifestDir: f.manifestDir,
        });
        expect(status).to.equal("posted");
        const post = JSON.parse(fs.readFileSync(path.join(outDir, "0", "post.json"), "utf8"));
        expect(post.signers).to.have.length(3);
        expect(await f.system.distributor.nextEpochToPost()).to.equal(1n);
        await expect(
          hre.run("epoch:sign", { epoch: "0", reports: f.reports, outDir, signer: "18", manifestDir: f.manifestDir }),
        ).to.be.rejectedWith(/epoch 0 is already posted; nothing to sign/);
      });

      it("epoch:sign refuses a non-member and a root that differs from the expected one", async function () {
        const f = await loadFixture(tasksFixture);
        await endEpoch(f.system, 0);
        await expectRefused(
          () =>
            hre.run("epoch:sign", { epoch: "0", reports: f.reports, outDir, signer: "19", manifestDir: f.manifestDir }),
          /is not in the oracle set/,
        );
        await expectRefused(
          () =>
            hre.run("epoch:sign", {
              epoch: "0",
              reports: f.reports,
              outDir,
              signer: "15",
              expectRoot: ethers.id("other"),
              manifestDir: f.manifestDir,
            }),
          /differs from the expected root .*; not signing/,
        );
      });

      it("refuses to build on a previous rewards.csv that is missing or does not match the posted root", async function () {
        const f = await loadFixture(tasksFixture);
        await endEpoch(f.system, 0);
        await hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, manifestDir: f.manifestDir });
        await hre.run("epoch:mint", { epoch: "1", manifestDir: f.manifestDir });
        await endEpoch(f.system, 1);
        const rewardsCsv = path.join(outDir, "0", "rewards.csv");
        const original = fs.readFileSync(rewardsCsv, "utf8");
        fs.writeFileSync(
          rewardsCsv,
          original.replace(/,(\d)(\d*),/, (_m, d, rest) => `,${(Number(d) % 9) + 1}${rest},`),
        );
        const before = fs.readdirSync(outDir);
        await expect(
          hre.run("epoch:post", { epoch: "1", reports: f.reports, outDir, manifestDir: f.manifestDir }),
        ).to.be.rejectedWith(/is not the root posted for epoch 0/);
        fs.rmSync(path.join(outDir, "0"), { recursive: true });
        await expect(
          hre.run("epoch:post", { epoch: "1", reports: f.reports, outDir, manifestDir: f.manifestDir }),
        ).to.be.rejectedWith(/rewards\.csv: not found/);
        expect(fs.readdirSync(outDir)).to.deep.equal(before.filter((d) => d !== "0"));
        expect(await f.system.distributor.nextEpochToPost()).to.equal(1n);
      });

      it("refuses a missing deployment manifest", async function () {
        const f = await loadFixture(tasksFixture);
        await expectRefused(
          () => hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, manifestDir: tmp }),
          /not found; deploy first/,
        );
      });
    });
  });

  describe("epoch:mint", function () {
    it("mints the next started epoch and refuses a bad, minted, skipped or unstarted epoch", async function () {
      const f = await loadFixture(tasksFixture);
      const m = f.manifestDir;
      await expectRefused(
        () => hre.run("epoch:mint", { epoch: "x", manifestDir: m }),
        /--epoch: expected a non-negative integer/,
      );
      await expectRefused(() => hre.run("epoch:mint", { epoch: "0", manifestDir: m }), /epoch 0 is already minted/);
      await expectRefused(() => hre.run("epoch:mint", { epoch: "2", manifestDir: m }), /the next one is 1/);
      await expectRefused(
        () => hre.run("epoch:mint", { epoch: "1", manifestDir: m }),
        /epoch 1 has not started: it starts at \d{4}-\d\d-\d\d .* UTC .*time:advance --to \d+/,
      );
      await time.increaseTo(await f.system.controller.epochStart(1));
      await hre.run("epoch:mint", { epoch: "1", manifestDir: m });
      expect(await f.system.controller.mintedEpochs()).to.equal(2n);
    });
  });

  describe("epoch:verify", function () {
    it("passes for the posted epoch and fails (rejects) for other reports or an unposted epoch", async function () {
      const f = await loadFixture(tasksFixture);
      await endEpoch(f.system, 0);
      await hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, manifestDir: f.manifestDir });
      const other = path.join(tmp, "verify");
      const outcome = await hre.run("epoch:verify", {
        epoch: "0",
        reports: f.reports,
        outDir: other,
        write: true,
        manifestDir: f.manifestDir,
      });
      expect(outcome.pass).to.equal(true);
      expect(fs.readFileSync(path.join(other, "0", "rewards.csv"), "utf8")).to.equal(
        fs.readFileSync(path.join(outDir, "0", "rewards.csv"), "utf8"),
      );

      const changed = path.join(tmp, "changed.csv");
      fs.writeFileSync(changed, demoReportsCsv(7, DEVICES));
      await expect(
        hre.run("epoch:verify", { epoch: "0", reports: changed, outDir, manifestDir: f.manifestDir }),
      ).to.be.rejectedWith(/FAIL: epoch 0/);
      await expect(
        hre.run("epoch:verify", { epoch: "1", reports: f.reports, outDir, manifestDir: f.manifestDir }),
      ).to.be.rejectedWith(/epoch 1 is not posted/);
    });
  });

  describe("claim", function () {
    it("pays the cumulative amount from proofs.json once, and refuses bad proofs files and accounts", async function () {
      const f = await loadFixture(tasksFixture);
      await endEpoch(f.system, 0);
      await hre.run("epoch:post", { epoch: "0", reports: f.reports, outDir, manifestDir: f.manifestDir });
      const proofs = path.join(outDir, "0", "proofs.json");
      const [alice] = f.operators;
      const cumulative = BigInt(JSON.parse(fs.readFileSync(proofs, "utf8")).claims[alice.address].cumulativeAmount);
      const balance = await f.system.token.balanceOf(alice.address);
      await hre.run("claim", { proofs, from: alice.address, manifestDir: f.manifestDir });
      expect(await f.system.token.balanceOf(alice.address)).to.equal(balance + cumulative);

      const keep = outDir;
      outDir = path.join(tmp, "none"); // expectRefused checks this folder stays empty
      await expectRefused(
        () => hre.run("claim", { proofs, from: alice.address, manifestDir: f.manifestDir }),
        /already paid/,
      );
      await expectRefused(
        () => hre.run("claim", { proofs, account: f.treasury.address, manifestDir: f.manifestDir }),
        /has no leaf/,
      );
      await expectRefused(
        () => hre.run("claim", { proofs: path.join(tmp, "nope.json"), manifestDir: f.manifestDir }),
        /not found/,
      );
      await expectRefused(
        () => hre.run("claim", { proofs, account: "0x1234", manifestDir: f.manifestDir }),
        /--account: expected an address/,
      );
      const forged = path.join(tmp, "forged.json");
      fs.writeFileSync(forged, fs.readFileSync(proofs, "utf8").replace(/"root": "0x[0-9a-f]{4}/, '"root": "0x0000'));
      await expectRefused(
        () => hre.run("claim", { proofs: forged, from: f.operators[1].address, manifestDir: f.manifestDir }),
        /is not the root posted/,
      );
      outDir = keep;
    });
  });

  describe("operate tasks: failure cases", function () {
    it("device:register refuses bad class, cell, key, maker and bond before sending", async function () {
      const f = await loadFixture(tasksFixture);
      const m = f.manifestDir;
      await expectRefused(
        () => hre.run("device:register", { class: "300", cell: "5", manifestDir: m }),
        /--class: expected a device class 0\.\.255/,
      );
      await expectRefused(
        () => hre.run("device:register", { class: "9", cell: "5", manifestDir: m }),
        /class 9 is not enabled/,
      );
      await expectRefused(
        () => hre.run("device:register", { class: "0", cell: "4096", manifestDir: m }),
        /--cell: 4096 is outside the oracle's grid/,
      );
      await expectRefused(
        () => hre.run("device:register", { class: "0", cell: "0x1g", manifestDir: m }),
        /--cell: expected a uint64/,
      );
      await expectRefused(
        () => hre.run("device:register", { class: "0", cell: "5", keyFile: f.keyFiles[0], manifestDir: m }),
        /already registered/,
      );
      const badKey = path.join(tmp, "bad-key.json");
      fs.writeFileSync(badKey, '{"privateKey":"0x12"}');
      await expectRefused(
        () => hre.run("device:register", { class: "0", cell: "5", keyFile: badKey, manifestDir: m }),
        /--key-file: .* expected a 32-byte/,
      );
      await expectRefused(
        () =>
          hre.run("device:register", {
            class: "0",
            cell: "5",
            makerKeyFile: f.keyFiles[1],
            keyFile: path.join(tmp, "k.json"),
            manifestDir: m,
          }),
        /is not an approved maker/,
      );
      await expectRefused(
        () =>
          hre.run("device:register", {
            class: "0",
            cell: "5",
            bond: "1000000",
            keyFile: path.join(tmp, "k2.json"),
            from: f.operators[0].address,
            manifestDir: m,
          }),
        /--bond: the sender holds/,
      );
    });

    it("device:move moves with the device key and refuses the same cell or a non-owner", async function () {
      const f = await loadFixture(tasksFixture);
      const m = f.manifestDir;
      const id = BigInt(demoDeviceKey(DEVICES[2].label).address);
      await expectRefused(
        () => hre.run("device:move", { keyFile: f.keyFiles[2], cell: demoCell(DEVICES[2]).toString(), manifestDir: m }),
        /already in cell/,
      );
      await expectRefused(
        () =>
          hre.run("device:move", { keyFile: f.keyFiles[2], cell: "7", from: f.operators[0].address, manifestDir: m }),
        /only the device owner/,
      );
      await hre.run("device:move", { keyFile: f.keyFiles[2], cell: "7", manifestDir: m });
      expect(await f.system.registry.cellOf(id)).to.equal(7n);
    });

    it("stake, unstake and withdraw validate amounts, devices, owners and timing", async function () {
      const f = await loadFixture(tasksFixture);
      const m = f.manifestDir;
      const [alice, bob] = f.operators;
      const bobDevice = demoDeviceKey(DEVICES[2].label).address;
      for (const amount of ["0", "abc", "1.0000000000000000001", "-5"]) {
        await expectRefused(
          () => hre.run("stake", { device: bobDevice, amount, from: bob.address, manifestDir: m }),
          /--amount: expected an amount/,
        );
      }
      await expectRefused(
        () =>
          hre.run("stake", {
            device: "0x00000000000000000000000000000000000000aa",
            amount: "1",
            from: bob.address,
            manifestDir: m,
          }),
        /--device: device .* is not registered/,
      );
      await expectRefused(
        () => hre.run("stake", { device: "not-a-device", amount: "1", manifestDir: m }),
        /--device: expected a device id/,
      );
      await expectRefused(
        () => hre.run("stake", { device: bobDevice, amount: "21", from: bob.address, manifestDir: m }),
        /--amount: .* holds 20\.0 tokens/,
      );
      await hre.run("stake", { device: bobDevice, amount: "20", from: bob.address, manifestDir: m });
      expect(await f.system.staking.bondOf(BigInt(bobDevice))).to.equal(parseUnits("30", 18));

      await expectRefused(
        () => hre.run("unstake", { device: bobDevice, amount: "1", from: alice.address, manifestDir: m }),
        /only the device owner/,
      );
      await expectRefused(
        () => hre.run("unstake", { device: bobDevice, amount: "31", from: bob.address, manifestDir: m }),
        /--amount: the bond is 30\.0/,
      );
      await expectRefused(() => hre.run("withdraw", { device: bobDevice, manifestDir: m }), /nothing is unbonding/);
      await hre.run("unstake", { device: bobDevice, amount: "20", manifestDir: m });
      await expectRefused(
        () => hre.run("withdraw", { device: bobDevice, manifestDir: m }),
        /the unbonding is released at/,
      );
      await time.increase(3600);
      const balance = await f.system.token.balanceOf(bob.address);
      await hre.run("withdraw", { device: bobDevice, manifestDir: m });
      expect(await f.system.token.balanceOf(bob.address)).to.equal(balance + parseUnits("20", 18));
    });

    it("status lists every device and account", async function () {
      const f = await loadFixture(tasksFixture);
      const { devices, accounts } = await hre.run("status", { outDir, manifestDir: f.manifestDir });
      expect(devices).to.have.length(DEVICES.length);
      expect(accounts.map((a: { account: string }) => a.account)).to.have.members(f.operators.map((o) => o.address));
    });
  });

  it("computes the same rewards in compute.ts as the protocol/ expectation (same snapshot inputs)", async function () {
    // Guards the in-process expectation against drift: the pure oracle over the demo devices equals protocol/.
    const economics = economicsOf(loadDeployParameters(PARAMETERS));
    const expected = expectedCumulative(economics, 0, DEVICES);
    const reportsFile = path.join(tmp, "r.csv");
    fs.writeFileSync(reportsFile, demoReportsCsv(0, DEVICES));
    const reports = readWorkReports(reportsFile);
    const owners = ["0x00000000000000000000000000000000000a11ce", "0x0000000000000000000000000000000000000b0b"];
    const result = computeEpochRewards({
      epoch: 0,
      reports,
      devices: new Map(
        DEVICES.map((d) => {
          const id = BigInt(demoDeviceKey(d.label).address);
          const minBond = economics.classes.get(d.deviceClass)!.minBond;
          const bond = parseUnits(d.bond, 18);
          return [
            id,
            {
              deviceId: id,
              owner: owners[d.operator],
              status: 1,
              deviceClass: d.deviceClass,
              cell: demoCell(d),
              bond,
              stakingActive: bond >= minBond,
            },
          ];
        }),
      ),
      classWeightsBps: new Map([...economics.classes].map(([c, v]) => [c, v.rewardWeightBps])),
      funding: splitEmission(emission(economics.schedule, 0n), economics.splits).devicePool,
      carriedDust: 0n,
      previous: [],
    });
    expect(result.accounts.map((a) => a.cumulativeAmount)).to.have.members(expected.perOperator);
  });
});
