"""Several optimizer steps on fixed gradients, in float64, by two outside references:

- torch.optim (the `convention: 'pytorch'` side), run here;
- Keras 3's update rules, transcribed in NumPy from keras-team/keras (the default `convention: 'keras'` side):
  keras/src/optimizers/sgd.py, adam.py, adagrad.py, rmsprop.py (each `update_step`) and
  keras/src/optimizers/base_optimizer.py (`_apply_weight_decay`: variable -= variable * wd * lr, run before
  `update_step` with the same learning rate). AdamW is Adam with weight_decay set (keras/src/optimizers/adamw.py).

stdin: {"p0": [...], "grads": [[...] per step], "cases": [{"name", "opt", "hp": {...}, "lrs": [lr per step]}]}
stdout: {"torch": {name: [params after each step]}, "keras": {...}, "version": torch version}
"""
import json
import sys

import numpy as np
import torch


def torch_run(case, p0, grads):
    hp, opt = case['hp'], case['opt']
    p = torch.tensor(p0, dtype=torch.float64, requires_grad=True)
    lr = case['lrs'][0]
    if opt == 'sgd':
        o = torch.optim.SGD([p], lr=lr, momentum=hp.get('momentum', 0.0), nesterov=hp.get('nesterov', False),
                            weight_decay=hp.get('weightDecay', 0.0))
    elif opt in ('adam', 'adamw'):
        cls = torch.optim.AdamW if opt == 'adamw' else torch.optim.Adam
        o = cls([p], lr=lr, betas=(hp.get('beta1', 0.9), hp.get('beta2', 0.999)), eps=hp.get('epsilon', 1e-7),
                weight_decay=hp.get('weightDecay', 0.004 if opt == 'adamw' else 0.0), amsgrad=hp.get('amsgrad', False))
    elif opt == 'adagrad':
        o = torch.optim.Adagrad([p], lr=lr, initial_accumulator_value=hp.get('initialAccumulatorValue', 0.1),
                                eps=hp.get('epsilon', 1e-7), weight_decay=hp.get('weightDecay', 0.0))
    elif opt == 'rmsprop':
        o = torch.optim.RMSprop([p], lr=lr, alpha=hp.get('rho', 0.9), eps=hp.get('epsilon', 1e-7),
                                momentum=hp.get('momentum', 0.0), centered=hp.get('centered', False),
                                weight_decay=hp.get('weightDecay', 0.0))
    else:
        raise ValueError(opt)
    out = []
    for t, g in enumerate(grads):
        for group in o.param_groups:
            group['lr'] = case['lrs'][t]
        p.grad = torch.tensor(g, dtype=torch.float64)
        o.step()
        out.append(p.detach().tolist())
    return out


def keras_run(case, p0, grads):
    """Keras 3's update_step of each optimizer, after base_optimizer's decoupled weight decay."""
    hp, opt = case['hp'], case['opt']
    p = np.array(p0, dtype=np.float64)
    wd = hp.get('weightDecay', 0.004 if opt == 'adamw' else 0.0)
    mu = hp.get('momentum', 0.0)
    b1, b2 = hp.get('beta1', 0.9), hp.get('beta2', 0.999)
    eps = hp.get('epsilon', 1e-7)
    rho = hp.get('rho', 0.9)
    m = np.zeros_like(p)  # sgd/rmsprop momentum, adam first moment
    v = np.zeros_like(p)  # adam velocity, rmsprop velocity
    v_hat = np.zeros_like(p)
    avg = np.zeros_like(p)
    acc = np.full_like(p, hp.get('initialAccumulatorValue', 0.1))
    out = []
    for t, g in enumerate(grads):
        g = np.array(g, dtype=np.float64)
        lr = case['lrs'][t]
        p = p - p * wd * lr  # base_optimizer.py _apply_weight_decay
        if opt == 'sgd':
            if mu != 0:
                m = m * mu - g * lr
                p = p + (m * mu - g * lr if hp.get('nesterov', False) else m)
            else:
                p = p - g * lr
        elif opt in ('adam', 'adamw'):
            step = t + 1
            alpha = lr * np.sqrt(1 - b2 ** step) / (1 - b1 ** step)
            m = m + (g - m) * (1 - b1)
            v = v + (g * g - v) * (1 - b2)
            vv = v
            if hp.get('amsgrad', False):
                v_hat = np.maximum(v_hat, v)
                vv = v_hat
            p = p - (m * alpha) / (np.sqrt(vv) + eps)
        elif opt == 'adagrad':
            acc = acc + g * g
            p = p - (lr * g) / np.sqrt(acc + eps)
        elif opt == 'rmsprop':
            v = rho * v + (1 - rho) * g * g
            if hp.get('centered', False):
                avg = rho * avg + (1 - rho) * g
                denominator = v - avg * avg + eps
            else:
                denominator = v + eps
            increment = lr * g / np.sqrt(denominator)
            if mu > 0:
                m = mu * m + increment
                p = p - m
            else:
                p = p - increment
        out.append(p.tolist())
    return out


def main():
    spec = json.load(sys.stdin)
    result = {'torch': {}, 'keras': {}, 'version': torch.__version__}
    for case in spec['cases']:
        result['torch'][case['name']] = torch_run(case, spec['p0'], spec['grads'])
        result['keras'][case['name']] = keras_run(case, spec['p0'], spec['grads'])
    print(json.dumps(result))


if __name__ == '__main__':
    main()
