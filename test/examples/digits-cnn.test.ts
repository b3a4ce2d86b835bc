/**
 * examples/digits-cnn.ts on the real digits data (8x8x1 images, the stratified 80/20 split with seed 0): the
 * conv2d model reaches the test accuracy of 0.98, and a CNN's fit runs on the compiled fast path on every
 * backend that loads (the conv kernels go through the kernel table's dispatch, so the recorder captures them).
 */
import * as my from '../../lib/index';
import { trainDigitsCnn } from '../../examples/digits-cnn';
import { setBackend } from '../../lib/backend/select';
import { describeEachBackend } from '../helpers/backends';

// On the cpu backend with the BLAS it finds and with the built-in GEMM (the reference's JavaScript loops take a
// minute).
test.each([{}, { blas: 'builtin' }])('digits as images with a CNN on cpu %j: test accuracy >= 0.98', async (options) => {
  setBackend('cpu', options);
  const r = await trainDigitsCnn();
  expect(r.accuracy).toBeGreaterThanOrEqual(0.98);
}, 120_000);

describeEachBackend('CNN fit', (c) => {
  test('a Sequential CNN fit is captured and replayed: strategy of the fastest kind the backend has', async () => {
    my.setSeed(1);
    const model = my.sequential([
      my.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      my.layers.maxPooling2d({ poolSize: 2 }),
      my.layers.conv2d({ filters: 3, kernelSize: 2, activation: 'tanh' }),
      my.layers.flatten(),
      my.layers.dense({ units: 3, activation: 'softmax' }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const x = my.randomUniform([40, 6, 6, 2], { seed: 2 });
    const y = my.tensor(Array.from({ length: 40 }, (_, i) => i % 3));
    const history = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, seed: 3 });
    const expected = c.name === 'reference' ? 'replay' : c.name === 'cuda' ? 'native-steps' : 'native-epochs';
    expect(history.params.strategy).toBe(expected);
    expect(history.history.loss[2]).toBeLessThan(history.history.loss[0]);
    model.dispose();
  });
});
