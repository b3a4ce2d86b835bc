/** The differentiable ops, re-exported in one place. */
export { tensor, scalar, fill, zeros, ones, zerosLike, onesLike, randomNormal, randomUniform, truncatedNormal } from './creation';
export type { TensorLike, TensorOptions, RandomOptions } from './creation';
export { neg, exp, log, sqrt, square, abs, sign, reciprocal, relu, sigmoid, tanh, leakyRelu, elu, gelu, silu, softplus, mulScalar, addScalar, clipAbs } from './unary';
export { add, sub, mul, div, pow, maximum, minimum, equal, greater } from './binary';
export type { Operand } from './binary';
export { sum, mean, max, min, argmax } from './reduce';
export { softmax, logSoftmax } from './softmax';
export { matmul } from './matmul';
export { roundToDtype } from './cast';
export type { HalfDtype } from './cast';
export { clone, reshape, transpose, broadcastTo, expandDims, squeeze } from './reshape';
export { slice, concat, gather, flatten } from './indexing';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, globalMaxPool } from './pooling';
export type { PoolPadding } from './pooling';
export { pad } from './pad';
export { upSample2dNearest, resample2d, bilinearMatrix } from './up-sampling';
export {
  dense, meanSigmoidCrossEntropy, meanSoftmaxCrossEntropy, sigmoidCrossEntropy, softmaxCrossEntropy, DENSE_ACTIVATIONS,
} from './fused';
export type { DenseActivation } from './fused';
export { conv1d, conv2d } from './conv';
export type { Conv1dOptions, Conv2dOptions } from './conv';
export type { ConvPadding } from './conv-geometry';
export { depthwiseConv2d } from './depthwise-conv';
export { embeddingLookup } from './embedding';
export { layerNorm } from './layer-norm';
export { attentionScores, attentionContext, maskedSoftmax } from './attention';
