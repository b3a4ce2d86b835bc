/**
 * When no native addon loads, `auto` falls back to the reference backend and says so once, with the
 * reasons; MYELIN_NO_FALLBACK_WARNING=1 silences it and MYELIN_BACKEND=reference (a deliberate choice) never
 * warns. Checked in child Node processes that load the TypeScript sources, with the addon paths pointed at
 * files that do not exist.
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
my.add(my.ones([2]), 1).dataSync();
my.add(my.ones([2]), 2).dataSync();
console.log(my.backendInfo().backend);
`;

function run(extra: NodeJS.ProcessEnv): { stdout: string; stderr: string } {
  const entry = path.join(__dirname, '..', '..', 'lib', 'index.ts');
  const env: NodeJS.ProcessEnv = { ...process.env, MYELIN_CPU_ADDON: '/nonexistent/myelin.node', MYELIN_CUDA_ADDON: '/nonexistent/myelin_cuda.node', ...extra };
  for (const k of ['MYELIN_BACKEND', 'MYELIN_REQUIRE_NATIVE', 'MYELIN_NO_FALLBACK_WARNING']) if (!(k in extra)) delete env[k];
  const r = spawnSync(process.execPath, ['-e', CHILD, entry], { encoding: 'utf8', env, timeout: 60000 });
  return { stdout: r.stdout.trim(), stderr: r.stderr };
}

describe('reference fallback warning', () => {
  it('is printed once, naming the reference backend and why the native ones did not load', () => {
    const r = run({});
    expect(r.stdout).toBe('reference');
    const lines = r.stderr.split('\n').filter((l) => l.includes('MyelinWarning'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/myelin runs on its reference backend \(pure TypeScript, about 10x slower\)/);
    expect(lines[0]).toMatch(/cpu: .*\/nonexistent\/myelin\.node: not found/);
    expect(lines[0]).toContain('MYELIN_NO_FALLBACK_WARNING=1');
  });

  it('is silenced by MYELIN_NO_FALLBACK_WARNING=1', () => {
    const r = run({ MYELIN_NO_FALLBACK_WARNING: '1' });
    expect(r.stdout).toBe('reference');
    expect(r.stderr).toBe('');
  });

  it('is not printed when the reference backend is chosen on purpose', () => {
    const r = run({ MYELIN_BACKEND: 'reference' });
    expect(r.stdout).toBe('reference');
    expect(r.stderr).toBe('');
  });
});
