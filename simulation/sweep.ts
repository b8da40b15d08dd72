import type { ParsedArgs } from "./cli";
export async function sweepCommand(args: ParsedArgs): Promise<number> {
  void args;
  throw new Error("sweep: not built yet");
}
export async function mergeCommand(args: ParsedArgs): Promise<number> {
  void args;
  throw new Error("merge: not built yet");
}
