/**
 * Name look-ups use own properties only: names inherited by every object ("constructor", "toString",
 * "__proto__", ...) are unknown names with the list of valid ones, in code and in a saved model.json.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { ModelFormatError, ValueError } from '../../lib/errors';
import { deserializeSchedule } from '../../lib/optimizers/schedules';

const INHERITED = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

const lookups: [string, (name: string) => unknown, RegExp][] = [
  ['getLoss(name)', (n) => my.losses.getLoss(n), /one of meanSquaredError, mse/],
  ['getLoss({ name })', (n) => my.losses.getLoss({ name: n, config: {} }), /one of meanSquaredError/],
  ['getMetric', (n) => my.metrics.getMetric(n, 'meanSquaredError'), /one of accuracy, acc, binaryAccuracy/],
  ['getOptimizer(name)', (n) => my.optimizers.getOptimizer(n), /one of sgd, adam/],
  ['getOptimizer({ className })', (n) => my.optimizers.getOptimizer({ className: n, config: {} }), /one of SGD, Adam/],
  ['getInitializer(name)', (n) => my.initializers.getInitializer(n), /glorotUniform/],
  ['getInitializer({ className })', (n) => my.initializers.getInitializer({ className: n, config: {} }), /one of GlorotUniform/],
  ['getRegularizer(name)', (n) => my.regularizers.getRegularizer(n), /l1l2|L1L2/],
  ['getRegularizer({ className })', (n) => my.regularizers.getRegularizer({ className: n, config: {} }), /l1l2|L1L2/],
  ['getActivation', (n) => my.activations.getActivation(n), /one of linear, relu/],
  ['deserializeSchedule', (n) => deserializeSchedule({ className: n, config: {} }), /one of .*ExponentialDecay/],
  ['deserializeLayer', (n) => my.layers.deserializeLayer({ className: n, config: {} }), /known: Dense/],
];

describe.each(lookups)('%s', (_what, lookup, valid) => {
  test.each(INHERITED)('%s is refused with the valid names', (name) => {
    let err: unknown;
    try { lookup(name); } catch (e) { err = e; }
    expect(err instanceof ValueError || err instanceof ModelFormatError).toBe(true);
    expect((err as Error).message).toMatch(valid);
  });
});

test.each(INHERITED)('compile with loss, metric or optimizer %s: ValueError naming the valid ones', (name) => {
  const m = my.sequential([my.layers.dense({ units: 1, inputShape: [2] })]);
  expect(() => m.compile({ optimizer: 'sgd', loss: name as never })).toThrow(ValueError);
  expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [name as never] })).toThrow(ValueError);
  expect(() => m.compile({ optimizer: name as never, loss: 'mse' })).toThrow(ValueError);
  expect(() => my.layers.dense({ units: 1, kernelInitializer: name as never })).toThrow(ValueError);
  expect(() => my.layers.dense({ units: 1, kernelRegularizer: name as never })).toThrow(ValueError);
});

test.each(INHERITED)('model.json naming %s as loss, metric, optimizer or initializer: ModelFormatError', (name) => {
  my.setSeed(1);
  const m = my.sequential([my.layers.dense({ units: 1, inputShape: [2] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-inherited-'));
  try {
    m.saveSync(dir, { includeOptimizer: false });
    const file = path.join(dir, 'model.json');
    const good = fs.readFileSync(file, 'utf8');
    const edits: ((doc: any) => void)[] = [
      (doc) => { doc.compileConfig.loss = name; },
      (doc) => { doc.compileConfig.metrics = [name]; },
      (doc) => { doc.compileConfig.optimizer.className = name; },
      (doc) => { doc.architecture.layers[0].config.kernelInitializer = { className: name, config: {} }; },
      (doc) => { doc.architecture.layers[0].className = name; },
    ];
    for (const edit of edits) {
      const doc = JSON.parse(good);
      edit(doc);
      fs.writeFileSync(file, JSON.stringify(doc));
      expect(() => my.loadModelSync(dir)).toThrow(ModelFormatError);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
