/** Reference Gaussian noise: normals from Philox4x32-10 by Box-Muller (native/common/gaussian_noise.h), counter advanced. */
import { dropoutCounter, philox4x32, storeDropoutCounter } from '../philox';

/**
 * y[i] = x[i] + fround(stddev) * z[i] in float32, z[i] the normal i of call t = the counter in `state` under key
 * (key0, key1) as native/common/gaussian_noise.h draws it; then the counter advances by one (also when n is 0).
 */
export function gaussianNoise(x: Float32Array, y: Float32Array, state: Float32Array, n: number, stddev: number,
  key0: number, key1: number): void {
  const t = dropoutCounter(state);
  const tLo = t % 4294967296, tHi = Math.floor(t / 4294967296);
  const s = Math.fround(stddev);
  const w = new Uint32Array(4);
  const z = new Float32Array(4);
  for (let b = 0; 4 * b < n; b++) {
    philox4x32(b % 4294967296, Math.floor(b / 4294967296), tLo, tHi, key0, key1, w);
    for (let j = 0; j < 4; j += 2) {
      const u1 = ((w[j] >>> 8) + 0.5) / 16777216;
      const u2 = (w[j + 1] >>> 8) / 16777216;
      const r = Math.sqrt(-2 * Math.log(u1));
      z[j] = r * Math.cos(6.283185307179586 * u2);
      z[j + 1] = r * Math.sin(6.283185307179586 * u2);
    }
    for (let j = 0; j < 4 && 4 * b + j < n; j++) y[4 * b + j] = x[4 * b + j] + Math.fround(s * z[j]);
  }
  storeDropoutCounter(state, t + 1);
}
