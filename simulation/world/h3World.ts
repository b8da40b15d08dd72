/**
 * The simulator's world on real geography: H3 cells around real cities (scenario `world: { kind: "h3", … }`).
 *
 * The spec (simulation/scenario.ts `H3WorldSchema`, defaults there): `cities` (a list, or the n largest of
 * `WORLD_CITIES`), `resolution`, `citySpreadKm`, `ruralShare`, `ruralCellsPerCity`, `ruralRadiusKm`.
 * A world is a fixed list of H3 cells at one resolution (`resolution`, default 10) with a weight each: per city a disk
 * of cells around its centre (`gridDiskDistances`), weighted by the city's population × a Gaussian of the distance
 * (`citySpreadKm`), plus `ruralCellsPerCity` scattered cells within `ruralRadiusKm` of each city sharing
 * `ruralShare` of the weight. Devices are placed by sampling a cell by weight (`sampleCell`); spoofers pick any world
 * cell, so every location a device claims is a real H3 cell. Cell ids are the positions in `h3Cells`.
 *
 * Everything the epoch loop needs is precomputed here into typed arrays, so the hot loop never calls h3-js: the
 * density topology (protocol/h3.ts `h3Topology`: per configured resolution the parent id of every cell and six
 * neighbour ids per parent) and the cumulative weights. h3-js is called only while building the world, when a group
 * picks its home cells (`neighbours`) and when a lever change rebuilds the density tables (`densityModel`).
 */
import { getHexagonEdgeLengthAvg, gridDisk, gridDiskDistances, latLngToCell } from "h3-js";
import { DensityModel, densityTableKey, type DensityParams } from "../../protocol/density";
import { h3Topology, type H3Topology } from "../../protocol/h3";
import { CdfSampler, Rng } from "../random";
import type { H3WorldSpec } from "../scenario";
import { WORLD_CITIES, type City } from "./cities";

export { WORLD_CITIES, type City };

const KM_PER_DEGREE = 111.32;
/** Salt of the world's generator (independent of the replicates' streams). */
const WORLD_SALT = 0x68337764;
/** Worlds built in this process (at most two: a run or a sweep point uses one). */
const worlds = new Map<string, H3World>();

export class H3World {
  /** The world's cells (h3-js indexes); a cell's id is its position. */
  readonly h3Cells: readonly string[];
  /** Cumulative weights of the cells (`cdf[cells − 1]` is the total). */
  readonly cdf: Float64Array;
  /** Draws a cell by weight from `cdf` (one `rng.next()`). */
  readonly sampler: CdfSampler;
  /** Index of each cell's city in `cities`. */
  readonly cityOf: Uint16Array;
  readonly cities: readonly City[];
  private readonly idOf: Map<string, number>;
  private readonly topologies = new Map<string, H3Topology>();

  /**
   * The world of `spec` for a scenario seed. The world is geography, the same for every replicate of a scenario (its
   * rural cells come from a generator seeded by the scenario seed alone), so it is built once per process and shared.
   */
  static of(spec: H3WorldSpec, seed: number): H3World {
    const key = JSON.stringify([spec, seed]);
    let world = worlds.get(key);
    if (world === undefined) {
      world = new H3World(spec, new Rng(seed ^ WORLD_SALT));
      if (worlds.size >= 2) worlds.delete(worlds.keys().next().value as string);
      worlds.set(key, world);
    }
    return world;
  }

  constructor(
    readonly spec: H3WorldSpec,
    rng: Rng,
  ) {
    const cities = typeof spec.cities === "number" ? WORLD_CITIES.slice(0, spec.cities) : spec.cities;
    this.cities = cities;
    const res = spec.resolution;
    const spacingKm = Math.sqrt(3) * getHexagonEdgeLengthAvg(res, "km");
    const rings = Math.max(1, Math.ceil((2.5 * spec.citySpreadKm) / spacingKm));
    const ids = new Map<string, number>();
    const cells: string[] = [];
    const weights: number[] = [];
    const cityIds: number[] = [];
    const add = (cell: string, weight: number, city: number): void => {
      const id = ids.get(cell);
      if (id !== undefined) weights[id] += weight;
      else {
        ids.set(cell, cells.length);
        cells.push(cell);
        weights.push(weight);
        cityIds.push(city);
      }
    };
    const totalPopulation = cities.reduce((s, c) => s + c.population, 0);
    const gauss = Array.from({ length: rings + 1 }, (_, d) =>
      Math.exp(-((d * spacingKm) ** 2) / (2 * spec.citySpreadKm ** 2)),
    );
    cities.forEach((city, c) => {
      const share = city.population / totalPopulation;
      const byDistance = gridDiskDistances(latLngToCell(city.lat, city.lng, res), rings);
      const norm = byDistance.reduce((s, ring, d) => s + ring.length * gauss[d], 0);
      byDistance.forEach((ring, d) => {
        for (const cell of ring) add(cell, ((1 - spec.ruralShare) * share * gauss[d]) / norm, c);
      });
      // rural: uniform in area between the disk's edge and ruralRadiusKm
      const inner = Math.min(rings * spacingKm, spec.ruralRadiusKm);
      for (let k = 0; k < spec.ruralCellsPerCity; k++) {
        const r = Math.sqrt(inner ** 2 + rng.next() * (spec.ruralRadiusKm ** 2 - inner ** 2));
        const bearing = 2 * Math.PI * rng.next();
        const lat = Math.max(-89.9, Math.min(89.9, city.lat + (r * Math.cos(bearing)) / KM_PER_DEGREE));
        const cosLat = Math.max(0.01, Math.cos((city.lat * Math.PI) / 180));
        const lng = ((city.lng + (r * Math.sin(bearing)) / (KM_PER_DEGREE * cosLat) + 540) % 360) - 180;
        add(latLngToCell(lat, lng, res), (spec.ruralShare * share) / spec.ruralCellsPerCity, c);
      }
    });
    this.h3Cells = cells;
    this.idOf = ids;
    this.cityOf = Uint16Array.from(cityIds);
    this.cdf = new Float64Array(cells.length);
    let acc = 0;
    for (let i = 0; i < cells.length; i++) this.cdf[i] = acc += weights[i];
    this.sampler = new CdfSampler(this.cdf);
  }

  get cellCount(): number {
    return this.h3Cells.length;
  }

  /** A cell drawn by weight (one `rng.next()`, as the grid world's city sampler). */
  sampleCell(rng: Rng): number {
    return this.sampler.draw(rng);
  }

  /**
   * Six cells next to `cell`: its H3 neighbours that are world cells (gridDisk order), then, if fewer than six
   * are (a pentagon, the edge of a city's disk, a rural cell), cells drawn by weight. For home cells of a swarm.
   */
  neighbours(cell: number, rng: Rng): number[] {
    const own = this.h3Cells[cell];
    const ring = gridDisk(own, 1)
      .filter((q) => q !== own && this.idOf.has(q))
      .map((q) => this.idOf.get(q)!);
    while (ring.length < 6) ring.push(this.sampleCell(rng));
    return ring;
  }

  /**
   * The density topology of the world's cells for `params` (levels are H3 resolutions, each ≤ the world's); built
   * once per density table.
   */
  topology(params: DensityParams): H3Topology {
    const key = densityTableKey(params);
    let topology = this.topologies.get(key);
    if (topology === undefined) {
      topology = h3Topology(this.h3Cells, params);
      if (topology.cellCount !== this.h3Cells.length) throw new Error("h3World: world cells are not distinct");
      this.topologies.set(key, topology);
    }
    return topology;
  }

  /** The density model of the world's cells (cell ids = world cell ids). */
  densityModel(params: DensityParams): DensityModel {
    return new DensityModel(this.topology(params), params);
  }
}
