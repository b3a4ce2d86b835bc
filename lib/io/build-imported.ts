/**
 * Building a model read from another library's file (TensorFlow.js, Keras): its architecture is first rebuilt
 * dry, recording the weights each layer declares without allocating them, so that the file's weights can be
 * checked by name and shape before anything is built; then the model is built and given those weights.
 */
import { ModelFormatError } from '../errors';
import { recordWeightShapes, type DeclaredShape } from '../layers/layer';
import { Model } from '../models/model';
import { Sequential, type SequentialConfig } from '../models/sequential';
import type { GraphModelConfig } from '../models/graph-config';
import { tensor } from '../ops/creation';

/** A Sequential or graph model of `config` (a graph config has `className: 'Functional'`). */
function build(config: SequentialConfig | GraphModelConfig): Model {
  return 'className' in config && config.className === 'Functional'
    ? Model.fromConfig(config as GraphModelConfig)
    : Sequential.fromConfig(config as SequentialConfig);
}

function rebuild<T>(source: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    throw new ModelFormatError(`${source}: the architecture cannot be rebuilt: ${(err as Error).message}`);
  }
}

/**
 * The weights the layers of `config` declare, in creation order, without allocating them.
 * @throws ModelFormatError naming `source` when the architecture cannot be built.
 */
export function declaredWeights(config: SequentialConfig | GraphModelConfig, source: string): DeclaredShape[] {
  return rebuild(source, () => recordWeightShapes(() => { build(config); }));
}

/**
 * The model of `config` with each weight set to `valueOf(weight)` (its values, row-major, of the declared
 * shape); the model is disposed when a value is refused.
 * @throws ModelFormatError naming `source` when the architecture cannot be built.
 */
export function importedModel(config: SequentialConfig | GraphModelConfig, valueOf: (w: { name: string; shape: number[] }) => Float32Array, source: string): Model {
  const model = rebuild(source, () => build(config));
  try {
    const tensors = model.weights.map((w) => tensor(valueOf({ name: w.name, shape: [...w.shape] }), [...w.shape]));
    try {
      model.setWeights(tensors);
    } finally {
      tensors.forEach((t) => t.dispose());
    }
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}
