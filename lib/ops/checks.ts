/** Argument checks shared by the ops: each error names the op, the argument, what was expected and what came. */
import { ShapeError, ValueError, BackendError, describe } from '../errors';
import { Tensor } from '../tensor/tensor';
import type { Backend } from '../backend/backend';

/** Throws unless `x` is a live Tensor. */
export function checkTensor(x: unknown, op: string, arg: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${arg} must be a Tensor, got ${describe(x)}`);
  void x.storage; // throws DisposedError when disposed
  return x;
}

/** Throws unless every tensor lives on the same backend; returns it. */
export function commonBackend(op: string, ...xs: Tensor[]): Backend {
  const b = xs[0].backend;
  for (const x of xs) {
    if (x.backend !== b) throw new BackendError(`${op}: tensors live on different backends (${b.name} and ${x.backend.name}); recreate them after setBackend()`);
  }
  return b;
}

/** Throws unless `x` has exactly `rank` dimensions. */
export function checkRank(x: Tensor, rank: number, op: string, arg: string): void {
  if (x.rank !== rank) throw new ShapeError(`${op}: ${arg} must have rank ${rank}, got shape [${x.shape.join(', ')}]`);
}

/** Throws unless `v` is a finite number. */
export function checkNumber(v: unknown, op: string, arg: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${op}: ${arg} must be a finite number, got ${describe(v)}`);
  return v;
}
