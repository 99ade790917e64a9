export * from './network.js';
export * from './backend.js';
export * from './weights.js';
export type * from './kernels/types.js';
