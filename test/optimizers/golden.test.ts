/**
 * Golden tests: every optimizer with `convention: 'pytorch'` against torch.optim (numbers in golden-data.ts,
 * PyTorch 1.13, float32; test/parity/optimizer-conventions.test.ts checks both conventions against fresh figures),
 * with fixed gradients and with a quadratic loss differentiated by valueAndGrads. Runs on every backend
 * that loads here.
 */
import { valueAndGrads } from '../../lib/autograd/gradients';
import { mul, sub } from '../../lib/ops/binary';
import { tensor } from '../../lib/ops/creation';
import { sum } from '../../lib/ops/reduce';
import { square } from '../../lib/ops/unary';
import { add } from '../../lib/ops/binary';
import { variable, type Variable } from '../../lib/tensor/variable';
import { adagrad, adam, adamw, rmsprop, sgd, type Optimizer } from '../../lib/optimizers/index';
import { describeEachBackend } from '../helpers/backends';
import { GOLDEN } from './golden-data';

const FACTORIES: Record<string, () => Optimizer> = {
  sgd: () => sgd({ learningRate: 0.1, convention: 'pytorch' }),
  sgdMomentum: () => sgd({ learningRate: 0.1, momentum: 0.9, convention: 'pytorch' }),
  sgdNesterovWd: () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01, convention: 'pytorch' }),
  adam: () => adam({ learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, convention: 'pytorch' }),
  adamAmsgrad: () => adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-7, amsgrad: true, convention: 'pytorch' }),
  adamWd: () => adam({ learningRate: 0.01, epsilon: 1e-7, weightDecay: 0.1, convention: 'pytorch' }),
  // our AdamW default weightDecay (0.004, Keras) was passed explicitly to torch.optim.AdamW
  adamw: () => adamw({ learningRate: 0.01, epsilon: 1e-7, convention: 'pytorch' }),
  // torch.optim.Adagrad(initial_accumulator_value=0.1, eps=1e-7) matches our defaults
  adagrad: () => adagrad({ learningRate: 0.1, convention: 'pytorch' }),
  // torch.optim.RMSprop(alpha=0.9, eps=1e-7) matches our defaults rho 0.9, epsilon 1e-7
  rmsprop: () => rmsprop({ learningRate: 0.01, convention: 'pytorch' }),
  rmspropCenteredMomentum: () => rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5, convention: 'pytorch' }),
};

function expectClose(actual: Float32Array, expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (err > tol * Math.max(1, Math.abs(expected[i]))) {
      throw new Error(`element ${i}: got ${actual[i]}, torch gives ${expected[i]} (error ${err})`);
    }
  }
}

function makeParams(): Variable[] {
  return GOLDEN.p0.map((p, k) => variable(tensor(Float32Array.from(p), GOLDEN.shapes[k])));
}

describeEachBackend('optimizers vs torch.optim', () => {
  for (const name of Object.keys(FACTORIES)) {
    test(`${name}: 3 steps with fixed gradients`, () => {
      const opt = FACTORIES[name]();
      const params = makeParams();
      GOLDEN.grads.forEach((gs, t) => {
        const grads = gs.map((g, k) => tensor(Float32Array.from(g), GOLDEN.shapes[k]));
        opt.applyGradients(params.map((variable, k) => ({ variable, grad: grads[k] })));
        grads.forEach((g) => g.dispose());
        params.forEach((p, k) => expectClose(p.dataSync(), GOLDEN.cases[name].fixed[t][k], 2e-6));
      });
      expect(opt.iterations).toBe(3);
      params.forEach((p) => p.dispose());
      opt.dispose();
    });

    test(`${name}: 5 steps on a quadratic loss through valueAndGrads`, () => {
      const opt = FACTORIES[name]();
      const params = makeParams();
      const qa = GOLDEN.qa.map((a, k) => tensor(Float32Array.from(a), GOLDEN.shapes[k]));
      const qc = GOLDEN.qc.map((c, k) => tensor(Float32Array.from(c), GOLDEN.shapes[k]));
      const expected = GOLDEN.cases[name].quadratic;
      for (let t = 0; t < expected.losses.length; t++) {
        const { value, grads } = valueAndGrads(() => {
          const terms = params.map((p, k) => sum(mul(qa[k], square(sub(p, qc[k])))));
          return terms.reduce((acc, x) => add(acc, x));
        }, params);
        expect(Math.abs(value.dataSync()[0] - expected.losses[t])).toBeLessThan(1e-5 * Math.max(1, expected.losses[t]));
        opt.applyGradients(params.map((variable, k) => ({ variable, grad: grads[k] })));
        value.dispose();
        grads.forEach((g) => g.dispose());
      }
      params.forEach((p, k) => expectClose(p.dataSync(), expected.params[k], 1e-5));
      [...params, ...qa, ...qc].forEach((x) => x.dispose());
      opt.dispose();
    });
  }
});
