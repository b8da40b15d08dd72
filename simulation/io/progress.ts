/** The progress bar (with ETA) that simulate and sweep print on stderr while replicates run. */
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number): void;
  increment(): void;
  stop(): void;
}

/** A bar over `total` items named `unit` ("runs"), or nothing when `quiet` or there is nothing to do. */
export function progressBar(total: number, unit: string, quiet: boolean): Progress | undefined {
  if (quiet || total === 0) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      format: `{bar} {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
      stream: process.stderr,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), increment: () => bar.increment(), stop: () => bar.stop() };
}
