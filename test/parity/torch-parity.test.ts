/**
 * Optimizer parity with PyTorch (short version of `npm run bench -- --parity`): the same 10-16-3 MLP,
 * initial weights and batches trained by myelin and by torch.optim with SGD, SGD + momentum, Adam,
 * Adagrad and RMSprop; losses must agree within 1e-4 relative at every step and final weights within 1e-4.
 *
 * Needs /usr/bin/python3 with torch (CI installs python3-torch). Without it the test FAILS with the
 * install instruction, unless MYELIN_SKIP_TORCH_PARITY=1 is set explicitly.
 */
import { runParity } from '../../benchmarks/parity/cli';
import { PARITY_OPTIMIZERS } from '../../benchmarks/parity/problem';
import { torchAvailable } from '../../benchmarks/parity/sides';

const torch = torchAvailable();
const skip = process.env.MYELIN_SKIP_TORCH_PARITY === '1';

describe('optimizer parity with PyTorch', () => {
  if (!torch.ok && skip) {
    test('is skipped on request (MYELIN_SKIP_TORCH_PARITY=1)', () => {
      console.warn(`torch parity NOT checked: ${torch.message}`);
      expect(skip).toBe(true);
    });
    return;
  }

  test('PyTorch is importable', () => {
    if (!torch.ok) {
      throw new Error(`PyTorch parity cannot run: ${torch.message} Set MYELIN_SKIP_TORCH_PARITY=1 to skip this check explicitly.`);
    }
    expect(torch.ok).toBe(true);
  });

  const run = torch.ok ? runParity(30) : null;

  test.each(PARITY_OPTIMIZERS.map((o) => o.name))('%s: losses within 1e-4 relative at every step, final weights within 1e-4', async (name) => {
    if (!run) throw new Error(`PyTorch parity cannot run: ${torch.message}`);
    const { rows } = await run;
    const row = rows.find((r) => r.optimizer === name);
    expect(row).toBeDefined();
    expect(row!.steps).toBe(30);
    expect(row!.maxLossRelDiff).toBeLessThanOrEqual(1e-4);
    expect(row!.maxWeightDiff).toBeLessThanOrEqual(1e-4);
    // The run trained: the last loss is below the first.
    expect(row!.lastLoss).toBeLessThan(row!.firstLoss);
  }, 120_000);
});
