/** A disposed model throws DisposedError on every method instead of rebuilding itself with fresh weights. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { DisposedError } from '../../lib/errors';

function disposedModel(): my.Sequential {
  my.setSeed(1);
  const m = my.sequential([my.layers.dense({ units: 2, inputShape: [3] })]);
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  m.dispose();
  return m;
}

const x = () => my.tensor([[1, 2, 3]]);
const y = () => my.tensor([[0, 1]]);
const calls: [string, (m: my.Sequential) => unknown][] = [
  ['predict', (m) => m.predict(x())],
  ['evaluate', (m) => m.evaluate(x(), y())],
  ['call', (m) => m.call(x())],
  ['compile', (m) => m.compile({ optimizer: 'adam', loss: 'mse' })],
  ['add', (m) => m.add(my.layers.dense({ units: 1 }))],
  ['build', (m) => m.build([3])],
  ['summary', (m) => m.summary(() => undefined)],
  ['countParams', (m) => m.countParams()],
  ['getWeights', (m) => m.getWeights()],
  ['setWeights', (m) => m.setWeights([])],
  ['getConfig', (m) => m.getConfig()],
  ['save', (m) => m.saveSync(fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-disposed-')))],
];

test.each(calls)('%s after dispose: DisposedError', (_name, call) => {
  expect(() => call(disposedModel())).toThrow(DisposedError);
});

test('fit after dispose rejects with DisposedError; a second dispose does nothing', async () => {
  const m = disposedModel();
  await expect(m.fit(x(), y(), { verbose: 0 })).rejects.toThrow(DisposedError);
  expect(() => m.dispose()).not.toThrow();
  expect(m.isDisposed).toBe(true);
});

test('a live model is unaffected', () => {
  my.setSeed(1);
  const m = my.sequential([my.layers.dense({ units: 2, inputShape: [3] })]);
  expect(m.isDisposed).toBe(false);
  expect(m.predict(x()).shape).toEqual([1, 2]);
});
