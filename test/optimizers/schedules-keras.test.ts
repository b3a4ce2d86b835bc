/**
 * cosineDecay with warm-up and polynomialDecay against Keras 3's formulas transcribed in NumPy
 * (test/optimizers/keras_schedules.py, run here) at every step 0..60; configs round-trip; an optimizer follows the
 * warm-up step by step; bad options are ValueErrors.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { setBackend } from '../../lib/backend/select';
import { ValueError } from '../../lib/errors';
import { tensor } from '../../lib/ops/creation';
import { getOptimizer, schedules, sgd } from '../../lib/optimizers/index';
import { deserializeSchedule, type LearningRateSchedule } from '../../lib/optimizers/schedules';
import { variable } from '../../lib/tensor/variable';

beforeAll(() => setBackend('reference'));

const CASES: Array<{ name: string; kind: 'cosine' | 'polynomial'; config: Record<string, unknown> }> = [
  { name: 'cosine warm-up from 0', kind: 'cosine', config: { initialLearningRate: 0, decaySteps: 30, warmupTarget: 0.1, warmupSteps: 10, alpha: 0.1 } },
  { name: 'cosine warm-up from 0.01', kind: 'cosine', config: { initialLearningRate: 0.01, decaySteps: 25, warmupTarget: 0.05, warmupSteps: 7 } },
  { name: 'cosine warm-up target, 0 steps', kind: 'cosine', config: { initialLearningRate: 0.3, decaySteps: 20, warmupTarget: 0.2, warmupSteps: 0 } },
  { name: 'cosine without warm-up', kind: 'cosine', config: { initialLearningRate: 0.1, decaySteps: 40, alpha: 0.05 } },
  { name: 'polynomial linear (defaults)', kind: 'polynomial', config: { initialLearningRate: 0.1, decaySteps: 30 } },
  { name: 'polynomial sqrt to 0.01', kind: 'polynomial', config: { initialLearningRate: 0.1, decaySteps: 25, endLearningRate: 0.01, power: 0.5 } },
  { name: 'polynomial power 2, cycle', kind: 'polynomial', config: { initialLearningRate: 0.2, decaySteps: 12, endLearningRate: 0.001, power: 2, cycle: true } },
];
const STEPS = Array.from({ length: 61 }, (_, i) => i);

function make(c: (typeof CASES)[number]): LearningRateSchedule {
  return c.kind === 'cosine' ? schedules.cosineDecay(c.config as never) : schedules.polynomialDecay(c.config as never);
}

test('every case at steps 0..60 equals Keras 3 (NumPy) to 1e-12', () => {
  const r = spawnSync(torchAvailable().python, [path.join(__dirname, 'keras_schedules.py')], { input: JSON.stringify({ steps: STEPS, cases: CASES }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`keras_schedules.py failed: ${r.stderr || r.error?.message}`);
  const want = JSON.parse(r.stdout) as Record<string, number[]>;
  for (const c of CASES) {
    const s = make(c);
    STEPS.forEach((t) => {
      const got = s.valueAt(t);
      if (Math.abs(got - want[c.name][t]) > 1e-12) throw new Error(`${c.name} step ${t}: got ${got}, Keras ${want[c.name][t]}`);
    });
    const copy = deserializeSchedule({ className: s.className, config: JSON.parse(JSON.stringify(s.getConfig())) });
    expect(STEPS.map((t) => copy.valueAt(t))).toEqual(STEPS.map((t) => s.valueAt(t)));
  }
});

test('an optimizer steps with the warm-up rates, and its config round-trips', () => {
  const lr = schedules.cosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 0.4, warmupSteps: 4 });
  const opt = sgd({ learningRate: lr });
  const v = variable(tensor([0]));
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    const before = v.dataSync()[0];
    opt.applyGradients([{ variable: v, grad: tensor([-1]) }]);
    seen.push(v.dataSync()[0] - before);
  }
  [0, 0.1, 0.2, 0.3, 0.4, 0.4 * 0.5 * (1 + Math.cos(Math.PI / 10))].forEach((w, i) => expect(seen[i]).toBeCloseTo(w, 6));
  const back = getOptimizer(JSON.parse(JSON.stringify({ className: opt.className, config: opt.getConfig() })));
  expect(back.learningRateAt(2)).toBeCloseTo(0.2, 12);
});

test('bad options', () => {
  expect(() => schedules.cosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 0.1, warmupSteps: 2.5 })).toThrow(/warmupSteps must be an integer >= 0/);
  expect(() => schedules.cosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: -1 })).toThrow(ValueError);
  expect(() => schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 0 })).toThrow(/decaySteps must be a finite number > 0/);
  expect(() => schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 5, power: 0 })).toThrow(/power/);
  expect(() => schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 5, cycle: 1 as never })).toThrow(/cycle must be a boolean/);
});
