"""PyTorch peer of the benchmarks: the usual hand-written training loop (randperm batches, zero_grad,
backward, Adam step, loss.item() per batch as Keras-style fit reports it).

Usage: python3 torch_worker.py <spec.json> <threads> [cpu|cuda]
Losses from logits: BCEWithLogitsLoss for the sigmoid output, CrossEntropyLoss for softmax outputs (the
same functions as myelin's fused paths). Adam(lr, betas=(0.9, 0.999), eps=1e-7) as Keras/myelin.
"""
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from bench_common import initial_weights, load, peak_rss_mib, read_spec, report


def conv_blocks(spec):
    """CNN workloads: Conv2d (valid, stride 1) + ReLU + MaxPool2d per block, initialised from myelin's channels-last
    kernels cw{i} [k, k, in, out] (-> [out, in, k, k]); the sample shape [c, h, w] after the blocks."""
    mods = []
    h, w, c = spec["image"]
    for i, block in enumerate(spec["conv"]):
        conv = torch.nn.Conv2d(c, block["filters"], block["kernelSize"])
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(load(spec, "cw%d" % i).transpose(3, 2, 0, 1).copy()))
            conv.bias.copy_(torch.from_numpy(load(spec, "cb%d" % i)))
        mods += [conv, torch.nn.ReLU(), torch.nn.MaxPool2d(block["pool"])]
        h, w, c = (h - block["kernelSize"] + 1) // block["pool"], (w - block["kernelSize"] + 1) // block["pool"], block["filters"]
    return mods, (c, h, w)


class BagMean(torch.nn.Module):
    """nn.EmbeddingBag(mode='mean') over the ids of each row (a [batch, bag] long tensor)."""

    def __init__(self, table):
        super().__init__()
        self.bag = torch.nn.EmbeddingBag(table.shape[0], table.shape[1], mode="mean")
        with torch.no_grad():
            self.bag.weight.copy_(torch.from_numpy(table))

    def forward(self, ids):
        return self.bag(ids)


def build(spec, device):
    mods, chw = conv_blocks(spec) if spec.get("conv") else ([], None)
    if chw is not None:
        mods.append(torch.nn.Flatten())
    if spec.get("embedding"):
        mods.append(BagMean(load(spec, "e")))
    first = chw[0] * chw[1] * chw[2] if chw else (spec["embedding"]["dim"] if spec.get("embedding") else spec["inputDim"])
    for i, layer in enumerate(spec["layers"]):
        fan_in = first if i == 0 else spec["layers"][i - 1]["units"]
        mods.append(torch.nn.Linear(fan_in, layer["units"]))
        if layer["activation"] == "relu":
            mods.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*mods)
    linears = [m for m in mods if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for i, (lin, (w, b)) in enumerate(zip(linears, initial_weights(spec))):
            if i == 0 and chw is not None:
                # myelin flattens [h, w, c] (channels last), PyTorch [c, h, w]: the same rows in that order.
                c, h, wd = chw
                w = w.reshape(h, wd, c, -1).transpose(2, 0, 1, 3).reshape(c * h * wd, -1)
            lin.weight.copy_(torch.from_numpy(w.T.copy()))
            lin.bias.copy_(torch.from_numpy(b))
    return model.to(device)


def inputs(spec, device):
    """The training rows; a CNN's as images [n, c, h, w] (myelin's rows are [h, w, c])."""
    x = torch.from_numpy(load(spec, "x_train"))
    if spec.get("image"):
        h, w, c = spec["image"]
        x = x.view(-1, h, w, c).permute(0, 3, 1, 2).contiguous()
    return x.to(device)


def loss_fn(spec):
    if spec["loss"] == "binary":
        return torch.nn.BCEWithLogitsLoss()
    return torch.nn.CrossEntropyLoss()


def targets(spec, y, device):
    t = torch.from_numpy(y)
    if spec["loss"] == "sparse":
        t = t.long()
    return t.to(device)


def full_loss(model, crit, x, y, batch=4096):
    total = 0.0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            xb, yb = x[i:i + batch], y[i:i + batch]
            total += crit(model(xb), yb).item() * xb.shape[0]
    return total / x.shape[0]


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def run_epoch(model, opt, crit, x, y, bs, fused, deadline):
    """One epoch of the timed loop over the rows of x: randperm batches, gather, zero_grad, backward, Adam step,
    running loss. Returns (steps, samples seen, whether the deadline cut it short). The warm-up runs this same
    function, so that every kernel and allocation of the timed loop has been met once before the clock starts."""
    n = x.shape[0]
    perm = torch.randperm(n, device=x.device)
    running = 0.0
    steps, seen = 0, 0
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        xb, yb = x[idx], y[idx]
        opt.zero_grad(set_to_none=True)
        loss = crit(model(xb), yb)
        loss.backward()
        opt.step()
        # On the GPU the running loss stays on the device (no wait per batch), as myelin's fit does.
        running = running + loss.detach() * idx.shape[0] if fused else running + loss.item() * idx.shape[0]
        steps += 1
        seen += idx.shape[0]
        if time.perf_counter() > deadline:
            return steps, seen, True
    return steps, seen, False


def main():
    spec = read_spec()
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    device = sys.argv[3] if len(sys.argv) > 3 else "cpu"
    torch.set_num_threads(threads)
    if device == "cuda":
        # TF32 tensor-core GEMMs only where the workload opts in (myelin's worker sets its tf32 option the same way).
        torch.backends.cuda.matmul.allow_tf32 = bool(spec.get("tf32", False))
    torch.manual_seed(7)
    x = inputs(spec, device)
    if spec.get("embedding"):
        x = x.long()  # ids
    y = targets(spec, load(spec, "y_train"), device)
    crit = loss_fn(spec)
    n, bs = spec["samples"], spec["batchSize"]
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    fused = device == "cuda"  # the fused multi-tensor Adam kernel on the GPU, as myelin's one optimizer launch

    # Warm-up on a throwaway model: one epoch of the timed loop over the first warmupSteps batches (myelin's
    # worker warms up the same way, with a fit over those rows).
    warm_rows = min(n, spec["warmupSteps"] * bs)
    warm = build(spec, device)
    wopt = torch.optim.Adam(warm.parameters(), lr=spec["learningRate"], eps=1e-7, fused=fused)
    # Its randperm draws from a forked generator, so that the timed run shuffles exactly as without a warm-up.
    with torch.random.fork_rng(devices=[torch.cuda.current_device()] if device == "cuda" else []):
        run_epoch(warm, wopt, crit, x[:warm_rows], y[:warm_rows], bs, fused, float("inf"))
    del warm, wopt

    model = build(spec, device)
    opt = torch.optim.Adam(model.parameters(), lr=spec["learningRate"], eps=1e-7, fused=fused)
    to_acc = spec["kind"] == "to-accuracy"
    if to_acc:
        x_test = torch.from_numpy(load(spec, "x_test")).to(device)
        y_test = torch.from_numpy(load(spec, "y_test")).long().to(device)
    steps, seen, epochs, partial, acc = 0, 0, 0, False, None
    sync()
    t0 = time.perf_counter()
    deadline = t0 + spec["timeLimitSeconds"]
    for epoch in range(spec["epochs"]):
        model.train()
        s, k, partial = run_epoch(model, opt, crit, x[:n], y[:n], bs, fused, deadline)
        steps += s
        seen += k
        epochs = epoch + 1
        if partial:
            break
        if to_acc:
            model.eval()
            acc = accuracy(model, x_test, y_test)
            if acc >= spec["targetAccuracy"]:
                break
    sync()
    seconds = time.perf_counter() - t0
    result = {
        "trainSeconds": seconds, "steps": steps, "samplesSeen": seen, "epochs": epochs,
        "finalLoss": None if partial else full_loss(model, crit, x, y),
        "partial": partial, "peakRssMiB": peak_rss_mib(),
        "details": "torch %s, %d thread%s, %s" % (torch.__version__, threads, "" if threads == 1 else "s", device),
    }
    if to_acc:
        result["testAccuracy"] = acc
        result["reached"] = acc is not None and acc >= spec["targetAccuracy"]
    if device == "cuda":
        result["details"] += ", peak GPU memory %.0f MiB" % (torch.cuda.max_memory_allocated() / 2**20)
    report(result)


if __name__ == "__main__":
    main()
