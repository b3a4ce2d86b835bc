/**
 * Conformance of roundToHalf (float32 -> bfloat16 / float16 -> float32): the reference against NumPy's float16 cast
 * and PyTorch's bfloat16 cast (test/fixtures/half-rounding/expected.json, written by make_fixture.py next to it:
 * special values, the edges of float16, ties of both formats, random bit patterns), bit for bit; then every backend
 * against the reference, bit for bit (signed zeros and NaN included), at every size and in place.
 */
import * as fs from 'fs';
import * as path from 'path';
import { roundToHalf } from '../../lib/backend/reference/cast';
import { describeFamily } from './backends';
import { checkAgainstReference, forEachBackend, runOn, SIZES } from './harness';
import { Rng } from './prng';

interface Fixture { x: number[]; float16: number[]; bfloat16: number[]; numpy: string; torch: string }
const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'half-rounding', 'expected.json'), 'utf8')) as Fixture;
const X = new Float32Array(new Uint32Array(FIXTURE.x).buffer);

/** Index and bit patterns of the first element where a and b differ (NaN matches any NaN), or null. */
function firstBitDifference(got: Float32Array, want: Float32Array): string | null {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  let bad = 0;
  let first = -1;
  for (let i = 0; i < want.length; i++) {
    const same = g[i] === w[i] || (Number.isNaN(got[i]) && Number.isNaN(want[i]));
    if (!same) { bad++; if (first < 0) first = i; }
  }
  if (bad === 0) return null;
  const hex = (u: number): string => `0x${u.toString(16).padStart(8, '0')}`;
  return `${bad} of ${want.length} differ; first at [${first}]: x ${X[first] ?? '?'}, got ${got[first]} (${hex(g[first])}), ` +
    `expected ${want[first]} (${hex(w[first])})`;
}

describe('roundToHalf reference against NumPy float16 and PyTorch bfloat16', () => {
  test.each([['float16', true], ['bfloat16', false]] as const)('%s: every fixture value bit for bit', (format, float16) => {
    const want = new Float32Array(new Uint32Array(FIXTURE[format]).buffer);
    const got = new Float32Array(X.length);
    roundToHalf(X, got, X.length, float16);
    expect(firstBitDifference(got, want)).toBeNull();
  });

  test('the fixture holds the cases that matter (ties, overflow, subnormals, NaN)', () => {
    const values = Array.from(X);
    for (const v of [65504, 65520, 2 ** -24, 2 ** -25, 1 + 2 ** -8, Infinity, -Infinity]) expect(values).toContain(v);
    expect(values.some(Number.isNaN)).toBe(true);
    expect(values.some((v) => Object.is(v, -0))).toBe(true);
  });
});

describeFamily('rounding to 16-bit floats', () => {
  test.each([['float16', true], ['bfloat16', false]] as const)('%s: fixture values bit for bit', (format, float16) => {
    const want = new Float32Array(new Uint32Array(FIXTURE[format]).buffer);
    forEachBackend(({ name, backend }) => {
      const got = runOn(backend, { x: X, out: new Float32Array(X.length) }, (b) => backend.roundToHalf(b.x, b.out, X.length, float16)).out;
      const diff = firstBitDifference(got, want);
      if (diff !== null) throw new Error(`${name} roundToHalf ${format}: ${diff}`);
    });
  });

  test.each([['float16', true], ['bfloat16', false]] as const)('%s: every size, in place, a prefix', (format, float16) => {
    const rng = new Rng(21);
    for (const n of [0, ...SIZES]) {
      const x = rng.uniform(n, -3e4, 3e4);
      checkAgainstReference({ x, out: new Float32Array(n) }, (be, b) => be.roundToHalf(b.x, b.out, n, float16),
        { out: { rtol: 0, atol: 0 } }, `roundToHalf ${format} [${n}]`);
      checkAgainstReference({ x }, (be, b) => be.roundToHalf(b.x, b.x, n, float16), { x: { rtol: 0, atol: 0 } },
        `roundToHalf ${format} in place [${n}]`);
    }
    const x = rng.uniform(1000, -1, 1);
    const out = new Float32Array(1000).fill(7);
    checkAgainstReference({ x, out }, (be, b) => be.roundToHalf(b.x, b.out, 129, float16), { out: { rtol: 0, atol: 0 } },
      `roundToHalf ${format}: 129 of 1000 (the rest untouched)`);
  });
});
