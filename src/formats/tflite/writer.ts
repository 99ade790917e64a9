/**
 * int8 IR → `.tflite` bytes that TensorFlow Lite and TFLite Micro load:
 * schema version 3, identifier "TFL3", buffer 0 the empty sentinel, one buffer
 * per constant tensor, operator codes with both builtin-code fields and the
 * versions TFLite's converter gives the int8 forms, quantization parameters as
 * in the IR, and metadata "min_runtime_version" plus "mlforge" (JSON: producer,
 * version, name, labels).
 *
 * MEAN axes and PAD paddings are IR options; when an op lacks the constant
 * input TFLite needs, the writer adds it. The output is read back with the
 * reader before it is returned, so whatever `writeTflite` returns, `readTflite`
 * accepts.
 */
import { createRequire } from 'node:module';
import { MlforgeError } from '../../errors.js';
import { Int8ModelJson, type ConstData, type DType, type Int8Model, type Op as IrOp, type Tensor } from '../../ir/int8.js';
import { decodeTflite } from './decode.js';
import { elementCount, type RawModel, type RawOp, type RawOptions, type RawTensor } from './raw.js';
import { MIN_RUNTIME_METADATA, MLFORGE_METADATA, rawToInt8, type MlforgeMetadata } from './reader.js';
import { ActivationFunctionType, BUILTIN_OPTIONS, Op, Padding, TensorType, type OptionsTableName } from './schema.js';
import { encodeTflite } from './encode.js';
import { minRuntimeVersion, opVersion } from './versions.js';

export interface WriteTfliteOptions {
  /** 'int8' (default): the graph's int8 inputs/outputs as they are. 'float32': add QUANTIZE at each int8 input and DEQUANTIZE at each int8 output. */
  io?: 'int8' | 'float32';
  /** Class labels to store in the "mlforge" metadata (default: model.meta.labels). */
  labels?: string[];
  /** Model description (default "MLForge <version>"). */
  description?: string;
}

const TYPES: Readonly<Record<DType, number>> = {
  int8: TensorType.INT8, int16: TensorType.INT16, int32: TensorType.INT32, float32: TensorType.FLOAT32,
};

const CODES: Readonly<Record<IrOp['options']['kind'], number>> = {
  conv2d: Op.CONV_2D, depthwise_conv2d: Op.DEPTHWISE_CONV_2D, fully_connected: Op.FULLY_CONNECTED, add: Op.ADD,
  avg_pool: Op.AVERAGE_POOL_2D, max_pool: Op.MAX_POOL_2D, mean: Op.MEAN, softmax: Op.SOFTMAX, reshape: Op.RESHAPE,
  pad: Op.PAD, concatenation: Op.CONCATENATION, quantize: Op.QUANTIZE, dequantize: Op.DEQUANTIZE,
  logistic: Op.LOGISTIC, tanh: Op.TANH,
};

const ACT = { none: ActivationFunctionType.NONE, relu: ActivationFunctionType.RELU, relu6: ActivationFunctionType.RELU6, relu_n1_to_1: ActivationFunctionType.RELU_N1_TO_1 } as const;
const PAD = { same: Padding.SAME, valid: Padding.VALID } as const;

let packageVersion: string | undefined;
export function mlforgeVersion(): string {
  if (packageVersion === undefined) {
    try {
      // src/formats/tflite and dist/formats/tflite are both three levels below the package root.
      packageVersion = String((createRequire(import.meta.url)('../../../package.json') as { version?: string }).version ?? '0.0.0');
    } catch {
      packageVersion = '0.0.0';
    }
  }
  return packageVersion;
}

const bad = (msg: string): never => {
  throw new MlforgeError('BAD_INPUT', `writeTflite: ${msg}`, 'fix the int8 model (it is produced by the quantizer or the .tflite reader)');
};

/**
 * Serializes an int8 model as a `.tflite` flatbuffer.
 *
 * @example
 * const bytes = writeTflite(model, { io: 'float32' });
 * writeFileSync('model.tflite', bytes);
 */
export function writeTflite(model: Int8Model, opts: WriteTfliteOptions = {}): Uint8Array {
  const { data, ...json } = model;
  const parsed = Int8ModelJson.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    bad(`the model is invalid at ${i.path.join('.')}: ${i.message}`);
  }
  if (!(data instanceof Map)) bad('model.data must be a Map from tensor index to typed array');
  let m: Int8Model = { ...parsed.data!, data };
  checkIndices(m);
  if (opts.io === 'float32') m = withFloatIo(m);
  const raw = toRaw(m, opts);
  const bytes = encodeTflite(raw);
  try {
    rawToInt8(decodeTflite(bytes, 'written model'), 'written model');
  } catch (e) {
    if (e instanceof MlforgeError) {
      throw new MlforgeError(e.code === 'BAD_FILE' ? 'BAD_INPUT' : e.code, `writeTflite: the model does not make a valid .tflite file: ${e.message}`, e.hint);
    }
    throw e;
  }
  return bytes;
}

/** Adds float32 graph inputs/outputs: QUANTIZE before each int8 input, DEQUANTIZE after each int8 output. */
export function withFloatIo(m: Int8Model): Int8Model {
  const tensors = [...m.tensors];
  const pre: IrOp[] = [];
  const post: IrOp[] = [];
  // The float tensor takes the user-facing name; the int8 one is suffixed "_int8", as the converter does.
  const addFloat = (t: Tensor): number => {
    tensors.push({ name: t.name.replace(/_int8$/, ''), shape: [...t.shape], dtype: 'float32', constant: false });
    return tensors.length - 1;
  };
  const rename = (i: number) => {
    const name = tensors[i]!.name;
    if (!name.endsWith('_int8')) tensors[i] = { ...tensors[i]!, name: `${name}_int8` };
  };
  const inputs = m.inputs.map((i) => {
    const t = tensors[i]!;
    if (t.dtype !== 'int8') return i;
    const f = addFloat(t);
    rename(i);
    pre.push({ inputs: [f], outputs: [i], options: { kind: 'quantize' } });
    return f;
  });
  const outputs = m.outputs.map((i) => {
    const t = tensors[i]!;
    if (t.dtype !== 'int8') return i;
    const f = addFloat(t);
    rename(i);
    post.push({ inputs: [i], outputs: [f], options: { kind: 'dequantize' } });
    return f;
  });
  return { ...m, tensors, inputs, outputs, ops: [...pre, ...m.ops, ...post] };
}

function bytesOf(d: ConstData, dtype: DType, n: number, where: string): Uint8Array {
  const ok = { int8: d instanceof Int8Array, int16: d instanceof Int16Array, int32: d instanceof Int32Array, float32: d instanceof Float32Array }[dtype];
  if (!ok) bad(`${where} is ${dtype} but its data is a ${d.constructor.name}`);
  if (d.length !== n) bad(`${where} has ${d.length} values, its shape needs ${n}`);
  const out = new Uint8Array(d.byteLength);
  const dv = new DataView(out.buffer);
  for (let k = 0; k < d.length; k++) {
    const v = d[k]!;
    if (dtype === 'int8') dv.setInt8(k, v);
    else if (dtype === 'int16') dv.setInt16(2 * k, v, true);
    else if (dtype === 'int32') dv.setInt32(4 * k, v, true);
    else dv.setFloat32(4 * k, v, true);
  }
  return out;
}

function toRaw(m: Int8Model, opts: WriteTfliteOptions): RawModel {
  const buffers: Uint8Array[] = [new Uint8Array(0)];
  const tensors: RawTensor[] = m.tensors.map((t, i) => {
    const where = `tensor ${i} (${JSON.stringify(t.name)})`;
    let buffer = 0;
    const d = m.data.get(i);
    if (t.constant) {
      if (!d) bad(`${where} is constant but has no data`);
      const n = elementCount(t.shape);
      if (n > 0) { buffers.push(bytesOf(d!, t.dtype, n, where)); buffer = buffers.length - 1; }
    } else if (d) bad(`${where} has data but is not marked constant`);
    const raw: RawTensor = { name: t.name, shape: [...t.shape], type: TYPES[t.dtype], buffer, isVariable: false, sparse: false, customQuant: false };
    if (t.quant) {
      if (t.quant.scale.length !== t.quant.zeroPoint.length) bad(`${where} has ${t.quant.scale.length} scales but ${t.quant.zeroPoint.length} zero points`);
      raw.quant = { scale: [...t.quant.scale], zeroPoint: [...t.quant.zeroPoint], axis: t.quant.axis ?? 0 };
    }
    return raw;
  });
  for (const k of m.data.keys()) if (!(k >= 0 && k < m.tensors.length)) bad(`data is keyed by ${k}, which is not a tensor index`);

  const constInt32 = (name: string, shape: number[], values: number[]): number => {
    const b = new Uint8Array(4 * values.length);
    const dv = new DataView(b.buffer);
    values.forEach((v, k) => dv.setInt32(4 * k, v, true));
    buffers.push(b);
    tensors.push({ name, shape, type: TensorType.INT32, buffer: buffers.length - 1, isVariable: false, sparse: false, customQuant: false });
    return tensors.length - 1;
  };

  const ops: (RawOp & { code: number })[] = m.ops.map((op, i) => {
    const o = op.options;
    const inputs = [...op.inputs];
    let table: OptionsTableName | undefined;
    let options: RawOptions | undefined;
    const y = tensors[op.outputs[0]!];
    switch (o.kind) {
      case 'conv2d':
        table = 'Conv2DOptions';
        options = { padding: PAD[o.padding], stride_w: o.strideW, stride_h: o.strideH, fused_activation_function: ACT[o.activation], dilation_w_factor: o.dilationW, dilation_h_factor: o.dilationH };
        break;
      case 'depthwise_conv2d':
        table = 'DepthwiseConv2DOptions';
        options = { padding: PAD[o.padding], stride_w: o.strideW, stride_h: o.strideH, depth_multiplier: o.depthMultiplier, fused_activation_function: ACT[o.activation], dilation_w_factor: o.dilationW, dilation_h_factor: o.dilationH };
        break;
      case 'fully_connected':
        table = 'FullyConnectedOptions';
        options = { fused_activation_function: ACT[o.activation], keep_num_dims: y !== undefined && y.shape.length !== 2 };
        break;
      case 'avg_pool':
      case 'max_pool':
        table = 'Pool2DOptions';
        options = { padding: PAD[o.padding], stride_w: o.strideW, stride_h: o.strideH, filter_width: o.filterW, filter_height: o.filterH, fused_activation_function: ACT[o.activation] };
        break;
      case 'add':
        table = 'AddOptions';
        options = { fused_activation_function: ACT[o.activation] };
        break;
      case 'softmax':
        table = 'SoftmaxOptions';
        options = { beta: o.beta };
        break;
      case 'concatenation':
        table = 'ConcatenationOptions';
        options = { axis: o.axis, fused_activation_function: ACT[o.activation] };
        break;
      case 'reshape':
        // With a shape tensor the converter writes no options; without one, new_shape is required.
        if (inputs.length === 1 && y) { table = 'ReshapeOptions'; options = { new_shape: [...y.shape] }; }
        break;
      case 'mean':
        table = 'ReducerOptions';
        options = { keep_dims: o.keepDims };
        if (inputs.length === 1) inputs.push(constInt32(`mlforge/mean_${i}/axes`, [o.axes.length], o.axes));
        else checkConst(m, inputs[1]!, o.axes, `op ${i} (mean) axes`);
        break;
      case 'pad':
        if (inputs.length === 1) inputs.push(constInt32(`mlforge/pad_${i}/paddings`, [o.paddings.length, 2], o.paddings.flat()));
        else checkConst(m, inputs[1]!, o.paddings.flat(), `op ${i} (pad) paddings`);
        break;
      default:
        break; // quantize, dequantize, logistic, tanh: no options
    }
    return { code: CODES[o.kind], opcodeIndex: -1, inputs, outputs: [...op.outputs], optionsType: table ? BUILTIN_OPTIONS[table] : 0, ...(options ? { options } : {}), hasCustomOptions: false };
  });

  const raw: RawModel = {
    version: 3, description: opts.description ?? `MLForge ${mlforgeVersion()}`, opcodes: [], buffers, subgraphName: 'main',
    subgraphCount: 1, tensors, ops: [], inputs: [...m.inputs], outputs: [...m.outputs], metadata: [],
  };
  const index = new Map<string, number>();
  raw.ops = ops.map(({ code, ...op }) => {
    const version = opVersion(code, op, raw);
    const key = `${code}/${version}`;
    if (!index.has(key)) { index.set(key, raw.opcodes.length); raw.opcodes.push({ builtin: code, version }); }
    return { ...op, opcodeIndex: index.get(key)! };
  });

  const addMeta = (name: string, bytes: Uint8Array) => {
    buffers.push(bytes);
    raw.metadata.push({ name, buffer: buffers.length - 1 });
  };
  // TFLite's converter stores the version string in a 16-byte, zero-padded buffer.
  const min = minRuntimeVersion(raw.opcodes) || '1.14.0';
  const runtime = new Uint8Array(Math.max(16, min.length + 1));
  runtime.set(new TextEncoder().encode(min));
  addMeta(MIN_RUNTIME_METADATA, runtime);
  const labels = opts.labels ?? m.meta.labels;
  const meta: MlforgeMetadata = { producer: 'mlforge', version: mlforgeVersion(), name: m.meta.name, ...(labels ? { labels } : {}) };
  addMeta(MLFORGE_METADATA, new TextEncoder().encode(JSON.stringify(meta)));
  return raw;
}

function checkIndices(m: Int8Model): void {
  const n = m.tensors.length;
  const check = (t: number, where: string, optional = false) => {
    if (!((optional && t === -1) || (t >= 0 && t < n))) bad(`${where} refers to tensor ${t}, but there are ${n} tensors`);
  };
  m.inputs.forEach((t) => check(t, 'graph inputs'));
  m.outputs.forEach((t) => check(t, 'graph outputs'));
  m.ops.forEach((op, i) => {
    op.inputs.forEach((t) => check(t, `op ${i} (${op.options.kind}) inputs`, true));
    if (op.outputs.length === 0) bad(`op ${i} (${op.options.kind}) has no outputs`);
    op.outputs.forEach((t) => check(t, `op ${i} (${op.options.kind}) outputs`));
  });
}

/** An existing constant input must agree with the IR options, which are the source of truth. */
function checkConst(m: Int8Model, t: number, want: number[], what: string): void {
  const d = m.data.get(t);
  if (!d || d.length !== want.length || want.some((v, k) => d[k] !== v)) {
    bad(`${what}: tensor ${t} holds [${d ? Array.from(d).join(',') : 'no data'}] but the options say [${want.join(',')}]`);
  }
}
