"""Core-op timings of NumPy and PyTorch CPU for benchmarks/core/core-ops.ts.

Prints one JSON object: sgemm GFLOP/s (median of repeats) for each m,k,n given, and the microseconds of one
torch.add on 32 floats (median of repeats). Run with Debian's interpreter: /usr/bin/python3.
"""
import json
import sys
import time

import numpy as np


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2]


def sgemm_rates(shapes, repeats):
    out = {}
    for (m, k, n) in shapes:
        a = np.random.default_rng(0).standard_normal((m, k), dtype=np.float32)
        b = np.random.default_rng(1).standard_normal((k, n), dtype=np.float32)
        for _ in range(3):
            a @ b
        rates = []
        for _ in range(repeats):
            t0 = time.perf_counter_ns()
            a @ b
            rates.append(2.0 * m * k * n / (time.perf_counter_ns() - t0))
        out[f"{m}x{k}x{n}"] = median(rates)
    return out


def small_add_us(calls, repeats):
    try:
        import torch
    except ImportError:
        return None
    a = torch.randn(32)
    b = torch.randn(32)
    per_call = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        for _ in range(calls):
            torch.add(a, b)
        per_call.append((time.perf_counter_ns() - t0) / calls / 1000.0)
    return median(per_call)


def main():
    shapes = [tuple(int(v) for v in s.split("x")) for s in sys.argv[1].split(",")]
    repeats = int(sys.argv[2])
    calls = int(sys.argv[3])
    print(json.dumps({
        "numpy": np.__version__,
        "sgemm": sgemm_rates(shapes, repeats),
        "torch_add32_us": small_add_us(calls, repeats),
    }))


if __name__ == "__main__":
    main()
