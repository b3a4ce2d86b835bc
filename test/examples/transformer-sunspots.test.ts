/**
 * examples/transformer-sunspots.ts on the real yearly sunspot numbers: the transformer forecaster's test mean
 * absolute error is close to the one PyTorch reaches with the same model and split (benchmarks/python/
 * sunspots_torch.py, nn.TransformerEncoderLayer, Debian's PyTorch 1.13: 16.60, 17.49, 15.72 for seeds 0-2, mean
 * 16.60) and well below the persistence baseline (25.45).
 */
import * as my from '../../lib/index';
import { loadSunspots, runSunspots } from '../../examples/transformer-sunspots';

describe('transformer forecaster on sunspots (real time series)', () => {
  beforeAll(() => my.setBackend('cpu'));
  afterAll(() => my.setBackend('reference'));

  test('the series reads as 309 years', () => {
    expect(loadSunspots().length).toBe(309);
  });

  test('test MAE within 15% of PyTorch\'s mean (16.60) and below persistence', async () => {
    const r = await runSunspots({ epochs: 150, seed: 0 });
    expect([r.train, r.test]).toEqual([234, 59]);
    expect(r.persistence).toBeCloseTo(25.45, 1);
    expect(r.mae).toBeLessThan(16.60 * 1.15);
    expect(r.mae).toBeLessThan(r.persistence * 0.8);
  }, 300_000);
});
