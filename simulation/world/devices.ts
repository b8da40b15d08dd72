/**
 * The device table: one row per active device, struct of arrays, dense in [0, n). Its columns are declared once
 * ({@link DEVICE_COLUMNS}); adding a row, swap-removing one and growing the arrays are derived from that list, so a
 * new column is one line here.
 */

/** Every column of the table and its element type. */
export const DEVICE_COLUMNS = {
  /** Agent group of the device. */
  group: Uint8Array,
  /** The ledger's name of the device for its whole life (its row moves on swap-remove). */
  handle: Int32Array,
  /** Device class. */
  classId: Uint8Array,
  owner: Int32Array,
  cell: Int32Array,
  joinEpoch: Int32Array,
  /** Real work per epoch before noise. */
  realRate: Float64Array,
  /** Fake work per epoch before noise (reported on top of the real work). */
  fakeRate: Float64Array,
  /** Half-width of the uniform work noise (workCv × √3). */
  amp: Float64Array,
  real: Float64Array,
  reported: Float64Array,
  served: Float64Array,
  /** Bond in tokens. */
  stake: Float64Array,
  /** 1 = may earn this epoch, 0 = flagged. */
  eligible: Uint8Array,
  /** 1 once a fraudulent device was flagged (detection recall counts it once). */
  caught: Uint8Array,
  /** Cell the device was registered in (the registration-pattern detector counts registrations per cell). */
  regCell: Int32Array,
  /** 1 once the registration-pattern detector saw the device registered in a burst (per owner or per cell). */
  burst: Uint8Array,
  score: Float64Array,
  reward: Float64Array,
  cumReward: Float64Array,
  cumReal: Float64Array,
} as const;

export type DeviceColumnName = keyof typeof DEVICE_COLUMNS;
export type DeviceColumns = { [K in DeviceColumnName]: InstanceType<(typeof DEVICE_COLUMNS)[K]> };

const COLUMN_NAMES = Object.keys(DEVICE_COLUMNS) as DeviceColumnName[];

/** The columns grouped by element type, so that swap-remove copies with one array type per loop. */
interface ColumnsByType {
  f64: Float64Array[];
  i32: Int32Array[];
  u8: Uint8Array[];
}

function byElementType(columns: DeviceColumns): ColumnsByType {
  const byType: ColumnsByType = { f64: [], i32: [], u8: [] };
  for (const name of COLUMN_NAMES) {
    const column = columns[name];
    if (column instanceof Float64Array) byType.f64.push(column);
    else if (column instanceof Int32Array) byType.i32.push(column);
    else byType.u8.push(column);
  }
  return byType;
}

export class DeviceTable {
  /** Active rows. */
  n = 0;
  /** The columns; `grow` replaces the arrays in this object (read them through it, not a copy of one). */
  readonly columns: DeviceColumns;
  /** The same arrays by element type (rebuilt when `reserve` replaces them). */
  private byType: ColumnsByType;

  constructor(public capacity: number) {
    const columns = {} as Record<DeviceColumnName, unknown>;
    for (const name of COLUMN_NAMES) columns[name] = new DEVICE_COLUMNS[name](capacity);
    this.columns = columns as DeviceColumns;
    this.byType = byElementType(this.columns);
  }

  /** Makes room for `min` rows (doubling); true when the arrays were reallocated (passes over them are stale). */
  reserve(min: number): boolean {
    if (min <= this.capacity) return false;
    let next = this.capacity;
    while (next < min) next *= 2;
    const columns = this.columns as Record<DeviceColumnName, Uint8Array | Int32Array | Float64Array>;
    for (const name of COLUMN_NAMES) {
      const grown = new DEVICE_COLUMNS[name](next);
      grown.set(columns[name]);
      columns[name] = grown;
    }
    this.byType = byElementType(this.columns);
    this.capacity = next;
    return true;
  }

  /** Appends `k` rows (room must be reserved) and returns the first one's index; their cells keep what they held. */
  addRows(k: number): number {
    const first = this.n;
    this.n += k;
    return first;
  }

  /** Removes row i: the last row moves into it. */
  swapRemove(i: number): void {
    const last = this.n - 1;
    if (i !== last) {
      const { f64, i32, u8 } = this.byType;
      for (let k = 0; k < f64.length; k++) f64[k][i] = f64[k][last];
      for (let k = 0; k < i32.length; k++) i32[k][i] = i32[k][last];
      for (let k = 0; k < u8.length; k++) u8[k][i] = u8[k][last];
    }
    this.n--;
  }
}
