/**
 * A worker thread of sweeps and of parallel `simulate` replicates: loads the scenario file once, then runs
 * (point overrides, replicate) tasks — a sweep row (fast mode, headline metrics only) or a whole replicate.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runReplicate } from "./engine";
import { openParts, seriesFilesOf, type PartPaths } from "./io/seriesFiles";
import { replicateSeed } from "./random";
import { parseScenario, readScenarioFile, setPath } from "./scenario";
import { supplyOf } from "./supply";

interface TaskMessage {
  type: "task";
  task: { id: number; point: number; replicate: number };
  overrides: Record<string, unknown>;
  /**
   * A whole replicate of `simulate` instead of a sweep row: its series written to the `parts` files (headerless, see
   * io/seriesFiles.ts) and the result posted back without them, or, without `parts`, posted back in full.
   */
  full?: { mode: "fast" | "exact"; parts?: PartPaths };
}

const { scenario: nameOrFile, base } = workerData as { scenario: string; base: Record<string, unknown> };
const { raw, source } = readScenarioFile(nameOrFile);

parentPort?.on("message", (msg: TaskMessage) => {
  const { task } = msg;
  try {
    const copy = structuredClone(raw);
    for (const [k, v] of Object.entries({ ...base, ...msg.overrides })) setPath(copy, k, v);
    const scenario = parseScenario(copy, source);
    if (msg.full?.parts) {
      const { mode, parts } = msg.full;
      const layout = seriesFilesOf(mode, parts.strategies !== undefined);
      const out = openParts(layout, parts, task.replicate, replicateSeed(scenario.seed, task.replicate));
      let result;
      try {
        result = runReplicate(scenario, supplyOf(scenario), task.replicate, { series: true, mode, sink: out.sink });
      } finally {
        out.close();
      }
      parentPort?.postMessage({ id: task.id, result, counts: out.sink.counts() });
      return;
    }
    if (msg.full) {
      const result = runReplicate(scenario, supplyOf(scenario), task.replicate, { series: true, mode: msg.full.mode });
      parentPort?.postMessage({ id: task.id, result });
      return;
    }
    const result = runReplicate(scenario, supplyOf(scenario), task.replicate, { series: false, mode: "fast" });
    parentPort?.postMessage({ id: task.id, metrics: result.metrics, seed: result.seed });
  } catch (err) {
    parentPort?.postMessage({ id: task.id, metrics: {}, seed: 0, error: (err as Error).message });
  }
});
