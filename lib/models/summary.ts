/** The text table printed by `Sequential.summary`. */
import { policySummaryLine } from '../mixed-precision/policy';
import type { Sequential } from './sequential';

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i])).join(' ').trimEnd();
}

function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Lines of a Keras-like summary: one row per layer with `name (ClassName)`, output shape (`None` for the
 * batch) and parameter count, then total / trainable / non-trainable parameter counts.
 */
export function summarize(model: Sequential): string[] {
  const widths = [32, 26, 12];
  const rule = '_'.repeat(widths.reduce((a, b) => a + b + 1, -1));
  const lines = [`Model: "${model.name}"`, rule, row(['Layer (type)', 'Output Shape', 'Param #'], widths), '='.repeat(rule.length)];
  let shape = model.inputShape;
  model.layers.forEach((layer, i) => {
    shape = shape ? layer.computeOutputShape(shape) : null;
    const out = shape ? `(None, ${shape.join(', ')})` : '(unbuilt)';
    lines.push(row([`${layer.name} (${layer.className})`, out, groupDigits(layer.countParams())], widths));
    lines.push(i === model.layers.length - 1 ? '='.repeat(rule.length) : rule);
  });
  const total = model.countParams();
  const trainable = model.trainableWeights.reduce((a, w) => a + w.size, 0);
  const policy = policySummaryLine(model.layers);
  if (policy !== null) lines.push(policy);
  lines.push(`Total params: ${groupDigits(total)}`, `Trainable params: ${groupDigits(trainable)}`, `Non-trainable params: ${groupDigits(total - trainable)}`, rule);
  return lines;
}
