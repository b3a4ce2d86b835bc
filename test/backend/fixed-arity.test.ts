/** The generated fixed-arity functions behind the dispatch funnels and the native adapters (lib/backend/fixed-arity.ts). */
import { funnel, translating } from '../../lib/backend/fixed-arity';

describe('fixed-arity functions', () => {
  test('funnel calls fn directly while no listener is present, else hands the arguments to slow', () => {
    const listeners: unknown[] = [];
    const seen: unknown[][] = [];
    const f = funnel(3, (a: number, b: number, c?: number) => a * 100 + b * 10 + (c ?? 0), listeners, (args) => { seen.push(args); return -1; });
    expect(f.length).toBe(3);
    expect(f(1, 2, 3)).toBe(123);
    expect(f(1, 2)).toBe(120);  // a left-out optional argument arrives as undefined
    listeners.push({});
    expect(f(4, 5, 6)).toBe(-1);
    expect(seen).toEqual([[4, 5, 6]]);
  });

  test('translating replaces the arguments at the given positions by their table entry, after `before`', () => {
    const calls: unknown[][] = [];
    let befores = 0;
    const f = translating(4, (...a: unknown[]) => { calls.push(a); }, [[0, { relu: 6 }], [3, { sum: 0, max: 1 }]], () => { befores++; });
    f('relu', 'x', 7, 'max');
    expect(calls).toEqual([[6, 'x', 7, 1]]);
    expect(befores).toBe(1);
    const g = translating(2, (...a: unknown[]) => a, [], null);
    expect(g(1, 2)).toEqual([1, 2]);
  });

  test('an arity outside [0, 32] is refused', () => {
    expect(() => funnel(-1, () => 0, [], () => 0)).toThrow(RangeError);
    expect(() => translating(33, () => 0, [], null)).toThrow(/arity must be an integer/);
  });
});
