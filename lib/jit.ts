/**
 * A fresh copy of a self-contained factory function, for hot loops (a V8 detail, measured on Node 20).
 *
 * V8 compiles a closure's loops much better while only ONE closure has ever been created from its source function:
 * it then specialises the optimised code to that closure's context, so typed arrays the closure holds in `const`s
 * become constants (base pointer and length folded, no register pressure). From the second closure on (a second
 * simulation run, a kernel rebuilt after the arrays grew) the code is generic and the engine's passes ran ~1.4×
 * slower. Recompiling the factory's source with `new Function` gives every instance its own function, so every
 * run gets specialised code (at the price of one warm-up per instance, a few ms).
 *
 * The factory must be self-contained: it may use its parameters and globals (Math), nothing from its module
 * (the copy is compiled in the global scope). Its behaviour is identical; only the compiled code differs.
 */
export function freshCopy<F extends (...args: never[]) => unknown>(factory: F): F {
  // a distinct source text per copy: V8 caches `new Function` by source, which would hand back the same function
  copies++;
  return new Function(`"use strict"; return (${factory.toString()}); // copy ${copies}`)() as F;
}

let copies = 0;
