/** Targets: the board database (and, later, the cost model). */
export * from './boards.js';
