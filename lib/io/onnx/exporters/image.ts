/**
 * Image layers that resize or pad, channels last: ZeroPadding2D is Pad (constant 0) on the height and width axes;
 * UpSampling2D is Transpose -> Resize -> Transpose, Resize with scales [1, 1, sizeH, sizeW] and
 *
 * | interpolation | Resize attributes                                                             |
 * | ------------- | ----------------------------------------------------------------------------- |
 * | nearest       | mode 'nearest', coordinate 'asymmetric', nearest_mode 'floor': x[floor(i / s)] |
 * | bilinear      | mode 'linear', coordinate 'half_pixel' (source (i + 1/2) / s - 1/2, clamped)  |
 */
import { attr } from '../onnx-proto';
import { toChannelsFirst, toChannelsLast } from '../graph-builder';
import { soleInput, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';

function exportZeroPadding2D(e: LayerExport): void {
  const p = e.config.padding as number[][];
  if (!Array.isArray(p) || p.length !== 2 || !p.every((q) => Array.isArray(q) && q.length === 2)) e.fail(`config.padding must be [[top, bottom], [left, right]], got ${JSON.stringify(p)}`);
  const [[top, bottom], [left, right]] = p;
  const pads = e.g.int64s(`${e.name}/pads`, [0, top, left, 0, 0, bottom, right, 0]);
  e.g.op('Pad', [soleInput(e).name, pads], { mode: attr.string('constant') }, e.name, e.outputs[0]);
}

function exportUpSampling2D(e: LayerExport): void {
  const { g } = e;
  const size = e.config.size as number[];
  if (!Array.isArray(size) || size.length !== 2) e.fail(`config.size must be [rows, columns], got ${JSON.stringify(size)}`);
  const nearest = e.config.interpolation !== 'bilinear';
  const scales = g.floats(`${e.name}/scales`, [1, 1, size[0], size[1]], [4]);
  const y = g.op('Resize', [g.transpose(soleInput(e).name, toChannelsFirst(2), e.name), '', scales], nearest
    ? { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') }
    : { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('half_pixel') }, e.name);
  g.transpose(y, toChannelsLast(2), e.name, e.outputs[0]);
}

/** Exporters of the image resizing and padding layers, by class name. */
export const IMAGE_EXPORTERS: Record<string, OnnxLayerExporter> = {
  ZeroPadding2D: exportZeroPadding2D,
  UpSampling2D: exportUpSampling2D,
};
