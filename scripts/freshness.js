/**
 * Whether a build output is newer than its inputs (make's rule, by modification time), so that
 * `npm install` / `prepare` run again by `npx myelin` in a clone do not redo a build that is current.
 */
'use strict';
const fs = require('fs');
const path = require('path');

/** The newest modification time (ms) of the files under `paths` whose names match `pattern`; 0 when none. */
function newestInput(paths, pattern) {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) if (name !== 'node_modules') visit(path.join(p, name));
    } else if (pattern.test(p)) {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  paths.forEach(visit);
  return newest;
}

/**
 * '' when every output exists and is newer than every input, else why not ("dist/lib/index.js is missing",
 * "lib/x.ts changed after dist/lib/index.js").
 * @param {string} root folder the paths are relative to
 * @param {string[]} outputs build outputs
 * @param {string[]} inputs files or folders the outputs are made from
 * @param {RegExp} pattern which files of the input folders count
 */
function staleReason(root, outputs, inputs, pattern) {
  const newest = newestInput(inputs.map((p) => path.join(root, p)), pattern);
  for (const out of outputs) {
    let mtime;
    try {
      mtime = fs.statSync(path.join(root, out)).mtimeMs;
    } catch {
      return `${out} is missing`;
    }
    if (mtime < newest) return `sources changed after ${out} was built`;
  }
  return '';
}

module.exports = { staleReason, newestInput };
