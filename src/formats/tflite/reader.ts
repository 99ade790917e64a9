/**
 * `.tflite` → int8 IR (`src/ir/int8.ts`). Decoding and all structural safety
 * checks are in `decode.ts`, per-operator conversion in `convert.ts`; this file
 * assembles the model: tensors (indices kept as in the file), constant data
 * copied into typed arrays (little-endian), metadata (labels from our "mlforge"
 * entry), and a final schema check of the result.
 */
import { MlforgeError } from '../../errors.js';
import { Int8ModelJson, type ConstData, type DType, type Int8Model, type Tensor } from '../../ir/int8.js';
import { convertOp } from './convert.js';
import { decodeTflite } from './decode.js';
import { isConstant, type RawModel } from './raw.js';
import { TensorType, tensorTypeName } from './schema.js';

export const MLFORGE_METADATA = 'mlforge';
export const MIN_RUNTIME_METADATA = 'min_runtime_version';

const DTYPES: Readonly<Record<number, DType>> = {
  [TensorType.INT8]: 'int8', [TensorType.INT16]: 'int16', [TensorType.INT32]: 'int32', [TensorType.FLOAT32]: 'float32',
};

/** Contents of our own metadata entry. */
export interface MlforgeMetadata {
  producer: string;
  version: string;
  name?: string;
  labels?: string[];
}

/**
 * Reads a fully int8-quantized `.tflite` model into the int8 IR.
 * Malformed files throw MlforgeError('BAD_FILE'); valid files with unsupported
 * ops or types (float, hybrid, custom ops, …) throw MlforgeError('UNSUPPORTED').
 *
 * @example
 * const model = readTflite(readFileSync('kws.tflite'), 'kws.tflite');
 * model.ops.map((o) => o.options.kind); // ['conv2d', 'depthwise_conv2d', …]
 */
export function readTflite(bytes: Uint8Array, fileName = 'model.tflite'): Int8Model {
  const m = decodeTflite(bytes, fileName);
  return rawToInt8(m, fileName);
}

export function rawToInt8(m: RawModel, fileName: string): Int8Model {
  if (m.inputs.length === 0) throw new MlforgeError('UNSUPPORTED', `${fileName}: the model has no inputs`);
  const ops = m.ops.map((_, i) => convertOp(m, i, fileName));
  const data = new Map<number, ConstData>();
  const tensors = m.tensors.map((t, i): Tensor => {
    const dtype = DTYPES[t.type];
    if (!dtype) {
      throw new MlforgeError('UNSUPPORTED', `${fileName}: tensor ${i} (${JSON.stringify(t.name.slice(0, 80))}) is ${tensorTypeName(t.type)}; MLForge supports int8, int16, int32 and float32 tensors`);
    }
    if (t.isVariable) throw new MlforgeError('UNSUPPORTED', `${fileName}: tensor ${i} (${JSON.stringify(t.name.slice(0, 80))}) is a variable (stateful models are not supported)`);
    const constant = isConstant(m, i);
    if (constant) data.set(i, copyData(m.buffers[t.buffer]!, dtype));
    const out: Tensor = { name: t.name || `tensor_${i}`, shape: [...t.shape], dtype, constant };
    if (t.quant) {
      const q = t.quant;
      // Per-channel (or a non-default axis, kept for a faithful round trip) carries the axis.
      const perChannel = q.scale.length > 1 || q.axis !== 0;
      out.quant = { scale: [...q.scale], zeroPoint: [...q.zeroPoint], ...(perChannel ? { axis: q.axis } : {}) };
    }
    return out;
  });
  const meta = readMeta(m, fileName);
  const json = {
    format: 'mlforge.int8' as const, version: 1 as const,
    meta: {
      name: meta?.name ?? baseName(fileName) ?? m.subgraphName ?? 'model',
      ...(meta?.labels ? { labels: meta.labels } : {}),
      source: 'tflite',
    },
    tensors, ops, inputs: [...m.inputs], outputs: [...m.outputs],
  };
  const parsed = Int8ModelJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MlforgeError('BAD_FILE', `${fileName}: the converted model is invalid at ${issue.path.join('.')}: ${issue.message}`,
      'the file is inconsistent; re-export it from the converter');
  }
  return { ...parsed.data, data };
}

function copyData(b: Uint8Array, dtype: DType): ConstData {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (dtype) {
    // A copy through Int8Array: Buffer.slice() is a view whose .buffer is the whole pool.
    case 'int8': return new Int8Array(b.buffer, b.byteOffset, b.byteLength).slice();
    case 'int16': return Int16Array.from({ length: b.length / 2 }, (_, k) => dv.getInt16(2 * k, true));
    case 'int32': return Int32Array.from({ length: b.length / 4 }, (_, k) => dv.getInt32(4 * k, true));
    case 'float32': return Float32Array.from({ length: b.length / 4 }, (_, k) => dv.getFloat32(4 * k, true));
  }
}

const baseName = (file: string): string | undefined => {
  const b = file.split(/[\\/]/).pop()?.replace(/\.tflite$/i, '');
  return b ? b : undefined;
};

/** Our "mlforge" metadata entry, if present. */
export function readMeta(m: RawModel, fileName: string): MlforgeMetadata | undefined {
  const entry = m.metadata.find((e) => e.name === MLFORGE_METADATA);
  if (!entry) return undefined;
  const bad = (why: string): never => {
    throw new MlforgeError('BAD_FILE', `${fileName}: metadata "${MLFORGE_METADATA}" ${why}`, 're-export the model with MLForge');
  };
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(m.buffers[entry.buffer]!));
  } catch {
    return bad('is not valid JSON');
  }
  if (typeof v !== 'object' || v === null) return bad('is not a JSON object');
  const o = v as Record<string, unknown>;
  const labels = o.labels;
  if (labels !== undefined && !(Array.isArray(labels) && labels.every((l) => typeof l === 'string'))) bad('has labels that are not a list of strings');
  if (o.name !== undefined && typeof o.name !== 'string') bad('has a name that is not a string');
  return {
    producer: String(o.producer ?? 'mlforge'),
    version: String(o.version ?? ''),
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
    ...(labels ? { labels: labels as string[] } : {}),
  };
}

/** The "min_runtime_version" metadata string, if present. */
export function readMinRuntime(m: RawModel): string | undefined {
  const entry = m.metadata.find((e) => e.name === MIN_RUNTIME_METADATA);
  if (!entry) return undefined;
  const b = m.buffers[entry.buffer]!;
  const end = b.indexOf(0);
  return new TextDecoder().decode(b.subarray(0, end < 0 ? b.length : end));
}
