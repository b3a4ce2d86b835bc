/** Inverted dropout and Gaussian noise, drawn by the backend's Philox4x32-10 kernels (lib/backend/philox.ts). */
import { record, retainForGradient } from '../autograd/tape';
import { DROPOUT_STATE_SIZE } from '../backend/philox';
import { ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { mul } from './binary';
import { checkTensor, commonBackend } from './checks';
import { empty } from './creation';

function isUint32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

/** Throws unless `key` is two uint32 words and `state` a counter of DROPOUT_STATE_SIZE values. */
function checkPhilox(key: readonly [number, number], state: Tensor, op: string): void {
  if (!Array.isArray(key) || key.length !== 2 || !isUint32(key[0]) || !isUint32(key[1])) {
    throw new ValueError(`${op}: key must be two integers in [0, 2^32), got ${describe(key)}`);
  }
  if (state.size !== DROPOUT_STATE_SIZE) throw new ValueError(`${op}: state must hold ${DROPOUT_STATE_SIZE} values, got ${state.size}`);
}

/**
 * y = x * mask, mask_i = keep_i / (1 - rate) with keep_i ~ Bernoulli(1 - rate) drawn by Philox4x32-10 under
 * `key` (two uint32 words) at the call counter held in `state` (a tensor of DROPOUT_STATE_SIZE = 4 floats, see
 * lib/backend/philox.ts), which the backend advances by one per call: the same key and state give the same mask
 * on every backend, and a replayed step draws a fresh one. Backward: dx = dy * mask = dy * keep / (1 - rate).
 * @param rate fraction dropped, in [0, 1)
 */
export function philoxDropout(x: Tensor, rate: number, key: readonly [number, number], state: Tensor): Tensor {
  checkTensor(x, 'dropout', 'x');
  checkTensor(state, 'dropout', 'state');
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ValueError(`dropout: rate must be a number in [0, 1), got ${describe(rate)}`);
  checkPhilox(key, state, 'dropout');
  const backend = commonBackend('dropout', x, state);
  const y = empty(x.shape.slice());
  const mask = empty(x.shape.slice());
  backend.dropout(x.storage, y.storage, mask.storage, state.storage, x.size, rate, key[0], key[1]);
  if (record('dropout', [x], y, (dy) => [mul(dy, mask)])) retainForGradient(mask);
  else mask.dispose();
  return y;
}

/**
 * y = x + stddev * z with z_i ~ N(0, 1) drawn by Box-Muller from Philox4x32-10 under `key` at the call counter in
 * `state` (native/common/gaussian_noise.h), which the backend advances by one per call: the same key and state give
 * the same noise on every backend (up to the last bit of the transcendental functions), a replayed step fresh noise.
 * Backward: dx = dy.
 * @param stddev standard deviation, finite and >= 0
 */
export function philoxGaussianNoise(x: Tensor, stddev: number, key: readonly [number, number], state: Tensor): Tensor {
  checkTensor(x, 'gaussianNoise', 'x');
  checkTensor(state, 'gaussianNoise', 'state');
  if (typeof stddev !== 'number' || !Number.isFinite(stddev) || stddev < 0) throw new ValueError(`gaussianNoise: stddev must be a finite number >= 0, got ${describe(stddev)}`);
  checkPhilox(key, state, 'gaussianNoise');
  const backend = commonBackend('gaussianNoise', x, state);
  const y = empty(x.shape.slice());
  backend.gaussianNoise(x.storage, y.storage, state.storage, x.size, stddev, key[0], key[1]);
  record('gaussianNoise', [x], y, (dy) => [dy]);
  return y;
}
