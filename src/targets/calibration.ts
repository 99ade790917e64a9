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
import type { DType, Int8Model } from '../ir/int8.js';
import { calibrationCases, OneOp, type CalibrationCase } from './calibration-cases.js';
import { fitVariants } from './fit.js';
import { CalibrationTable, constantBytes, type OpFit, type ProfileMeasurement } from './cost.js';
import { opWork } from './op-work.js';

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

