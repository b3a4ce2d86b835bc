/**
 * Checks of a saved model's safetensors headers against what its architecture declares, made before any
 * tensor data is read or allocated (see `loadModel`).
 */
import { ModelFormatError } from '../errors';
import type { Model } from '../models/model';
import type { ModelJSON } from './model-json';
import type { SafetensorsHeader } from './safetensors-read';
import type { DeclaredWeight } from './declared-weights';

/** `[a, b, c]` for messages. */
export const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * A Sequential's weights file must hold the weights the architecture declares (names in model.json's order,
 * shapes from a dry build), and nothing else.
 */
export function checkWeightsHeader(doc: ModelJSON, header: SafetensorsHeader, declared: DeclaredWeight[], jsonFile: string, weightsFile: string): void {
  if (declared.length !== doc.weights.length) {
    throw new ModelFormatError(`${jsonFile}: the architecture declares ${declared.length} weights but the file lists ${doc.weights.length} [${doc.weights.slice(0, 10).join(', ')}]`);
  }
  const stored = new Map(header.entries.map((e) => [e.name, e.shape]));
  const extra = [...stored.keys()].filter((k) => !doc.weights.includes(k));
  if (extra.length > 0) throw new ModelFormatError(`${weightsFile}: unexpected tensors ${extra.slice(0, 10).join(', ')}`);
  doc.weights.forEach((name, i) => {
    const s = stored.get(name);
    if (!s) throw new ModelFormatError(`${weightsFile}: missing tensor ${name}`);
    if (s.join() !== declared[i].shape.join()) {
      throw new ModelFormatError(`${weightsFile}: ${name} has shape ${shapeText(s)}, the architecture needs ${shapeText(declared[i].shape)}`);
    }
  });
}

/** A graph model's weights file must hold exactly the declared weights (by name), each of its declared shape. */
export function checkGraphWeightsHeader(header: SafetensorsHeader, declared: { name: string; shape: number[] }[], weightsFile: string): void {
  const stored = new Map(header.entries.map((e) => [e.name, e.shape]));
  for (const d of declared) {
    const s = stored.get(d.name);
    if (!s) throw new ModelFormatError(`${weightsFile}: missing tensor ${d.name}`);
    if (s.join() !== d.shape.join()) throw new ModelFormatError(`${weightsFile}: ${d.name} has shape ${shapeText(s)}, the architecture needs ${shapeText(d.shape)}`);
  }
  const names = new Set(declared.map((d) => d.name));
  const extra = [...stored.keys()].filter((k) => !names.has(k));
  if (extra.length > 0) throw new ModelFormatError(`${weightsFile}: unexpected tensors ${extra.slice(0, 10).join(', ')}`);
}

/**
 * The optimizer file must hold a scalar `iterations` and either no slot (never stepped) or exactly one
 * `<slot>/<i>` per slot name of the optimizer and trainable weight i (in `trainableWeights` order, the order
 * in which the optimizer first updates them), each of that weight's shape.
 */
export function checkOptimizerHeader(header: SafetensorsHeader, model: Model, optFile: string): void {
  const optimizer = model.optimizer!;
  const fail = (msg: string): never => { throw new ModelFormatError(`${optFile}: the optimizer state does not fit ${optimizer.className}: ${msg}`); };
  const got = new Map(header.entries.map((e) => [e.name, e.shape]));
  const it = got.get('iterations');
  if (!it || it.length !== 0) fail(`'iterations' must be a scalar, got ${it ? shapeText(it) : 'none'}`);
  if (got.size === 1) return;
  const expected = new Map<string, readonly number[]>();
  const slots = optimizer.stateSlotNames();
  model.trainableWeights.filter((w) => w.size > 0).forEach((w, i) => {
    for (const s of slots) expected.set(`${s}/${i}`, w.shape);
  });
  for (const [name, shape] of expected) {
    const s = got.get(name);
    if (!s) fail(`slot ${name} is missing (expected ${[...expected.keys()].slice(0, 8).join(', ')}${expected.size > 8 ? ', ...' : ''})`);
    if (s!.join() !== shape.join()) fail(`slot ${name} has shape ${shapeText(s!)}, its weight has ${shapeText(shape)}`);
  }
  const extra = [...got.keys()].filter((k) => k !== 'iterations' && !expected.has(k));
  if (extra.length > 0) fail(`unexpected entries ${extra.slice(0, 8).join(', ')}`);
}
