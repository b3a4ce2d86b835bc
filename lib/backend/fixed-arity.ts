/**
 * Functions with a fixed number of parameters, made once per kernel from the kernel table when a backend is
 * created: the dispatch funnels (lib/backend/dispatch.ts) and the native adapters' op-name translation
 * (lib/backend/native-kernels.ts). A rest parameter passed on with a spread call allocates an array per call;
 * fixed parameters keep a kernel call as cheap as a hand-written wrapper (measured on a 32-float `unary`: the rest
 * and spread forms cost about 50-90 ns more per call than this, which costs nothing measurable over the direct
 * call). The bodies are generated from the arity only; no caller-supplied text is evaluated.
 */

/** A function of any arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFn = (...args: any[]) => unknown;

/** "a0, a1, ..., a<n-1>" */
function params(n: number): string {
  return Array.from({ length: n }, (_, i) => `a${i}`).join(', ');
}

function checkArity(arity: number): void {
  if (!Number.isInteger(arity) || arity < 0 || arity > 32) throw new RangeError(`arity must be an integer in [0, 32], got ${arity}`);
}

/**
 * `(a0, ..., a<arity-1>) => (listeners.length === 0 ? fn(a0, ...) : slow([a0, ...]))`: calls `fn` directly while
 * `listeners` (read at every call) is empty, else hands the arguments to `slow` as an array.
 */
export function funnel(arity: number, fn: AnyFn, listeners: readonly unknown[], slow: (args: unknown[]) => unknown): AnyFn {
  checkArity(arity);
  const p = params(arity);

  const make = new Function('fn', 'listeners', 'slow', `return function (${p}) { return listeners.length === 0 ? fn(${p}) : slow([${p}]); };`);
  return make(fn, listeners, slow) as AnyFn;
}

/**
 * `(a0, ..., a<arity-1>) => { before?.(); return f(a0, ..., table[a<at>], ...); }`: calls `f` with the arguments at
 * the positions of `lookups` replaced by their entry in that position's table.
 */
export function translating(arity: number, f: AnyFn, lookups: ReadonlyArray<readonly [number, Readonly<Record<string, number>>]>,
  before: (() => void) | null): AnyFn {
  checkArity(arity);
  const args = Array.from({ length: arity }, (_, i) => {
    const k = lookups.findIndex(([at]) => at === i);
    return k < 0 ? `a${i}` : `t${k}[a${i}]`;
  }).join(', ');
  const tables = lookups.map((_, k) => `t${k}`);
  const body = `return function (${params(arity)}) { ${before !== null ? 'before(); ' : ''}return f(${args}); };`;

  const make = new Function('f', 'before', ...tables, body);
  return make(f, before, ...lookups.map(([, table]) => table)) as AnyFn;
}
