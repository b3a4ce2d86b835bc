/** Look-ups in the name tables (losses, metrics, optimizers, initializers, regularizers, schedules). */

/**
 * `table[key]` when `key` is an own property of `table`, else undefined: inherited names such as
 * "constructor", "toString" or "__proto__" never resolve, so they get the table's "must be one of" error.
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
