/**
 * `npm run levers [-- --seeds N --epochs N]`: the lever-direction suite at the scenarios' own size (simulation/levers.ts),
 * every setting's figures printed; exits 1 when a lever moves a metric the wrong way.
 */
import { parseArgs } from "node:util";
import { KNOWN_EXCEPTIONS, LEVER_CASES, runLeverCase } from "../levers";

function positiveInt(flag: string, text: string | undefined, fallback: number | null): number | null {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: expected a positive integer, got "${text}"`);
  return n;
}

function main(): number {
  const { values } = parseArgs({ options: { seeds: { type: "string" }, epochs: { type: "string" } } });
  const seeds = positiveInt("seeds", values.seeds, 5) as number;
  const epochs = positiveInt("epochs", values.epochs, null);
  let broken = 0;
  for (const c of LEVER_CASES) {
    const r = runLeverCase(c, seeds, epochs);
    console.log(`\n${c.name} (${c.scenario}, ${c.lever}; ${seeds} seeds): ${c.why}`);
    for (const p of r.points) {
      const cells = Object.entries(p.metrics).map(([k, v]) => `${k}=${v === null ? "—" : Number(v.toPrecision(4))}`);
      console.log(`  ${String(p.value).padStart(8)}  ${cells.join("  ")}`);
    }
    for (const v of r.violations) console.log(`  WRONG WAY: ${v}`);
    broken += r.violations.length;
  }
  console.log(`\nKnown exceptions:\n${KNOWN_EXCEPTIONS.map((e) => `- ${e}`).join("\n")}`);
  console.log(broken === 0 ? "\nevery lever moved every metric the expected way" : `\n${broken} wrong-way moves`);
  return broken === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 2;
}
