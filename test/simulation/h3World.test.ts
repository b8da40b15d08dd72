import { expect } from "chai";
import { getAddress } from "ethers";
import { cellToCenterChild, getResolution, gridDisk, isValidCell } from "h3-js";
import { HIP17_HELIUM } from "../../protocol/density";
import { cellOfH3Index } from "../../protocol/h3";
import { WAD } from "../../protocol/math";
import { computeEpochRewards, type DeviceSnapshot } from "../../scripts/oracle/compute";
import { readOracleParams } from "../../scripts/oracle/params";
import { runReplicate } from "../../simulation/engine";
import { Rng } from "../../simulation/random";
import {
  loadScenario,
  parseScenario,
  ScenarioError,
  type Scenario,
  type ScenarioInput,
} from "../../simulation/scenario";
import { supplyOf } from "../../simulation/supply";
import { H3World, WORLD_CITIES } from "../../simulation/world/h3World";
import { THREE_CITY_H3_WORLD as SPEC } from "./fixtures/h3World";

describe("simulation/world/h3World", function () {
  it("builds real H3 cells around the cities, weighted by population, the same for the same spec and seed", function () {
    const world = new H3World(SPEC, new Rng(7));
    expect(world.cellCount).to.be.greaterThan(100);
    for (const cell of world.h3Cells) {
      expect(isValidCell(cell)).to.equal(true);
      expect(getResolution(cell)).to.equal(10);
    }
    const weight = (i: number) => world.cdf[i] - (i > 0 ? world.cdf[i - 1] : 0);
    const perCity = [0, 0, 0];
    world.h3Cells.forEach((_, i) => (perCity[world.cityOf[i]] += weight(i)));
    const total = world.cdf[world.cellCount - 1];
    const population = WORLD_CITIES.slice(0, 3).map((c) => c.population);
    const people = population.reduce((a, b) => a + b, 0);
    perCity.forEach((w, c) => expect(w / total).to.be.closeTo(population[c] / people, 1e-9));
    const again = new H3World(SPEC, new Rng(7));
    expect(again.h3Cells).to.deep.equal(world.h3Cells);
    expect(Array.from(again.cdf)).to.deep.equal(Array.from(world.cdf));
    expect(H3World.of(SPEC, 7)).to.equal(H3World.of(SPEC, 7));
  });

  it("gives a city cell's six H3 neighbours as world cells (home cells of a swarm)", function () {
    const world = new H3World(SPEC, new Rng(7));
    const centre = 0; // the first cell is the first city's centre
    const ring = world.neighbours(centre, new Rng(1));
    expect(ring).to.have.length(6);
    const expected = gridDisk(world.h3Cells[centre], 1).filter((q) => q !== world.h3Cells[centre]);
    expect(ring.map((id) => world.h3Cells[id])).to.have.members(expected);
  });

  it("parity: one layout through the oracle (scripts/oracle/compute.ts) and the simulator's world gives the same density factors", function () {
    const world = new H3World(SPEC, new Rng(11));
    const density = world.densityModel(HIP17_HELIUM);
    const rng = new Rng(5);
    const devices = 2_000; // dense enough that every resolution 10 … 4 limits somewhere
    const cellOfDevice = Array.from({ length: devices }, () => world.sampleCell(rng));
    const counts = new Float64Array(world.cellCount);
    for (const c of cellOfDevice) counts[c]++;
    const simWad = density.factorsWad(counts);
    const simFloat = density.factors(counts, new Float64Array(world.cellCount));

    // The oracle sees each device at the resolution-12 centre child of its world cell, as a device would register.
    const owner = getAddress("0x00000000000000000000000000000000000a11ce");
    const snapshots = new Map<bigint, DeviceSnapshot>();
    cellOfDevice.forEach((c, i) => {
      const id = BigInt(i + 1);
      snapshots.set(id, {
        deviceId: id,
        owner,
        status: 1,
        deviceClass: 0,
        cell: cellOfH3Index(cellToCenterChild(world.h3Cells[c], 12)),
        bond: WAD,
        stakingActive: true,
        registeredEpoch: 0,
      });
    });
    const oracle = computeEpochRewards({
      epoch: 0,
      reports: cellOfDevice.map((_, i) => ({ deviceId: BigInt(i + 1), workWad: WAD, flags: [] })),
      devices: snapshots,
      classWeightsBps: new Map([[0, 10_000]]),
      funding: 1000n * WAD,
      carriedDust: 0n,
      previous: [],
      params: readOracleParams(),
    });
    const distinct = new Set<bigint>();
    oracle.devices.forEach((d, i) => {
      expect(d.densityWad, `device ${i}`).to.equal(simWad[cellOfDevice[i]]);
      expect(Math.abs(Number(d.densityWad) / 1e18 - simFloat[cellOfDevice[i]])).to.be.lessThan(1e-12);
      distinct.add(d.densityWad);
    });
    expect(distinct.size, "the layout exercises many different factors").to.be.greaterThan(10);
    expect(Math.min(...oracle.devices.map((d) => Number(d.densityWad) / 1e18))).to.be.lessThan(0.2);
  });
});

describe("simulation: scenarios on the h3 world", function () {
  const runOf = (scenario: Scenario) => runReplicate(scenario, supplyOf(scenario), 0, { series: true, mode: "fast" });
  /** Mean over the run's epochs of a group's mean density factor (epochs it had eligible devices). */
  const densityOf = (r: ReturnType<typeof runOf>, agent: string) => {
    const factors = r.groupSeries.filter((row) => row.agent === agent && row.meanDensityFactor !== null);
    expect(factors.length, `${agent} epochs with eligible devices`).to.be.greaterThan(10);
    return factors.reduce((s, row) => s + row.meanDensityFactor!, 0) / factors.length;
  };

  it("helium-like runs on the real-city layout, deterministically, and density scaling hits the sybil swarm", function () {
    const { scenario } = loadScenario("helium-like", { epochs: 90, runs: 1 });
    expect(scenario.world).to.deep.include({ kind: "h3", resolution: 10 });
    expect(scenario.levers.densityScaling).to.deep.include({ preset: "helium-hip17", rollup: "clipped" });
    const a = runOf(scenario);
    expect(JSON.stringify(runOf(scenario))).to.equal(JSON.stringify(a));
    expect(densityOf(a, "sybil")).to.be.lessThan(densityOf(a, "honest-small") / 2);
    // The lever's sign: without density scaling the swarm captures more.
    const { scenario: off } = loadScenario("helium-like", {
      epochs: 90,
      runs: 1,
      "levers.densityScaling.enabled": false,
    });
    expect(runOf(off).metrics.farmerCapture).to.be.greaterThan(a.metrics.farmerCapture);
  });

  it("refuses density tables that do not fit the world, naming the field", function () {
    const base: ScenarioInput = { world: { kind: "h3" }, agents: [{ kind: "honest", count: 10 }] };
    const problems = (input: ScenarioInput) => {
      try {
        parseScenario(input);
      } catch (err) {
        expect(err).to.be.instanceOf(ScenarioError);
        return (err as Error).message;
      }
      throw new Error("expected a refusal");
    };
    expect(problems(base)).to.match(/levers\.densityScaling\.resolutions: on the h3 world levels are H3 resolutions/);
    expect(
      problems({
        ...base,
        world: { kind: "h3", resolution: 10 },
        levers: { densityScaling: { resolutions: [{ level: 11, n: 1, target: 1, max: 2 }] } },
      }),
    ).to.match(/levers\.densityScaling\.resolutions\[0\]\.level: expected an H3 resolution ≤ world\.resolution \(10\)/);
    expect(problems({ agents: base.agents, levers: { densityScaling: { preset: "helium-hip17" } } })).to.match(
      /levers\.densityScaling\.preset: the helium-hip17 preset has H3 resolutions/,
    );
    expect(
      problems({
        ...base,
        levers: { densityScaling: { preset: "helium-hip17", resolutions: [{ level: 9, n: 1, target: 1, max: 2 }] } },
      }),
    ).to.match(/give either preset or resolutions/);
    expect(problems({ ...base, world: { kind: "h3", resolution: 9 } })).to.match(
      /world\.resolution: expected an H3 resolution 10\.\.15/,
    );
  });
});
