/** Layers: `my.layers.dense(...)`, `my.layers.dropout(...)`, ... */
export { Layer, type LayerArgs } from './layer';
export { Dense, dense, type DenseArgs, type Identifier } from './dense';
export { Activation, activation, ACTIVATIONS, type ActivationArgs, type ActivationName } from './activation';
export { Dropout, dropout, type DropoutArgs } from './dropout';
export { BatchNormalization, batchNormalization, type BatchNormalizationArgs } from './batch-normalization';
export { Flatten, flatten } from './flatten';
export { Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Merge, concatenate, add, subtract, multiply, average, maximum, minimum, type ConcatenateArgs } from './merge';
export { InputLayer, type InputArgs } from './input-layer';
export { deserializeLayer, registerLayer } from './registry';
