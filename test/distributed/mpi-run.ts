/**
 * Helpers of the tests that start ranks with mpirun: the environment (the ranks load dist/ when it is newer
 * than every file of lib/, which npm install builds, else the TypeScript sources, slower) and the mpirun
 * arguments (--allow-run-as-root as root, --oversubscribe for more ranks than cores).
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** The environment of the ranks (and of one-process references): the cpu backend, the freshest entry point. */
export function rankEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MYELIN_BACKEND: 'cpu' };
  delete env.MYELIN_TEST_ENTRY;
  const dist = path.join(ROOT, 'dist', 'lib', 'index.js');
  if (fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= newestSource(path.join(ROOT, 'lib'))) env.MYELIN_TEST_ENTRY = dist;
  return env;
}

/** mpirun's arguments for `size` ranks of `node script ...args`. */
export function mpirunArgs(size: number, script: string, args: string[] = []): string[] {
  const root = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-run-as-root'] : [];
  return [...root, '--oversubscribe', '-np', String(size), process.execPath, script, ...args];
}

/** The error to throw when mpirun could not start. */
export function noMpirun(error: Error): Error {
  return new Error(`mpirun is not installed (${error.message}); install Open MPI: apt-get install openmpi-bin libopenmpi-dev`);
}
