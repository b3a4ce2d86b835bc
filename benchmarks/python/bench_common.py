"""Shared by the Python benchmark workers: the workload spec, its .npy files, peak memory, the result line.

Every worker is run as `python3 <worker>.py <spec.json> [options]` by benchmarks/harness.ts, and prints
exactly one line `BENCH_RESULT {json}` (see benchmarks/workers/common.ts, RunResult).
"""
import json
import os
import resource
import sys

import numpy as np

RESULT_PREFIX = "BENCH_RESULT "


def read_spec(argv=None):
    argv = sys.argv if argv is None else argv
    if len(argv) < 2:
        raise SystemExit("usage: worker.py <spec.json> [options]")
    with open(argv[1], "r", encoding="utf8") as f:
        return json.load(f)


def load(spec, name):
    """One float32 array of the workload's data folder."""
    return np.load(os.path.join(spec["dataDir"], name + ".npy"))


def initial_weights(spec):
    """[(W0 [in, out], b0 [out]), ...] as myelin wrote them."""
    return [(load(spec, "w%d" % i), load(spec, "b%d" % i)) for i in range(len(spec["layers"]))]


def peak_rss_mib():
    """Peak resident memory of this process, MiB: VmHWM of /proc/self/status on Linux (ru_maxrss would also
    count the forked parent's pages from before exec), else ru_maxrss (KiB)."""
    try:
        with open("/proc/self/status", "r", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def report(result):
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


def steps_per_epoch(spec):
    return (spec["samples"] + spec["batchSize"] - 1) // spec["batchSize"]
