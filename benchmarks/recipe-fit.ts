/**
 * Times the reference recipe (benchmarks/recipe.ts) on the native backend: the median of `--repeats` fits
 * (seed 0) per data set, with the test accuracy, as JSON lines. The PyTorch counterpart is
 * benchmarks/python/recipe_fit.py (same split, same recipe); run both in the same session to compare.
 *
 * Usage: node dist/benchmarks/recipe-fit.js [--datasets iris,wine,breast_cancer,digits] [--repeats 3]
 *        [--split sklearn|myelin] [--write-splits file.json]
 */
import * as fs from 'fs';
import * as my from '../lib/index';
import { REFERENCE_ACCURACY, runRecipe, type RecipeDataset } from './recipe';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const datasets = option('datasets', Object.keys(REFERENCE_ACCURACY).join(',')).split(',') as RecipeDataset[];
  const repeats = Number(option('repeats', '3'));
  const split = option('split', 'sklearn') as 'sklearn' | 'myelin';
  const splitsFile = option('write-splits', '');
  const info = my.backendInfo();
  const splits: Record<string, { train: number[]; test: number[] }> = {};
  for (const dataset of datasets) {
    const times: number[] = [];
    let accuracy = 0;
    for (let r = 0; r < repeats; r++) {
      const result = await runRecipe(dataset, { seed: 0, split });
      times.push(result.fitSeconds);
      accuracy = result.accuracy;
      splits[dataset] = { train: result.trainIndices, test: result.testIndices };
    }
    const sorted = times.slice().sort((a, b) => a - b);
    console.log(JSON.stringify({
      dataset, framework: `myelin ${info.backend}${info.blas ? ` (${info.blas.library})` : ''}`, threads: info.threads ?? 1,
      accuracy: Number(accuracy.toFixed(4)), reference: REFERENCE_ACCURACY[dataset],
      fit_seconds_median: Number(sorted[Math.floor(sorted.length / 2)].toFixed(3)), fit_seconds: times.map((t) => Number(t.toFixed(3))),
    }));
  }
  if (splitsFile !== '') fs.writeFileSync(splitsFile, JSON.stringify(splits));
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
