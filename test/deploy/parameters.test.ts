import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import {
  DeployParametersError,
  loadDeployParameters,
  parseDeployParameters,
  resolveDeployParameters,
  scheduleParamsOf,
} from "../../scripts/deploy/parameters";
import { exponentialFactorWad, resolveSchedule, toSolidityParams } from "../../protocol/emission";
import { roleSeparationWarnings } from "../../scripts/deploy/check";
import { getAddress } from "ethers";

const DIR = path.join(__dirname, "..", "..", "ignition", "parameters");
const local = () => JSON.parse(fs.readFileSync(path.join(DIR, "hardhat.json"), "utf8"));
const DEPLOYER = "0x00000000000000000000000000000000000000d1";

/** The error parsing `raw` as x.json throws (undefined when it is accepted). */
function parseError(raw: unknown): DeployParametersError | undefined {
  try {
    parseDeployParameters(raw, "x.json");
  } catch (err) {
    return err as DeployParametersError;
  }
  return undefined;
}

describe("deploy parameter files", function () {
  for (const network of ["hardhat", "localhost", "sepolia", "baseSepolia"]) {
    it(`ignition/parameters/${network}.json is valid`, function () {
      const p = loadDeployParameters(path.join(DIR, `${network}.json`));
      expect(p.splits.devicePoolBps + p.splits.treasuryBps + p.splits.ecosystemBps).to.equal(10_000n);
      expect(() => resolveSchedule(scheduleParamsOf(p))).to.not.throw();
    });
  }

  it("local files: short epochs and no challenge window; testnets: daily epochs, a challenge window and vesting", function () {
    for (const network of ["hardhat", "localhost"]) {
      const p = loadDeployParameters(path.join(DIR, `${network}.json`));
      expect(p.epochs.epochLength).to.be.lessThanOrEqual(3600n);
      expect(p.rewards.challengeWindow).to.equal(0n);
    }
    for (const network of ["sepolia", "baseSepolia"]) {
      const p = loadDeployParameters(path.join(DIR, `${network}.json`));
      expect(p.epochs.epochLength).to.equal(86_400n);
      expect(p.rewards.challengeWindow).to.be.greaterThan(0n);
      expect(p.rewards.vestingDuration).to.be.greaterThan(0n);
      expect(p.timelock.minDelay).to.be.greaterThanOrEqual(86_400n);
    }
  });

  it("amounts are exact: plain wei, exponents and decimals with an exponent", function () {
    const raw = local();
    raw.token.cap = "1.5e27";
    raw.schedule.initialEmission = "164383e18";
    raw.schedule.factorWad = "0.85e18";
    raw.registry.deviceClasses[0].minBond = "100000000000000000000";
    const p = parseDeployParameters(raw);
    expect(p.token.cap).to.equal(1_500_000_000n * 10n ** 18n);
    expect(p.schedule.initialEmission).to.equal(164_383n * 10n ** 18n);
    expect(p.schedule.factorWad).to.equal(850_000_000_000_000_000n);
    expect(p.registry.deviceClasses[0].minBond).to.equal(100n * 10n ** 18n);
  });

  it("the schedule reaches the contract through toSolidityParams (the exponential factor is derived on chain)", function () {
    const p = loadDeployParameters(path.join(DIR, "baseSepolia.json"));
    const solidity = toSolidityParams(scheduleParamsOf(p));
    expect(solidity.curve).to.equal(3);
    expect(solidity.halfLifeEpochs).to.equal(2191n);
    expect(solidity.factorWad).to.equal(0n);
    expect(resolveSchedule(scheduleParamsOf(p)).factorWad).to.equal(exponentialFactorWad(2191n));
  });

  it('"deployer" and "auto" are resolved; "timelock" is kept for the module to map', function () {
    const raw = JSON.parse(fs.readFileSync(path.join(DIR, "sepolia.json"), "utf8"));
    raw.roles.oracles = ["deployer"];
    raw.roles.oracleThreshold = 1;
    raw.timelock.proposers = ["deployer"];
    const p = parseDeployParameters(raw);
    const r = resolveDeployParameters(p, { deployer: DEPLOYER, autoGenesis: 5n });
    expect(r.roles.oracles).to.deep.equal(["0x00000000000000000000000000000000000000D1"]);
    expect(r.timelock.proposers).to.deep.equal(["0x00000000000000000000000000000000000000D1"]);
    expect(r.roles.slashers).to.deep.equal(["timelock"]);
    expect(r.recipients.treasury).to.equal("timelock");
    expect(r.epochs.genesis).to.equal(1_798_761_600n); // absolute on testnets
    const l = resolveDeployParameters(loadDeployParameters(path.join(DIR, "hardhat.json")), {
      deployer: DEPLOYER,
      autoGenesis: 5n,
    });
    expect(l.epochs.genesis).to.equal(5n);
  });

  describe("errors name the field", function () {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits a parsed JSON file in place
    const cases: [string, (raw: any) => void, string][] = [
      ["treasury placeholder misspelt", (raw) => (raw.recipients.treasury = "timelok"), "recipients.treasury"],
      ["a proposer cannot be the timelock", (raw) => (raw.timelock.proposers = ["timelock"]), "timelock.proposers.0"],
      ["duplicate class id", (raw) => (raw.registry.deviceClasses[1].id = 0), "registry.deviceClasses"],
      [
        "class weight 0",
        (raw) => (raw.registry.deviceClasses[0].rewardWeightBps = 0),
        "registry.deviceClasses.0.rewardWeightBps",
      ],
      [
        "challenge window above 30 days",
        (raw) => (raw.rewards.challengeWindow = 30 * 86400 + 1),
        "rewards.challengeWindow",
      ],
      ["ecosystem share without address", (raw) => (raw.recipients.ecosystem = null), "recipients.ecosystem"],
      ["unknown curve", (raw) => (raw.schedule.curve = "sigmoid"), "schedule.curve"],
      ["initial emission above the cap", (raw) => (raw.schedule.initialEmission = "2e24"), "schedule.initialEmission"],
      ["duplicate oracle", (raw) => raw.roles.oracles.push(raw.roles.oracles[0]), "roles.oracles"],
      ["the timelock as an oracle member", (raw) => (raw.roles.oracles[0] = "timelock"), "roles.oracles.0"],
      ["oracle threshold above the set", (raw) => (raw.roles.oracleThreshold = 6), "roles.oracleThreshold"],
      ["oracle threshold 0", (raw) => (raw.roles.oracleThreshold = 0), "roles.oracleThreshold"],
      ["negative delay", (raw) => (raw.staking.unbondingDelay = -1), "staking.unbondingDelay"],
      ["unbonding delay 0", (raw) => (raw.staking.unbondingDelay = 0), "staking.unbondingDelay"],
    ];
    for (const [name, change, field] of cases) {
      it(name, function () {
        const raw = local();
        change(raw);
        let error: unknown;
        try {
          parseDeployParameters(raw, "x.json");
        } catch (err) {
          error = err;
        }
        expect(error).to.be.instanceOf(DeployParametersError);
        expect((error as DeployParametersError).field).to.equal(field);
        expect((error as Error).message).to.contain(`Invalid deploy parameters in x.json: field "${field}"`);
      });
    }

    it("a file with several problems lists every one of them, each with its field", function () {
      const raw = local();
      raw.recipients.treasury = "timelok";
      raw.rewards.challengeWindow = 30 * 86400 + 1;
      raw.staking.unbondingDelay = 0;
      raw.roles.oracles = ["0x1234"];
      const error = parseError(raw);
      expect(error).to.be.instanceOf(DeployParametersError);
      expect(error!.problems.map((p) => p.field)).to.deep.equal([
        "recipients.treasury",
        "rewards.challengeWindow",
        "staking.unbondingDelay",
        "roles.oracles.0",
      ]);
      expect(error!.message).to.match(/x\.json: 4 problems:\n {2}field "recipients\.treasury": /);
      for (const field of ["rewards.challengeWindow", "staking.unbondingDelay", "roles.oracles.0"]) {
        expect(error!.message).to.contain(`\n  field "${field}": `);
      }
    });

    it("a duplicate is named even when another entry of the same list is invalid", function () {
      const raw = local();
      const member = raw.roles.oracles[0];
      raw.roles.oracles = [member, "0x1234", member];
      raw.registry.deviceClasses[1].id = 0;
      raw.registry.deviceClasses[0].rewardWeightBps = 0;
      raw.roles.guardians = ["0x0000000000000000000000000000000000000000", DEPLOYER, DEPLOYER];
      const error = parseError(raw);
      expect(error).to.be.instanceOf(DeployParametersError);
      const problems = error!.problems.map((p) => `${p.field}: ${p.reason}`);
      expect(problems).to.include.members([
        "roles.oracles: expected no duplicate addresses",
        "registry.deviceClasses: expected each class id once",
        "roles.guardians: expected no duplicate addresses",
      ]);
      for (const field of ["roles.oracles.1", "registry.deviceClasses.0.rewardWeightBps", "roles.guardians.0"]) {
        expect(error!.problems.map((p) => p.field)).to.include(field);
      }
    });

    it("cross-field problems are listed together too (schedule, ecosystem, oracle threshold)", function () {
      const raw = local();
      raw.schedule.initialEmission = "2e24";
      raw.recipients.ecosystem = null;
      raw.roles.oracleThreshold = 9;
      const error = parseError(raw);
      expect(error!.problems.map((p) => p.field)).to.deep.equal([
        "schedule.initialEmission",
        "recipients.ecosystem",
        "roles.oracleThreshold",
      ]);
    });
    it("schema, cross-field and several schedule problems are listed at once, in file order, each with its field", function () {
      const raw = local();
      raw.token.name = ""; // schema
      raw.epochs.epochLength = "5 minutes"; // schema, in seconds
      raw.schedule = { curve: "linear", initialEmission: "2e24", cap: "1e24", floor: "3e24", periodEpochs: 4 };
      raw.recipients.ecosystem = null; // cross-field: an ecosystem share without an address
      raw.rewards.challengeWindow = -1; // schema: the rewards section is invalid...
      raw.rewards.immediateBps = 5000; // ...yet its vesting rule is still checked
      raw.rewards.vestingDuration = 0;
      raw.roles.oracleThreshold = 9; // cross-field
      const error = parseError(raw);
      expect(error).to.be.instanceOf(DeployParametersError);
      expect(error!.problems.map((p) => p.field)).to.deep.equal([
        "token.name",
        "epochs.epochLength",
        "schedule.initialEmission",
        "schedule.periodEpochs",
        "schedule.decrement",
        "schedule.floor",
        "recipients.ecosystem",
        "rewards.challengeWindow",
        "rewards.vestingDuration",
        "roles.oracleThreshold",
      ]);
      const reason = (field: string) => error!.problems.find((p) => p.field === field)!.reason;
      expect(reason("epochs.epochLength")).to.equal(
        'expected a whole non-negative number of seconds, e.g. 3600 or "86400", got "5 minutes"',
      );
      expect(reason("schedule.initialEmission")).to.equal(
        `expected 1 ≤ initialEmission ≤ ${10n ** 24n}, got ${2n * 10n ** 24n}`,
      );
      expect(reason("schedule.periodEpochs")).to.equal('not used by the "linear" curve; omit it or set it to 0');
      // checked against the cap, since the initial emission is itself out of range
      expect(reason("schedule.decrement")).to.equal(
        `required by the "linear" curve: expected 1 ≤ decrement ≤ ${10n ** 24n}`,
      );
      expect(reason("schedule.floor")).to.equal(`expected 0 ≤ floor ≤ ${10n ** 24n}, got ${3n * 10n ** 24n}`);
      expect(reason("rewards.challengeWindow")).to.contain("number of seconds").and.not.contain("wei");
      expect(reason("rewards.vestingDuration")).to.equal(
        "expected vestingDuration = 0 exactly when immediateBps = 10000, got 0 seconds with immediateBps 5000",
      );
      expect(error!.message).to.match(/^Invalid deploy parameters in x\.json: 10 problems:\n {2}field "token\.name": /);
    });

    it("a schedule field the schema blames is not blamed again by the schedule rules", function () {
      const raw = local();
      raw.schedule.initialEmission = "lots";
      raw.schedule.periodEpochs = 0;
      const error = parseError(raw);
      expect(error!.problems).to.deep.equal([
        {
          field: "schedule.initialEmission",
          reason:
            'expected a whole non-negative number of wei as a string, e.g. "1000", "1e27" or "1.5e18", got "lots"',
        },
        { field: "schedule.periodEpochs", reason: "expected 1 ≤ periodEpochs ≤ 18446744073709551615, got 0" },
      ]);
    });

    it("names each field's own unit: seconds, basis points, epochs, wad; wei only for token amounts", function () {
      const reasonOf = (edit: (raw: ReturnType<typeof local>) => void) => {
        const raw = local();
        edit(raw);
        try {
          parseDeployParameters(raw, "x.json");
        } catch (err) {
          return (err as DeployParametersError).reason;
        }
        throw new Error("accepted");
      };
      expect(reasonOf((r) => (r.staking.unbondingDelay = 365 * 86400 + 1))).to.equal(
        "expected 1 ≤ value ≤ 31536000 seconds (365 days), got 31536001",
      );
      expect(reasonOf((r) => (r.timelock.minDelay = "1.5"))).to.contain("number of seconds");
      expect(reasonOf((r) => (r.splits.treasuryBps = 10001))).to.equal(
        "expected 0 ≤ value ≤ 10000 basis points, got 10001",
      );
      expect(reasonOf((r) => (r.schedule.periodEpochs = "a year"))).to.contain("a whole number of epochs");
      expect(reasonOf((r) => (r.schedule.factorWad = "half"))).to.contain("18 decimals (1e18 = 1.0)");
      expect(reasonOf((r) => (r.epochs.genesis = -5))).to.contain('expected "auto" or a unix time in whole seconds');
      expect(reasonOf((r) => (r.registry.deviceClasses[0].minBond = "0.5"))).to.contain("number of wei");
      // wei ranges say what the bound is and how many tokens the value was
      expect(reasonOf((r) => (r.registry.deviceClasses[0].minBond = "1e39"))).to.equal(
        "expected 0 ≤ value ≤ 340282366920938463463374607431768211455 wei (2^128 − 1), got " +
          "1000000000000000000000000000000000000000 (1000000000000000000000.0 tokens)",
      );
    });
  });

  describe("role separation", function () {
    const resolved = (raw: ReturnType<typeof local>) =>
      resolveDeployParameters(parseDeployParameters(raw), { deployer: DEPLOYER, autoGenesis: 0n });

    it("the testnet files give every operational role its own holder: no warning", function () {
      for (const network of ["sepolia", "baseSepolia"]) {
        const p = resolveDeployParameters(loadDeployParameters(path.join(DIR, `${network}.json`)), {
          deployer: DEPLOYER,
          autoGenesis: 0n,
        });
        expect(roleSeparationWarnings(p), network).to.deep.equal([]);
        const holders = [
          ...p.roles.oracles,
          ...p.roles.guardians,
          ...p.roles.distributorPausers,
          ...p.roles.registryPausers,
          ...p.roles.fraudReviewers,
          ...p.registry.makers,
          ...p.timelock.proposers,
        ];
        expect(new Set(holders).size, `${network}: distinct holders`).to.equal(holders.length);
        expect(holders, `${network}: the deployer holds nothing`).to.not.include(getAddress(DEPLOYER));
      }
    });

    it("warns when one key is both oracle member and guardian, or holds every operational role", function () {
      const raw = local();
      raw.roles.guardians = [raw.roles.oracles[1]];
      expect(roleSeparationWarnings(resolved(raw))).to.deep.equal([
        `${raw.roles.oracles[1]} is both an oracle member and a guardian: if its key is stolen it can sign a bad root and also keep it from being revoked`,
      ]);
      const all = local();
      for (const role of ["oracles", "guardians", "distributorPausers", "registryPausers", "fraudReviewers"]) {
        all.roles[role] = ["deployer"];
      }
      all.roles.oracleThreshold = 1;
      all.registry.makers = ["deployer"];
      const warnings = roleSeparationWarnings(resolved(all));
      expect(warnings).to.have.length(3);
      expect(warnings[1]).to.match(/^0x0+D1 holds every operational role \(oracle, guardian, .*maker\)/);
      expect(warnings[2]).to.equal("oracle threshold is 1 of 1: one oracle key posts a root alone");
    });
  });
});
