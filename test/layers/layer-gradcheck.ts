/**
 * Central-difference gradient check of a layer: L = sum(layer.apply(x, training) * w) for fixed random w,
 * differentiated with respect to the input and to every trainable weight, each element compared with
 * (L(v + h) - L(v - h)) / 2h. Float32 storage limits accuracy: h = 1e-2 (relative), tolerance 5e-3.
 */
import * as my from '../../lib/index';
import type { Layer } from '../../lib/layers/layer';
import { randomValues } from '../helpers/gradcheck';

export function checkLayerGradients(makeOutput: (layer: Layer, x: my.Tensor) => my.Tensor, layer: Layer, x: my.Tensor, options: { h?: number; tol?: number } = {}): void {
  const h = options.h ?? 1e-2;
  const tol = options.tol ?? 5e-3;
  const xv = my.variable(x, true, 'x');
  const probe = my.noGrad(() => my.tidy(() => makeOutput(layer, xv)));
  const w = my.tensor(randomValues(probe.size, 5, 0.5, 1.5), probe.shape.slice());
  probe.dispose();
  const params = [xv, ...layer.trainableWeights];
  const loss = () => my.sum(my.mul(makeOutput(layer, xv), w));
  const { value, grads } = my.valueAndGrads(loss, params);
  value.dispose();
  params.forEach((p, which) => {
    const analytic = grads[which].dataSync();
    const base = p.dataSync();
    for (let i = 0; i < base.length; i++) {
      const step = h * Math.max(1, Math.abs(base[i]));
      const at = (v: number) => {
        const values = base.slice();
        values[i] = v;
        p.assignData(values);
        return my.tidy(() => my.noGrad(loss).dataSync()[0]);
      };
      const plus = Math.fround(base[i] + step);
      const minus = Math.fround(base[i] - step);
      const numeric = (at(plus) - at(minus)) / (plus - minus);
      p.assignData(base);
      const scale = Math.max(1, Math.abs(numeric), Math.abs(analytic[i]));
      if (Math.abs(numeric - analytic[i]) > tol * scale) {
        throw new Error(`${layer.name}: gradient mismatch for ${p.name} element ${i}: analytic ${analytic[i]}, numeric ${numeric}`);
      }
    }
  });
  grads.forEach((g) => g.dispose());
  w.dispose();
  xv.dispose();
}
