/**
 * `history.params.replayRefusals` (lib/engine/replay-refusals.ts): a fit notes, per batch shape, why a captured
 * step could not be replayed as such: two recordings that differ (a layer whose step depends on JavaScript
 * state), a batch of a shape no recorded step has. A fit whose steps all replay notes nothing.
 */
import * as my from '../../lib/index';
import { describeEachBackend } from '../helpers/backends';
import { Drifting } from '../helpers/drifting-layer';

function data(rows: number) {
  return { x: my.randomNormal([rows, 3], { seed: 1 }), y: my.randomNormal([rows, 1], { seed: 2 }) };
}

describeEachBackend('replay refusals', () => {
  test('a layer whose step changes from call to call: the batch shape is refused with the first difference', async () => {
    const model = my.sequential([my.layers.dense({ units: 4, inputShape: [3] }), new Drifting(), my.layers.dense({ units: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const { x, y } = data(64);
    const h = await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const refusals = h.params.replayRefusals ?? [];
    expect(refusals.map((r) => [r.kind, r.batch])).toEqual([['replay', 'x [16, 3], y [16, 1]']]);
    // The scale reaches the backend as an uploaded scalar (the step's only upload): the recordings differ there.
    expect(refusals[0].reason).toBe('two recordings of the step differ (upload 0 differs at 0); its steps run through the tape');
    model.dispose();
  });

  test('a batch of a shape no recorded step has is noted once, with the shapes recorded', async () => {
    const model = my.sequential([my.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), my.layers.dense({ units: 1 })]);
    // A metric keeps every batch in JavaScript, so each batch goes through the recorded steps one by one.
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
    const { x, y } = data(100);  // batches of 16: six full ones and one of 4, every epoch
    const h = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    expect(h.params.replayRefusals).toEqual([{
      batch: 'x [4, 3], y [4, 1]', kind: 'shape',
      reason: 'no recorded step has this batch shape (recorded: x [16, 3], y [16, 1]); recorded anew',
    }]);
    model.dispose();
  });

  test('steps that all replay, and a fit on the tape, note nothing', async () => {
    const { x, y } = data(64);
    for (const replay of ['1', '0']) {
      process.env.MYELIN_STEP_REPLAY = replay;
      try {
        const model = my.sequential([my.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), my.layers.dense({ units: 1 })]);
        model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
        const h = await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
        expect(h.params.replayRefusals).toEqual([]);
        model.dispose();
      } finally {
        delete process.env.MYELIN_STEP_REPLAY;
      }
    }
  });
});
