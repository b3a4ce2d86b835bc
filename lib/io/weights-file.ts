/**
 * Weights only, as one safetensors file (`model.saveWeights(file)`, `model.loadWeights(file)`), readable by
 * Python's `safetensors` package (`safetensors.numpy.load_file`) and by PyTorch through it.
 *
 * Tensor names: `<layer name>/<weight name>` as in `model.weights` (e.g. `dense_1/kernel`, `dense_1/bias`,
 * `batch_normalization_1/moving_mean`), dtype F32, in the order of `model.weights`. A dense kernel is stored
 * [inputs, units] (Keras's layout; a PyTorch `Linear.weight` is its transpose). The header's `__metadata__`
 * holds `{"format": "myelin-weights"}`.
 */
import { ModelFormatError, ValueError, describe } from '../errors';
import { tensor } from '../ops/creation';
import { Model } from '../models/model';
import { openSafetensors } from './safetensors-read';
import { writeSafetensors } from './safetensors-write';

/** The `format` metadata of a weights file. */
export const WEIGHTS_FORMAT = 'myelin-weights';

function checkArgs(op: string, model: Model, file: string): void {
  if (!(model instanceof Model)) throw new ValueError(`${op}: model must be a Sequential or a Model, got ${describe(model)}`);
  if (typeof file !== 'string' || file === '') throw new ValueError(`${op}: file must be a non-empty path, got ${describe(file)}`);
  if (model.weights.length === 0) throw new ValueError(`${op}: the model ${model.name} has no weights yet (give the first layer an inputShape, or fit/predict once)`);
}

/**
 * Writes every weight of `model` to the safetensors file `file`, atomically (temporary file, fsync, rename).
 * @throws ValueError for a model without weights; IOError when the file system refuses.
 */
export function saveWeights(model: Model, file: string): void {
  checkArgs('saveWeights', model, file);
  writeSafetensors(file, model.weights.map((w) => ({ name: w.name, tensor: w })), { format: WEIGHTS_FORMAT });
}

/**
 * Sets the weights of `model` from a safetensors file written by {@link saveWeights} (or by Python with the
 * same names and shapes). Every weight must be present with its shape, and nothing else; the header is
 * checked before the data is read, and the model is unchanged when anything is wrong.
 * @throws ModelFormatError naming the tensor that is missing, extra, or of another shape or dtype.
 */
export function loadWeights(model: Model, file: string): void {
  checkArgs('loadWeights', model, file);
  const st = openSafetensors(file);
  try {
    const stored = new Map(st.header.entries.map((e) => [e.name, e.shape]));
    const own = model.weights;
    for (const w of own) {
      const s = stored.get(w.name);
      if (!s) throw new ModelFormatError(`${file}: missing tensor ${w.name} (the file has ${[...stored.keys()].slice(0, 8).join(', ')})`);
      if (s.join() !== w.shape.join()) throw new ModelFormatError(`${file}: ${w.name} has shape [${s.join(', ')}], the model needs [${w.shape.join(', ')}]`);
    }
    const extra = [...stored.keys()].filter((k) => !own.some((w) => w.name === k));
    if (extra.length > 0) throw new ModelFormatError(`${file}: tensors the model does not have: ${extra.slice(0, 8).join(', ')}`);
    const content = st.read();
    const values = own.map((w) => tensor(content.tensors.get(w.name)!.data, w.shape.slice()));
    try {
      model.setWeights(values);
    } finally {
      values.forEach((v) => v.dispose());
    }
  } finally {
    st.close();
  }
}
