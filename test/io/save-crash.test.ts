/**
 * Atomic, durable save: a child killed with SIGKILL at random instants while it replaces a model folder
 * leaves a loadable model (the old or the new one) every time. The long run is
 * benchmarks/save-crash-trials.ts; this is its CI-sized version.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { runSaveCrashTrials } from '../../benchmarks/save-crash/trials';

const root = path.resolve(__dirname, '../..');
let out: string;

/** Compiles lib/io/atomic-folder.ts and what it imports to CommonJS for the child process. */
function compileAtomicFolder(): string {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-atomic-js-'));
  for (const rel of ['lib/errors.ts', 'lib/io/fs-errors.ts', 'lib/io/atomic-folder.ts']) {
    const js = ts.transpileModule(fs.readFileSync(path.join(root, rel), 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const dest = path.join(out, rel.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, js);
  }
  return path.join(out, 'lib/io/atomic-folder.js');
}
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

test('20 kills at random instants during saves: the folder always loads as the old or the new model', async () => {
  const res = await runSaveCrashTrials({ trials: 20, atomicFolderModule: compileAtomicFolder(), maxDelayMs: 60 });
  expect(res.failures).toEqual([]);
  expect(res.loadable).toBe(20);
  expect(res.loadedA + res.loadedB).toBe(20);
});
