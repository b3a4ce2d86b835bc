/**
 * The FinalizationRegistry safety net: tensors nobody disposed are released once JS collects them.
 * Checked in a child Node process (with --expose-gc) that loads the TypeScript sources through the
 * compiler: inside jest's shared vm contexts, finalization callbacks are not delivered reliably.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const LOAD_TS = `
const fs = require('fs');
const ts = require('typescript');
require.extensions['.ts'] = (module, file) => {
  const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  module._compile(out.outputText, file);
};
const my = require(process.argv[1]);
my.setBackend(process.env.MYELIN_REQUIRE_NATIVE === '1' ? 'cpu' : 'auto');
`;

const CHILD = LOAD_TS + `
const before = my.memory();
for (let i = 0; i < 50; i++) my.add(my.ones([256]), 1); // three tensors each (ones, the scalar 1, the sum), never disposed
const created = my.memory().numTensors - before.numTensors;
(async () => {
  const deadline = Date.now() + 20000;
  while (my.memory().numTensors > before.numTensors && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    global.gc();
  }
  const after = my.memory();
  console.log(JSON.stringify({ created, left: after.numTensors - before.numTensors, bytesLeft: after.numBytes - before.numBytes }));
})();
`;

// 100,000 forgotten results of a synchronous loop, then one collection in the same task (no finalizer can run):
// host storage goes with its tensors (it used to stay referenced by a finalizer record until the event loop turned:
// ~300 bytes a tensor, 1.5-1.9 GiB RSS for 3 million forgotten predictions).
const SYNC_LOOP = LOAD_TS + `
try { my.setBackend('cpu'); } catch { my.setBackend('reference'); }  // host storage (cuda's is native)
const x = my.ones([1, 4]);
my.add(x, 1);
global.gc();
const heap0 = process.memoryUsage().heapUsed;
for (let i = 0; i < 100000; i++) my.add(x, 1);
global.gc();
const grown = process.memoryUsage().heapUsed - heap0;
console.log(JSON.stringify({ grownMiB: grown / 2 ** 20, counted: my.memory().numTensors }));
`;

function runChild(script: string): { [key: string]: number } {
  const entry = path.join(__dirname, '..', '..', 'lib', 'index.ts');
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', script, entry], { encoding: 'utf8', timeout: 60000 });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

test('forgotten tensors are released after garbage collection (counts and bytes return)', () => {
  expect(runChild(CHILD)).toEqual({ created: 150, left: 0, bytesLeft: 0 });
});

test('host tensors forgotten in a synchronous loop are collected before the event loop turns', () => {
  const result = runChild(SYNC_LOOP);
  expect(result.grownMiB).toBeLessThan(5);
  expect(result.counted).toBeGreaterThanOrEqual(100000);  // counted until their cohort is collected after the task
});
