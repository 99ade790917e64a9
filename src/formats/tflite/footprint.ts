/**
 * What an int8 model will cost on a microcontroller before anything is built:
 * the planned activation arena (the memory planner MLForge's C export uses,
 * and TFLite Micro's greedy baseline beside it) and an estimate of flash =
 * constant data as model.c stores it (weights, biases, per-channel
 * requantization tables) + the code of the kernels the model needs.
 *
 * Why a table for kernel code: compiling at inspect time needs a cross
 * toolchain and seconds; the figures below are `.text + .rodata` of each
 * native/kernels/*.c object from arm-none-eabi-gcc 12.2 (-O2 -mthumb
 * -ffunction-sections), measured once per core family. libc (memcpy, roundf)
 * and the application are not included. Update the table when kernels change
 * much (`mlforge verify --target cortex-m4` prints the exact sizes).
 */
import { planMemory } from '../../codegen/planner.js';
import { kernelSourcesFor } from '../../codegen/kernels.js';
import { prepare } from '../../engine/int8/prepare.js';
import type { Int8Model } from '../../ir/int8.js';

/** Which kernel code paths compile in: Armv7E-M DSP (M4/M7/M33/M55/M85), Armv7-M without it (M3), Armv6-M (M0+). */
export type CodeFamily = 'armv7e-m' | 'armv7-m' | 'armv6-m';

const KERNEL_CODE: Readonly<Record<CodeFamily, Readonly<Record<string, number>>>> = {
  'armv7e-m': {
    'add_s8.c': 1764, 'concat_s8.c': 108, 'conv2d_s8.c': 2540, 'depthwise_conv2d_s8.c': 2208, 'fully_connected_s8.c': 1180,
    'logistic_s8.c': 1140, 'mean_s8.c': 940, 'pad_s8.c': 364, 'pool_s8.c': 824, 'quantize.c': 620, 'softmax_s8.c': 2096, 'tanh_s8.c': 1092,
  },
  'armv7-m': {
    'add_s8.c': 1768, 'concat_s8.c': 108, 'conv2d_s8.c': 1680, 'depthwise_conv2d_s8.c': 2156, 'fully_connected_s8.c': 556,
    'logistic_s8.c': 1148, 'mean_s8.c': 944, 'pad_s8.c': 360, 'pool_s8.c': 820, 'quantize.c': 628, 'softmax_s8.c': 2068, 'tanh_s8.c': 1092,
  },
  'armv6-m': {
    'add_s8.c': 2188, 'concat_s8.c': 120, 'conv2d_s8.c': 1784, 'depthwise_conv2d_s8.c': 2344, 'fully_connected_s8.c': 672,
    'logistic_s8.c': 1504, 'mean_s8.c': 1104, 'pad_s8.c': 376, 'pool_s8.c': 916, 'quantize.c': 716, 'softmax_s8.c': 2764, 'tanh_s8.c': 1468,
  },
};
/** A kernel file missing from the table (a new kernel) is counted at this size rather than as free. */
const UNKNOWN_KERNEL_BYTES = 2048;

/** The code family of a core (non-Arm cores use the Armv6-M figures: no packed MACs, 16/32-bit code). */
export function codeFamily(core: { core: string; dsp: boolean }): CodeFamily {
  if (core.core === 'cortex-m0plus') return 'armv6-m';
  if (!core.core.startsWith('cortex-m')) return 'armv6-m';
  return core.dsp ? 'armv7e-m' : 'armv7-m';
}

export interface Footprint {
  /** Peak arena of MLForge's optimized memory plan (what `mlforge export` ships). */
  arenaBytes: number;
  /** TFLite Micro's greedy-by-size plan, for comparison. */
  greedyArenaBytes: number;
  /** Constant data in model.c: weights, biases, requantization tables. */
  constantBytes: number;
  /** Kernel code for `family`. */
  kernelCodeBytes: number;
  kernels: string[];
  family: CodeFamily;
  /** constantBytes + kernelCodeBytes. */
  flashBytes: number;
}

const typedBytes = (v: unknown): number => (ArrayBuffer.isView(v) ? v.byteLength : 0);

/**
 * Arena and flash estimate of an int8 model.
 *
 * @example
 * const f = estimateFootprint(readTflite(bytes), 'armv7e-m');
 * console.log(f.arenaBytes, f.flashBytes);
 */
export function estimateFootprint(model: Int8Model, family: CodeFamily = 'armv7e-m'): Footprint {
  const prepared = prepare(model);
  // Constants the kernels read (reshape's shape tensor, MEAN axes, PAD paddings are folded into parameters).
  const read = new Set<number>();
  for (const op of prepared.ops) {
    if (op.kind === 'reshape') continue;
    for (const t of op.inputs) if (t >= 0 && model.tensors[t]?.constant) read.add(t);
  }
  let constantBytes = 0;
  for (const t of read) constantBytes += model.data.get(t)?.byteLength ?? 0;
  for (const op of prepared.ops) for (const v of Object.values(op.params ?? {})) constantBytes += typedBytes(v);
  const kernels = kernelSourcesFor(prepared.ops);
  const kernelCodeBytes = kernels.reduce((a, f) => a + (KERNEL_CODE[family][f] ?? UNKNOWN_KERNEL_BYTES), 0);
  return {
    arenaBytes: planMemory(model).arenaBytes,
    greedyArenaBytes: planMemory(model, { strategy: 'greedy' }).arenaBytes,
    constantBytes, kernelCodeBytes, kernels, family,
    flashBytes: constantBytes + kernelCodeBytes,
  };
}
