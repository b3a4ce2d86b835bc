import { ValueError, describe } from '../errors';
import type { Tensor } from './tensor';

/** Tensors created inside each open `tidy` scope, innermost last. */
const scopes: Set<Tensor>[] = [];
/** Tensors exempt from every scope (`keep`). */
const kept = new WeakSet<Tensor>();
/** Tensors the autograd tape still needs: inner scopes hand them to their parent instead of disposing. */
const taped = new WeakSet<Tensor>();

/** @internal The tape holds `t` until its gradients are computed. */
export function holdForTape(t: Tensor): void {
  taped.add(t);
}

/** @internal The tape no longer needs `t`. */
export function releaseFromTape(t: Tensor): void {
  taped.delete(t);
}

/** @internal Called by the Tensor constructor. */
export function registerInScope(t: Tensor): void {
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/** Marks a tensor so that no enclosing `tidy` scope disposes it. Returns the tensor. */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t);
  for (const s of scopes) s.delete(t);
  return t;
}

/** Tensors reachable from a tidy result: a tensor, or arrays / plain objects of them. */
function collect(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (value === null || value === undefined || depth > 8) return;
  if (typeof value !== 'object') return;
  if ('storage' in (value as object) && 'shape' in (value as object) && 'backend' in (value as object)) {
    out.add(value as Tensor);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out, depth + 1);
}

/**
 * Runs `fn` and disposes every tensor created inside it, except the tensors it returns (alone, in an
 * array or in a plain object), variables, and tensors passed to `keep`. Returned tensors move to the
 * enclosing scope. `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ValueError(`tidy(fn): fn must be a function, got ${describe(fn)}`);
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scopes.pop();
    for (const t of scope) if (!kept.has(t) && !isVariable(t)) t.dispose();
    throw err;
  }
  scopes.pop();
  if (result instanceof Promise) {
    throw new ValueError('tidy(fn): fn returned a Promise; tidy only accepts synchronous functions');
  }
  const keepSet = new Set<Tensor>();
  collect(result, keepSet);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (keepSet.has(t) || kept.has(t) || isVariable(t) || taped.has(t)) {
      if (parent && !kept.has(t) && !isVariable(t)) parent.add(t);
    } else {
      t.dispose();
    }
  }
  return result;
}

function isVariable(t: Tensor): boolean {
  return (t as unknown as { isVariable?: boolean }).isVariable === true;
}
