/**
 * Loading `h5wasm` (HDF5 compiled to WebAssembly, an optional peer dependency) on first use. It is an ES
 * module: it is imported with `import()`, and where that is refused because the code runs inside a `vm`
 * sandbox without an ES-module linker (jest without `--experimental-vm-modules`), it is imported by Node's
 * own loader from the main context (`vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER`, Node >= 20.12).
 */
import * as vm from 'vm';
import { DependencyError } from '../../errors';

/** The part of h5wasm's API that myelin uses (typed here so that h5wasm's own types are not needed). */
export interface H5wasmModule {
  ready: Promise<unknown>;
  File: new (filename: string, mode: 'r') => H5Group & { close(): unknown };
  /** The Emscripten module, once ready: its error handler makes HDF5 errors throw instead of printing. */
  Module?: { activate_throwing_error_handler?: () => number };
}

/** An HDF5 group or dataset as h5wasm gives it. */
export interface H5Entity {
  type: string;
  attrs: Record<string, { value: unknown }>;
}

/** An HDF5 group. */
export interface H5Group extends H5Entity {
  keys(): string[];
  get(name: string): H5Entity | null;
}

/** An HDF5 dataset. */
export interface H5Dataset extends H5Entity {
  shape: number[] | null;
  metadata: { type: number; size: number; littleEndian: boolean; signed?: boolean };
  value: unknown;
}

const INSTALL = 'npm install h5wasm';
let loading: Promise<H5wasmModule> | null = null;

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
}

function isSandboxRefusal(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING' || /experimental-vm-modules/.test(String((err as Error)?.message));
}

async function importFromMainContext(specifier: string): Promise<unknown> {
  const loader = (vm.constants as unknown as Record<string, unknown> | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (loader === undefined) {
    throw new DependencyError(`h5wasm cannot be imported inside this vm sandbox (a test runner?) on Node ${process.versions.node}: run it with --experimental-vm-modules or on Node >= 20.12`, 'h5wasm');
  }
  const importer = vm.runInThisContext('(s) => import(s)', { filename: __filename, importModuleDynamically: loader as never }) as (s: string) => Promise<unknown>;
  return importer(specifier);
}

/**
 * @internal h5wasm's node entry (`specifier`; another one only in tests), imported and initialized.
 * @throws (rejects with) DependencyError when it is missing or does not load.
 */
export async function importH5wasm(specifier = 'h5wasm/node'): Promise<H5wasmModule> {
  let mod: unknown;
  try {
    try {
      mod = await import(specifier);
    } catch (err) {
      if (!isSandboxRefusal(err)) throw err;
      mod = await importFromMainContext(specifier);
    }
  } catch (err) {
    if (err instanceof DependencyError) throw err;
    if (isMissing(err)) {
      throw new DependencyError(`reading Keras .keras files needs the optional package h5wasm (HDF5 for model.weights.h5): run \`${INSTALL}\` in your project`, 'h5wasm');
    }
    throw new DependencyError(`h5wasm is installed but failed to load (${(err as Error).message}); reinstall it with \`${INSTALL}\``, 'h5wasm');
  }
  const h5 = mod as Partial<H5wasmModule>;
  if (typeof h5.File !== 'function' || typeof (h5.ready as { then?: unknown } | undefined)?.then !== 'function') {
    throw new DependencyError(`the installed h5wasm does not have the API myelin expects (File, ready); install a 0.10 release with \`npm install h5wasm@^0.10\``, 'h5wasm');
  }
  await h5.ready;
  // HDF5 errors (a damaged file) then throw, with HDF5's error stack as the message, and print nothing.
  h5.Module?.activate_throwing_error_handler?.();
  return h5 as H5wasmModule;
}

/**
 * h5wasm, imported and initialized once per process.
 * @throws (rejects with) DependencyError telling the user to `npm install h5wasm` when it is missing.
 */
export function loadH5wasm(): Promise<H5wasmModule> {
  loading ??= importH5wasm().catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}
