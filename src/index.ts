/** The MLForge library: the same capabilities as the CLI, as typed functions. */
export * from './errors.js';
export * from './ir/index.js';
export * from './engine/index.js';
export * from './data/index.js';
export * from './train/index.js';
export { VERSION } from './version.js';
