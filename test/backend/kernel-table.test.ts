/**
 * The kernel table (lib/backend/kernel-table.ts) against every place a kernel must also be: the C++ kernel lists
 * and export tables (parsed from source, no GPU needed), the argument counts and op-argument positions of the
 * cpu and cuda entries, the built cpu addon's exports, the reference and cpu backends, and the conformance cases.
 * Each failure names the kernel and the place that disagrees.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KERNELS, KERNEL_NAMES, OP_KINDS, isOptimizerKernel, type KernelName } from '../../lib/backend/kernel-table';
import { createReferenceBackend } from '../../lib/backend/reference';
import { dispatcherOf } from '../../lib/backend/dispatch';
import { CPU_RUNNER_ENTRIES, CUDA_RUNNER_ENTRIES } from '../../lib/native/addon-types';
import { loadCpuAddon } from '../../lib/native/loader';

const ROOT = path.join(__dirname, '../..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\/[^\n]*/g, '');
/** The sources of one native folder (file name -> text without line comments). */
const sources = (dir: string): Array<[string, string]> => fs.readdirSync(path.join(ROOT, dir))
  .filter((f) => /\.(cc|cu|h|cuh)$/.test(f)).map((f) => [`${dir}/${f}`, read(`${dir}/${f}`)]);

/** The rows X(a, b, ...) of the X-macro `name` defined in `text`, each as its list of arguments. */
function macroRows(text: string, name: string, file: string): string[][] {
  const at = text.indexOf(`#define ${name}(X)`);
  if (at < 0) throw new Error(`${file}: no #define ${name}(X)`);
  let end = at;
  do end = text.indexOf('\n', end + 1); while (end > 0 && /\\\s*$/.test(text.slice(text.lastIndexOf('\n', end - 1) + 1, end)));
  const body = text.slice(at + `#define ${name}(X)`.length, end);
  return [...body.matchAll(/X\(([^)]*)\)/g)].map((m) => m[1].split(',').map((s) => s.trim()));
}

/** `extra` names not in `want` and names of `want` not in `got`, as messages naming `where`. */
function setDifference(got: Iterable<string>, want: Iterable<string>, where: string): string[] {
  const g = new Set(got);
  const w = new Set(want);
  return [
    ...[...w].filter((n) => !g.has(n)).map((n) => `${n}: missing from ${where}`),
    ...[...g].filter((n) => !w.has(n)).map((n) => `${n}: in ${where} but not in lib/backend/kernel-table.ts`),
  ];
}

/** The body of the C++ function whose definition starts with `head` (up to its closing brace at column 0). */
function bodyOf(files: Array<[string, string]>, head: RegExp): { file: string; body: string } | null {
  for (const [file, text] of files) {
    const m = head.exec(text);
    if (m) return { file, body: text.slice(m.index, text.indexOf('\n}', m.index)) };
  }
  return null;
}

/** The positions of the op-name arguments the C++ body reads (args.op(position, ...)). */
const opPositions = (body: string): number[] => [...body.matchAll(/args\.op\((\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
const tableOpPositions = (name: KernelName): number[] => KERNELS[name].kinds.flatMap((k, i) => (OP_KINDS.has(k) ? [i] : []));

const PROGRAM_KERNELS = KERNEL_NAMES.filter((n) => !isOptimizerKernel(n));
const OPTIMIZERS = KERNEL_NAMES.filter(isOptimizerKernel);

describe('kernel table', () => {
  test('native/common/exports.h lists every kernel with its argument count', () => {
    const file = 'native/common/exports.h';
    const text = read(file);
    const kernels = macroRows(text, 'MYELIN_KERNELS', file);
    const optimizers = macroRows(text, 'MYELIN_OPTIMIZER_STEPS', file);
    expect(setDifference(kernels.map((r) => r[0]), PROGRAM_KERNELS, `MYELIN_KERNELS in ${file}`)).toEqual([]);
    expect(setDifference(optimizers.map((r) => r[0]), OPTIMIZERS, `MYELIN_OPTIMIZER_STEPS in ${file}`)).toEqual([]);
    const wrong: string[] = [];
    for (const [js, , count] of kernels) {
      const want = KERNELS[js as KernelName]?.kinds.length;
      if (want !== undefined && Number(count) !== want) wrong.push(`${js}: ${count} arguments in MYELIN_KERNELS, ${want} in the table`);
    }
    for (const [js, , count] of optimizers) {
      const want = KERNELS[js as KernelName]?.kinds.length;
      if (want !== undefined && Number(count) !== want) wrong.push(`${js}: ${count} arguments in MYELIN_OPTIMIZER_STEPS, ${want} in the table`);
    }
    expect(wrong).toEqual([]);
  });

  test('both flavours export every kernel once, through MYELIN_SHARED_ENTRIES (cpu programs hold them all)', () => {
    const shared = read('native/common/exports.h');
    for (const list of ['MYELIN_KERNELS(X)', 'MYELIN_OPTIMIZER_STEPS(X)']) {
      expect(`MYELIN_SHARED_ENTRIES includes ${list}: ${/#define MYELIN_SHARED_ENTRIES\(X\)[^#]*/.exec(shared)?.[0].includes(list)}`)
        .toBe(`MYELIN_SHARED_ENTRIES includes ${list}: true`);
    }
    expect(`MYELIN_CPU_KERNELS includes MYELIN_KERNELS(X): ${read('native/cpu/kernel.h').includes('MYELIN_KERNELS(X)')}`)
      .toBe('MYELIN_CPU_KERNELS includes MYELIN_KERNELS(X): true');
    for (const file of ['native/common/addon.cc', 'native/cuda/addon.cc']) {
      const text = read(file);
      expect(`${file} exports MYELIN_SHARED_ENTRIES: ${text.includes('MYELIN_SHARED_ENTRIES(MYELIN_EXPORT_ROW)')}`).toBe(`${file} exports MYELIN_SHARED_ENTRIES: true`);
      const explicit = [...text.matchAll(/\{"(\w+)",\s*myelin::\w+\}/g)].map((m) => m[1]);
      expect(explicit.filter((n) => (KERNEL_NAMES as string[]).includes(n)).map((n) => `${n}: exported twice in ${file}`)).toEqual([]);
    }
  });

  test('the flavours\' other entries are the runner entries of lib/native/addon-types.ts', () => {
    const explicit = (file: string) => [...read(file).matchAll(/\{"(\w+)",\s*myelin::\w+\}/g)].map((m) => m[1]);
    const runners = macroRows(read('native/common/exports.h'), 'MYELIN_SHARED_ENTRIES', 'native/common/exports.h').map((r) => r[0]);
    expect(setDifference([...runners, ...explicit('native/common/addon.cc')], CPU_RUNNER_ENTRIES, 'native/common/addon.cc (CPU_RUNNER_ENTRIES)')).toEqual([]);
    expect(setDifference([...runners, ...explicit('native/cuda/addon.cc')], CUDA_RUNNER_ENTRIES, 'native/cuda/addon.cc (CUDA_RUNNER_ENTRIES)')).toEqual([]);
  });

  test('native/cpu defines a Prepare function for every kernel, reading op names where the table has them', () => {
    const cpu = sources('native/cpu');
    const wrong: string[] = [];
    for (const name of KERNEL_NAMES) {
      const entry = name[0].toUpperCase() + name.slice(1);
      const type = isOptimizerKernel(name) ? 'OptimizerKernel' : 'Kernel';
      const found = bodyOf(cpu, new RegExp(`^${type} Prepare${entry}\\(const Args& args\\) \\{`, 'm'));
      if (found === null) {
        wrong.push(`${name}: no \`${type} Prepare${entry}(const Args& args)\` in native/cpu`);
      } else if (opPositions(found.body).join() !== tableOpPositions(name).join()) {
        wrong.push(`${name}: ${found.file} reads op ids at [${opPositions(found.body)}], the table has op arguments at [${tableOpPositions(name)}]`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('native/cuda defines an entry for every kernel, with the table\'s argument count and op positions', () => {
    const cuda = sources('native/cuda');
    const wrong: string[] = [];
    for (const name of KERNEL_NAMES) {
      const entry = name[0].toUpperCase() + name.slice(1);
      const found = bodyOf(cuda, new RegExp(`^Napi::Value ${entry}\\(const Napi::CallbackInfo& info\\) \\{`, 'm'));
      if (found === null) {
        wrong.push(`${name}: no \`Napi::Value ${entry}(const Napi::CallbackInfo& info)\` in native/cuda`);
        continue;
      }
      const want = KERNELS[name].kinds.length;
      // Every place a cuda source checks this kernel's arguments: Args(info, "name", count), run_now(info, "name", count, ...).
      const counts = cuda.flatMap(([file, text]) => [...text.matchAll(new RegExp(`"${name}",\\s*(\\d+)`, 'g'))].map((m) => [file, Number(m[1])] as const));
      if (counts.length === 0) wrong.push(`${name}: ${found.file} checks no argument count ("${name}", ${want})`);
      for (const [file, count] of counts) if (count !== want) wrong.push(`${name}: ${count} arguments in ${file}, ${want} in the table`);
      if (!isOptimizerKernel(name) && opPositions(found.body).join() !== tableOpPositions(name).join()) {
        wrong.push(`${name}: ${found.file} reads op ids at [${opPositions(found.body)}], the table has op arguments at [${tableOpPositions(name)}]`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('the built cpu addon exports exactly the kernels and its runner entries', () => {
    const addon = loadCpuAddon() as unknown as Record<string, unknown>;
    const functions = Object.keys(addon).filter((k) => typeof addon[k] === 'function');
    expect(setDifference(functions, [...KERNEL_NAMES, ...CPU_RUNNER_ENTRIES], 'the built cpu addon (build/Release/myelin.node)')).toEqual([]);
  });

  test('the reference backend implements every kernel behind its dispatch point', () => {
    const dispatcher = dispatcherOf(createReferenceBackend());
    expect(dispatcher).toBeDefined();
    expect(KERNEL_NAMES.filter((n) => typeof dispatcher!.impl[n] !== 'function').map((n) => `${n}: missing from the reference backend`)).toEqual([]);
  });

  test('every kernel has conformance cases (test/conformance/<family>.test.ts call it)', () => {
    const dir = 'test/conformance';
    const text = fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.test.ts')).map((f) => read(`${dir}/${f}`)).join('\n');
    expect(KERNEL_NAMES.filter((n) => !new RegExp(`\\.${n}\\(`).test(text)).map((n) => `${n}: no conformance case in ${dir}`)).toEqual([]);
  });

  test('kinds are consistent: optimizers update lists in place, op kinds name an id table', () => {
    const wrong: string[] = [];
    for (const name of OPTIMIZERS) {
      const kinds = KERNELS[name].kinds;
      if (kinds.filter((k) => k === 'hyper').length !== 1 || !kinds.includes('inouts')) wrong.push(`${name}: an optimizer step has one hyper buffer and updates lists in place`);
    }
    for (const name of PROGRAM_KERNELS) {
      const kinds = KERNELS[name].kinds;
      if (kinds.includes('hyper') || kinds.includes('ins') || kinds.includes('inouts')) wrong.push(`${name}: lists and hyper buffers belong to optimizer steps`);
      if (!kinds.some((k) => k === 'out' || k === 'inout')) wrong.push(`${name}: writes no buffer`);
    }
    expect(wrong).toEqual([]);
  });
});
