"""PyTorch CPU side of benchmarks/core/pooling-speed.ts: milliseconds of one forward + backward of max and average
pooling (2x2, stride 2) on a [64, 26, 26, 32] batch (NHWC; 32 channels of 26 x 26), in PyTorch's default NCHW layout
and in channels_last memory format, with 1 and 2 threads. Each figure is the median of `repeats` timed calls after
warm-up. Prints one JSON object.

Run: python3 benchmarks/python/pooling_speed.py [repeats]
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2]


def time_ms(fn, repeats):
    for _ in range(5):
        fn()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - t0) / 1e6)
    return median(out)


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    results = {}
    base = torch.randn(64, 32, 26, 26)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for layout in ('nchw', 'channels_last'):
            x0 = base if layout == 'nchw' else base.contiguous(memory_format=torch.channels_last)
            for name, pool in (('max', F.max_pool2d), ('avg', F.avg_pool2d)):
                x = x0.clone().requires_grad_(True)

                def step():
                    y = pool(x, 2)
                    y.backward(torch.ones_like(y))
                    x.grad = None

                results[f'{name}/{layout}/{threads}t'] = time_ms(step, repeats)
    print(json.dumps({'version': torch.__version__, 'ms': results}))


main()
