import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { takeSnapshot, time, type SnapshotRestorer } from "@nomicfoundation/hardhat-network-helpers";
import { ROLES } from "../../ignition/modules/DePINLab";
import { LOCAL_PARAMETERS_FILE } from "../fixtures/system";
import { loadSystem, readManifestFile } from "../../scripts/deploy/manifest";
import { DeployInterrupted, type DeployResult, deploySystem } from "../../scripts/deploy/deploySystem";
import type { CheckRow } from "../../scripts/deploy/check";

/** The deploy tasks against the in-process network; chain state and files are restored after each test. */
describe("npx hardhat deploy / deploy:check", function () {
  let snapshot: SnapshotRestorer;
  let dir: string;
  let manifestDir: string;
  let journal: string;

  beforeEach(async function () {
    snapshot = await takeSnapshot();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "depinlab-deploy-test-"));
    manifestDir = path.join(dir, "deployments");
    journal = path.join(dir, "journal");
  });
  afterEach(async function () {
    await snapshot.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const deploy = (extra: Record<string, unknown> = {}) =>
    hre.run("deploy", { manifestDir, journal, quiet: true, ...extra }) as Promise<DeployResult>;
  const check = (extra: Record<string, unknown> = {}) =>
    hre.run("deploy:check", { manifestDir, quiet: true, ...extra }) as Promise<CheckRow[]>;
  /** The local parameter file with one change, written to the test folder. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits a parsed JSON file in place
  const variantFile = (change: (raw: Record<string, any>) => void): string => {
    const raw = JSON.parse(fs.readFileSync(LOCAL_PARAMETERS_FILE, "utf8"));
    change(raw);
    const file = path.join(dir, "variant.json");
    fs.writeFileSync(file, JSON.stringify(raw));
    return file;
  };

  it("deploys, hands over, writes the manifest; a second run sends nothing and leaves the manifest byte-identical", async function () {
    const first = await deploy();
    expect(first.transactionsSent).to.be.greaterThan(20);
    expect(first.manifestWritten).to.equal(true);
    const file = path.join(manifestDir, "hardhat.json");
    const before = fs.readFileSync(file, "utf8");

    const manifest = readManifestFile(file);
    expect(manifest.chainId).to.equal(31337);
    expect(manifest.deploymentId).to.equal("depinlab-hardhat");
    expect(manifest.deployer).to.equal((await ethers.getSigners())[0].address);
    expect(manifest.gitCommit).to.match(/^([0-9a-f]{40}(-dirty)?|unknown)$/);
    expect(manifest.packageVersion).to.match(/^depin-lab@\d+\.\d+\.\d+/);
    for (const c of Object.values(manifest.contracts)) {
      expect(await ethers.provider.getCode(c.address)).to.not.equal("0x");
      const receipt = await ethers.provider.getTransactionReceipt(c.txHash);
      expect(receipt?.blockNumber).to.equal(c.blockNumber);
    }
    expect(manifest.contracts.token.constructorArgs).to.deep.equal(["DePIN Lab", "DPL", (10n ** 27n).toString()]);
    expect(manifest.handover.map((h) => h.id)).to.include.members([
      "handover:controller:grant:DEFAULT_ADMIN_ROLE",
      "handover:controller:renounce:SCHEDULE_MANAGER_ROLE",
      "handover:staking:renounce:DEFAULT_ADMIN_ROLE",
    ]);
    expect(manifest.handover).to.have.length(10);

    const blockBefore = await ethers.provider.getBlockNumber();
    const second = await deploy();
    expect(second.transactionsSent).to.equal(0);
    expect(second.manifestWritten).to.equal(false);
    expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
    expect(fs.readFileSync(file, "utf8")).to.equal(before);
  });

  it("a lost manifest is rebuilt from the journal and the chain with the same contracts, wiring and handover", async function () {
    await deploy();
    const file = path.join(manifestDir, "hardhat.json");
    const before = readManifestFile(file);
    fs.rmSync(file);
    const again = await deploy();
    expect(again.transactionsSent).to.equal(0);
    const after = readManifestFile(file);
    expect(after.contracts).to.deep.equal(before.contracts);
    expect(after.wiring).to.deep.equal(before.wiring);
    expect(after.handover).to.deep.equal(before.handover);
    expect(after.parameters).to.deep.equal(before.parameters);
  });

  it("a parameter changed after deployment is refused by Ignition's reconciliation; nothing is sent", async function () {
    await deploy();
    const blockBefore = await ethers.provider.getBlockNumber();
    const changed = variantFile((raw) => {
      raw.rewards.challengeWindow = 3600;
    });
    await expect(deploy({ parameters: changed })).to.be.rejectedWith(
      /parameter file differs from what depinlab-hardhat deployed[\s\S]*DePINLab#RewardDistributor: Argument at index 1 has been changed/,
    );
    expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
  });

  it("loadSystem returns typed contracts at the manifest's addresses", async function () {
    await deploy();
    const system = await loadSystem(hre, { dir: manifestDir });
    expect(await system.controller.token()).to.equal(await system.token.getAddress());
    expect(await system.distributor.hasRole(ROLES.DEFAULT_ADMIN_ROLE, await system.timelock.getAddress())).to.equal(
      true,
    );
  });

  it("deploy:check passes on a fresh deployment", async function () {
    await deploy();
    const rows = await check();
    expect(rows.length).to.be.greaterThan(50);
    expect(rows.every((r) => r.ok)).to.equal(true);
    expect(rows.find((r) => r.check === "deployer holds no admin role")?.ok).to.equal(true);
  });

  it("deploy:check fails, naming the role, after the timelock grants GUARDIAN_ROLE to a stranger", async function () {
    const { manifest } = await deploy();
    const [admin] = await ethers.getSigners();
    const stranger = new ethers.Wallet(ethers.id("stranger")).address; // deterministic
    const system = await loadSystem(hre, { dir: manifestDir, runner: admin });
    const data = system.distributor.interface.encodeFunctionData("grantRole", [ROLES.GUARDIAN_ROLE, stranger]);
    const target = manifest.contracts.distributor.address;
    await system.timelock.schedule(target, 0, data, ethers.ZeroHash, ethers.ZeroHash, 60);
    await time.increase(60);
    await system.timelock.execute(target, 0, data, ethers.ZeroHash, ethers.ZeroHash);

    await expect(check()).to.be.rejectedWith(
      /distributor GUARDIAN_ROLE holders \(expected 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC, got .*0x/,
    );
  });

  it("deploy:check fails, naming the parameter, against a different parameter file", async function () {
    await deploy();
    const other = variantFile((raw) => {
      raw.rewards.challengeWindow = 3600;
    });
    await expect(check({ parameters: other })).to.be.rejectedWith(
      /distributor\.challengeWindow \(expected 3600, got 0\)/,
    );
  });

  it("`ignition deploy` of the module builder is refused with one line naming the project's deploy task", async function () {
    for (const task of ["deploy", "visualize"]) {
      await expect(
        hre.run({ scope: "ignition", task }, { modulePath: "ignition/modules/DePINLab.ts" }),
      ).to.be.rejectedWith(/cannot load it: run `npx hardhat deploy --network hardhat`/);
    }
    // Any other module still reaches Ignition (which then fails on its own terms).
    await expect(
      hre.run({ scope: "ignition", task: "deploy" }, { modulePath: "ignition/modules/Missing.ts" }),
    ).to.be.rejectedWith(/Missing\.ts/);
  });

  it("deploy:check fails clearly when there is no manifest", async function () {
    await expect(check()).to.be.rejectedWith(/hardhat\.json: not found; deploy first/);
  });

  describe("a bad parameter file is refused before anything is sent", function () {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits a parsed JSON file in place
    const cases: [string, (raw: Record<string, any>) => void, RegExp][] = [
      [
        "an oracle that is not an address",
        (raw) => (raw.roles.oracles = ["0x1234"]),
        /field "roles\.oracles\.0": expected a 0x address/,
      ],
      [
        "splits not summing to 10000",
        (raw) => (raw.splits.treasuryBps = 1000),
        /field "splits": expected devicePoolBps \+ treasuryBps \+ ecosystemBps = 10000/,
      ],
      [
        "a fraction of a wei",
        (raw) => (raw.token.cap = "1.5"),
        /field "token\.cap": expected a whole non-negative number of wei/,
      ],
      [
        "a field the curve does not use",
        (raw) => (raw.schedule.halfLifeEpochs = 5),
        /field "schedule\.halfLifeEpochs": .*not used by the "step" curve/,
      ],
      ["an unknown field", (raw) => (raw.staking.unbondingDelai = 1), /field "staking": .*unbondingDelai/],
      ["a missing section", (raw) => delete raw.timelock, /field "timelock"/],
      [
        "vesting with everything immediate",
        (raw) => (raw.rewards.vestingDuration = 10),
        /field "rewards\.vestingDuration": expected vestingDuration = 0 exactly when immediateBps = 10000/,
      ],
    ];
    for (const [name, change, message] of cases) {
      it(name, async function () {
        const blockBefore = await ethers.provider.getBlockNumber();
        await expect(deploy({ parameters: variantFile(change) })).to.be.rejectedWith(message);
        expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
        expect(fs.existsSync(path.join(manifestDir, "hardhat.json"))).to.equal(false);
      });
    }
  });
});

describe("deploySystem: an interrupted deploy resumes from the Ignition journal", function () {
  let snapshot: SnapshotRestorer;
  let dir: string;
  beforeEach(async function () {
    snapshot = await takeSnapshot();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "depinlab-resume-test-"));
  });
  afterEach(async function () {
    await snapshot.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a run killed after 4 transactions is finished by the next run without sending anything twice", async function () {
    const options = {
      manifestDir: path.join(dir, "deployments"),
      journalDir: path.join(dir, "journal"),
      log: () => {},
    };
    const start = await ethers.provider.getBlockNumber();
    await expect(deploySystem(hre, { ...options, interruptAfterTransactions: 4 })).to.be.rejectedWith(
      DeployInterrupted,
    );
    expect(fs.existsSync(path.join(options.journalDir, "journal.jsonl"))).to.equal(true);
    expect(fs.existsSync(path.join(options.manifestDir, "hardhat.json"))).to.equal(false);
    const afterCrash = await ethers.provider.getBlockNumber();
    expect(afterCrash - start).to.equal(4);

    const resumed = await deploySystem(hre, options);
    // 20 Ignition transactions (6 deployments, 14 wiring calls) + 10 handover transactions for the local file
    expect(afterCrash - start + resumed.transactionsSent).to.equal(29);
    expect((await ethers.provider.getBlockNumber()) - start).to.equal(29);
    expect(resumed.checks.every((r) => r.ok)).to.equal(true);
  });
});
