/**
 * Which prebuilt addons in prebuilds/<platform>-<arch>/ may serve this machine, in the order to try them.
 * Names: `myelin.<libc>.node` (cpu) and `myelin_cuda.<libc>.node` (cuda), libc `glibc` or `musl`; a file
 * without a libc tag is tried on any libc. Used by scripts/install.js; lib/native/prebuild-select.ts applies
 * the same rules for the loader.
 */
'use strict';
const fs = require('fs');
const path = require('path');

/** 'glibc' or 'musl' on Linux (from process.report), null elsewhere. */
function currentLibc() {
  if (process.platform !== 'linux') return null;
  const header = process.report && process.report.getReport ? process.report.getReport().header : {};
  return header && header.glibcVersionRuntime ? 'glibc' : 'musl';
}

/**
 * `{ file, skip }` for each `.node` file of the flavour (`skip`: why it does not fit this machine, or '').
 * @param {string} root package root
 * @param {boolean} cuda the cuda flavour (name contains "cuda") or the cpu one
 */
function prebuildCandidates(root, cuda) {
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const libc = currentLibc();
  return names
    .filter((n) => n.endsWith('.node') && n.includes('cuda') === cuda)
    .sort()
    .map((n) => {
      const tag = n.split('.').find((part) => part === 'glibc' || part === 'musl');
      const skip = tag && libc && tag !== libc ? `built for ${tag}, this system uses ${libc}` : '';
      return { file: path.join(dir, n), skip };
    });
}

/**
 * Why a `.node` file failed to load, in words a user can act on, from the error `require` threw.
 * @param {string} message the first line of the error
 */
function explainLoadError(message) {
  const m = message.replace(/^Error: /, '');
  if (/file too short|invalid ELF header|not an ELF|unknown file type|slice is not valid mach-o|not a valid Win32/i.test(m)) {
    return `not a loadable shared library: the file is corrupt or truncated (${m})`;
  }
  // glibc says "No such file" for an existing .node file built for another machine.
  if (/wrong ELF class|ELF file's machine|\.node: cannot open shared object file: No such file or directory|incompatible architecture|mach-o, but wrong architecture|Exec format error/i.test(m)) {
    return `built for another platform or processor than ${process.platform}-${process.arch} (${m})`;
  }
  if (/NODE_MODULE_VERSION|Module did not self-register|undefined symbol: napi_|node_register_module/i.test(m)) {
    return `built for another Node ABI than this Node ${process.version} (Node-API ${process.versions.napi}) (${m})`;
  }
  if (/GLIBC_|GLIBCXX_|CXXABI_|version `.*' not found|libc\.musl|ld-linux/i.test(m)) {
    return `needs a newer or different C/C++ runtime than this system has (${m})`;
  }
  if (/cannot open shared object file/i.test(m)) return `a library it needs is missing on this system (${m})`;
  return m;
}

module.exports = { prebuildCandidates, currentLibc, explainLoadError };
