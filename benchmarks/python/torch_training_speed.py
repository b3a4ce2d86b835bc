"""What the PyTorch sides of the layer benchmarks share (recurrent_bench.py, transformer_block.py): training samples
per second of a model with 1 and 2 threads, each the median over `rounds` timed epochs of `batches` steps after a
warm-up of 3 steps, printed as the JSON object that benchmarks/core/torch-peer-rounds.ts reads.
"""
import json
import time

import torch


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2]


def print_samples_per_second(make_model, loss_fn, x, y, batch, batches, rounds):
    """make_model() builds a fresh model per thread count; Adam (lr 1e-3, eps 1e-7, Keras's) trains it on x, y."""
    results = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        model = make_model()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

        def epoch(n):
            for i in range(n):
                opt.zero_grad()
                loss = loss_fn(model(x[i * batch:(i + 1) * batch]), y[i * batch:(i + 1) * batch])
                loss.backward()
                opt.step()

        epoch(3)
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            epoch(batches)
            times.append(time.perf_counter() - t0)
        results[f'{threads}t'] = batches * batch / median(times)
    print(json.dumps({'version': torch.__version__, 'samplesPerSecond': results}))
