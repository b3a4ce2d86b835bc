/**
 * examples/embedding-anes96.ts on the real ANES 1996 data (shared data folder): the embedding of the categorical
 * codes learns to predict the vote well above the majority class, as well as the one-hot baseline does (within 3
 * points), in a short run.
 */
import * as fs from 'fs';
import * as my from '../../lib/index';
import { anes96Path, loadAnes96, runAnes96 } from '../../examples/embedding-anes96';

describe('embedding on anes96 (real categorical data)', () => {
  beforeAll(() => my.setBackend('cpu'));
  afterAll(() => my.setBackend('reference'));

  test('the data set is there and reads as 944 voters with ids in the shared vocabulary', () => {
    expect(fs.existsSync(anes96Path())).toBe(true);
    const { ids, vote } = loadAnes96();
    expect(ids.shape).toEqual([944, 3]);
    expect(vote.shape).toEqual([944, 1]);
  });

  test('the embedding model beats the majority class by a wide margin and matches the one-hot baseline', async () => {
    const r = await runAnes96({ epochs: 30, learningRate: 1e-2 });
    expect(r.test).toBe(189);
    expect(r.embedding).toBeGreaterThanOrEqual(0.85);
    expect(r.embedding).toBeGreaterThan(r.majority + 0.2);
    expect(r.embedding).toBeGreaterThanOrEqual(r.oneHot - 0.03);
  }, 60_000);
});
