/**
 * Finds and loads the native addon. CPU flavour: a prebuild matching this platform first
 * (`prebuilds/<platform>-<arch>/*.node`), then `build/Release/myelin.node`, then `build/Debug/myelin.node`,
 * all relative to the package root. When nothing loads, the error lists every path with the reason and says
 * how to fix it.
 */
import * as fs from 'fs';
import * as path from 'path';
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

/** `.node` files in `prebuilds/<platform>-<arch>/` whose name does (cuda) or does not (cpu) contain "cuda". */
function prebuilds(root: string, cuda: boolean): string[] {
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return [path.join(dir, '*.node')]; // reported as "not found"
  }
  const found = files.filter((f) => f.endsWith('.node') && f.includes('cuda') === cuda).sort();
  return found.length > 0 ? found.map((f) => path.join(dir, f)) : [path.join(dir, '*.node')];
}

/** Tries each candidate in order; returns the first module that loads, or every failure as "path: reason". */
function loadFirst(candidates: string[]): { module?: unknown; failures: string[] } {
  const failures: string[] = [];
  for (const file of candidates) {
    if (!fs.existsSync(file)) {
      failures.push(`${file}: not found`);
      continue;
    }
    try {

      return { module: require(file), failures };
    } catch (err) {
      failures.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { failures };
}

/** The candidate files of the CPU flavour, in the order they are tried. */
export function cpuAddonCandidates(root: string = packageRoot()): string[] {
  return [
    ...prebuilds(root, false),
    path.join(root, 'build', 'Release', 'myelin.node'),
    path.join(root, 'build', 'Debug', 'myelin.node'),
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
  const candidates = named !== undefined && named !== '' ? [path.resolve(named)] : cpuAddonCandidates(root ?? packageRoot());
  const { module, failures } = loadFirst(candidates);
  if (module === undefined) {
    throw new BackendError(
      'the myelin native addon (cpu) could not be loaded. Tried:\n' +
        failures.map((f) => `  - ${f}`).join('\n') +
        '\nTo fix it: run `npm rebuild myelin` (building needs a C++17 compiler, make and python3), ' +
        'or set MYELIN_BACKEND=reference to use the slower pure-TypeScript backend.',
    );
  }
  if (root === undefined) cached = module as NativeCpuAddon;
  return module as NativeCpuAddon;
}

/**
 * Loads the CUDA flavour (`prebuilds/<platform>-<arch>/*cuda*.node`, then `build-cuda/Release/myelin_cuda.node`),
 * or only the file `MYELIN_CUDA_ADDON` names when it is set (a custom build, or the host emulator of the tests).
 * Never throws: returns the module, or the reason it is unavailable (every path with its failure).
 */
export function loadCudaAddon(root: string = packageRoot()): { addon: unknown } | { reason: string } {
  const named = process.env.MYELIN_CUDA_ADDON;
  const candidates = named !== undefined && named !== ''
    ? [path.resolve(named)]
    : [...prebuilds(root, true), path.join(root, 'build-cuda', 'Release', 'myelin_cuda.node')];
  const { module, failures } = loadFirst(candidates);
  if (module !== undefined) return { addon: module };
  return { reason: `the cuda flavour of the addon is not available (${failures.join('; ')})` };
}
