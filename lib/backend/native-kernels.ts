/**
 * The Backend kernel methods of a native flavour (cpu or cuda), built from the kernel table
 * (lib/backend/kernel-table.ts): each calls the addon entry of the same name, with its op-name arguments
 * translated to the ids of lib/backend/kernel-ids.ts. Memory management and `fill` stay with each flavour's
 * adapter (lib/backend/cpu.ts, lib/backend/cuda.ts).
 */
import type { NativeKernels, NativeTrainSteps } from '../native/addon-types';
import type { TrainingStepsPlan } from './backend';
import { translating } from './fixed-arity';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS } from './kernel-ids';
import { KERNELS, KERNEL_NAMES, OP_KINDS, isOptimizerKernel, type ArgKind, type KernelMethods, type KernelName } from './kernel-table';

/** Every Backend kernel method but `fill` (whose defaults each adapter fills in from its own buffer lengths). */
export type NativeKernelMethods<S> = Omit<KernelMethods<S>, 'fill'>;

type Entry = (...args: unknown[]) => void;

/** The id tables of the op kinds. */
const OP_IDS: Partial<Record<ArgKind, Readonly<Record<string, number>>>> = { unaryOp: UNARY_OPS, binaryOp: BINARY_OPS, reduceOp: REDUCE_OPS };

/** The positions of kernel `name`'s op-name arguments, with the id table of each. */
function opArguments(name: KernelName): Array<[number, Readonly<Record<string, number>>]> {
  const out: Array<[number, Readonly<Record<string, number>>]> = [];
  KERNELS[name].kinds.forEach((kind, i) => { if (OP_KINDS.has(kind)) out.push([i, OP_IDS[kind]!]); });
  return out;
}

/**
 * The kernel methods over `addon`, one per table row but `fill`. `activate` runs before the kernels that go
 * through the GEMM (trait `gemm`: they depend on the addon's one global BLAS or cuBLAS choice), so backends
 * created with different options can coexist in one process.
 */
export function nativeKernelMethods<S>(addon: NativeKernels<S>, activate: () => void): NativeKernelMethods<S> {
  const entries = addon as unknown as Record<string, Entry>;
  const methods: Record<string, Entry> = {};
  for (const name of KERNEL_NAMES) {
    if (name === 'fill') continue;
    const ops = opArguments(name);
    const before = KERNELS[name].traits.gemm === true ? activate : null;
    methods[name] = ops.length === 0 && before === null ? entries[name] : translating(KERNELS[name].kinds.length, entries[name], ops, before) as Entry;
  }
  return methods as unknown as NativeKernelMethods<S>;
}

/** Which configuration an addon flavour holds now: one per flavour, shared by its backends. */
export interface AddonConfigSlot {
  active: string | undefined;
}

/**
 * The `activate` of a backend over an addon that keeps one global configuration (BLAS or cuBLAS choice):
 * re-applies this backend's `config` through `apply` when another backend of the flavour changed it, so
 * backends created with different options can coexist. The configuration counts as applied now.
 */
export function configActivator(slot: AddonConfigSlot, config: string, apply: () => void): () => void {
  slot.active = config;
  return () => {
    if (slot.active !== config) {
      apply();
      slot.active = config;
    }
  };
}

/** Backend.runTrainingSteps over an addon's trainSteps entry, after `activate`. */
export function nativeTrainingSteps<S, P>(addon: NativeTrainSteps<S, P>, activate: () => void): (plan: TrainingStepsPlan<S>) => void {
  return (p) => {
    activate();
    addon.trainSteps(p.compiled as P, [p.optimizerCall.name, ...p.optimizerCall.args], p.lrs,
      p.x, p.xIn, p.y, p.yIn, p.indices, p.loss, p.losses, p.lossOffset);
  };
}

/**
 * A recorded Backend kernel call as the addon entry it becomes: [entryName, ...arguments], with op names
 * translated to ids and `fill`'s defaults filled in (`length` gives a buffer's size). null for calls a
 * compiled program does not hold (the optimizer steps; names that are not kernels).
 */
export function nativeCall(name: string, args: readonly unknown[], length: (buf: unknown) => number): unknown[] | null {
  if (!Object.hasOwn(KERNELS, name) || isOptimizerKernel(name as KernelName)) return null;
  if (name === 'fill') {
    const offset = (args[2] as number | undefined) ?? 0;
    return ['fill', args[0], args[1], offset, (args[3] as number | undefined) ?? length(args[0]) - offset];
  }
  const call = [name, ...args];
  for (const [at, ids] of opArguments(name as KernelName)) call[at + 1] = ids[args[at] as string];
  return call;
}
