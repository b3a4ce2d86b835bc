/**
 * brain.js peer of the `tiny` workload. brain.js 1.x trains a `NeuralNetwork` one sample at a time with
 * SGD + momentum on squared error, and applies ONE activation to every layer (so 2-10-1 with sigmoid
 * everywhere here: a ReLU output could not express probabilities). It cannot take our initial weights
 * or Adam; it is a speed reference for small networks in Node, and its loss is the binary cross-entropy
 * of its outputs, for information.
 * Usage: node dist/benchmarks/workers/brain.js <spec.json>
 */
import { binaryCrossEntropy, load, peakRssMiB, readSpec, report, runWorker } from './common';

interface BrainNet {
  train(data: { input: number[]; output: number[] }[], options: Record<string, unknown>): { error: number; iterations: number };
  run(input: number[]): ArrayLike<number>;
}

async function main(): Promise<void> {
  const spec = readSpec();
  if (spec.layers.length !== 2 || spec.layers[1].units !== 1) throw new Error('brain.js worker: only the tiny workload (one hidden layer, one output)');

  const brain = require('brain.js') as { NeuralNetwork: new (o: Record<string, unknown>) => BrainNet };
  const xs = load(spec, 'x_train');
  const ys = load(spec, 'y_train');
  const d = spec.inputDim;
  const data = Array.from({ length: spec.samples }, (_, i) => ({
    input: Array.from(xs.data.subarray(i * d, (i + 1) * d)),
    output: [ys.data[i]],
  }));
  const make = () => new brain.NeuralNetwork({ hiddenLayers: [spec.layers[0].units], activation: 'sigmoid' });
  make().train(data.slice(0, spec.warmupSteps * spec.batchSize), { iterations: 1, errorThresh: 1e-12 });

  const net = make();
  const t0 = process.hrtime.bigint();
  const r = net.train(data, { iterations: spec.epochs, errorThresh: 1e-12, log: false });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const p = data.map((s) => net.run(s.input)[0]);
  const brainVersion = (require('brain.js/package.json') as { version: string }).version;
  report({
    trainSeconds: seconds, steps: r.iterations * spec.samples, samplesSeen: r.iterations * spec.samples, epochs: r.iterations,
    finalLoss: binaryCrossEntropy(p, ys.data), peakRssMiB: peakRssMiB(),
    details: `brain.js ${brainVersion}, per-sample SGD+momentum, sigmoid everywhere, MSE`,
  });
}

runWorker(main);
