/**
 * Pooling speed against PyTorch CPU: milliseconds of one forward + backward of 2x2 max and average pooling (stride 2)
 * on a [64, 26, 26, 32] batch (the first pooling of a small CNN on 28 x 28 images), through myelin's ops and tape
 * (`valueAndGrads` of the pooled tensor: the gradient of its sum, dy = 1) and through PyTorch's `F.max_pool2d` /
 * `F.avg_pool2d` + `backward(ones)`, NCHW and channels_last, 1 and 2 threads (the best is the peer). Rounds alternate
 * myelin and each Python; each figure is the median over rounds of the medians of `repeats` calls.
 *
 * Run: npm run bench -- --pooling [--reps=N]   (or: node dist/benchmarks/core/pooling-speed.js [--rounds 3])
 * Pythons: /usr/bin/python3 (Debian's PyTorch 1.13) and MYELIN_BENCH_PYTHON2 (a PyTorch 2.x, e.g. a venv with the
 * wheel of /opt/wheels), each skipped with a line when it cannot import torch.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../../lib/index';

const SHAPE = [64, 26, 26, 32];
const REPEATS = 30;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds of one forward + backward of `pool` on x (median of REPEATS after warm-up). */
function myelinMs(pool: (x: my.Tensor) => my.Tensor, x: my.Tensor): number {
  const step = () => {
    const { value, grads } = my.valueAndGrads(() => pool(x), [x]);
    value.dispose();
    // cpu kernels finish before they return; on cuda, wait for the step by reading one value of the gradient.
    if (x.backend.name === 'cuda') my.tidy(() => my.slice(grads[0], [0, 0, 0, 0], [1, 1, 1, 1]).dataSync());
    grads[0].dispose();
  };
  for (let i = 0; i < 5; i++) step();
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

interface TorchRound { version: string; ms: Record<string, number> }

function torchRound(python: string): TorchRound | string {
  const script = path.join(__dirname, '..', '..', '..', 'benchmarks', 'python', 'pooling_speed.py');
  try {
    return JSON.parse(execFileSync(python, [script, String(REPEATS)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as TorchRound;
  } catch (err) {
    return `${python}: ${(err as Error).message.split('\n').slice(-2).join(' ').trim()}`;
  }
}

/** Runs the benchmark and prints its table; returns the Markdown. */
export function runPoolingSpeed(rounds: number): string {
  const pythons = ['/usr/bin/python3', process.env.MYELIN_BENCH_PYTHON2].filter((p): p is string => p !== undefined && fs.existsSync(p));
  const x = my.variable(my.randomNormal(SHAPE, { seed: 1 }), true, 'x');
  const mine: Record<string, number[]> = { max: [], avg: [] };
  const peers = new Map<string, { version: string; ms: Record<string, number[]> }>();
  const skipped: string[] = [];
  for (let r = 0; r < rounds; r++) {
    mine.max.push(myelinMs((t) => my.maxPool2d(t, 2), x));
    mine.avg.push(myelinMs((t) => my.avgPool2d(t, 2), x));
    for (const python of pythons) {
      const got = torchRound(python);
      if (typeof got === 'string') { if (r === 0) skipped.push(got); continue; }
      const entry = peers.get(python) ?? { version: got.version, ms: {} };
      for (const [k, v] of Object.entries(got.ms)) (entry.ms[k] ??= []).push(v);
      peers.set(python, entry);
    }
  }
  x.dispose();
  const info = my.backendInfo();
  const lines = [
    `### Pooling forward + backward, [${SHAPE.join(', ')}] (NHWC), 2x2 stride 2`,
    '',
    `myelin backend ${info.backend} (${info.device}); medians of ${rounds} rounds of ${REPEATS} calls; ms per forward + backward (lower is better).`,
    '',
    '| op | myelin ms | peer | best PyTorch ms (layout, threads) | myelin speed-up |',
    '| --- | ---: | --- | ---: | ---: |',
  ];
  for (const op of ['max', 'avg'] as const) {
    const ours = median(mine[op]);
    for (const [python, peer] of peers) {
      const best = Object.entries(peer.ms).filter(([k]) => k.startsWith(`${op}/`)).map(([k, v]) => [k, median(v)] as const).sort((a, b) => a[1] - b[1])[0];
      lines.push(`| ${op} pool | ${ours.toFixed(2)} | PyTorch ${peer.version} (${python}) | ${best[1].toFixed(2)} (${best[0].slice(op.length + 1)}) | ${(best[1] / ours).toFixed(2)}x |`);
    }
    if (peers.size === 0) lines.push(`| ${op} pool | ${ours.toFixed(2)} | none | | |`);
  }
  for (const s of skipped) lines.push('', `skipped: ${s}`);
  const text = lines.join('\n');
  console.log(text);
  return text;
}

if (require.main === module) {
  const at = process.argv.indexOf('--rounds');
  runPoolingSpeed(at > 0 ? Number(process.argv[at + 1]) : 3);
}
