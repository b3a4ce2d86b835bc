/**
 * The recording hooks (lib/backend/recorder.ts): installed on a backend object once, so recordings leave its
 * methods alone; a method replaced after that (a spy) is logged once, not once per wrapper; calls a backend
 * method makes on its own backend belong to it; frees during a recording are deferred to `discard`.
 */
import * as my from '../../lib/index';
import { discard, record, replay } from '../../lib/backend/recorder';
import type { Backend } from '../../lib/backend/backend';
import { describeEachBackend } from '../helpers/backends';

describeEachBackend('recorder hooks', () => {
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

  test('a method replaced after the hooks were installed is logged once, and replays', () => {
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

  test('calls a kernel method makes on its own backend are part of it (logged once, replayed by it)', () => {
    const backend = backendOf();
    const out = backend.alloc(3, false);
    const unary = backend.unary;
    // A stand-in unary kernel that works through another kernel method of the same backend.
    backend.unary = (_op: unknown, _x: unknown, o: unknown, n: number) => { backend.fill(o, 7, 0, n); };
    try {
      const { recording } = record(backend, () => backend.unary('relu', out, out, 3, 0));
      expect(recording.calls.map((c) => c.name)).toEqual(['unary']);
      backend.fill(out, 0, 0, 3);
      replay(recording);
      expect(Array.from(backend.download(out))).toEqual([7, 7, 7]);
      discard(recording);
    } finally {
      backend.unary = unary;
      backend.free(out);
    }
    // The restored method is hooked again at the next recording: logged once.
    const again = record(backend, () => my.tidy(() => { my.relu(my.tensor([-1, 2])); }));
    expect(again.recording.calls.filter((c) => c.name === 'unary').length).toBe(1);
    discard(again.recording);
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
