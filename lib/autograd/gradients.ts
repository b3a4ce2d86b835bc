/** Reverse-mode differentiation: `valueAndGrads` and `grads`. */
import { ValueError, describe } from '../errors';
import { fill } from '../ops/creation';
import { add } from '../ops/binary';
import { tidy } from '../tensor/scope';
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

function backpropagate(tape: Tape, value: Tensor, xs: Tensor[]): Tensor[] {
  const gradOf = new Map<number, Tensor>();
  gradOf.set(value.id, fill(value.shape.slice(), 1));
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
  const seen = new Set<Tensor>();
  return xs.map((x) => {
    const g = gradOf.get(x.id) ?? fill(x.shape.slice(), 0);
    // Each returned gradient is its own tensor, so disposing one never disposes another.
    const own = seen.has(g) ? add(g, 0) : g;
    seen.add(own);
    return own;
  });
}
