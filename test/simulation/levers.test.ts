import { expect } from "chai";
import { LEVER_CASES, runLeverCase } from "../../simulation/levers";

// The lever-direction suite over 2 seeds at the scenarios' own length. `npm run levers` runs it over 5 seeds.
describe("simulation lever directions", function () {
  this.timeout(120_000);
  for (const c of LEVER_CASES) {
    it(`${c.name}: ${Object.entries(c.expect)
      .map(([m, d]) => `${m} ${d}`)
      .join(", ")} as ${c.lever} rises`, function () {
      const r = runLeverCase(c, 2, null);
      expect(r.violations, r.violations.join("\n")).to.deep.equal([]);
    });
  }
});
