/**
 * Small trained int8 models with a feature block, for the front-end tests:
 * synthetic raw windows → TS features (training) → a few epochs → int8.
 * - audio MFCC classifier: low tone / high tone / noise burst, 0.25 s at 16 kHz;
 * - motion classifier: still / slow sway / vibration, 3 axes × 128 samples at 100 Hz;
 * - motion autoencoder: normal = 12 Hz vibration; anomalous adds a 35 Hz
 *   component; threshold = the 99th percentile of the int8 model's training scores.
 */
import { computeNormalization, normalizeInPlace, type Dataset } from '../../src/data/dataset.js';
import { anomalyScore, rawToInput } from '../../src/codegen/index.js';
import { featureExtractor, featureShape, parseFeatureConfig, type FeatureInput } from '../../src/dsp/index.js';
import { createInterpreter } from '../../src/engine/int8/index.js';
import { resolveModel, type ModelInput } from '../../src/ir/index.js';
import { quantize, type SavedInt8Model } from '../../src/quant/index.js';
import { train } from '../../src/train/index.js';
import { Rng } from '../../src/util/random.js';

export interface FeatureModel {
  readonly saved: SavedInt8Model;
  /** Held-out raw windows and their labels (autoencoder: 1 = anomalous). */
  readonly test: Float32Array[];
  readonly testLabels: number[];
}

export const MFCC: FeatureInput = { kind: 'mfcc', sampleRate: 16000, inputLength: 4000, frameLength: 480, frameStride: 320, fftLength: 512, melBins: 40, numCoeffs: 13 };
export const MOTION: FeatureInput = { kind: 'motion', sampleRate: 100, axes: 3, windowLength: 128, bands: 8 };

function audioWindow(rng: Rng, cls: number): Float32Array {
  const x = new Float32Array(4000);
  const amp = 10 ** rng.uniform(-1.5, -0.2);
  const f = cls === 0 ? rng.uniform(150, 500) : rng.uniform(1500, 3500);
  const phase = rng.uniform(0, 6.3);
  const start = rng.int(1500);
  for (let i = 0; i < x.length; i++) {
    const on = i >= start && i < start + 2000 ? 1 : 0;
    const s = cls === 2 ? rng.normal() * 0.5 : Math.sin((2 * Math.PI * f * i) / 16000 + phase);
    x[i] = amp * on * s + 0.003 * rng.normal();
  }
  return x;
}

function motionWindow(rng: Rng, cls: number, extraHz = 0): Float32Array {
  const x = new Float32Array(128 * 3);
  const f = cls === 0 ? 0 : cls === 1 ? rng.uniform(0.8, 2.5) : rng.uniform(10, 14);
  for (let a = 0; a < 3; a++) {
    const g = a === 2 ? 1 : rng.uniform(-0.05, 0.05);
    const amp = cls === 0 ? 0 : rng.uniform(0.05, 0.4);
    const p = rng.uniform(0, 6.3);
    for (let i = 0; i < 128; i++) {
      const t = i / 100;
      let v = g + amp * Math.sin(2 * Math.PI * f * t + p) + 0.01 * rng.normal();
      if (extraHz) v += 0.15 * Math.sin(2 * Math.PI * extraHz * t + a);
      x[i * 3 + a] = v;
    }
  }
  return x;
}

function dataset(cfg: FeatureInput, windows: Float32Array[], y: number[], labels: string[]): Dataset {
  const c = parseFeatureConfig(cfg);
  const f = featureExtractor(c);
  const shape = featureShape(c);
  const size = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(windows.length * size);
  windows.forEach((w, i) => x.set(f(w), i * size));
  return { name: `synthetic-${c.kind}`, shape, x, y: Int32Array.from(y), labels };
}

function fit(name: string, features: FeatureInput, layers: ModelInput['layers'], windows: Float32Array[], y: number[], labels: string[], epochs: number) {
  const d = dataset(features, windows, y, labels);
  const normalization = computeNormalization(d, d.shape.length === 1);
  normalizeInPlace(d.x, normalization);
  const resolved = resolveModel({ name, input: { shape: [...d.shape] }, layers });
  const { network } = train(resolved, { train: d }, { epochs, batch: 32, lr: 3e-3, seed: 1 });
  const model = quantize({ network, meta: { labels } }, d, { calibrationSamples: 300 });
  return { model, normalization: { mean: [...normalization.mean], std: [...normalization.std] } };
}

export function mfccClassifier(): FeatureModel {
  const rng = new Rng(11);
  const y = Array.from({ length: 360 }, (_, i) => i % 3);
  const windows = y.map((c) => audioWindow(rng, c));
  const { model, normalization } = fit('mfcc-tones', MFCC, [
    { name: 'c1', type: 'conv2d', filters: 8, kernel: 3, stride: 2 },
    { name: 'r1', type: 'relu' },
    { name: 'flat', type: 'flatten' },
    { name: 'fc', type: 'dense', units: 3 },
    { name: 'sm', type: 'softmax' },
  ], windows, y, ['low', 'high', 'noise'], 4);
  const testLabels = Array.from({ length: 120 }, (_, i) => i % 3);
  return { saved: { model, normalization, quantization: {}, features: MFCC }, test: testLabels.map((c) => audioWindow(rng, c)), testLabels };
}

export function motionClassifier(): FeatureModel {
  const rng = new Rng(12);
  const y = Array.from({ length: 450 }, (_, i) => i % 3);
  const windows = y.map((c) => motionWindow(rng, c));
  const { model, normalization } = fit('motion-states', MOTION, [
    { name: 'fc1', type: 'dense', units: 16 },
    { name: 'r1', type: 'relu' },
    { name: 'fc2', type: 'dense', units: 3 },
    { name: 'sm', type: 'softmax' },
  ], windows, y, ['still', 'sway', 'vibration'], 8);
  const testLabels = Array.from({ length: 150 }, (_, i) => i % 3);
  return { saved: { model, normalization, quantization: {}, features: MOTION }, test: testLabels.map((c) => motionWindow(rng, c)), testLabels };
}

export function motionAutoencoder(): FeatureModel {
  const rng = new Rng(13);
  const windows = Array.from({ length: 400 }, () => motionWindow(rng, 2));
  const { model, normalization } = fit('motion-ae', MOTION, [
    { name: 'enc', type: 'dense', units: 8 },
    { name: 'r1', type: 'relu' },
    { name: 'dec', type: 'dense', units: 42 },
  ], windows, windows.map(() => 0), ['normal'], 10);
  const plain: SavedInt8Model = { model, normalization, quantization: {}, features: MOTION };
  const interp = createInterpreter(model, { backend: 'reference' });
  const scores = windows.map((w) => {
    const q = rawToInput(plain, w);
    return anomalyScore({ ...plain, anomaly: { threshold: 0, score: 'mse' } }, q, interp.invoke([q])[0]!);
  }).sort((a, b) => a - b);
  const threshold = scores[Math.floor(0.99 * scores.length)]!;
  const testLabels = Array.from({ length: 120 }, (_, i) => i % 2);
  const test = testLabels.map((a) => motionWindow(rng, 2, a ? 35 : 0));
  return { saved: { ...plain, anomaly: { threshold, score: 'mse' } }, test, testLabels };
}
