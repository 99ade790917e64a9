/**
 * The front end of a C export: a model without one exports exactly the plain
 * files; with `features` the export gains the DSP tables and sources,
 * mlforge_features and its macros (and mlforge_anomaly_score with `anomaly`),
 * builds warning-free with make (host cc) and cmake and for Cortex-M4, and the
 * TypeScript twin's float32 arithmetic behaves as the C (rounding half away
 * from zero, clamping, NaN low). Running it on raw windows against the twin is
 * test/deploy/features-verify.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { anomalyScore, exportC, featuresToInput, frontEndCost, rawToInput, resolveFrontEnd } from '../../src/codegen/index.js';
import { featureCost, featureExtractor, parseFeatureConfig, type FeatureInput } from '../../src/dsp/index.js';
import { referenceKernels } from '../../src/engine/kernels/reference.js';
import type { ModelInput } from '../../src/ir/index.js';
import { calibrate, foldBatchNorm, lowerToInt8, planQuantization } from '../../src/quant/index.js';
import { randomData, randomGraph } from '../quant/helpers.js';
import { zooModel } from './models.js';

const SLOW = 600_000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-fe-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const run = async (cmd: string, args: string[], cwd: string): Promise<string> =>
  (await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 24 })).stdout;

const MOTION: FeatureInput = { kind: 'motion', sampleRate: 100, axes: 3, windowLength: 128, bands: 8 }; // 3 × (6 + 8) = 42
const MFCC: FeatureInput = { kind: 'mfcc', sampleRate: 16000, inputLength: 4000, frameLength: 480, frameStride: 320, fftLength: 512, melBins: 40, numCoeffs: 13 }; // [12, 13, 1]

function int8(model: ModelInput, shape: number[], seed: number) {
  const folded = foldBatchNorm(randomGraph(model, seed));
  const plan = planQuantization(folded.resolved);
  return lowerToInt8(folded, plan, calibrate(folded, plan, randomData(shape, 32, 3, seed), referenceKernels));
}
const autoencoder = () => int8({ name: 'ae', input: { shape: [42] }, layers: [
  { name: 'enc', type: 'dense', units: 8 }, { name: 'r', type: 'relu' }, { name: 'dec', type: 'dense', units: 42 }] }, [42], 5);
const audioNet = () => int8({ name: 'kws', input: { shape: [12, 13, 1] }, layers: [
  { name: 'c', type: 'conv2d', filters: 4, kernel: 3, stride: 2 }, { name: 'r', type: 'relu' }, { name: 'f', type: 'flatten' },
  { name: 'fc', type: 'dense', units: 3 }, { name: 'sm', type: 'softmax' }] }, [12, 13, 1], 6);

const files = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name))).sort();

describe('a model without a front end', () => {
  it('exports exactly the plain files (normalization alone adds nothing)', () => {
    const m = zooModel();
    const a = exportC(m, path.join(tmp, 'plain-a'), { backend: 'reference' });
    const b = exportC(m, path.join(tmp, 'plain-b'), { backend: 'reference', normalization: { mean: [0.5], std: [2] }, features: undefined, anomaly: undefined });
    expect(b.files).toEqual(a.files);
    expect(files(b.outDir)).toEqual(files(a.outDir));
    for (const f of a.files) expect(readFileSync(path.join(b.outDir, f), 'utf8'), f).toBe(readFileSync(path.join(a.outDir, f), 'utf8'));
    expect(a.cModel.frontEnd).toBeUndefined();
    expect(a.files.some((f) => /^dsp\/|mlforge_dsp/.test(f))).toBe(false);
    expect(readFileSync(path.join(a.outDir, 'model.h'), 'utf8')).not.toMatch(/FEATURES|ANOMALY/);
    expect(readFileSync(path.join(a.outDir, 'Makefile'), 'utf8')).toContain('CPPFLAGS += -I. -Ikernels -D');
  });
});

describe('motion autoencoder with features and an anomaly threshold', () => {
  const model = autoencoder();
  const saved = { model, normalization: { mean: Array.from({ length: 42 }, (_, i) => i / 10), std: Array.from({ length: 42 }, (_, i) => 1 + i / 7) }, features: MOTION, anomaly: { threshold: 0.3, score: 'mse' as const } };
  const dir = path.join(tmp, 'motion');
  const r = exportC(model, dir, { backend: 'reference', ...saved });
  const h = readFileSync(path.join(dir, 'model.h'), 'utf8');
  const c = readFileSync(path.join(dir, 'model.c'), 'utf8');
  const fe = r.cModel.frontEnd!;

  it('writes the DSP tables and only the sources motion features use', () => {
    expect(r.files).toEqual(expect.arrayContaining(['mlforge_dsp.c', 'mlforge_dsp.h', 'dsp/mlf_features.h', 'dsp/mlf_motion.c', 'dsp/mlf_fft.c']));
    expect(r.files).not.toContain('dsp/mlf_audio.c');
    expect(readFileSync(path.join(dir, 'Makefile'), 'utf8')).toMatch(/CPPFLAGS \+= -I\. -Ikernels -Idsp[\s\S]*mlforge_dsp\.c[\s\S]*dsp\/mlf_motion\.c/);
    expect(readFileSync(path.join(dir, 'CMakeLists.txt'), 'utf8')).toContain('${CMAKE_CURRENT_SOURCE_DIR}/dsp');
  });

  it('declares mlforge_features, mlforge_anomaly_score and their sizes in model.h', () => {
    const cost = frontEndCost(fe);
    expect(h).toContain('int32_t mlforge_features(const float *raw, int8_t *input);');
    expect(h).toContain('float mlforge_anomaly_score(const int8_t *input, const int8_t *output);');
    expect(h).toContain('#define MLFORGE_FEATURES_RAW_LEN 384\n');
    expect(h).toContain('#define MLFORGE_FEATURES_LEN 42\n');
    expect(h).toContain(`#define MLFORGE_FEATURES_SCRATCH_FLOATS ${42 + 130}\n`); // features + FFT of 128 (+2)
    expect(h).toContain(`#define MLFORGE_FEATURES_SCRATCH_BYTES ${cost.ramBytes}\n`);
    expect(h).toContain('#define MLFORGE_ANOMALY_THRESHOLD 0.300000012f');
    expect(cost.constBytes).toBe(featureCost(parseFeatureConfig(MOTION)).constBytes + 42 * 8);
    expect(c).toContain('#include "mlforge_dsp.h"');
    expect(c).toContain('static float mlforge_feature_scratch[MLFORGE_FEATURES_SCRATCH_FLOATS];');
    expect(c).toMatch(/static const float mlforge_feature_mean\[42\]/);
    expect(c).not.toMatch(/\b(malloc|calloc|realloc|free)\s*\(/);
  });

  it('builds warning-free: make (host cc, example runs), cmake, and arm-none-eabi-gcc for Cortex-M4F', async () => {
    await run('make', ['-s'], dir);
    expect(await run('./example/main', [], dir)).toContain('matches the in-process evaluation');
    await run('cmake', ['-S', '.', '-B', 'build', '-DCMAKE_C_FLAGS=-Werror'], dir);
    await run('cmake', ['--build', 'build'], dir);
    await run('make', ['clean'], dir);
    await run('make', ['lib', 'CC=arm-none-eabi-gcc', 'AR=arm-none-eabi-ar', 'CFLAGS=-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2 -Wdouble-promotion'], dir);
  }, SLOW);

  it('the TS twin: rawToInput = features → float32 normalization → quantization; anomalyScore in float32', () => {
    const raw = Float32Array.from({ length: 384 }, (_, i) => Math.sin(i / 3) + (i % 3));
    const q = rawToInput(saved, raw);
    expect(q).toEqual(featuresToInput(fe, featureExtractor(parseFeatureConfig(MOTION))(raw)));
    expect(q.length).toBe(42);
    const s = anomalyScore(saved, q, q);
    expect(Math.fround(s)).toBe(s);
    expect(() => rawToInput(saved, raw.subarray(1))).toThrow(/expected a raw window of 384 floats/);
  });
});

describe('the TS twin of normalization and quantization', () => {
  const model = audioNet();
  const fe = resolveFrontEnd({ model, features: MFCC, normalization: { mean: [0], std: [1] } })!;
  const { scale, zeroPoint } = fe.input;

  it('rounds half away from zero on the float32 quotient and clamps (NaN low), as mlf_quantize_f32_s8', () => {
    const x = new Float32Array(fe.features!.length);
    const probe = [0.5, -0.5, 1.5, -1.5, 2.4999998, 1e9, -1e9, Number.NaN];
    probe.forEach((k, i) => (x[i] = Math.fround(k * scale)));
    const q = featuresToInput(fe, x);
    const want = probe.map((k) => {
      const v = Math.fround(Math.fround(k * scale) / scale);
      if (Number.isNaN(v)) return -128;
      return Math.max(-128, Math.min(127, Math.sign(v) * Math.floor(Math.abs(v) + 0.5) + zeroPoint));
    });
    expect([...q.subarray(0, probe.length)]).toEqual(want);
  });

  it('rejects a front end that does not fit the model, naming the field', () => {
    expect(() => resolveFrontEnd({ model, features: MOTION, normalization: { mean: [0], std: [1] } })).toThrow(/features give 42 values \[42\], the input tensor takes 156/);
    expect(() => resolveFrontEnd({ model, features: MFCC, normalization: { mean: [0, 1, 2, 3, 4], std: [1, 1, 1, 1, 1] } })).toThrow(/normalization: expected mean and std of one length dividing 156/);
    expect(() => resolveFrontEnd({ model, features: MFCC, normalization: { mean: [0], std: [0] } })).toThrow(/std > 0/);
    expect(() => resolveFrontEnd({ model, anomaly: { threshold: 1, score: 'mse' } })).toThrow(/an autoencoder's output has the input's 156 values, got 3/);
    expect(() => resolveFrontEnd({ model, features: { ...MFCC, frameLength: 8000 } as FeatureInput })).toThrow(/features\.frameLength/);
  });
});
