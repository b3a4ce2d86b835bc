/** Reference layer normalization over the rows of a [rows, cols] matrix and its gradient, in float64. */

/**
 * mean[r] and rstd[r] = 1 / sqrt(var[r] + epsilon) (biased variance, two passes) of each row;
 * y = (x - mean) rstd gamma + beta (gamma 1 and beta 0 where null).
 */
export function layerNorm(x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, y: Float32Array,
  mean: Float32Array, rstd: Float32Array, rows: number, cols: number, epsilon: number): void {
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[off + j];
    const mu = s / cols;
    let v = 0;
    for (let j = 0; j < cols; j++) v += (x[off + j] - mu) ** 2;
    const inv = 1 / Math.sqrt(v / cols + epsilon);
    mean[r] = mu;
    rstd[r] = inv;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[off + j] - mu) * inv;
      y[off + j] = xhat * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
    }
  }
}

/**
 * dx = rstd (g - mean_j g - xhat mean_j (g xhat)) with g = dy gamma and xhat = (x - mean) rstd;
 * dgamma = sum_r dy xhat; dbeta = sum_r dy.
 */
export function layerNormGrad(x: Float32Array, gamma: Float32Array | null, mean: Float32Array, rstd: Float32Array,
  dy: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array,
  rows: number, cols: number): void {
  const dg = new Float64Array(cols);
  const db = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const mu = mean[r];
    const inv = rstd[r];
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[off + j] - mu) * inv;
      const g = dy[off + j] * (gamma ? gamma[j] : 1);
      sg += g;
      sgx += g * xhat;
      dg[j] += dy[off + j] * xhat;
      db[j] += dy[off + j];
    }
    for (let j = 0; j < cols; j++) {
      const xhat = (x[off + j] - mu) * inv;
      const g = dy[off + j] * (gamma ? gamma[j] : 1);
      dx[off + j] = inv * (g - sg / cols - xhat * (sgx / cols));
    }
  }
  for (let j = 0; j < cols; j++) {
    dgamma[j] = dg[j];
    dbeta[j] = db[j];
  }
}
