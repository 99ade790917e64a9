/**
 * exportC: an int8 model → a self-contained C99 folder.
 *
 *   OUT/model.h, OUT/model.c      the API, weights, arena, op sequence
 *   OUT/kernels/*.{c,h}           the kernel sources this model uses (copied from native/kernels)
 *   OUT/mlforge_dsp.{c,h}, OUT/dsp/   with `features`: the DSP config and tables, and the
 *                                 DSP sources (copied from native/dsp); model.h gains
 *                                 mlforge_features (and, with `anomaly`, mlforge_anomaly_score)
 *   OUT/Makefile, CMakeLists.txt  host or cross builds
 *   OUT/example/main.c            one inference on an embedded test vector
 *
 * The output folder is always a parameter. Kernel parameters come from the
 * int8 engine's `prepare`, the arena layout from the memory planner, and the
 * example's expected bytes from the in-process interpreter.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dspSourcesDir, type FeatureInput } from '../dsp/index.js';
import { MlforgeError } from '../errors.js';
import { createInterpreter, nativeInt8Available, prepare, type Int8Backend, type TensorData } from '../engine/int8/index.js';
import type { Rounding } from '../engine/int8/types.js';
import type { Int8Model } from '../ir/int8.js';
import { VERSION } from '../version.js';
import { emitCMakeLists, emitMakefile } from './emit/build.js';
import { emitExampleMain } from './emit/example.js';
import { DSP_DIR, dspSourcesFor, frontEndFiles } from './emit/features.js';
import { emitModelC } from './emit/model-c.js';
import { emitModelH } from './emit/model-h.js';
import type { CModel } from './emit/types.js';
import { resolveFrontEnd, type AnomalySpec } from './front-end.js';
import { kernelHeaders, kernelSourcesFor, kernelsDir } from './kernels.js';
import { planMemory, type MemoryPlan, type PlanOptions } from './planner.js';
import { testInput } from './test-inputs.js';

export interface ExportCOptions {
  /** Memory planner options (default: optimized, 16-byte alignment). */
  plan?: PlanOptions;
  /** Requantization rounding (default 'double', what TFLite Micro ships). */
  rounding?: Rounding;
  /** Input(s) of the example's test vector (default: a deterministic pattern). */
  testInputs?: readonly TensorData[];
  /** In-process kernels for the example's expected output (default: native when built, else reference). */
  backend?: Int8Backend;
  /** Kernel source folder (default: the package's native/kernels). */
  kernelsDir?: string;
  /** The feature block that makes the model input from a raw window (an int8 model folder's `features`). */
  features?: FeatureInput;
  /** The input normalization the model was trained with (needed with `features`). */
  normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** Autoencoders: the anomaly threshold (an int8 model folder's `anomaly`). */
  anomaly?: AnomalySpec;
}

export interface ExportCResult {
  readonly outDir: string;
  /** Written files, relative to outDir. */
  readonly files: readonly string[];
  readonly plan: MemoryPlan;
  readonly cModel: CModel;
}

/** Resolves everything the emitters need (no I/O besides running the interpreter once). */
export function resolveCModel(model: Int8Model, opts: ExportCOptions = {}): CModel {
  const rounding = opts.rounding ?? 'double';
  const prepared = prepare(model, { rounding });
  const plan = planMemory(model, opts.plan);
  const backend = opts.backend ?? (nativeInt8Available() ? 'native' : 'reference');
  const inputs = opts.testInputs ?? prepared.inputs.map((info) => testInput(info, 0));
  if (inputs.length !== prepared.inputs.length) {
    throw new MlforgeError('BAD_INPUT', `expected ${prepared.inputs.length} test input arrays for model "${model.meta.name}", got ${inputs.length}`);
  }
  const outputs = createInterpreter(model, { rounding, backend }).invoke(inputs);
  const frontEnd = resolveFrontEnd({ model, features: opts.features, normalization: opts.normalization, anomaly: opts.anomaly });
  return {
    name: model.meta.name,
    prepared,
    plan,
    kernelSources: kernelSourcesFor(prepared.ops),
    labels: model.meta.labels,
    version: VERSION,
    testVector: { inputs, outputs, backend },
    ...(frontEnd ? { frontEnd } : {}),
  };
}

/**
 * Writes a C99 export of `model` into `outDir` (created if missing).
 *
 * @example
 * const { plan, files } = exportC(model, 'out/kws-c');
 * // cd out/kws-c && make && ./example/main
 */
export function exportC(model: Int8Model, outDir: string, opts: ExportCOptions = {}): ExportCResult {
  const cModel = resolveCModel(model, opts);
  const dir = path.resolve(outDir);
  const src = kernelsDir(opts.kernelsDir);
  const files: [string, string][] = [
    ['model.h', emitModelH(cModel)],
    ['model.c', emitModelC(cModel)],
    ['Makefile', emitMakefile(cModel)],
    ['CMakeLists.txt', emitCMakeLists(cModel)],
    ['example/main.c', emitExampleMain(cModel)],
    ...frontEndFiles(cModel),
  ];
  const copies: [string, string][] = [
    ...[...kernelHeaders(src), ...cModel.kernelSources].map((f): [string, string] => [path.join(src, f), path.join('kernels', f)]),
    ...dspSourcesFor(cModel).map((f): [string, string] => [path.join(dspSourcesDir(), f), path.join(DSP_DIR, f)]),
  ];
  const copied = copies.map(([, to]) => to);
  try {
    for (const d of new Set(['kernels', 'example', ...copied.map((f) => path.dirname(f))])) mkdirSync(path.join(dir, d), { recursive: true });
    for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
    for (const [from, to] of copies) copyFileSync(from, path.join(dir, to));
  } catch (e) {
    throw new MlforgeError('BAD_INPUT', `could not write the C export to ${dir}: ${(e as Error).message}`, 'check that the output folder is writable');
  }
  return { outDir: dir, files: [...files.map(([f]) => f), ...copied], plan: cModel.plan, cModel };
}
