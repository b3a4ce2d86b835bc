/** Reverse-mode differentiation: `valueAndGrads` and `grads`. */
import type { Backend } from '../backend/backend';
import { getBackend } from '../backend/select';
import { ValueError, describe } from '../errors';
import { fill } from '../ops/creation';
import { add } from '../ops/binary';
import { keep, tidy } from '../tensor/scope';
import { Tensor } from '../tensor/tensor';
import { Tape, withTape } from './tape';

/** The value of f and its gradients with respect to the given tensors. */
export interface ValueAndGrads {
  value: Tensor;
  grads: Tensor[];
}

/**
 * Runs `f` while recording, then backpropagates from its result. For a non-scalar result the gradient
 * of its sum is taken (the seed is all ones). Every intermediate tensor is disposed; `value` and `grads`
 * (one per entry of `xs`, zeros where f does not depend on it) are returned alive.
 */
export function valueAndGrads(f: () => Tensor, xs: Tensor[]): ValueAndGrads {
  if (typeof f !== 'function') throw new ValueError(`valueAndGrads: f must be a function returning a Tensor, got ${describe(f)}`);
  if (!Array.isArray(xs) || xs.some((x) => !(x instanceof Tensor))) {
    throw new ValueError(`valueAndGrads: xs must be an array of Tensors (usually variables), got ${describe(xs)}`);
  }
  xs.forEach((x) => void x.storage);
  const tape = new Tape();
  for (const x of xs) tape.watch(x);
  return tidy(() => {
    let value: unknown;
    try {
      value = withTape(tape, f);
    } catch (err) {
      tape.releaseAll();
      throw err;
    }
    if (!(value instanceof Tensor)) {
      tape.releaseAll();
      throw new ValueError(`valueAndGrads: f must return a Tensor, got ${describe(value)}`);
    }
    const grads = withTape(null, () => backpropagate(tape, value as Tensor, xs));
    tape.releaseAll();
    return { value: value as Tensor, grads };
  });
}

/** The gradients of f with respect to xs (see `valueAndGrads`); the value is disposed. */
export function grads(f: () => Tensor, xs: Tensor[]): Tensor[] {
  const result = valueAndGrads(f, xs);
  result.value.dispose();
  return result.grads;
}

/** The ones scalar each backend seeds the backward pass of a scalar result with (kept, never disposed). */
const SCALAR_SEEDS = new WeakMap<Backend, Tensor>();

/**
 * The seed gradient of scalar results on the active backend: one tensor holding 1, made once and only read
 * afterwards, so that a recorded training step does not fill it again at every replay. A caller that records
 * steps calls this before recording, so that the fill is not part of the recording.
 */
export function scalarSeed(): Tensor {
  const backend = getBackend();
  let seed = SCALAR_SEEDS.get(backend);
  if (seed === undefined || seed.isDisposed) {
    seed = keep(fill([], 1));
    seed.uncount();  // the library's own constant, not a tensor of the user's (memory() stays as it was)
    SCALAR_SEEDS.set(backend, seed);
  }
  return seed;
}

function backpropagate(tape: Tape, value: Tensor, xs: Tensor[]): Tensor[] {
  const gradOf = new Map<number, Tensor>();
  // fill() makes tensors on the active backend, as the seed of a result on another backend always was.
  const seed = value.rank === 0 && value.backend === getBackend() ? scalarSeed() : fill(value.shape.slice(), 1);
  gradOf.set(value.id, seed);
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i];
    const dy = gradOf.get(node.output.id);
    if (dy === undefined) continue;
    const inputGrads = node.backward(dy);
    node.inputs.forEach((input, j) => {
      const g = inputGrads[j];
      if (!g || !tape.tracked.has(input.id)) return;
      const previous = gradOf.get(input.id);
      gradOf.set(input.id, previous ? add(previous, g) : g);
    });
  }
  // The kept seed is never handed out: a gradient that is the seed itself (d value / d value) is a copy.
  const seen = new Set<Tensor>([seed]);
  return xs.map((x) => {
    const g = gradOf.get(x.id) ?? fill(x.shape.slice(), 0);
    // Each returned gradient is its own tensor, so disposing one never disposes another.
    const own = seen.has(g) ? add(g, 0) : g;
    seen.add(own);
    return own;
  });
}
