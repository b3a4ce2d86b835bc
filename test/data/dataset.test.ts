/** my.data.Dataset: sources (arrays, sync and async generators) and transformations, checked element by element. */
import { fromArrays, fromGenerator } from '../../lib/data/index';
import { ShapeError, ValueError } from '../../lib/errors';
import { Tensor } from '../../lib/tensor/tensor';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const ints = (n: number) => fromGenerator(() => range(n)[Symbol.iterator]());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sources', () => {
  test('fromArrays yields rows of x and y in order, as often as asked', async () => {
    const ds = fromArrays([[1, 2], [3, 4], [5, 6]], [7, 8, 9]);
    for (let pass = 0; pass < 2; pass++) {
      const rows = await ds.toArray();
      expect(rows.map((r) => Array.from(r.xs as Float32Array))).toEqual([[1, 2], [3, 4], [5, 6]]);
      expect(rows.map((r) => r.ys)).toEqual([7, 8, 9]);
    }
    expect(() => fromArrays([[1], [2]], [1])).toThrow(ShapeError);
    expect(() => fromArrays([[1], [NaN]])).toThrow(/NaN at row 1/);
  });

  test('fromGenerator: generator functions (sync and async) give a new pass each time; a generator object one pass', async () => {
    expect(await ints(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    const asyncDs = fromGenerator(async function* () { for (const i of range(4)) { await sleep(1); yield i * 10; } });
    expect(await asyncDs.toArray()).toEqual([0, 10, 20, 30]);
    expect(await asyncDs.toArray()).toEqual([0, 10, 20, 30]);
    expect(await fromGenerator([1, 2, 3]).toArray()).toEqual([1, 2, 3]);
    const once = fromGenerator((function* () { yield 1; yield 2; })());
    expect(await once.toArray()).toEqual([1, 2]);
    await expect(once.toArray()).rejects.toThrow(/already consumed/);
    expect(() => fromGenerator(42 as never)).toThrow(ValueError);
  });

  test('an error thrown by the generator ends the pass after what it yielded before', async () => {
    const seen: number[] = [];
    const ds = fromGenerator(function* () { yield 1; yield 2; throw new Error('cursor lost'); });
    await expect((async () => { for await (const e of ds) seen.push(e); })()).rejects.toThrow('cursor lost');
    expect(seen).toEqual([1, 2]);
  });
});

describe('transformations', () => {
  test('map (sync and async), filter, take, skip, repeat, shard', async () => {
    expect(await ints(6).map((v) => v * 2).toArray()).toEqual([0, 2, 4, 6, 8, 10]);
    expect(await ints(3).map(async (v) => { await sleep(1); return v + 1; }).toArray()).toEqual([1, 2, 3]);
    expect(await ints(10).filter((v) => v % 3 === 0).toArray()).toEqual([0, 3, 6, 9]);
    expect(await ints(10).skip(7).toArray()).toEqual([7, 8, 9]);
    expect(await ints(10).take(3).toArray()).toEqual([0, 1, 2]);
    expect(await ints(10).take(0).toArray()).toEqual([]);
    expect(await ints(3).repeat(2).toArray()).toEqual([0, 1, 2, 0, 1, 2]);
    expect(await ints(3).repeat().take(7).toArray()).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(await ints(0).repeat().toArray()).toEqual([]);
    expect(await ints(10).shard(3, 1).toArray()).toEqual([1, 4, 7]);
    const parts = await Promise.all([0, 1, 2, 3].map((i) => ints(1000).shard(4, i).toArray()));
    expect(parts.flat().sort((a, b) => a - b)).toEqual(range(1000));
    expect(() => ints(3).shard(2, 2)).toThrow(ValueError);
    expect(() => ints(3).take(-1)).toThrow(ValueError);
    expect(() => ints(3).batch(0)).toThrow(ValueError);
  });

  test('take stops the source: a generator is not read past what was needed', async () => {
    let pulled = 0;
    const ds = fromGenerator(async function* () { for (;;) { pulled++; yield pulled; } });
    expect(await ds.take(5).toArray()).toEqual([1, 2, 3, 4, 5]);
    expect(pulled).toBeLessThanOrEqual(6);
  });

  test('shuffle: a permutation; the same seed repeats the passes, each pass differs, a small buffer shuffles locally', async () => {
    const a = ints(200).shuffle(1000, 7);
    const p1 = await a.toArray();
    const p2 = await a.toArray();
    expect([...p1].sort((x, y) => x - y)).toEqual(range(200));
    expect(p1).not.toEqual(range(200));
    expect(p2).not.toEqual(p1);
    const b = ints(200).shuffle(1000, 7);
    expect(await b.toArray()).toEqual(p1);
    expect(await b.toArray()).toEqual(p2);
    // With a buffer of 10 an element can move at most 9 places earlier than its index.
    const local = await ints(200).shuffle(10, 1).toArray();
    local.forEach((v, i) => expect(i).toBeGreaterThanOrEqual(v - 9));
    expect([...local].sort((x, y) => x - y)).toEqual(range(200));
  });

  test('shuffle draws uniformly: each of 3 values lands first about a third of the time', async () => {
    const ds = fromGenerator([0, 1, 2]).shuffle(3, 11);
    const firsts = [0, 0, 0];
    for (let r = 0; r < 3000; r++) firsts[(await ds.take(1).toArray())[0]]++;
    for (const c of firsts) expect(Math.abs(c - 1000)).toBeLessThan(100);  // 1000 +- 5 sigma (sigma ~ 26)
  });

  test('batch stacks numbers, arrays, typed arrays, tensors and {xs, ys} objects; remainder kept or dropped', async () => {
    const ds = fromArrays([[1, 2], [3, 4], [5, 6]], [7, 8, 9]).batch(2);
    const batches = await ds.toArray() as { xs: Tensor; ys: Tensor }[];
    expect(batches.map((b) => b.xs.arraySync())).toEqual([[[1, 2], [3, 4]], [[5, 6]]]);
    expect(batches.map((b) => b.ys.arraySync())).toEqual([[7, 8], [9]]);
    expect((await fromArrays([[1], [2], [3]]).batch(2, { dropRemainder: true }).toArray()).length).toBe(1);
    const nested = await fromGenerator([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]).batch(2).toArray() as Tensor[];
    expect(nested[0].shape).toEqual([2, 2, 2]);
    const tuples = await fromGenerator(() => range(3).map((i) => [new Float32Array([i, i]), i] as [Float32Array, number])[Symbol.iterator]()).batch(3).toArray() as Tensor[][];
    expect(tuples[0][0].arraySync()).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(tuples[0][1].arraySync()).toEqual([0, 1, 2]);
  });

  test('a ragged batch is a ShapeError naming the key and element; a wrong type a ValueError', async () => {
    const ragged = fromGenerator([{ xs: [1, 2], ys: 0 }, { xs: [1, 2, 3], ys: 1 }]).batch(2);
    await expect(ragged.toArray()).rejects.toThrow(ShapeError);
    await expect(ragged.toArray()).rejects.toThrow(/'xs' of element 1 of the batch has shape \[3\], expected \[2\]/);
    await expect(fromGenerator([{ xs: 'a' }]).batch(1).toArray()).rejects.toThrow(ValueError);
    await expect(fromGenerator([{ xs: 1 }, { ys: 1 }]).batch(2).toArray()).rejects.toThrow(/lacks key 'xs'/);
  });

  test('prefetch keeps order, passes errors on in order, and asks the source ahead of the consumer', async () => {
    expect(await ints(50).prefetch(4).toArray()).toEqual(range(50));
    const failing = fromGenerator(async function* () { yield 1; yield 2; throw new Error('late failure'); }).prefetch(8);
    const got: number[] = [];
    await expect((async () => { for await (const e of failing) got.push(e); })()).rejects.toThrow('late failure');
    expect(got).toEqual([1, 2]);
    // Prefetched, the source is already producing the next elements while the consumer works on one.
    const log: string[] = [];
    const source = fromGenerator(async function* () { for (let i = 0; i < 4; i++) { log.push(`produce ${i}`); await sleep(2); yield i; } });
    for await (const e of source.prefetch(2)) { await sleep(5); log.push(`consumed ${e}`); }
    expect(log.indexOf('produce 1')).toBeLessThan(log.indexOf('consumed 0'));
    expect(log.indexOf('produce 2')).toBeLessThan(log.indexOf('consumed 0'));
    const plain: string[] = [];
    const source2 = fromGenerator(async function* () { for (let i = 0; i < 3; i++) { plain.push(`produce ${i}`); yield i; } });
    for await (const e of source2) plain.push(`consumed ${e}`);
    expect(plain).toEqual(['produce 0', 'consumed 0', 'produce 1', 'consumed 1', 'produce 2', 'consumed 2']);
  });
});
