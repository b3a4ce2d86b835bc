/** The TensorFlow.js layers format: `exportTfjs` / `toTfjsArtifacts` write it, `importTfjs` reads it. */
export { exportTfjs, toTfjsArtifacts, TFJS_SHARD } from './export-tfjs';
export type { TfjsArtifacts, TfjsModelJSON } from './export-tfjs';
export { importTfjs } from './import-tfjs';
export type { TfjsArtifactsInput } from './import-tfjs';
export type { TfjsTopology } from './topology';
export type { TfjsWeightSpec, TfjsManifestGroup } from './tfjs-weights';
