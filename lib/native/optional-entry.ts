/**
 * Entries of the CPU addon that speed something up which TypeScript can also do (a shuffle, CSV parsing): the
 * entry bound to the addon, or null where the addon does not load or lacks it (then TypeScript does the work).
 */
import type { NativeCpuAddon } from './addon-types';
import { loadCpuAddon } from './loader';

const entries = new Map<keyof NativeCpuAddon, unknown>();

/** The CPU addon's `name` entry bound to the addon, or null (looked up once per name). */
export function optionalCpuEntry<K extends keyof NativeCpuAddon>(name: K): NativeCpuAddon[K] | null {
  if (!entries.has(name)) {
    let entry: unknown;
    try {
      const addon = loadCpuAddon();
      const fn = addon[name] as unknown;
      entry = typeof fn === 'function' ? fn.bind(addon) : null;
    } catch {
      entry = null;
    }
    entries.set(name, entry);
  }
  return entries.get(name) as NativeCpuAddon[K] | null;
}
