#!/usr/bin/env bash
# The ONE script a GPU session runs. It benchmarks the cuda backend against PyTorch and checks it end to end,
# most important first, within a time budget (a session has 15 minutes of device time, the machine's start
# included):
#   1. preflight: the cuda backend loads and sees the GPU (prints backendInfo)
#   2. the issue's targets: npm run bench -- --gpu-only on tiny, mnist-mlp, wide and wide-tf32 (myelin cuda
#      against PyTorch CUDA, each run its own process, 3 repetitions)
#   3. in parallel: npm run test:gpu (test-gpu/: cuda vs cpu loss curves, allocator steady state, OOM, tiled
#      GEMM, optimizer) and the kernel conformance + op suites, the step-replay and recorder suites, restricted
#      to cuda (MYELIN_TEST_BACKENDS=cuda; MYELIN_REQUIRE_CUDA=1 makes a cuda backend that does not load fail
#      them instead of skipping)
#   4. the in-process runners, one at a time: myelin's core loop (myelin-mlp.js), myelin's Sequential.fit
#      (myelin-fit.js, also without graphs, with cuBLASLt off / its ReLU epilogue on, and with the own tiled GEMM
#      instead of cuBLAS) and PyTorch eager with
#      fused Adam (torch_mlp.py), then a summary table
#   4b. dropout-speed.js on cuda (the dropout target of the training engine) before the variants below
#   4c. mixed precision (issue 21): mixed-fit.js (the wide MLP through fit in float32, TF32, mixed_bfloat16 and
#       mixed_float16) and torch_mlp.py's float32, TF32 and bf16 autocast lines of it, tabled by summary.js
#   5. diagnostics: fit-phases.js (the one-time cost of a fit of the large MLP, by phase and backend call) and,
#      where Nsight Compute is installed, the kernel-by-kernel times of one 784-512-512-10 step (profile-step.js
#      under ncu, tabled by kernel-table.js)
# Every step has a time limit, and a step that would not fit in what is left of RUN_BUDGET_S (default 500 s)
# is skipped with a line saying so. After every step the logs are packed into $OUT/results.tgz, so a run cut
# short still brings back what it measured.
#
# Prepare on a development machine (the GPU machine may have no Node.js, no npm and no network):
#   npm run build:native && npm run build:cuda && npm run build:ts && rm -rf prebuilds
#   bash benchmarks/gpu/prepare-device.sh      (node, and the few node_modules jest needs, into .device/)
# Then, on the GPU machine, in the repository root with .device/, build/, build-cuda/Release/ and dist/:
#   bash benchmarks/gpu/run-on-gpu.sh          (device tool: timeout_s = RUN_BUDGET_S + 60, i.e. 560)
set -uo pipefail
cd "$(dirname "$0")/../.."
# Logs go to a scratch folder, packed into $OUT/results.tgz after every step (the device tool brings back at
# most 8 files), next to summary.txt and the benchmark report.
# A rerun on the same machine starts from empty logs: a step skipped this time shows nothing of the last run.
OUT_DIR=/tmp/myelin-gpu-results
BACK=${OUT:-/tmp/myelin-gpu-out}
rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR" "$BACK"
t_start=$(date +%s)
budget=${RUN_BUDGET_S:-500}
[[ "$budget" =~ ^[0-9]+$ ]] || { echo "RUN_BUDGET_S must be a number of seconds, got '$budget'"; exit 2; }
# shellcheck disable=SC1091
source .device/env.sh
export MYELIN_REQUIRE_CUDA=1
JEST="node node_modules/jest/bin/jest.js"
status=0
step() { echo; echo "==== [$(( $(date +%s) - t_start ))s] $*"; }
left() { echo $(( budget - ($(date +%s) - t_start) )); }
# fits SECONDS WHAT: true when a step that may take SECONDS fits in the budget; else says it is skipped.
fits() {
  if [ "$(left)" -ge "$1" ]; then return 0; fi
  echo "SKIPPED (time budget: $(left) s left, needs up to $1 s): $2"; return 1
}
save() { tar -czf "$BACK/results.tgz" -C "$OUT_DIR" . 2>/dev/null; }
# fit_variant VAR=value FILE WORKLOADS WHAT [required]: myelin-fit.js on cuda with that one setting, its JSON lines
# into $OUT_DIR/FILE (WORKLOADS: a regex of workload names); a failure fails the run only when "required" is given.
fit_variant() {
  local setting=$1 file=$2 only=$3 what=$4 required=${5:-}
  fits 30 "myelin-fit $what" || return 0
  if ! env "$setting" timeout 30 node dist/benchmarks/gpu/myelin-fit.js cuda "$only" > "$OUT_DIR/$file" 2>&1; then
    if [ -n "$required" ]; then echo "myelin-fit $what failed"; status=1; else echo "(myelin-fit $what failed)"; fi
  fi
  cat "$OUT_DIR/$file"
}

step "preflight"
nvidia-smi --query-gpu=name,compute_cap,memory.total,driver_version,clocks.sm --format=csv,noheader || true
if ! timeout 60 node -e "
  const { createCudaBackend } = require('./dist/lib/backend/cuda');
  const r = createCudaBackend({});
  console.log(JSON.stringify(r.info));
" 2>&1 | tee "$OUT_DIR/preflight.txt"; then
  echo "FAILED: the cuda backend does not load here; nothing else can run"; save; exit 1
fi
grep -q '"backend":"cuda"' "$OUT_DIR/preflight.txt" || { echo "FAILED: preflight did not report cuda"; save; exit 1; }

step "npm run bench -- --gpu-only (the issue's targets: myelin cuda vs PyTorch CUDA, each run its own process, 3 repetitions)"
bench_limit=${BENCH_LIMIT:-260}
[[ "$bench_limit" =~ ^[0-9]+$ ]] || { echo "BENCH_LIMIT must be a number of seconds, got '$bench_limit'"; exit 2; }
bench_ran=0
# The report in the checkout is the last committed run's: removed, so that a benchmark cut short brings none back
# (run here for a dry run, `git checkout benchmarks/results` restores it).
rm -f benchmarks/results/latest-gpu.*
if fits "$bench_limit" "the benchmark"; then
  bench_ran=1
  MYELIN_BENCH_PYTHON=python3 timeout "$bench_limit" node dist/benchmarks/run.js --gpu-only --reps=3 --only=tiny,mnist-mlp,wide,wide-tf32 \
    > "$OUT_DIR/bench-gpu.log" 2>&1 || { echo "bench --gpu-only failed"; status=1; }
  grep -E "^\s+\[|FAILED|skipping" "$OUT_DIR/bench-gpu.log" | head -40
  cp benchmarks/results/latest-gpu.* "$BACK/" 2>/dev/null
  sed -n '/^\*\*Targets/,$p' benchmarks/results/latest-gpu.md 2>/dev/null
  echo "myelin's runs (seconds, details: GC pauses inside the timed fit):"
  node -e "for (const o of require('./benchmarks/results/latest-gpu.json').runs) if (o.result && o.peer.startsWith('myelin')) console.log(' ', o.workload, o.repetition + 1, o.result.trainSeconds.toFixed(4), o.result.details)" 2>/dev/null
else
  status=1  # the targets were not measured
fi
save

step "dropout on the fast path: 64-256-256-10 with dropout(0.2) after each hidden layer vs without (target >= 0.8x)"
if fits 100 "dropout-speed on cuda"; then
  timeout 100 node dist/benchmarks/core/dropout-speed.js cuda --runs 5 --epochs 3 2>&1 | tee "$OUT_DIR/dropout-cuda.txt" || { echo "dropout-speed on cuda failed"; status=1; }
fi
save

step "mixed precision (issue 21): the 1024-4096-4096-1024 fit in float32, TF32, mixed_bfloat16, mixed_float16; PyTorch float32, TF32, bf16 autocast"
if fits 90 "mixed precision (mixed-fit.js and torch_mlp.py on the wide MLP)"; then
  timeout 50 node dist/benchmarks/gpu/mixed-fit.js cuda > "$OUT_DIR/mixed-fit.jsonl" 2>&1 || { echo "mixed-fit failed"; status=1; }
  PYTHONUNBUFFERED=1 timeout 40 python3 benchmarks/gpu/torch_mlp.py "1024-4096-4096-1024" > "$OUT_DIR/torch-mixed.jsonl" 2>&1 || echo "(the PyTorch runner failed)"
  cat "$OUT_DIR/mixed-fit.jsonl" "$OUT_DIR/torch-mixed.jsonl"
  node benchmarks/gpu/summary.js "$OUT_DIR/mixed-fit.jsonl" "$OUT_DIR/torch-mixed.jsonl" | tee "$OUT_DIR/summary-mixed.txt"
fi
save

step "test:gpu and conformance + op suites on cuda (in parallel)"
if fits 150 "test:gpu and the conformance suites"; then
  timeout 150 $JEST -c test-gpu/jest.config.js --ci > "$OUT_DIR/test-gpu.log" 2>&1 &
  gpu_pid=$!
  MYELIN_TEST_BACKENDS=cuda timeout 150 $JEST --ci -w 10 test/cuda test/conformance test/ops \
    test/models/step-replay.test.ts test/backend/recorder.test.ts test/engine test/layers/dropout.test.ts --json \
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
    test/models/step-replay test/backend/recorder test/engine/ test/layers/dropout || { echo "FAILED: conformance on cuda"; status=1; }
  echo "failing tests, first lines:"
  grep -A12 "●.*›" "$OUT_DIR/conformance.log" | head -80
  grep -A12 "●.*›" "$OUT_DIR/test-gpu.log" | head -60
else
  status=1
fi
save

step "in-process runners (core loop, fit, fit without graphs / cuBLASLt variants, PyTorch)"
if fits 60 "myelin-mlp (core loop)"; then
  timeout 60 node dist/benchmarks/gpu/myelin-mlp.js > "$OUT_DIR/myelin.jsonl" 2>&1 || { echo "myelin-mlp failed"; status=1; }
  cat "$OUT_DIR/myelin.jsonl"
fi
if fits 45 "myelin-fit"; then
  timeout 45 node dist/benchmarks/gpu/myelin-fit.js cuda > "$OUT_DIR/myelin-fit.jsonl" 2>&1 || { echo "myelin-fit failed"; status=1; }
  cat "$OUT_DIR/myelin-fit.jsonl"
fi
if fits 60 "PyTorch runner (torch_mlp.py)"; then
  PYTHONUNBUFFERED=1 timeout 60 python3 benchmarks/gpu/torch_mlp.py > "$OUT_DIR/torch.jsonl" 2>&1 || echo "(the PyTorch runner failed; the table shows myelin only)"
  cat "$OUT_DIR/torch.jsonl"
fi
save
echo "does cuBLASLt's RELU_BIAS epilogue keep NaN (PyTorch does)? (MYELIN_CUBLASLT=relu, conformance NaN case)"
if fits 40 "the cuBLASLt ReLU NaN check"; then
  MYELIN_CUBLASLT=relu MYELIN_TEST_BACKENDS=cuda timeout 40 $JEST --ci test/conformance -t 'a NaN in x' 2>&1 | grep -E "✓|✕|Tests:" | head -8
fi
echo "the 784-512-512-10 and large fits without graphs, without cuBLASLt's bias epilogue (MYELIN_CUBLASLT=0), and with its ReLU epilogue too (=relu):"
fit_variant MYELIN_STEP_COMPILE=0 myelin-fit-nograph.jsonl '784|4096' "without graphs" required
fit_variant MYELIN_CUBLASLT=0 myelin-fit-nolt.jsonl '784|4096' "without cuBLASLt"
fit_variant MYELIN_CUBLASLT=relu myelin-fit-ltrelu.jsonl '784|4096' "with cuBLASLt's ReLU"
echo "the 784-512-512-10 fit with the own tiled GEMM instead of cuBLAS (MYELIN_CUBLAS=builtin: a machine without cuBLAS):"
fit_variant MYELIN_CUBLAS=builtin myelin-fit-tiled.jsonl '784' "with the tiled GEMM"
if fits 40 "warm-step on cuda"; then
  timeout 40 node dist/benchmarks/core/warm-step.js --rounds 3 cuda 2>&1 | tee "$OUT_DIR/warm-step-cuda.txt" || echo "(warm-step on cuda failed)"
fi
if fits 30 "the cpu fit (losses to compare)"; then
  echo "the same fit on the cpu backend of this machine (its losses must match the cuda ones above):"
  timeout 30 node dist/benchmarks/gpu/myelin-fit.js cpu 2>&1 | tee "$OUT_DIR/myelin-fit-cpu.txt"
fi
step "summary of the in-process runners"
node benchmarks/gpu/summary.js "$OUT_DIR/myelin.jsonl" "$OUT_DIR/torch.jsonl" "$OUT_DIR/myelin-fit.jsonl" "$OUT_DIR/myelin-fit-nograph.jsonl" "$OUT_DIR/myelin-fit-nolt.jsonl" "$OUT_DIR/myelin-fit-ltrelu.jsonl" \
  "$OUT_DIR/myelin-fit-tiled.jsonl" | tee "$OUT_DIR/summary.txt"
cp "$OUT_DIR/summary.txt" "$BACK/" 2>/dev/null
save

step "diagnostics: where a fit's one-time cost goes (1024-4096-4096-1024), and the kernels of one 784-512-512-10 step"
if fits 45 "fit-phases"; then
  # --trace-gc: a garbage collection inside a timed fit shows as a line between its JSON lines.
  timeout 45 node --trace-gc dist/benchmarks/gpu/fit-phases.js > "$OUT_DIR/fit-phases.jsonl" 2>&1 || echo "(fit-phases failed)"
  cat "$OUT_DIR/fit-phases.jsonl"
fi
save
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
if [ -z "$NCU" ]; then
  echo "(Nsight Compute (ncu) not found: no per-kernel table)"
elif fits 90 "the ncu kernel table"; then
  timeout 90 "$NCU" --profile-from-start off --graph-profiling node --metrics gpu__time_duration.sum --csv \
    node dist/benchmarks/gpu/profile-step.js 4 > "$OUT_DIR/kernels.csv" 2> "$OUT_DIR/ncu.log" || echo "(ncu exited with $?; see ncu.log)"
  node benchmarks/gpu/kernel-table.js "$OUT_DIR/kernels.csv" | tee "$OUT_DIR/kernel-table.txt"
  tail -5 "$OUT_DIR/ncu.log"
fi
save

step "done in $(( $(date +%s) - t_start )) s"
[ "$bench_ran" = 1 ] && sed -n '/^\*\*Targets/,$p' benchmarks/results/latest-gpu.md 2>/dev/null
[ "$status" = 0 ] && echo "GPU RUN: ALL CHECKS PASSED" || echo "GPU RUN: SOME CHECKS FAILED (see above)"
exit $status
