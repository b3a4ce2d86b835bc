"""Generates the golden numbers pasted into test/reference/golden.test.ts.

Run by hand (never by the tests): /usr/bin/python3 test/reference/make-golden.py
Everything is computed in float64 with PyTorch / NumPy; inputs are exactly representable in float32.
"""
import json
import math

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
out = {'versions': {'torch': torch.__version__, 'numpy': np.__version__}}

def L(t):
    return [float(v) for v in np.asarray(t.detach() if torch.is_tensor(t) else t, dtype=np.float64).reshape(-1)]

# ---- unary ops and their gradients (dy = 1) ----------------------------------------------------------
xs = [-6.0, -3.0, -1.5, -0.5, 0.0, 0.25, 1.0, 2.5, 8.0]
unary = {
    'gelu': (0.0, lambda x: torch.nn.functional.gelu(x)),
    'softplus': (0.0, lambda x: torch.nn.functional.softplus(x, threshold=1000)),
    'elu': (0.7, lambda x: torch.nn.functional.elu(x, alpha=0.7)),
    'sigmoid': (0.0, torch.sigmoid),
    'silu': (0.0, torch.nn.functional.silu),
    'tanh': (0.0, torch.tanh),
    'leakyRelu': (0.1, lambda x: torch.nn.functional.leaky_relu(x, 0.1)),
    'relu': (0.0, torch.relu),
    'abs': (0.0, torch.abs),
    'clipAbs': (1.5, lambda x: torch.clamp(x, -1.5, 1.5)),
}
out['unary'] = {}
for name, (param, f) in unary.items():
    x = torch.tensor(xs, requires_grad=True)
    y = f(x)
    y.sum().backward()
    out['unary'][name] = {'param': param, 'y': L(y), 'dx': L(x.grad)}
out['unary_x'] = xs
out['erf'] = {'x': [-3.0, -1.0, -0.1, 1e-4, 0.5, 2.0, 4.0], 'y': [math.erf(v) for v in [-3.0, -1.0, -0.1, 1e-4, 0.5, 2.0, 4.0]]}

# ---- broadcasting: a [2,3,1] op b [1,4] -> [2,3,4] ---------------------------------------------------
a = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0]).reshape(2, 3, 1)
b = np.array([-1.0, 0.5, 2.0, 3.0]).reshape(1, 4)
out['broadcast'] = {'a': L(a), 'b': L(b), 'sub': L(a - b), 'mul': L(a * b), 'pow': L(a ** b)}

# ---- gemm: alpha * op(A) @ op(B) + beta * C, A 3x4, B 4x2 ---------------------------------------------
A = np.array([[1, -2, 0.5, 3], [0.25, 1, -1, 2], [-1.5, 0, 2, 1]], dtype=np.float64)
B = np.array([[1, 0.5], [-1, 2], [0.25, -0.75], [3, 1]], dtype=np.float64)
C = np.array([[1, -1], [0.5, 2], [-2, 0.25]], dtype=np.float64)
out['gemm'] = {'A': L(A), 'At': L(A.T), 'B': L(B), 'Bt': L(B.T), 'C': L(C), 'alpha': 0.5, 'beta': -2.0,
               'out': L(0.5 * A @ B - 2.0 * C)}

# ---- softmax / log-softmax and their gradients --------------------------------------------------------
z = torch.tensor([[1.0, 2.0, -0.5, 0.0, 3.0], [1000.0, 1001.0, 999.0, 1000.5, 990.0]], requires_grad=True)
dy = torch.tensor([[0.5, -1.0, 0.25, 2.0, 0.0], [1.0, 0.0, -0.5, 0.75, 1.5]])
sm = torch.softmax(z, 1); (sm * dy).sum().backward(); gs = z.grad.clone(); z.grad = None
lsm = torch.log_softmax(z, 1); (lsm * dy).sum().backward(); gl = z.grad.clone()
out['softmax'] = {'z': L(z), 'dy': L(dy), 'softmax': L(sm), 'logSoftmax': L(lsm), 'dSoftmax': L(gs), 'dLogSoftmax': L(gl)}

# ---- softmax cross-entropy (per row), sparse and dense targets ----------------------------------------
logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [500.0, -500.0, 499.0]], requires_grad=True)
idx = torch.tensor([0, 1, 2])
dloss = torch.tensor([1.0, 0.5, 2.0])
loss = torch.nn.functional.cross_entropy(logits, idx, reduction='none'); (loss * dloss).sum().backward()
sparse = {'loss': L(loss), 'grad': L(logits.grad)}; logits.grad = None
tgt = torch.tensor([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5], [0.25, 0.25, 0.5]])
loss_d = torch.nn.functional.cross_entropy(logits, tgt, reduction='none'); (loss_d * dloss).sum().backward()
out['sce'] = {'logits': L(logits), 'idx': L(idx), 'dLoss': L(dloss), 'target': L(tgt), 'probs': L(torch.softmax(logits, 1)),
              'sparse': sparse, 'dense': {'loss': L(loss_d), 'grad': L(logits.grad)}}

# ---- optimizers: p after step 1 and after step 3 ------------------------------------------------------
p0 = [0.5, -1.25, 2.0, 0.0, -0.375]
grads = [[0.25, -0.5, 1.0, 0.125, -2.0], [-0.75, 0.5, 0.5, 0.0, 1.5], [0.0625, -0.25, -0.125, 0.5, 0.25]]
opts = {
    'sgd': lambda p: torch.optim.SGD([p], lr=0.1),
    'sgdMomentum': lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01),
    'sgdNesterov': lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    'adam': lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.999), eps=1e-7, weight_decay=0.01),
    'adamw': lambda p: torch.optim.AdamW([p], lr=0.01, betas=(0.9, 0.999), eps=1e-7, weight_decay=0.1),
    'adamAmsgrad': lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.8, 0.99), eps=1e-7, amsgrad=True),
    'adagrad': lambda p: torch.optim.Adagrad([p], lr=0.1, eps=1e-10, weight_decay=0.01),
    'rmsprop': lambda p: torch.optim.RMSprop([p], lr=0.01, alpha=0.9, eps=1e-7),
    'rmspropCenteredMomentum': lambda p: torch.optim.RMSprop([p], lr=0.01, alpha=0.9, eps=1e-7, momentum=0.9,
                                                            centered=True, weight_decay=0.01),
}
out['optim'] = {'p0': p0, 'grads': grads}
for name, make in opts.items():
    p = torch.tensor(p0, requires_grad=True)
    opt = make(p)
    after = []
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
        after.append(L(p))
    out['optim'][name] = {'step1': after[0], 'step3': after[2]}

print(json.dumps(out, indent=None))
