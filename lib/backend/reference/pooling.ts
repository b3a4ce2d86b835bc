/** Reference 2-D max and average pooling, channels last, in float64 (the table's `pool2d` and `pool2dGrad`). */

/** The window [r0, r1) x [c0, c1) of output (oh, ow), clipped to the h x w image. */
function windowOf(h: number, w: number, win: readonly number[], oh: number, ow: number): number[] {
  const [poolH, poolW, strideH, strideW, padTop, padLeft] = win;
  const top = oh * strideH - padTop, left = ow * strideW - padLeft;
  return [Math.max(0, top), Math.min(h, top + poolH), Math.max(0, left), Math.min(w, left + poolW)];
}

/** The offset in x (from the image's start) of the window's first maximum for channel k; NaN wins over numbers. */
function argmaxOf(x: Float32Array, base: number, w: number, c: number, box: readonly number[], k: number): number {
  const [r0, r1, c0, c1] = box;
  let arg = (r0 * w + c0) * c;
  let best = x[base + arg + k];
  for (let r = r0; r < r1; r++) {
    for (let q = c0; q < c1; q++) {
      const o = (r * w + q) * c;
      const v = x[base + o + k];
      if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) { best = v; arg = o; }
    }
  }
  return arg;
}

/** Calls fn for every window: the image's offset in x, the window's box and the offset of its output in y. */
function forEachWindow(xShape: number[], window: number[], fn: (base: number, box: number[], out: number) => void): void {
  const [n, h, w, c] = xShape;
  const outH = window[6], outW = window[7];
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) fn(i * h * w * c, windowOf(h, w, window, oh, ow), ((i * outH + oh) * outW + ow) * c);
    }
  }
}

/** y[i, oh, ow, k] = max (or mean over the elements inside the image) of window (oh, ow) of x[i, :, :, k]. */
export function pool2d(x: Float32Array, y: Float32Array, xShape: number[], window: number[], max: boolean): void {
  const [, , w, c] = xShape;
  forEachWindow(xShape, window, (base, box, out) => {
    const [r0, r1, c0, c1] = box;
    for (let k = 0; k < c; k++) {
      if (max) {
        y[out + k] = x[base + argmaxOf(x, base, w, c, box, k) + k];
        continue;
      }
      let sum = 0;
      for (let r = r0; r < r1; r++) for (let q = c0; q < c1; q++) sum += x[base + (r * w + q) * c + k];
      y[out + k] = sum / ((r1 - r0) * (c1 - c0));
    }
  });
}

/** dx of `pool2d`: each window's dy to its first maximum (max) or shared evenly by its elements (mean). */
export function pool2dGrad(x: Float32Array | null, dy: Float32Array, dx: Float32Array, xShape: number[], window: number[],
  max: boolean): void {
  const [n, h, w, c] = xShape;
  const acc = new Float64Array(n * h * w * c);
  forEachWindow(xShape, window, (base, box, g) => {
    const [r0, r1, c0, c1] = box;
    for (let k = 0; k < c; k++) {
      if (max) {
        acc[base + argmaxOf(x!, base, w, c, box, k) + k] += dy[g + k];
        continue;
      }
      const share = dy[g + k] / ((r1 - r0) * (c1 - c0));
      for (let r = r0; r < r1; r++) for (let q = c0; q < c1; q++) acc[base + (r * w + q) * c + k] += share;
    }
  });
  dx.set(acc);
}
