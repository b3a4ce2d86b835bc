/** fit warns once through process.emitWarning when the loss became NaN/infinite and no TerminateOnNaN ran. */
import * as my from '../../lib/index';
import { NAN_LOSS_WARNING_CODE } from '../../lib/callbacks/nan-warning';

afterEach(() => jest.restoreAllMocks());

function divergingModel(): my.Sequential {
  my.setSeed(4);
  const m = my.sequential([my.layers.dense({ units: 1, inputShape: [2] })]);
  m.compile({ optimizer: my.optimizers.sgd({ learningRate: 1e20 }), loss: 'meanSquaredError' });
  return m;
}
const x = () => my.tensor([[1, 2], [3, 4], [5, 6], [7, 8]]);
const y = () => my.tensor([[1], [2], [3], [4]]);
const nanWarnings = (spy: jest.SpyInstance) => spy.mock.calls.filter((c) => (c[1] as { code?: string })?.code === NAN_LOSS_WARNING_CODE);

test.each([
  ['verbose 0, no callbacks (whole epochs on the backend)', {}],
  ['with a batch callback', { callbacks: [{ onBatchEnd: () => undefined }] }],
  ['with metrics-free validation data', { validationSplit: 0.25 }],
])('%s: one warning naming the first non-finite epoch', async (_name, extra) => {
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  const h = await divergingModel().fit(x(), y(), { epochs: 6, batchSize: 2, shuffle: false, verbose: 0, ...extra });
  const first = h.history.loss.findIndex((v) => !Number.isFinite(v));
  expect(first).toBeGreaterThanOrEqual(0);
  const calls = nanWarnings(spy);
  expect(calls.length).toBe(1);
  expect(String(calls[0][0])).toMatch(new RegExp(`at epoch ${first};`));
  expect(calls[0][1]).toMatchObject({ type: 'MyelinWarning' });
});

test('no warning with terminateOnNaN, nor for a finite loss', async () => {
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  await divergingModel().fit(x(), y(), { epochs: 6, batchSize: 2, verbose: 0, callbacks: [my.callbacks.terminateOnNaN()] });
  my.setSeed(1);
  const ok = my.sequential([my.layers.dense({ units: 1, inputShape: [2] })]);
  ok.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  await ok.fit(x(), y(), { epochs: 2, verbose: 0 });
  expect(nanWarnings(spy)).toEqual([]);
});
