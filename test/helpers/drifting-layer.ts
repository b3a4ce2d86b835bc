/** A custom layer whose step depends on JavaScript state, for the tests of step replay and its refusals. */
import * as my from '../../lib/index';

/** Scales its input by a number that grows every call: two recordings of its step never agree. */
export class Drifting extends my.layers.Layer {
  readonly className = 'Drifting';
  private calls = 0;
  constructor() { super({}, 'Drifting'); }
  call(x: my.Tensor): my.Tensor { this.calls++; return my.mul(x, 1 + this.calls / 100); }
  computeOutputShape(s: number[]): number[] { return s; }
}
