/**
 * Renders Vega-Lite specs to static SVG strings in Node, without a browser, a canvas or the network.
 *
 * vega and vega-lite 6 are ESM-only with top-level await; this CommonJS package loads them with a real dynamic
 * `import()` (tsconfig module node16 keeps it) and caches the modules for the life of the process.
 */

/** A Vega-Lite top-level spec. Kept loose on purpose: the ESM-only vega-lite types cannot be imported from CommonJS. */
export type VlSpec = Record<string, unknown>;

interface VegaModules {
  vega: typeof import("vega", { with: { "resolution-mode": "import" } });
  vl: typeof import("vega-lite", { with: { "resolution-mode": "import" } });
}

let modules: Promise<VegaModules> | undefined;

function loadVega(): Promise<VegaModules> {
  modules ??= (async () => {
    const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
    return { vega, vl };
  })();
  return modules;
}

/**
 * Compiles and renders one Vega-Lite spec to an SVG string.
 * The view uses renderer "none" (no DOM) and a loader that refuses every URL, so a spec can never reach the network:
 * all data must be inline `values`.
 */
export async function renderSvg(spec: VlSpec): Promise<string> {
  const { vega, vl } = await loadVega();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const compiled = vl.compile(spec as any).spec;
  const refuse = vega.loader();
  refuse.load = async (uri: string) => {
    throw new Error(`report chart tried to load "${uri}"; charts must use inline data only`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: "none", loader: refuse });
  try {
    return (await view.toSVG()).trim();
  } finally {
    view.finalize();
  }
}

/**
 * Makes vega's SVG safe to inline next to other charts: vega names clip paths `clip1`, `clip2`, … per view, and two
 * inline SVGs with the same ids would clip each other's marks. The caller passes a unique prefix per chart.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}
