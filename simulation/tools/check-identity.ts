/**
 * The byte-identity check of the simulator's outputs (a tool, not a test; nothing in simulation/ imports it).
 *
 *   npx ts-node --transpile-only simulation/tools/check-identity.ts capture [--commit 8aa76ea] [--dir DIR]
 *   npx ts-node --transpile-only simulation/tools/check-identity.ts compare [--dir DIR] [--only NAME,…]
 *
 * `capture` checks the named commit out into a temporary git worktree (node_modules linked from this checkout), runs
 * every case of {@link CASES} there through the command line (`simulation/cli.ts`, so it works on any commit with
 * the same flags) and keeps the output files in DIR (default `out/identity/<commit>`), with `reference.json` naming
 * the commit. `compare` runs the same cases on this checkout and compares every file with the reference, after
 * applying the intended output changes of {@link INTENDED_CHANGES} to the reference files (each with its reason).
 * It prints one line per case and exits 1 when any file differs (naming the file and the first differing line).
 *
 * A case whose scenario does not exist in the captured commit (a built-in added later) is not captured there, and
 * `compare` lists the cases its reference lacks instead of comparing them.
 *
 * Before comparing, both sides replace the output folder by `<out>` and the commit hash recorded in summary.json,
 * sweep.json and the report by `<commit>` (they name where and from what they were written, nothing else).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";

const ROOT = path.join(__dirname, "..", "..");

/** One command line of the simulator whose output folder is checked file by file. */
interface IdentityCase {
  name: string;
  /** Arguments of `simulation/cli.ts`; `{out}` is the case's output folder, `{out:x}` a sibling folder x. */
  args: string[];
}

const SCENARIOS = [
  "adaptive-farmer",
  "baseline",
  "bear-market",
  "collusion-ring",
  "fake-work",
  "filecoin-like",
  "gpu-compute",
  "helium-like",
  "location-spoofing",
  "mercenary-capital",
  "sybil-swarm",
];

const SWEEP = [
  "sweep",
  "--scenario",
  "sybil-swarm",
  "--param",
  "levers.minBond=10,1000",
  "--param",
  "levers.detection.sybil=0,0.01",
  "--runs",
  "2",
  "--epochs",
  "120",
  "--workers",
  "2",
  "--quiet",
];

/** Every built-in scenario (fast mode, with the report), exact mode on three, two workers, a sweep and a merge. */
export const CASES: IdentityCase[] = [
  ...SCENARIOS.map((s) => ({
    name: `simulate-${s}`,
    args: ["simulate", "--scenario", s, "--out", "{out}", "--quiet"],
  })),
  ...[
    ["fake-work", "2", "60"],
    ["sybil-swarm", "1", "90"],
    ["adaptive-farmer", "1", "300"],
  ].map(([s, runs, epochs]) => ({
    name: `exact-${s}`,
    args: ["simulate", "--scenario", s, "--mode", "exact", "--runs", runs, "--epochs", epochs, "--out", "{out}"].concat(
      ["--quiet", "--no-report"],
    ),
  })),
  {
    name: "workers-baseline",
    args: ["simulate", "--scenario", "baseline", "--runs", "4", "--epochs", "100", "--workers", "2"].concat([
      "--out",
      "{out}",
      "--quiet",
      "--no-report",
    ]),
  },
  { name: "sweep-sybil-swarm", args: [...SWEEP, "--out", "{out}"] },
  {
    name: "sweep-merged",
    args: ["merge", "--out", "{out}", "--quiet", "{out:shard0}", "{out:shard1}"],
  },
];

/** Shards the merge case joins (run before it, into sibling folders; their own files are not compared). */
const MERGE_SHARDS = [0, 1].map((i) => ({
  folder: `shard${i}`,
  args: [...SWEEP, "--shard", `${i}/2`, "--out", "{folder}"],
}));

/**
 * An output change made on purpose: `apply` turns the reference's files (relative path → text) into what the
 * current code is meant to write. The list is the record of every intended difference and its reason.
 */
export interface IntendedChange {
  id: string;
  reason: string;
  apply(files: Map<string, string>): void;
}

/** The report's and the glossary's wording for agent groups, before → now (the "groups-not-classes" change). */
const GROUP_WORDING: ReadonlyArray<readonly [string, string]> = [
  ["classes.csv", "groups.csv"],
  ["agent class", "agent group"],
  ["Agent class", "Agent group"],
  ["rewards-by-class", "rewards-by-group"],
  ["Each class's", "Each group's"],
  ["Each class&#39;s", "Each group&#39;s"],
  ["a farmer class", "a farmer group"],
  ["per class (", "per group ("],
  ["paid to the class.", "paid to the group."],
  ["done by the class.", "done by the group."],
  ["devices of the class after", "devices of the group after"],
  ["from the class over the run", "from the group over the run"],
];

/** The sweep report's wording of the frontier, before → now (the "frontier-not-passing-neighbour" change). */
const FRONTIER_WORDING: ReadonlyArray<readonly [string, string]> = [
  ["passing settings next to a failing one.", "passing settings next to one that fails or is marginal."],
  [
    "and sit next to a setting that fails: the edge",
    "and sit next to a setting that does not (it fails, or is only marginal): the edge",
  ],
  ["every threshold next to a setting that fails", "every threshold next to a setting that fails or is marginal"],
  [
    "next to a failing one, the edge of the safe region.",
    "next to one that fails or is marginal, the edge of the safe region.",
  ],
  ["sits next to a failing one.", "sits next to one that fails or is marginal."],
  ["(passing settings next to a failing one)", "(passing settings next to one that fails or is marginal)"],
];

/** Every `before` replaced by its `now` in `text`. */
function reword(text: string, wording: ReadonlyArray<readonly [string, string]>): string {
  return wording.reduce((t, [before, now]) => t.replaceAll(before, now), text);
}

export const INTENDED_CHANGES: IntendedChange[] = [
  {
    id: "groups-not-classes",
    reason:
      'per-agent-group totals: classes.csv is now groups.csv and summary.json\'s "classes" is "groups"; the report ' +
      'and glossary say "group" where they said "class" of an agent group (chart rewards-by-class is rewards-by-group), ' +
      'so that "class" means only a device class',
    apply(files) {
      for (const [name, text] of [...files]) {
        let next = reword(text, GROUP_WORDING);
        if (name.endsWith("summary.json")) next = next.replace(/^ {2}"classes": \{/m, '  "groups": {');
        const renamed = name
          .replace(/(^|\/)classes\.csv$/, "$1groups.csv")
          .replace("rewards-by-class.svg", "rewards-by-group.svg");
        if (renamed !== name) files.delete(name);
        files.set(renamed, next);
      }
    },
  },
  {
    id: "frontier-not-passing-neighbour",
    reason:
      "a sweep's frontier is a passing setting next to one that does not pass (fails or is only marginal), not only " +
      "next to one that fails: with marginal settings between the pass and fail regions the frontier was empty",
    apply(files) {
      for (const [name, text] of files) files.set(name, reword(text, FRONTIER_WORDING));
    },
  },
];

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function runCli(tree: string, args: string[]): void {
  try {
    execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "simulation/cli.ts", ...args], {
      cwd: tree,
      env: { ...process.env, TS_NODE_PROJECT: path.join(tree, "tsconfig.json") },
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`simulation/cli.ts ${args.join(" ")} failed in ${tree}:\n${stderr}`, { cause: err });
  }
}

/** Run every case (or the named ones) on the checkout `tree`, writing each case's folder under `dir`. */
function runCases(tree: string, dir: string, only: Set<string> | null): IdentityCase[] {
  // a built-in scenario added after the commit being run has no case there
  const missing = (c: IdentityCase) => {
    const k = c.args.indexOf("--scenario");
    return k >= 0 && !fs.existsSync(path.join(tree, "simulation", "scenarios", `${c.args[k + 1]}.yaml`));
  };
  const cases = CASES.filter((c) => (only === null || only.has(c.name)) && !missing(c));
  for (const c of cases) {
    const out = path.join(dir, c.name);
    fs.rmSync(out, { recursive: true, force: true });
    if (c.name === "sweep-merged") {
      for (const shard of MERGE_SHARDS) {
        const folder = path.join(dir, `${c.name}.${shard.folder}`);
        fs.rmSync(folder, { recursive: true, force: true });
        runCli(
          tree,
          shard.args.map((a) => a.replace("{folder}", folder)),
        );
      }
    }
    const started = Date.now();
    runCli(
      tree,
      c.args.map((a) =>
        a.replace(/\{out:(\w+)\}/, (_m, x: string) => path.join(dir, `${c.name}.${x}`)).replace("{out}", out),
      ),
    );
    process.stderr.write(`  ran ${c.name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  return cases;
}

/** Every file under `dir` (relative paths, sorted) with its text. */
function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const rel of (fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[]).sort()) {
    const file = path.join(dir, rel);
    if (fs.statSync(file).isFile()) files.set(rel, fs.readFileSync(file, "latin1"));
  }
  return files;
}

/** Replace the folders and commit a run names about itself by placeholders. */
function normalise(files: Map<string, string>, folders: string[], commit: string): void {
  for (const [name, text] of files) {
    let t = text;
    for (const folder of folders) t = t.split(folder).join("<out>");
    files.set(name, t.split(commit).join("<commit>"));
  }
}

function firstDifference(a: string, b: string): string {
  const x = a.split("\n");
  const y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) {
      const clip = (s: string | undefined) =>
        s === undefined ? "(no line)" : s.length > 160 ? s.slice(0, 160) + "…" : s;
      return `line ${i + 1}:\n      reference: ${clip(x[i])}\n      now:       ${clip(y[i])}`;
    }
  }
  return "(same lines, different bytes)";
}

function flagValue(argv: string[], name: string): string | undefined {
  const k = argv.indexOf(`--${name}`);
  return k >= 0 ? argv[k + 1] : undefined;
}

function capture(argv: string[]): number {
  const commit = git(ROOT, "rev-parse", flagValue(argv, "commit") ?? "8aa76ea");
  const dir = path.resolve(flagValue(argv, "dir") ?? path.join(ROOT, "out", "identity", commit.slice(0, 7)));
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), `identity-${commit.slice(0, 7)}-`));
  fs.rmSync(tree, { recursive: true });
  git(ROOT, "worktree", "add", "--detach", tree, commit);
  try {
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(tree, "node_modules"));
    fs.mkdirSync(dir, { recursive: true });
    process.stderr.write(`capturing the reference at ${commit} in ${dir}\n`);
    const captured = runCases(tree, dir, null);
    fs.writeFileSync(
      path.join(dir, "reference.json"),
      JSON.stringify({ commit, cases: captured.map((c) => c.name) }, null, 2) + "\n",
    );
  } finally {
    git(ROOT, "worktree", "remove", "--force", tree);
  }
  return 0;
}

function compare(argv: string[]): number {
  const defaultDir = path.join(ROOT, "out", "identity", "8aa76ea");
  const refDir = path.resolve(flagValue(argv, "dir") ?? defaultDir);
  const refFile = path.join(refDir, "reference.json");
  if (!fs.existsSync(refFile)) {
    console.error(`no reference in ${refDir}: run 'check-identity.ts capture --commit <commit> --dir ${refDir}' first`);
    return 2;
  }
  const reference = JSON.parse(fs.readFileSync(refFile, "utf8")) as { commit: string; cases?: string[] };
  const only = flagValue(argv, "only") ? new Set((flagValue(argv, "only") as string).split(",")) : null;
  // cases the reference does not have (a scenario added since) are listed, not compared
  const inReference = (name: string) => reference.cases === undefined || reference.cases.includes(name);
  for (const c of CASES) {
    if (!inReference(c.name) && (only === null || only.has(c.name)))
      console.log(`new   ${c.name}: not in the reference (capture a newer one to check it)`);
  }
  const nowDir = fs.mkdtempSync(path.join(os.tmpdir(), "identity-now-"));
  const head = git(ROOT, "rev-parse", "HEAD");
  process.stderr.write(`comparing ${head.slice(0, 7)} (working tree) with the reference at ${reference.commit}\n`);
  const cases = runCases(
    ROOT,
    nowDir,
    new Set(CASES.map((c) => c.name).filter((n) => inReference(n) && (only === null || only.has(n)))),
  );
  let failed = 0;
  const used = new Set<string>();
  for (const c of cases) {
    const ref = readTree(path.join(refDir, c.name));
    const now = readTree(path.join(nowDir, c.name));
    const shardFolders = (dir: string) => MERGE_SHARDS.map((s) => path.join(dir, `${c.name}.${s.folder}`));
    normalise(ref, [path.join(refDir, c.name), ...shardFolders(refDir)], reference.commit);
    normalise(now, [path.join(nowDir, c.name), ...shardFolders(nowDir)], head);
    const before = new Map(ref);
    for (const change of INTENDED_CHANGES) {
      const snapshot = new Map(ref);
      change.apply(ref);
      if ([...ref].some(([k, v]) => snapshot.get(k) !== v) || ref.size !== snapshot.size) used.add(change.id);
    }
    const problems: string[] = [];
    for (const name of new Set([...ref.keys(), ...now.keys()])) {
      const a = ref.get(name);
      const b = now.get(name);
      if (a === undefined) problems.push(`    ${name}: written now, not in the reference`);
      else if (b === undefined) problems.push(`    ${name}: in the reference, not written now`);
      else if (a !== b) problems.push(`    ${name}: differs at ${firstDifference(a, b)}`);
    }
    const changed = [...now.keys()].filter((k) => before.get(k) !== now.get(k)).length;
    if (problems.length === 0) {
      console.log(
        `ok    ${c.name}: ${now.size} files identical${changed > 0 ? ` (${changed} after the intended changes)` : ""}`,
      );
    } else {
      failed++;
      console.log(`FAIL  ${c.name}: ${problems.length} of ${now.size} files differ`);
      for (const p of problems.slice(0, 8)) console.log(p);
    }
  }
  for (const change of INTENDED_CHANGES) {
    console.log(
      `intended change ${change.id}${used.has(change.id) ? "" : " (not seen in these cases)"}: ${change.reason}`,
    );
  }
  fs.rmSync(nowDir, { recursive: true, force: true });
  console.log(
    failed === 0
      ? `identical to ${reference.commit} on all ${cases.length} cases (modulo ${INTENDED_CHANGES.length} intended changes)`
      : `${failed} of ${cases.length} cases differ from ${reference.commit}`,
  );
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  const [command, ...rest] = process.argv.slice(2);
  const code = command === "capture" ? capture(rest) : command === "compare" ? compare(rest) : -1;
  if (code < 0) {
    console.error("usage: check-identity.ts capture [--commit C] [--dir DIR] | compare [--dir DIR] [--only NAME,…]");
    process.exit(2);
  }
  process.exit(code);
}
