#!/usr/bin/env bash
# The ONE script a GPU session runs. It checks the cuda backend end to end and benchmarks it against PyTorch:
#   1. preflight: the cuda backend loads and sees the GPU (prints backendInfo)
#   2. npm run test:gpu (test-gpu/: cuda vs cpu loss curves, allocator steady state, OOM, tiled GEMM, optimizer)
#   3. the kernel conformance suite and the op suites, which include cuda automatically where it loads; the run
#      fails unless tests naming cuda ran and passed (MYELIN_REQUIRE_CUDA=1 is exported for suites that honour it)
#   4. the benchmark pair (myelin-mlp.js vs torch_mlp.py) and a summary table
#
# Prepare on the development machine (the GPU machine has no Node.js, no npm and no network):
#   npm run build:native && npm run build:cuda && npx tsc -p tsconfig.json
#   /work/shared/tools/gpu/prepare.sh --with-node-modules
# Run on the device with the working tree plus .device, build, build-cuda, dist and node_modules-free tree:
#   carry: [".device", "build", "build-cuda", "dist"]; command: bash benchmarks/gpu/run-on-gpu.sh
# Size: carry is limited to 64 MiB in all. node.xz is ~24 MiB; node_modules is ~400 MiB now (tfjs, brain.js
# for the CPU benchmarks), so a full --with-node-modules tarball may not fit: pack only what jest needs, e.g.
#   d=$(mktemp -d) && echo {} > "$d/package.json" && (cd "$d" && npm install --no-save --omit=optional --ignore-scripts \
#     jest ts-jest typescript @types/jest @types/node node-addon-api) && tar -C "$d" -cf - node_modules | xz -T0 -6 \
#     > .device/node_modules.tar.xz
# Results land in $OUT (or /tmp/myelin-gpu-results): test logs, jest JSON reports, benchmark JSON lines, summary.txt.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT_DIR=${OUT:-/tmp/myelin-gpu-results}
mkdir -p "$OUT_DIR"
# shellcheck disable=SC1091
source .device/env.sh
export MYELIN_REQUIRE_CUDA=1
JEST="node node_modules/jest/bin/jest.js"
status=0
step() { echo; echo "==== $*"; }

step "preflight"
nvidia-smi --query-gpu=name,compute_cap,memory.total,driver_version --format=csv,noheader || true
if ! node -e "
  const { createCudaBackend } = require('./dist/lib/backend/cuda');
  const r = createCudaBackend({});
  console.log(JSON.stringify(r.info));
" 2>&1 | tee "$OUT_DIR/preflight.txt"; then
  echo "FAILED: the cuda backend does not load here; nothing else can run"; exit 1
fi
grep -q '"backend":"cuda"' "$OUT_DIR/preflight.txt" || { echo "FAILED: preflight did not report cuda"; exit 1; }

step "test:gpu"
$JEST -c test-gpu/jest.config.js --ci 2>&1 | tee "$OUT_DIR/test-gpu.log"
[ "${PIPESTATUS[0]}" = 0 ] || { echo "FAILED: test:gpu"; status=1; }

step "conformance + op suites (cuda included)"
$JEST --ci test/cuda test/conformance test/ops --json --outputFile="$OUT_DIR/conformance.json" > "$OUT_DIR/conformance.log" 2>&1
tail -n 40 "$OUT_DIR/conformance.log"
node benchmarks/gpu/check-cuda-ran.js "$OUT_DIR/conformance.json" test/conformance/ test/ops/ test/cuda/ || { echo "FAILED: conformance on cuda"; status=1; }

step "benchmarks"
node dist/benchmarks/gpu/myelin-mlp.js 2>&1 | tee "$OUT_DIR/myelin.jsonl" || status=1
python3 benchmarks/gpu/torch_mlp.py 2>&1 | tee "$OUT_DIR/torch.jsonl" || echo "(the PyTorch runner failed; the table shows myelin only)"

step "summary"
node benchmarks/gpu/summary.js "$OUT_DIR/myelin.jsonl" "$OUT_DIR/torch.jsonl" | tee "$OUT_DIR/summary.txt"
echo
[ "$status" = 0 ] && echo "GPU RUN: ALL CHECKS PASSED" || echo "GPU RUN: SOME CHECKS FAILED (see above)"
exit $status
