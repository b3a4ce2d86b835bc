/** Sources of datasets: arrays in memory and generators (sync or async, e.g. rows of a database cursor). */
import { ShapeError, ValueError, describe } from '../errors';
import { toTensor, type InputData } from '../models/input-data';
import { Dataset, type ChunkIterator } from './dataset';

/** Elements of {@link fromArrays}: a sample's features and, when y was given, its target. */
export interface ArraySample {
  /** Features of the sample (a view of the dataset's copy: do not write to it). */
  xs: Float32Array | number;
  /** Target of the sample: a number for a vector y, an array for a matrix y. */
  ys?: Float32Array | number;
}

/** Rows handed on per chunk by {@link fromArrays}. */
const ARRAY_CHUNK = 1024;

/** The rows of a vector ([n]) or matrix ([n, k]) as numbers or Float32Array views. */
function rowsOf(value: InputData, arg: string): { n: number; row: (i: number) => Float32Array | number } {
  const c = toTensor(value, arg);
  const t = c.tensor;
  if (t.rank > 2) {
    if (c.owned) t.dispose();
    throw new ShapeError(`${arg} must be a vector [n] or a matrix [n, features], got shape [${t.shape.join(', ')}]; flatten each sample first`);
  }
  const data = Float32Array.from(t.dataSync());
  const n = t.shape[0];
  const per = t.rank === 2 ? t.shape[1] : 0;
  if (c.owned) t.dispose();
  return { n, row: per === 0 ? (i) => data[i] : (i) => data.subarray(i * per, (i + 1) * per) };
}

/**
 * A dataset of the rows of `x` (and `y`): elements `{ xs, ys }`, features as Float32Array views (numbers for a
 * vector x), in order. The data is copied once; every pass reads the copy.
 * @throws ShapeError when x and y differ in rows or have a rank above 2; ValueError for NaN or a bad type.
 */
export function fromArrays(x: InputData, y?: InputData): Dataset<ArraySample> {
  const xs = rowsOf(x, 'fromArrays: x');
  const ys = y === undefined ? null : rowsOf(y, 'fromArrays: y');
  if (ys && ys.n !== xs.n) throw new ShapeError(`fromArrays: y has ${ys.n} rows but x has ${xs.n}; they must have one row per sample`);
  return new Dataset<ArraySample>(async function* () {
    for (let start = 0; start < xs.n; start += ARRAY_CHUNK) {
      const chunk: ArraySample[] = [];
      for (let i = start; i < Math.min(xs.n, start + ARRAY_CHUNK); i++) chunk.push(ys ? { xs: xs.row(i), ys: ys.row(i) } : { xs: xs.row(i) });
      yield chunk;
    }
    return undefined;
  });
}

type AnyIterator<T> = Iterator<T> | AsyncIterator<T>;
/** What {@link fromGenerator} takes. */
export type GeneratorSource<T> = (() => Iterable<T> | AsyncIterable<T> | AnyIterator<T>) | Iterable<T> | AsyncIterable<T>;

/** Most elements of a synchronous iterator handed on per chunk. */
const SYNC_CHUNK = 256;

function iteratorOf<T>(v: unknown): AnyIterator<T> | null {
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<symbol | string, unknown>;
  if (typeof o[Symbol.asyncIterator] === 'function') return (o[Symbol.asyncIterator] as () => AsyncIterator<T>)();
  if (typeof o[Symbol.iterator] === 'function') return (o[Symbol.iterator] as () => Iterator<T>)();
  if (typeof o.next === 'function') return v as AnyIterator<T>;
  return null;
}

const isAsync = (it: object): boolean => typeof (it as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';

/**
 * A dataset of what a generator yields. Give a function that returns a new iterator (a generator function,
 * sync or async: `fromGenerator(async function* () { for await (const row of cursor) yield row; })`) to allow
 * many passes (epochs); a generator object or other one-shot iterator allows one pass (a second one throws).
 * Arrays and other re-iterable iterables allow many. An error thrown by the generator ends the pass with that
 * error; what it yielded before stays delivered.
 */
export function fromGenerator<T>(source: GeneratorSource<T>): Dataset<T> {
  let consumed = false;
  const start = (): AnyIterator<T> => {
    if (typeof source === 'function') {
      const it = iteratorOf<T>((source as () => unknown)());
      if (it === null) throw new ValueError('fromGenerator: the function must return an iterator or an iterable (e.g. be a generator function)');
      return it;
    }
    const it = iteratorOf<T>(source);
    if (it === null) throw new ValueError(`fromGenerator: source must be a generator function, an iterable or an async iterable, got ${describe(source)}`);
    if (it === (source as unknown)) {
      if (consumed) throw new ValueError('fromGenerator: this one-shot iterator was already consumed by an earlier pass; pass a function that returns a new generator to iterate many times (e.g. one fit epoch each)');
      consumed = true;
    }
    return it;
  };
  if (typeof source !== 'function' && iteratorOf(source) === null) {
    throw new ValueError(`fromGenerator: source must be a generator function, an iterable or an async iterable, got ${describe(source)}`);
  }
  return new Dataset<T>(() => chunksOf(start()));
}

/** Chunks from an iterator: one element per chunk for an async one, up to SYNC_CHUNK for a sync one. */
function chunksOf<T>(it: AnyIterator<T>): ChunkIterator<T> {
  let failure: { error: unknown } | null = null;
  let done = false;
  const finish = async (): Promise<IteratorResult<T[], undefined>> => {
    if (!done) { done = true; await it.return?.(); }
    return { done: true, value: undefined };
  };
  return {
    async next(): Promise<IteratorResult<T[], undefined>> {
      if (failure) { const f = failure; failure = null; done = true; throw f.error; }
      if (done) return { done: true, value: undefined };
      if (isAsync(it) || !(it as Iterator<T>).next) {
        const r = await (it as AsyncIterator<T>).next();
        if (r.done) { done = true; return { done: true, value: undefined }; }
        return { done: false, value: [r.value] };
      }
      const chunk: T[] = [];
      try {
        while (chunk.length < SYNC_CHUNK) {
          const r = (it as Iterator<T>).next();
          if (r instanceof Promise) {
            const a = await r;  // an object whose next() returns promises: an async iterator without the symbol
            if (a.done) { done = true; break; }
            chunk.push(a.value);
            break;
          }
          if (r.done) { done = true; break; }
          chunk.push(r.value);
        }
      } catch (error) {
        // The elements before the error are delivered first; the error ends the pass at the next request.
        if (chunk.length === 0) { done = true; throw error; }
        failure = { error };
      }
      if (chunk.length === 0) return { done: true, value: undefined };
      return { done: false, value: chunk };
    },
    return: finish,
  };
}
