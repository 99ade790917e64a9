export * from './optimizers.js';
export * from './schedules.js';
export * from './trainer.js';
export * from './evaluate.js';
export * from './saved-model.js';
export * from './run.js';
export * from './bench.js';
