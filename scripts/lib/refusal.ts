/**
 * A task refusal: Hardhat prints `Error in plugin depin-lab: <message>` and exits non-zero. Hardhat also prints the
 * error object itself when it believes it runs on a CI server, which includes every Linux machine without a display;
 * for a refusal that second print would repeat the message with a stack trace, so the error inspects as nothing
 * unless the operator asks for stacks (`--verbose` or `--show-stack-traces`).
 */
import { inspect } from "node:util";
import { HardhatPluginError } from "hardhat/plugins";

export const PLUGIN = "depin-lab";

function stacksWanted(): boolean {
  return process.argv.includes("--verbose") || process.argv.includes("--show-stack-traces");
}

export class TaskRefusal extends HardhatPluginError {
  constructor(message: string, cause?: Error) {
    super(PLUGIN, message, cause);
    // On the instance: HardhatPluginError resets the prototype, so a class method would not be found. Its own
    // inspect (message, stack, cause) stays reachable on the prototype; its `stack` getter calls this one.
    const full = (Object.getPrototypeOf(this) as Record<symbol, () => string>)[inspect.custom];
    Object.defineProperty(this, inspect.custom, {
      value: () => (stacksWanted() ? full.call(this) : ""),
    });
  }
}
