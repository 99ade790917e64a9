/**
 * The model's front end, resolved once for the C export and its TypeScript
 * twin: raw window → features (dsp) → (x − mean) / std → int8 with the input
 * tensor's scale and zero point; and, for autoencoders, the anomaly score.
 *
 * Arithmetic after the features is float32 step by step, exactly as the C in
 * model.c (emit/features.ts): v = fround(fround(x − mean) / std), then
 * q = roundf(fround(v / scale)) + zeroPoint clamped to int8 (round half away
 * from zero, mlf_quantize_f32_s8). So equal features give equal bytes; the
 * only source of C/TS differences is the DSP's float32 (C) vs float64 (TS).
 *
 * Deliberately not here: the feature blocks themselves (dsp) and the model
 * file (quant) — `FrontEndSource` is the structural part of SavedInt8Model
 * this needs.
 */
import { featureCost, featureExtractor, featureShape, parseFeatureConfig, scratchFloats, type FeatureConfig, type FeatureInput } from '../dsp/index.js';
import { MlforgeError } from '../errors.js';
import type { Int8Model } from '../ir/int8.js';

export interface AnomalySpec {
  /** Scores above it are anomalous. */
  readonly threshold: number;
  readonly score: 'mse';
}

/** What an int8 model folder adds to the graph (SavedInt8Model fits). */
export interface FrontEndSource {
  readonly model: Int8Model;
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  readonly features?: FeatureInput;
  readonly anomaly?: AnomalySpec;
}

interface Quant {
  readonly scale: number;
  readonly zeroPoint: number;
  readonly size: number;
}

export interface ResolvedFeatures {
  readonly config: FeatureConfig;
  /** Floats per raw window (audio samples, or [window][axes] interleaved). */
  readonly rawLength: number;
  /** Features per window (= the input tensor's size). */
  readonly length: number;
  /** Floats of the DSP work buffer (at least 1: C has no empty arrays). */
  readonly dspScratchFloats: number;
  /** The one static float buffer of mlforge_features: the features, then the DSP work buffer. */
  readonly scratchFloats: number;
  /** Per channel (last axis) or per element, as float32 (what the C reads). */
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

export interface FrontEnd {
  readonly features?: ResolvedFeatures;
  readonly anomaly?: { readonly threshold: number };
  /** Graph input 0 and output 0, scale as float32. */
  readonly input: Quant;
  readonly output: Quant;
}

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function edge(model: Int8Model, index: number | undefined, what: string): Quant {
  const t = index === undefined ? undefined : model.tensors[index];
  const q = t?.quant;
  if (!t || t.dtype !== 'int8' || !q || q.scale.length !== 1) {
    throw new MlforgeError('UNSUPPORTED', `model "${model.meta.name}": features and anomaly scores need a per-tensor int8 ${what} 0, got ${t ? `${t.dtype}${q && q.scale.length > 1 ? ' per-channel' : ''}` : 'none'}`);
  }
  return { scale: Math.fround(q.scale[0]!), zeroPoint: q.zeroPoint[0]!, size: product(t.shape) };
}

/** Validates and resolves; undefined when the source has neither features nor anomaly (the export is the plain model). */
export function resolveFrontEnd(src: FrontEndSource): FrontEnd | undefined {
  const { model } = src;
  if (!src.features && !src.anomaly) return undefined;
  const name = `model "${model.meta.name}"`;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new MlforgeError('UNSUPPORTED', `${name}: features and anomaly scores need one input and one output, got ${model.inputs.length} and ${model.outputs.length}`);
  }
  const input = edge(model, model.inputs[0], 'input');
  const output = edge(model, model.outputs[0], 'output');
  let features: ResolvedFeatures | undefined;
  if (src.features) {
    const config = parseFeatureConfig(src.features, `${name}: features`);
    const length = product(featureShape(config));
    if (length !== input.size) {
      throw new MlforgeError('BAD_SHAPE', `${name}: features give ${length} values [${featureShape(config)}], the input tensor takes ${input.size}`, 'the feature config must be the one the model was trained on');
    }
    const norm = src.normalization;
    const c = norm?.mean.length ?? 0;
    if (!norm || c === 0 || norm.std.length !== c || length % c !== 0) {
      throw new MlforgeError('BAD_INPUT', `${name}: normalization: expected mean and std of one length dividing ${length} (per channel or per element), got ${norm?.mean.length ?? 'none'} and ${norm?.std.length ?? 'none'}`);
    }
    const std = Float32Array.from(norm.std);
    const mean = Float32Array.from(norm.mean);
    if (std.some((s) => !(s > 0) || !Number.isFinite(s)) || mean.some((m) => !Number.isFinite(m))) {
      throw new MlforgeError('BAD_INPUT', `${name}: normalization: expected finite means and std > 0 as float32`);
    }
    const dspScratchFloats = Math.max(scratchFloats(config), 1);
    features = {
      config, length, mean, std, dspScratchFloats, scratchFloats: length + dspScratchFloats,
      rawLength: config.kind === 'motion' ? config.windowLength * config.axes : config.inputLength,
    };
  }
  let anomaly: FrontEnd['anomaly'];
  if (src.anomaly) {
    const t = src.anomaly.threshold;
    if (src.anomaly.score !== 'mse' || !(t >= 0) || !Number.isFinite(Math.fround(t))) {
      throw new MlforgeError('BAD_INPUT', `${name}: anomaly: expected score "mse" and a finite threshold ≥ 0, got ${src.anomaly.score} and ${t}`);
    }
    if (output.size !== input.size) {
      throw new MlforgeError('BAD_SHAPE', `${name}: anomaly: an autoencoder's output has the input's ${input.size} values, got ${output.size}`);
    }
    anomaly = { threshold: Math.fround(t) };
  }
  return { features, anomaly, input, output };
}

function roundHalfAway(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

/** Features → int8 input: normalization and quantization in float32, as mlforge_features after the DSP. */
export function featuresToInput(fe: FrontEnd, x: ArrayLike<number>, out = new Int8Array(fe.input.size)): Int8Array {
  const f = fe.features;
  if (!f) throw new MlforgeError('BAD_INPUT', 'featuresToInput: the model has no features');
  if (x.length !== f.length) throw new MlforgeError('BAD_SHAPE', `featuresToInput: expected ${f.length} features, got ${x.length}`);
  const c = f.mean.length;
  const { scale, zeroPoint } = fe.input;
  for (let i = 0; i < f.length; i++) {
    const v = Math.fround(Math.fround(Math.fround(x[i]!) - f.mean[i % c]!) / f.std[i % c]!);
    // mlf_quantize_f32_s8: roundf, then ±2^20 keeps the int cast defined (NaN goes low).
    let r = roundHalfAway(Math.fround(v / scale));
    if (!(r >= -1048576)) r = -1048576;
    if (r > 1048576) r = 1048576;
    out[i] = Math.max(-128, Math.min(127, r + zeroPoint));
  }
  return out;
}

/** Mean over elements of (dequantized output − dequantized input)², accumulated in float32 like the C. */
export function anomalyScoreOf(fe: FrontEnd, inputQ: ArrayLike<number>, outputQ: ArrayLike<number>): number {
  const { input, output } = fe;
  if (inputQ.length !== input.size || outputQ.length !== output.size) {
    throw new MlforgeError('BAD_SHAPE', `anomalyScore: expected ${input.size} input and ${output.size} output bytes, got ${inputQ.length} and ${outputQ.length}`);
  }
  let s = 0;
  for (let i = 0; i < output.size; i++) {
    const d = Math.fround(Math.fround(output.scale * (outputQ[i]! - output.zeroPoint)) - Math.fround(input.scale * (inputQ[i]! - input.zeroPoint)));
    s = Math.fround(s + Math.fround(d * d));
  }
  return Math.fround(s / output.size);
}

interface Runner {
  readonly fe: FrontEnd;
  readonly extract?: (raw: ArrayLike<number>) => Float32Array;
}
const runners = new WeakMap<FrontEndSource, Runner>();

function runnerOf(src: FrontEndSource): Runner {
  let r = runners.get(src);
  if (!r) {
    const fe = resolveFrontEnd(src);
    if (!fe) throw new MlforgeError('BAD_INPUT', `model "${src.model.meta.name}" has no features and no anomaly threshold`);
    r = { fe, extract: fe.features ? featureExtractor(fe.features.config) : undefined };
    runners.set(src, r);
  }
  return r;
}

/**
 * The TypeScript twin of mlforge_features: raw window → int8 model input.
 *
 * @example
 * const saved = loadInt8Model('out/kws-int8');
 * const q = rawToInput(saved, clip);          // Int8Array, the input tensor's size
 * interpreter.invoke([q]);
 */
export function rawToInput(src: FrontEndSource, raw: ArrayLike<number>): Int8Array {
  const { fe, extract } = runnerOf(src);
  if (!fe.features || !extract) throw new MlforgeError('BAD_INPUT', `model "${src.model.meta.name}" has no features (it takes its input tensor directly)`);
  if (raw.length !== fe.features.rawLength) {
    throw new MlforgeError('BAD_SHAPE', `rawToInput: expected a raw window of ${fe.features.rawLength} floats for model "${src.model.meta.name}", got ${raw.length}`);
  }
  return featuresToInput(fe, extract(raw));
}

/**
 * The TypeScript twin of mlforge_anomaly_score (anomalous when > threshold).
 *
 * @example
 * const score = anomalyScore(saved, q, interpreter.invoke([q])[0] as Int8Array);
 * const anomalous = score > saved.anomaly!.threshold;
 */
export function anomalyScore(src: FrontEndSource, inputQ: ArrayLike<number>, outputQ: ArrayLike<number>): number {
  return anomalyScoreOf(runnerOf(src).fe, inputQ, outputQ);
}

export interface FrontEndCost {
  /** The static scratch of mlforge_features (RAM beside the arena). */
  readonly ramBytes: number;
  /** The caller's raw window buffer (float32), not part of the export. */
  readonly rawBytes: number;
  /** Const bytes in flash: DSP tables and config (featureCost) plus mean and std. Code size comes from the object files (verify). */
  readonly constBytes: number;
  readonly macs: number;
  readonly transcendentals: number;
}

/** RAM and flash of the feature block as exported (zero for a model without features). */
export function frontEndCost(fe: FrontEnd | undefined): FrontEndCost {
  const f = fe?.features;
  if (!f) return { ramBytes: 0, rawBytes: 0, constBytes: 0, macs: 0, transcendentals: 0 };
  const dsp = featureCost(f.config);
  return {
    ramBytes: 4 * f.scratchFloats,
    rawBytes: 4 * f.rawLength,
    constBytes: dsp.constBytes + 8 * f.mean.length,
    macs: dsp.macs + 2 * f.length,
    transcendentals: dsp.transcendentals,
  };
}
