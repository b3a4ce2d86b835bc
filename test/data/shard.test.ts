import { shardRows } from '../../lib/data/shard';
import { fromArrays } from '../../lib/data/dataset-sources';
import { tensor } from '../../lib/ops/creation';

const rows = Array.from({ length: 10 }, (_, i) => [i, 100 + i]);

describe('shardRows', () => {
  it('takes every n-th row from index on, as Dataset.shard', async () => {
    expect(shardRows(rows, 3, 1).arraySync()).toEqual([[1, 101], [4, 104], [7, 107]]);
    expect(shardRows(tensor([[[1]], [[2]], [[3]]]), 2, 0).shape).toEqual([2, 1, 1]);
    const ds = fromArrays(rows.map((r) => r[0])).shard(3, 1);
    const seen: number[] = [];
    for await (const e of ds) seen.push(e.xs as number);
    expect(seen).toEqual([1, 4, 7]);
  });

  it('with one seed on every rank: disjoint shards covering every row once', () => {
    const parts = [0, 1, 2, 3].map((i) => shardRows(rows, 4, i, { seed: 7 }).arraySync() as number[][]);
    const firsts = parts.flat().map((r) => r[0]).sort((a, b) => a - b);
    expect(firsts).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(parts.flat().every((r) => r[1] === r[0] + 100)).toBe(true);
    expect(parts.map((p) => p[0][0])).not.toEqual([0, 1, 2, 3]);  // permuted before sharding
    expect(shardRows(rows, 4, 2, { seed: 7 }).arraySync()).toEqual(parts[2]);
  });

  it('refuses a bad shard count, index or seed', () => {
    expect(() => shardRows(rows, 0, 0)).toThrow(/numShards must be an integer >= 1/);
    expect(() => shardRows(rows, 2, 2)).toThrow(/index must be an integer in \[0, 1\]/);
    expect(() => shardRows(rows, 2, 0, { seed: NaN })).toThrow(/seed must be a finite number/);
  });
});
