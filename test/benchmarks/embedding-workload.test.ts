/**
 * The embedding-bag benchmark workload: its spec is the model, prepare.ts writes ids that an embedding of
 * the vocabulary accepts with balanced labels and the table, and only myelin and PyTorch peers take part. No speed is
 * asserted here (the figures come from `npm run bench -- --only=embedding-bag`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readNpy } from '../../benchmarks/npy';
import { peerRuns, type Peer } from '../../benchmarks/peers';
import { prepareWorkload } from '../../benchmarks/prepare';
import { layerSizes, workloads } from '../../benchmarks/workloads';

const spec = workloads({ quick: true, gpu: false }).find((w) => w.name === 'embedding-bag');

describe('embedding-bag workload', () => {
  test('is the issue model: bags of 64 ids of a 20000 vocabulary, 32-dim, dense 64 relu -> 2, batch 64', () => {
    expect(spec).toBeDefined();
    expect(spec!.embedding).toEqual({ vocab: 20000, dim: 32 });
    expect(spec!.inputDim).toBe(64);
    expect(spec!.batchSize).toBe(64);
    expect(layerSizes(spec!)).toEqual([32, 64, 2]);
  });

  test('prepare writes integer ids in the vocabulary, labels of both classes and the table', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-bench-emb-'));
    const written = prepareWorkload({ ...spec!, samples: 500 }, root);
    const x = readNpy(path.join(written.dataDir as string, 'x_train.npy'));
    const y = readNpy(path.join(written.dataDir as string, 'y_train.npy'));
    const e = readNpy(path.join(written.dataDir as string, 'e.npy'));
    expect(x.shape).toEqual([500, 64]);
    expect(Array.from(x.data).every((v) => Number.isInteger(v) && v >= 0 && v < 20000)).toBe(true);
    const ones = Array.from(y.data).filter((v) => v === 1).length;
    expect(ones).toBeGreaterThan(150);
    expect(ones).toBeLessThan(350);
    expect(e.shape).toEqual([20000, 32]);
    expect(Array.from(e.data).every((v) => Math.abs(v) <= 0.05)).toBe(true);
    expect(fs.existsSync(path.join(written.dataDir as string, 'w0.npy'))).toBe(true);
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('only myelin and PyTorch peers run it', () => {
    const peer = (group: string): Peer => ({ id: group, label: group, group, gpu: false, command: () => ({ cmd: 'x', args: [] }) });
    expect(['myelin', 'pytorch', 'pytorch2'].map((g) => peerRuns(peer(g), spec!))).toEqual([true, true, true]);
    expect(['numpy', 'tfjs-cpu', 'brainjs'].map((g) => peerRuns(peer(g), spec!))).toEqual([false, false, false]);
  });
});
