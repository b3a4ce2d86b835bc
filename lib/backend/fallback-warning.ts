/**
 * The one warning printed when `auto` ends on the reference backend: the first time a backend is chosen
 * (the first op, tensor or `backendInfo()` after `require('myelin')`), myelin says that it runs on the slow
 * pure-TypeScript backend and why the native ones could not load, adding what `npm install` recorded when
 * its build failed (build/myelin-install-failure.txt). Silence it with `MYELIN_NO_FALLBACK_WARNING=1`, or
 * choose the reference backend on purpose with `MYELIN_BACKEND=reference` (no warning then).
 */
import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../native/loader';

/** The code of the warning (`process.on('warning', w => w.code)`). */
export const REFERENCE_FALLBACK_WARNING = 'MYELIN_REFERENCE_BACKEND';

let warned = false;

/** What the install script recorded about a failed build, or ''. */
function installFailure(): string {
  try {
    return fs.readFileSync(path.join(packageRoot(), 'build', 'myelin-install-failure.txt'), 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * Emits the fallback warning once per process (`process.emitWarning`, name `MyelinWarning`).
 * @param tried every native backend that was tried, with the reason it could not run.
 */
export function warnReferenceFallback(tried: { backend: string; reason: string }[]): void {
  if (warned || process.env.MYELIN_NO_FALLBACK_WARNING === '1') return;
  warned = true;
  const reasons = tried.map((t) => `${t.backend}: ${t.reason.split('\n').join(' ')}`).join('; ');
  const install = installFailure();
  process.emitWarning(
    `myelin runs on its reference backend (pure TypeScript, about 10x slower) because no native backend loaded ` +
      `(${reasons}).${install ? ` The install said: ${install}` : ''} ` +
      'Set MYELIN_BACKEND=reference to choose it on purpose, or MYELIN_NO_FALLBACK_WARNING=1 to silence this warning.',
    { type: 'MyelinWarning', code: REFERENCE_FALLBACK_WARNING },
  );
}
