/**
 * Dtype policies, as Keras's `keras.mixed_precision`: a policy names the dtype a layer computes in and the dtype of
 * its variables. myelin keeps every tensor in float32; under a mixed policy the layers that multiply (dense,
 * convolutions) round the operands of their matmul / convolution to the compute dtype (round to nearest even, the
 * `roundToDtype` op) and accumulate in float32, as a GPU's bf16/fp16 GEMM does. Variables stay float32 (master
 * weights) and the outputs of a layer are float32, so the last layer's outputs and the losses are float32.
 */
import { ValueError, describe } from '../errors';
import type { HalfDtype } from '../ops/cast';

/** The policy names: 'float32' (the default), 'mixed_bfloat16' and 'mixed_float16'. */
export type PolicyName = 'float32' | 'mixed_bfloat16' | 'mixed_float16';

/** The dtype a policy computes in. */
export type ComputeDtype = 'float32' | HalfDtype;

const COMPUTE: Record<PolicyName, ComputeDtype> = { float32: 'float32', mixed_bfloat16: 'bfloat16', mixed_float16: 'float16' };

/** Every policy name. */
export const POLICY_NAMES = Object.keys(COMPUTE) as PolicyName[];

/**
 * A dtype policy: `new Policy('mixed_bfloat16')` computes in bfloat16 with float32 variables. `computeDtype` is
 * 'float32', 'bfloat16' or 'float16'; `variableDtype` is always 'float32'.
 */
export class Policy {
  /** The policy's name ('float32', 'mixed_bfloat16', 'mixed_float16'). */
  readonly name: PolicyName;
  /** The dtype the layer's matmul / convolution operands are rounded to. */
  readonly computeDtype: ComputeDtype;
  /** The dtype of the layer's variables: float32 (master weights). */
  readonly variableDtype = 'float32' as const;

  /** Throws a ValueError naming the valid names when `name` is not one. */
  constructor(name: PolicyName) {
    if (typeof name !== 'string' || !POLICY_NAMES.includes(name)) {
      throw new ValueError(`Policy: unknown dtype policy ${describe(name)}; use one of ${POLICY_NAMES.map((n) => `'${n}'`).join(', ')}`);
    }
    this.name = name;
    this.computeDtype = COMPUTE[name];
  }

  /** True when the policy computes in a 16-bit type. */
  get mixed(): boolean {
    return this.computeDtype !== 'float32';
  }

  /** Keras's config of a policy: `{ name }`. */
  getConfig(): { name: PolicyName } {
    return { name: this.name };
  }
}

/** What a `dtype` option or `setGlobalPolicy` takes: a name, a Policy, `{ computeDtype, variableDtype }` or `{ name }`. */
export type PolicySpec = PolicyName | Policy | { computeDtype: ComputeDtype; variableDtype?: 'float32' } | { name: PolicyName };

/**
 * The policy `value` names: a Policy as is, a policy name, or `{ computeDtype, variableDtype }` (variableDtype
 * 'float32'; computeDtype 'float32', 'bfloat16' or 'float16'), or a `{ name }` config. `owner` names the caller in
 * errors.
 */
export function toPolicy(value: unknown, owner: string): Policy {
  if (value instanceof Policy) return value;
  if (typeof value === 'string') return policyOrError(value, owner);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.name === 'string' && Object.keys(o).length === 1) return policyOrError(o.name, owner);
    const keys = Object.keys(o).filter((k) => k !== 'computeDtype' && k !== 'variableDtype');
    if (keys.length > 0) throw new ValueError(`${owner}: a dtype policy object takes computeDtype and variableDtype, got the key '${keys[0]}'`);
    if (o.variableDtype !== undefined && o.variableDtype !== 'float32') {
      throw new ValueError(`${owner}: variableDtype must be 'float32' (variables are float32 master weights), got ${describe(o.variableDtype)}`);
    }
    const name = POLICY_NAMES.find((n) => COMPUTE[n] === o.computeDtype);
    if (name === undefined) {
      throw new ValueError(`${owner}: computeDtype must be 'float32', 'bfloat16' or 'float16', got ${describe(o.computeDtype)}`);
    }
    return new Policy(name);
  }
  throw new ValueError(`${owner}: dtype must be a policy name (${POLICY_NAMES.map((n) => `'${n}'`).join(', ')}), a Policy or ` +
    `{ computeDtype, variableDtype }, got ${describe(value)}`);
}

function policyOrError(name: string, owner: string): Policy {
  if (!(POLICY_NAMES as string[]).includes(name)) {
    throw new ValueError(`${owner}: unknown dtype policy ${describe(name)}; use one of ${POLICY_NAMES.map((n) => `'${n}'`).join(', ')}`);
  }
  return new Policy(name as PolicyName);
}

let globalPolicy = new Policy('float32');

/**
 * Sets the policy of the layers created from now on (those given no `dtype`), as Keras's
 * `set_global_policy`: 'float32' (default), 'mixed_bfloat16' or 'mixed_float16', a Policy or
 * `{ computeDtype, variableDtype }`. Layers made before keep theirs. Unknown names are a ValueError.
 */
export function setGlobalPolicy(policy: PolicySpec): void {
  globalPolicy = toPolicy(policy, 'setGlobalPolicy');
}

/** The policy of layers created without a `dtype` (default 'float32'). */
export function getGlobalPolicy(): Policy {
  return globalPolicy;
}

/**
 * The summary line of the layers' policies, as `Dtype policy: mixed_bfloat16` when they share one, with the
 * exceptions named (`Dtype policy: mixed_bfloat16 (float32: dense_3)`); null when every layer is float32.
 */
export function policySummaryLine(layers: ReadonlyArray<{ name: string; dtypePolicy: Policy }>): string | null {
  const byName = new Map<PolicyName, string[]>();
  for (const l of layers) byName.set(l.dtypePolicy.name, [...(byName.get(l.dtypePolicy.name) ?? []), l.name]);
  if (byName.size === 0 || (byName.size === 1 && byName.has('float32'))) return null;
  const [main] = [...byName.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  const others = [...byName.entries()].filter(([n]) => n !== main).map(([n, names]) => `${n}: ${names.join(', ')}`);
  return `Dtype policy: ${main}${others.length > 0 ? ` (${others.join('; ')})` : ''}`;
}
