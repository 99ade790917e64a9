/** Cortex-M support for QEMU runs: boards, linker script, startup, semihosting. */
export { CORTEX_M_TARGETS, MPS2_BOARDS, TARGETS, isTarget, type CortexMTarget, type Mps2Board, type Target } from './boards.js';
export { emitLinkerScript } from './linker.js';
export { emitStartupC } from './startup.js';
export { emitSemihostC } from './semihost.js';
