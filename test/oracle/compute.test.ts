import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { getAddress } from "ethers";
import fc from "fast-check";
import {
  computeEpochRewards,
  EMPTY_EPOCH_LEAF,
  OracleInputError,
  reportsDigest,
  type DeviceSnapshot,
  type EpochInputs,
} from "../../scripts/oracle/compute";
import { densityParamsOf, readOracleParams } from "../../scripts/oracle/params";
import { DensityModel } from "../../protocol/density";
import { cellOfH3Index, cellOfLatLng, h3IndexOf, h3Topology } from "../../protocol/h3";
import { gridDisk } from "h3-js";
import {
  readRewardsCsv,
  renderEpochFiles,
  writeEpochFiles,
  epochSummary,
  EpochFilesError,
} from "../../scripts/oracle/outputs";
import { readWorkReports, ReportsFileError, type WorkReport } from "../../scripts/oracle/reports";
import { distributeExact, scoreExact, DEFAULT_REWARD_PARAMS } from "../../protocol/reward";
import { buildRewardTree, verifyRewardClaim } from "../../protocol/merkle";
import { WAD } from "../../protocol/math";

const E18 = 10n ** 18n;
const ALICE = getAddress("0x00000000000000000000000000000000000a11ce");
const BOB = getAddress("0x0000000000000000000000000000000000000b0b");
const PARAMS = readOracleParams();

/** Resolution-12 cells (the tasks' default) far apart: no density scaling between them. */
const SF = cellOfLatLng(37.7749, -122.4194, 12);
const BERLIN = cellOfLatLng(52.52, 13.405, 12);
const TOKYO = cellOfLatLng(35.6762, 139.6503, 12);
const NAIROBI = cellOfLatLng(-1.2921, 36.8219, 12);
const LIMA = cellOfLatLng(-12.0464, -77.0428, 12);
/** The 61 cells within 4 steps of SF: neighbours close enough to crowd one another. */
const DISK = gridDisk(h3IndexOf(SF), 4).map(cellOfH3Index);

function device(id: bigint, overrides: Partial<DeviceSnapshot> = {}): DeviceSnapshot {
  return {
    deviceId: id,
    owner: ALICE,
    status: 1,
    deviceClass: 0,
    cell: SF,
    bond: 100n * E18,
    stakingActive: true,
    registeredEpoch: 0,
    ...overrides,
  };
}

function report(id: bigint, work: bigint, flags: WorkReport["flags"] = []): WorkReport {
  return { deviceId: id, workWad: work, flags };
}

function inputs(devices: DeviceSnapshot[], reports: WorkReport[], extra: Partial<EpochInputs> = {}): EpochInputs {
  return {
    epoch: 3,
    reports,
    devices: new Map(devices.map((d) => [d.deviceId, d])),
    classWeightsBps: new Map([
      [0, 10_000],
      [1, 30_000],
    ]),
    funding: 800n * E18,
    carriedDust: 7n,
    previous: [],
    params: PARAMS,
    ...extra,
  };
}

/** The reward each device should get, from protocol/reward.ts primitives (scoreExact + distributeExact). */
function expectedRewards(
  devs: { class: number; work: bigint; densityWad: bigint; eligible: boolean }[],
  pool: bigint,
): bigint[] {
  const params = { ...DEFAULT_REWARD_PARAMS, classWeightsBps: [10_000, 30_000] };
  const scores = devs.map((d) =>
    scoreExact(
      params,
      {
        classId: d.class,
        reportedWork: d.work,
        servedWork: 0n,
        cell: 0,
        stakeWei: 0n,
        ageEpochs: 0,
        eligible: d.eligible,
      },
      d.densityWad,
    ),
  );
  return distributeExact(pool, scores).rewards;
}

describe("oracle: computeEpochRewards", function () {
  describe("rewards", function () {
    it("pays the protocol/reward.ts reward per device, aggregates per owner and conserves the pool", function () {
      // Devices in distinct, far-apart cells (no density scaling); one gpu (weight 3x).
      const devices = [
        device(1n, { owner: ALICE, cell: SF }),
        device(2n, { owner: ALICE, cell: BERLIN, deviceClass: 1 }),
        device(3n, { owner: BOB, cell: TOKYO }),
      ];
      const reports = [report(1n, E18), report(2n, E18 / 2n), report(3n, (E18 * 3n) / 7n)];
      const result = computeEpochRewards(inputs(devices, reports));
      const pool = 800n * E18 + 7n;
      const expected = expectedRewards(
        [
          { class: 0, work: E18, densityWad: WAD, eligible: true },
          { class: 1, work: E18 / 2n, densityWad: WAD, eligible: true },
          { class: 0, work: (E18 * 3n) / 7n, densityWad: WAD, eligible: true },
        ],
        pool,
      );
      expect(result.devices.map((d) => d.reward)).to.deep.equal(expected);
      expect(result.pool).to.equal(pool);
      expect(result.total + result.dust).to.equal(pool);
      expect(result.total).to.equal(expected.reduce((a, b) => a + b, 0n));
      const alice = result.accounts.find((a) => a.account === ALICE)!;
      expect(alice.epochReward).to.equal(expected[0] + expected[1]);
      expect(result.accounts.find((a) => a.account === BOB)!.epochReward).to.equal(expected[2]);
    });

    it("builds the StandardMerkleTree of (owner, cumulative) and its proofs verify", function () {
      const result = computeEpochRewards(
        inputs(
          [device(1n, { owner: ALICE }), device(2n, { owner: BOB, cell: BERLIN })],
          [report(1n, E18), report(2n, E18)],
        ),
      );
      const reference = buildRewardTree(
        result.accounts.map((a) => ({ account: a.account, cumulativeAmount: a.cumulativeAmount })),
      );
      expect(result.root).to.equal(reference.root);
      for (const a of result.accounts) {
        expect(verifyRewardClaim(result.root, result.tree.claimOf(a.account))).to.equal(true);
      }
    });

    it("adds this epoch's rewards to the previous cumulative amounts and keeps accounts without new rewards", function () {
      const carol = getAddress("0x00000000000000000000000000000000000ca201");
      const previous = [
        { account: ALICE, cumulativeAmount: 5n * E18 },
        { account: carol, cumulativeAmount: 3n },
      ];
      const result = computeEpochRewards(inputs([device(1n, { owner: ALICE })], [report(1n, E18)], { previous }));
      const alice = result.accounts.find((a) => a.account === ALICE)!;
      expect(alice.cumulativeAmount).to.equal(5n * E18 + alice.epochReward);
      expect(result.accounts.find((a) => a.account === carol)).to.deep.include({
        cumulativeAmount: 3n,
        epochReward: 0n,
      });
    });

    it("scales crowded cells with the HIP-17 density model and counts only eligible devices as present", function () {
      // Three eligible devices in one cell: the model's factor for a count of 3 there applies to each (HIP-17's
      // resolution-10 limit is one device: 1/3).
      const density = densityParamsOf(PARAMS);
      const model = new DensityModel(h3Topology([h3IndexOf(SF)], density), density);
      const crowd = [device(1n), device(2n), device(3n)];
      const result = computeEpochRewards(inputs(crowd, [report(1n, E18), report(2n, E18), report(3n, E18)]));
      const counts = [3];
      const factor = model.factorsWad(counts)[0];
      expect(factor).to.equal(WAD / 3n);
      expect(result.devices.every((d) => d.densityWad === factor)).to.equal(true);

      // Denylisting one: only two are present, so the factor is the model's for a count of 2.
      const fewer = computeEpochRewards(
        inputs(crowd, [report(1n, E18), report(2n, E18), report(3n, E18, ["denylisted"])]),
      );
      counts[0] = 2;
      expect(fewer.devices[0].densityWad).to.equal(model.factorsWad(counts)[0]);
      expect(fewer.devices[0].densityWad).to.equal(WAD / 2n);
      expect(fewer.devices[2]).to.deep.include({ eligible: false, reason: "denylisted", reward: 0n });
    });

    it("pays nothing to ineligible devices and names the reason", function () {
      const devices = [
        device(1n),
        device(2n, { status: 2, cell: BERLIN }),
        device(3n, { status: 3, cell: TOKYO }),
        device(4n, { stakingActive: false, cell: NAIROBI }),
        device(5n, { cell: 0x881f1d4a9bfffffn }), // a valid H3 cell at resolution 8, coarser than 11
        device(6n, { cell: LIMA }),
        device(7n, { cell: 4095n }), // a grid id of the old toy model: not an H3 cell
        device(8n, { cell: (1n << 64n) - 1n }),
      ];
      const reports = devices.map((d) => report(d.deviceId, E18, d.deviceId === 6n ? ["denylisted"] : []));
      const result = computeEpochRewards(inputs(devices, reports));
      expect(result.devices.map((d) => d.reason)).to.deep.equal([
        "",
        "suspended",
        "deregistered",
        "bond-below-minimum",
        "cell-too-coarse",
        "denylisted",
        "cell-invalid",
        "cell-invalid",
      ]);
      expect(result.devices.map((d) => d.h3Cell).slice(4)).to.deep.equal(["881f1d4a9bfffff", h3IndexOf(LIMA), "", ""]);
      expect(result.devices.slice(1).every((d) => d.reward === 0n)).to.equal(true);
      // The only eligible device takes the whole pool (one device: no rounding).
      expect(result.devices[0].reward).to.equal(result.pool);
      expect(result.dust).to.equal(0n);
    });

    it("with no eligible work, pays nothing, carries the whole pool as dust and posts the sentinel leaf", function () {
      const result = computeEpochRewards(inputs([device(1n)], [report(1n, 0n)]));
      expect(result.total).to.equal(0n);
      expect(result.dust).to.equal(result.pool);
      expect(result.accounts).to.deep.equal([]);
      expect(result.root).to.equal(buildRewardTree([EMPTY_EPOCH_LEAF]).root);
    });

    it("is deterministic: the row order of the reports does not change the root or the digest", function () {
      fc.assert(
        fc.property(
          fc.uniqueArray(
            fc.record({
              id: fc.integer({ min: 1, max: 40 }),
              work: fc.bigInt({ min: 0n, max: E18 }),
              cell: fc.constantFrom(...DISK),
              owner: fc.integer({ min: 0, max: 2 }),
            }),
            {
              minLength: 1,
              maxLength: 12,
              selector: (r: { id: number }) => r.id,
            },
          ),
          fc.integer(),
          (rows, seed) => {
            const owner = [ALICE, BOB, getAddress("0x00000000000000000000000000000000000ca201")];
            const devices = rows.map((r) => device(BigInt(r.id), { cell: r.cell, owner: owner[r.owner] }));
            const reports = rows.map((r) => report(BigInt(r.id), r.work));
            const shuffled = [...reports].sort(
              (a, b) => ((Number(a.deviceId) * 7919 + seed) % 41) - ((Number(b.deviceId) * 7919 + seed) % 41),
            );
            const a = computeEpochRewards(inputs(devices, reports));
            const b = computeEpochRewards(inputs(devices, shuffled));
            expect(b.root).to.equal(a.root);
            expect(reportsDigest(shuffled)).to.equal(reportsDigest(reports));
            expect(a.total + a.dust).to.equal(a.pool);
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  describe("failure cases", function () {
    it("refuses a report for a device that is not registered, naming the report's line", function () {
      const err = (() => {
        try {
          computeEpochRewards({
            ...inputs([device(1n)], [report(1n, E18), report(9n, E18)]),
            locate: (i) => `r.csv: line ${i + 2}`,
          });
        } catch (e) {
          return e as OracleInputError;
        }
      })();
      expect(err).to.be.instanceOf(OracleInputError);
      expect(err!.message).to.match(/r\.csv: line 3: deviceId: device 9 .* is not registered/);
    });

    it("refuses negative funding and a class without a weight", function () {
      expect(() => computeEpochRewards(inputs([device(1n)], [report(1n, E18)], { funding: -1n }))).to.throw(
        OracleInputError,
        /funding/,
      );
      expect(() => computeEpochRewards(inputs([device(1n, { deviceClass: 7 })], [report(1n, E18)]))).to.throw(
        OracleInputError,
        /class 7/,
      );
    });
  });
});

describe("oracle: epoch files", function () {
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-files-"));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function sampleFiles() {
    const rewards = computeEpochRewards(
      inputs(
        [device(1n, { owner: ALICE }), device(2n, { owner: BOB, cell: BERLIN })],
        [report(1n, E18), report(2n, E18 / 3n)],
      ),
    );
    const summary = epochSummary(
      rewards,
      {
        network: "hardhat",
        chainId: 31337n,
        distributor: ALICE,
        block: { number: 5, hash: "0x00", timestamp: 1 },
        previousRoot: "0x00",
      },
      "0xdigest",
    );
    return { rewards, files: renderEpochFiles(rewards, summary, PARAMS) };
  }

  it("writes every file of an epoch and reads rewards.csv back to the same tree", function () {
    const { rewards, files } = sampleFiles();
    const target = writeEpochFiles(dir, 3, files);
    expect(fs.readdirSync(target).sort()).to.deep.equal([
      "devices.csv",
      "epoch.json",
      "params.json",
      "proofs.json",
      "rewards.csv",
    ]);
    const leaves = readRewardsCsv(path.join(target, "rewards.csv"));
    expect(buildRewardTree(leaves).root).to.equal(rewards.root);
    const proofs = JSON.parse(fs.readFileSync(path.join(target, "proofs.json"), "utf8"));
    for (const [account, claim] of Object.entries(
      proofs.claims as Record<string, { cumulativeAmount: string; proof: string[] }>,
    )) {
      expect(
        verifyRewardClaim(rewards.root, {
          account,
          cumulativeAmount: BigInt(claim.cumulativeAmount),
          proof: claim.proof,
        }),
      ).to.equal(true);
    }
    // Rewriting replaces the set; no staging folders are left behind.
    writeEpochFiles(dir, 3, files);
    expect(fs.readdirSync(dir)).to.deep.equal(["3"]);
  });

  it("leaves no partial files when a write fails", function () {
    const { files } = sampleFiles();
    const bad = { ...files, "sub/dir.csv": "x" }; // a nested name cannot be written into the staging folder
    expect(() => writeEpochFiles(dir, 4, bad)).to.throw();
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it("refuses a malformed rewards.csv naming the line and field", function () {
    const file = path.join(dir, "rewards.csv");
    fs.writeFileSync(file, `account,cumulativeAmount,epochReward\n${ALICE},12,1\n0x123,5,0\n`);
    expect(() => readRewardsCsv(file)).to.throw(EpochFilesError, /line 3: account/);
    fs.writeFileSync(file, `account,cumulativeAmount,epochReward\n${ALICE},-4,1\n`);
    expect(() => readRewardsCsv(file)).to.throw(EpochFilesError, /line 2: cumulativeAmount/);
  });
});

describe("oracle: work reports file", function () {
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-reports-"));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it("reads CSV and JSON into the same reports", function () {
    const csv = readWorkReports(
      write("r.csv", "deviceId,work,flags\n0x00000000000000000000000000000000000000aa,0.5,\n187,1,denylisted\n"),
    );
    const json = readWorkReports(
      write(
        "r.json",
        JSON.stringify([
          { deviceId: "0xaa", work: "0.5" },
          { deviceId: 187, work: 1, flags: ["denylisted"] },
        ]),
      ),
    );
    expect(csv).to.deep.equal(json);
    expect(csv[0].workWad).to.equal(E18 / 2n);
  });

  for (const [name, text, pattern] of [
    ["work above 1", "deviceId,work\n0xaa,1.5\n", /line 2: work/],
    ["too many decimals", "deviceId,work\n0xaa,0.1234567890123456789\n", /line 2: work/],
    ["bad device id", "deviceId,work\n0xaa,0.5\nnot-a-device,0.5\n", /line 3: deviceId/],
    ["unknown flag", "deviceId,work,flags\n0xaa,0.5,vip\n", /line 2: flags: unknown flag "vip"/],
    ["duplicate device", "deviceId,work\n0xaa,0.5\n170,0.2\n", /line 3: deviceId: device reported twice/],
    ["unknown column", "deviceId,work,bonus\n0xaa,0.5,1\n", /line 1 \(header\): unknown column "bonus"/],
  ] as const) {
    it(`refuses ${name}, naming the line and field`, function () {
      expect(() => readWorkReports(write("bad.csv", text))).to.throw(ReportsFileError, pattern);
    });
  }

  it("refuses a misnamed header column once, naming it and the expected header, not on every row", function () {
    const text = "deviceId,wrk\n" + Array.from({ length: 50 }, (_, i) => `${i + 1},0.5`).join("\n") + "\n";
    try {
      readWorkReports(write("bad.csv", text));
      expect.fail("expected a ReportsFileError");
    } catch (err) {
      expect(err).to.be.instanceOf(ReportsFileError);
      expect((err as ReportsFileError).problems).to.deep.equal([
        'line 1 (header): missing column "work"; expected the header deviceId,work[,flags]',
        'line 1 (header): unknown column "wrk"; expected the header deviceId,work[,flags]',
      ]);
    }
  });
});
