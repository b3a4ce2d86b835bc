"""Computes the optimizer golden values of golden-data.ts with torch.optim (run once by hand; tests never call python)."""
import json
import numpy as np
import torch

torch.set_default_dtype(torch.float32)
rng = np.random.default_rng(7)
P0 = [rng.uniform(-2, 2, size=(5,)).astype(np.float32), rng.uniform(-2, 2, size=(2, 3)).astype(np.float32)]
STEPS = 3
GRADS = [[rng.uniform(-1.5, 1.5, size=p.shape).astype(np.float32) for p in P0] for _ in range(STEPS)]
# quadratic: L = sum_i a_i (p_i - c_i)^2
QA = [rng.uniform(0.5, 2, size=p.shape).astype(np.float32) for p in P0]
QC = [rng.uniform(-1, 1, size=p.shape).astype(np.float32) for p in P0]
QSTEPS = 5

CASES = {
    'sgd': (torch.optim.SGD, dict(lr=0.1)),
    'sgdMomentum': (torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    'sgdNesterovWd': (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    'adam': (torch.optim.Adam, dict(lr=0.01, betas=(0.9, 0.999), eps=1e-7)),
    'adamAmsgrad': (torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-7, amsgrad=True)),
    'adamWd': (torch.optim.Adam, dict(lr=0.01, eps=1e-7, weight_decay=0.1)),
    'adamw': (torch.optim.AdamW, dict(lr=0.01, eps=1e-7, weight_decay=0.004)),
    'adagrad': (torch.optim.Adagrad, dict(lr=0.1, initial_accumulator_value=0.1, eps=1e-7)),
    'rmsprop': (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-7)),
    'rmspropCenteredMomentum': (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-7, centered=True, momentum=0.5)),
}

def run_fixed(cls, kw):
    ps = [torch.tensor(p.copy(), requires_grad=True) for p in P0]
    opt = cls(ps, **kw)
    out = []
    for t in range(STEPS):
        for p, g in zip(ps, GRADS[t]):
            p.grad = torch.tensor(g)
        opt.step()
        out.append([p.detach().numpy().ravel().tolist() for p in ps])
    return out

def run_quadratic(cls, kw):
    ps = [torch.tensor(p.copy(), requires_grad=True) for p in P0]
    opt = cls(ps, **kw)
    losses = []
    for t in range(QSTEPS):
        opt.zero_grad()
        loss = sum((torch.tensor(a) * (p - torch.tensor(c)) ** 2).sum() for p, a, c in zip(ps, QA, QC))
        losses.append(loss.item())
        loss.backward()
        opt.step()
    return {'losses': losses, 'params': [p.detach().numpy().ravel().tolist() for p in ps]}

def f32(xs):
    return [float(np.float32(x)) for x in xs]

res = {'torch': torch.__version__, 'p0': [p.ravel().tolist() for p in P0], 'shapes': [list(p.shape) for p in P0],
       'grads': [[g.ravel().tolist() for g in gs] for gs in GRADS],
       'qa': [a.ravel().tolist() for a in QA], 'qc': [c.ravel().tolist() for c in QC], 'cases': {}}
for name, (cls, kw) in CASES.items():
    res['cases'][name] = {'fixed': run_fixed(cls, kw), 'quadratic': run_quadratic(cls, kw)}
print(json.dumps(res))
