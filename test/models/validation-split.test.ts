/**
 * validationSplit takes the rows Keras 3 takes: its `train_validation_split`
 * (keras/src/trainers/data_adapters/array_slicing.py) trains on the first floor(n * (1.0 - split)) rows and rejects a
 * split that leaves either part empty. Python evaluates that expression for a grid of n and split (float64, as
 * Keras does); splitTail must agree row for row.
 */
import { spawnSync } from 'child_process';
import * as my from '../../lib/index';
import { splitTail } from '../../lib/models/fit-data';
import { torchAvailable } from '../../benchmarks/parity/sides';

const NS = Array.from({ length: 40 }, (_, i) => i + 1);
const SPLITS = [0.01, 0.1, 0.15, 0.2, 0.25, 0.3, 1 / 3, 0.35, 0.5, 0.7, 0.75, 0.9];

function kerasSplitAt(): number[][] {
  const code = `import json, math, sys
d = json.load(sys.stdin)
print(json.dumps([[int(math.floor(n * (1.0 - s))) for s in d['splits']] for n in d['ns']]))`;
  const r = spawnSync(torchAvailable().python, ['-c', code], { input: JSON.stringify({ ns: NS, splits: SPLITS }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout);
}

test('splitTail trains on the rows Keras 3 trains on, and rejects the splits it rejects', () => {
  const want = kerasSplitAt();
  NS.forEach((n, i) => {
    const x = my.tensor(Array.from({ length: n }, (_, r) => r), [n, 1]);
    const y = my.tensor(Array.from({ length: n }, (_, r) => -r), [n, 1]);
    SPLITS.forEach((s, j) => {
      const splitAt = want[i][j];
      const p = { x, y, n, dispose: () => {} };
      if (splitAt === 0 || splitAt === n) {
        expect(() => splitTail(p, s)).toThrow(new RegExp(`leaves ${splitAt} for training and ${n - splitAt} for validation`));
        return;
      }
      const { train, val } = splitTail(p, s);
      expect(train.n).toBe(splitAt);
      expect(Array.from(val.x.dataSync())).toEqual(Array.from({ length: n - splitAt }, (_, r) => splitAt + r));
      expect(Array.from(val.y.dataSync())).toEqual(Array.from({ length: n - splitAt }, (_, r) => -(splitAt + r)));
      train.dispose();
      val.dispose();
    });
    x.dispose();
    y.dispose();
  });
});
