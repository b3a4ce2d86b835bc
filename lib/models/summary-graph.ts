/** The text table printed by `Model.summary` for a graph model: Keras's functional summary with "Connected to". */
import { policySummaryLine } from '../mixed-precision/policy';
import type { Layer } from '../layers/layer';
import type { GraphNode } from '../layers/symbolic';
import type { Graph } from './graph';
import type { Model } from './model';

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i])).join(' ').trimEnd();
}

const groupDigits = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** `layer[node][output]` for each tensor a node reads (Keras's notation). */
function connectedTo(node: GraphNode): string {
  return node.inputs.map((t) => `${t.sourceLayer.name}[${t.node.index}][${t.outputIndex}]`).join(', ');
}

/**
 * Lines of the summary: one row per node (inputs first) with `name (ClassName)`, output shape (`None` for the
 * batch), parameter count (a shared layer's on its first row only) and the tensors it reads, then the totals.
 */
export function summarizeGraph(model: Model, graph: Graph): string[] {
  const widths = [30, 22, 10, 30];
  const rule = '_'.repeat(widths.reduce((a, b) => a + b + 1, -1));
  const lines = [`Model: "${model.name}"`, rule, row(['Layer (type)', 'Output Shape', 'Param #', 'Connected to'], widths), '='.repeat(rule.length)];
  const counted = new Set<Layer>();
  const nodes = [...graph.inputs.map((t) => t.node), ...graph.nodes];
  nodes.forEach((node, i) => {
    const shapes = node.outputs.map((t) => `(None, ${t.shape.join(', ')})`).join(', ');
    const params = counted.has(node.layer) ? 0 : node.layer.countParams();
    counted.add(node.layer);
    lines.push(row([`${node.layer.name} (${node.layer.className})`, shapes, groupDigits(params), connectedTo(node)], widths));
    lines.push(i === nodes.length - 1 ? '='.repeat(rule.length) : rule);
  });
  const total = model.countParams();
  const trainable = model.trainableWeights.reduce((a, w) => a + w.size, 0);
  const policy = policySummaryLine(model.layers);
  if (policy !== null) lines.push(policy);
  lines.push(`Total params: ${groupDigits(total)}`, `Trainable params: ${groupDigits(trainable)}`, `Non-trainable params: ${groupDigits(total - trainable)}`, rule);
  return lines;
}
