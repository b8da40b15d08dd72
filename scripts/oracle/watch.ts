/**
 * The watcher behind `epoch:watch`: recomputes every posted epoch from the public inputs (the published work reports
 * and the chain) and, for an epoch whose root or total does not match while it is still in its challenge window,
 * revokes it with the guardian key, or, without the key, says what it would do. Anyone can run it; only a guardian
 * can act on what it finds.
 *
 * `revokeEpoch` only takes the latest posted epoch, so a bad epoch e is revoked by walking back from the latest one
 * to e (the later epochs build on e's cumulative amounts, so they fall with it). Epochs are verified in order: an
 * epoch's recomputation needs the previous epoch's verified `rewards.csv`, which the watcher keeps in its own folder.
 */
import fs from "node:fs";
import path from "node:path";
import type { Provider, Signer } from "ethers";
import type { OracleSystem } from "./chain";
import { readEpochSummary } from "./outputs";
import { OracleError, verifyEpochRewards } from "./run";
import type { OracleParams } from "./params";

/** What the watcher found about one posted epoch. */
export interface EpochWatch {
  epoch: number;
  status: "match" | "mismatch" | "no-reports";
  /** Seconds the epoch is still revocable (0 once it is final). */
  revocableFor: number;
  postedRoot: string;
  computedRoot?: string;
  /** What the watcher did about a mismatch: revoked (tx hashes), or what it would do without the key. */
  action?: { kind: "revoked"; txHashes: string[] } | { kind: "would-revoke"; epochs: number[] } | { kind: "final" };
}

export interface WatchOptions {
  system: OracleSystem;
  provider: Provider;
  network: string;
  /** Folder of the published reports: `epoch-<N>.csv` or `epoch-<N>.json`. */
  reportsDir: string;
  /** The watcher's own folder of verified epochs (`<outDir>/<epoch>/…`, as `epoch:verify --write` writes). */
  outDir: string;
  /** A GUARDIAN_ROLE key: revoke mismatching roots with it. Without it the watcher only reports. */
  guardian?: Signer;
  /** The oracle parameters every epoch is recomputed with (the posting oracle's `params.json`). */
  params: OracleParams;
  log?: (line: string) => void;
}

/** The published reports file of `epoch` in `dir`, if any. */
export function reportsFileOf(dir: string, epoch: number): string | undefined {
  for (const ext of [".csv", ".json"]) {
    const file = path.join(dir, `epoch-${epoch}${ext}`);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/**
 * One pass over the posted epochs, oldest first. Already-verified epochs (their `epoch.json` in `outDir` holds the
 * posted root) are skipped. Stops at the first epoch it cannot recompute (no reports) or that does not match, since
 * every later epoch builds on it.
 */
export async function watchOnce(options: WatchOptions): Promise<EpochWatch[]> {
  const { system, provider, outDir } = options;
  const { distributor } = system;
  const log = options.log ?? (() => {});
  const window = Number(await distributor.challengeWindow());
  const next = Number(await distributor.nextEpochToPost());
  const latest = await provider.getBlock("latest");
  const now = latest!.timestamp;
  const found: EpochWatch[] = [];
  for (let epoch = 0; epoch < next; epoch++) {
    const [post, postedRoot] = await Promise.all([distributor.epochPost(epoch), distributor.epochRoot(epoch)]);
    const revocableFor = Math.max(0, Number(post.postedAt) + window - now);
    const verified = readEpochSummary(outDir, epoch);
    if (verified !== undefined && verified.root === postedRoot && BigInt(verified.total) === post.total) continue;

    const reportsFile = reportsFileOf(options.reportsDir, epoch);
    if (reportsFile === undefined) {
      log(`epoch ${epoch}: no published reports (epoch-${epoch}.csv/.json) in ${options.reportsDir}; cannot check it`);
      found.push({ epoch, status: "no-reports", revocableFor, postedRoot });
      break;
    }
    const outcome = await verifyEpochRewards({
      system,
      provider,
      network: options.network,
      epoch,
      reportsFile,
      outDir,
      params: options.params,
      write: true,
    });
    if (outcome.pass) {
      log(`epoch ${epoch}: root ${postedRoot} matches the recomputation`);
      found.push({ epoch, status: "match", revocableFor, postedRoot, computedRoot: outcome.computedRoot });
      continue;
    }
    const entry: EpochWatch = {
      epoch,
      status: "mismatch",
      revocableFor,
      postedRoot,
      computedRoot: outcome.computedRoot,
    };
    log(
      `epoch ${epoch}: MISMATCH: posted root ${postedRoot} total ${outcome.postedTotal}, recomputed root ${outcome.computedRoot} total ${outcome.computedTotal}`,
    );
    const toRevoke = Array.from({ length: next - epoch }, (_, i) => next - 1 - i); // latest first, down to `epoch`
    if (revocableFor === 0) {
      log(`epoch ${epoch}: its challenge window is over; the root is final and can no longer be revoked`);
      entry.action = { kind: "final" };
    } else if (options.guardian === undefined) {
      log(
        `epoch ${epoch}: would revoke epochs ${toRevoke.join(", ")} (revokeEpoch, latest first) within ${revocableFor} s; no guardian key given`,
      );
      entry.action = { kind: "would-revoke", epochs: toRevoke };
    } else {
      const guardian = await options.guardian.getAddress();
      if (!(await distributor.hasRole(await distributor.GUARDIAN_ROLE(), guardian))) {
        throw new OracleError(`${guardian} does not hold GUARDIAN_ROLE on the distributor; cannot revoke`);
      }
      const txHashes: string[] = [];
      for (const e of toRevoke) {
        const tx = await distributor.connect(options.guardian).revokeEpoch(e);
        await tx.wait();
        txHashes.push(tx.hash);
        log(`epoch ${e}: revoked by ${guardian} (tx ${tx.hash})`);
      }
      entry.action = { kind: "revoked", txHashes };
    }
    found.push(entry);
    break;
  }
  return found;
}
