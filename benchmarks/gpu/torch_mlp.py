#!/usr/bin/env python3
"""PyTorch peer of benchmarks/gpu/myelin-mlp.ts: the workloads of benchmarks/gpu/workloads.ts (same sizes,
steps, learning rates; keep both lists in sync; the 'bf16 autocast' line is the peer of mixed-fit.ts's
mixed_bfloat16, torch.autocast around the forward pass), eager mode, torch.optim.Adam(fused=True, eps=1e-7), data
already on the GPU, loss read once per epoch. Prints one JSON line per workload, like the myelin runner.
Usage: python3 benchmarks/gpu/torch_mlp.py [substring of a workload name]"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F

WORKLOADS = [
    {"name": "mlp 784-512-512-10, batch 128, 1 epoch of 60000", "layers": [784, 512, 512, 10], "batch": 128,
     "samples": 60000, "steps": 468, "seed": 1, "lr": 1e-3, "tf32": False, "warmup": 20},
    {"name": "mlp 1024-4096-4096-1024, batch 1024, float32", "layers": [1024, 4096, 4096, 1024], "batch": 1024,
     "samples": 1024 * 16, "steps": 50, "seed": 2, "lr": 1e-3, "tf32": False, "warmup": 5},
    {"name": "mlp 1024-4096-4096-1024, batch 1024, TF32", "layers": [1024, 4096, 4096, 1024], "batch": 1024,
     "samples": 1024 * 16, "steps": 50, "seed": 2, "lr": 1e-3, "tf32": True, "warmup": 5},
    {"name": "mlp 1024-4096-4096-1024, batch 1024, bf16 autocast", "layers": [1024, 4096, 4096, 1024], "batch": 1024,
     "samples": 1024 * 16, "steps": 50, "seed": 2, "lr": 1e-3, "tf32": False, "warmup": 5, "autocast": torch.bfloat16},
    {"name": "mlp 2-10-1, batch 32 (latency)", "layers": [2, 10, 1], "batch": 32, "samples": 3200, "steps": 1000,
     "seed": 3, "lr": 1e-2, "tf32": False, "warmup": 50},
]


def train(w, steps, loss_every):
    torch.backends.cuda.matmul.allow_tf32 = w["tf32"]
    dev = torch.device("cuda")
    g = torch.Generator(device="cpu").manual_seed(w["seed"])
    layers, batch = w["layers"], w["batch"]
    batches = max(1, w["samples"] // batch)
    x = torch.randn(batches * batch, layers[0], generator=g).to(dev)
    if layers[-1] == 1:
        y = ((x[:, :1] * x[:, 1:2]) > 0).float()
    else:
        y = (x @ torch.randn(layers[0], layers[-1], generator=g).to(dev)).argmax(1)
    params = []
    for a, b in zip(layers[:-1], layers[1:]):
        lim = math.sqrt(6 / (a + b))
        params.append(((torch.rand(a, b, generator=g) * 2 - 1) * lim).to(dev).requires_grad_())
        params.append(torch.zeros(b, device=dev, requires_grad=True))
    opt = torch.optim.Adam(params, lr=w["lr"], eps=1e-7, fused=True)
    losses = []
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for step in range(steps):
        b = step % batches
        h = x[b * batch:(b + 1) * batch]
        with torch.autocast("cuda", dtype=w.get("autocast") or torch.bfloat16, enabled="autocast" in w):
            for i in range(0, len(params), 2):
                h = torch.addmm(params[i + 1], h, params[i])
                if i + 2 < len(params):
                    h = F.relu(h)
        yb = y[b * batch:(b + 1) * batch]
        h = h.float()  # autocast: the logits and the loss in float32
        loss = F.mse_loss(h, yb) if layers[-1] == 1 else F.cross_entropy(h, yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if (step + 1) % loss_every == 0 or step + 1 == steps:
            losses.append(loss.item())
    torch.cuda.synchronize()
    ms = (time.perf_counter() - t0) * 1000
    return losses, ms


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    for w in WORKLOADS:
        if only and only not in w["name"]:
            continue
        train(w, w["warmup"], w["warmup"])
        batches = max(1, w["samples"] // w["batch"])
        losses, ms = train(w, w["steps"], batches)
        print(json.dumps({
            "runner": "torch " + torch.__version__,
            "name": w["name"],
            "device": torch.cuda.get_device_name(0),
            "tf32": "on" if w["tf32"] else "off",
            "samplesPerSecond": round(w["steps"] * w["batch"] / (ms / 1000)),
            "stepMs": round(ms / w["steps"], 4),
            "firstLoss": losses[0],
            "lastLoss": losses[-1],
        }), flush=True)


if __name__ == "__main__":
    main()
