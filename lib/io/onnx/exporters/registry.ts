/**
 * ONNX exporters by layer class name: one table per layer family (a file each beside this one), merged here. A new
 * layer adds one entry to its family's table; a custom layer registers its own with `registerOnnxExporter`.
 */
import { ValueError, describe } from '../../../errors';
import type { OnnxLayerExporter } from '../layer-exporter';
import { ACTIVATION_EXPORTERS } from './activation';
import { ATTENTION_EXPORTERS } from './attention';
import { CONV_EXPORTERS } from './conv';
import { DENSE_EXPORTERS } from './dense';
import { EMBEDDING_EXPORTERS } from './embedding';
import { IMAGE_EXPORTERS } from './image';
import { MERGE_EXPORTERS } from './merge';
import { NORMALIZATION_EXPORTERS } from './normalization';
import { POOLING_EXPORTERS } from './pooling';
import { RECURRENT_EXPORTERS } from './recurrent';
import { SHAPE_EXPORTERS } from './shape';
import { WRAPPER_EXPORTERS } from './wrapper';

const exporters = new Map<string, OnnxLayerExporter>(Object.entries({
  ...DENSE_EXPORTERS,
  ...ACTIVATION_EXPORTERS,
  ...CONV_EXPORTERS,
  ...POOLING_EXPORTERS,
  ...SHAPE_EXPORTERS,
  ...IMAGE_EXPORTERS,
  ...NORMALIZATION_EXPORTERS,
  ...EMBEDDING_EXPORTERS,
  ...MERGE_EXPORTERS,
  ...ATTENTION_EXPORTERS,
  ...WRAPPER_EXPORTERS,
  ...RECURRENT_EXPORTERS,
}));

/**
 * Registers (or replaces) the ONNX exporter of layers of class `className`: a function that receives the layer's
 * config, weights and input tensors (`LayerExport`) and writes nodes producing its outputs.
 */
export function registerOnnxExporter(className: string, exporter: OnnxLayerExporter): void {
  if (typeof className !== 'string' || className.length === 0) throw new ValueError(`registerOnnxExporter: className must be a non-empty string, got ${describe(className)}`);
  if (typeof exporter !== 'function') throw new ValueError(`registerOnnxExporter: exporter must be a function, got ${describe(exporter)}`);
  exporters.set(className, exporter);
}

/** The exporter of `className`, or undefined. */
export function onnxExporterFor(className: string): OnnxLayerExporter | undefined {
  return exporters.get(className);
}

/** The class names that have an exporter, sorted. */
export function onnxExportableClasses(): string[] {
  return [...exporters.keys()].sort();
}
