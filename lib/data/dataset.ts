/**
 * Dataset: a lazy, re-iterable stream of elements (tfjs-data's and tf.data's model) that `fit`, `evaluate` and
 * `predict` consume batch by batch. Each iteration starts a new pass from the source; transformations are lazy.
 * Internally elements move in chunks (arrays read together, e.g. the rows of one block of a file), so a
 * transformation costs a plain loop per element and one `await` per chunk.
 */
import { ValueError, describe } from '../errors';
import { checkOptions, optionKeys } from '../options/strict';
import { Random, generatorFor } from '../tensor/random';
import { disposeElement, stackBatch } from './batch-stack';

/** A pass over the chunks of a dataset. */
export type ChunkIterator<T> = AsyncIterator<T[], undefined>;
/** Starts a new pass. */
export type ChunkSource<T> = () => ChunkIterator<T>;

function positiveInt(v: unknown, what: string, allowInfinity = false): number {
  if (allowInfinity && v === Infinity) return v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValueError(`${what} must be an integer >= 1, got ${describe(v)}`);
  return v;
}

function nonNegativeInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ValueError(`${what} must be an integer >= 0, got ${describe(v)}`);
  return v;
}

/** Options of {@link Dataset.batch}. */
export interface BatchOptions {
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropRemainder?: boolean;
}

const BATCH_KEYS = optionKeys<BatchOptions>({ dropRemainder: true });

/**
 * A lazy sequence of elements. Make one with `my.data.fromArrays`, `fromGenerator` or `fromCsv`, chain
 * transformations (each returns a new Dataset), and pass it to `model.fit(dataset, options)`. Iterate it with
 * `for await (const e of dataset)`; every iteration is a new pass over the source.
 */
export class Dataset<T = unknown> implements AsyncIterable<T> {
  /** @internal */
  constructor(private readonly source: ChunkSource<T>) {}

  /** @internal A new pass over the chunks. */
  chunks(): ChunkIterator<T> {
    return this.source();
  }

  /** A new pass, element by element. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, undefined> {
    const it = this.source();
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return undefined;
        for (const e of r.value) yield e;
      }
    } finally {
      await it.return?.();
    }
  }

  /** Every element of one pass, in an array (for small datasets and tests). */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const e of this) out.push(e);
    return out;
  }

  /** A dataset made by `make` from a pass over this one's chunks. */
  private derive<U>(make: (it: ChunkIterator<T>) => AsyncGenerator<U[], undefined>): Dataset<U> {
    return new Dataset<U>(() => make(this.source()));
  }

  /** Applies `fn` to every element (an async `fn` is awaited; elements keep their order). */
  map<U>(fn: (element: T) => U | Promise<U>): Dataset<U> {
    if (typeof fn !== 'function') throw new ValueError(`Dataset.map: fn must be a function, got ${describe(fn)}`);
    return this.derive(async function* (it) {
      for await (const chunk of iterate(it)) {
        const out = chunk.map(fn);
        yield out.some((v) => v instanceof Promise) ? await Promise.all(out) : (out as U[]);
      }
      return undefined;
    });
  }

  /** Keeps the elements for which `predicate` returns true. */
  filter(predicate: (element: T) => boolean): Dataset<T> {
    if (typeof predicate !== 'function') throw new ValueError(`Dataset.filter: predicate must be a function, got ${describe(predicate)}`);
    return this.derive(async function* (it) {
      for await (const chunk of iterate(it)) {
        const kept = chunk.filter(predicate);
        if (kept.length > 0) yield kept;
      }
      return undefined;
    });
  }

  /** The first `count` elements. */
  take(count: number): Dataset<T> {
    const n = nonNegativeInt(count, 'Dataset.take: count');
    return this.derive(async function* (it) {
      let left = n;
      if (left === 0) return undefined;
      for await (const chunk of iterate(it)) {
        if (chunk.length >= left) { yield chunk.slice(0, left); return undefined; }
        left -= chunk.length;
        yield chunk;
      }
      return undefined;
    });
  }

  /** All but the first `count` elements. */
  skip(count: number): Dataset<T> {
    const n = nonNegativeInt(count, 'Dataset.skip: count');
    return this.derive(async function* (it) {
      let left = n;
      for await (const chunk of iterate(it)) {
        if (left >= chunk.length) { left -= chunk.length; continue; }
        yield left > 0 ? chunk.slice(left) : chunk;
        left = 0;
      }
      return undefined;
    });
  }

  /**
   * Every `numShards`-th element from `index` on (elements i with i % numShards === index): one worker's part
   * of the data in distributed training. Shard before shuffling so that the parts are disjoint, or shuffle
   * with the same seed on every rank first (`ds.shuffle(n, seed).shard(world.size, world.rank)`): each pass is
   * then the same permutation everywhere, split across the ranks.
   */
  shard(numShards: number, index: number): Dataset<T> {
    const n = positiveInt(numShards, 'Dataset.shard: numShards');
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= n) throw new ValueError(`Dataset.shard: index must be an integer in [0, ${n - 1}], got ${describe(index)}`);
    return this.derive(async function* (it) {
      let i = 0;
      for await (const chunk of iterate(it)) {
        const kept = chunk.filter(() => i++ % n === index);
        if (kept.length > 0) yield kept;
      }
      return undefined;
    });
  }

  /** The passes of this dataset `count` times in a row (default: without end). */
  repeat(count: number = Infinity): Dataset<T> {
    const n = positiveInt(count, 'Dataset.repeat: count', true);
    return new Dataset<T>(async function* (this: void, source: ChunkSource<T>) {
      for (let r = 0; r < n; r++) {
        let any = false;
        for await (const chunk of iterate(source())) { any = true; yield chunk; }
        if (!any) return undefined;  // an empty dataset repeated stays empty (no endless loop)
      }
      return undefined;
    }.bind(undefined, this.source));
  }

  /**
   * Shuffles with a buffer of `bufferSize` elements (tf.data's algorithm): the buffer is filled, then each
   * output is a uniformly chosen buffer entry, replaced by the next input. `bufferSize` >= the dataset's size is a
   * full uniform shuffle. Each pass shuffles anew; with a `seed` the sequence of passes repeats run to run
   * (default: the global generator, `setSeed`).
   */
  shuffle(bufferSize: number, seed?: number): Dataset<T> {
    const size = positiveInt(bufferSize, 'Dataset.shuffle: bufferSize');
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) throw new ValueError(`Dataset.shuffle: seed must be a finite number, got ${describe(seed)}`);
    const rng: Random = seed === undefined ? generatorFor() : new Random(seed);
    return this.derive(async function* (it) {
      const buffer: T[] = [];
      for await (const chunk of iterate(it)) {
        const out: T[] = [];
        for (const e of chunk) {
          if (buffer.length < size) { buffer.push(e); continue; }
          const j = rng.int(size);
          out.push(buffer[j]);
          buffer[j] = e;
        }
        if (out.length > 0) yield out;
      }
      rng.shuffle(buffer);
      if (buffer.length > 0) yield buffer;
      return undefined;
    });
  }

  /**
   * Groups `batchSize` consecutive elements into one, stacking numbers and numeric arrays into float32 Tensors
   * [batchSize, ...sample shape] and keeping objects ({ xs, ys }) and tuples ([xs, ys]) as they are. The last
   * batch is smaller unless `dropRemainder`. A consumer owns the Tensors of the batches it takes (fit frees them).
   * @throws ShapeError (when iterated) for samples of different shapes in one batch.
   */
  batch(batchSize: number, options: BatchOptions = {}): Dataset<unknown> {
    const { size, dropRemainder } = checkBatchArgs(batchSize, options);
    return this.derive(async function* (it) {
      let pending: T[] = [];
      for await (const chunk of iterate(it)) {
        let at = 0;
        while (at < chunk.length) {
          const need = size - pending.length;
          const part = chunk.slice(at, at + need);
          at += part.length;
          pending = pending.length === 0 ? part : pending.concat(part);
          if (pending.length === size) { const full = pending; pending = []; yield [stackBatch(full)]; }
        }
      }
      if (pending.length > 0 && !dropRemainder) yield [stackBatch(pending)];
      return undefined;
    });
  }

  /**
   * Reads ahead: keeps requests for the next `bufferSize` chunks (batches, after `batch`) running while the
   * consumer works, so that reading, parsing and a generator's waits overlap the training step.
   */
  prefetch(bufferSize: number): Dataset<T> {
    const n = positiveInt(bufferSize, 'Dataset.prefetch: bufferSize');
    return this.derive(async function* (it) {
      const queue: Promise<IteratorResult<T[], undefined>>[] = [];
      const request = () => {
        const p = it.next();
        p.catch(() => undefined);  // rejections are rethrown in order, when the consumer reaches them
        queue.push(p);
      };
      try {
        for (let i = 0; i < n; i++) request();
        for (;;) {
          const r = await (queue.shift() as Promise<IteratorResult<T[], undefined>>);
          if (r.done) return undefined;
          request();
          yield r.value;
        }
      } finally {
        const left = queue.splice(0);
        for (const p of left) {
          const r = await p.catch(() => null);
          if (r && !r.done) for (const e of r.value) disposeElement(e);  // batches read ahead but never used
        }
        await it.return?.();
      }
    });
  }
}

/** @internal The checked arguments of {@link Dataset.batch}. */
export function checkBatchArgs(batchSize: unknown, options: unknown): { size: number; dropRemainder: boolean } {
  const size = positiveInt(batchSize, 'Dataset.batch: batchSize');
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ValueError(`Dataset.batch: options must be an object, got ${describe(options)}`);
  checkOptions('Dataset.batch', options, BATCH_KEYS);
  const dropRemainder = (options as BatchOptions).dropRemainder ?? false;
  if (typeof dropRemainder !== 'boolean') throw new ValueError(`Dataset.batch: dropRemainder must be a boolean, got ${describe(dropRemainder)}`);
  return { size, dropRemainder };
}

/** The chunks of a pass as an async iterable that closes the pass (return) when the consumer stops early. */
export function iterate<T>(it: ChunkIterator<T>): AsyncIterable<T[]> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => it.next(),
      return: async () => { await it.return?.(); return { done: true, value: undefined }; },
    }),
  };
}
