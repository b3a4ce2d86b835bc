/**
 * The cuda flavour's NCCL loader (native/cuda/nccl_comm.cc), without a GPU: a missing libnccl.so.2 or a library
 * that is not NCCL gives `{ missing }` naming the file or the symbol, which lib/distributed/nccl.ts turns into a
 * DistributedError saying what to install; collectives before ncclInitRank and a malformed id are refused. Runs on
 * the CUDA emulator build (npm run test:cuda-emu sets MYELIN_CUDA_ADDON) or a real build-cuda; skipped without one.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ncclJoin, ncclUniqueId } from '../../lib/distributed/nccl';
import { DistributedError } from '../../lib/errors';
import type { NativeCudaAddon } from '../../lib/native/addon-types';
import { packageRoot } from '../../lib/native/loader';

const FILE = process.env.MYELIN_CUDA_ADDON || path.join(packageRoot(), 'build-cuda', 'Release', 'myelin_cuda.node');
const run = fs.existsSync(FILE) ? describe : describe.skip;

/** What ncclUniqueId() of the flavour returns in a process whose MYELIN_NCCL_LIBRARY is `library` (read by the addon's getenv). */
function uniqueIdWith(library: string): unknown {
  const script = `const r = require(${JSON.stringify(path.resolve(FILE))}).ncclUniqueId(); ` +
    'console.log(JSON.stringify(r instanceof Uint8Array ? { bytes: r.length } : r));';
  const out = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, MYELIN_NCCL_LIBRARY: library }, encoding: 'utf8', timeout: 60000 });
  if (out.status !== 0) throw new Error(`the child failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim());
}

run('cuda flavour: NCCL opened at run time (no GPU needed)', () => {
  const addon = require(path.resolve(FILE)) as NativeCudaAddon;

  it('a missing library: { missing } naming the file, a DistributedError saying what to install', () => {
    const got = uniqueIdWith('/nonexistent/libnccl.so.2') as { missing: string };
    expect(got.missing).toMatch(/\/nonexistent\/libnccl\.so\.2/);
    const flavour = { ncclUniqueId: () => got };
    expect(() => ncclUniqueId(flavour)).toThrow(DistributedError);
    expect(() => ncclUniqueId(flavour)).toThrow(/the cuda backend needs NCCL, which does not load \(.*nonexistent.*\); install NCCL 2 .*MYELIN_NCCL_LIBRARY/);
  });

  it('a library that is not NCCL: the first symbol it lacks', async () => {
    const got = uniqueIdWith('libm.so.6') as { missing: string };
    expect(got).toEqual({ missing: 'libm.so.6: exports no ncclGetUniqueId (NCCL 2 is needed)' });
    const flavour = { ncclUniqueId: () => got, ncclInitRank: () => got };
    await expect(ncclJoin(flavour, 1, 2, async () => new Uint8Array(128))).rejects.toThrow(/libm\.so\.6: exports no ncclGetUniqueId/);
  });

  it('refuses a malformed id, a bad rank, and collectives before ncclInitRank', () => {
    expect(() => addon.ncclInitRank(new Uint8Array(16), 0, 2)).toThrow(/id.*128 bytes/);
    expect(() => addon.ncclInitRank(new Uint8Array(128), 2, 2)).toThrow(/rank.*\[0, size\)/);
    expect(() => addon.ncclDestroy()).not.toThrow();
    expect(() => addon.ncclAllReduceSum(null as never, 1)).toThrow(/call ncclInitRank first/);
  });
});
