/**
 * The embedding lookup op: rows of a table picked by integer ids held in a float32 tensor. Forward is one gather
 * kernel (`embeddingLookup`), backward one sparse scatter-add (`embeddingGrad`): the table's gradient is cleared and
 * only the rows of the batch's ids receive sums, with no one-hot matrix and no GEMM. The ids live in a backend buffer,
 * so a recorded training step replays with each batch's own ids.
 */
import { record, retainForGradient } from '../autograd/tape';
import { dispatcherOf } from '../backend/dispatch';
import { ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkRank, checkTensor, commonBackend } from './checks';
import { empty } from './creation';

/**
 * Throws a ValueError naming `where` unless every value of `ids` is an integer in [0, inputDim): the first bad one
 * with its position. Reads the ids on the host.
 */
export function checkIds(ids: Tensor, inputDim: number, where: string): void {
  const values = ids.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= inputDim) {
      throw new ValueError(`${where}: ids must be integers in [0, ${inputDim - 1}] (inputDim ${inputDim}), got ${describe(v)} at flat position ${i} of input shape [${ids.shape.join(', ')}]`);
    }
  }
}

/** True while a recorder listens on the backend of t (a training step being recorded: its data was checked when given). */
function recording(t: Tensor): boolean {
  return (dispatcherOf(t.backend)?.listeners.length ?? 0) > 0;
}

/**
 * out[..., :] = table[ids[...], :]: `table` [inputDim, outputDim], `ids` of any shape holding integers in
 * [0, inputDim) as floats; the result has shape [...ids.shape, outputDim]. Gradient with respect to the table:
 * dTable = 0, dTable[ids[i]] += dy[i] (a sparse scatter-add; repeated ids sum); ids get no gradient.
 * The ids are checked on the host (a ValueError naming `where` for a bad one), except while a training step is
 * recorded: `fit` checks its data when it is given (Layer.checkInputValues), and the replayed kernels give a NaN row
 * for a bad id rather than reading outside the table.
 */
export function embeddingLookup(table: Tensor, ids: Tensor, where = 'embeddingLookup'): Tensor {
  checkTensor(table, where, 'table');
  checkTensor(ids, where, 'ids');
  checkRank(table, 2, where, 'table');
  const backend = commonBackend(where, table, ids);
  const [inputDim, rowSize] = table.shape;
  if (!recording(ids)) checkIds(ids, inputDim, where);
  const count = ids.size;
  const y = empty([...ids.shape, rowSize]);
  if (y.size > 0) backend.embeddingLookup(table.storage, ids.storage, y.storage, count, rowSize);
  if (record('embedding', [table], y, (dy) => {
    const dTable = empty(table.shape);
    backend.embeddingGrad(dy.storage, ids.storage, dTable.storage, count, rowSize);
    return [dTable];
  })) retainForGradient(ids);
  return y;
}

/** Checks a value as an integer >= 1 for `where`'s argument `arg`. */
export function positiveInt(v: unknown, where: string, arg: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValueError(`${where}: ${arg} must be an integer >= 1, got ${describe(v)}`);
  return v;
}
