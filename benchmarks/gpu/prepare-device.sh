#!/usr/bin/env bash
# Packs what benchmarks/gpu/run-on-gpu.sh needs on a GPU machine that has CUDA and cuBLAS but no Node.js and
# no package registry, into .device/ (kept out of git):
#   node.xz               this machine's node binary, compressed
#   node_modules.tar.xz   only jest, ts-jest, typescript, the type packages and node-addon-api, at the versions
#                         installed here (optional dependencies included: jest resolves modules through a
#                         native binding). The full node_modules, with tfjs and brain.js for the CPU benchmarks,
#                         is far larger than what a device call carries.
#   env.sh                sourced there: node on PATH, node_modules unpacked, CUDA's libraries on LD_LIBRARY_PATH
# Build first: npm run build:native && npm run build:cuda && npm run build:ts
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .device
grep -qxF '.device/' .git/info/exclude 2>/dev/null || echo '.device/' >> .git/info/exclude

xz -T0 -6 -c "$(readlink -f "$(command -v node)")" > .device/node.xz

ver() { node -p "require('./node_modules/$1/package.json').version"; }
pkgs="jest@$(ver jest) ts-jest@$(ver ts-jest) typescript@$(ver typescript) @types/jest@$(ver @types/jest) @types/node@$(ver @types/node) node-addon-api@$(ver node-addon-api)"
d=$(mktemp -d)
echo '{"private":true}' > "$d/package.json"
(cd "$d" && npm install --no-save --no-audit --no-fund --ignore-scripts $pkgs >/dev/null)
tar -C "$d" -cf - node_modules | xz -T0 -6 > .device/node_modules.tar.xz
rm -rf "$d"

cat > .device/env.sh <<'ENV'
# Sourced by benchmarks/gpu/run-on-gpu.sh on the GPU machine (written by benchmarks/gpu/prepare-device.sh).
_device=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v node >/dev/null 2>&1; then
  mkdir -p /tmp/myelin-node/bin
  [ -x /tmp/myelin-node/bin/node ] || { xz -d -c "$_device/node.xz" > /tmp/myelin-node/bin/node && chmod +x /tmp/myelin-node/bin/node; }
  export PATH=/tmp/myelin-node/bin:$PATH
fi
[ -d node_modules ] || tar -xJf "$_device/node_modules.tar.xz"
for _lib in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
  [ -d "$_lib" ] && export LD_LIBRARY_PATH=$_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
done
echo "device: node $(node --version), $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | head -1)"
unset _device _lib
ENV
du -sh .device/* | sed 's/^/packed: /'
