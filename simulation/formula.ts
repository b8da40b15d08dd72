/**
 * Scenario formulas (mathjs): a path a designer writes as an expression of the epoch `t` and named parameters, e.g.
 * `market.pricePath: "p0 * exp(-t / 400) * (1 + 0.1 * sin(2 * pi * t / 365))"`. Parsed and checked once at load
 * (unknown symbols and functions, assignments refused, naming the field and the symbol), compiled once per run,
 * evaluated per epoch. Formulas are pure: no assignment, no randomness, so runs stay deterministic.
 */
import type { MathJsInstance, MathNode } from "mathjs" with { "resolution-mode": "import" };

let instance: MathJsInstance | undefined;
/**
 * The mathjs instance, loaded on the first formula: loading mathjs costs ~75 MB of resident memory and ~0.3 s, which a
 * scenario without formulas (and every process that only imports the engine) should not pay.
 */
function math(): MathJsInstance {
  if (instance === undefined) {
    // mathjs ships CommonJS beside its ES module; its types are ES-module typed, hence the typed require
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mathjs = require("mathjs") as { create: (factories: unknown) => MathJsInstance; all: unknown };
    instance = mathjs.create(mathjs.all);
  }
  return instance;
}

/** The functions a formula may call: pure real functions (no random, no assignment, no import). */
export const FORMULA_FUNCTIONS = [
  "abs",
  "ceil",
  "cos",
  "exp",
  "floor",
  "log",
  "log10",
  "log2",
  "max",
  "min",
  "pow",
  "round",
  "sign",
  "sin",
  "sqrt",
  "tan",
  "tanh",
] as const;
/** Constants a formula may name. */
export const FORMULA_CONSTANTS = ["pi", "e"] as const;

/** The run-time variable of a price or demand path: the epoch. */
export const PATH_VARIABLES = ["t"] as const;

/** A formula refused at load or failing at run time; `field` is the scenario path (`market.pricePath`). */
export class FormulaError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "FormulaError";
  }
}

/** A compiled formula: its value for one assignment of its variables. */
export type Formula = (variables: Readonly<Record<string, number>>) => number;

function parseChecked(text: string, field: string, symbols: readonly string[]): MathNode {
  let node: MathNode;
  try {
    node = math().parse(text);
  } catch (err) {
    throw new FormulaError(field, `cannot parse "${text}": ${(err as Error).message}`);
  }
  const known = new Set<string>([...symbols, ...FORMULA_CONSTANTS]);
  const functions = new Set<string>(FORMULA_FUNCTIONS);
  node.traverse((n, _path, parent) => {
    if (n.type === "AssignmentNode" || n.type === "FunctionAssignmentNode" || n.type === "BlockNode") {
      throw new FormulaError(field, `"${text}": assignments are not allowed (a formula is one pure expression)`);
    }
    if (n.type === "FunctionNode") {
      const name = (n as unknown as { fn: MathNode & { name?: string } }).fn.name;
      if (name === undefined || !functions.has(name)) {
        throw new FormulaError(
          field,
          `unknown function "${name ?? n.toString()}"; expected one of ${FORMULA_FUNCTIONS.join(", ")}`,
        );
      }
      return;
    }
    if (n.type === "SymbolNode") {
      const name = (n as unknown as { name: string }).name;
      const isCallee = parent?.type === "FunctionNode" && (parent as unknown as { fn: MathNode }).fn === n;
      if (!isCallee && !known.has(name)) {
        throw new FormulaError(field, `unknown symbol "${name}"; expected one of ${[...known].join(", ")}`);
      }
    }
    if (
      n.type !== "ConstantNode" &&
      n.type !== "SymbolNode" &&
      n.type !== "OperatorNode" &&
      n.type !== "ParenthesisNode" &&
      n.type !== "ConditionalNode"
    ) {
      throw new FormulaError(
        field,
        `"${text}": ${n.type} is not allowed (numbers, symbols, operators and functions only)`,
      );
    }
  });
  return node;
}

/**
 * Checks a formula without compiling it for a run: throws {@link FormulaError} naming `field` and the first unknown
 * symbol or function. `variables` are the run-time symbols (`t`), `parameters` the scenario's named constants.
 */
export function checkFormula(
  text: string,
  field: string,
  variables: readonly string[],
  parameters: Readonly<Record<string, number>>,
): void {
  parseChecked(text, field, [...variables, ...Object.keys(parameters)]);
}

/**
 * Compiles a formula once: the returned function evaluates it with the parameters fixed and the variables given per
 * call, and throws {@link FormulaError} when the value is not a finite number (naming the field and the variables).
 */
export function compileFormula(
  text: string,
  field: string,
  variables: readonly string[],
  parameters: Readonly<Record<string, number>>,
): Formula {
  const compiled = parseChecked(text, field, [...variables, ...Object.keys(parameters)]).compile();
  const scope = new Map<string, number>(Object.entries(parameters));
  return (values) => {
    for (const v of variables) scope.set(v, values[v]);
    const value: unknown = compiled.evaluate(scope);
    if (typeof value !== "number" || !Number.isFinite(value)) {
      const at = variables.map((v) => `${v} = ${values[v]}`).join(", ");
      throw new FormulaError(field, `"${text}" is ${String(value)} at ${at}; expected a finite number`);
    }
    return value;
  };
}
