/**
 * Finds and loads the native addon. CPU flavour: a prebuild matching this platform and libc first
 * (`prebuilds/<platform>-<arch>/myelin.<glibc|musl>.node`, rules in scripts/prebuild-files.js), then `build/Release/myelin.node`, then `build/Debug/myelin.node`,
 * all relative to the package root. When nothing loads, the error lists every path with the reason and says
 * how to fix it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KERNEL_NAMES } from '../backend/kernel-table';
import { BackendError } from '../errors';
import type { NativeCpuAddon } from './addon-types';

/**
 * The package root (the folder holding myelin's package.json), found upward from this file so that it
 * works from `lib/native` (ts-jest) and from `dist/lib/native` (compiled).
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'myelin') return dir;
      } catch {
        /* unreadable package.json: keep looking */
      }
    }
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..');
  }
}

/** The prebuild rules shared with the install script (scripts/prebuild-files.js, shipped in the package). */
interface PrebuildRules {
  prebuildCandidates(root: string, cuda: boolean): { file: string; skip: string }[];
  explainLoadError(message: string): string;
}

const rules = require(path.join(packageRoot(), 'scripts', 'prebuild-files.js')) as PrebuildRules;

/** A candidate file, or the reason it is not tried on this machine (a prebuild for another libc). */
interface Candidate {
  file: string;
  skip?: string;
}

/**
 * The prebuilds of a flavour (`prebuilds/<platform>-<arch>/*.node` whose name does (cuda) or does not (cpu)
 * contain "cuda"), those tagged for another libc marked to skip; a placeholder reported as "not found" when
 * there is none.
 */
function prebuilds(root: string, cuda: boolean): Candidate[] {
  const found = rules.prebuildCandidates(root, cuda).map((c) => (c.skip ? c : { file: c.file }));
  return found.length > 0 ? found : [{ file: path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, '*.node') }];
}

/** The addon entries every flavour has: the kernels of lib/backend/kernel-table.ts (`fill` is each adapter's). */
const KERNEL_ENTRIES = KERNEL_NAMES.filter((name) => name !== 'fill');

/**
 * The kernels of this version that `module` lacks: a file built from older sources (a stale `prebuilds/`
 * in a clone whose native code changed since `npm run prebuildify`).
 */
function missingKernels(module: unknown): string[] {
  const entries = module as Record<string, unknown>;
  return KERNEL_ENTRIES.filter((name) => typeof entries[name] !== 'function');
}

/**
 * Tries each candidate in order; returns the first module that loads and has every kernel of the table, or
 * every failure as "path: reason" (a corrupt file, another platform, another Node ABI, a missing library: see
 * `explainLoadError`; a file built from older sources that lacks kernels).
 */
function loadFirst(candidates: Candidate[]): { module?: unknown; failures: string[] } {
  const failures: string[] = [];
  for (const { file, skip } of candidates) {
    if (skip) {
      failures.push(`${file}: skipped, ${skip}`);
      continue;
    }
    if (!fs.existsSync(file)) {
      failures.push(`${file}: not found`);
      continue;
    }
    try {
      const module: unknown = require(file);
      const missing = missingKernels(module);
      if (missing.length === 0) return { module, failures };
      failures.push(`${file}: built from older sources, it lacks the kernels ${missing.slice(0, 6).join(', ')}${missing.length > 6 ? `, ... (${missing.length})` : ''} (rebuild it, or delete it)`);
    } catch (err) {
      failures.push(`${file}: ${rules.explainLoadError((err as Error).message.split('\n')[0])}`);
    }
  }
  return { failures };
}

/** The candidate files of the CPU flavour, in the order they are tried. */
export function cpuAddonCandidates(root: string = packageRoot()): string[] {
  return cpuCandidates(root).map((c) => c.file);
}

function cpuCandidates(root: string): Candidate[] {
  return [
    ...prebuilds(root, false),
    { file: path.join(root, 'build', 'Release', 'myelin.node') },
    { file: path.join(root, 'build', 'Debug', 'myelin.node') },
  ];
}

let cached: NativeCpuAddon | undefined;

/**
 * Loads the CPU flavour of the addon (cached after the first success), or only the file `MYELIN_CPU_ADDON`
 * names when it is set.
 * @param root package root to search (default: this package); tests pass another folder.
 * @throws BackendError listing every path tried, why it failed, and how to fix it.
 */
export function loadCpuAddon(root?: string): NativeCpuAddon {
  if (root === undefined && cached) return cached;
  // MYELIN_CPU_ADDON names one file to load instead (a custom build, e.g. the sanitizer build of CI).
  const named = root === undefined ? process.env.MYELIN_CPU_ADDON : undefined;
  const candidates = named !== undefined && named !== '' ? [{ file: path.resolve(named) }] : cpuCandidates(root ?? packageRoot());
  const { module, failures } = loadFirst(candidates);
  if (module === undefined) {
    throw new BackendError(
      'the myelin native addon (cpu) could not be loaded. Tried:\n' +
        failures.map((f) => `  - ${f}`).join('\n') +
        '\nTo fix it: run `npm rebuild myelin` (building needs a C++17 compiler, make and python3), ' +
        'or set MYELIN_BACKEND=reference to use the slower pure-TypeScript backend.',
    );
  }
  warnSkippedPrebuilds(failures);
  if (root === undefined) cached = module as NativeCpuAddon;
  return module as NativeCpuAddon;
}

/**
 * One warning (`MyelinWarning`, code `MYELIN_PREBUILD_SKIPPED`) when an addon loaded after a prebuild that is
 * present did not (corrupt, another platform, another ABI, another libc): which file and why.
 */
function warnSkippedPrebuilds(failures: string[]): void {
  const skipped = failures.filter((f) => f.includes(`${path.sep}prebuilds${path.sep}`) && !f.endsWith(': not found'));
  if (skipped.length === 0) return;
  process.emitWarning(`myelin: prebuilt addon(s) not used: ${skipped.join('; ')}`, { type: 'MyelinWarning', code: 'MYELIN_PREBUILD_SKIPPED' });
}

/**
 * Loads the CUDA flavour (`prebuilds/<platform>-<arch>/*cuda*.node`, then `build-cuda/Release/myelin_cuda.node`),
 * or only the file `MYELIN_CUDA_ADDON` names when it is set (a custom build, or the host emulator of the tests).
 * Never throws: returns the module, or the reason it is unavailable (every path with its failure).
 */
export function loadCudaAddon(root: string = packageRoot()): { addon: unknown } | { reason: string } {
  const named = process.env.MYELIN_CUDA_ADDON;
  const candidates = named !== undefined && named !== ''
    ? [{ file: path.resolve(named) }]
    : [...prebuilds(root, true), { file: path.join(root, 'build-cuda', 'Release', 'myelin_cuda.node') }];
  const { module, failures } = loadFirst(candidates);
  if (module !== undefined) {
    warnSkippedPrebuilds(failures);
    return { addon: module };
  }
  return { reason: `the cuda flavour of the addon is not available (${failures.join('; ')})` };
}
