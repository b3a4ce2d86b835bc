#!/usr/bin/env python3
"""Where a PyTorch training loop's time goes on the wide network (1024-4096-4096-1024, batch 1024, 64 batches),
float32 and TF32: the bench worker's loop (nn.Linear layers, randperm + gather batches) against the in-process
runner's (addmm on [in, out] weights, contiguous batches), each timed epoch by epoch after a warm-up that either
runs the timed loop's own body or only contiguous batches. A first epoch slower than the next ones is a one-time
cost inside the timed part; a gap that stays is the loop's or the layout's own.
Usage: python3 benchmarks/gpu/torch_loop_styles.py   (prints one JSON line per style and precision, each run in\na process of its own)"""
import json
import math
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

SIZES, BATCH, BATCHES, EPOCHS = [1024, 4096, 4096, 1024], 1024, 64, 3


def linear_model(dev):
    mods = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        mods.append(torch.nn.Linear(a, b))
        if i + 2 < len(SIZES):
            mods.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*mods).to(dev)
    return model, list(model.parameters())


def addmm_model(dev):
    params = []
    for a, b in zip(SIZES[:-1], SIZES[1:]):
        lim = math.sqrt(6 / (a + b))
        params.append(((torch.rand(a, b, device=dev) * 2 - 1) * lim).requires_grad_())
        params.append(torch.zeros(b, device=dev, requires_grad=True))

    def forward(h):
        for i in range(0, len(params), 2):
            h = torch.addmm(params[i + 1], h, params[i])
            if i + 2 < len(params):
                h = F.relu(h)
        return h
    return forward, params


def epoch(forward, opt, x, y, rows, gather):
    perm = torch.randperm(rows, device=x.device) if gather else None
    running = 0.0
    for i in range(0, rows, BATCH):
        if gather:
            idx = perm[i:i + BATCH]
            xb, yb = x[idx], y[idx]
        else:
            xb, yb = x[i:i + BATCH], y[i:i + BATCH]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(forward(xb), yb)
        loss.backward()
        opt.step()
        running = running + loss.detach() * BATCH
    return running


def style(name, make, gather, warm_like_timed, x, y):
    dev = x.device
    warm_fwd, warm_params = make(dev)
    wopt = torch.optim.Adam(warm_params, lr=1e-3, eps=1e-7, fused=True)
    # 3 warm-up steps, as the bench's wide workload: either the timed loop's body or contiguous batches only.
    epoch(warm_fwd, wopt, x, y, 3 * BATCH, gather and warm_like_timed)
    torch.cuda.synchronize()
    del warm_fwd, warm_params, wopt
    fwd, params = make(dev)
    opt = torch.optim.Adam(params, lr=1e-3, eps=1e-7, fused=True)
    ms = []
    for _ in range(EPOCHS):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        epoch(fwd, opt, x, y, BATCHES * BATCH, gather)
        torch.cuda.synchronize()
        ms.append(round((time.perf_counter() - t0) * 1000 / BATCHES, 4))
    return {"style": name, "msPerStepByEpoch": ms}


STYLES = [
    ("nn.Linear, randperm+gather, warm-up on contiguous batches (the worker before)", linear_model, True, False),
    ("nn.Linear, randperm+gather, warm-up runs the timed body (the worker now)", linear_model, True, True),
    ("nn.Linear, contiguous batches", linear_model, False, False),
    ("addmm [in, out], contiguous batches (torch_mlp.py)", addmm_model, False, False),
]


def main():
    if len(sys.argv) < 3:
        # Each style and precision in a fresh process, so that no run inherits another's loaded kernels.
        for precision in ("float32", "tf32"):
            for i in range(len(STYLES)):
                subprocess.run([sys.executable, __file__, precision, str(i)], check=False)
        return
    precision, which = sys.argv[1], int(sys.argv[2])
    torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
    dev = torch.device("cuda")
    g = torch.Generator(device="cpu").manual_seed(5)
    x = torch.randn(BATCHES * BATCH, SIZES[0], generator=g).to(dev)
    y = torch.randint(0, SIZES[-1], (BATCHES * BATCH,), generator=g).to(dev)
    name, make, gather, warm_like = STYLES[which]
    row = style(name, make, gather, warm_like, x, y)
    row["precision"] = precision
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
