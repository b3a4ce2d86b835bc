#!/usr/bin/env bash
# Packs what benchmarks/gpu/run-on-gpu.sh needs on a GPU machine without Node.js into .device/ (ignored by git):
# the node binary and env.sh (../shared/tools/gpu/prepare.sh), and a node_modules with only jest, ts-jest,
# typescript and the type packages (optional dependencies included: jest resolves modules through a native binding), at the versions package-lock.json pins (the full node_modules, with tfjs
# and brain.js for the CPU benchmarks, is far over the 64 MiB a device call carries).
set -euo pipefail
cd "$(dirname "$0")/../.."
prep=${MYELIN_GPU_PREPARE:-../shared/tools/gpu/prepare.sh}
bash "$prep"
ver() { node -p "require('./node_modules/$1/package.json').version"; }
pkgs="jest@$(ver jest) ts-jest@$(ver ts-jest) typescript@$(ver typescript) @types/jest@$(ver @types/jest) @types/node@$(ver @types/node) node-addon-api@$(ver node-addon-api)"
d=$(mktemp -d)
echo '{"private":true}' > "$d/package.json"
(cd "$d" && npm install --no-save --no-audit --no-fund --ignore-scripts $pkgs >/dev/null)
tar -C "$d" -cf - node_modules | xz -T0 -6 > .device/node_modules.tar.xz
rm -rf "$d"
du -sh .device/* | sed 's/^/packed: /'
