/** Binary elementwise ops with NumPy broadcasting; gradients are summed back over broadcast axes. */
import { record } from '../autograd/tape';
import type { BinaryOp } from '../backend/kernel-ids';
import { broadcastAxes, broadcastShapes, broadcastStrides, shapesEqual } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import { checkTensor, commonBackend } from './checks';
import { empty, scalar } from './creation';
import { reshape } from './reshape';
import { sum } from './reduce';
import { neg, square, log } from './unary';

/** A tensor, or a number that is treated as a scalar tensor. */
export type Operand = Tensor | number;

function operand(x: Operand, op: string, arg: string): Tensor {
  return typeof x === 'number' ? scalar(x) : checkTensor(x, op, arg);
}

const UNIT_STRIDE = [1];

/** @internal The forward kernel without gradient recording. */
export function binaryForward(op: BinaryOp, a: Tensor, b: Tensor, name: string): Tensor {
  const backend = commonBackend(name, a, b);
  if (shapesEqual(a.shape, b.shape)) {
    const out = empty(a.shape);
    if (out.size > 0) backend.binary(op, a.storage, UNIT_STRIDE, b.storage, UNIT_STRIDE, out.storage, [out.size]);
    return out;
  }
  const shape = broadcastShapes(a.shape, b.shape, name);
  const out = empty(shape);
  if (out.size > 0) {
    backend.binary(op, a.storage, broadcastStrides(a.shape, shape), b.storage, broadcastStrides(b.shape, shape), out.storage, shape);
  }
  return out;
}

/** Sums `dy` over the axes along which `shape` was broadcast, giving a tensor of `shape`. */
export function unbroadcast(dy: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  const axes = broadcastAxes(shape, dy.shape);
  const summed = axes.length > 0 ? sum(dy, axes) : dy;
  return reshape(summed, shape.slice());
}

type Rule = (a: Tensor, b: Tensor, y: Tensor, dy: Tensor) => [Tensor | null, Tensor | null];

function binary(op: BinaryOp, x: Operand, z: Operand, name: string, rule: Rule | null): Tensor {
  const a = operand(x, name, 'a');
  const b = operand(z, name, 'b');
  const y = binaryForward(op, a, b, name);
  if (rule) {
    record(name, [a, b], y, (dy) => {
      const [da, db] = rule(a, b, y, dy);
      return [da && unbroadcast(da, a.shape), db && unbroadcast(db, b.shape)];
    });
  }
  return y;
}

/** a + b */
export const add = (a: Operand, b: Operand): Tensor => binary('add', a, b, 'add', (_a, _b, _y, dy) => [dy, dy]);
/** a - b */
export const sub = (a: Operand, b: Operand): Tensor => binary('sub', a, b, 'sub', (_a, _b, _y, dy) => [dy, neg(dy)]);
/** a * b (elementwise) */
export const mul = (a: Operand, b: Operand): Tensor => binary('mul', a, b, 'mul', (a_, b_, _y, dy) => [mul(dy, b_), mul(dy, a_)]);
/** a / b; d/da = 1/b, d/db = -a/b^2 */
export const div = (a: Operand, b: Operand): Tensor =>
  binary('div', a, b, 'div', (a_, b_, _y, dy) => [div(dy, b_), neg(div(mul(dy, a_), square(b_)))]);
/** a ^ b elementwise; d/da = b a^(b-1), d/db = a^b ln a */
export const pow = (a: Operand, b: Operand): Tensor =>
  binary('pow', a, b, 'pow', (a_, b_, y, dy) => [mul(dy, mul(b_, pow(a_, sub(b_, 1)))), mul(dy, mul(y, log(a_)))]);
/** max(a, b) elementwise; the gradient goes to a where a >= b, else to b. */
export const maximum = (a: Operand, b: Operand): Tensor =>
  binary('maximum', a, b, 'maximum', (a_, b_, _y, dy) => {
    const toB = greater(b_, a_);
    return [mul(dy, sub(1, toB)), mul(dy, toB)];
  });
/** min(a, b) elementwise; the gradient goes to a where a <= b, else to b. */
export const minimum = (a: Operand, b: Operand): Tensor =>
  binary('minimum', a, b, 'minimum', (a_, b_, _y, dy) => {
    const toB = greater(a_, b_);
    return [mul(dy, sub(1, toB)), mul(dy, toB)];
  });
/** 1 where a == b, else 0 (no gradient). */
export const equal = (a: Operand, b: Operand): Tensor => binary('equal', a, b, 'equal', null);
/** 1 where a > b, else 0 (no gradient). */
export const greater = (a: Operand, b: Operand): Tensor => binary('greater', a, b, 'greater', null);

