/**
 * The one worker pool of the simulator: `simulate` replicates and sweep rows both run as numbered tasks on
 * `sweep-worker` threads (each loads the scenario file once). Results arrive in completion order; callers that write
 * in task order buffer them (the sweep bounds that buffer with `mayDispatch`).
 */
import path from "node:path";
import { Worker } from "node:worker_threads";

/** What a worker posts back for task `id`: a result, or the error that stopped it. */
export interface WorkerReply {
  id: number;
  error?: string;
}

export interface PoolOptions<Reply extends WorkerReply> {
  /** The scenario (name or file) and the overrides every task starts from. */
  scenario: string;
  base: Readonly<Record<string, unknown>>;
  workers: number;
  /** Tasks 0 … tasks − 1. */
  tasks: number;
  /** The message that runs task `index` (it must carry `task.id = index`). */
  message(index: number): unknown;
  onResult(reply: Reply): void;
  /** Whether task `index` may be sent now (default: always); a refused worker waits for the next result. */
  mayDispatch?(index: number): boolean;
  /** Tasks in flight per worker (default 1; 2 keeps a worker busy while the main thread writes). */
  inFlight?: number;
  /** Stop dispatching on Ctrl-C and resolve with `interrupted` (completed results stay delivered). */
  stopOnSigint?: boolean;
}

/** Runs every task on the pool; rejects with the first task's error, naming the task. */
export async function runOnPool<Reply extends WorkerReply>(
  options: PoolOptions<Reply>,
): Promise<{ interrupted: boolean }> {
  const { tasks } = options;
  if (tasks === 0) return { interrupted: false };
  const count = Math.max(1, Math.min(options.workers, tasks));
  const workers: Worker[] = [];
  const idle = new Set<Worker>();
  let next = 0;
  let done = 0;
  let interrupted = false;
  let failure: Error | undefined;
  const stopAll = (): void => {
    for (const w of workers) void w.terminate();
  };
  const onSigint = (): void => {
    interrupted = true;
    stopAll();
  };
  if (options.stopOnSigint) process.once("SIGINT", onSigint);
  try {
    await new Promise<void>((resolve) => {
      let alive = 0;
      const dispatch = (w: Worker): void => {
        if (interrupted || failure || next >= tasks) return;
        if (options.mayDispatch && !options.mayDispatch(next)) {
          idle.add(w);
          return;
        }
        w.postMessage(options.message(next++));
      };
      for (let k = 0; k < count; k++) {
        const w = new Worker(path.join(__dirname, "..", "sweep-worker.js"), {
          workerData: { scenario: options.scenario, base: options.base },
        });
        alive++;
        workers.push(w);
        w.on("message", (reply: Reply) => {
          if (reply.error) {
            failure = new Error(`task ${reply.id}: ${reply.error}`);
            stopAll();
            return;
          }
          options.onResult(reply);
          if (++done === tasks) {
            stopAll();
            return;
          }
          dispatch(w);
          for (const x of [...idle]) {
            idle.delete(x);
            dispatch(x);
          }
        });
        w.on("error", (err) => {
          failure = err;
          stopAll();
        });
        w.on("exit", () => {
          if (--alive === 0) resolve();
        });
        for (let i = 0; i < (options.inFlight ?? 1); i++) dispatch(w);
      }
    });
  } finally {
    if (options.stopOnSigint) process.removeListener("SIGINT", onSigint);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure) throw failure;
  return { interrupted };
}
