"""Learning rates of Keras 3 CosineDecay (with warm-up) and PolynomialDecay at given steps, float64 NumPy
transcriptions of keras/src/optimizers/schedules/learning_rate_schedule.py (CosineDecay.__call__, _warmup_function,
_decay_function; PolynomialDecay.__call__).

stdin: {"steps": [...], "cases": [{"name", "kind", "config": {...}}]}; stdout: {name: [lr per step]}
"""
import json
import math
import sys

import numpy as np


def cosine(c, step):
    lr0, d, alpha = c['initialLearningRate'], float(c['decaySteps']), c.get('alpha', 0.0)
    target, warmup = c.get('warmupTarget'), float(c.get('warmupSteps', 0))

    def decay(s, from_lr):
        return from_lr * ((1 - alpha) * 0.5 * (1.0 + np.cos(math.pi * (s / d))) + alpha)

    s = float(step)
    if target is None:
        return decay(min(s, d), lr0)
    s = min(s, d + warmup)
    if s < warmup:
        return (target - lr0) * (s / warmup) + lr0
    return decay(s - warmup, target)


def polynomial(c, step):
    lr0, end, power = c['initialLearningRate'], c.get('endLearningRate', 0.0001), c.get('power', 1.0)
    s, d = float(step), float(c['decaySteps'])
    if c.get('cycle', False):
        d = d * (1.0 if s == 0 else math.ceil(s / c['decaySteps']))
    else:
        s = min(s, d)
    return (lr0 - end) * (1 - s / d) ** power + end


spec = json.load(sys.stdin)
fns = {'cosine': cosine, 'polynomial': polynomial}
print(json.dumps({c['name']: [float(fns[c['kind']](c['config'], t)) for t in spec['steps']] for c in spec['cases']}))
