/**
 * OpenBLAS's kernels match the processor: a DYNAMIC_ARCH OpenBLAS older than the processor picks its SSE3
 * "Prescott" kernels, and the loader then reopens it with the core type the processor's instructions allow.
 * Checked against what OpenBLAS itself prints when it starts (OPENBLAS_VERBOSE=2: "Core: <name>") and the flags
 * of /proc/cpuinfo.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

function cpuFlags(): Set<string> {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
    return new Set(line.slice(line.indexOf(':') + 1).trim().split(/\s+/));
  } catch {
    return new Set();
  }
}

const flags = cpuFlags();
const avx512 = ['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.has(f));
const avx2 = flags.has('avx2') && flags.has('fma');
const addonFile = path.join(__dirname, '..', '..', 'build', 'Release', 'myelin.node');
const hasOpenBlas = ['/usr/lib/x86_64-linux-gnu/libopenblas.so.0', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0']
  .some((f) => fs.existsSync(f));

describe('OpenBLAS core type', () => {
  (hasOpenBlas && fs.existsSync(addonFile) && (avx512 || avx2) ? it : it.skip)('ends with kernels as wide as the processor allows', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_VERBOSE: '2' };
    delete env.OPENBLAS_CORETYPE;
    delete env.MYELIN_BLAS;
    const child = spawnSync(process.execPath, ['-e', `const info = require(${JSON.stringify(addonFile)}).init({});
      process.stdout.write(JSON.stringify({ library: info.blas.library, coreType: process.env.OPENBLAS_CORETYPE ?? null }));`],
    { env, encoding: 'utf8' });
    expect(child.status).toBe(0);
    const got = JSON.parse(child.stdout);
    expect(got.library).toBe('openblas');
    const cores = [...child.stderr.matchAll(/Core: (\w+)/g)].map((m) => m[1]);
    expect(cores.length).toBeGreaterThan(0);
    const wide = avx512 ? ['SkylakeX', 'Cooperlake', 'SapphireRapids'] : ['Haswell', 'Zen', 'SkylakeX', 'Cooperlake', 'SapphireRapids', 'Excavator'];
    expect(wide).toContain(cores[cores.length - 1]);
    expect(got.coreType).toBeNull();  // the variable is not left for child processes
  });
});
