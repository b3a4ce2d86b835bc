/**
 * Strict options: every public options object rejects keys it does not know, so that a ported script that writes
 * `fit(x, y, { batch_size: 8 })` fails with a hint instead of training with the defaults. Each function declares its
 * keys once with {@link optionKeys} (the compiler checks the list against the options interface: a key missing from
 * the list or not in the interface is a type error) and calls {@link checkOptions} on what the user passed.
 */
import { ValueError } from '../errors';

/**
 * The option keys of an options type `T`, declared as an object with one `true` per key of `T`. Written as
 * `optionKeys<FitOptions>({ epochs: true, batchSize: true, ... })`: TypeScript rejects a missing or an extra key,
 * so the list cannot drift from the interface.
 */
export function optionKeys<T>(keys: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/** `batch_size` -> `batchSize`, `validation-split` -> `validationSplit`; other keys unchanged. */
export function camelCase(key: string): string {
  return key.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Levenshtein distance (insertions, deletions, substitutions of one character each cost 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The valid key `key` most likely stands for: its camelCase form when valid (snake_case and kebab-case as in Keras
 * and PyTorch code), else the key at the smallest edit distance (ignoring case and `_`), when that distance is at
 * most a third of the key's length (at least 2); null when no key is that close.
 */
export function closestKey(key: string, valid: readonly string[]): string | null {
  const camel = camelCase(key);
  if (valid.includes(camel)) return camel;
  const norm = (s: string) => s.replace(/[_-]/g, '').toLowerCase();
  const k = norm(key);
  let best: string | null = null;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(k, norm(v));
    if (d < bestD) { best = v; bestD = d; }
  }
  return bestD <= Math.max(2, Math.floor(k.length / 3)) ? best : null;
}

/**
 * Throws a ValueError for the first own key of `options` that is not in `valid`:
 * `fit: unknown option 'batch_size'; did you mean 'batchSize'?`, or with the list of valid keys when none is close.
 * Values that are not plain objects are left to the caller's own checks.
 * @param where The function's name as the user calls it ('fit', 'adam', 'dense').
 */
export function checkOptions(where: string, options: unknown, valid: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return;
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    const hint = closestKey(key, valid);
    throw new ValueError(`${where}: unknown option '${key}'; ` +
      (hint ? `did you mean '${hint}'?` : valid.length ? `valid options: ${[...valid].sort().join(', ')}` : 'it takes no options'));
  }
}
