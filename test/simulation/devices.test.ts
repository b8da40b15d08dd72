import { expect } from "chai";
import fc from "fast-check";
import { DEVICE_COLUMNS, DeviceTable, type DeviceColumnName } from "../../simulation/world/devices";

const NAMES = Object.keys(DEVICE_COLUMNS) as DeviceColumnName[];

/** A row's value in every column, distinct per row and column (and representable in a byte column). */
function valueOf(row: number, k: number): number {
  return (row * 7 + k) % 200;
}

describe("simulation/world/devices: the device table", function () {
  it("swap-removes every column, before and after the arrays grow, as a list of rows would", function () {
    const ops = fc.array(fc.oneof(fc.constant<"add">("add"), fc.nat({ max: 40 })), { maxLength: 120 });
    fc.assert(
      fc.property(ops, (sequence) => {
        const table = new DeviceTable(2);
        const model: number[] = [];
        let next = 0;
        for (const op of sequence) {
          if (op === "add") {
            table.reserve(table.n + 1);
            const i = table.addRows(1);
            NAMES.forEach((name, k) => (table.columns[name][i] = valueOf(next, k)));
            model.push(next++);
          } else if (model.length > 0) {
            const i = op % model.length;
            table.swapRemove(i);
            model[i] = model[model.length - 1];
            model.pop();
          }
        }
        expect(table.n).to.equal(model.length);
        for (let i = 0; i < model.length; i++) {
          NAMES.forEach((name, k) => expect(table.columns[name][i], `${name}[${i}]`).to.equal(valueOf(model[i], k)));
        }
      }),
      { numRuns: 200 },
    );
  });
});
