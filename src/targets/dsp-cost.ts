/**
 * What a feature block (src/dsp) costs on a board, shown apart from the
 * network's and added to it when the forge checks the constraints:
 *
 * - SRAM: the raw window the application hands to mlforge_features (float32),
 *   the DSP scratch buffer and the float features before quantization.
 * - flash: the const tables (exact, from featureCost) + the DSP code with the
 *   libm/libgcc routines it pulls in, measured per core class by linking
 *   native/dsp (both audio and motion paths, -O2, newlib-nano,
 *   arm-none-eabi-gcc 12) and subtracting an empty program.
 * - latency: instructions = a·MACs + b·transcendentals + c·input samples, the
 *   coefficients fitted on QEMU instruction counts of the C blocks
 *   (DSP_FITS, from src/targets/dsp-calibration.json, written by
 *   `mlforge calibrate --dsp`: dsp-calibration.ts), × the core's CPI from the
 *   network cost model.
 */
import { z } from 'zod';
import type { DspCost } from '../dsp/index.js';
import type { Board } from './boards.js';
import { CORE_MODELS } from './cost.js';
import tableJson from './dsp-calibration.json' with { type: 'json' };

export interface DspBoardCost {
  readonly sramBytes: number;
  readonly flashBytes: number;
  readonly latencyMs: number;
}

export interface DspFit {
  /** Instructions per float multiply-accumulate, per logf/sqrtf call, per raw input sample. */
  readonly perMac: number;
  readonly perTranscendental: number;
  readonly perSample: number;
  /** Linked code bytes of native/dsp with its libm/libgcc routines. */
  readonly codeBytes: number;
  readonly why: string;
}

export type DspFitClass = 'fpu' | 'soft';

/** One measured fit (dsp-calibration.json): the coefficients, their quality and the blocks they were fitted on. */
export const DspProfileFit = z.strictObject({
  /** gcc -mcpu of the measured code, the QEMU machine that ran it, the compiler flags. */
  cpu: z.string(),
  machine: z.string(),
  cflags: z.array(z.string()),
  perMac: z.number().nonnegative(),
  perTranscendental: z.number().nonnegative(),
  perSample: z.number().nonnegative(),
  /** Relative error of the fit on its own blocks (root mean square and worst). */
  rmsRelErr: z.number().nonnegative(),
  maxRelErr: z.number().nonnegative(),
  codeBytes: z.number().int().nonnegative(),
  cases: z.array(z.strictObject({
    case: z.string(), macs: z.number().nonnegative(), transcendentals: z.number().int().nonnegative(),
    samples: z.number().int().nonnegative(), instructions: z.number().nonnegative(), estimated: z.number().nonnegative(),
  })),
});
export type DspProfileFit = z.infer<typeof DspProfileFit>;

export const DspCalibrationTable = z.strictObject({
  format: z.literal('mlforge.dsp-calibration'),
  version: z.literal(1),
  generated: z.strictObject({ date: z.string(), command: z.string(), seconds: z.number(), gcc: z.string(), qemu: z.string(), reps: z.number().int().positive() }),
  fits: z.strictObject({ fpu: DspProfileFit, soft: DspProfileFit }),
});
export type DspCalibrationTable = z.infer<typeof DspCalibrationTable>;

const table = DspCalibrationTable.parse(tableJson);
const fitOf = (f: DspProfileFit, what: string): DspFit => ({
  perMac: f.perMac, perTranscendental: f.perTranscendental, perSample: f.perSample, codeBytes: f.codeBytes,
  why: `${what}: ${f.cpu} code measured on QEMU ${f.machine} (${f.cases.length} blocks, worst fit ${(100 * f.maxRelErr).toFixed(1)} %)`,
});

/** Hardware single-precision FPU (M4F, M7, M33, M55, M85) or software floating point (M0+, M3, and cores without an FPU). */
export const DSP_FITS: Readonly<Record<DspFitClass, DspFit>> = {
  fpu: fitOf(table.fits.fpu, 'hard-float FPU'),
  soft: fitOf(table.fits.soft, 'soft float'),
};

export function dspFitFor(board: Pick<Board, 'fpu'>): DspFit {
  return board.fpu === 'none' ? DSP_FITS.soft : DSP_FITS.fpu;
}

/** Instructions of one call of the block on a fit's code (`inputFloats`: raw values per window). */
export function estimateDspInstructions(c: Pick<DspCost, 'macs' | 'transcendentals'>, inputFloats: number, fit: DspFit): number {
  return fit.perMac * c.macs + fit.perTranscendental * c.transcendentals + fit.perSample * inputFloats;
}

/** `inputFloats`: raw values per window (samples × axes). */
export function estimateDspCost(c: DspCost, inputFloats: number, board: Board): DspBoardCost {
  const fit = dspFitFor(board);
  const outputs = c.outputShape.reduce((a, b) => a * b, 1);
  const cycles = estimateDspInstructions(c, inputFloats, fit) * CORE_MODELS[board.core].cpi;
  return {
    sramBytes: 4 * inputFloats + c.scratchBytes + 4 * outputs,
    flashBytes: c.constBytes + fit.codeBytes,
    latencyMs: (cycles / board.defaultClockHz) * 1000,
  };
}
