/**
 * A worker thread of sweeps and of parallel `simulate` replicates: loads the scenario file once, then runs
 * (point overrides, replicate) tasks — a sweep row (fast mode, headline metrics only) or a whole replicate.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runReplicate } from "./engine";
import { parseScenario, readScenarioFile, setPath } from "./scenario";
import { supplyOf } from "./supply";

interface TaskMessage {
  type: "task";
  task: { id: number; point: number; replicate: number };
  overrides: Record<string, unknown>;
  /** A whole replicate of `simulate` (series kept, result posted back in full) instead of a sweep row. */
  full?: { mode: "fast" | "exact" };
}

const { scenario: nameOrFile, base } = workerData as { scenario: string; base: Record<string, unknown> };
const { raw, source } = readScenarioFile(nameOrFile);

parentPort?.on("message", (msg: TaskMessage) => {
  const { task } = msg;
  try {
    const copy = structuredClone(raw);
    for (const [k, v] of Object.entries({ ...base, ...msg.overrides })) setPath(copy, k, v);
    const scenario = parseScenario(copy, source);
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
