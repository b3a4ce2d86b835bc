/** The loader's error tells the user every path it tried, why, and how to fix it. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BackendError } from '../../lib/errors';
import { cpuAddonCandidates, loadCpuAddon, loadCudaAddon, packageRoot } from '../../lib/native/loader';

describe('native loader', () => {
  let empty: string;
  beforeAll(() => {
    empty = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-loader-'));
    fs.mkdirSync(path.join(empty, 'build', 'Release'), { recursive: true });
    fs.writeFileSync(path.join(empty, 'build', 'Release', 'myelin.node'), 'not a shared library');
  });
  afterAll(() => fs.rmSync(empty, { recursive: true, force: true }));

  it('finds the package root from lib/native', () => {
    expect(fs.existsSync(path.join(packageRoot(), 'binding.gyp'))).toBe(true);
  });

  it('tries prebuilds, then build/Release, then build/Debug', () => {
    const c = cpuAddonCandidates(empty);
    expect(c[0]).toContain(path.join('prebuilds', `${process.platform}-${process.arch}`));
    expect(c.slice(-2)).toEqual([
      path.join(empty, 'build', 'Release', 'myelin.node'),
      path.join(empty, 'build', 'Debug', 'myelin.node'),
    ]);
  });

  it('throws BackendError listing every path, the reason and the fix', () => {
    let error: unknown;
    try {
      loadCpuAddon(empty);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BackendError);
    const msg = (error as Error).message;
    for (const file of cpuAddonCandidates(empty)) expect(msg).toContain(file);
    expect(msg).toMatch(/Debug.*not found/);
    expect(msg).toMatch(/Release[\\/]myelin\.node: .*(invalid ELF|too short|header)/);
    expect(msg).toContain('npm rebuild myelin');
    expect(msg).toContain('MYELIN_BACKEND=reference');
  });

  /** Runs fn with MYELIN_CUDA_ADDON set to `value` (or unset), restoring it afterwards. */
  function withCudaAddonVar<T>(value: string | undefined, fn: () => T): T {
    const saved = process.env.MYELIN_CUDA_ADDON;
    if (value === undefined) delete process.env.MYELIN_CUDA_ADDON;
    else process.env.MYELIN_CUDA_ADDON = value;
    try {
      return fn();
    } finally {
      if (saved === undefined) delete process.env.MYELIN_CUDA_ADDON;
      else process.env.MYELIN_CUDA_ADDON = saved;
    }
  }

  it('reports why the cuda flavour is missing without throwing', () => {
    const r = withCudaAddonVar(undefined, () => loadCudaAddon(empty));
    expect('reason' in r && r.reason).toMatch(/build-cuda.*myelin_cuda\.node: not found/);
  });

  it('MYELIN_CUDA_ADDON names the only file tried', () => {
    const missing = path.join(empty, 'custom', 'my_cuda.node');
    const r = withCudaAddonVar(missing, () => loadCudaAddon(empty));
    expect('reason' in r && r.reason).toContain(`${missing}: not found`);
    expect('reason' in r && r.reason).not.toMatch(/build-cuda/);
  });
});
