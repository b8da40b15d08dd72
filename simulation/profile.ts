/**
 * Profile the engine on the benchmark scenario (a tool, not a test):
 *   node -r ts-node/register/transpile-only --cpu-prof --cpu-prof-dir=out/prof simulation/profile.ts [devices] [epochs] [reps]
 * Runs a small warm-up replicate, then `reps` replicates of `devices` × `epochs`, printing wall-clock and process-CPU
 * throughput of each (on a shared machine the CPU figure is the steadier one). Add --trace-deopt to see V8 bail-outs.
 */
import { runReplicate } from "./engine";
import { benchScenario } from "./bench";
import { parseScenario } from "./scenario";
import { supplyOf } from "./supply";

const devices = Number(process.argv[2] ?? 100_000);
const epochs = Number(process.argv[3] ?? 365);
const reps = Number(process.argv[4] ?? 2);
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
