/**
 * Reference convolution kernels (channels last), direct loops accumulating in float64: the forward pass with
 * bias and activation, and the input and kernel gradients. `sizes` = [N, H, W, C, OH, OW, F] and `window` =
 * [KH, KW, SH, SW, DH, DW, PT, PL] as in the kernel table.
 */
import type { UnaryOp } from '../kernel-ids';
import { unaryForward } from './unary-math';

/** The geometry of one call, unpacked. */
function geometry(sizes: number[], window: number[]) {
  const [n, h, w, c, oh, ow, f] = sizes;
  const [kh, kw, sh, sw, dh, dw, pt, pl] = window;
  return { n, h, w, c, oh, ow, f, kh, kw, sh, sw, dh, dw, pt, pl };
}

type Geometry = ReturnType<typeof geometry>;

/**
 * Calls `tap(o, xBase, wBase)` for every output position (o: its offset in [N, OH, OW, F]) and every window tap
 * that falls inside the image (xBase: the offset of its pixel in x, wBase: of the tap's [C, F] block in w), in
 * the order of the output positions; `done(o)` after each position's taps.
 */
function forEachTap(g: Geometry, tap: (o: number, xBase: number, wBase: number) => void, done?: (o: number) => void): void {
  for (let n = 0; n < g.n; n++) {
    for (let i = 0; i < g.oh; i++) {
      for (let j = 0; j < g.ow; j++) {
        const o = ((n * g.oh + i) * g.ow + j) * g.f;
        for (let a = 0; a < g.kh; a++) {
          const y = i * g.sh + a * g.dh - g.pt;
          if (y < 0 || y >= g.h) continue;
          for (let b = 0; b < g.kw; b++) {
            const xx = j * g.sw + b * g.dw - g.pl;
            if (xx < 0 || xx >= g.w) continue;
            tap(o, ((n * g.h + y) * g.w + xx) * g.c, (a * g.kw + b) * g.c * g.f);
          }
        }
        done?.(o);
      }
    }
  }
}

/** z = bias + conv(x, w) over [N, OH, OW, F]; out = activation(z; param). `z` may be `out`. */
export function conv2dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, z: Float32Array,
  out: Float32Array, sizes: number[], window: number[], activation: UnaryOp,
  param: number): void {
  const g = geometry(sizes, window);
  const acc = new Float64Array(g.f);
  for (let f = 0; f < g.f; f++) acc[f] = bias ? bias[f] : 0;
  forEachTap(g, (_o, xBase, wBase) => {
    for (let c = 0; c < g.c; c++) {
      const v = x[xBase + c];
      const wRow = wBase + c * g.f;
      for (let f = 0; f < g.f; f++) acc[f] += v * w[wRow + f];
    }
  }, (o) => {
    for (let f = 0; f < g.f; f++) {
      const zv = Math.fround(acc[f]);
      z[o + f] = zv;
      out[o + f] = unaryForward(activation, zv, param);
      acc[f] = bias ? bias[f] : 0;
    }
  });
}

/** dx = the transposed convolution of dz with w, over [N, H, W, C] (positions no window covers get 0). */
export function conv2dInputGrad(dz: Float32Array, w: Float32Array, dx: Float32Array, sizes: number[], window: number[]): void {
  const g = geometry(sizes, window);
  const acc = new Float64Array(g.n * g.h * g.w * g.c);
  forEachTap(g, (o, xBase, wBase) => {
    for (let c = 0; c < g.c; c++) {
      let s = 0;
      for (let f = 0; f < g.f; f++) s += dz[o + f] * w[wBase + c * g.f + f];
      acc[xBase + c] += s;
    }
  });
  dx.set(acc);
}

/** dw[a, b, c, f] = sum over the batch and output positions of x (under the window) times dz. */
export function conv2dFilterGrad(x: Float32Array, dz: Float32Array, dw: Float32Array, sizes: number[], window: number[]): void {
  const g = geometry(sizes, window);
  const acc = new Float64Array(g.kh * g.kw * g.c * g.f);
  forEachTap(g, (o, xBase, wBase) => {
    for (let c = 0; c < g.c; c++) {
      const v = x[xBase + c];
      for (let f = 0; f < g.f; f++) acc[wBase + c * g.f + f] += v * dz[o + f];
    }
  });
  dw.set(acc);
}
