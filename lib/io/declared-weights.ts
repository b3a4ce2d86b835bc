/**
 * The weight shapes an architecture would create, found without allocating them: each layer is deserialized
 * a second time and built with `addWeight` recording the shape instead of initializing a tensor. loadModel
 * compares these shapes with the weights file's header before building the real model, so a model.json
 * asking for `units: 2**28` or `inputShape: [1e9]` is refused before a byte is allocated.
 */
import { ModelFormatError } from '../errors';
import { deserializeLayer } from '../layers/registry';
import { recordWeightShapes, type DeclaredShape, type Layer } from '../layers/layer';
import { Model } from '../models/model';
import type { GraphModelConfig } from '../models/graph-config';
import type { LayerEntry } from './model-json';

/** A weight the architecture declares: its shape and whether an optimizer updates it. */
export interface DeclaredWeight {
  shape: number[];
  trainable: boolean;
}

/**
 * The weights of the architecture `layers` for samples of `inputShape`, in the order of `model.weights`.
 * @throws ModelFormatError when a layer cannot be deserialized or built for the shape it receives.
 */
export function declaredWeights(layers: LayerEntry[], inputShape: number[], source: string): DeclaredWeight[] {
  const out: DeclaredWeight[] = [];
  let shape = inputShape.slice();
  layers.forEach((entry, i) => {
    try {
      // Every addWeight of the build records instead of allocating, a wrapper's inner layers' too (bidirectional),
      // and so does that of a model rebuilt while the layer is deserialized (timeDistributed of a Sequential).
      const made: { layer?: Layer } = {};
      const recorded = recordWeightShapes(() => {
        const layer = deserializeLayer(entry);
        made.layer = layer;
        // The first layer's own inputShape must be the model's: the model builds from it (before comparing shapes).
        if (i === 0 && layer.inputShape && layer.inputShape.join() !== shape.join()) {
          throw new ModelFormatError(`declares inputShape [${layer.inputShape.join(', ')}]`);
        }
        layer.build(shape);
      });
      const layer = made.layer as Layer;
      const layerTrainable = layer.trainable;
      for (const w of recorded) out.push({ shape: w.shape, trainable: layerTrainable && w.trainable });
      shape = layer.computeOutputShape(shape);
    } catch (err) {
      throw new ModelFormatError(`${source}: architecture cannot be rebuilt: layers[${i}] (${entry.className}) for samples of shape [${shape.join(', ')}]: ${(err as Error).message}`);
    }
  });
  return out;
}

/**
 * The weights (full names and shapes) a graph model's architecture declares, found by rebuilding the graph with
 * `addWeight` recording instead of allocating (lib/layers/layer.ts `recordWeightShapes`).
 * @throws ModelFormatError when the architecture cannot be rebuilt.
 */
export function declaredGraphWeights(architecture: GraphModelConfig, source: string): DeclaredShape[] {
  try {
    return recordWeightShapes(() => { Model.fromConfig(architecture); });
  } catch (err) {
    throw new ModelFormatError(`${source}: architecture cannot be rebuilt: ${(err as Error).message}`);
  }
}
