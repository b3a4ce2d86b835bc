/**
 * The FinalizationRegistry safety net: tensors nobody disposed are released once JS collects them.
 * Checked in a child Node process (with --expose-gc) that loads the TypeScript sources through the
 * compiler: inside jest's shared vm contexts, finalization callbacks are not delivered reliably.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const CHILD = `
const fs = require('fs');
const ts = require('typescript');
require.extensions['.ts'] = (module, file) => {
  const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  module._compile(out.outputText, file);
};
const my = require(process.argv[1]);
my.setBackend(process.env.MYELIN_REQUIRE_NATIVE === '1' ? 'cpu' : 'auto');
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

test('forgotten tensors are released after garbage collection (counts and bytes return)', () => {
  const entry = path.join(__dirname, '..', '..', 'lib', 'index.ts');
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', CHILD, entry], { encoding: 'utf8', timeout: 60000 });
  expect(r.stderr).toBe('');
  const result = JSON.parse(r.stdout.trim().split('\n').pop() as string);
  expect(result).toEqual({ created: 150, left: 0, bytesLeft: 0 });
});
