/** Layers: `my.layers.dense(...)`, `my.layers.dropout(...)`, ... */
export { Layer, type LayerArgs } from './layer';
export { Dense, dense, type DenseArgs, type Identifier } from './dense';
export { Activation, activation, ACTIVATIONS, type ActivationArgs, type ActivationName } from './activation';
export { Dropout, dropout, type DropoutArgs } from './dropout';
export { BatchNormalization, batchNormalization, type BatchNormalizationArgs } from './batch-normalization';
export { Flatten, flatten } from './flatten';
export { Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Merge, concatenate, add, subtract, multiply, average, maximum, minimum, type ConcatenateArgs } from './merge';
export { InputLayer, type InputArgs } from './input-layer';
export { Conv, Conv1D, Conv2D, conv1d, conv2d, type ConvArgs } from './conv';
export { DepthwiseConv2D, depthwiseConv2d, type DepthwiseConv2DArgs } from './depthwise-conv';
export {
  Pooling, MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D, maxPooling1d, maxPooling2d, averagePooling1d, averagePooling2d,
  type PoolingArgs,
} from './pooling';
export { Embedding, embedding, type EmbeddingArgs } from './embedding';
export { LayerNormalization, layerNormalization, type LayerNormalizationArgs } from './layer-normalization';
export {
  MultiHeadAttention, multiHeadAttention, type MultiHeadAttentionArgs, type MultiHeadAttentionCallOptions,
} from './multi-head-attention';
export { TimeDistributed, timeDistributed, type TimeDistributedArgs } from './time-distributed';
export { RecurrentLayer, type RecurrentArgs } from './recurrent';
export { LSTM, lstm, type LSTMArgs } from './lstm';
export { Bidirectional, bidirectional, type BidirectionalArgs, type MergeMode } from './bidirectional';
export { Masking, masking, type MaskingArgs } from './masking';
export { GRU, gru, type GRUArgs } from './gru';
export { SimpleRNN, simpleRnn, type SimpleRNNArgs } from './simple-rnn';
export { PositionEmbedding, positionEmbedding, type PositionEmbeddingArgs } from './position-embedding';
export { Reshape, reshape, type ReshapeArgs } from './reshape';
export { Permute, permute, type PermuteArgs } from './permute';
export {
  GlobalPooling, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
  globalAveragePooling1d, globalAveragePooling2d, globalMaxPooling1d, globalMaxPooling2d,
} from './global-pooling';
export { ZeroPadding2D, zeroPadding2d, type ZeroPadding2DArgs } from './zero-padding';
export { UpSampling2D, upSampling2d, type UpSampling2DArgs } from './up-sampling';
export { SpatialDropout1D, SpatialDropout2D, spatialDropout1d, spatialDropout2d } from './spatial-dropout';
export { GaussianNoise, gaussianNoise, type GaussianNoiseArgs } from './gaussian-noise';
export { LeakyReLU, leakyRelu, type LeakyReLUArgs } from './leaky-relu';
export { deserializeLayer, registerLayer, layerClassNames } from './registry';
