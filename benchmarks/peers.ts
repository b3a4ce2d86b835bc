/**
 * The frameworks the benchmarks compare: how to tell whether each is installed, how to start its worker
 * process for a workload, and the one line telling how to install it when it is not.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { WorkloadSpec } from './workloads';

/** One framework (or one configuration of it) in the comparison. */
export interface Peer {
  /** Stable id used in results ('myelin', 'pytorch-1t', ...). */
  id: string;
  /** Name shown in tables. */
  label: string;
  /** The group a "best of" is taken over ('pytorch' for its 1- and 2-thread runs); else the id. */
  group: string;
  /** Whether it runs on the GPU. */
  gpu: boolean;
  /** Workloads it takes part in (all when undefined). */
  workloads?: string[];
  /** Whether it can build the CNN workloads (conv blocks). */
  conv?: boolean;
  /** The command line of one run. */
  command(specPath: string): { cmd: string; args: string[]; cwd?: string; env?: NodeJS.ProcessEnv };
}

/** A peer that cannot run here, with the reason and the fix. */
export interface SkippedPeer {
  label: string;
  reason: string;
}

/** The repository root (two levels above dist/benchmarks, one above benchmarks/). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

/** The Python interpreter of the peers: MYELIN_BENCH_PYTHON, else Debian's /usr/bin/python3, else python3. */
export function pythonPath(): string {
  const env = process.env.MYELIN_BENCH_PYTHON;
  if (env) return env;
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** Whether `python` can import `module`; the error text when it cannot. */
export function pythonCan(python: string, code: string): { ok: boolean; out: string } {
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { ok: false, out: r.error.message };
  return { ok: r.status === 0, out: (r.status === 0 ? r.stdout : r.stderr).trim() };
}

function nodeResolves(id: string): boolean {
  try {
    require.resolve(id, { paths: [repoRoot()] });
    return true;
  } catch {
    return false;
  }
}

const NODE_WORKERS = () => path.join(repoRoot(), 'dist', 'benchmarks', 'workers');
const PY_WORKERS = () => path.join(repoRoot(), 'benchmarks', 'python');

/** Every peer that can run here (for CPU, plus the GPU ones with `gpu`), and the ones skipped with why. */
export function detectPeers(options: { gpu: boolean }): { peers: Peer[]; skipped: SkippedPeer[] } {
  const peers: Peer[] = [];
  const skipped: SkippedPeer[] = [];
  const node = process.execPath;
  const py = pythonPath();
  const nodeWorker = (file: string, extra: string[] = []) => (spec: string) => ({ cmd: node, args: [path.join(NODE_WORKERS(), file), spec, ...extra] });
  const pyWorker = (file: string, extra: string[] = []) => (spec: string) => ({ cmd: py, args: [path.join(PY_WORKERS(), file), spec, ...extra], cwd: PY_WORKERS() });

  peers.push({ id: 'myelin', label: 'myelin (cpu)', group: 'myelin', gpu: false, conv: true, command: nodeWorker('myelin.js', ['cpu']) });

  const torch = pythonCan(py, 'import torch; print(torch.__version__, int(torch.cuda.is_available()))');
  if (torch.ok) {
    for (const t of [1, 2]) {
      peers.push({ id: `pytorch-${t}t`, label: `PyTorch ${t} thread${t > 1 ? 's' : ''}`, group: 'pytorch', gpu: false, conv: true, command: pyWorker('torch_worker.py', [String(t), 'cpu']) });
    }
  } else {
    skipped.push({ label: 'PyTorch', reason: `${py} cannot import torch: install it with \`apt-get install python3-torch\` (or set MYELIN_BENCH_PYTHON to a Python that has torch)` });
  }
  // A second PyTorch (e.g. a venv with a 2.x wheel, which brings oneDNN convolutions) when MYELIN_BENCH_PYTHON2 names
  // its Python: compared too, as its own group.
  const py2 = process.env.MYELIN_BENCH_PYTHON2;
  if (py2) {
    const torch2 = pythonCan(py2, 'import torch, numpy; print(torch.__version__)');
    if (torch2.ok) {
      const version = torch2.out.split('+')[0];
      for (const t of [1, 2]) {
        peers.push({
          id: `pytorch2-${t}t`, label: `PyTorch ${version} ${t} thread${t > 1 ? 's' : ''}`, group: 'pytorch2', gpu: false, conv: true,
          command: (spec: string) => ({ cmd: py2, args: [path.join(PY_WORKERS(), 'torch_worker.py'), spec, String(t), 'cpu'], cwd: PY_WORKERS() }),
        });
      }
    } else {
      skipped.push({ label: 'PyTorch (MYELIN_BENCH_PYTHON2)', reason: `${py2} cannot import torch and numpy: ${torch2.out.split('\n').pop()}` });
    }
  }
  const numpy = pythonCan(py, 'import numpy');
  if (numpy.ok) peers.push({ id: 'numpy', label: 'NumPy MLP', group: 'numpy', gpu: false, command: pyWorker('numpy_worker.py') });
  else skipped.push({ label: 'NumPy', reason: `${py} cannot import numpy: install it with \`apt-get install python3-numpy\`` });

  if (nodeResolves('@tensorflow/tfjs')) {
    peers.push({ id: 'tfjs-cpu', label: 'tfjs (cpu)', group: 'tfjs-cpu', gpu: false, command: nodeWorker('tfjs.js', ['cpu']) });
    if (nodeResolves('@tensorflow/tfjs-backend-wasm')) {
      peers.push({ id: 'tfjs-wasm', label: 'tfjs (wasm)', group: 'tfjs-wasm', gpu: false, command: nodeWorker('tfjs.js', ['wasm']) });
    } else {
      skipped.push({ label: 'tfjs (wasm)', reason: 'not installed: `npm install --save-dev @tensorflow/tfjs-backend-wasm`' });
    }
  } else {
    skipped.push({ label: 'TensorFlow.js', reason: 'not installed: `npm install --save-dev @tensorflow/tfjs @tensorflow/tfjs-backend-wasm`' });
  }
  if (nodeResolves('brain.js')) {
    peers.push({ id: 'brainjs', label: 'brain.js', group: 'brainjs', gpu: false, workloads: ['tiny'], command: nodeWorker('brain.js') });
  } else {
    skipped.push({ label: 'brain.js', reason: 'not installed: `npm install --save-dev brain.js@1`' });
  }

  if (options.gpu) {
    peers.push({ id: 'myelin-cuda', label: 'myelin (cuda)', group: 'myelin-cuda', gpu: true, conv: true, command: nodeWorker('myelin.js', ['cuda']) });
    if (torch.ok && torch.out.endsWith(' 1')) {
      peers.push({ id: 'pytorch-cuda', label: 'PyTorch (cuda)', group: 'pytorch-cuda', gpu: true, conv: true, command: pyWorker('torch_worker.py', ['1', 'cuda']) });
    } else if (torch.ok) {
      skipped.push({ label: 'PyTorch (cuda)', reason: `torch ${torch.out.split(' ')[0]} sees no CUDA device (a CUDA build of torch and a GPU are needed)` });
    }
  }
  return { peers, skipped };
}

/** Whether `peer` takes part in `spec` (GPU-only workloads run only on GPU peers, and vice versa for CPU peers). */
export function peerRuns(peer: Peer, spec: WorkloadSpec): boolean {
  if (peer.workloads && !peer.workloads.includes(spec.name)) return false;
  if (spec.embedding && !/^(myelin|pytorch)/.test(peer.group)) return false;  // the others have no embedding worker
  if (spec.gpuOnly && !peer.gpu) return false;
  if (spec.conv && !peer.conv) return false;
  return true;
}
