/**
 * The gradient tape. While `valueAndGrads` runs its function, every op whose inputs depend on a watched
 * variable records a node (inputs, output, gradient rule). Backpropagation walks the nodes in reverse,
 * calling each rule once with the gradient of the node's output.
 */
import type { Tensor } from '../tensor/tensor';
import { holdForTape, releaseFromTape } from '../tensor/scope';

/** A gradient rule: given dL/d(output), returns dL/d(input) for each input (null where none flows). */
export type GradientRule = (dy: Tensor) => (Tensor | null)[];

/** One recorded op. */
export interface TapeNode {
  name: string;
  inputs: readonly Tensor[];
  output: Tensor;
  backward: GradientRule;
}

/** A recording in progress. */
export class Tape {
  readonly nodes: TapeNode[] = [];
  /** Ids of tensors that depend on a watched variable. */
  readonly tracked = new Set<number>();
  /** Tensors kept alive for the gradient rules. */
  readonly held: Tensor[] = [];

  watch(t: Tensor): void {
    this.tracked.add(t.id);
  }

  /** Lets go of every tensor held for the gradient rules. */
  releaseAll(): void {
    for (const t of this.held) releaseFromTape(t);
    this.held.length = 0;
  }
}

let current: Tape | null = null;

/** The active tape, or null when nothing records (inference, optimizer steps, gradient rules). */
export function activeTape(): Tape | null {
  return current;
}

/** Runs `fn` with `tape` active (null pauses recording) and restores the previous tape afterwards. */
export function withTape<T>(tape: Tape | null, fn: () => T): T {
  const previous = current;
  current = tape;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/**
 * Called by every differentiable op after its forward pass. Records a node when a tape is active and at
 * least one input depends on a watched variable; returns whether it did.
 */
export function record(name: string, inputs: readonly Tensor[], output: Tensor, backward: GradientRule): boolean {
  const tape = current;
  if (tape === null) return false;
  let depends = false;
  for (let i = 0; i < inputs.length; i++) if (tape.tracked.has(inputs[i].id)) { depends = true; break; }
  if (!depends) return false;
  tape.nodes.push({ name, inputs, output, backward });
  tape.tracked.add(output.id);
  for (const t of inputs) { holdForTape(t); tape.held.push(t); }
  holdForTape(output);
  tape.held.push(output);
  return true;
}

/**
 * Keeps a tensor that a recorded gradient rule reads (but that is neither input nor output) alive until
 * the gradients are computed. Returns false when no tape is active.
 */
export function retainForGradient(t: Tensor): boolean {
  const tape = current;
  if (tape === null) return false;
  holdForTape(t);
  tape.held.push(t);
  return true;
}

/** Whether `record` would record an op with these inputs (a tape is active and one input is tracked). */
export function willRecord(inputs: readonly Tensor[]): boolean {
  const tape = current;
  if (tape === null) return false;
  for (let i = 0; i < inputs.length; i++) if (tape.tracked.has(inputs[i].id)) return true;
  return false;
}

/**
 * Whether a gradient must flow into `t`: a tape is active and `t` depends on a watched variable. Gradient
 * rules use it to skip work for inputs nothing differentiates (the data batch of a first layer, say).
 */
export function needsGradient(t: Tensor): boolean {
  return current !== null && current.tracked.has(t.id);
}

/** Runs `fn` without recording (e.g. optimizer updates, metrics). */
export function noGrad<T>(fn: () => T): T {
  return withTape(null, fn);
}
