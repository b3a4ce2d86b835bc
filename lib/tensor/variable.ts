import type { Constraint } from '../constraints/constraint';
import { allocChecked } from '../backend/checked-alloc';
import { getBackend } from '../backend/select';
import { ShapeError, ValueError, describe } from '../errors';
import { keep } from './scope';
import { shapesEqual } from './shape';
import { Tensor } from './tensor';
import { isFloat32Array } from './typed-arrays';

let nextVariableId = 0;

/** A new buffer on the tensor's backend holding a copy of its values (copied on the backend, not via the host). */
function copyStorage(t: Tensor): unknown {
  const storage = allocChecked(t.backend, t.size, t.shape, false, 'variable');
  if (t.size > 0) t.backend.copyStrided(t.storage, 0, [1], storage, 0, [1], [t.size], false);
  return storage;
}

/**
 * A tensor whose values can change in place (`assign`), used for trainable parameters. Variables are
 * never disposed by `tidy`; dispose them explicitly when done.
 */
export class Variable extends Tensor {
  /** Marks variables for `tidy` and the tape. */
  readonly isVariable = true;
  /** Whether optimizers update it. */
  trainable: boolean;
  /** A name, unique unless one is given. */
  readonly name: string;
  /**
   * A projection every optimizer applies to this variable right after updating it (a layer's kernelConstraint /
   * biasConstraint, lib/constraints), or null. Default null.
   */
  constraint: Constraint | null = null;

  /** @internal Use `variable()`. */
  constructor(initial: Tensor, trainable: boolean, name: string) {
    super(initial.backend, copyStorage(initial), initial.shape);
    this.trackAlone();
    this.trainable = trainable;
    this.name = name;
    keep(this);
  }

  /** Replaces the values with those of `value` (same shape), in place. */
  assign(value: Tensor): void {
    if (!(value instanceof Tensor)) throw new ValueError(`Variable.assign: value must be a Tensor, got ${describe(value)}`);
    if (!shapesEqual(value.shape, this.shape)) {
      throw new ShapeError(`Variable.assign: ${this.name} has shape [${this.shape.join(', ')}], value has [${value.shape.join(', ')}]`);
    }
    if (this.size > 0) this.backend.copyStrided(value.storage, 0, [1], this.storage, 0, [1], [this.size], false);
  }

  /** Replaces the values from a flat Float32Array of the same size. */
  assignData(values: Float32Array): void {
    if (!isFloat32Array(values) || values.length !== this.size) {
      throw new ShapeError(`Variable.assignData: ${this.name} needs a Float32Array of ${this.size} values, got ${describe(values)}`);
    }
    const tmp = this.backend.upload(values);
    if (this.size > 0) this.backend.copyStrided(tmp, 0, [1], this.storage, 0, [1], [this.size], false);
    this.backend.free(tmp);
  }
}

/** A trainable variable initialised with a copy of `initial`. Default name: `variable_<n>`. */
export function variable(initial: Tensor, trainable = true, name?: string): Variable {
  if (!(initial instanceof Tensor)) throw new ValueError(`variable: initial must be a Tensor, got ${describe(initial)}`);
  if (initial.backend !== getBackend()) getBackend();
  return new Variable(initial, trainable, name ?? `variable_${nextVariableId++}`);
}
