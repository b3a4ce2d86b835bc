/** Layers: `my.layers.dense(...)`, `my.layers.dropout(...)`, ... */
export { Layer, type LayerArgs } from './layer';
export { Dense, dense, type DenseArgs, type Identifier } from './dense';
export { Activation, activation, ACTIVATIONS, type ActivationArgs, type ActivationName } from './activation';
export { Dropout, dropout, type DropoutArgs } from './dropout';
export { BatchNormalization, batchNormalization, type BatchNormalizationArgs } from './batch-normalization';
export { Flatten, flatten } from './flatten';
export { Embedding, embedding, type EmbeddingArgs } from './embedding';
export { LayerNormalization, layerNormalization, type LayerNormalizationArgs } from './layer-normalization';
export { Reshape, reshape, type ReshapeArgs } from './reshape';
export { Permute, permute, type PermuteArgs } from './permute';
export { deserializeLayer, registerLayer } from './registry';
