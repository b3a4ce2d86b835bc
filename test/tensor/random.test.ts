import { Random } from '../../lib/tensor/random';
import { nativeShuffle } from '../../lib/native/native-shuffle';

describe('Random.shuffle', () => {
  // A plain array is always shuffled in TypeScript; an Int32Array of 64 or more entries by the addon when it loads.
  const lengths = [0, 1, 2, 63, 64, 65, 1000, 4097];

  it.each(lengths)('gives an Int32Array of %i the order and end state of the TypeScript shuffle', (n) => {
    for (const seed of [0, 7, 123456789, -3.5]) {
      const a = new Random(seed);
      const b = new Random(seed);
      const plain = Array.from({ length: n }, (_, i) => i);
      const typed = Int32Array.from(plain);
      a.shuffle(plain);
      b.shuffle(typed);
      expect(Array.from(typed)).toEqual(plain);
      expect(b.nextUint32()).toBe(a.nextUint32());
      expect(b.normal()).toBe(a.normal());
    }
  });

  it.each(lengths)('permutation(%i) is the shuffled identity, with the same draws', (n) => {
    const a = new Random(11);
    const b = new Random(11);
    const plain = Array.from({ length: n }, (_, i) => i);
    a.shuffle(plain);
    expect(Array.from(b.permutation(n))).toEqual(plain);
    expect(b.nextUint32()).toBe(a.nextUint32());
  });

  it('is a permutation that depends on the seed', () => {
    const x = Int32Array.from({ length: 500 }, (_, i) => i);
    const y = x.slice();
    new Random(1).shuffle(x);
    new Random(2).shuffle(y);
    expect(Array.from(x).sort((p, q) => p - q)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(Array.from(x)).not.toEqual(Array.from(y));
  });

  it('has the native shuffle here (the addon is built)', () => {
    expect(nativeShuffle()).not.toBeNull();
  });

  it('rejects a state that is not four 32-bit words (native)', () => {
    const shuffle = nativeShuffle();
    if (shuffle === null) throw new Error('the CPU addon did not load');
    expect(() => shuffle(new Int32Array(4), new Float64Array(3), false)).toThrow(/4 entries/);
    expect(() => shuffle(new Int32Array(4), new Float64Array([1, 2, 3, 2 ** 32]), false)).toThrow(/32-bit/);
  });
});
