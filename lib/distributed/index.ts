/** `my.distributed`: data-parallel training over processes started by an MPI launcher (lib/distributed/world.ts). */
export { init } from './world';
export type { World, ReduceOp, InitOptions } from './world';
