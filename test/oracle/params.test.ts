import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { HIP17_HELIUM } from "../../protocol/density";
import {
  DEFAULT_ORACLE_PARAMS_FILE,
  densityParamsOf,
  oracleParamsDigest,
  oracleParamsJson,
  OracleParamsError,
  parseOracleParams,
  readOracleParams,
  stakeFactorOf,
} from "../../scripts/oracle/params";

function problemsOf(raw: unknown): string[] {
  try {
    parseOracleParams(raw, "f.json");
  } catch (err) {
    expect(err).to.be.instanceOf(OracleParamsError);
    return (err as OracleParamsError).problems;
  }
  throw new Error("expected the parameters to be refused");
}

describe("oracle: parameters file", function () {
  it("resolves the default file to Helium's HIP-17 table on H3, and the resolved form is itself a valid file", function () {
    const params = readOracleParams();
    expect(DEFAULT_ORACLE_PARAMS_FILE).to.match(/helium-hip17\.json$/);
    expect(densityParamsOf(params)).to.deep.equal(HIP17_HELIUM);
    expect(params.location.minResolution).to.equal(11);
    const again = parseOracleParams(JSON.parse(oracleParamsJson(params)));
    expect(again).to.deep.equal(params);
    expect(oracleParamsDigest(again)).to.equal(oracleParamsDigest(params));
  });

  it("selects preset rows by resolution and changes the digest when a number changes", function () {
    const some = parseOracleParams({ version: 1, density: { preset: "helium-hip17", resolutions: [10, 8] } });
    expect(some.density.table.map((r) => r.resolution)).to.deep.equal([10, 8]);
    const table = parseOracleParams({
      version: 1,
      density: { table: [{ resolution: 10, n: 2, target: 1, max: 1 }] },
      establishment: { epochs: 3, fractionBps: 1000 },
    });
    expect(table.density.rollup).to.equal("clipped");
    expect(table.location.minResolution).to.equal(10);
    const changed = parseOracleParams({
      version: 1,
      density: { table: [{ resolution: 10, n: 2, target: 1, max: 2 }] },
      establishment: { epochs: 3, fractionBps: 1000 },
    });
    expect(oracleParamsDigest(changed)).to.not.equal(oracleParamsDigest(table));
  });

  it("lists every problem, each naming its field", function () {
    expect(problemsOf({ version: 2, density: { preset: "helium-hip17" } })).to.deep.equal([
      "version: Invalid input: expected 1",
    ]);
    expect(problemsOf({ version: 1, density: { preset: "x" }, foo: 1 })).to.have.members([
      'density.preset: Invalid input: expected "helium-hip17"',
      '(root): Unrecognized key: "foo"',
    ]);
    const table = problemsOf({
      version: 1,
      density: { table: [{ resolution: 9, n: -1, target: 0, max: 1 }] },
    });
    expect(table.join("\n"))
      .to.match(/density\.table\[0\]\.n: .*>=0/)
      .and.match(/density\.table\[0\]\.target/);
    expect(
      problemsOf({
        version: 1,
        location: { minResolution: 5 },
        density: {
          table: [
            { resolution: 8, n: 2, target: 3, max: 2 },
            { resolution: 9, n: 1, target: 1, max: 1 },
          ],
        },
        stakeFactor: { enabled: true },
      }),
    ).to.have.members([
      "density.table[0].max: expected ≥ target (3), got 2",
      "density.table[1]: resolutions go from finest to coarsest (strictly decreasing), got 9 after 8",
      "location.minResolution: expected ≥ the finest density resolution (8), got 5 (a coarser cell has no parent at 8)",
      "stakeFactor.referenceStakeWei: expected a positive amount of wei when the stake factor is enabled",
    ]);
    expect(problemsOf({ version: 1, density: { preset: "helium-hip17", resolutions: [9, 3] } })).to.deep.equal([
      "density.resolutions[1]: preset helium-hip17 has no resolution 3 (it has 10, 9, 8, 7, 6, 5, 4)",
    ]);
    expect(problemsOf({ version: 1, density: {} })[0]).to.match(/^density: expected a preset/);
    expect(
      problemsOf({ version: 1, density: { preset: "helium-hip17" }, establishment: { epochs: 1.5 } }),
    ).to.deep.equal(["establishment.epochs: Invalid input: expected int, received number"]);
  });

  it("reads the stake factor's cap: absent = the reference stake, a wei amount, or null = uncapped", function () {
    const base = { version: 1, density: { preset: "helium-hip17" } };
    const sf = { enabled: true, referenceStakeWei: "1000", maxBoostBps: 5_000 };
    expect(stakeFactorOf(parseOracleParams({ ...base, stakeFactor: sf }))).to.deep.equal({
      enabled: true,
      referenceStakeWei: 1000n,
      maxBoostBps: 5_000,
    });
    expect(
      stakeFactorOf(parseOracleParams({ ...base, stakeFactor: { ...sf, capStakeWei: "3000" } })).capStakeWei,
    ).to.equal(3000n);
    const uncapped = parseOracleParams({ ...base, stakeFactor: { ...sf, capStakeWei: null } });
    expect(stakeFactorOf(uncapped).capStakeWei).to.equal(null);
    expect(stakeFactorOf(parseOracleParams(JSON.parse(oracleParamsJson(uncapped)))).capStakeWei).to.equal(null);
    expect(problemsOf({ ...base, stakeFactor: { ...sf, capStakeWei: "0" } })).to.deep.equal([
      "stakeFactor.capStakeWei: expected a positive amount of wei, or null for uncapped",
    ]);
    expect(problemsOf({ ...base, stakeFactor: { ...sf, capStakeWei: 5 } })[0]).to.match(/^stakeFactor\.capStakeWei: /);
  });

  it("names the file when it cannot be read or is not JSON", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-params-"));
    try {
      const file = path.join(dir, "p.json");
      expect(() => readOracleParams(file)).to.throw(OracleParamsError, /p\.json.*cannot read/s);
      fs.writeFileSync(file, "{ nope");
      expect(() => readOracleParams(file)).to.throw(OracleParamsError, /p\.json.*not valid JSON/s);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
