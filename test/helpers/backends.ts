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

let cached: BackendCase[] | null = null;

/** Backend cases that load on this machine (computed once per test file). */
export function availableBackends(): BackendCase[] {
  if (cached) return cached;
  const cases: BackendCase[] = [{ label: 'reference', name: 'reference', options: {} }];
  if (loads('cpu', {})) {
    cases.push({ label: 'cpu', name: 'cpu', options: {} });
    if (loads('cpu', { blas: 'builtin' })) cases.push({ label: 'cpu-builtin-gemm', name: 'cpu', options: { blas: 'builtin' } });
  } else {
    // eslint-disable-next-line no-console
    console.warn('cpu backend did not load; op suites run on reference only');
  }
  if (loads('cuda', {})) cases.push({ label: 'cuda', name: 'cuda', options: {} });
  setBackend('reference');
  cached = cases;
  return cases;
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
