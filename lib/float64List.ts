/**
 * A growable list of doubles in one Float64Array (half again at a time): a million values take 8 MB in one buffer,
 * where a JS number array that grows by push holds garbage copies of itself and may change its element kind.
 */
export class Float64List {
  private data: Float64Array;
  length = 0;

  constructor(capacity = 16) {
    this.data = new Float64Array(Math.max(1, capacity));
  }

  /** Appends a value. */
  push(value: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Adds `value` at `index`, extending the list with zeros up to it. */
  addAt(index: number, value: number): void {
    if (index >= this.length) {
      this.reserve(index + 1);
      this.length = index + 1;
    }
    this.data[index] += value;
  }

  /** The values, a view that later pushes may invalidate. */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  private reserve(min: number): void {
    if (min <= this.data.length) return;
    let next = this.data.length;
    while (next < min) next += Math.max(16, next >> 1);
    const grown = new Float64Array(next);
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}
