/** Temporary re-export for the engine files until the merge of the engine restructure; the metrics live in measure/metrics.ts. */
export * from "./measure/metrics";
