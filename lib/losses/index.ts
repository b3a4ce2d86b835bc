/** Loss functions (Keras semantics). */
export type { Loss, LossFunction } from './loss';
export { getLoss } from './loss';
export { meanSquaredError, meanAbsoluteError, huber } from './regression';
export { klDivergence, poisson } from './probabilistic';
export { hinge, squaredHinge } from './hinge';
export { cosineSimilarity, logCosh } from './similarity';
export type { HuberOptions } from './regression';
export { binaryCrossentropy } from './binary-crossentropy';
export type { BinaryCrossentropyOptions } from './binary-crossentropy';
export { categoricalCrossentropy, sparseCategoricalCrossentropy } from './categorical-crossentropy';
export type { CategoricalCrossentropyOptions, SparseCategoricalCrossentropyOptions } from './categorical-crossentropy';
