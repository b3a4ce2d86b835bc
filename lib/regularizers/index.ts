/** Weight regularizers: `l1`, `l2`, `l1l2`, `getRegularizer`. */
export type { Regularizer } from './regularizer';
export { getRegularizer } from './regularizer';
export { l1, l2, l1l2, isBuiltInRegularizer } from './l1l2';
