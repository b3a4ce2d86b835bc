/**
 * The long kill-while-saving run of issue 19: N trials (default 200) of SIGKILL at a random instant while a
 * child process replaces a saved model folder; every trial must leave the folder loadable as the old or the
 * new model. Run: npx tsc -p tsconfig.json && node dist/benchmarks/save-crash-trials.js [trials] [maxDelayMs]
 */
import * as path from 'path';
import { runSaveCrashTrials } from './save-crash/trials';

async function main(): Promise<void> {
  const trials = Number(process.argv[2] ?? 200);
  const maxDelayMs = Number(process.argv[3] ?? 60);
  const res = await runSaveCrashTrials({
    trials,
    maxDelayMs,
    atomicFolderModule: path.join(__dirname, '../lib/io/atomic-folder.js'),
    onTrial: (i, outcome) => { if ((i + 1) % 20 === 0 || outcome.length > 1) console.log(`trial ${i + 1}/${trials}: ${outcome}`); },
  });
  console.log(`${res.loadable}/${res.trials} loadable (old model ${res.loadedA}, new ${res.loadedB}), ${res.failures.length} failures, ` +
    `${res.leftovers} trials left a sibling folder that the next save removed; ${(res.wallMs / 1000).toFixed(1)} s`);
  for (const f of res.failures) console.log(`  ${f}`);
  process.exitCode = res.failures.length === 0 ? 0 : 1;
}

void main();
