/**
 * The cost model: what an int8 model will cost on a board, before it is
 * trained or exported — flash, peak SRAM and latency, as estimates.
 *
 * - flash = weights, biases and per-channel requantization parameters (exact
 *   from the int8 graph) + the measured code size of the kernel files the
 *   model uses + model.c glue and the C runtime pieces the kernels pull in
 *   (both measured per core by `mlforge calibrate`);
 * - SRAM = the memory planner's arena (the same plan the C export uses) +
 *   one application-side copy of the input and output + a stack allowance;
 * - latency = Σ per-operator instructions from per-core linear models fitted
 *   on QEMU instruction counts of MLForge's own kernels (calibration-table.json),
 *   × a stated cycles-per-instruction factor, at the board's default clock.
 *
 * Flash and SRAM are upper bounds by construction (tests hold exports to
 * them); latency is an estimate with its assumptions listed in the result.
 *
 * @example
 * const cost = estimateCost(resolveModel(findPreset('ds-cnn')!.build()), findBoard('nucleo_l4r5zi'));
 * cost.latencyMs; cost.sramBytes; cost.flash.kernelCode;
 */
import { z } from 'zod';
import { kernelSourcesFor, planMemory, type MemoryPlan, type PlanOptions } from '../codegen/index.js';
import { prepare, type PreparedOp } from '../engine/int8/index.js';
import { MlforgeError } from '../errors.js';
import type { Int8Model } from '../ir/int8.js';
import type { ResolvedModel } from '../ir/shapes.js';
import type { Board, Core } from './boards.js';
import tableJson from './calibration-table.json' with { type: 'json' };
import { count, opWork, type OpWork } from './op-work.js';
import { shapeOnlyInt8 } from './shape-only.js';

// ---------------------------------------------------------------- table schema

/** One operator variant's fitted model: instructions = Σ coef[i] · feature[i]. */
export const OpFit = z.strictObject({
  features: z.array(z.string()).min(1),
  coef: z.array(z.number().nonnegative()),
  samples: z.number().int().positive(),
  /** Relative error of the fit on its own samples (root mean square and worst). */
  rmsRelErr: z.number().nonnegative(),
  maxRelErr: z.number().nonnegative(),
});
export type OpFit = z.infer<typeof OpFit>;

/** What `mlforge calibrate` measured for one compiler target (gcc -mcpu). */
export const ProfileMeasurement = z.strictObject({
  cpu: z.string(),
  /** The QEMU machine that ran the code (null: sizes only, never run). */
  machine: z.string().nullable(),
  dsp: z.boolean(),
  cflags: z.array(z.string()),
  /** Instruction models per op variant (empty when not run). */
  ops: z.record(z.string(), OpFit),
  /** text + rodata + data of each kernel source's object file, bytes. */
  kernelBytes: z.record(z.string(), z.number().int().nonnegative()),
  /** Library members (libgcc, libc, libm) an image with every kernel links in, bytes. */
  runtimeBytes: z.number().int().nonnegative(),
  /** model.c: a one-reshape model (API, I/O tables), and per op kind the code and parameter structs an op adds. */
  glue: z.strictObject({ base: z.number().int().nonnegative(), perOp: z.record(z.string(), z.number().int()) }),
  /** The largest per-file sum of kernel stack frames (gcc -fstack-usage) plus mlforge_invoke's frame. */
  stackBytes: z.number().int().nonnegative(),
});
export type ProfileMeasurement = z.infer<typeof ProfileMeasurement>;

export const CalibrationTable = z.strictObject({
  format: z.literal('mlforge.calibration'),
  version: z.literal(1),
  generated: z.strictObject({
    date: z.string(), command: z.string(), seconds: z.number(), gcc: z.string(), qemu: z.string(), opt: z.string(),
  }),
  profiles: z.record(z.string(), ProfileMeasurement),
});
export type CalibrationTable = z.infer<typeof CalibrationTable>;

let defaultTable: CalibrationTable | undefined;
/** The committed table (src/targets/calibration-table.json), validated once. */
export function calibrationTable(): CalibrationTable {
  return (defaultTable ??= CalibrationTable.parse(tableJson));
}

// ---------------------------------------------------------------- per-core policy

/**
 * How each core is costed. Instructions come from a measured profile (the core
 * itself where QEMU runs its code); cycles = instructions × cpi. The CPI values
 * are stated assumptions for integer kernel code from zero-wait-state memory,
 * not measurements: QEMU counts instructions, not cycles.
 */
export interface CoreModel {
  /** Profile whose instruction models apply. */
  readonly instructions: string;
  /** Instructions of this core's code per instruction of the profile's (1 = same code). */
  readonly instructionScale: number;
  readonly cpi: number;
  /** Profile whose kernel, glue and runtime sizes apply, and a factor on them. */
  readonly sizes: string;
  readonly sizeScale: number;
  readonly why: string;
}

const CM_M4 = 'CoreMark/MHz (Arm product pages): M4 3.42';
export const CORE_MODELS: Readonly<Record<Core, CoreModel>> = {
  'cortex-m0plus': { instructions: 'cortex-m0plus', instructionScale: 1, cpi: 1.5, sizes: 'cortex-m0plus', sizeScale: 1,
    why: 'Armv6-M code measured on QEMU; CPI 1.5: Cortex-M0+ TRM timings (loads/stores and taken branches 2 cycles, single-cycle multiplier)' },
  'cortex-m3': { instructions: 'cortex-m3', instructionScale: 1, cpi: 1.4, sizes: 'cortex-m3', sizeScale: 1,
    why: 'measured on QEMU mps2-an385; CPI 1.4: Cortex-M3 TRM timings (loads 2 cycles, taken branches 2-4, MLA 2)' },
  'cortex-m4': { instructions: 'cortex-m4', instructionScale: 1, cpi: 1.35, sizes: 'cortex-m4', sizeScale: 1,
    why: 'measured on QEMU mps2-an386; CPI 1.35: Cortex-M4 TRM timings (loads 2 cycles, pipelined N+1; branches 1+P; MLA/SMLAD 1)' },
  'cortex-m7': { instructions: 'cortex-m7', instructionScale: 1, cpi: 0.92, sizes: 'cortex-m7', sizeScale: 1,
    why: `measured on QEMU mps2-an500; CPI 0.92 = 1.35 × 3.42 / 5.01 (dual issue; ${CM_M4}, M7 5.01)` },
  'cortex-m33': { instructions: 'cortex-m33', instructionScale: 1, cpi: 1.15, sizes: 'cortex-m33', sizeScale: 1,
    why: `measured on QEMU mps2-an505; CPI 1.15 = 1.35 × 3.42 / 4.02 (${CM_M4}, M33 4.02)` },
  'cortex-m55': { instructions: 'cortex-m33', instructionScale: 1, cpi: 1.1, sizes: 'cortex-m55', sizeScale: 1,
    why: `instructions of the Cortex-M33 code (same Armv8-M DSP scalar paths; the kernels have no Helium path); CPI 1.1 = 1.35 × 3.42 / 4.2 (${CM_M4}, M55 4.2); sizes compiled for cortex-m55` },
  'cortex-m85': { instructions: 'cortex-m33', instructionScale: 1, cpi: 0.74, sizes: 'cortex-m55', sizeScale: 1,
    why: `instructions of the Cortex-M33 code (no Helium path); CPI 0.74 = 1.35 × 3.42 / 6.28 (${CM_M4}, M85 6.28); sizes of the cortex-m55 build (gcc 12 has no -mcpu=cortex-m85)` },
  'xtensa-lx7': { instructions: 'cortex-m3', instructionScale: 1.2, cpi: 1.2, sizes: 'cortex-m3', sizeScale: 1.3,
    why: 'derived, not measured (no Xtensa QEMU or compiler here): the portable C paths as on Cortex-M3, ×1.2 instructions (no post-increment or shifted-index addressing), CPI 1.2 (single-issue in-order, 1-cycle SRAM loads), code ×1.3' },
  riscv32: { instructions: 'cortex-m3', instructionScale: 1.3, cpi: 1.2, sizes: 'cortex-m3', sizeScale: 1.3,
    why: 'derived, not measured (no RISC-V QEMU run here): the portable C paths as on Cortex-M3, ×1.3 instructions for RV32IMC (no post-increment addressing or conditional execution), CPI 1.2 (in-order, branch and load-use stalls), code ×1.3' },
};

// ---------------------------------------------------------------- the estimate

export interface CostOptions {
  /** Core clock in Hz (default: the board's default clock). */
  clockHz?: number;
  /** Stack allowance in bytes (default 2048, or the measured kernel stack bound if larger). */
  stackBytes?: number;
  /** Memory planner options (default: optimized, as the C export). */
  plan?: PlanOptions;
  /** Calibration table (default: the committed one). */
  table?: CalibrationTable;
}

export interface LayerCost {
  /** Name of the op's output tensor. */
  readonly name: string;
  readonly op: string;
  readonly variant: string;
  readonly macs: number;
  readonly outputs: number;
  readonly instructions: number;
  readonly cycles: number;
  readonly ms: number;
  /** Arena bytes live while this op runs. */
  readonly arenaBytes: number;
  /** Flash bytes of the op's constants (weights, biases, requantization). */
  readonly weightBytes: number;
}

export interface CostEstimate {
  readonly estimate: true;
  readonly model: string;
  readonly board: string;
  readonly core: Core;
  readonly clockHz: number;
  readonly flashBytes: number;
  /** weights: weights, biases, requantization multipliers/shifts; kernelCode: kernel objects; other: model.c glue + C runtime. */
  readonly flash: { readonly weights: number; readonly kernelCode: number; readonly other: number };
  readonly sramBytes: number;
  readonly sram: { readonly arena: number; readonly io: number; readonly stack: number };
  readonly latencyMs: number;
  readonly cycles: number;
  readonly instructions: number;
  readonly macs: number;
  readonly kernels: readonly string[];
  readonly perLayer: readonly LayerCost[];
  readonly assumptions: readonly string[];
}

const DEFAULT_STACK = 2048;
/** Bytes per op added to the measured glue: register allocation differs between a one-op and a many-op mlforge_invoke. */
const GLUE_MARGIN_PER_OP = 16;
const align4 = (n: number): number => Math.ceil(n / 4) * 4;
const BYTES = { int8: 1, int16: 2, int32: 4, float32: 4 } as const;

function profile(table: CalibrationTable, name: string, need: 'ops' | 'sizes'): ProfileMeasurement {
  const p = table.profiles[name];
  if (!p || (need === 'ops' && Object.keys(p.ops).length === 0)) {
    throw new MlforgeError('NOT_FOUND', `the calibration table has no ${need === 'ops' ? 'instruction models' : 'sizes'} for ${name}`,
      `run \`mlforge calibrate --cores ${name}\` to measure it`);
  }
  return p;
}

function instructionsOf(w: OpWork, p: ProfileMeasurement): number {
  const fit = p.ops[w.variant];
  if (!fit) {
    throw new MlforgeError('NOT_FOUND', `the calibration table has no model for ${w.variant} on ${p.cpu}`, `run \`mlforge calibrate --cores ${p.cpu}\``);
  }
  return fit.features.reduce((s, f, i) => s + fit.coef[i]! * (w.x[f] ?? 0), 0);
}

/** Bytes model.c stores for an op's constants: weights, biases, per-channel multipliers and shifts. */
export function constantBytes(model: Int8Model, ops: readonly PreparedOp[]): number {
  const used = new Set<number>();
  let requant = 0;
  for (const op of ops) {
    if (op.kind === 'reshape') continue; // its shape tensor is never emitted
    for (const t of op.inputs) if (t >= 0 && model.tensors[t]!.constant) used.add(t);
    if (op.kind === 'conv2d' || op.kind === 'depthwise_conv2d' || op.kind === 'fully_connected') requant += 8 * op.params.multiplier.length;
  }
  let bytes = requant;
  for (const t of used) bytes += align4(count(model.tensors[t]!.shape) * BYTES[model.tensors[t]!.dtype]);
  return bytes;
}

/**
 * Flash, SRAM and latency of `model` on `board`: an int8 graph, or a float
 * model before training (costed through `shapeOnlyInt8`).
 *
 * @example
 * const c = estimateCost(int8, findBoard('nrf52840dk/nrf52840'));
 * if (c.sramBytes > budget) reject();
 */
export function estimateCost(model: Int8Model | ResolvedModel, board: Board, opts: CostOptions = {}): CostEstimate {
  const int8 = 'format' in model ? model : shapeOnlyInt8(model);
  const table = opts.table ?? calibrationTable();
  const cm = CORE_MODELS[board.core];
  const clockHz = opts.clockHz ?? board.defaultClockHz;
  if (!(clockHz > 0)) throw new MlforgeError('BAD_INPUT', `expected a positive clock in Hz, got ${clockHz}`);
  // A core built without the DSP extension (e.g. AN521 CPU0) runs the portable paths: the Cortex-M3 code is the closest measured.
  let timing = profile(table, cm.instructions, 'ops');
  let portable = false;
  if (timing.dsp && !board.dsp) {
    timing = profile(table, 'cortex-m3', 'ops');
    portable = true;
  }
  const sizes = profile(table, cm.sizes, 'sizes');

  const prepared = prepare(int8);
  const plan: MemoryPlan = planMemory(int8, { strategy: 'optimized', ...opts.plan });
  const views = new Set(plan.aliases.map((a) => a.op));
  const live = new Map(plan.steps.map((s) => [s.op, s.liveBytes]));
  const perLayer: LayerCost[] = prepared.ops.map((op) => {
    const w: OpWork = op.kind === 'reshape' && views.has(op.index)
      ? { variant: 'none', macs: 0, outputs: count(int8.tensors[op.output]!.shape), x: {} }
      : opWork(op, int8, timing.dsp);
    const instructions = w.variant === 'none' ? 0 : instructionsOf(w, timing) * cm.instructionScale;
    const cycles = instructions * cm.cpi;
    return {
      name: int8.tensors[op.output]!.name, op: op.kind, variant: w.variant, macs: w.macs, outputs: w.outputs,
      instructions, cycles, ms: (cycles / clockHz) * 1000, arenaBytes: live.get(op.index) ?? 0,
      weightBytes: constantBytes(int8, [op]),
    };
  });
  const instructions = perLayer.reduce((s, l) => s + l.instructions, 0);
  const cycles = perLayer.reduce((s, l) => s + l.cycles, 0);

  const kernels = kernelSourcesFor(prepared.ops);
  const kernelCode = Math.ceil(kernels.reduce((s, f) => {
    const b = sizes.kernelBytes[f];
    if (b === undefined) throw new MlforgeError('NOT_FOUND', `the calibration table has no size for kernel ${f} (${sizes.cpu})`, 'run `mlforge calibrate`');
    return s + b;
  }, 0) * cm.sizeScale);
  const labels = int8.meta.labels ?? [];
  const labelBytes = labels.length ? 4 * labels.length + labels.reduce((s, l) => s + align4(Buffer.byteLength(l) + 1), 0) : 0;
  const glue = sizes.glue.base + labelBytes
    + prepared.ops.reduce((s, op) => s + Math.max(0, sizes.glue.perOp[op.kind] ?? sizes.glue.perOp.conv2d ?? 0) + GLUE_MARGIN_PER_OP, 0);
  const other = Math.ceil((glue + sizes.runtimeBytes) * cm.sizeScale);
  const weights = constantBytes(int8, prepared.ops);

  const io = [...prepared.inputs, ...prepared.outputs].reduce((s, t) => s + align4(t.size * BYTES[t.dtype]), 0);
  const stack = opts.stackBytes ?? Math.max(DEFAULT_STACK, sizes.stackBytes);
  const macs = perLayer.reduce((s, l) => s + l.macs, 0);

  const assumptions = [
    `estimate: ${board.core} at ${(clockHz / 1e6).toFixed(clockHz % 1e6 ? 2 : 0)} MHz${opts.clockHz ? '' : ' (the board\'s default clock)'}`,
    `latency: Σ per-op instructions from linear models fitted on QEMU instruction counts of MLForge's kernels (${timing.cpu}, ${timing.machine ?? 'not run'}, gcc ${table.generated.opt}) × ${cm.cpi} cycles per instruction; ${cm.why}`,
    ...(cm.instructionScale !== 1 ? [`instructions scaled ×${cm.instructionScale} from the ${cm.instructions} code`] : []),
    ...(portable ? [`${board.name} has no DSP extension: the portable kernel paths, timed as the Cortex-M3 build`] : []),
    'cycles assume zero-wait-state code and data (TCM/SRAM, or flash behind an accelerator); flash wait states and caches at high clocks add to it',
    `flash: weights, biases and requantization parameters ${weights} B (exact); kernel objects ${kernelCode} B (${kernels.join(', ')}; whole files measured with ${sizes.cpu} ${sizes.cflags.join(' ')}, an upper bound of what --gc-sections keeps); glue and C runtime ${other} B (measured model.c per op kind + ${GLUE_MARGIN_PER_OP} B per op, libgcc/libc/libm members the kernels pull in)`,
    ...(cm.sizeScale !== 1 ? [`sizes scaled ×${cm.sizeScale} from the ${cm.sizes} build`] : []),
    `SRAM: the memory planner's arena ${plan.arenaBytes} B (${plan.strategy}, the C export's own layout); ${io} B for one application-side copy of the input and output (the arena's copies are overwritten by the next invoke); stack allowance ${stack} B (deepest kernel chain measured: ${sizes.stackBytes} B)`,
    'not included: the application, RTOS, feature extraction and their buffers (the spec reserves room for them)',
  ];
  return {
    estimate: true, model: int8.meta.name, board: board.name, core: board.core, clockHz,
    flashBytes: weights + kernelCode + other, flash: { weights, kernelCode, other },
    sramBytes: plan.arenaBytes + io + stack, sram: { arena: plan.arenaBytes, io, stack },
    latencyMs: (cycles / clockHz) * 1000, cycles, instructions, macs, kernels, perLayer, assumptions,
  };
}
