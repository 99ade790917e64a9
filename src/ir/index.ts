export * from './schema.js';
export * from './shapes.js';
export * from './counts.js';
export * from './presets.js';
export * from './load.js';
export type * from './int8.js';
export { Int8ModelJson, TensorQuant, OpOptions, withoutFinalSoftmax } from './int8.js';
