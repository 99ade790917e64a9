/**
 * `mlforge calibrate`: measures what the cost model needs, on MLForge's own
 * kernels, and writes the calibration table (src/targets/calibration-table.json,
 * committed, so costing a model never needs QEMU).
 *
 * Per compiler profile (gcc -mcpu):
 *  1. every kernel source compiled as an export compiles it (-O2, sections) →
 *     object sizes and stack frames (-fstack-usage);
 *  2. one Cortex-M image that runs ~100 single-op models (random int8 weights,
 *     shapes spanning small to DS-CNN/ResNet-sized layers) back to back, each
 *     timed with SysTick under `qemu-system-arm -icount shift=0` (ticks are
 *     instructions) → per op variant a linear model fitted by non-negative
 *     least squares on relative error (features: see cost.ts opWork);
 *  3. model.c of exported one-op models compiled → glue bytes per op kind;
 *     the image's link map → the C runtime members the kernels pull in.
 *
 * Armv6-M (Cortex-M0+) code runs on QEMU's Cortex-M3 machine: every Armv6-M
 * instruction is an Armv7-M instruction, so the count is the M0+ code's own.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cArray, cFloat, cInt } from '../codegen/emit/c.js';
import { emitOp, type OpNames } from '../codegen/emit/ops.js';
import { conv2dScratchBytes, exportC, fullyConnectedScratchBytes, kernelsDir } from '../codegen/index.js';
import { emitPlatformH } from '../deploy/harness.js';
import {
  commandLine, emitLinkerScript, emitSemihostC, emitStartupC, MPS2_BOARDS, parseMapFile, requireTool, runQemu, runTool,
  WARNINGS, type CortexMTarget,
} from '../deploy/index.js';
import { prepare, type PreparedOp } from '../engine/int8/index.js';
import { MlforgeError } from '../errors.js';
import { readTimingFile, timingHeaderC, TIMING_WRITE_C } from './timing-file.js';
import type { ConstData, DType, Int8Model, Op, OpOptions, Tensor } from '../ir/int8.js';
import { windowOut } from '../ir/shapes.js';
import {
  CalibrationTable, constantBytes, opWork, VARIANT_FEATURES, type OpFit, type ProfileMeasurement,
} from './cost.js';

// ---------------------------------------------------------------- profiles

export interface Profile {
  /** gcc -mcpu */
  readonly cpu: string;
  /** The QEMU board that runs the code; null: sizes only. */
  readonly run: CortexMTarget | null;
  /** Board whose linker script links the image (for the runtime's size). */
  readonly link: CortexMTarget;
}

export const PROFILES: Readonly<Record<string, Profile>> = {
  'cortex-m0plus': { cpu: 'cortex-m0plus', run: 'cortex-m3', link: 'cortex-m3' },
  'cortex-m3': { cpu: 'cortex-m3', run: 'cortex-m3', link: 'cortex-m3' },
  'cortex-m4': { cpu: 'cortex-m4', run: 'cortex-m4', link: 'cortex-m4' },
  'cortex-m7': { cpu: 'cortex-m7', run: 'cortex-m7', link: 'cortex-m7' },
  'cortex-m33': { cpu: 'cortex-m33', run: 'cortex-m33', link: 'cortex-m33' },
  // QEMU's mps3-an547 is not one of deploy's boards; Cortex-M55 latency uses the M33 models (cost.ts).
  'cortex-m55': { cpu: 'cortex-m55', run: null, link: 'cortex-m33' },
};

/** 'm4', 'cortex-m4' → 'cortex-m4'. */
export function profileName(s: string): string {
  const name = s.startsWith('cortex-') ? s : `cortex-${s}`;
  const fixed = name === 'cortex-m0+' ? 'cortex-m0plus' : name;
  if (!PROFILES[fixed]) {
    throw new MlforgeError('BAD_INPUT', `unknown core "${s}" for calibration (known: ${Object.keys(PROFILES).map((p) => p.replace('cortex-', '')).join(', ')})`);
  }
  return fixed;
}

// ---------------------------------------------------------------- single-op models

/** mulberry32: the same seed gives the same weights everywhere. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pad = 'same' | 'valid';

/** Builds a one-op int8 model. */
class OneOp {
  readonly tensors: Tensor[] = [];
  readonly data = new Map<number, ConstData>();
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  private add(name: string, shape: number[], dtype: DType, quant?: Tensor['quant'], data?: ConstData): number {
    this.tensors.push({ name, shape, dtype, constant: data !== undefined, ...(quant ? { quant } : {}) });
    if (data) this.data.set(this.tensors.length - 1, data);
    return this.tensors.length - 1;
  }
  act(name: string, shape: number[], scale = 0.05, zp = -3): number {
    return this.add(name, shape, 'int8', { scale: [scale], zeroPoint: [zp] });
  }
  f32(name: string, shape: number[]): number {
    return this.add(name, shape, 'float32');
  }
  weights(shape: number[], channels: number, axis: number): number {
    const scales = Array.from({ length: channels }, () => 0.002 + 0.008 * this.next());
    const n = shape.reduce((a, b) => a * b, 1);
    return this.add('weights', shape, 'int8', { scale: scales, zeroPoint: scales.map(() => 0), axis }, Int8Array.from({ length: n }, () => this.int(-127, 127)));
  }
  bias(n: number): number {
    return this.add('bias', [n], 'int32', { scale: [1e-4], zeroPoint: [0] }, Int32Array.from({ length: n }, () => this.int(-2000, 2000)));
  }
  model(name: string, inputs: number[], output: number, options: OpOptions): Int8Model {
    const op: Op = { inputs: inputs, outputs: [output], options };
    const graphInputs = inputs.filter((t) => t >= 0 && !this.tensors[t]!.constant);
    return { format: 'mlforge.int8', version: 1, meta: { name }, tensors: this.tensors, ops: [op], inputs: graphInputs, outputs: [output], data: this.data };
  }
}

export interface CalibrationCase {
  readonly name: string;
  readonly model: Int8Model;
}

let seed = 1;
const conv = (h: number, w: number, cin: number, cout: number, kh: number, kw: number, s: number, padding: Pad): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', [1, h, w, cin]);
  const wt = b.weights([cout, kh, kw, cin], cout, 0);
  const bias = b.bias(cout);
  const y = b.act('y', [1, windowOut(h, kh, s, padding), windowOut(w, kw, s, padding), cout], 0.1, 2);
  const name = `conv2d ${h}x${w}x${cin}->${cout} k${kh}x${kw} s${s} ${padding}`;
  return { name, model: b.model(name, [x, wt, bias], y, { kind: 'conv2d', strideH: s, strideW: s, dilationH: 1, dilationW: 1, padding, activation: 'relu' }) };
};
const dw = (h: number, w: number, c: number, kh: number, kw: number, s: number, padding: Pad, mult = 1): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', [1, h, w, c]);
  const wt = b.weights([1, kh, kw, c * mult], c * mult, 3);
  const bias = b.bias(c * mult);
  const y = b.act('y', [1, windowOut(h, kh, s, padding), windowOut(w, kw, s, padding), c * mult], 0.1, 2);
  const name = `depthwise_conv2d ${h}x${w}x${c} k${kh}x${kw} s${s} ${padding} m${mult}`;
  return { name, model: b.model(name, [x, wt, bias], y, { kind: 'depthwise_conv2d', strideH: s, strideW: s, dilationH: 1, dilationW: 1, depthMultiplier: mult, padding, activation: 'relu6' }) };
};
const fc = (n: number, out: number): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', [1, n]);
  const wt = b.weights([out, n], out, 0);
  const y = b.act('y', [1, out], 0.1, 2);
  const name = `fully_connected ${n}->${out}`;
  return { name, model: b.model(name, [x, wt, b.bias(out)], y, { kind: 'fully_connected', activation: 'none' }) };
};
const add = (shape: number[], shape2 = shape): CalibrationCase => {
  const b = new OneOp(seed++);
  const x1 = b.act('x1', shape, 0.05, -3);
  const x2 = b.act('x2', shape2, 0.07, 4);
  const y = b.act('y', shape, 0.1, 1);
  const name = `add [${shape}]+[${shape2}]`;
  return { name, model: b.model(name, [x1, x2], y, { kind: 'add', activation: 'relu' }) };
};
const pool = (kind: 'avg_pool' | 'max_pool', h: number, w: number, c: number, fh: number, fw: number, s: number, padding: Pad): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', [1, h, w, c]);
  const y = b.act('y', [1, windowOut(h, fh, s, padding), windowOut(w, fw, s, padding), c]);
  const name = `${kind} ${h}x${w}x${c} f${fh}x${fw} s${s} ${padding}`;
  return { name, model: b.model(name, [x], y, { kind, filterH: fh, filterW: fw, strideH: s, strideW: s, padding, activation: 'none' }) };
};
const mean = (h: number, w: number, c: number): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', [1, h, w, c]);
  const y = b.act('y', [1, c], 0.03, 1);
  const name = `mean ${h}x${w}x${c}`;
  return { name, model: b.model(name, [x], y, { kind: 'mean', axes: [1, 2], keepDims: false }) };
};
const softmax = (shape: number[]): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', shape, 0.1, 0);
  const y = b.act('y', shape, 1 / 256, -128);
  const name = `softmax [${shape}]`;
  return { name, model: b.model(name, [x], y, { kind: 'softmax', beta: 1 }) };
};
const pad = (shape: number[], paddings: [number, number][]): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', shape);
  const y = b.act('y', shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]));
  const name = `pad [${shape}] ${JSON.stringify(paddings)}`;
  return { name, model: b.model(name, [x], y, { kind: 'pad', paddings }) };
};
const concat = (shapes: number[][], axis: number): CalibrationCase => {
  const b = new OneOp(seed++);
  const xs = shapes.map((s, i) => b.act(`x${i}`, s));
  const out = shapes[0]!.map((d, i) => (i === axis ? shapes.reduce((a, s) => a + s[i]!, 0) : d));
  const y = b.act('y', out);
  const name = `concatenation ${shapes.map((s) => `[${s}]`).join('+')} axis ${axis}`;
  return { name, model: b.model(name, xs, y, { kind: 'concatenation', axis, activation: 'none' }) };
};
const unary = (kind: 'quantize' | 'dequantize' | 'requantize' | 'logistic' | 'tanh', n: number): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = kind === 'quantize' ? b.f32('x', [1, n]) : b.act('x', [1, n], 0.05, -3);
  const y = kind === 'dequantize' ? b.f32('y', [1, n])
    : kind === 'logistic' ? b.act('y', [1, n], 1 / 256, -128)
    : kind === 'tanh' ? b.act('y', [1, n], 1 / 128, 0)
    : b.act('y', [1, n], 0.08, 5);
  const name = `${kind} ${n}`;
  const options: OpOptions = kind === 'requantize' ? { kind: 'quantize' } : { kind } as OpOptions;
  return { name, model: b.model(name, [x], y, options) };
};

/** The calibration set: every op variant over a spread of sizes (DS-CNN, ResNet-8 and MobileNet layers among them). */
export function calibrationCases(): CalibrationCase[] {
  seed = 1;
  return [
    conv(8, 8, 1, 8, 3, 3, 1, 'same'), conv(16, 16, 3, 16, 3, 3, 1, 'same'), conv(49, 10, 1, 16, 10, 4, 2, 'same'),
    conv(8, 8, 8, 16, 3, 3, 1, 'valid'), conv(8, 8, 16, 16, 3, 3, 2, 'same'), conv(6, 6, 32, 32, 3, 3, 1, 'same'),
    conv(4, 4, 64, 64, 3, 3, 1, 'same'), conv(10, 10, 5, 7, 5, 5, 1, 'same'), conv(12, 12, 3, 24, 3, 3, 2, 'valid'),
    conv(32, 32, 3, 8, 3, 3, 1, 'same'), conv(16, 16, 16, 16, 3, 3, 1, 'same'), conv(1, 32, 6, 12, 1, 5, 1, 'same'),
    conv(8, 8, 8, 16, 1, 1, 1, 'valid'), conv(16, 16, 16, 32, 1, 1, 1, 'valid'), conv(4, 4, 64, 64, 1, 1, 1, 'valid'),
    conv(25, 5, 64, 64, 1, 1, 1, 'same'), conv(8, 8, 3, 8, 1, 1, 1, 'same'), conv(6, 6, 30, 10, 1, 1, 1, 'valid'),
    conv(16, 16, 16, 16, 1, 1, 2, 'same'), conv(2, 2, 128, 32, 1, 1, 1, 'valid'),
    conv(4, 4, 2, 4, 3, 3, 1, 'same'), conv(3, 3, 1, 2, 3, 3, 1, 'valid'), conv(5, 5, 3, 6, 3, 3, 2, 'same'), conv(2, 2, 4, 4, 1, 1, 1, 'valid'),
    conv(7, 7, 4, 3, 7, 7, 1, 'same'),
    dw(25, 5, 64, 3, 3, 1, 'same'), dw(8, 8, 16, 3, 3, 1, 'same'), dw(16, 16, 8, 3, 3, 2, 'same'), dw(12, 12, 32, 3, 3, 1, 'valid'),
    dw(6, 6, 64, 3, 3, 2, 'same'), dw(4, 4, 128, 3, 3, 1, 'same'), dw(10, 10, 3, 3, 3, 1, 'same'), dw(32, 32, 4, 3, 3, 1, 'same'),
    dw(10, 10, 16, 5, 5, 1, 'same'), dw(8, 8, 8, 3, 3, 1, 'same', 2), dw(1, 32, 16, 1, 7, 1, 'same'), dw(15, 15, 8, 5, 5, 2, 'valid'),
    dw(12, 12, 4, 3, 3, 1, 'valid', 3), dw(6, 6, 32, 5, 5, 1, 'same'), dw(3, 3, 2, 3, 3, 1, 'valid'), dw(4, 4, 8, 3, 3, 1, 'same'),
    dw(5, 5, 2, 5, 5, 1, 'valid'),
    fc(64, 10), fc(256, 64), fc(640, 128), fc(128, 128), fc(1000, 12), fc(30, 7), fc(3, 16), fc(512, 256), fc(2048, 32), fc(8, 640), fc(8, 2),
    add([1, 64]), add([1, 1024]), add([1, 16, 16, 32]), add([1, 300]),
    add([1, 8, 8, 12], [1, 1, 1, 12]), add([1, 4, 4, 32], [1, 1, 1, 32]), add([1, 10, 10, 8], [1, 1, 1, 8]), add([1, 2, 30, 4], [1, 2, 30, 1]),
    pool('avg_pool', 25, 5, 64, 25, 5, 1, 'valid'), pool('avg_pool', 8, 8, 64, 8, 8, 1, 'valid'), pool('avg_pool', 16, 16, 8, 2, 2, 2, 'valid'),
    pool('avg_pool', 8, 8, 16, 3, 3, 1, 'same'), pool('avg_pool', 32, 32, 3, 2, 2, 2, 'valid'), pool('avg_pool', 6, 6, 12, 3, 3, 3, 'valid'),
    pool('max_pool', 28, 28, 16, 2, 2, 2, 'valid'), pool('max_pool', 14, 14, 32, 2, 2, 2, 'valid'), pool('max_pool', 8, 8, 8, 3, 3, 1, 'same'),
    pool('max_pool', 4, 4, 64, 1, 1, 1, 'valid'), pool('max_pool', 9, 9, 6, 3, 3, 2, 'same'),
    mean(8, 8, 64), mean(4, 4, 128), mean(16, 16, 16), mean(2, 2, 8),
    softmax([1, 2]), softmax([1, 10]), softmax([1, 100]), softmax([1, 1000]), softmax([1, 4, 16]),
    pad([1, 8, 8, 16], [[0, 0], [1, 1], [1, 1], [0, 0]]), pad([1, 32, 32, 3], [[0, 0], [1, 1], [1, 1], [0, 0]]),
    pad([1, 4, 4, 64], [[0, 0], [0, 1], [0, 1], [0, 0]]), pad([1, 100], [[0, 0], [3, 5]]),
    concat([[1, 8, 8, 8], [1, 8, 8, 8]], 3), concat([[1, 4, 4, 32], [1, 4, 4, 32], [1, 4, 4, 32]], 3), concat([[1, 64], [1, 64]], 1),
    concat([[1, 16, 16, 16], [1, 16, 16, 16]], 1), concat([[1, 10, 10, 2], [1, 10, 10, 3]], 3),
    unary('quantize', 64), unary('quantize', 1024), unary('quantize', 4096),
    unary('dequantize', 10), unary('dequantize', 640), unary('dequantize', 4096),
    unary('requantize', 64), unary('requantize', 1024), unary('requantize', 8192),
    unary('logistic', 64), unary('logistic', 1024), unary('logistic', 4096),
    unary('tanh', 64), unary('tanh', 1024), unary('tanh', 4096),
  ];
}

// ---------------------------------------------------------------- the timing image

const ALIGN = 16;
const alignUp = (n: number, a = ALIGN): number => Math.ceil(n / a) * a;
const CTYPE: Readonly<Record<DType, string>> = { int8: 'int8_t', int16: 'int16_t', int32: 'int32_t', float32: 'float' };
const BYTES: Readonly<Record<DType, number>> = { int8: 1, int16: 2, int32: 4, float32: 4 };
export const CALIBRATION_MAGIC = 0x43464c4d; // "MLFC"

/** Rough instruction count, only to choose repetitions (≥ ~60k instructions timed per case). */
function repsFor(op: PreparedOp, model: Int8Model): number {
  const w = opWork(op, model, false);
  const rough = 4 * w.macs + 40 * w.outputs + 300;
  return Math.max(1, Math.min(64, Math.ceil(60000 / rough)));
}

interface Emitted {
  readonly source: string;
  readonly reps: readonly number[];
}

/** calib.c: each case's constants, parameters and kernel call, timed `reps` times in a row. */
export function emitCalibrationC(cases: readonly CalibrationCase[]): Emitted {
  const parts: string[] = [];
  const reps: number[] = [];
  const floatFills: string[] = [];
  let arena = ALIGN;
  cases.forEach((c, n) => {
    const prepared = prepare(c.model);
    const op = { ...prepared.ops[0]!, index: n } as PreparedOp;
    const t = c.model.tensors;
    const offsets = new Map<number, number>();
    let end = 0;
    for (const i of [...op.inputs, op.output]) {
      if (i < 0 || t[i]!.constant || offsets.has(i)) continue;
      offsets.set(i, end);
      end = alignUp(end + t[i]!.shape.reduce((a, b) => a * b, 1) * BYTES[t[i]!.dtype]);
    }
    const scratchBytes = op.kind === 'conv2d' ? conv2dScratchBytes(op.params.filter.h, op.params.filter.w, op.params.filter.c)
      : op.kind === 'fully_connected' ? fullyConnectedScratchBytes(op.params.accumDepth) : 0;
    const scratchAt = end;
    arena = Math.max(arena, end + alignUp(scratchBytes));
    const constants = new Set<number>();
    const ptr = (i: number): string => {
      if (t[i]!.constant) {
        constants.add(i);
        return `mlf_cal${n}_t${i}`;
      }
      return `(mlf_cal_arena.bytes + ${offsets.get(i)})`;
    };
    const names: OpNames = {
      ptr,
      fptr: (i) => (t[i]!.constant ? ptr(i) : `((float *)(void *)${ptr(i)})`),
      bias: (i) => (i < 0 ? 'NULL' : ptr(i)),
      scratch: () => (scratchBytes ? `((int16_t *)(void *)(mlf_cal_arena.bytes + ${scratchAt}))` : 'NULL'),
      elements: (i) => t[i]!.shape.reduce((a, b) => a * b, 1),
      bytes: (i) => t[i]!.shape.reduce((a, b) => a * b, 1) * BYTES[t[i]!.dtype],
      sameStorage: () => false,
    };
    const e = emitOp(op, names);
    const consts = [...constants].sort((a, b) => a - b).map((i) => {
      const d = c.model.data.get(i)!;
      return `static const ${CTYPE[t[i]!.dtype]} mlf_cal${n}_t${i}[${d.length}] = ${cArray(d, t[i]!.dtype === 'float32' ? cFloat : cInt, 24)};`;
    });
    parts.push(`/* case ${n}: ${c.name.replace(/\*\//g, '')} */`, ...consts, ...e.decls,
      `static int32_t mlf_cal_run${n}(void) {\n  int32_t status = MLF_OK;\n  ${e.call}\n  return status;\n}\n`);
    reps.push(repsFor(op, c.model));
    const x = op.inputs[0]!;
    floatFills.push(t[x]!.dtype === 'float32' ? `{ ${offsets.get(x)}, ${names.elements(x)} }` : '{ -1, 0 }');
  });
  const n = cases.length;
  const source = `/* calib.c — MLForge kernel calibration: ${n} single-op cases timed under QEMU (generated). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mlforge_kernels.h"
#include "mlf_platform.h"

static union {
  int8_t bytes[${arena}];
  int64_t align_;
} mlf_cal_arena __attribute__((aligned(${ALIGN})));

${parts.join('\n')}
typedef int32_t (*mlf_cal_fn)(void);
static const mlf_cal_fn mlf_cal_fns[${n}] = { ${cases.map((_, k) => `mlf_cal_run${k}`).join(', ')} };
static const uint32_t mlf_cal_reps[${n}] = { ${reps.join(', ')} };
/* Float inputs (quantize): byte offset in the arena and element count, or -1. */
static const int32_t mlf_cal_f32[${n}][2] = { ${floatFills.join(', ')} };

${TIMING_WRITE_C}

int main(void) {
  int32_t timing, k, status = MLF_OK;
  uint32_t r, s = 12345u;
  uint64_t t0, t1;
  for (k = 0; k < ${arena}; ++k) {
    s = s * 1664525u + 1013904223u;
    mlf_cal_arena.bytes[k] = (int8_t)(s >> 24);
  }
${timingHeaderC(CALIBRATION_MAGIC, n)}
  for (k = 0; k < ${n}; ++k) {
    if (mlf_cal_f32[k][0] >= 0) {
      float *x = (float *)(void *)(mlf_cal_arena.bytes + mlf_cal_f32[k][0]);
      int32_t i;
      for (i = 0; i < mlf_cal_f32[k][1]; ++i) {
        s = s * 1664525u + 1013904223u;
        x[i] = (float)((int32_t)(s >> 16) - 32768) / 8192.0f;
      }
    }
    t0 = mlf_platform_ticks();
    for (r = 0; r < mlf_cal_reps[k]; ++r) status |= mlf_cal_fns[k]();
    t1 = mlf_platform_ticks();
    mlf_write_u32(timing, (uint32_t)(t1 - t0));
    mlf_write_u32(timing, (uint32_t)((t1 - t0) >> 32));
  }
  mlf_platform_close(timing);
  return status == MLF_OK ? 0 : 73;
}
`;
  return { source, reps };
}

// ---------------------------------------------------------------- fitting

/**
 * Non-negative least squares on relative error: minimise Σ ((x_i·c − y_i) / y_i)²
 * with c ≥ 0. With at most 7 features every subset is solved (the NNLS optimum
 * is the unconstrained solution of one of them), which is exact and simple.
 */
export function fitNonNegative(rows: readonly (readonly number[])[], y: readonly number[]): number[] {
  const p = rows[0]?.length ?? 0;
  const a = rows.map((r, i) => r.map((v) => v / y[i]!));
  const scale = Array.from({ length: p }, (_, j) => Math.max(...a.map((r) => Math.abs(r[j]!))) || 1);
  let best: { sse: number; coef: number[] } | undefined;
  for (let mask = 1; mask < 1 << p; mask++) {
    const cols = Array.from({ length: p }, (_, j) => j).filter((j) => mask & (1 << j));
    const sol = solveLs(a.map((r) => cols.map((j) => r[j]! / scale[j]!)), a.map(() => 1));
    if (!sol || sol.some((v) => v < 0)) continue;
    const coef = new Array<number>(p).fill(0);
    cols.forEach((j, k) => { coef[j] = sol[k]! / scale[j]!; });
    const sse = a.reduce((s, r) => s + (r.reduce((t, v, j) => t + v * coef[j]!, 0) - 1) ** 2, 0);
    if (!best || sse < best.sse - 1e-15) best = { sse, coef };
  }
  if (!best) throw new MlforgeError('INTERNAL', 'no non-negative fit exists (every feature column is zero)');
  return best.coef;
}

/** Least squares by the normal equations (columns are pre-scaled); null when singular. */
function solveLs(a: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const p = a[0]!.length;
  const m: number[][] = Array.from({ length: p }, (_, i) => [
    ...Array.from({ length: p }, (_, j) => a.reduce((s, r) => s + r[i]! * r[j]!, 0)),
    a.reduce((s, r, k) => s + r[i]! * b[k]!, 0),
  ]);
  const tiny = 1e-12 * Math.max(...m.map((row, i) => Math.abs(row[i]!)));
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (!(Math.abs(m[piv]![c]!) > tiny)) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= p; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[p]! / row[i]!);
}

/** Fits each variant's model to measured (features, instructions) samples. */
export function fitVariants(samples: readonly { variant: string; x: Readonly<Record<string, number>>; instructions: number }[]): Record<string, OpFit> {
  const out: Record<string, OpFit> = {};
  const byVariant = new Map<string, typeof samples[number][]>();
  for (const s of samples) byVariant.set(s.variant, [...(byVariant.get(s.variant) ?? []), s]);
  for (const [variant, list] of [...byVariant].sort(([a], [b]) => a.localeCompare(b))) {
    const features = VARIANT_FEATURES[variant];
    if (!features) throw new MlforgeError('INTERNAL', `no feature list for variant ${variant}`);
    const rows = list.map((s) => features.map((f) => s.x[f] ?? 0));
    const y = list.map((s) => s.instructions);
    const coef = fitNonNegative(rows, y).map((c) => Number(c.toPrecision(6)));
    const rel = rows.map((r, i) => r.reduce((t, v, j) => t + v * coef[j]!, 0) / y[i]! - 1);
    out[variant] = {
      features: [...features], coef, samples: list.length,
      rmsRelErr: Number(Math.sqrt(rel.reduce((s, e) => s + e * e, 0) / rel.length).toFixed(4)),
      maxRelErr: Number(Math.max(...rel.map(Math.abs)).toFixed(4)),
    };
  }
  return out;
}

// ---------------------------------------------------------------- building and measuring

const OPT = '-O2';

/** Flags of an export's Cortex-M build (deploy/compile.ts) for one -mcpu. */
export function profileFlags(cpu: string): string[] {
  return [...WARNINGS, OPT, `-mcpu=${cpu}`, '-mthumb', '-mfloat-abi=soft', '-ffunction-sections', '-fdata-sections'];
}

/** text + rodata + data of an object or image (`size -A`; function/data sections included). */
export function loadBytes(sizeA: string): { load: number; bss: number } {
  let load = 0;
  let bss = 0;
  for (const line of sizeA.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+/.exec(line.trim());
    if (!m) continue;
    if (/^\.(text|rodata|data|vectors|ARM\.exidx)/.test(m[1]!)) load += Number(m[2]);
    else if (/^\.bss/.test(m[1]!)) bss += Number(m[2]);
  }
  return { load, bss };
}

/** Stack frames of a gcc -fstack-usage file: function → bytes. */
function stackFrames(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /:([\w$.]+)\t(\d+)\t/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

async function runPool<T>(items: readonly T[], limit: number, job: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await job(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface CalibrateOptions {
  /** Profiles to measure (default: all); others are kept from `base`. */
  cores?: readonly string[];
  /** Only cases whose name starts with one of these op kinds (tests). */
  kinds?: readonly string[];
  /** Existing table whose other profiles are kept. */
  base?: CalibrationTable;
  /** Keep the build folder. */
  workDir?: string;
  /** Parallel compiler jobs (default 2). */
  jobs?: number;
  /** The command line recorded in the table. */
  command?: string;
  onProgress?: (message: string) => void;
}

export interface CalibrateResult {
  readonly table: CalibrationTable;
  readonly seconds: number;
  /** Per profile, per case: measured instructions per call. */
  readonly measured: Readonly<Record<string, readonly { case: string; variant: string; instructions: number }[]>>;
}

interface GlueModel {
  readonly kind: string;
  readonly dir: string;
  readonly constBytes: number;
}

/**
 * Measures the profiles and returns the table (written by the caller).
 *
 * @example
 * const { table } = await calibrate({ cores: ['m4'] });
 * writeFileSync('calibration-table.json', formatTable(table));
 */
export async function calibrate(o: CalibrateOptions = {}): Promise<CalibrateResult> {
  const started = Date.now();
  const log = o.onProgress ?? (() => {});
  for (const t of ['arm-none-eabi-gcc', 'arm-none-eabi-size', 'qemu-system-arm']) requireTool(t);
  const names = (o.cores ?? Object.keys(PROFILES)).map(profileName);
  const cases = calibrationCases().filter((c) => !o.kinds || o.kinds.some((k) => c.name.startsWith(`${k} `)));
  if (cases.length === 0) throw new MlforgeError('BAD_INPUT', `no calibration cases for kinds ${o.kinds?.join(', ')}`);
  const work = o.workDir ? path.resolve(o.workDir) : mkdtempSync(path.join(os.tmpdir(), 'mlforge-calibrate-'));
  mkdirSync(work, { recursive: true });
  try {
    const glue = exportGlueModels(cases, path.join(work, 'glue'));
    const emitted = emitCalibrationC(cases);
    const profiles: Record<string, ProfileMeasurement> = { ...(o.base?.profiles ?? {}) };
    const measured: Record<string, { case: string; variant: string; instructions: number }[]> = {};
    for (const name of names) {
      log(`${name}: building`);
      const r = await measureProfile(name, PROFILES[name]!, cases, emitted, glue, path.join(work, name), o.jobs ?? 2, log);
      profiles[name] = r.profile;
      measured[name] = r.measured;
    }
    const [gcc, qemu] = await Promise.all([
      runTool('arm-none-eabi-gcc', ['--version'], { cwd: work }), runTool('qemu-system-arm', ['--version'], { cwd: work }),
    ]);
    const seconds = Math.round((Date.now() - started) / 1000);
    const table = CalibrationTable.parse({
      format: 'mlforge.calibration', version: 1,
      generated: {
        date: new Date().toISOString(), command: o.command ?? `mlforge calibrate --cores ${names.join(',')}`, seconds,
        gcc: gcc.stdout.split('\n')[0]!.trim(), qemu: qemu.stdout.split('\n')[0]!.trim(), opt: OPT,
      },
      profiles: Object.fromEntries(Object.entries(profiles).sort(([a], [b]) => a.localeCompare(b))),
    });
    return { table, seconds, measured };
  } finally {
    if (!o.workDir) rmSync(work, { recursive: true, force: true });
  }
}

/** The table as committed: two-space JSON with one fit per line. */
export function formatTable(t: CalibrationTable): string {
  return `${JSON.stringify(t, null, 2).replace(/\[\s+([^[\]{}]*?)\s+\]/g, (_, inner: string) => `[${inner.replace(/\s*\n\s*/g, ' ')}]`)}\n`;
}

/** One C export per op kind (its first case) plus a one-reshape base model, for the glue measurement. */
function exportGlueModels(cases: readonly CalibrationCase[], dir: string): GlueModel[] {
  // The first case of each kind, and of broadcast add (three more parameter arrays).
  const first = new Map<string, CalibrationCase>();
  for (const c of cases) {
    const op = prepare(c.model).ops[0]!;
    const key = op.kind === 'add' && op.params.broadcast ? 'add~broadcast' : op.kind;
    if (!first.has(key)) first.set(key, c);
  }
  const b = new OneOp(0);
  const x = b.act('x', [1, 4, 4, 2]);
  const base = b.model('base', [x], b.act('y', [1, 32]), { kind: 'reshape' });
  const out: GlueModel[] = [];
  for (const [kind, model] of [['base', base] as const, ...[...first].map(([k, c]) => [k, c.model] as const)]) {
    const d = path.join(dir, kind);
    exportC(model, d, { backend: 'reference' });
    out.push({ kind, dir: d, constBytes: constantBytes(model, prepare(model).ops) });
  }
  return out;
}

async function measureProfile(name: string, p: Profile, cases: readonly CalibrationCase[], emitted: Emitted,
  glue: readonly GlueModel[], dir: string, jobs: number, log: (m: string) => void,
): Promise<{ profile: ProfileMeasurement; measured: { case: string; variant: string; instructions: number }[] }> {
  const cflags = profileFlags(p.cpu);
  const board = MPS2_BOARDS[p.link];
  const kdir = kernelsDir();
  const obj = path.join(dir, 'obj');
  mkdirSync(obj, { recursive: true });
  writeFileSync(path.join(dir, 'calib.c'), emitted.source);
  writeFileSync(path.join(dir, 'mlf_platform.h'), emitPlatformH());
  writeFileSync(path.join(dir, 'startup.c'), emitStartupC());
  writeFileSync(path.join(dir, 'semihost.c'), emitSemihostC());
  writeFileSync(path.join(dir, 'board.ld'), emitLinkerScript(board));
  const defines = ['-DMLFORGE_ROUNDING=MLF_ROUND_DOUBLE'];
  const kernels = readdirSync(kdir).filter((f) => f.endsWith('.c')).sort();
  const sources = [...kernels.map((f) => path.join(kdir, f)), ...['calib.c', 'startup.c', 'semihost.c'].map((f) => path.join(dir, f))];
  const objOf = (src: string): string => path.join(obj, path.basename(src).replace(/\.c$/, '.o'));
  const glueObj = (g: GlueModel): string => path.join(obj, `glue_${g.kind}.o`);
  // The platform files (startup, semihosting) are the run machine's own: their asm is Armv7-M, and they are not measured.
  const platformFlags = profileFlags(board.cpu);
  const compile = async (src: string, out: string, includes: string[]): Promise<void> => {
    const flags = /(startup|semihost)\.c$/.test(src) ? platformFlags : cflags;
    await runTool('arm-none-eabi-gcc', [...flags, ...defines, ...includes.map((i) => `-I${i}`), '-fstack-usage', '-c', src, '-o', out], { cwd: dir });
  };
  // calib.c is large (every case's weights): start it first.
  const jobsList: [string, string, string[]][] = [
    [path.join(dir, 'calib.c'), objOf('calib.c'), [kdir, dir]],
    ...sources.filter((s) => !s.endsWith('calib.c')).map((s): [string, string, string[]] => [s, objOf(s), [kdir, dir]]),
    ...glue.map((g): [string, string, string[]] => [path.join(g.dir, 'model.c'), glueObj(g), [g.dir, path.join(g.dir, 'kernels')]]),
  ];
  await runPool(jobsList, jobs, ([src, out, inc]) => compile(src, out, inc));

  const size = async (file: string) => loadBytes((await runTool('arm-none-eabi-size', ['-A', file], { cwd: dir })).stdout);
  const kernelBytes: Record<string, number> = {};
  let deepest = 0;
  for (const k of kernels) {
    kernelBytes[k] = (await size(objOf(k))).load;
    deepest = Math.max(deepest, [...stackFrames(objOf(k).replace(/\.o$/, '.su')).values()].reduce((a, b) => a + b, 0));
  }
  const glueBytes = new Map<string, number>();
  let invokeFrame = 0;
  for (const g of glue) {
    glueBytes.set(g.kind, (await size(glueObj(g))).load - g.constBytes);
    invokeFrame = Math.max(invokeFrame, stackFrames(glueObj(g).replace(/\.o$/, '.su')).get('mlforge_invoke') ?? 0);
  }
  const base = glueBytes.get('base')!;
  const perOp: Record<string, number> = { reshape: 0 };
  for (const [key, bytes] of glueBytes) {
    const kind = key.split('~')[0]!;
    if (kind !== 'base') perOp[kind] = Math.max(perOp[kind] ?? 0, bytes - base);
  }

  const image = path.join(dir, 'calib.elf');
  const map = path.join(dir, 'calib.map');
  const link = [...cflags, '-nostartfiles', '--specs=nano.specs', '--specs=nosys.specs', '-Wl,--gc-sections',
    '-T', path.join(dir, 'board.ld'), `-Wl,-Map=${map}`, '-o', image, ...sources.map(objOf), '-lm'];
  log(`${name}: ${commandLine('arm-none-eabi-gcc', ['...', '-o', image])}`);
  await runTool('arm-none-eabi-gcc', link, { cwd: dir });
  const runtimeBytes = [...parseMapFile(readFileSync(map, 'utf8'))]
    .filter(([f]) => /\.a\(/.test(f)).reduce((s, [, v]) => s + v.text + v.rodata + v.data, 0);
  const dsp = /__ARM_FEATURE_DSP 1/.test((await runTool('arm-none-eabi-gcc', [`-mcpu=${p.cpu}`, '-mthumb', '-mfloat-abi=soft', '-dM', '-E', '-x', 'c', '/dev/null'], { cwd: dir })).stdout);

  let ops: Record<string, OpFit> = {};
  const measured: { case: string; variant: string; instructions: number }[] = [];
  if (p.run) {
    log(`${name}: running ${cases.length} cases on QEMU ${MPS2_BOARDS[p.run].machine}`);
    const r = await runQemu(p.run, image, { cwd: dir, timeoutMs: 1_800_000 });
    if (r.code !== 0) throw new MlforgeError('TOOL', `the calibration image exited with code ${r.code} on ${p.run}: ${(r.stdout + r.stderr).trim().slice(0, 300)}`, `rerun: cd ${dir} && ${r.command}`);
    const ticks = readTimingFile(path.join(dir, 'timing.bin'), CALIBRATION_MAGIC, cases.length, MPS2_BOARDS[p.run].sysclkHz, 'calibration');
    const samples = cases.map((c, k) => {
      const prepared = prepare(c.model);
      const w = opWork(prepared.ops[0]!, c.model, dsp);
      const instructions = ticks[k]! / emitted.reps[k]!;
      measured.push({ case: c.name, variant: w.variant, instructions: Math.round(instructions) });
      return { variant: w.variant, x: w.x, instructions };
    });
    ops = fitVariants(samples);
    for (const [v, f] of Object.entries(ops)) log(`${name}: ${v.padEnd(22)} n=${f.samples} rms ${(100 * f.rmsRelErr).toFixed(1)} % max ${(100 * f.maxRelErr).toFixed(1)} %`);
  }
  return {
    profile: {
      cpu: p.cpu, machine: p.run ? MPS2_BOARDS[p.run].machine : null, dsp, cflags, ops, kernelBytes, runtimeBytes,
      glue: { base, perOp }, stackBytes: deepest + invokeFrame,
    },
    measured,
  };
}

