import type { Backend } from '../backend/backend';
import { DisposedError } from '../errors';
import { release, track, trackAlone, uncount, type Held } from './memory';
import { registerInScope } from './scope';
import type { Shape } from './shape';
import { sizeOf } from './shape';

/** A nested array of numbers, as produced by `array()`. */
export type NestedArray = number | NestedArray[];

let nextId = 1;

/**
 * An n-dimensional float32 array living on one backend. Tensors are immutable (except `Variable`s, which
 * `assign` in place); every op returns a new tensor. Release storage with `dispose()` or a `tidy` scope;
 * a FinalizationRegistry frees forgotten tensors when JS collects them.
 */
export class Tensor {
  /** Unique id, used by the autograd tape. */
  readonly id: number;
  /** Dimensions, outermost first ([] for a scalar). */
  readonly shape: Shape;
  /** Number of elements. */
  readonly size: number;
  /** Always 'float32'. */
  readonly dtype = 'float32' as const;
  /** @internal The backend that owns the storage. */
  readonly backend: Backend;
  /** @internal */
  protected held: Held;

  /** @internal Use `tensor()` and the other creation functions instead. */
  constructor(backend: Backend, storage: unknown, shape: Shape) {
    this.id = nextId++;
    this.backend = backend;
    // Shapes are never mutated after construction; ops hand over arrays they own or share a tensor's shape.
    this.shape = shape;
    this.size = sizeOf(shape);
    this.held = track(this, backend, storage, this.size * 4);
    registerInScope(this);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True once `dispose()` ran (directly or through a `tidy` scope). */
  get isDisposed(): boolean {
    return this.held.released;
  }

  /** @internal The backend buffer; throws `DisposedError` after dispose. */
  get storage(): unknown {
    if (this.held.released) {
      throw new DisposedError(`Tensor ${this.id} (shape [${this.shape.join(', ')}]) was disposed and cannot be used; keep it with keep() or return it from tidy() to use it later`);
    }
    return this.held.storage;
  }

  /** A copy of the values, row-major. Waits for pending device work. */
  dataSync(): Float32Array {
    return this.backend.download(this.storage);
  }

  /** A copy of the values, row-major, as a promise. */
  async data(): Promise<Float32Array> {
    return this.dataSync();
  }

  /** The values as nested arrays of numbers shaped like the tensor (a number for a scalar). */
  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape);
  }

  /** The values as nested arrays, as a promise. */
  async array(): Promise<NestedArray> {
    return this.arraySync();
  }

  /** Releases the storage. Further use throws `DisposedError`. Idempotent. */
  dispose(): void {
    release(this.held);
  }

  /** @internal A long-lived tensor (a Variable): released by a finalizer of its own when forgotten. */
  protected trackAlone(): void {
    trackAlone(this, this.held);
  }

  /** @internal Leaves this tensor out of `memory()`: a constant the library keeps for its own use. */
  uncount(): void {
    uncount(this.held);
  }

  /** A short description: shape and, for small tensors, the values. */
  toString(): string {
    if (this.isDisposed) return `Tensor(disposed, shape=[${this.shape.join(',')}])`;
    const body = this.size <= 20 ? JSON.stringify(this.arraySync()) : `${this.size} values`;
    return `Tensor(shape=[${this.shape.join(',')}], ${body})`;
  }
}

/** Shapes a flat array into nested arrays. */
export function toNested(values: ArrayLike<number>, shape: Shape): NestedArray {
  if (shape.length === 0) return values[0];
  const build = (dim: number, offset: number, stride: number): NestedArray[] => {
    const n = shape[dim];
    const inner = stride / Math.max(n, 1);
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = dim === shape.length - 1 ? values[offset + i] : build(dim + 1, offset + i * inner, inner);
    }
    return out;
  };
  return build(0, 0, sizeOf(shape));
}
