/**
 * The two build descriptions of the cpu addon list the same sources: binding.gyp (node-gyp, the default build) and
 * CMakeLists.txt (cmake-js, the ASan and cmake builds). A file missing from one builds there without its kernels and
 * fails only when they are called; this test names it. Every native/cpu/*.cc file on disk must be in both.
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

/** The native/cpu and native/common .cc paths a build file names. */
function sourcesIn(text: string): Set<string> {
  return new Set([...text.matchAll(/native\/(?:cpu|common)\/[A-Za-z0-9_]+\.cc/g)].map((m) => m[0]));
}

describe('cpu addon sources', () => {
  const gyp = sourcesIn(read('binding.gyp'));
  const cmake = sourcesIn(read('CMakeLists.txt'));

  test('CMakeLists.txt lists every source binding.gyp lists, and the other way round', () => {
    expect(gyp.size).toBeGreaterThan(10);
    expect([...gyp].filter((f) => !cmake.has(f))).toEqual([]);
    expect([...cmake].filter((f) => !gyp.has(f))).toEqual([]);
  });

  test('every native/cpu/*.cc file is in both build files', () => {
    const onDisk = fs.readdirSync(path.join(root, 'native', 'cpu')).filter((f) => f.endsWith('.cc')).map((f) => `native/cpu/${f}`);
    expect(onDisk).toContain('native/cpu/recurrent.cc');
    expect(onDisk.filter((f) => !gyp.has(f))).toEqual([]);
    expect(onDisk.filter((f) => !cmake.has(f))).toEqual([]);
  });
});
