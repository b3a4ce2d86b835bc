/** The Initializer contract and `getInitializer`. */
import { ownValue } from '../own-value';
import { ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { constant, ones, randomNormal, randomUniform, zeros } from './basic';
import { orthogonal } from './orthogonal';
import { glorotNormal, glorotUniform, heNormal, heUniform, lecunNormal, lecunUniform } from './variance-scaling';

/** Makes the initial value of a weight. */
export interface Initializer {
  /** Keras class name ('GlorotUniform', 'Zeros', ...). */
  readonly className: string;
  /** A new tensor of `shape`. */
  init(shape: number[]): Tensor;
  getConfig(): Record<string, unknown>;
}

type Factory = (cfg?: Record<string, unknown>) => Initializer;

const BY_NAME: Record<string, Factory> = {
  glorotUniform: (c) => glorotUniform(c as never),
  glorotNormal: (c) => glorotNormal(c as never),
  heUniform: (c) => heUniform(c as never),
  heNormal: (c) => heNormal(c as never),
  lecunNormal: (c) => lecunNormal(c as never),
  lecunUniform: (c) => lecunUniform(c as never),
  randomNormal: (c) => randomNormal(c as never),
  randomUniform: (c) => randomUniform(c as never),
  zeros: () => zeros(),
  ones: () => ones(),
  constant: (c) => constant(c as never),
  orthogonal: (c) => orthogonal(c as never),
};

/** Keras class names -> factory names. */
const CLASS_NAMES: Record<string, string> = {
  GlorotUniform: 'glorotUniform', GlorotNormal: 'glorotNormal', HeUniform: 'heUniform', HeNormal: 'heNormal',
  LecunNormal: 'lecunNormal', LecunUniform: 'lecunUniform', RandomNormal: 'randomNormal', RandomUniform: 'randomUniform',
  Zeros: 'zeros', Ones: 'ones', Constant: 'constant', Orthogonal: 'orthogonal',
};

function isInitializer(x: unknown): x is Initializer {
  return x !== null && typeof x === 'object' && typeof (x as Initializer).init === 'function';
}

/**
 * An Initializer from a name ('glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'lecunNormal',
 * 'lecunUniform', 'randomNormal', 'randomUniform', 'zeros', 'ones', 'orthogonal'; Keras class names are accepted too),
 * a `{ className, config }` from `getConfig`, or an Initializer (returned as is).
 */
export function getInitializer(id: string | Initializer | { className: string; config?: Record<string, unknown> }): Initializer {
  if (typeof id === 'string') {
    const make = ownValue(BY_NAME, id) ?? ownValue(BY_NAME, ownValue(CLASS_NAMES, id) ?? '');
    if (!make || id === 'constant' || id === 'Constant') {
      throw new ValueError(`getInitializer: id must be one of ${Object.keys(BY_NAME).filter((n) => n !== 'constant').join(', ')}, got ${describe(id)}`);
    }
    return make();
  }
  if (isInitializer(id)) return id;
  if (id !== null && typeof id === 'object' && typeof (id as { className?: unknown }).className === 'string') {
    const spec = id as { className: string; config?: Record<string, unknown> };
    const make = ownValue(BY_NAME, ownValue(CLASS_NAMES, spec.className) ?? spec.className);
    if (!make) throw new ValueError(`getInitializer: className must be one of ${Object.keys(CLASS_NAMES).join(', ')}, got ${describe(spec.className)}`);
    return make(spec.config ?? {});
  }
  throw new ValueError(`getInitializer: id must be a name, an Initializer or { className, config }, got ${describe(id)}`);
}
