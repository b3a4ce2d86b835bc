/**
 * Sequential.fit on cuda of a model with an embedding and a layer normalization: the recorded step (embeddingLookup,
 * embeddingGrad, layerNorm, layerNormGrad among its kernels) runs as CUDA graphs / native step runs, and its loss curve
 * follows the cpu backend's within float32 rounding (the embedding gradient's atomicAdd order may differ from the
 * cpu's sequential sums, so the comparison is close, not exact). Data and initial weights are made on the host.
 */
import { setBackend, getBackend } from '../lib/backend/select';
import { tensor } from '../lib/ops/creation';
import { dense } from '../lib/layers/dense';
import { embedding } from '../lib/layers/embedding';
import { flatten } from '../lib/layers/flatten';
import { layerNormalization } from '../lib/layers/layer-normalization';
import { sequential } from '../lib/models/sequential';
import { adam } from '../lib/optimizers/adam';
import { requireCuda } from './require-gpu';

// 200 samples of 6 ids from a vocabulary of 50, in batches of 32 (six full batches and one of 8).
const N = 200, BAG = 6, VOCAB = 50, DIM = 8, HIDDEN = 16;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const r = lcg(23);
const IDS = Float32Array.from({ length: N * BAG }, () => Math.floor(r() * VOCAB));
// Label: whether the bag holds more ids below 25 than above.
const Y = Float32Array.from({ length: N }, (_, i) => (IDS.subarray(i * BAG, (i + 1) * BAG).filter((v) => v < 25).length > BAG / 2 ? 1 : 0));
const INIT = [[VOCAB, DIM], [BAG * DIM], [BAG * DIM], [BAG * DIM, HIDDEN], [HIDDEN], [HIDDEN, 1], [1]].map((shape, k) => ({
  shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (k === 1 ? 1 : k === 2 ? 0 : (r() * 2 - 1) * 0.3)),
}));

async function fitOn(backend: 'cuda' | 'cpu'): Promise<{ losses: number[]; compiledCalls: number }> {
  setBackend(backend);
  const b = getBackend();
  let compiledCalls = 0;
  const launch = b.runCompiled;
  const runSteps = b.runTrainingSteps;
  if (launch) b.runCompiled = (g: unknown) => { compiledCalls++; launch.call(b, g); };
  if (runSteps) b.runTrainingSteps = (plan) => { compiledCalls++; runSteps.call(b, plan); };
  try {
    const model = sequential([
      embedding({ inputDim: VOCAB, outputDim: DIM, inputShape: [BAG] }),
      flatten(),
      layerNormalization(),
      dense({ units: HIDDEN, activation: 'relu' }),
      dense({ units: 1, activation: 'sigmoid' }),
    ]);
    model.compile({ optimizer: adam({ learningRate: 1e-2 }), loss: 'binaryCrossentropy' });
    model.setWeights(INIT.map((w) => tensor(w.data, w.shape)));
    const history = await model.fit(tensor(IDS, [N, BAG]), tensor(Y, [N, 1]), { epochs: 6, batchSize: 32, shuffle: true, seed: 5, verbose: 0 });
    model.dispose();
    return { losses: history.history.loss, compiledCalls };
  } finally {
    if (launch) b.runCompiled = launch;
    if (runSteps) b.runTrainingSteps = runSteps;
  }
}

describe('Sequential.fit on cuda with an embedding and a layer normalization', () => {
  requireCuda();

  test('runs compiled (graphs or native step runs) and follows the cpu curve', async () => {
    const cuda = await fitOn('cuda');
    const cpu = await fitOn('cpu');
    expect(cuda.compiledCalls).toBeGreaterThan(0);
    cuda.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]) / cpu.losses[i]).toBeLessThan(1e-4));
    expect(cuda.losses[5]).toBeLessThan(cuda.losses[0] * 0.8);
  });
});
