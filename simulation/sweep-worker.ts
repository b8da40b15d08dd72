/**
 * A sweep worker thread: loads the scenario file once, then runs (point overrides, replicate) tasks in fast mode
 * without series and posts back the headline metrics.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runReplicate } from "./engine";
import { parseScenario, readScenarioFile, setPath } from "./scenario";
import { supplyOf } from "./supply";

interface TaskMessage {
  type: "task";
  task: { id: number; point: number; replicate: number };
  overrides: Record<string, unknown>;
}

const { scenario: nameOrFile, base } = workerData as { scenario: string; base: Record<string, unknown> };
const { raw, source } = readScenarioFile(nameOrFile);

parentPort?.on("message", (msg: TaskMessage) => {
  const { task } = msg;
  try {
    const copy = structuredClone(raw);
    for (const [k, v] of Object.entries({ ...base, ...msg.overrides })) setPath(copy, k, v);
    const scenario = parseScenario(copy, source);
    const result = runReplicate(scenario, supplyOf(scenario), task.replicate, { series: false, mode: "fast" });
    parentPort?.postMessage({ id: task.id, metrics: result.metrics, seed: result.seed });
  } catch (err) {
    parentPort?.postMessage({ id: task.id, metrics: {}, seed: 0, error: (err as Error).message });
  }
});
