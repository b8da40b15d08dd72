import fs from "node:fs";
import path from "node:path";

/**
 * The repository's root: the nearest directory at or above this file that holds package.json. Found rather than
 * fixed relative to `__dirname`, so the same code works from the sources (ts-node) and from a compiled build in
 * `dist/` (`npm run bench:sim`), whose files sit one level deeper.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.join(__dirname, "..");
  }
}

export const REPO_ROOT = findRoot(__dirname);
