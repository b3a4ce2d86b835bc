"""PyTorch side of the optimizer parity check (benchmarks/parity/).

Usage: python3 parity_torch.py <problem dir>   (the folder written by writeParityProblem)
For every optimizer of problem.json: load the same initial weights, take `steps` steps on the fixed batches
(rows [s*B, (s+1)*B) mod n), record the loss of each batch before its update, and print one JSON object
{ name: { "losses": [...], "weights": [[...], ...] } } (weights in myelin's order and layout:
W0 [in, out], b0, W1, b1, flattened).
"""
import json
import os
import sys

import numpy as np
import torch


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "problem.json"), "r", encoding="utf8") as f:
        problem = json.load(f)
    torch.set_num_threads(1)
    x = torch.from_numpy(np.load(os.path.join(folder, "x.npy")))
    y = torch.from_numpy(np.load(os.path.join(folder, "y.npy"))).long()
    n, bsz = problem["samples"], problem["batch"]
    out = {}
    for opt_spec in problem["optimizers"]:
        w0 = torch.from_numpy(np.load(os.path.join(folder, "w0.npy"))).clone().requires_grad_(True)
        b0 = torch.from_numpy(np.load(os.path.join(folder, "b0.npy"))).clone().requires_grad_(True)
        w1 = torch.from_numpy(np.load(os.path.join(folder, "w1.npy"))).clone().requires_grad_(True)
        b1 = torch.from_numpy(np.load(os.path.join(folder, "b1.npy"))).clone().requires_grad_(True)
        params = [w0, b0, w1, b1]
        opt = getattr(torch.optim, opt_spec["torchClass"])(params, **opt_spec["torchConfig"])
        losses = []
        for s in range(problem["steps"]):
            rows = torch.tensor([(s * bsz + i) % n for i in range(bsz)])
            xb, yb = x[rows], y[rows]
            opt.zero_grad()
            logits = torch.relu(xb @ w0 + b0) @ w1 + b1
            loss = torch.nn.functional.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
            losses.append(float(loss.item()))
        out[opt_spec["name"]] = {"losses": losses, "weights": [p.detach().numpy().reshape(-1).astype(float).tolist() for p in params]}
    out["_torch"] = torch.__version__
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
