"""PyTorch CPU side of benchmarks/core/transformer-block.ts: training samples per second of one
nn.TransformerEncoderLayer(d 128, 4 heads, feed-forward 256, dropout 0, relu, batch_first=True, norm_first=False) on
[32, 64, 128] batches, Adam (lr 1e-3) on the mean squared error against a random target, with 1 and 2 threads.
Each figure is the median over `rounds` timed epochs of `batches` steps after warm-up. Prints one JSON object.

Run: python3 benchmarks/python/transformer_block.py [batches] [rounds]
"""
import json
import sys
import time

import torch


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2]


def main():
    batches = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    batch, seq, d, heads, ff = 32, 64, 128, 4, 256
    torch.manual_seed(0)
    x = torch.randn(batches * batch, seq, d)
    y = torch.randn(batches * batch, seq, d)
    results = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        layer = torch.nn.TransformerEncoderLayer(d, heads, dim_feedforward=ff, dropout=0.0, activation='relu',
                                                 batch_first=True, norm_first=False)
        opt = torch.optim.Adam(layer.parameters(), lr=1e-3, eps=1e-7)

        def epoch(n):
            for i in range(n):
                xb, yb = x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch]
                opt.zero_grad()
                loss = torch.nn.functional.mse_loss(layer(xb), yb)
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


main()
