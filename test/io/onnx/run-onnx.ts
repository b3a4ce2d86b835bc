/**
 * Runs ONNX bytes with onnxruntime-node (an independent ONNX implementation, from npm), in a child process
 * (ort-worker.js), and compares its outputs with myelin's predictions.
 */
import { fork, type ChildProcess } from 'child_process';
import * as path from 'path';
import * as my from '../../../lib/index';

/** A float32 array and its shape. */
export interface Array32 {
  data: Float32Array;
  shape: number[];
}

let worker: ChildProcess | null = null;
let nextId = 0;
const pending = new Map<number, { resolve: (v: Array32[]) => void; reject: (e: Error) => void }>();

function ortWorker(): ChildProcess {
  if (worker) return worker;
  const w = fork(path.join(__dirname, 'ort-worker.js'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  w.on('message', (m: { id: number; outputs?: Array32[]; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(`onnxruntime: ${m.error}`));
    else p?.resolve((m.outputs as Array32[]).map((o) => ({ data: new Float32Array(o.data), shape: o.shape.slice() })));
  });
  w.unref();
  (w.channel as unknown as { unref(): void } | undefined)?.unref();
  worker = w;
  return w;
}

/** Stops the onnxruntime child process (call in afterAll). */
export function stopOnnxWorker(): void {
  worker?.kill();
  worker = null;
}

/** The outputs of the ONNX model `bytes` run by onnxruntime-node for `feeds` (by input name), in the model's output order. */
export function runOnnx(bytes: Uint8Array, feeds: Record<string, Array32>): Promise<Array32[]> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    ortWorker().send({ id, bytes, feeds });
  });
}

/** Largest |a - b| / (1 + |b|) over two arrays of equal shape; throws when the shapes differ. */
export function maxRelativeDiff(a: Array32, b: Array32): number {
  if (a.shape.join(',') !== b.shape.join(',')) throw new Error(`shapes differ: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]) / (1 + Math.abs(b.data[i]));
    if (!(d <= worst)) worst = d;  // NaN propagates as the worst
  }
  return worst;
}

/** Uniform values in [lo, hi) from a seeded generator, as a float32 array of `shape`. */
export function uniform(shape: number[], seed: number, lo = -1, hi = 1): Array32 {
  const t = my.randomUniform(shape, { seed, minval: lo, maxval: hi });
  const out = { data: t.dataSync().slice(), shape: shape.slice() };
  t.dispose();
  return out;
}

/** Gives every weight of `model` seeded random values; variances (names ending in 'variance') stay positive. */
export function randomizeWeights(model: my.Model, seed: number): void {
  model.weights.forEach((w, i) => {
    const positive = w.name.endsWith('variance');
    const v = uniform(w.shape.slice(), seed + i, positive ? 0.5 : -1, positive ? 2 : 1);
    const t = my.tensor(v.data, v.shape);
    w.assign(t);
    t.dispose();
  });
}

/**
 * Exports `model`, runs the file with onnxruntime on `feeds` (one per model input, in order) and returns the largest
 * relative difference from `model.predict` over every output.
 */
export async function onnxVsMyelin(model: my.Model, feeds: Array32[]): Promise<number> {
  const bytes = my.io.toOnnx(model);
  const named: Record<string, Array32> = {};
  model.inputNames.forEach((n, i) => { named[n] = feeds[i]; });
  const onnxOut = await runOnnx(bytes, named);
  const x = feeds.map((f) => my.tensor(f.data, f.shape));
  const pred = model.predict(x.length === 1 ? x[0] : x);
  const preds = Array.isArray(pred) ? pred : [pred];
  const worst = Math.max(...preds.map((p, k) => maxRelativeDiff(onnxOut[k], { data: p.dataSync(), shape: p.shape.slice() })));
  x.forEach((t) => t.dispose());
  preds.forEach((p) => p.dispose());
  return worst;
}
