/**
 * The recorder (lib/backend/recorder.ts) as a listener on the backend's dispatch point (lib/backend/dispatch.ts):
 * recordings leave the backend's methods alone; a method replaced by a spy is logged once; calls a kernel
 * implementation makes on its own backend belong to it; frees during a recording are deferred to `discard`.
 */
import * as my from '../../lib/index';
import { CaptureRefused, capture, discard, record, replay } from '../../lib/backend/recorder';
import { dispatcherOf, withDispatch } from '../../lib/backend/dispatch';
import type { Backend } from '../../lib/backend/backend';
import { describeEachBackend } from '../helpers/backends';

describeEachBackend('recorder', () => {
  const backendOf = () => my.tensor([0]).backend as Backend & Record<string, unknown>;

  test('later recordings leave the backend methods as they are', () => {
    const backend = backendOf();
    discard(record(backend, () => my.tidy(() => { my.add(my.tensor([1, 2]), 1); })).recording);
    const methods = ['gemm', 'unary', 'alloc', 'free', 'upload'].map((m) => backend[m]);
    const { recording } = record(backend, () => my.tidy(() => { my.add(my.tensor([1, 2]), 1); }));
    expect(['gemm', 'unary', 'alloc', 'free', 'upload'].map((m) => backend[m])).toEqual(methods);
    expect(recording.calls.length).toBeGreaterThan(0);
    discard(recording);
  });

  test('a method replaced by a spy is logged once, and replays', () => {
    const backend = backendOf();
    discard(record(backend, () => 0).recording);
    const spy = jest.spyOn(backend, 'fill');
    try {
      const out = backend.alloc(4, false);
      const { recording } = record(backend, () => backend.fill(out, 3, 0, 4));
      expect(recording.calls.map((c) => c.name)).toEqual(['fill']);
      backend.fill(out, 0, 0, 4);
      replay(recording);
      expect(Array.from(backend.download(out))).toEqual([3, 3, 3, 3]);
      discard(recording);
      backend.free(out);
    } finally {
      spy.mockRestore();
    }
  });

  test('calls a kernel implementation makes on its own backend are part of it (logged once, replayed by it)', () => {
    const base = backendOf();
    // A backend whose unary kernel works through another kernel (fill) of the same dispatched backend.
    const backend: Backend = withDispatch<unknown>({
      ...base,
      unary: (_op: unknown, _x: unknown, o: unknown, n: number) => { backend.fill(o, 7, 0, n); },
    });
    const out = backend.alloc(3, false);
    const { recording } = record(backend, () => backend.unary('relu', out, out, 3, 0));
    expect(recording.calls.map((c) => c.name)).toEqual(['unary']);
    backend.fill(out, 0, 0, 3);
    replay(recording);
    expect(Array.from(backend.download(out))).toEqual([7, 7, 7]);
    discard(recording);
    backend.free(out);
  });

  test('recording is a listener on the dispatch point: it comes and goes without touching the backend', () => {
    const backend = backendOf();
    const dispatcher = dispatcherOf(backend)!;
    expect(dispatcher).toBeDefined();
    const listeners = dispatcher.listeners.length;
    const own = Object.keys(backend).map((k) => backend[k]);
    const { recording } = record(backend, () => {
      expect(dispatcher.listeners.length).toBe(listeners + 1);
      my.tidy(() => { my.relu(my.tensor([-1, 2])); });
    });
    expect(dispatcher.listeners.length).toBe(listeners);
    expect(Object.keys(backend).map((k) => backend[k])).toEqual(own);
    expect(recording.calls.filter((c) => c.name === 'unary').length).toBe(1);
    discard(recording);
  });

  test('a backend without a dispatch point cannot be recorded, and withDispatch names a missing kernel', () => {
    const plain = { ...backendOf() } as Backend;
    expect(() => record(plain, () => 0)).toThrow(/has no dispatch point/);
    const { softmaxGrad: _omitted, ...partial } = backendOf();
    expect(() => withDispatch(partial as unknown as Backend)).toThrow(/implements no softmaxGrad/);
  });

  test('capture logs kernel calls without running them; replaying the capture computes what the code computes', () => {
    const backend = backendOf();
    const a = my.tensor([1, -2, 3]);
    const { result, recording } = capture(backend, () => my.tidy(() => my.relu(my.add(a, 1))));
    const out = result as my.Tensor;
    try {
      expect(recording.calls.length).toBeGreaterThan(0);
      // Nothing ran yet: the output buffer holds whatever alloc gave; replaying computes relu(a + 1).
      replay(recording);
      expect(Array.from(out.dataSync())).toEqual([2, 0, 4]);
    } finally {
      out.dispose();
      discard(recording);
      a.dispose();
    }
  });

  test('a capture that reads a value back is refused, and keeps no buffer', () => {
    const backend = backendOf();
    const before = my.memory().numTensors;
    expect(() => capture(backend, () => my.tidy(() => { my.add(my.tensor([1, 2]), 1).dataSync(); }))).toThrow(CaptureRefused);
    expect(my.memory().numTensors).toBe(before);
    // The backend runs kernels again afterwards.
    expect(Array.from(my.tidy(() => my.add(my.tensor([1, 2]), 1).dataSync()))).toEqual([2, 3]);
  });

  test('buffers freed while recording stay allocated until the recording is discarded', () => {
    const backend = backendOf();
    const freed: unknown[] = [];
    const { recording } = record(backend, () => my.tidy(() => { my.mul(my.add(my.tensor([1, 2, 3]), 1), 2); }));
    expect(recording.retained.length).toBeGreaterThan(0);
    const free = backend.free;
    backend.free = (buf: unknown) => { freed.push(buf); free.call(backend, buf); };
    try {
      replay(recording);  // the retained buffers are still usable
      discard(recording);
      expect(freed.length).toBeGreaterThan(0);
    } finally {
      backend.free = free;
    }
  });
});
