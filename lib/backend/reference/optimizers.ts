/**
 * Reference optimizer steps. Each call updates every parameter tensor (and its state) in place; the math of
 * one element is done in float64 and the results are stored back as float32. `keras` picks Keras 3's formulas
 * (keras/src/optimizers/*.py, update_step, with base_optimizer.py's decoupled weight decay) or PyTorch's
 * (torch.optim); lib/optimizers/convention.ts lists the differences. Checked against torch.optim in
 * test/reference/golden.test.ts and against both frameworks in test/parity/optimizer-conventions.test.ts.
 *
 * `hyper` is the optimizer's [learningRate, stepsDone] buffer: each step reads lr = hyper[0] and its step number
 * t = hyper[1] + 1, and stores t into hyper[1] once every parameter is updated.
 */

/** The learning rate and the 1-based step number a step reads from its `hyper` buffer. */
function hyperOf(hyper: Float32Array, kernel: string): { lr: number; step: number } {
  if (hyper.length < 2) throw new RangeError(`${kernel}: argument 'hyper' must hold 2 floats [learningRate, stepsDone], got ${hyper.length}`);
  return { lr: hyper[0], step: hyper[1] + 1 };
}

/**
 * SGD. keras: p -= lr wd p; with momentum v = momentum v - lr g and p += nesterov ? momentum v - lr g : v;
 * without: p -= lr g. pytorch: g = grad + wd p; with momentum v = momentum v + g and
 * step = nesterov ? g + momentum v : v; without: step = g; p -= lr step. `velocity` is empty when momentum is 0.
 */
export function sgdStep(params: Float32Array[], grads: Float32Array[], velocity: Float32Array[], hyper: Float32Array,
  momentum: number, nesterov: boolean, weightDecay: number, keras: boolean): void {
  const { lr, step: t } = hyperOf(hyper, 'sgdStep');
  params.forEach((p, t) => {
    const grad = grads[t];
    const v = momentum !== 0 ? velocity[t] : null;
    for (let i = 0; i < p.length; i++) {
      if (keras) {
        const pi = p[i] - lr * weightDecay * p[i];
        const g = grad[i];
        if (!v) {
          p[i] = pi - lr * g;
          continue;
        }
        const vi = momentum * v[i] - lr * g;
        v[i] = vi;
        p[i] = nesterov ? pi + (momentum * vi - lr * g) : pi + vi;
        continue;
      }
      const g = grad[i] + weightDecay * p[i];
      let step = g;
      if (v) {
        const vi = momentum * v[i] + g;
        v[i] = vi;
        step = nesterov ? g + momentum * vi : vi;
      }
      p[i] = p[i] - lr * step;
    }
  });
  hyper[1] = t;
}

/**
 * Adam / AdamW at step t (1-based): g = grad (+ wd * p when not decoupled); m = b1 m + (1 - b1) g;
 * v = b2 v + (1 - b2) g^2; with amsgrad (vmax non-empty) vmax = max(vmax, v) and v' = vmax else v' = v;
 * decoupled: p -= lr * wd * p first; then pytorch: p -= lr * (m / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps),
 * keras: p -= (lr * sqrt(1 - b2^t) / (1 - b1^t)) * m / (sqrt(v') + eps).
 */
export function adamStep(params: Float32Array[], grads: Float32Array[], m: Float32Array[], v: Float32Array[],
  vmax: Float32Array[], hyper: Float32Array, beta1: number, beta2: number, epsilon: number,
  weightDecay: number, decoupled: boolean, keras: boolean): void {
  const { lr, step } = hyperOf(hyper, 'adamStep');
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  const stepScale = keras ? (lr * Math.sqrt(bc2)) / bc1 : lr / bc1;
  const vScale = keras ? 1 : 1 / bc2;
  params.forEach((p, t) => {
    const grad = grads[t];
    const mt = m[t];
    const vt = v[t];
    const vm = vmax.length > 0 ? vmax[t] : null;
    for (let i = 0; i < p.length; i++) {
      let pi = p[i];
      const g = decoupled ? grad[i] : grad[i] + weightDecay * pi;
      if (decoupled) pi -= lr * weightDecay * pi;
      const mi = beta1 * mt[i] + (1 - beta1) * g;
      const vi = beta2 * vt[i] + (1 - beta2) * g * g;
      mt[i] = mi;
      vt[i] = vi;
      let vUsed = vi;
      if (vm) {
        vUsed = Math.max(vm[i], vi);
        vm[i] = vUsed;
      }
      p[i] = pi - (stepScale * mi) / (Math.sqrt(vUsed * vScale) + epsilon);
    }
  });
  hyper[1] = step;
}

/**
 * Adagrad. keras: p -= lr wd p; acc += g^2; p -= lr g / sqrt(acc + eps).
 * pytorch: g = grad + wd p; acc += g^2; p -= lr g / (sqrt(acc) + eps).
 */
export function adagradStep(params: Float32Array[], grads: Float32Array[], accum: Float32Array[], hyper: Float32Array,
  epsilon: number, weightDecay: number, keras: boolean): void {
  const { lr, step } = hyperOf(hyper, 'adagradStep');
  params.forEach((p, t) => {
    const grad = grads[t];
    const acc = accum[t];
    for (let i = 0; i < p.length; i++) {
      const g = keras ? grad[i] : grad[i] + weightDecay * p[i];
      const pi = keras ? p[i] - lr * weightDecay * p[i] : p[i];
      const a = acc[i] + g * g;
      acc[i] = a;
      p[i] = pi - (lr * g) / (keras ? Math.sqrt(a + epsilon) : Math.sqrt(a) + epsilon);
    }
  });
  hyper[1] = step;
}

/**
 * RMSprop: sq = rho sq + (1 - rho) g^2; centered: mg = rho mg + (1 - rho) g and var = sq - mg^2, else var = sq.
 * keras: p -= lr wd p; inc = lr g / sqrt(var + eps); with momentum > 0 buf = momentum buf + inc and p -= buf,
 * else p -= inc. pytorch: g = grad + wd p; inc = g / (sqrt(var) + eps); with momentum > 0
 * buf = momentum buf + inc and p -= lr buf, else p -= lr inc.
 * `meanGrad` is empty unless centered, `momentumBuf` unless momentum > 0.
 */
export function rmspropStep(params: Float32Array[], grads: Float32Array[], sq: Float32Array[],
  meanGrad: Float32Array[], momentumBuf: Float32Array[], hyper: Float32Array, rho: number,
  momentum: number, epsilon: number, centered: boolean, weightDecay: number, keras: boolean): void {
  const { lr, step } = hyperOf(hyper, 'rmspropStep');
  const scale = keras ? 1 : lr;
  params.forEach((p, t) => {
    const grad = grads[t];
    const s = sq[t];
    const mg = centered ? meanGrad[t] : null;
    const buf = momentum > 0 ? momentumBuf[t] : null;
    for (let i = 0; i < p.length; i++) {
      const g = keras ? grad[i] : grad[i] + weightDecay * p[i];
      const pi = keras ? p[i] - lr * weightDecay * p[i] : p[i];
      const si = rho * s[i] + (1 - rho) * g * g;
      s[i] = si;
      let variance = si;
      if (mg) {
        const mgi = rho * mg[i] + (1 - rho) * g;
        mg[i] = mgi;
        variance = si - mgi * mgi;
      }
      const inc = keras ? (lr * g) / Math.sqrt(variance + epsilon) : g / (Math.sqrt(variance) + epsilon);
      if (buf) {
        const b = momentum * buf[i] + inc;
        buf[i] = b;
        p[i] = pi - scale * b;
      } else {
        p[i] = pi - scale * inc;
      }
    }
  });
  hyper[1] = step;
}
