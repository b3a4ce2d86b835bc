/**
 * Prebuilds that cannot serve this machine: a corrupt file, one for another processor, one that is not a
 * Node-API module of this ABI, one for another libc. The loader names each file with the reason and falls
 * back to the next candidate (with one warning), or throws with all of them when nothing loads.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BackendError } from '../../lib/errors';
import { loadCpuAddon, packageRoot } from '../../lib/native/loader';

const built = path.join(packageRoot(), 'build', 'Release', 'myelin.node');
const platformDir = `${process.platform}-${process.arch}`;

/** A folder laid out like the package, with the given files in prebuilds/<platform>-<arch>/. */
function fakeRoot(prebuilt: Record<string, (file: string) => void>, withBuild: boolean): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-prebuild-'));
  const dir = path.join(root, 'prebuilds', platformDir);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, make] of Object.entries(prebuilt)) make(path.join(dir, name));
  if (withBuild) {
    fs.mkdirSync(path.join(root, 'build', 'Release'), { recursive: true });
    fs.symlinkSync(built, path.join(root, 'build', 'Release', 'myelin.node'));
  }
  return root;
}

/** The built addon with its ELF machine field set to AArch64 (183): a prebuild for another processor. */
function otherMachine(file: string): void {
  const bytes = fs.readFileSync(built);
  bytes.writeUInt16LE(183, 18);
  fs.writeFileSync(file, bytes);
}

/** A valid shared library that registers no Node module: what an addon of another ABI looks like to Node. */
function notAModule(file: string): void {
  const src = `${file}.cc`;
  fs.writeFileSync(src, 'int myelin_not_a_module = 1;\n');
  execFileSync('g++', ['-shared', '-fPIC', '-o', file, src]);
}

/**
 * A real Node-API module that exports nothing: what a prebuild built from older sources (before kernels were
 * added) looks like to the loader.
 */
function olderModule(file: string): void {
  const src = `${file}.cc`;
  fs.writeFileSync(src, '#include <node_api.h>\nstatic napi_value Init(napi_env, napi_value exports) { return exports; }\nNAPI_MODULE(older, Init)\n');
  const include = path.join(packageRoot(), 'node_modules', 'node-api-headers', 'include');
  execFileSync('g++', ['-shared', '-fPIC', `-I${include}`, '-o', file, src]);
}

describe('prebuild loader', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
  const root = (p: Record<string, (file: string) => void>, withBuild: boolean): string => {
    const r = fakeRoot(p, withBuild);
    roots.push(r);
    return r;
  };

  beforeAll(() => {
    if (!fs.existsSync(built)) throw new Error(`these tests need the built addon ${built} (npm run build:native)`);
  });

  it('loads a matching prebuild first, without a warning', () => {
    const r = root({ 'myelin.glibc.node': (f) => fs.symlinkSync(built, f) }, false);
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(typeof loadCpuAddon(r).init).toBe('function');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('skips a corrupt prebuild and one for another libc, says which and why, and falls back to the build', () => {
    const r = root({
      'myelin.glibc.node': (f) => fs.writeFileSync(f, 'not a shared library'),
      'myelin.musl.node': (f) => fs.symlinkSync(built, f),
    }, true);
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(typeof loadCpuAddon(r).init).toBe('function');
      expect(warn).toHaveBeenCalledTimes(1);
      const msg = String(warn.mock.calls[0][0]);
      expect(msg).toContain(path.join(r, 'prebuilds', platformDir, 'myelin.glibc.node'));
      expect(msg).toMatch(/myelin\.glibc\.node: not a loadable shared library: the file is corrupt or truncated/);
      expect(msg).toMatch(/myelin\.musl\.node: skipped, built for musl, this system uses glibc/);
    } finally {
      warn.mockRestore();
    }
  });

  it('passes over a prebuild that lacks kernels of this version (stale after a native change) for the build', () => {
    const r = root({ 'myelin.glibc.node': olderModule }, true);
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(typeof loadCpuAddon(r).init).toBe('function');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/myelin\.glibc\.node: built from older sources, it lacks the kernels \w+, .* \(rebuild it, or delete it\)/);
    } finally {
      warn.mockRestore();
    }
  });

  it('names a prebuild for another processor and one of another ABI when nothing loads', () => {
    const r = root({ 'myelin.a.glibc.node': otherMachine, 'myelin.b.glibc.node': notAModule }, false);
    let error: unknown;
    try {
      loadCpuAddon(r);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BackendError);
    const msg = (error as Error).message;
    expect(msg).toMatch(new RegExp(`myelin\\.a\\.glibc\\.node: built for another platform or processor than ${platformDir}`));
    expect(msg).toMatch(/myelin\.b\.glibc\.node: built for another Node ABI than this Node v\d+/);
    expect(msg).toMatch(/build[\\/]Release[\\/]myelin\.node: not found/);
    expect(msg).toContain('npm rebuild myelin');
  });
});
