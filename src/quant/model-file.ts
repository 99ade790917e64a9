/**
 * An int8 model on disk, a folder with two files:
 * - `model.int8.json`: the `Int8ModelJson` (tensors, ops, graph inputs and
 *   outputs, meta with labels) plus the input normalization the float model was
 *   trained with (feed (x - mean) / std, then quantize with the input tensor's
 *   scale and zero point) and a free-form `quantization` record (how it was made);
 *   optionally the feature block that turns a raw sensor window into the model
 *   input before that normalization (`features`, a dsp FeatureConfig as
 *   written, defaults filled) and, for autoencoders, the anomaly threshold
 *   (`anomaly`: a window is anomalous when the MSE between the dequantized
 *   output and the dequantized int8 input exceeds `threshold`).
 * - `weights.bin`: every constant tensor in the format of engine/weights.ts,
 *   keyed by tensor name.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import { AudioFeatureConfig, FeatureFields, MotionFeatureConfig, parseFeatureConfig, type FeatureInput } from '../dsp/index.js';
import { decodeWeights, encodeWeights, type NamedTensor } from '../engine/weights.js';
import { Int8ModelJson, type ConstData, type DType, type Int8Model } from '../ir/int8.js';

export const INT8_MODEL_FILE = 'model.int8.json';
export const INT8_WEIGHTS_FILE = 'weights.bin';

export const AnomalyConfig = z.object({
  /** Scores above it are anomalous. */
  threshold: z.number().min(0).finite(),
  /** mse: mean over elements of (dequantized output − dequantized int8 input)². */
  score: z.literal('mse'),
}).strict();
export type AnomalyConfig = z.infer<typeof AnomalyConfig>;

export const Int8ModelFile = Int8ModelJson.extend({
  normalization: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }).strict(),
  quantization: z.record(z.string(), z.unknown()).default({}),
  features: FeatureFields.optional(),
  anomaly: AnomalyConfig.optional(),
}).superRefine((f, ctx) => {
  // Cross-field checks (fftLength ≥ frameLength, empty mel filters, band edges) live in the transform.
  if (!f.features) return;
  const r = f.features.kind === 'motion' ? MotionFeatureConfig.safeParse(f.features) : AudioFeatureConfig.safeParse(f.features);
  for (const i of r.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: ['features', ...i.path], message: i.message });
});
export type Int8ModelFile = z.infer<typeof Int8ModelFile>;

export interface SavedInt8Model {
  readonly model: Int8Model;
  readonly normalization: { mean: number[]; std: number[] };
  readonly quantization: Record<string, unknown>;
  /** Raw window → model input (before normalization); absent when the model takes features directly. */
  readonly features?: FeatureInput;
  readonly anomaly?: AnomalyConfig;
}

const ARRAY_OF: Record<DType, new (n: number) => ConstData> = {
  int8: Int8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array,
};

export function saveInt8Model(dir: string, saved: SavedInt8Model): void {
  const { model } = saved;
  const { data, ...json } = model;
  const file: Int8ModelFile = { ...json, normalization: saved.normalization, quantization: saved.quantization };
  if (saved.features) {
    parseFeatureConfig(saved.features, `int8 model "${model.meta.name}": features`);
    file.features = FeatureFields.parse(saved.features);
  }
  if (saved.anomaly) {
    const a = AnomalyConfig.safeParse(saved.anomaly);
    if (!a.success) throw new MlforgeError('BAD_INPUT', `int8 model "${model.meta.name}": anomaly.${a.error.issues[0]!.path.join('.')}: ${a.error.issues[0]!.message}`, 'threshold is a finite MSE ≥ 0, score is "mse"');
    file.anomaly = a.data;
  }
  const constants: NamedTensor[] = [];
  model.tensors.forEach((t, i) => {
    if (!t.constant) return;
    const d = data.get(i);
    if (!d) throw new MlforgeError('INTERNAL', `constant tensor "${t.name}" has no data`);
    constants.push({ name: t.name, shape: t.shape, data: d });
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, INT8_MODEL_FILE), JSON.stringify(file, null, 2) + '\n');
  writeFileSync(join(dir, INT8_WEIGHTS_FILE), encodeWeights(constants));
}

export function loadInt8Model(dir: string): SavedInt8Model {
  const mf = join(dir, INT8_MODEL_FILE);
  if (!existsSync(mf)) throw new MlforgeError('NOT_FOUND', `${dir} is not an int8 model folder (no ${INT8_MODEL_FILE})`, 'pass the --out folder of `mlforge quantize`');
  let json: unknown;
  try { json = JSON.parse(readFileSync(mf, 'utf8')); } catch (e) {
    throw new MlforgeError('BAD_INPUT', `${mf}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = Int8ModelFile.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new MlforgeError('BAD_INPUT', `${mf}: ${i.path.join('.') || '(root)'}: ${i.message}`, 'the file was not written by `mlforge quantize`, or was edited');
  }
  const { normalization, quantization, features, anomaly, ...rest } = parsed.data;
  const wf = join(dir, INT8_WEIGHTS_FILE);
  if (!existsSync(wf)) throw new MlforgeError('NOT_FOUND', `${dir}: missing ${INT8_WEIGHTS_FILE}`);
  const byName = new Map(decodeWeights(readFileSync(wf), wf).map((t) => [t.name, t]));
  const data = new Map<number, ConstData>();
  rest.tensors.forEach((t, i) => {
    if (!t.constant) return;
    const w = byName.get(t.name);
    if (!w) throw new MlforgeError('BAD_FILE', `${wf}: missing constant tensor "${t.name}"`);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (!(w.data instanceof ARRAY_OF[t.dtype]) || w.data.length !== size) {
      throw new MlforgeError('BAD_FILE', `${wf}: expected ${size} ${t.dtype} values for "${t.name}" [${t.shape}], got ${w.data.length} in a ${w.data.constructor.name}`);
    }
    data.set(i, w.data);
  });
  return { model: { ...rest, data }, normalization, quantization, ...(features ? { features } : {}), ...(anomaly ? { anomaly } : {}) };
}
