/** Weight initializers with Keras formulas and defaults. */
export type { Initializer } from './initializer';
export { getInitializer } from './initializer';
export { zeros, ones, constant, randomNormal, randomUniform } from './basic';
export { glorotUniform, glorotNormal, heUniform, heNormal, lecunNormal, lecunUniform, computeFans } from './variance-scaling';
export { orthogonal } from './orthogonal';
