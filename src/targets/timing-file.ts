/**
 * The timing.bin protocol shared by the QEMU calibration programs (network
 * kernels and DSP blocks): a header of magic, case count, the clock-check
 * loop's instruction count and its measured ticks, then one 64-bit tick count
 * per case. Under `-icount shift=0` a tick at the board clock is a known
 * number of instructions, which the clock check confirms.
 */
import { readFileSync } from 'node:fs';
import { MlforgeError } from '../errors.js';

/** mlf_platform_calibration_loop(n) runs 2·n instructions. */
export const TIMING_LOOPS = 100000;

/** C: `mlf_write_u32`, placed before main. */
export const TIMING_WRITE_C = 'static void mlf_write_u32(int32_t handle, uint32_t v) { mlf_platform_write(handle, &v, 4); }';

/** C statements opening timing.bin as `timing` and writing the header; needs `int32_t timing` and `uint64_t t0, t1`. */
export function timingHeaderC(magic: number, cases: number): string {
  return `  timing = mlf_platform_open("timing.bin", 1);
  if (timing < 0) return 72;
  mlf_platform_timer_init();
  t0 = mlf_platform_ticks();
  mlf_platform_calibration_loop(${TIMING_LOOPS}u);
  t1 = mlf_platform_ticks();
  mlf_write_u32(timing, 0x${magic.toString(16)}u);
  mlf_write_u32(timing, ${cases}u);
  mlf_write_u32(timing, ${2 * TIMING_LOOPS}u);
  mlf_write_u32(timing, (uint32_t)(t1 - t0));`;
}

/** Instructions per case from timing.bin; checks the header and the clock loop. */
export function readTimingFile(file: string, magic: number, n: number, sysclkHz: number, what: string): number[] {
  const b = readFileSync(file);
  if (b.length !== 16 + 8 * n || b.readUInt32LE(0) !== magic || b.readUInt32LE(4) !== n) {
    throw new MlforgeError('TOOL', `expected ${16 + 8 * n} bytes of ${what} timing in ${file}, got ${b.length}`);
  }
  const perTick = 1e9 / sysclkHz; // -icount shift=0: one instruction per ns
  const loop = b.readUInt32LE(12) * perTick;
  if (Math.abs(loop - b.readUInt32LE(8)) / b.readUInt32LE(8) > 0.02) {
    throw new MlforgeError('TOOL', `the clock check measured ${loop} instructions for a ${b.readUInt32LE(8)}-instruction loop; QEMU is not counting instructions (-icount)`);
  }
  return Array.from({ length: n }, (_, k) => (b.readUInt32LE(16 + 8 * k) + b.readUInt32LE(20 + 8 * k) * 2 ** 32) * perTick);
}
