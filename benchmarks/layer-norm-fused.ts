/**
 * Layer normalization forward + backward on the cpu backend: the fused op (one layerNorm kernel, one layerNormGrad)
 * against the same formula in composed ops (mean, sub, square, mean, addScalar, sqrt, div, mul, add), inside the same
 * loop (loss sum(y * dy), valueAndGrads over x, gamma, beta); the loop around x * gamma alone is printed as its
 * overhead. Medians of 3 rounds of 50 steps. Run: npm run build:ts && node dist/benchmarks/layer-norm-fused.js
 * [rows] [cols] (default 256 512).
 */
import * as my from '../lib/index';

const rows = Number(process.argv[2] ?? 256);
const cols = Number(process.argv[3] ?? 512);

my.setBackend('cpu');
const x = my.variable(my.randomNormal([rows, cols], { seed: 1 }), true, 'x');
const gamma = my.variable(my.ones([cols]), true, 'gamma');
const beta = my.variable(my.zeros([cols]), true, 'beta');
const dy = my.randomNormal([rows, cols], { seed: 2 });

const fused = (): my.Tensor => my.layerNorm(x, gamma, beta, 1e-3);
const composed = (): my.Tensor => {
  const d = my.sub(x, my.mean(x, -1, true));
  const variance = my.mean(my.square(d), -1, true);
  return my.add(my.mul(my.div(d, my.sqrt(my.addScalar(variance, 1e-3))), gamma), beta);
};
const overhead = (): my.Tensor => my.mul(x, gamma);

/** Microseconds per forward + backward step of f, mean over n steps after 5 warm-up steps. */
function usPerStep(f: () => my.Tensor, n: number): number {
  const step = () => {
    const { value, grads } = my.valueAndGrads(() => my.sum(my.mul(f(), dy)), [x, gamma, beta]);
    value.dataSync();
    value.dispose();
    grads.forEach((g) => g.dispose());
  };
  for (let i = 0; i < 5; i++) step();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) step();
  return Number(process.hrtime.bigint() - t0) / 1e3 / n;
}

const rounds = [0, 1, 2].map(() => [usPerStep(fused, 50), usPerStep(composed, 50), usPerStep(overhead, 50)]);
const median = (k: number) => rounds.map((r) => r[k]).sort((a, b) => a - b)[1];
console.log(`layer norm [${rows}, ${cols}] forward + backward on cpu: fused ${median(0).toFixed(0)} us/step, composed ops ` +
  `${median(1).toFixed(0)} us/step; the loop around x * gamma alone ${median(2).toFixed(0)} us/step`);
