/**
 * verify: does the exported C code compute what MLForge computes in process,
 * and what does it cost on the target?
 *
 *   export (exportC) → N inputs → in-process int8 evaluation (expected bytes)
 *   → build the harness for the target → run it (host executable, or QEMU)
 *   → compare every output byte; report instructions per inference (QEMU,
 *   -icount), section sizes (arm-none-eabi-size -A, ld map) and the arena.
 *
 * A model with a front end (`features`, `anomaly`) is fed raw windows instead
 * and also compared with its TypeScript twin (features-verify.ts).
 *
 * Deliberately not here: cycle estimates (instructions are what QEMU can
 * count exactly; the latency model in `targets` turns them into cycles).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportC, testInputs, type AnomalySpec, type PlanOptions } from '../codegen/index.js';
import type { FeatureInput } from '../dsp/index.js';
import { createInterpreter, nativeInt8Available, type Int8Backend, type PreparedOp, type TensorData } from '../engine/int8/index.js';
import type { Rounding } from '../engine/int8/types.js';
import { MlforgeError } from '../errors.js';
import type { Int8Model } from '../ir/int8.js';
import { buildHarness, type CompileOptions } from './compile.js';
import { compareFrontEnd, prepareFrontEnd, type FrontEndReport, type FrontEndRun } from './features-verify.js';
import { isTarget, MPS2_BOARDS, TARGETS, type Target } from './cortex-m/index.js';
import { CALIBRATION_LOOPS, TIMING_MAGIC } from './harness.js';
import { runQemu } from './qemu.js';
import { parseMapFile, parseSizeA, sumSizes, type SectionSizes } from './size.js';
import { commandLine, requireTool, runTool } from './toolchain.js';

export interface VerifyOptions extends CompileOptions {
  target: Target;
  /** Number of test inputs (default 100); ignored when `samples` is given. */
  inputs?: number;
  /** Explicit samples: one array per model input each. */
  samples?: readonly (readonly TensorData[])[];
  seed?: number;
  /** Folder for the export and the build (default: a fresh temporary folder, removed afterwards). */
  workDir?: string;
  /** Keep a temporary work folder. */
  keep?: boolean;
  rounding?: Rounding;
  plan?: PlanOptions;
  /** In-process kernels for the expected bytes (default: native when built, else reference). */
  backend?: Int8Backend;
  /** The model's feature block (an int8 model folder's `features`): the device is fed raw windows. */
  features?: FeatureInput;
  normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** Autoencoders: the anomaly threshold; the device also computes mlforge_anomaly_score. */
  anomaly?: AnomalySpec;
  /** Raw windows for a model with features (default: `inputs` random windows, see randomRawWindows). */
  raw?: readonly ArrayLike<number>[];
}

export interface Mismatch {
  sample: number;
  output: number;
  index: number;
  expected: number;
  actual: number;
}

export interface InstructionCount {
  /** Mean, min and max instructions per inference over all samples. */
  perInference: number;
  min: number;
  max: number;
  perMac: number | null;
  /** SysTick ticks are converted with this many instructions per tick: 1e9 / sysclk at icount shift 0. */
  instructionsPerTick: number;
  /** A loop of known length measured on the same run: its instructions per tick. */
  calibration: { instructions: number; ticks: number; instructionsPerTick: number };
  /** The calibration agrees with the clock within 2 %, and instructions per MAC are in [0.2, 200]. */
  plausible: boolean;
}

export interface VerifyReport {
  target: Target;
  model: string;
  samples: number;
  /** Samples with at least one differing output byte. */
  mismatches: number;
  mismatchedBytes: number;
  firstMismatches: Mismatch[];
  /** Which in-process kernels produced the expected bytes. */
  backend: Int8Backend;
  arenaBytes: number;
  macs: number;
  machine?: string;
  instructions?: InstructionCount;
  /** Host only: wall-clock nanoseconds per inference (mean). */
  hostNsPerInference?: number;
  /** Cortex-M only: the whole image, and the model's own share (model.o + kernels) after --gc-sections. */
  size?: { image: SectionSizes; model: SectionSizes; features?: SectionSizes };
  /** Models with a front end: the device against the TypeScript twin. */
  frontEnd?: FrontEndReport;
  commands: { build: string[]; run: string };
  workDir?: string;
}

/** Multiply-accumulates of conv, depthwise and fully-connected ops. */
export function int8Macs(ops: readonly PreparedOp[]): number {
  let macs = 0;
  for (const op of ops) {
    if (op.kind === 'conv2d') {
      const p = op.params;
      macs += p.output.n * p.output.h * p.output.w * p.output.c * p.filter.h * p.filter.w * p.input.c;
    } else if (op.kind === 'depthwise_conv2d') {
      const p = op.params;
      macs += p.output.n * p.output.h * p.output.w * p.output.c * p.filter.h * p.filter.w;
    } else if (op.kind === 'fully_connected') {
      macs += op.params.batches * op.params.outDepth * op.params.accumDepth;
    }
  }
  return macs;
}

const bytesOf = (x: TensorData): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

/**
 * Exports `model`, runs it on the target and compares with in-process evaluation.
 *
 * @example
 * const r = await verify(model, { target: 'cortex-m4', inputs: 100 });
 * r.mismatches;                       // 0
 * r.instructions?.perInference;       // e.g. 4.1e6
 */
export async function verify(model: Int8Model, opts: VerifyOptions): Promise<VerifyReport> {
  if (!isTarget(opts.target)) {
    throw new MlforgeError('BAD_INPUT', `expected a target among ${TARGETS.join(', ')}, got "${String(opts.target)}"`);
  }
  const target = opts.target;
  const count = (opts.features ? opts.raw?.length : undefined) ?? opts.samples?.length ?? opts.inputs ?? 100;
  if (!Number.isInteger(count) || count < 1) throw new MlforgeError('BAD_INPUT', `expected at least 1 test input for verify, got ${count}`);
  if (target !== 'host') {
    requireTool('arm-none-eabi-gcc');
    requireTool('arm-none-eabi-size');
    requireTool('qemu-system-arm');
  }
  const temporary = !opts.workDir;
  const workDir = opts.workDir ? path.resolve(opts.workDir) : mkdtempSync(path.join(os.tmpdir(), 'mlforge-verify-'));
  try {
    return await run(model, opts, target, workDir, temporary);
  } finally {
    if (temporary && !opts.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

async function run(model: Int8Model, opts: VerifyOptions, target: Target, workDir: string, temporary: boolean): Promise<VerifyReport> {
  const backend = opts.backend ?? (nativeInt8Available() ? 'native' : 'reference');
  const exportDir = path.join(workDir, 'export');
  const buildDir = path.join(workDir, `build-${target}`);
  mkdirSync(buildDir, { recursive: true });
  const { cModel, plan } = exportC(model, exportDir, {
    rounding: opts.rounding, plan: opts.plan, backend, features: opts.features, normalization: opts.normalization, anomaly: opts.anomaly,
  });
  const prepared = cModel.prepared;

  let count = (opts.features ? opts.raw?.length : undefined) ?? opts.samples?.length ?? opts.inputs ?? 100;
  const interpreter = createInterpreter(model, { rounding: prepared.rounding, backend });
  const sampleInputs = (): TensorData[][] => testInputs(prepared.inputs, count, opts.seed ?? 0);
  let expected: TensorData[][] = [];
  let frontEnd: FrontEndRun | undefined;
  if (cModel.frontEnd) {
    frontEnd = prepareFrontEnd(cModel.frontEnd, interpreter, buildDir, { raw: opts.raw, samples: opts.samples, count, seed: opts.seed ?? 0, sampleInputs });
    count = frontEnd.count;
  } else {
    const samples = opts.samples ?? sampleInputs();
    expected = samples.map((s) => interpreter.invoke(s));
    writeFileSync(path.join(buildDir, 'inputs.bin'), Buffer.concat(samples.flatMap((s) => s.map(bytesOf))));
  }

  const build = await buildHarness(cModel, exportDir, buildDir, target, count, opts);
  const timeoutMs = opts.timeoutMs ?? 600_000;
  let runCommand: string;
  let exit: { code: number; stderr: string; stdout: string };
  if (target === 'host') {
    runCommand = commandLine(build.image, []);
    exit = await runTool(build.image, [], { cwd: buildDir, timeoutMs, allowFailure: true });
  } else {
    const r = await runQemu(target, build.image, { cwd: buildDir, timeoutMs });
    runCommand = r.command;
    exit = r;
  }
  if (exit.code !== 0) {
    const said = `${exit.stdout}${exit.stderr}`.trim().split('\n').slice(0, 4).join(' | ');
    throw new MlforgeError('TOOL', `the ${target} harness exited with code ${exit.code}${said ? `: ${said}` : ''}`,
      `rerun it: cd ${buildDir} && ${runCommand}`);
  }

  // Compare every output byte.
  const outBytes = prepared.outputs.map((o) => (o.dtype === 'float32' ? 4 : 1) * o.size);
  const perSample = outBytes.reduce((a, b) => a + b, 0);
  const got = readFileSync(path.join(buildDir, 'outputs.bin'));
  if (got.length !== perSample * count) {
    throw new MlforgeError('TOOL', `expected ${perSample * count} bytes in outputs.bin from the ${target} harness, got ${got.length}`);
  }
  let frontEndReport: FrontEndReport | undefined;
  if (frontEnd) {
    const outs = Array.from({ length: count }, (_, k) => new Int8Array(got.buffer.slice(got.byteOffset + k * perSample, got.byteOffset + (k + 1) * perSample)));
    const classifier = !frontEnd.fe.anomaly && (model.ops.at(-1)?.options.kind === 'softmax' || (model.meta.labels?.length ?? 0) > 1);
    const perTick = target === 'host' ? undefined : 1e9 / MPS2_BOARDS[target].sysclkHz;
    const r = compareFrontEnd(frontEnd, readFileSync(path.join(buildDir, 'frontend.bin')), outs, interpreter, classifier, perTick);
    expected = r.expected;
    frontEndReport = r.report;
  }
  let mismatches = 0;
  let mismatchedBytes = 0;
  const firstMismatches: Mismatch[] = [];
  expected.forEach((outs, k) => {
    let offset = k * perSample;
    let bad = false;
    outs.forEach((y, o) => {
      const want = bytesOf(y);
      const have = got.subarray(offset, offset + want.length);
      for (let i = 0; i < want.length; i++) {
        if (want[i] === have[i]) continue;
        bad = true;
        mismatchedBytes++;
        if (firstMismatches.length < 8) {
          firstMismatches.push({ sample: k, output: o, index: i, expected: (want[i]! << 24) >> 24, actual: (have[i]! << 24) >> 24 });
        }
      }
      offset += want.length;
    });
    if (bad) mismatches++;
  });

  const macs = int8Macs(prepared.ops);
  const timing = readTiming(path.join(buildDir, 'timing.bin'), count);
  const report: VerifyReport = {
    target, model: model.meta.name, samples: count, mismatches, mismatchedBytes, firstMismatches, backend,
    arenaBytes: plan.arenaBytes, macs,
    ...(frontEndReport ? { frontEnd: frontEndReport } : {}),
    commands: { build: build.commands, run: runCommand },
    ...(temporary && !opts.keep ? {} : { workDir }),
  };
  if (target === 'host') {
    report.hostNsPerInference = timing.ticks.reduce((a, b) => a + b, 0) / count;
  } else {
    const board = MPS2_BOARDS[target];
    report.machine = board.machine;
    const perTick = 1e9 / board.sysclkHz; // icount shift 0: 1 instruction per ns
    const calibrated = timing.calibrationTicks > 0 ? timing.calibrationInstructions / timing.calibrationTicks : 0;
    const instr = timing.ticks.map((t) => t * perTick);
    const mean = instr.reduce((a, b) => a + b, 0) / count;
    const perMac = macs > 0 ? mean / macs : null;
    report.instructions = {
      perInference: Math.round(mean), min: Math.min(...instr), max: Math.max(...instr), perMac,
      instructionsPerTick: perTick,
      calibration: { instructions: timing.calibrationInstructions, ticks: timing.calibrationTicks, instructionsPerTick: calibrated },
      plausible: Math.abs(calibrated - perTick) / perTick < 0.02 && (perMac === null || (perMac >= 0.2 && perMac <= 200)),
    };
    const sizeOut = await runTool('arm-none-eabi-size', ['-A', build.image], { cwd: buildDir });
    const perFile = parseMapFile(readFileSync(build.mapFile!, 'utf8'));
    const modelFiles = new Set(build.modelObjects.map((f) => path.resolve(f)));
    report.size = {
      image: parseSizeA(sizeOut.stdout),
      model: sumSizes([...perFile].filter(([f]) => modelFiles.has(path.resolve(buildDir, f))).map(([, s]) => s)),
    };
    if (cModel.frontEnd?.features) {
      // The DSP sources and tables; mlforge_features itself, mean/std and its scratch sit in model.o.
      const dsp = new Set(build.modelObjects.filter((f) => /(^|[\\/])(mlforge_dsp|dsp_[^\\/]*)\.o$/.test(f)).map((f) => path.resolve(f)));
      report.size.features = sumSizes([...perFile].filter(([f]) => dsp.has(path.resolve(buildDir, f))).map(([, s]) => s));
    }
  }
  return report;
}

interface Timing {
  calibrationInstructions: number;
  calibrationTicks: number;
  ticks: number[];
}

function readTiming(file: string, count: number): Timing {
  const b = readFileSync(file);
  if (b.length !== 16 + 8 * count || b.readUInt32LE(0) !== TIMING_MAGIC || b.readUInt32LE(4) !== 1) {
    throw new MlforgeError('TOOL', `expected ${16 + 8 * count} bytes of timing (magic MLFT, version 1) in ${file}, got ${b.length}`);
  }
  const ticks: number[] = [];
  for (let k = 0; k < count; k++) ticks.push(b.readUInt32LE(16 + 8 * k) + b.readUInt32LE(20 + 8 * k) * 2 ** 32);
  const calibrationInstructions = b.readUInt32LE(8);
  if (calibrationInstructions !== 2 * CALIBRATION_LOOPS) throw new MlforgeError('INTERNAL', `unexpected calibration length ${calibrationInstructions} in ${file}`);
  return { calibrationInstructions, calibrationTicks: b.readUInt32LE(12), ticks };
}
