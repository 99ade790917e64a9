/** The forge spec: schema (with JSON Schema), resolution, units, and the example `mlforge init` writes. */
export * from './schema.js';
export * from './resolve.js';
export * from './units.js';
export * from './example.js';
