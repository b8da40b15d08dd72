/**
 * The import layering of DESIGN.md, checked on the sources: scripts/ (and ignition/) → simulation/ → protocol/ → lib/;
 * protocol/ is pure (no file system, no network, no Hardhat); nothing but tests imports test/; no import cycles, and
 * no relative `require()` that would hide one (Hardhat tasks, which must load lazily, excepted).
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOT = path.join(__dirname, "..");
const LAYERS = ["lib", "protocol", "simulation", "scripts", "ignition"] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer may import (besides itself). */
const ALLOWED: Record<Layer, readonly string[]> = {
  lib: [],
  protocol: ["lib"],
  simulation: ["protocol", "lib"],
  // typechain-types: the contracts' generated bindings
  scripts: ["simulation", "protocol", "lib", "ignition", "typechain-types"],
  ignition: ["scripts", "protocol", "lib"],
};
/** Packages protocol/ may not use: it is the pure twin of the contracts' math. */
const IMPURE = /^(node:)?(fs|child_process|net|http|https|worker_threads)$|^hardhat(\/|$)/;

interface Source {
  file: string;
  layer: Layer;
  imports: string[];
  packages: string[];
  requires: string[];
}

function sourcesOf(layer: Layer): Source[] {
  const out: Source[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) {
        const text = fs.readFileSync(p, "utf8");
        const info = ts.preProcessFile(text, true, true);
        const specs = info.importedFiles.map((f) => f.fileName);
        const relative = (s: string) => s.startsWith(".");
        const requires = [...text.matchAll(/\brequire\(\s*["'](\.[^"']+)["']\s*\)/g)].map((m) => m[1]);
        out.push({
          file: path.relative(ROOT, p),
          layer,
          imports: specs.filter(relative).map((s) => resolve(p, s)),
          packages: specs.filter((s) => !relative(s)),
          requires,
        });
      }
    }
  };
  walk(path.join(ROOT, layer));
  return out;
}

function resolve(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base + ".ts", path.join(base, "index.ts"), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return path.relative(ROOT, candidate);
  }
  return path.relative(ROOT, base);
}

const layerOf = (file: string) => file.split(path.sep)[0];

describe("layering (DESIGN.md)", function () {
  const sources = LAYERS.flatMap(sourcesOf);

  it("each layer imports only the layers below it, and nothing imports test/", function () {
    const violations = sources.flatMap((s) =>
      s.imports
        .filter((to) => layerOf(to) !== s.layer && !ALLOWED[s.layer].includes(layerOf(to)))
        .map((to) => `${s.file} → ${to}`),
    );
    expect(violations).to.deep.equal([]);
  });

  it("protocol/ is pure: no file system, processes, network or Hardhat", function () {
    const impure = sources
      .filter((s) => s.layer === "protocol" || s.layer === "lib")
      .flatMap((s) => s.packages.filter((p) => s.layer === "protocol" && IMPURE.test(p)).map((p) => `${s.file}: ${p}`));
    expect(impure).to.deep.equal([]);
  });

  it("has no import cycle", function () {
    const graph = new Map(sources.map((s) => [s.file, s.imports.filter((to) => to !== s.file)]));
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      stack.push(file);
      for (const to of graph.get(file) ?? []) {
        if (!graph.has(to)) continue;
        if (state.get(to) === "open") cycles.push([...stack.slice(stack.indexOf(to)), to].join(" → "));
        else if (!state.has(to)) visit(to);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
    expect(cycles).to.deep.equal([]);
  });

  it("no relative require() outside Hardhat tasks (a lazy require would hide a cycle)", function () {
    const hidden = sources
      .filter((s) => !s.file.startsWith(path.join("scripts", "tasks")))
      .flatMap((s) => s.requires.map((r) => `${s.file}: require("${r}")`));
    expect(hidden).to.deep.equal([]);
  });

  it("finds what it checks (the walk sees every layer and resolves imports)", function () {
    for (const layer of LAYERS)
      expect(
        sources.filter((s) => s.layer === layer),
        layer,
      ).to.not.be.empty;
    const engine = sources.find((s) => s.file === path.join("simulation", "engine.ts"));
    expect(engine?.imports).to.include(path.join("protocol", "reward.ts"));
  });
});
