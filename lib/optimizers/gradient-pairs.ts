/** The checks of the { variable, grad } pairs an optimizer step takes, and the comparison that lets a loop skip them. */
import { ShapeError, ValueError, describe } from '../errors';
import { shapesEqual } from '../tensor/shape';
import { Tensor } from '../tensor/tensor';
import { Variable } from '../tensor/variable';

/** One gradient for one variable, as `applyGradients` takes them. */
export interface GradientPair {
  variable: Variable;
  grad: Tensor;
}

/**
 * Throws a ValueError / ShapeError (naming `owner` and the pair) unless every pair is a live Variable with a live
 * gradient Tensor of its shape on its backend, and no variable appears twice.
 */
export function validatePairs(pairs: GradientPair[], owner: string): void {
  const seen = new Set<Variable>();
  pairs.forEach((p, i) => {
    if (p === null || typeof p !== 'object') throw new ValueError(`${owner}: pairs[${i}] must be { variable, grad }, got ${describe(p)}`);
    if (!(p.variable instanceof Variable)) throw new ValueError(`${owner}: pairs[${i}].variable must be a Variable, got ${describe(p.variable)}`);
    if (!(p.grad instanceof Tensor)) throw new ValueError(`${owner}: pairs[${i}].grad must be a Tensor, got ${describe(p.grad)}`);
    void p.variable.storage; void p.grad.storage;
    if (!shapesEqual(p.variable.shape, p.grad.shape)) {
      throw new ShapeError(`${owner}: pairs[${i}].grad has shape [${p.grad.shape.join(', ')}] but variable ${p.variable.name} has shape [${p.variable.shape.join(', ')}]`);
    }
    if (p.grad.backend !== p.variable.backend) throw new ValueError(`${owner}: pairs[${i}] grad and variable live on different backends`);
    if (seen.has(p.variable)) throw new ValueError(`${owner}: variable ${p.variable.name} appears twice in pairs`);
    seen.add(p.variable);
  });
}

/** Whether `pairs` holds the same variables and gradient tensors as `known`, in the same order (false for malformed pairs). */
export function samePairs(pairs: GradientPair[], known: GradientPair[] | null): boolean {
  if (known === null || known.length !== pairs.length) return false;
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i];
    if (p === null || typeof p !== 'object' || p.variable !== known[i].variable || p.grad !== known[i].grad) return false;
  }
  return true;
}

/** Shallow copies of the pairs (what `samePairs` compares with later). */
export function copyPairs(pairs: GradientPair[]): GradientPair[] {
  return pairs.map((p) => ({ variable: p.variable, grad: p.grad }));
}
