/**
 * A device location from task flags: `--cell <H3 index>` or `--lat <deg> --lng <deg> [--res <r>]`, as the
 * on-chain `uint64` cell, refused (ArgumentError naming the flag) unless it is an H3 cell the oracle can locate:
 * a valid cell at the oracle parameters' `location.minResolution` or finer.
 */
import { H3_MAX_RESOLUTION, cellOfLatLng, h3CellProblem, h3IndexOf } from "../../protocol/h3";
import { ArgumentError } from "./taskArgs";

/** Resolution of `--lat/--lng` without `--res`: 12, where Helium hotspots assert their location. */
export const DEFAULT_CELL_RESOLUTION = 12;

export const CELL_HELP =
  "Location: an H3 cell index, as h3-js prints it (hex, e.g. 8c2a100d2d4b1ff), 0x-hex or the decimal uint64 (or give --lat/--lng)";
export const LAT_HELP = "Latitude in degrees (-90..90), with --lng, instead of --cell";
export const LNG_HELP = "Longitude in degrees (-180..180), with --lat, instead of --cell";
export const RES_HELP = `H3 resolution of the cell at --lat/--lng (default ${DEFAULT_CELL_RESOLUTION})`;

export interface LocationFlags {
  cell?: string;
  lat?: string;
  lng?: string;
  res?: string;
}

function degrees(value: string, field: string, limit: number): number {
  const text = value.trim();
  const number = Number(text);
  if (!/^[+-]?\d+(\.\d+)?$/.test(text) || Math.abs(number) > limit) {
    throw new ArgumentError(field, `expected degrees in [-${limit}, ${limit}], got "${value}"`);
  }
  return number;
}

/** The on-chain value of a `--cell` text: pure digits are the decimal uint64, anything else hex (0x optional). */
function cellOfText(value: string): bigint | undefined {
  const text = value.trim().toLowerCase();
  if (/^\d{1,20}$/.test(text)) return BigInt(text);
  const hex = text.startsWith("0x") ? text.slice(2) : text;
  return /^[0-9a-f]{1,16}$/.test(hex) ? BigInt("0x" + hex) : undefined;
}

/** The cell the flags name; `minResolution` is the oracle's (scripts/oracle/params.ts `location.minResolution`). */
export function parseLocation(flags: LocationFlags, minResolution: number): bigint {
  const byPoint = flags.lat !== undefined || flags.lng !== undefined || flags.res !== undefined;
  if (flags.cell !== undefined && byPoint)
    throw new ArgumentError("cell", "give either --cell or --lat/--lng, not both");
  let cell: bigint | undefined;
  let field = "cell";
  if (flags.cell !== undefined) {
    cell = cellOfText(flags.cell);
    if (cell === undefined || h3CellProblem(cell, 0) === "cell-invalid") {
      throw new ArgumentError(
        "cell",
        `"${flags.cell}" is not an H3 cell index (expected hex as h3-js prints it, e.g. 8c2a100d2d4b1ff, 0x-hex or the decimal uint64)`,
      );
    }
  } else {
    if (flags.lat === undefined || flags.lng === undefined) {
      throw new ArgumentError(flags.lat === undefined ? "lat" : "lng", "give --cell, or both --lat and --lng");
    }
    const lat = degrees(flags.lat, "lat", 90);
    const lng = degrees(flags.lng, "lng", 180);
    const resText = (flags.res ?? String(DEFAULT_CELL_RESOLUTION)).trim();
    if (!/^\d{1,2}$/.test(resText) || Number(resText) > H3_MAX_RESOLUTION) {
      throw new ArgumentError("res", `expected an H3 resolution 0..${H3_MAX_RESOLUTION}, got "${flags.res}"`);
    }
    cell = cellOfLatLng(lat, lng, Number(resText));
    field = "res";
  }
  if (h3CellProblem(cell, minResolution) === "cell-too-coarse") {
    throw new ArgumentError(
      field,
      `cell ${h3IndexOf(cell)} is coarser than resolution ${minResolution}, the oracle's location.minResolution: the device would be unlocated and earn nothing`,
    );
  }
  return cell;
}
