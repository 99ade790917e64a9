export * from './dataset.js';
export * from './split.js';
export * from './builtin.js';
export * from './csv.js';
export * from './load.js';
export * from './batches.js';
