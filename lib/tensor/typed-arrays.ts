/**
 * Realm-independent typed-array checks. `instanceof Float32Array` is false for an array made in another realm
 * (a `vm` context such as jest's, or the native addon's own when the caller runs in a context), although it
 * is a Float32Array in every other respect; these read the array's internal class instead.
 */

/** True for a Float32Array from any realm. */
export function isFloat32Array(value: unknown): value is Float32Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Float32Array]';
}

/** True for an Int32Array from any realm. */
export function isInt32Array(value: unknown): value is Int32Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Int32Array]';
}
