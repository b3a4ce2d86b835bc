#!/usr/bin/env bash
# The ONE script a GPU session runs. It checks the cuda backend end to end and benchmarks it against PyTorch:
#   1. preflight: the cuda backend loads and sees the GPU (prints backendInfo)
#   2. in parallel: npm run test:gpu (test-gpu/: cuda vs cpu loss curves, allocator steady state, OOM, tiled
#      GEMM, optimizer) and the kernel conformance + op suites, the step-replay and recorder suites, restricted
#      to cuda (MYELIN_TEST_BACKENDS=cuda; MYELIN_REQUIRE_CUDA=1 makes a cuda backend that does not load fail
#      them instead of skipping)
#   3. the benchmarks, one at a time: myelin's core loop (myelin-mlp.js), myelin's Sequential.fit
#      (myelin-fit.js) and PyTorch eager with fused Adam (torch_mlp.py), then a summary table
#   4. diagnostics: fit-phases.js (the one-time cost of a fit of the large MLP, by phase and backend call) and,
#      where Nsight Compute is installed, the kernel-by-kernel times of one 784-512-512-10 step (profile-step.js
#      under ncu, tabled by kernel-table.js)
# Every step has a time limit, so one hang cannot eat the session.
#
# Prepare on a development machine (the GPU machine may have no Node.js, no npm and no network):
#   npm run build:native && npm run build:cuda && npm run build:ts && rm -rf prebuilds
#   bash benchmarks/gpu/prepare-device.sh      (node, and the few node_modules jest needs, into .device/)
# Then, on the GPU machine, in the repository root with .device/, build/, build-cuda/Release/ and dist/:
#   bash benchmarks/gpu/run-on-gpu.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
# Logs go to a scratch folder; at the end they are packed into $OUT/results.tgz (the device tool brings back
# at most 8 files), next to summary.txt and the benchmark report.
OUT_DIR=/tmp/myelin-gpu-results
BACK=${OUT:-/tmp/myelin-gpu-out}
mkdir -p "$OUT_DIR" "$BACK"
# shellcheck disable=SC1091
source .device/env.sh
export MYELIN_REQUIRE_CUDA=1
JEST="node node_modules/jest/bin/jest.js"
status=0
t_start=$(date +%s)
step() { echo; echo "==== [$(( $(date +%s) - t_start ))s] $*"; }

step "preflight"
nvidia-smi --query-gpu=name,compute_cap,memory.total,driver_version,clocks.sm --format=csv,noheader || true
if ! timeout 60 node -e "
  const { createCudaBackend } = require('./dist/lib/backend/cuda');
  const r = createCudaBackend({});
  console.log(JSON.stringify(r.info));
" 2>&1 | tee "$OUT_DIR/preflight.txt"; then
  echo "FAILED: the cuda backend does not load here; nothing else can run"; exit 1
fi
grep -q '"backend":"cuda"' "$OUT_DIR/preflight.txt" || { echo "FAILED: preflight did not report cuda"; exit 1; }

step "test:gpu and conformance + op suites on cuda (in parallel)"
timeout 150 $JEST -c test-gpu/jest.config.js --ci > "$OUT_DIR/test-gpu.log" 2>&1 &
gpu_pid=$!
MYELIN_TEST_BACKENDS=cuda timeout 150 $JEST --ci -w 10 test/cuda test/conformance test/ops \
  test/models/step-replay.test.ts test/backend/recorder.test.ts --json \
  --outputFile="$OUT_DIR/conformance.json" > "$OUT_DIR/conformance.log" 2>&1 &
conf_pid=$!
wait $gpu_pid; gpu_rc=$?
wait $conf_pid
step "test:gpu (rc $gpu_rc)"
grep -E "✓|✕|Tests:|●" "$OUT_DIR/test-gpu.log" | head -40
[ "$gpu_rc" = 0 ] || { echo "FAILED: test:gpu"; status=1; }
step "conformance"
grep -E "✕|Tests:|Test Suites:" "$OUT_DIR/conformance.log" | head -40
node benchmarks/gpu/check-cuda-ran.js "$OUT_DIR/conformance.json" test/conformance/ test/ops/ test/cuda/ \
  test/models/step-replay test/backend/recorder || { echo "FAILED: conformance on cuda"; status=1; }

step "benchmarks"
timeout 70 node dist/benchmarks/gpu/myelin-mlp.js > "$OUT_DIR/myelin.jsonl" 2>&1 || { echo "myelin-mlp failed"; status=1; }
cat "$OUT_DIR/myelin.jsonl"
timeout 60 node dist/benchmarks/gpu/myelin-fit.js cuda > "$OUT_DIR/myelin-fit.jsonl" 2>&1 || { echo "myelin-fit failed"; status=1; }
cat "$OUT_DIR/myelin-fit.jsonl"
MYELIN_STEP_COMPILE=0 timeout 60 node dist/benchmarks/gpu/myelin-fit.js cuda > "$OUT_DIR/myelin-fit-nograph.jsonl" 2>&1 || { echo "myelin-fit without graphs failed"; status=1; }
cat "$OUT_DIR/myelin-fit-nograph.jsonl"
echo "the 784-512-512-10 and large fits without cuBLASLt's bias epilogue (MYELIN_CUBLASLT=0), and with its ReLU epilogue too (=relu):"
MYELIN_CUBLASLT=0 timeout 60 node dist/benchmarks/gpu/myelin-fit.js cuda '784|4096' > "$OUT_DIR/myelin-fit-nolt.jsonl" 2>&1 || echo "(myelin-fit without cuBLASLt failed)"
cat "$OUT_DIR/myelin-fit-nolt.jsonl"
MYELIN_CUBLASLT=relu timeout 60 node dist/benchmarks/gpu/myelin-fit.js cuda '784|4096' > "$OUT_DIR/myelin-fit-ltrelu.jsonl" 2>&1 || echo "(myelin-fit with cuBLASLt's ReLU failed)"
cat "$OUT_DIR/myelin-fit-ltrelu.jsonl"
echo "does cuBLASLt's RELU_BIAS epilogue keep NaN (PyTorch does)? (MYELIN_CUBLASLT=relu, conformance NaN case)"
MYELIN_CUBLASLT=relu MYELIN_TEST_BACKENDS=cuda timeout 60 $JEST --ci test/conformance -t 'a NaN in x' 2>&1 | grep -E "✓|✕|Tests:" | head -8
timeout 60 node dist/benchmarks/core/warm-step.js --rounds 3 cuda 2>&1 | tee "$OUT_DIR/warm-step-cuda.txt" || echo "(warm-step on cuda failed)"
echo "the same fit on the cpu backend of this machine (its losses must match the cuda ones above):"
timeout 40 node dist/benchmarks/gpu/myelin-fit.js cpu 2>&1 | tee "$OUT_DIR/myelin-fit-cpu.txt"
PYTHONUNBUFFERED=1 timeout 80 python3 benchmarks/gpu/torch_mlp.py > "$OUT_DIR/torch.jsonl" 2>&1 || echo "(the PyTorch runner failed; the table shows myelin only)"
cat "$OUT_DIR/torch.jsonl"

step "npm run bench -- --gpu-only (myelin cuda vs PyTorch CUDA, each run its own process, 3 repetitions)"
MYELIN_BENCH_PYTHON=python3 timeout ${BENCH_LIMIT:-240} node dist/benchmarks/run.js --gpu-only --reps=3 > "$OUT_DIR/bench-gpu.log" 2>&1 || { echo "bench --gpu-only failed"; status=1; }
grep -E "^\s+\[|FAILED|skipping" "$OUT_DIR/bench-gpu.log" | head -40
cp benchmarks/results/latest-gpu.* "$BACK/" 2>/dev/null
echo "myelin's runs (seconds, details: GC pauses inside the timed fit):"
node -e "for (const o of require('./benchmarks/results/latest-gpu.json').runs) if (o.result && o.peer.startsWith('myelin')) console.log(' ', o.workload, o.repetition + 1, o.result.trainSeconds.toFixed(4), o.result.details)" 2>/dev/null

step "diagnostics: where a fit's one-time cost goes (1024-4096-4096-1024), and the kernels of one 784-512-512-10 step"
# --trace-gc: a garbage collection inside a timed fit shows as a line between its JSON lines.
timeout 60 node --trace-gc dist/benchmarks/gpu/fit-phases.js > "$OUT_DIR/fit-phases.jsonl" 2>&1 || echo "(fit-phases failed)"
cat "$OUT_DIR/fit-phases.jsonl"
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
if [ -n "$NCU" ]; then
  timeout 120 "$NCU" --profile-from-start off --graph-profiling node --metrics gpu__time_duration.sum --csv \
    node dist/benchmarks/gpu/profile-step.js 4 > "$OUT_DIR/kernels.csv" 2> "$OUT_DIR/ncu.log" || echo "(ncu exited with $?; see ncu.log)"
  node benchmarks/gpu/kernel-table.js "$OUT_DIR/kernels.csv" | tee "$OUT_DIR/kernel-table.txt"
  tail -5 "$OUT_DIR/ncu.log"
else
  echo "(Nsight Compute (ncu) not found: no per-kernel table)"
fi

step "summary"
node benchmarks/gpu/summary.js "$OUT_DIR/myelin.jsonl" "$OUT_DIR/torch.jsonl" "$OUT_DIR/myelin-fit.jsonl" "$OUT_DIR/myelin-fit-nograph.jsonl" "$OUT_DIR/myelin-fit-nolt.jsonl" "$OUT_DIR/myelin-fit-ltrelu.jsonl" | tee "$OUT_DIR/summary.txt"
echo
echo "failing tests, first lines:"
grep -A12 "●.*›" "$OUT_DIR/conformance.log" | head -80
grep -A12 "●.*›" "$OUT_DIR/test-gpu.log" | head -60
sed -n '/^\*\*Targets/,$p' benchmarks/results/latest-gpu.md 2>/dev/null
cp "$OUT_DIR/summary.txt" "$BACK/" 2>/dev/null
tar -czf "$BACK/results.tgz" -C "$OUT_DIR" .
[ "$status" = 0 ] && echo "GPU RUN: ALL CHECKS PASSED" || echo "GPU RUN: SOME CHECKS FAILED (see above)"
exit $status
