/** The FinalizationRegistry safety net: tensors nobody disposed are released once JS collects them. */
import * as v8 from 'v8';
import * as vm from 'vm';
import * as my from '../../lib/index';

v8.setFlagsFromString('--expose_gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

beforeAll(() => { my.setBackend('cpu'); });

function forget(count: number): void {
  for (let i = 0; i < count; i++) my.add(my.ones([256]), 1); // three tensors each (ones, the scalar 1, the sum), never disposed
}

test('forgotten tensors are released after garbage collection (counts and bytes return)', async () => {
  const before = my.memory();
  forget(50);
  expect(my.memory().numTensors).toBe(before.numTensors + 150);
  // Let the nursery hand the survivors to the registry, then collect until the finalizers have run.
  for (let round = 0; round < 50 && my.memory().numTensors > before.numTensors; round++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    collectGarbage();
  }
  expect(my.memory().numTensors).toBe(before.numTensors);
  expect(my.memory().numBytes).toBe(before.numBytes);
});
