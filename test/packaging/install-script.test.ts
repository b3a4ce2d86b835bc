/**
 * scripts/install.js and scripts/native-build.js in child processes, on a copy of the package's build files
 * in a temporary folder: with npm's nodedir unset or wrong and every proxy pointing at a closed port, node-gyp
 * configures against the local headers (nothing downloaded); with no C++ compiler on PATH the install exits 0
 * and prints the cause in one paragraph; a prebuild that loads means nothing is compiled, a corrupt one is
 * named with the reason.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const repo = path.resolve(__dirname, '..', '..');
const built = path.join(repo, 'build', 'Release', 'myelin.node');
const offline = { https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', npm_config_proxy: 'http://127.0.0.1:9' };

/** A folder with the package's build inputs (scripts copied, sources and dependencies linked). */
function packageCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-install-'));
  fs.cpSync(path.join(repo, 'scripts'), path.join(dir, 'scripts'), { recursive: true });
  for (const f of ['binding.gyp', 'package.json']) fs.copyFileSync(path.join(repo, f), path.join(dir, f));
  fs.symlinkSync(path.join(repo, 'native'), path.join(dir, 'native'));
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** A PATH of one folder holding node, make and python3 but no C++ compiler. */
function pathWithoutCompiler(dir: string): string {
  const bin = path.join(dir, 'bin-no-cxx');
  fs.mkdirSync(bin);
  for (const tool of ['node', 'make', 'python3']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) fs.symlinkSync(found, path.join(bin, tool));
  }
  return bin;
}

function runNode(cwd: string, args: string[], env: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 120000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The environment of an npm install script, without npm's nodedir (or with the given one). */
function installEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...offline, MYELIN_SKIP_CUDA_BUILD: '1', ...extra };
  if (!('npm_config_nodedir' in extra)) delete env.npm_config_nodedir;
  return env;
}

describe('install script', () => {
  let dir: string;
  beforeEach(() => {
    dir = packageCopy();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const configure = `require('./scripts/native-build').buildCpu({ command: 'configure', quiet: true }).ok || process.exit(3)`;

  it.each([
    ['unset', {}],
    ['wrong', { npm_config_nodedir: '/nonexistent/node-headers' }],
  ])('node-gyp configures offline against local headers with nodedir %s', (_label, extra) => {
    const r = runNode(dir, ['-e', configure], installEnv(extra));
    expect(r.out).not.toMatch(/download|ENOTFOUND|ECONNREFUSED/i);
    expect(r.status).toBe(0);
    const makefile = fs.readFileSync(path.join(dir, 'build', 'myelin.target.mk'), 'utf8');
    expect(makefile).toContain(path.join('node_modules', 'node-api-headers', 'include'));
  });

  it('exits 0 and explains in one paragraph when no compiler is on PATH', () => {
    const r = runNode(dir, ['scripts/install.js'], installEnv({ PATH: pathWithoutCompiler(dir), CXX: '' }));
    expect(r.status).toBe(0);
    const paragraph = r.out.split('\n').filter((l) => l.includes('building the native cpu addon failed'));
    expect(paragraph).toHaveLength(1);
    expect(paragraph[0]).toMatch(/no C\+\+17 compiler was found \(looked for c\+\+, g\+\+, clang\+\+ on PATH\)/);
    expect(paragraph[0]).toMatch(/reference backend.*npm rebuild myelin/);
    expect(fs.readFileSync(path.join(dir, 'build', 'myelin-install-failure.txt'), 'utf8')).toContain('no C++17 compiler');
  });

  it('keeps a build that loads and is newer than the sources (npx myelin in a clone), rebuilds a stale one', () => {
    fs.mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
    const copy = path.join(dir, 'build', 'Release', 'myelin.node');
    fs.copyFileSync(built, copy);
    const env = installEnv({ PATH: pathWithoutCompiler(dir) });
    const fresh = runNode(dir, ['scripts/install.js'], env);
    expect(fresh.status).toBe(0);
    expect(fresh.out).toContain('build/Release/myelin.node is up to date with native/ and loads; nothing to compile');

    fs.utimesSync(copy, new Date(0), new Date(0));
    const stale = runNode(dir, ['scripts/install.js'], env);
    expect(stale.status).toBe(0);
    expect(stale.out).toContain('compiling the cpu addon with node-gyp (offline, about a minute on 2 cores; sources changed after build/Release/myelin.node was built)');
    expect(stale.out).toContain('no C++17 compiler was found');
  });

  it('compiles nothing when a prebuild loads, and names a corrupt one with the reason', () => {
    const pre = path.join(dir, 'prebuilds', `${process.platform}-${process.arch}`);
    fs.mkdirSync(pre, { recursive: true });
    fs.copyFileSync(built, path.join(pre, 'myelin.glibc.node'));
    const good = runNode(dir, ['scripts/install.js'], installEnv({ PATH: pathWithoutCompiler(dir) }));
    expect(good.status).toBe(0);
    expect(good.out).toMatch(/using the prebuilt cpu addon prebuilds[\\/].*myelin\.glibc\.node; nothing to compile/);
    expect(fs.existsSync(path.join(dir, 'build'))).toBe(false);

    fs.writeFileSync(path.join(pre, 'myelin.glibc.node'), 'truncated');
    const bad = runNode(dir, ['scripts/install.js'], installEnv({ PATH: path.join(dir, 'bin-no-cxx') }));
    expect(bad.status).toBe(0);
    expect(bad.out).toMatch(/prebuild prebuilds[\\/].*myelin\.glibc\.node does not load here \(not a loadable shared library: the file is corrupt or truncated/);
    expect(bad.out).toContain('no C++17 compiler was found');
  });
});
