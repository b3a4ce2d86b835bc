/**
 * The backends the conformance suite compares with the reference: the cpu addon (with the BLAS library it finds
 * and with its built-in GEMM) and cuda when their modules load here. A backend that cannot load is skipped with
 * one console.warn line saying why. The reference itself is the oracle, not a backend under test: its own
 * figures are checked against PyTorch / NumPy values in test/reference/golden.test.ts.
 */
import type { Backend } from '../../lib/backend/backend';
import { createReferenceBackend } from '../../lib/backend/reference';
import { onlyListed } from '../helpers/backends';

/** One backend under test, with a name for test titles. */
export interface BackendEntry { name: string; backend: Backend<unknown> }

/** A factory's result: a Backend, or `{ backend, info }` as createCpuBackend returns. */
type Created = Backend<unknown> | { backend: Backend<unknown>; info?: { blas?: { library?: string } } };

function unwrap(created: Created): { backend: Backend<unknown>; library?: string } {
  if ('backend' in created) return { backend: created.backend, library: created.info?.blas?.library };
  return { backend: created };
}

/** The error's message on one line, shortened (loader errors list every file they tried). */
function errorText(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).filter(Boolean).join('; ');
  return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}

/** Loads `lib/backend/<file>` lazily (it may not exist or its addon may not be built) and returns its exports. */
function tryRequire(file: string): { mod?: Record<string, unknown>; error?: string } {
  try {

    return { mod: require(`../../lib/backend/${file}`) as Record<string, unknown> };
  } catch (e) {
    return { error: errorText(e) };
  }
}

/**
 * A backend that does not load is left out with a warning, unless the environment requires it
 * (MYELIN_REQUIRE_NATIVE=1 in CI for cpu, MYELIN_REQUIRE_CUDA=1 on a GPU machine): then the suite fails.
 */
function skip(name: 'cpu' | 'cuda', reason: string): BackendEntry[] {
  const required = name === 'cpu' ? process.env.MYELIN_REQUIRE_NATIVE === '1' : process.env.MYELIN_REQUIRE_CUDA === '1';
  if (required) throw new Error(`conformance: the ${name} backend is required here but did not load: ${reason}`);
  console.warn(`conformance: ${name} backend skipped (${reason})`);
  return [];
}

function cpuEntries(): BackendEntry[] {
  const { mod, error } = tryRequire('cpu');
  const create = mod?.createCpuBackend as ((o: { blas?: string }) => Created) | undefined;
  if (!create) return skip('cpu', error ?? 'lib/backend/cpu.ts exports no createCpuBackend');
  const entries: BackendEntry[] = [];
  const failures: string[] = [];
  // The BLAS variant is named after the library the addon found (cpu-openblas, cpu-mkl...); when it found
  // none it falls back to the built-in GEMM, which the second entry covers, so the first is then dropped.
  const variants: Array<[string, string | undefined]> = [['cpu-blas', undefined], ['cpu-builtin', 'builtin']];
  for (const [name, blas] of variants) {
    try {
      const { backend, library } = unwrap(create({ blas }));
      if (blas === undefined && library === 'builtin') {
        console.warn('conformance: cpu with a BLAS library skipped (none found; the built-in GEMM is tested as cpu-builtin)');
        continue;
      }
      entries.push({ name: blas === undefined && library ? `cpu-${library}` : name, backend });
    } catch (e) {
      failures.push(`${name}: ${errorText(e)}`);
    }
  }
  if (failures.length === variants.length) {
    return skip('cpu', failures[failures.length - 1].replace(/^cpu-builtin: /, ''));
  } else if (failures.length > 0) {
    console.warn(`conformance: skipped ${failures.join(' | ')}`);
  }
  return entries;
}

function cudaEntries(): BackendEntry[] {
  const { mod, error } = tryRequire('cuda');
  if (!mod) return skip('cuda', error ?? 'lib/backend/cuda.ts is missing');
  const create = mod.createCudaBackend as ((o?: object) => Created) | undefined;
  if (!create) return skip('cuda', 'lib/backend/cuda.ts exports no createCudaBackend');
  try {
    return [{ name: 'cuda', backend: unwrap(create({})).backend }];
  } catch (e) {
    return skip('cuda', errorText(e));
  }
}

/** The reference backend, the oracle every other backend is compared with. */
export const REFERENCE = createReferenceBackend();

/** Every backend under test that loads here (MYELIN_TEST_BACKENDS keeps only the ones it lists). */
export const BACKENDS: BackendEntry[] = onlyListed([...cpuEntries(), ...cudaEntries()], (e) => e.name);

/**
 * The describe block of one kernel family's file, named after the family and the backends it compares (so a
 * GPU run's report names cuda in every test it ran). With no backend to compare here, its tests are skipped.
 */
export function describeFamily(family: string, body: () => void): void {
  if (BACKENDS.length === 0) {
    console.warn(`conformance: ${family} skipped (no backend to compare with the reference: none loads here, ` +
      'or MYELIN_TEST_BACKENDS lists none that does)');
    describe.skip(family, body);
    return;
  }
  describe(`${family}: ${BACKENDS.map((e) => e.name).join(', ')} against the reference`, body);
}
