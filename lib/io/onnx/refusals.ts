/**
 * The layers ONNX export refuses, and why: those that give the layers after them a mask. ONNX has no masks, so the
 * exported graph would read padding steps as data wherever a later layer (a recurrent one) reads the mask, and
 * predict other values than the model.
 */
import type { Layer } from '../../layers/layer';

/** Layer classes that never export, with the reason (completes "layer <name> (<class>) ..."). */
const REFUSED_CLASSES: Readonly<Record<string, string>> = {
  Masking: 'gives the layers after it a mask, and masks are not exported to ONNX (the exported graph would read the ' +
    'masked steps as data). Export a model without the Masking layer if no layer after it reads the mask.',
};

/** The layer classes ONNX export refuses, with the reason of each. */
export function onnxRefusedClasses(): Record<string, string> {
  return { ...REFUSED_CLASSES };
}

/** Why `layer` cannot be exported (completing "layer <name> (<class>) ..."), or null when nothing stands in the way. */
export function onnxRefusalOf(layer: Layer): string | null {
  if (Object.prototype.hasOwnProperty.call(REFUSED_CLASSES, layer.className)) return REFUSED_CLASSES[layer.className];
  if ((layer as { maskZero?: unknown }).maskZero === true) {
    return 'has maskZero: true, and masks are not exported to ONNX (the exported graph would read the padding steps ' +
      'as data). Export a copy of the model built with maskZero: false and the same weights if you accept that, or pad ' +
      'without a mask.';
  }
  return null;
}
