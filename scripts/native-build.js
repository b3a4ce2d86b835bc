#!/usr/bin/env node
/**
 * Builds the cpu flavour of the addon with node-gyp, offline: `--nodedir=native/gyp-nodedir` (a common.gypi
 * and nothing else; binding.gyp takes the Node-API headers from the `node-api-headers` package), so node-gyp
 * never downloads Node's headers whatever npm's `nodedir` says. `npm run build:native -- -j 2` runs it; extra
 * arguments go to node-gyp (e.g. `--arch=arm64` for a cross build with CXX set to a cross compiler).
 *
 * As a module: `buildCpu({ args, quiet })` returns `{ ok, output, cause }`, where `cause` is one paragraph saying
 * why a failed build failed (no compiler, no make/python3, a download attempt, missing headers, a compile error).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const nodedir = path.join(root, 'native', 'gyp-nodedir');

/** The first file named `name` in the folders of PATH, or null. */
function onPath(name, env = process.env) {
  for (const dir of (env.PATH || '').split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** The node-gyp entry script npm bundles (or one installed beside myelin), or null. */
function findNodeGyp(env = process.env) {
  const fromEnv = env.npm_config_node_gyp;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  const places = [root];
  if (env.npm_execpath) places.push(path.resolve(path.dirname(env.npm_execpath), '..'));
  places.push(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'));
  for (const dir of places) {
    try {
      return require.resolve('node-gyp/bin/node-gyp.js', { paths: [dir] });
    } catch {
      /* try the next place */
    }
  }
  return null;
}

/** What a build needs that is missing from PATH, as sentences (empty when all is there). */
function missingTools(env = process.env) {
  const missing = [];
  const cxx = env.CXX ? [env.CXX.split(' ')[0]] : ['c++', 'g++', 'clang++'];
  const hasCxx = cxx.some((c) => (path.isAbsolute(c) ? fs.existsSync(c) : onPath(c, env)));
  if (!hasCxx) missing.push(`no C++17 compiler was found (looked for ${cxx.join(', ')} on PATH)`);
  if (!onPath('make', env)) missing.push('`make` is not on PATH');
  if (!['python3', 'python'].some((p) => onPath(p, env)) && !env.PYTHON) missing.push('python3 (needed by node-gyp) is not on PATH');
  if (!findNodeGyp(env)) missing.push("node-gyp was not found (npm's bundled copy or one in node_modules)");
  return missing;
}

/** One paragraph naming why a node-gyp run failed, from its output. */
function causeOf(output, status) {
  const lines = output.split('\n');
  const first = (re) => lines.find((l) => re.test(l));
  const net = first(/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|tunneling socket|download/i);
  if (net) return `node-gyp tried to reach the network and failed (${net.trim()}); myelin's build is meant to be offline, so report this.`;
  const header = first(/fatal error: .*\.h: No such file/);
  if (header) return `a header is missing (${header.trim()}): reinstall the dependencies node-addon-api and node-api-headers.`;
  const compile = first(/error:/);
  if (compile) return `the C++ compiler failed: ${compile.trim()}. myelin needs a C++17 compiler (g++ >= 8 or clang++ >= 7).`;
  const gyp = first(/gyp ERR! stack|gyp ERR! configure error|Error:/);
  return `node-gyp exited with status ${status}${gyp ? `: ${gyp.replace(/gyp ERR! (stack )?/, '').trim()}` : ''}.`;
}

/**
 * Runs `node-gyp <command> --nodedir=native/gyp-nodedir ...args` in the package root.
 * @param {{ args?: string[], quiet?: boolean, env?: NodeJS.ProcessEnv, command?: string }} options
 *   quiet: capture the output instead of showing it; command: 'rebuild' (default) or 'configure'.
 */
function buildCpu({ args = [], quiet = false, env = process.env, command = 'rebuild' } = {}) {
  const missing = missingTools(env);
  if (missing.length > 0) return { ok: false, output: '', cause: `${missing.join('; ')}.` };
  const gyp = findNodeGyp(env);
  const argv = [gyp, command, `--nodedir=${nodedir}`, ...args];
  const r = spawnSync(process.execPath, argv, {
    cwd: root,
    env: { ...env, npm_config_nodedir: nodedir },
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.status === 0) return { ok: true, output, cause: '' };
  return { ok: false, output, cause: r.error ? `node-gyp could not start: ${r.error.message}.` : causeOf(output, r.status) };
}

module.exports = { buildCpu, missingTools, findNodeGyp, onPath, causeOf, nodedir };

if (require.main === module) {
  const result = buildCpu({ args: process.argv.slice(2) });
  if (!result.ok) {
    console.error(`myelin: the cpu addon did not build: ${result.cause}`);
    process.exit(1);
  }
}
