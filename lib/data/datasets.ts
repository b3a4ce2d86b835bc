/** loadDataset: the small real data sets shipped in the package's data/ folder. */
import * as fs from 'fs';
import * as path from 'path';
import { ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { readCsv } from './csv';

/** Names accepted by {@link loadDataset}. */
export const DATASET_NAMES = ['iris', 'wine', 'breast_cancer', 'digits', 'diabetes'] as const;
/** One of {@link DATASET_NAMES}. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** A loaded data set. */
export interface Dataset {
  /** Features, [samples, features]. */
  x: Tensor;
  /** Class indices (classification) or the regression target, [samples]. */
  y: Tensor;
  /** Class names for classification sets, null for regression (diabetes). */
  classNames: string[] | null;
  /** 'classification' or 'regression'. */
  task: 'classification' | 'regression';
}

const FILES: Record<DatasetName, string> = {
  iris: 'iris.csv', wine: 'wine_data.csv', breast_cancer: 'breast_cancer.csv', digits: 'digits.csv.gz', diabetes: 'diabetes_data_raw.csv.gz',
};

/** The data/ folder of the package, from the sources (lib/data) or the build (dist/lib/data). */
export function dataDirectory(): string {
  for (const up of ['../../data', '../../../data']) {
    const dir = path.resolve(__dirname, up);
    if (fs.existsSync(path.join(dir, FILES.iris))) return dir;
  }
  throw new ValueError(`loadDataset: the data/ folder of myelin was not found next to ${__dirname}; reinstall the package`);
}

/**
 * Loads a shipped data set: iris (150 x 4, 3 classes), wine (178 x 13, 3 classes), breast_cancer
 * (569 x 30, 0 = malignant, 1 = benign), digits (1797 x 64 pixels 0..16, 10 classes), diabetes
 * (442 x 10 raw features, regression target). Sources and licences: data/README.md.
 */
export function loadDataset(name: DatasetName): Dataset {
  if (!DATASET_NAMES.includes(name)) throw new ValueError(`loadDataset: name must be one of ${DATASET_NAMES.join(', ')}, got ${describe(name)}`);
  const dir = dataDirectory();
  if (name === 'diabetes') {
    const features = readCsv(path.join(dir, FILES.diabetes), { header: false, delimiter: ' ' });
    const target = readCsv(path.join(dir, 'diabetes_target.csv.gz'), { header: false, delimiter: ' ', target: 0 });
    features.y?.dispose();
    target.x.dispose();
    return { x: features.x, y: target.y!, classNames: null, task: 'regression' };
  }
  const table = readCsv(path.join(dir, FILES[name]), { target: -1 });
  const classNames = table.classNames ?? (name === 'digits' ? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] : null);
  return { x: table.x, y: table.y!, classNames, task: 'classification' };
}
