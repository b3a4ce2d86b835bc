/**
 * The backends every op-level suite runs on: reference always, the native cpu backend with its BLAS
 * library and with the built-in GEMM when the addon loads, cuda when it loads and sees a GPU.
 */
import { setBackend, type BackendOptions } from '../../lib/backend/select';
import type { BackendName } from '../../lib/backend/backend';

export interface BackendCase {
  label: string;
  name: BackendName;
  options: BackendOptions;
}

function loads(name: BackendName, options: BackendOptions): boolean {
  try {
    setBackend(name, options);
    return true;
  } catch (err) {
    // CI sets MYELIN_REQUIRE_NATIVE=1 and a GPU run MYELIN_REQUIRE_CUDA=1: then a backend that does not
    // load fails the suite instead of being left out.
    if (process.env.MYELIN_REQUIRE_NATIVE === '1' && name === 'cpu') throw err;
    if (process.env.MYELIN_REQUIRE_CUDA === '1' && name === 'cuda') throw err;
    return false;
  }
}

/**
 * MYELIN_TEST_BACKENDS=cuda (a comma list of labels or their prefixes) keeps only those cases, so a GPU run
 * spends its minutes on the backend it is there for. Unset: every case.
 */
export function onlyListed<T>(cases: T[], label: (c: T) => string): T[] {
  const list = (process.env.MYELIN_TEST_BACKENDS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) return cases;
  return cases.filter((c) => list.some((want) => label(c).startsWith(want)));
}

let cached: BackendCase[] | null = null;

/** Backend cases that load on this machine (computed once per test file). */
export function availableBackends(): BackendCase[] {
  if (cached) return cached;
  const cases: BackendCase[] = [{ label: 'reference', name: 'reference', options: {} }];
  if (loads('cpu', {})) {
    cases.push({ label: 'cpu', name: 'cpu', options: {} });
    if (loads('cpu', { blas: 'builtin' })) cases.push({ label: 'cpu-builtin-gemm', name: 'cpu', options: { blas: 'builtin' } });
  } else {

    console.warn('cpu backend did not load; op suites run on reference only');
  }
  if (loads('cuda', {})) cases.push({ label: 'cuda', name: 'cuda', options: {} });
  setBackend('reference');
  cached = onlyListed(cases, (c) => c.label);
  return cached;
}

/** Runs `body` once per available backend inside a describe block named after it. */
export function describeEachBackend(title: string, body: (c: BackendCase) => void): void {
  for (const c of availableBackends()) {
    describe(`${title} [${c.label}]`, () => {
      beforeAll(() => { setBackend(c.name, c.options); });
      body(c);
    });
  }
}
