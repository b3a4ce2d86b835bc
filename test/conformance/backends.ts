/**
 * The backends the conformance suite runs on: reference always; the cpu addon (with the BLAS library it finds
 * and with its built-in GEMM) and cuda when their modules load here. A backend that cannot load is skipped with
 * one console.warn line saying why.
 */
import type { Backend } from '../../lib/backend/backend';
import { createReferenceBackend } from '../../lib/backend/reference';

/** One backend under test, with a name for test titles. */
export interface BackendEntry { name: string; backend: Backend<unknown> }

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Loads `lib/backend/<file>` lazily (it may not exist or its addon may not be built) and returns its exports. */
function tryRequire(file: string): { mod?: Record<string, unknown>; error?: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { mod: require(`../../lib/backend/${file}`) as Record<string, unknown> };
  } catch (e) {
    return { error: errorText(e) };
  }
}

function cpuEntries(): BackendEntry[] {
  const { mod, error } = tryRequire('cpu');
  const create = mod?.createCpuBackend as ((o: { blas?: string }) => Backend<unknown>) | undefined;
  if (!create) {
    console.warn(`conformance: cpu backend skipped (${error ?? 'lib/backend/cpu.ts exports no createCpuBackend'})`);
    return [];
  }
  const entries: BackendEntry[] = [];
  const variants: Array<[string, string | undefined]> = [['cpu-blas', undefined], ['cpu-builtin', 'builtin']];
  for (const [name, blas] of variants) {
    try {
      entries.push({ name, backend: create({ blas }) });
    } catch (e) {
      console.warn(`conformance: ${name} skipped (${errorText(e)})`);
    }
  }
  return entries;
}

function cudaEntries(): BackendEntry[] {
  const { mod, error } = tryRequire('cuda');
  if (!mod) {
    if (error && !/Cannot find module '\.\.\/\.\.\/lib\/backend\/cuda'/.test(error)) {
      console.warn(`conformance: cuda backend skipped (${error})`);
    }
    return [];
  }
  const create = mod.createCudaBackend as ((o?: object) => Backend<unknown>) | undefined;
  if (!create) return [];
  try {
    return [{ name: 'cuda', backend: create({}) }];
  } catch (e) {
    console.warn(`conformance: cuda backend skipped (${errorText(e)})`);
    return [];
  }
}

/** The reference backend, the oracle every other backend is compared with. */
export const REFERENCE = createReferenceBackend();

/** Every backend that loads here, reference first. */
export const BACKENDS: BackendEntry[] = [
  { name: 'reference', backend: REFERENCE as Backend<unknown> },
  ...cpuEntries(),
  ...cudaEntries(),
];
