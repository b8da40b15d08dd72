/**
 * Chain time in words: when an epoch starts or ends, how far that is from the latest block, and, on a local
 * network, the task that moves the clock there. Operators read these lines; raw unix timestamps alone are not enough.
 */

/** Networks whose clock the `time:advance` task may move (Hardhat's in-process network and `npx hardhat node`). */
export const LOCAL_NETWORKS: ReadonlySet<string> = new Set(["hardhat", "localhost"]);

/** A unix timestamp (seconds) as `2026-12-03 14:00:00 UTC`. */
export function utcText(seconds: bigint | number): string {
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** A positive duration in seconds as `2 d 3 h`, `4 h 5 min`, `6 min 7 s` or `8 s` (two largest units). */
export function durationText(seconds: bigint | number): string {
  let s = Math.max(0, Math.round(Number(seconds)));
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3_600],
    ["min", 60],
    ["s", 1],
  ];
  const parts: string[] = [];
  for (const [name, size] of units) {
    if (s >= size || (name === "s" && parts.length === 0)) {
      parts.push(`${Math.floor(s / size)} ${name}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

/**
 * Why an action must wait for `target` (an epoch boundary): `what` happens at `target`, which is some time after the
 * latest block; on a local network, the command that moves the clock there.
 */
export function waitText(what: string, target: bigint, latest: bigint, localNetwork: string | undefined): string {
  const line = `${what} at ${utcText(target)} (unix ${target}), ${durationText(target - latest)} after the latest block (${utcText(latest)})`;
  if (!localNetwork) return `${line}; try again then`;
  return `${line}; on this local network move the clock with \`npx hardhat time:advance --to ${target} --network ${localNetwork}\``;
}
