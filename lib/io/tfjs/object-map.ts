/**
 * Initializers and regularizers inside layer configs, between myelin's `{ className, config }` and the
 * TensorFlow.js layers format's `{ class_name, config }`. tfjs writes its default kernel initializer as
 * `VarianceScaling`; it is read as the named initializer with the same scale, mode and distribution.
 */
import { ModelFormatError, describe } from '../../errors';

type Spec = { className: string; config: Record<string, unknown> };

/** myelin initializer class -> tfjs class (the config keys are the same single words: seed, mean, ...). */
const INITIALIZERS_TO_TFJS: Readonly<Record<string, string>> = {
  Zeros: 'Zeros', Ones: 'Ones', Constant: 'Constant', RandomNormal: 'RandomNormal', RandomUniform: 'RandomUniform',
  GlorotUniform: 'GlorotUniform', GlorotNormal: 'GlorotNormal', HeUniform: 'HeUniform', HeNormal: 'HeNormal',
  LecunNormal: 'LeCunNormal', LecunUniform: 'LeCunUniform', Orthogonal: 'Orthogonal',
};

/** The config keys each initializer takes. */
const INITIALIZER_KEYS: Readonly<Record<string, readonly string[]>> = {
  Zeros: [], Ones: [], Constant: ['value'], RandomNormal: ['mean', 'stddev', 'seed'], RandomUniform: ['minval', 'maxval', 'seed'],
  GlorotUniform: ['seed'], GlorotNormal: ['seed'], HeUniform: ['seed'], HeNormal: ['seed'], LecunNormal: ['seed'], LecunUniform: ['seed'],
  Orthogonal: ['gain', 'seed'],
};

/** VarianceScaling(scale, mode, distribution) -> the named initializer ('normal' is the truncated normal). */
const VARIANCE_SCALING: Readonly<Record<string, string>> = {
  '1/fan_avg/uniform': 'GlorotUniform', '1/fan_avg/normal': 'GlorotNormal', '1/fan_avg/truncated_normal': 'GlorotNormal',
  '2/fan_in/uniform': 'HeUniform', '2/fan_in/normal': 'HeNormal', '2/fan_in/truncated_normal': 'HeNormal',
  '1/fan_in/uniform': 'LecunUniform', '1/fan_in/normal': 'LecunNormal', '1/fan_in/truncated_normal': 'LecunNormal',
};

function asSpec(value: unknown, toTfjs: boolean, where: string): Spec {
  const cls = toTfjs ? 'className' : 'class_name';
  const v = value as Record<string, unknown>;
  if (v === null || typeof v !== 'object' || typeof v[cls] !== 'string' || (v.config !== undefined && (v.config === null || typeof v.config !== 'object'))) {
    throw new ModelFormatError(`${where} must be { ${cls}, config }, got ${describe(value)}`);
  }
  return { className: v[cls] as string, config: (v.config ?? {}) as Record<string, unknown> };
}

function pick(config: Record<string, unknown>, keys: readonly string[], where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!keys.includes(k)) throw new ModelFormatError(`${where}: option ${k} is not one myelin has (${keys.join(', ') || 'none'})`);
    if (v !== null && typeof v !== 'number') throw new ModelFormatError(`${where}: ${k} must be a number, got ${describe(v)}`);
    out[k] = v;
  }
  return out;
}

/**
 * An initializer of a layer config in the other format (`toTfjs`: myelin -> tfjs).
 * @throws ModelFormatError naming `where` for an initializer the other side does not have.
 */
export function convertInitializer(value: unknown, toTfjs: boolean, where: string): unknown {
  if (toTfjs) {
    const { className, config } = asSpec(value, true, where);
    const name = Object.hasOwn(INITIALIZERS_TO_TFJS, className) ? INITIALIZERS_TO_TFJS[className] : undefined;
    if (!name) throw new ModelFormatError(`${where}: the initializer ${className} has no TensorFlow.js equivalent`);
    return { class_name: name, config: pick(config, INITIALIZER_KEYS[className], where) };
  }
  const { className, config } = asSpec(value, false, where);
  if (className === 'VarianceScaling') {
    const key = `${config.scale}/${config.mode}/${config.distribution}`;
    const own = Object.hasOwn(VARIANCE_SCALING, key) ? VARIANCE_SCALING[key] : undefined;
    if (!own) throw new ModelFormatError(`${where}: VarianceScaling with scale ${describe(config.scale)}, mode ${describe(config.mode)}, distribution ${describe(config.distribution)} is not an initializer myelin has`);
    return { className: own, config: { seed: config.seed ?? null } };
  }
  const own = Object.entries(INITIALIZERS_TO_TFJS).find(([, tf]) => tf === className)?.[0];
  if (!own) throw new ModelFormatError(`${where}: the initializer ${className} is not one myelin has (${Object.values(INITIALIZERS_TO_TFJS).join(', ')}, VarianceScaling)`);
  return { className: own, config: pick(config, INITIALIZER_KEYS[own], where) };
}

/**
 * A regularizer (or null) of a layer config in the other format: myelin's L1, L2 and L1L2 are all tfjs's
 * `L1L2 { l1, l2 }` (the same penalty, l1 * sum |w| + l2 * sum w^2).
 * @throws ModelFormatError naming `where` for a regularizer the other side does not have.
 */
export function convertRegularizer(value: unknown, toTfjs: boolean, where: string): unknown {
  if (value === null || value === undefined) return null;
  const { className, config } = asSpec(value, toTfjs, where);
  if (!['L1', 'L2', 'L1L2'].includes(className)) throw new ModelFormatError(`${where}: the regularizer ${describe(className)} is not L1, L2 or L1L2`);
  const c = pick(config, ['l1', 'l2'], where);
  const l1 = (c.l1 as number | undefined) ?? 0;
  const l2 = (c.l2 as number | undefined) ?? 0;
  return toTfjs ? { class_name: 'L1L2', config: { l1, l2 } } : { className: 'L1L2', config: { l1, l2 } };
}

/** The config keys of each constraint, myelin's name -> tfjs's name (tfjs's are Keras's snake_case ones). */
const CONSTRAINT_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  MaxNorm: { maxValue: 'max_value', axis: 'axis' },
  NonNeg: {},
  UnitNorm: { axis: 'axis' },
};

/**
 * A weight constraint (or null) of a layer config in the other format: MaxNorm, NonNeg and UnitNorm exist on
 * both sides with the same formulas (Keras's, epsilon 1e-7).
 * @throws ModelFormatError naming `where` for a constraint the other side does not have or an unknown option.
 */
export function convertConstraint(value: unknown, toTfjs: boolean, where: string): unknown {
  if (value === null || value === undefined) return null;
  const { className, config } = asSpec(value, toTfjs, where);
  const keys = Object.hasOwn(CONSTRAINT_KEYS, className) ? CONSTRAINT_KEYS[className] : undefined;
  if (!keys) throw new ModelFormatError(`${where}: the constraint ${describe(className)} is not one both sides have (${Object.keys(CONSTRAINT_KEYS).join(', ')})`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    const own = toTfjs ? k : Object.entries(keys).find(([, tf]) => tf === k)?.[0];
    if (own === undefined || !Object.hasOwn(keys, own)) throw new ModelFormatError(`${where}: option ${k} of ${className} is not one both sides have (${Object.keys(keys).join(', ') || 'none'})`);
    const isAxis = own === 'axis' && (Number.isInteger(v) || (Array.isArray(v) && v.every((a) => Number.isInteger(a))));
    if (!isAxis && !(own === 'maxValue' && typeof v === 'number')) throw new ModelFormatError(`${where}: ${k} of ${className} is not valid: ${describe(v)}`);
    out[toTfjs ? keys[own] : own] = v;
  }
  return toTfjs ? { class_name: className, config: out } : { className, config: out };
}
