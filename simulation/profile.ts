/**
 * Profile the engine on the benchmark scenario (a tool, not a test):
 *   node -r ts-node/register/transpile-only --cpu-prof --cpu-prof-dir=out/prof simulation/profile.ts [devices] [epochs] [reps]
 * Runs a small warm-up replicate, then `reps` replicates of `devices` × `epochs`, printing wall-clock and process-CPU
 * throughput of each (on a shared machine the CPU figure is the steadier one). Add --trace-deopt to see V8 bail-outs.
 * `--help` lists the arguments; a bad one exits 2 naming it.
 */
import { runReplicate } from "./engine";
import { benchScenario } from "./bench";
import { parseScenario } from "./scenario";
import { supplyOf } from "./supply";
import { parseToolArgs, positiveInt, toolHelp, UsageError, type CommandSpec } from "./io/args";

/** The profiler's command line: three optional positional counts. */
export const PROFILE_COMMAND = {
  usage: "node -r ts-node/register/transpile-only --cpu-prof simulation/profile.ts",
  summary:
    "profile replicates of the benchmark scenario: [devices] (default 100000) [epochs] (default 365) [reps] (default 2)",
  positional: "[devices] [epochs] [reps]",
  options: { help: { type: "boolean", help: "print this help" } },
} as const satisfies CommandSpec;

/** The profiler's arguments (node:util parseArgs); a {@link UsageError} names the argument and what was expected. */
export function parseProfileArgs(argv: readonly string[]): { devices: number; epochs: number; reps: number } | "help" {
  const { values, positionals } = parseToolArgs(PROFILE_COMMAND, argv);
  if (values.help) return "help";
  if (positionals.length > 3)
    throw new UsageError(`expected at most 3 arguments [devices] [epochs] [reps], got ${positionals.length}`);
  const [devices, epochs, reps] = positionals;
  return {
    devices: positiveInt("devices", devices, 100_000),
    epochs: positiveInt("epochs", epochs, 365),
    reps: positiveInt("reps", reps, 2),
  };
}

function main(argv: readonly string[]): void {
  const args = parseProfileArgs(argv);
  if (args === "help") {
    console.log(toolHelp(PROFILE_COMMAND));
    return;
  }
  const { devices, epochs, reps } = args;
  const warm = parseScenario(benchScenario(10_000, 20));
  runReplicate(warm, supplyOf(warm), 0, { series: false, mode: "fast" });
  const scenario = parseScenario(benchScenario(devices, epochs));
  const supply = supplyOf(scenario);
  for (let k = 0; k < reps; k++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const r = runReplicate(scenario, supply, 0, { series: false, mode: "fast" });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(c0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `${devices} × ${epochs}: ${(r.deviceEpochs / seconds / 1e6).toFixed(1)} M device-epochs/s wall (${seconds.toFixed(2)} s), ` +
        `${(r.deviceEpochs / cpuSeconds / 1e6).toFixed(1)} M per CPU-second`,
    );
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`profile: ${err.message}`);
    process.exitCode = 2;
  }
}
