"""Dense layers under autocast-style casts in PyTorch, for test/mixed-precision/policy.test.ts.

Reads {x, w, b, dy, shapes} as JSON on stdin; for bfloat16 and float16 computes z = x' @ w' + b with
x' = x.to(dtype).float(), w' = w.to(dtype).float() (float32 accumulation) and the gradients of sum(z * dy) with
respect to x, w and b (PyTorch casts a gradient through .to(dtype) into that dtype); prints them as JSON.
"""
import json
import sys

import torch

data = json.load(sys.stdin)
n, k, m = data["n"], data["k"], data["m"]
out = {}
for name, dtype in (("bfloat16", torch.bfloat16), ("float16", torch.float16)):
    x = torch.tensor(data["x"], dtype=torch.float32).reshape(n, k).requires_grad_()
    w = torch.tensor(data["w"], dtype=torch.float32).reshape(k, m).requires_grad_()
    b = torch.tensor(data["b"], dtype=torch.float32).requires_grad_()
    dy = torch.tensor(data["dy"], dtype=torch.float32).reshape(n, m)
    z = x.to(dtype).float() @ w.to(dtype).float() + b
    (z * dy).sum().backward()
    out[name] = {"z": z.detach().flatten().tolist(), "dx": x.grad.flatten().tolist(),
                 "dw": w.grad.flatten().tolist(), "db": b.grad.flatten().tolist()}
print(json.dumps(out))
