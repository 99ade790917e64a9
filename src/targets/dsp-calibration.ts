/**
 * `mlforge calibrate --dsp`: measures the latency model of the on-device
 * feature blocks (native/dsp) and writes src/targets/dsp-calibration.json,
 * which dsp-cost.ts reads (committed, so costing never needs QEMU).
 *
 * Per profile — `fpu`: Cortex-M4 code with the single-precision FPU
 * (-mfloat-abi=hard -mfpu=fpv4-sp-d16) on QEMU mps2-an386; `soft`: Cortex-M0+
 * code with software floating point on the Cortex-M3 machine (every Armv6-M
 * instruction is an Armv7-M one, so the count is the M0+ code's own) — one
 * image runs ~a dozen feature configs (audio MFCC / log-mel / spectrogram
 * over frame lengths, strides and input lengths; motion over axes, windows,
 * bands and statistics), each timed with SysTick under `-icount shift=0`
 * (ticks are instructions). instructions = perMac·MACs +
 * perTranscendental·(logf/sqrtf) + perSample·(raw input floats) is fitted by
 * non-negative least squares on relative error (featureCost counts the MACs
 * and calls). Code bytes: an image calling both blocks minus an empty one.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emitPlatformH } from '../deploy/harness.js';
import {
  emitLinkerScript, emitSemihostC, emitStartupC, MPS2_BOARDS, requireTool, runQemu, runTool, WARNINGS, type CortexMTarget,
} from '../deploy/index.js';
import {
  dspSourceFiles, dspSourcesDir, emitDspTables, featureCost, featureShape, parseFeatureConfig, scratchFloats,
  type FeatureConfig, type FeatureInput,
} from '../dsp/index.js';
import { MlforgeError } from '../errors.js';
import { readTimingFile, timingHeaderC, TIMING_WRITE_C } from './timing-file.js';
import { loadBytes } from './calibration.js';
import { fitNonNegative } from './fit.js';
import { DspCalibrationTable, type DspFitClass, type DspProfileFit } from './dsp-cost.js';

// ---------------------------------------------------------------- profiles

export interface DspProfile {
  /** gcc -mcpu */
  readonly cpu: string;
  readonly floatAbi: 'hard' | 'soft';
  /** gcc -mfpu (hard float only). */
  readonly fpu?: string;
  /** The QEMU board that runs the code. */
  readonly run: CortexMTarget;
}

export const DSP_PROFILES: Readonly<Record<DspFitClass, DspProfile>> = {
  fpu: { cpu: 'cortex-m4', floatAbi: 'hard', fpu: 'fpv4-sp-d16', run: 'cortex-m4' },
  soft: { cpu: 'cortex-m0plus', floatAbi: 'soft', run: 'cortex-m3' },
};

const OPT = '-O2';

/** The flags a feature block compiles with on a profile (an export's, with the float ABI of the fit). */
export function dspProfileFlags(p: DspProfile): string[] {
  return [
    ...WARNINGS, OPT, `-mcpu=${p.cpu}`, '-mthumb', `-mfloat-abi=${p.floatAbi}`, ...(p.fpu ? [`-mfpu=${p.fpu}`] : []),
    '-ffunction-sections', '-fdata-sections',
  ];
}

const LDFLAGS = ['-nostartfiles', '--specs=nano.specs', '--specs=nosys.specs', '-Wl,--gc-sections'];

// ---------------------------------------------------------------- cases

export interface DspCase {
  readonly name: string;
  readonly config: FeatureConfig;
}

const dspCase = (name: string, input: FeatureInput): DspCase => ({ name, config: parseFeatureConfig(input, name) });

/** The fit set: audio and motion blocks spanning the sizes the search and the presets use. */
export function dspCalibrationCases(): DspCase[] {
  return [
    dspCase('mfcc 16k f640/320 40mel 10c', { kind: 'mfcc', sampleRate: 16000, inputLength: 16000, frameLength: 640, frameStride: 320, melBins: 40, numCoeffs: 10 }),
    dspCase('mfcc 16k f1024/512 64mel 13c cmn', { kind: 'mfcc', sampleRate: 16000, inputLength: 16000, frameLength: 1024, frameStride: 512, melBins: 64, numCoeffs: 13, cmn: true }),
    dspCase('logmel 16k f512/256 40mel', { kind: 'logmel', sampleRate: 16000, inputLength: 16000, frameLength: 512, frameStride: 256, melBins: 40 }),
    dspCase('logmel 8k@4000 f256/128 32mel', { kind: 'logmel', sampleRate: 8000, inputLength: 4000, frameLength: 256, frameStride: 128, melBins: 32 }),
    dspCase('spectrogram 16k f256/128 log', { kind: 'spectrogram', sampleRate: 16000, inputLength: 16000, frameLength: 256, frameStride: 128 }),
    dspCase('spectrogram 16k f480/160 fft512 linear', { kind: 'spectrogram', sampleRate: 16000, inputLength: 16000, frameLength: 480, frameStride: 160, log: false }),
    dspCase('motion 3x128 8 bands all stats', { kind: 'motion', sampleRate: 100, axes: 3, windowLength: 128, bands: 8 }),
    dspCase('motion 1x1024 32 bands no stats', { kind: 'motion', sampleRate: 1000, axes: 1, windowLength: 1024, bands: 32, stats: [] }),
    dspCase('motion 3x256 stats only', { kind: 'motion', sampleRate: 100, axes: 3, windowLength: 256, bands: 0 }),
    dspCase('motion 2x512 16 bands mean/std no window', { kind: 'motion', sampleRate: 400, axes: 2, windowLength: 512, bands: 16, stats: ['mean', 'std'], window: 'none' }),
    dspCase('motion 3x1024 0 bands mean/rms', { kind: 'motion', sampleRate: 200, axes: 3, windowLength: 1024, bands: 0, stats: ['mean', 'rms'] }),
  ];
}

/** Raw floats per window (samples × axes). */
export const dspInputFloats = (c: FeatureConfig): number => (c.kind === 'motion' ? c.windowLength * c.axes : c.inputLength);

// ---------------------------------------------------------------- the timing image

export const DSP_CALIBRATION_MAGIC = 0x44464c4d; // "MLFD"
/** Runs per block: the first call is timed like the others (no caches under QEMU), the mean is kept. */
export const DSP_REPS = 2;

/** dsp_cases.c (each case's tables, named mlf_dsp<k>) and dsp_main.c (fill an input, time DSP_REPS calls, write ticks). */
export function emitDspCalibrationC(cases: readonly DspCase[]): { tables: string; main: string } {
  const tables = cases.map((c, k) => emitDspTables(c.config, `mlf_dsp${k}`)).join('\n');
  const maxIn = Math.max(...cases.map((c) => dspInputFloats(c.config)));
  const maxOut = Math.max(...cases.map((c) => featureShape(c.config).reduce((a, b) => a * b, 1)));
  const maxScratch = Math.max(1, ...cases.map((c) => scratchFloats(c.config)));
  const decls = cases.map((c, k) => `extern const ${c.config.kind === 'motion' ? 'mlf_motion_features_t' : 'mlf_audio_features_t'} mlf_dsp${k};`);
  const runs = cases.map((c, k) => `static void mlf_dsp_run${k}(void) { ${c.config.kind === 'motion' ? 'mlf_motion_features' : 'mlf_audio_features'}(&mlf_dsp${k}, mlf_in, mlf_out, mlf_scratch); }`);
  // Audio: noise in ±0.5; motion: axis 0 carries 1 g of gravity, all axes ±0.5 g of noise.
  const fill = cases.map((c) => (c.config.kind === 'motion' ? `{ ${dspInputFloats(c.config)}, ${c.config.axes} }` : `{ ${c.config.inputLength}, 0 }`));
  const n = cases.length;
  const main = `/* dsp_main.c — MLForge DSP calibration: ${n} feature blocks timed under QEMU (generated). */
#include <stdint.h>

#include "mlf_features.h"
#include "mlf_platform.h"

${decls.join('\n')}

static float mlf_in[${maxIn}];
static float mlf_out[${maxOut}];
static float mlf_scratch[${maxScratch}];

${runs.join('\n')}

typedef void (*mlf_dsp_fn)(void);
static const mlf_dsp_fn mlf_dsp_fns[${n}] = { ${cases.map((_, k) => `mlf_dsp_run${k}`).join(', ')} };
/* Input floats and, for motion, axes (0: audio). */
static const int32_t mlf_dsp_fill[${n}][2] = { ${fill.join(', ')} };

${TIMING_WRITE_C}

static void mlf_fill(int32_t k, uint32_t *s) {
  int32_t i;
  for (i = 0; i < mlf_dsp_fill[k][0]; ++i) {
    float v;
    *s = *s * 1664525u + 1013904223u;
    v = (float)((int32_t)(*s >> 16) - 32768) / 65536.0f;
    mlf_in[i] = mlf_dsp_fill[k][1] > 0 && i % mlf_dsp_fill[k][1] == 0 ? 1.0f + v : v;
  }
}

int main(void) {
  int32_t timing, k;
  uint32_t r, s = 12345u;
  uint64_t t0, t1;
${timingHeaderC(DSP_CALIBRATION_MAGIC, n)}
  for (k = 0; k < ${n}; ++k) {
    mlf_fill(k, &s);
    t0 = mlf_platform_ticks();
    for (r = 0; r < ${DSP_REPS}u; ++r) mlf_dsp_fns[k]();
    t1 = mlf_platform_ticks();
    mlf_write_u32(timing, (uint32_t)(t1 - t0));
    mlf_write_u32(timing, (uint32_t)((t1 - t0) >> 32));
  }
  mlf_platform_close(timing);
  return 0;
}
`;
  return { tables, main };
}

/** The platform files and the DSP sources of an image, written to `dir`; returns the .c files to compile. */
function writeSupport(dir: string, p: DspProfile): string[] {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'mlf_platform.h'), emitPlatformH());
  writeFileSync(path.join(dir, 'startup.c'), emitStartupC());
  writeFileSync(path.join(dir, 'semihost.c'), emitSemihostC());
  writeFileSync(path.join(dir, 'board.ld'), emitLinkerScript(MPS2_BOARDS[p.run]));
  return ['startup.c', 'semihost.c'].map((f) => path.join(dir, f));
}

const dspSources = (): string[] => dspSourceFiles().filter((f) => f.endsWith('.c')).map((f) => path.join(dspSourcesDir(), f));

async function link(dir: string, p: DspProfile, sources: readonly string[], image: string): Promise<void> {
  const flags = dspProfileFlags(p);
  // The platform files (startup, semihosting) are the run machine's own: their asm is Armv7-M, and they are not measured.
  const platformFlags = dspProfileFlags({ ...p, cpu: MPS2_BOARDS[p.run].cpu });
  const objects: string[] = [];
  await Promise.all(sources.map(async (src) => {
    const obj = path.join(dir, `${path.basename(image, '.elf')}_${path.basename(src).replace(/\.c$/, '.o')}`);
    objects.push(obj);
    const f = /(startup|semihost)\.c$/.test(src) ? platformFlags : flags;
    await runTool('arm-none-eabi-gcc', [...f, `-I${dspSourcesDir()}`, `-I${dir}`, '-c', src, '-o', obj], { cwd: dir });
  }));
  await runTool('arm-none-eabi-gcc', [...flags, ...LDFLAGS, '-T', path.join(dir, 'board.ld'), '-o', image, ...objects.sort(), '-lm'], { cwd: dir });
}

export interface DspMeasurement {
  readonly case: string;
  readonly macs: number;
  readonly transcendentals: number;
  /** Raw input floats. */
  readonly samples: number;
  /** Instructions per call (mean of DSP_REPS). */
  readonly instructions: number;
}

/** Builds one image with every case on profile `p` in `dir`, runs it on QEMU and returns instructions per call. */
export async function measureDspCases(cases: readonly DspCase[], p: DspProfile, dir: string): Promise<DspMeasurement[]> {
  for (const t of ['arm-none-eabi-gcc', 'qemu-system-arm']) requireTool(t);
  const platform = writeSupport(dir, p);
  const { tables, main } = emitDspCalibrationC(cases);
  writeFileSync(path.join(dir, 'dsp_cases.c'), tables);
  writeFileSync(path.join(dir, 'dsp_main.c'), main);
  const image = path.join(dir, 'dsp.elf');
  await link(dir, p, [...dspSources(), path.join(dir, 'dsp_cases.c'), path.join(dir, 'dsp_main.c'), ...platform], image);
  const r = await runQemu(p.run, image, { cwd: dir, timeoutMs: 1_800_000 });
  if (r.code !== 0) {
    throw new MlforgeError('TOOL', `the DSP calibration image exited with code ${r.code} on ${p.run}: ${(r.stdout + r.stderr).trim().slice(0, 300)}`, `rerun: cd ${dir} && ${r.command}`);
  }
  const ticks = readTimingFile(path.join(dir, 'timing.bin'), DSP_CALIBRATION_MAGIC, cases.length, MPS2_BOARDS[p.run].sysclkHz, 'DSP');
  return cases.map((c, k) => {
    const cost = featureCost(c.config);
    return {
      case: c.name, macs: Math.round(cost.macs), transcendentals: cost.transcendentals, samples: dspInputFloats(c.config),
      instructions: Math.round(ticks[k]! / DSP_REPS),
    };
  });
}

/** Linked bytes (text + rodata + data) of native/dsp with what it pulls from libm/libgcc: an image calling both blocks minus an empty one. */
export async function measureDspCodeBytes(p: DspProfile, dir: string): Promise<number> {
  const platform = writeSupport(dir, p);
  const uses = `/* Calls both blocks through configs the compiler cannot see. */
#include <stddef.h>
#include "mlf_features.h"
static float mlf_buf[4];
const mlf_audio_features_t *volatile mlf_audio_config = NULL;
const mlf_motion_features_t *volatile mlf_motion_config = NULL;
int main(void) {
  if (mlf_audio_config) mlf_audio_features(mlf_audio_config, mlf_buf, mlf_buf, mlf_buf);
  if (mlf_motion_config) mlf_motion_features(mlf_motion_config, mlf_buf, mlf_buf, mlf_buf);
  return 0;
}
`;
  const empty = `/* The same program without the blocks. */
#include <stddef.h>
const void *volatile mlf_audio_config = NULL;
const void *volatile mlf_motion_config = NULL;
int main(void) { return mlf_audio_config || mlf_motion_config ? 1 : 0; }
`;
  writeFileSync(path.join(dir, 'size_uses.c'), uses);
  writeFileSync(path.join(dir, 'size_empty.c'), empty);
  await link(dir, p, [...dspSources(), path.join(dir, 'size_uses.c'), ...platform], path.join(dir, 'uses.elf'));
  await link(dir, p, [path.join(dir, 'size_empty.c'), ...platform], path.join(dir, 'empty.elf'));
  const size = async (f: string) => loadBytes((await runTool('arm-none-eabi-size', ['-A', f], { cwd: dir })).stdout).load;
  return (await size(path.join(dir, 'uses.elf'))) - (await size(path.join(dir, 'empty.elf')));
}

// ---------------------------------------------------------------- fitting

export interface DspFitResult {
  readonly perMac: number;
  readonly perTranscendental: number;
  readonly perSample: number;
  readonly rmsRelErr: number;
  readonly maxRelErr: number;
}

/** instructions ≈ perMac·macs + perTranscendental·transcendentals + perSample·samples, c ≥ 0, least squares on relative error. */
export function fitDsp(samples: readonly DspMeasurement[]): DspFitResult {
  if (samples.length < 4) throw new MlforgeError('BAD_INPUT', `a DSP fit needs at least 4 measured blocks, got ${samples.length}`);
  const rows = samples.map((s) => [s.macs, s.transcendentals, s.samples]);
  const y = samples.map((s) => s.instructions);
  const [perMac, perTranscendental, perSample] = fitNonNegative(rows, y).map((c) => Number(c.toPrecision(4))) as [number, number, number];
  const rel = samples.map((s) => (perMac * s.macs + perTranscendental * s.transcendentals + perSample * s.samples) / s.instructions - 1);
  return {
    perMac, perTranscendental, perSample,
    rmsRelErr: Number(Math.sqrt(rel.reduce((a, e) => a + e * e, 0) / rel.length).toFixed(4)),
    maxRelErr: Number(Math.max(...rel.map(Math.abs)).toFixed(4)),
  };
}

// ---------------------------------------------------------------- the command

export interface DspCalibrateOptions {
  /** Keep the builds in this folder. */
  workDir?: string;
  /** The command line recorded in the table. */
  command?: string;
  onProgress?: (message: string) => void;
}

/** Measures both fits (fpu, soft) and returns the table (written by the caller with formatDspTable). */
export async function calibrateDsp(o: DspCalibrateOptions = {}): Promise<{ table: DspCalibrationTable; seconds: number }> {
  const started = Date.now();
  const log = o.onProgress ?? (() => {});
  for (const t of ['arm-none-eabi-gcc', 'arm-none-eabi-size', 'qemu-system-arm']) requireTool(t);
  const work = o.workDir ? path.resolve(o.workDir) : mkdtempSync(path.join(os.tmpdir(), 'mlforge-calibrate-dsp-'));
  mkdirSync(work, { recursive: true });
  try {
    const cases = dspCalibrationCases();
    const fits = {} as Record<DspFitClass, DspProfileFit>;
    await Promise.all((Object.keys(DSP_PROFILES) as DspFitClass[]).map(async (name) => {
      const p = DSP_PROFILES[name];
      log(`dsp ${name}: ${cases.length} feature blocks, ${p.cpu} ${p.floatAbi}-float on QEMU ${MPS2_BOARDS[p.run].machine}`);
      const [measured, codeBytes] = await Promise.all([
        measureDspCases(cases, p, path.join(work, name, 'timing')),
        measureDspCodeBytes(p, path.join(work, name, 'size')),
      ]);
      const f = fitDsp(measured);
      log(`dsp ${name}: perMac ${f.perMac}, perTranscendental ${f.perTranscendental}, perSample ${f.perSample}; rms ${(100 * f.rmsRelErr).toFixed(1)} % max ${(100 * f.maxRelErr).toFixed(1)} %; code ${codeBytes} B`);
      fits[name] = {
        cpu: p.cpu, machine: MPS2_BOARDS[p.run].machine, cflags: dspProfileFlags(p), ...f, codeBytes,
        cases: measured.map((m) => ({
          ...m, estimated: Math.round(f.perMac * m.macs + f.perTranscendental * m.transcendentals + f.perSample * m.samples),
        })),
      };
    }));
    const [gcc, qemu] = await Promise.all([
      runTool('arm-none-eabi-gcc', ['--version'], { cwd: work }), runTool('qemu-system-arm', ['--version'], { cwd: work }),
    ]);
    const seconds = Math.round((Date.now() - started) / 1000);
    const table = DspCalibrationTable.parse({
      format: 'mlforge.dsp-calibration', version: 1,
      generated: {
        date: new Date().toISOString(), command: o.command ?? 'mlforge calibrate --dsp', seconds,
        gcc: gcc.stdout.split('\n')[0]!.trim(), qemu: qemu.stdout.split('\n')[0]!.trim(), reps: DSP_REPS,
      },
      fits: { fpu: fits.fpu, soft: fits.soft },
    });
    return { table, seconds };
  } finally {
    if (!o.workDir) rmSync(work, { recursive: true, force: true });
  }
}

/** The table as committed: two-space JSON, one measured case per line. */
export function formatDspTable(t: DspCalibrationTable): string {
  return `${JSON.stringify(t, null, 2)
    .replace(/\{\s+("case"[^{}]*?)\s+\}/g, (_, inner: string) => `{ ${inner.replace(/\s*\n\s*/g, ' ')} }`)
    .replace(/\[\s+([^[\]{}]*?)\s+\]/g, (_, inner: string) => `[${inner.replace(/\s*\n\s*/g, ' ')}]`)}\n`;
}
