/**
 * Running a model's graph on real tensors: each node's layer is invoked on the values of its inputs, in the
 * graph's order (lib/models/graph.ts), with their masks beside them (`Layer.computeOutputMask`: padding steps
 * from `embedding({ maskZero })` or `masking`, read by the recurrent layers). Outputs asked for as logits skip their final softmax / sigmoid (the
 * cross-entropy then takes the logits, as `Sequential` always did for its last layer).
 */
import { Activation } from '../layers/activation';
import { Dense } from '../layers/dense';
import type { Layer } from '../layers/layer';
import type { GraphNode } from '../layers/symbolic';
import type { Tensor } from '../tensor/tensor';
import type { Graph } from './graph';

/** The outputs of one pass and the activity penalties met on the way. */
export interface GraphPass {
  outputs: Tensor[];
  activity: Tensor[];
  /** Each output's mask ([batch, time] of 0 / 1: returnSequences over a masked input), or null. */
  masks: Array<Tensor | null>;
}

/**
 * The final activation ('softmax' or 'sigmoid') of a layer that a cross-entropy can take as fused logits, or
 * null. A Dense layer with an activity regularizer needs its activated output, so it is never fused.
 */
export function logitsActivationOf(layer: Layer | undefined): 'softmax' | 'sigmoid' | null {
  const act = layer instanceof Dense && layer.activityRegularizer === null ? layer.activation : layer instanceof Activation ? layer.activation : null;
  return act === 'softmax' || act === 'sigmoid' ? act : null;
}

/**
 * The activation of output k that a cross-entropy may fuse: the output's layer has one (`logitsActivationOf`) and
 * no other node of the graph reads that output (it would need the activated values).
 */
export function fusableOutput(graph: Graph, k: number): 'softmax' | 'sigmoid' | null {
  const out = graph.outputs[k];
  if (graph.inputs.includes(out) || graph.outputs.indexOf(out) !== k) return null;
  if ((graph.consumers.get(out.id) ?? 0) > 0) return null;
  return logitsActivationOf(out.node.layer);
}

/** The node's output without its final activation (the caller checked `fusableOutput`). */
function logitsOf(node: GraphNode, x: Tensor): Tensor {
  const layer = node.layer;
  if (layer instanceof Activation) return x;
  return (layer as Dense).forward(x, true);
}

/**
 * Runs `graph` on `inputs` (one batch tensor per graph input, in order). `logits[k]` true: output k comes
 * without its final activation (only for outputs `fusableOutput` accepts).
 */
export function runGraph(graph: Graph, inputs: Tensor[], training: boolean, logits: readonly boolean[] | null = null): GraphPass {
  const values = new Map<number, Tensor>();
  const masks = new Map<number, Tensor | null>();  // output masks ([batch, time] 0 / 1) of the nodes that make one
  graph.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
  const fused = new Set<GraphNode>();
  if (logits) graph.outputs.forEach((t, k) => { if (logits[k]) fused.add(t.node); });
  const activity: Tensor[] = [];
  for (const node of graph.nodes) {
    const xs = node.inputs.map((t) => values.get(t.id) as Tensor);
    const inMasks = node.inputs.map((t) => masks.get(t.id) ?? null);
    if (fused.has(node)) {
      values.set(node.outputs[0].id, logitsOf(node, xs[0]));
    } else {
      const r = node.layer.invokeWithLosses(xs, training, inMasks);
      node.outputs.forEach((t, i) => values.set(t.id, r.outputs[i]));
      activity.push(...r.activity);
    }
    const mask = node.layer.computeOutputMask(xs, inMasks);
    if (mask !== null) masks.set(node.outputs[0].id, mask);  // logits keep the layer's mask: the loss is weighted by it
  }
  return { outputs: graph.outputs.map((t) => values.get(t.id) as Tensor), activity, masks: graph.outputs.map((t) => masks.get(t.id) ?? null) };
}
