/**
 * One TFLite operator (schema level) → one int8 IR op, with the checks that make
 * the IR trustworthy for the interpreter and code generator: operand count and
 * types, quantization granularity (per-tensor activations, per-channel weights on
 * the output-channel axis), channel and spatial shape agreement, and complete
 * options (MEAN axes and PAD paddings come from constant input tensors).
 *
 * Unsupported content raises MlforgeError('UNSUPPORTED') naming the operator,
 * its index and what to do; contradictions raise 'BAD_FILE'. `inspect.ts` calls
 * this per operator to list what is missing instead of stopping at the first.
 */
import { MlforgeError } from '../../errors.js';
import type { Activation, Op as IrOp, OpOptions } from '../../ir/int8.js';
import { elementCount, isConstant, type RawModel, type RawOp, type RawOptions } from './raw.js';
import {
  ActivationFunctionType, BUILTIN_CUSTOM, BUILTIN_OPTIONS, OPTIONS_TABLES, Op, Padding, TensorType, builtinName,
  optionsTableByCode, tensorTypeName, type OptionsTableName,
} from './schema.js';

const FLOAT_HINT =
  'convert with full-integer post-training quantization (a representative dataset, int8 builtins only), ' +
  'or quantize the float model with MLForge';

/** Which builtin operators convert, to which IR kind. */
export const SUPPORTED: Readonly<Record<number, OpOptions['kind']>> = {
  [Op.CONV_2D]: 'conv2d', [Op.DEPTHWISE_CONV_2D]: 'depthwise_conv2d', [Op.FULLY_CONNECTED]: 'fully_connected',
  [Op.AVERAGE_POOL_2D]: 'avg_pool', [Op.MAX_POOL_2D]: 'max_pool', [Op.ADD]: 'add', [Op.RESHAPE]: 'reshape',
  [Op.SOFTMAX]: 'softmax', [Op.MEAN]: 'mean', [Op.PAD]: 'pad', [Op.QUANTIZE]: 'quantize',
  [Op.DEQUANTIZE]: 'dequantize', [Op.CONCATENATION]: 'concatenation', [Op.LOGISTIC]: 'logistic', [Op.TANH]: 'tanh',
};

/** The options table each supported operator carries (none for LOGISTIC and TANH). */
export const OPTIONS_OF: Readonly<Record<number, OptionsTableName | undefined>> = {
  [Op.CONV_2D]: 'Conv2DOptions', [Op.DEPTHWISE_CONV_2D]: 'DepthwiseConv2DOptions',
  [Op.FULLY_CONNECTED]: 'FullyConnectedOptions', [Op.AVERAGE_POOL_2D]: 'Pool2DOptions', [Op.MAX_POOL_2D]: 'Pool2DOptions',
  [Op.ADD]: 'AddOptions', [Op.RESHAPE]: 'ReshapeOptions', [Op.SOFTMAX]: 'SoftmaxOptions', [Op.MEAN]: 'ReducerOptions',
  [Op.PAD]: 'PadOptions', [Op.QUANTIZE]: 'QuantizeOptions', [Op.DEQUANTIZE]: 'DequantizeOptions',
  [Op.CONCATENATION]: 'ConcatenationOptions', [Op.LOGISTIC]: undefined, [Op.TANH]: undefined,
};

type Role = 'act' | 'weights' | 'bias' | 'int32';

class OpCtx {
  readonly name: string;
  constructor(readonly m: RawModel, readonly op: RawOp, readonly index: number, readonly file: string) {
    this.name = builtinName(m.opcodes[op.opcodeIndex]!.builtin);
  }
  private where(): string { return `${this.file}: operator ${this.index} (${this.name})`; }
  unsupported(msg: string, hint?: string): never { throw new MlforgeError('UNSUPPORTED', `${this.where()} ${msg}`, hint); }
  bad(msg: string): never {
    throw new MlforgeError('BAD_FILE', `${this.where()} ${msg}`, 'the file is inconsistent; re-export it from the converter');
  }
  t(i: number) { return this.m.tensors[i]!; }
  desc(i: number): string { return `tensor ${i} (${JSON.stringify(this.t(i).name.slice(0, 80))})`; }
  shape(i: number): number[] { return this.t(i).shape; }

  /** Input/output counts; `optional` lists the input slots that may be -1. */
  arity(minIn: number, maxIn: number, optional: number[] = []): void {
    const n = this.op.inputs.length;
    if (n < minIn || n > maxIn) this.bad(`has ${n} inputs, expected ${minIn === maxIn ? minIn : `${minIn}..${maxIn}`}`);
    this.op.inputs.forEach((t, k) => { if (t === -1 && !optional.includes(k)) this.bad(`input ${k} is absent (-1) but is required`); });
    if (this.op.outputs.length !== 1) this.bad(`has ${this.op.outputs.length} outputs, expected 1`);
  }

  /** Checks a tensor's type, constness and quantization for its role. */
  expect(i: number, role: Role, what: string, opts: { axis?: number } = {}): void {
    const t = this.t(i);
    const want = role === 'bias' || role === 'int32' ? TensorType.INT32 : TensorType.INT8;
    if (t.type !== want) {
      if (role === 'bias' && t.type === TensorType.INT64) this.unsupported(`has an int64 bias (${this.desc(i)}), used with int16 activations; MLForge supports int8 activations with int32 bias`);
      this.bad(`${what} ${this.desc(i)} is ${tensorTypeName(t.type)}, expected ${tensorTypeName(want)}`);
    }
    if (t.sparse) this.unsupported(`has a sparse ${what} (${this.desc(i)}); MLForge reads dense tensors`, 'convert without sparsity');
    if (t.customQuant) this.unsupported(`has custom quantization on ${this.desc(i)}`);
    const constant = isConstant(this.m, i);
    if ((role === 'weights' || role === 'bias') && !constant) this.unsupported(`has a non-constant ${what} (${this.desc(i)}); MLForge needs constant weights`);
    if (role === 'act' && constant && what !== 'operand') this.unsupported(`has a constant ${what} (${this.desc(i)}); fold it before export`);
    const q = t.quant;
    if (role === 'int32' || role === 'bias') return; // bias scale is implied by input × filter scales
    if (!q) this.bad(`${what} ${this.desc(i)} is int8 but has no quantization parameters`);
    if (role === 'act' || opts.axis === undefined) {
      if (q.scale.length !== 1) this.unsupported(`has per-channel quantization on ${what} ${this.desc(i)}; activations must be per-tensor`);
    } else if (q.scale.length > 1 && q.axis !== opts.axis) {
      this.unsupported(`quantizes ${what} ${this.desc(i)} per channel along axis ${q.axis}; MLForge expects axis ${opts.axis}`);
    }
    if (role === 'weights' && q.zeroPoint.some((z) => z !== 0)) {
      this.unsupported(`has asymmetric ${what} ${this.desc(i)} (non-zero zero point); the int8 spec needs symmetric weights`, FLOAT_HINT);
    }
    if (role === 'act' && (q.zeroPoint[0]! < -128 || q.zeroPoint[0]! > 127)) this.bad(`${what} ${this.desc(i)} has zero point ${q.zeroPoint[0]} outside int8`);
  }

  rank(i: number, r: number, what: string): void {
    if (this.shape(i).length !== r) this.bad(`${what} ${this.desc(i)} has shape [${this.shape(i)}], expected rank ${r}`);
  }

  /** The options table, defaults filled; a mismatched union type is a BAD_FILE. */
  options(): RawOptions {
    const table = OPTIONS_OF[this.m.opcodes[this.op.opcodeIndex]!.builtin];
    const { optionsType } = this.op;
    if (optionsType !== 0 && (table === undefined || optionsType !== BUILTIN_OPTIONS[table])) {
      this.bad(`carries ${optionsTableByCode(optionsType) ?? `options type ${optionsType}`}, expected ${table ?? 'none'}`);
    }
    if (table === undefined) return {};
    if (this.op.options) return this.op.options;
    const out: RawOptions = {};
    for (const [k, fd] of Object.entries(OPTIONS_TABLES[table])) if (fd.default !== undefined) out[k] = fd.default;
    return out;
  }

  activation(o: RawOptions): Activation {
    const a = o.fused_activation_function as number;
    switch (a) {
      case ActivationFunctionType.NONE: return 'none';
      case ActivationFunctionType.RELU: return 'relu';
      case ActivationFunctionType.RELU6: return 'relu6';
      case ActivationFunctionType.RELU_N1_TO_1: return 'relu_n1_to_1';
      case ActivationFunctionType.TANH: case ActivationFunctionType.SIGN_BIT:
        return this.unsupported(`has a fused ${a === 4 ? 'TANH' : 'SIGN_BIT'} activation; MLForge fuses none, relu, relu6 and relu_n1_to_1`);
      default: return this.bad(`has an unknown fused activation ${a}`);
    }
  }

  padding(o: RawOptions): 'same' | 'valid' {
    if (o.padding === Padding.SAME) return 'same';
    if (o.padding === Padding.VALID) return 'valid';
    return this.bad(`has an unknown padding ${String(o.padding)}`);
  }

  positive(o: RawOptions, key: string): number {
    const v = o[key] as number;
    if (!(v >= 1)) this.bad(`has ${key} = ${v}; it must be ≥ 1`);
    return v;
  }

  /** Output spatial size per TFLite: SAME ceil(in/s); VALID ceil((in - eff + 1)/s), eff = (k-1)·d + 1. */
  checkWindow(inShape: number[], outShape: number[], kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, pad: 'same' | 'valid'): void {
    const out = (n: number, k: number, s: number, d: number) => {
      const eff = (k - 1) * d + 1;
      return pad === 'same' ? Math.ceil(n / s) : Math.max(0, Math.ceil((n - eff + 1) / s));
    };
    const eh = out(inShape[1]!, kh, sh, dh), ew = out(inShape[2]!, kw, sw, dw);
    if (outShape[0] !== inShape[0] || outShape[1] !== eh || outShape[2] !== ew) {
      this.bad(`maps input [${inShape}] to output [${outShape}]; the window (${kh}×${kw}, stride ${sh}×${sw}, ${pad}) gives [${inShape[0]},${eh},${ew},…]`);
    }
  }

  /** Integer contents of a constant int32 tensor. */
  constInts(i: number, what: string): number[] {
    if (!isConstant(this.m, i)) this.unsupported(`takes its ${what} from ${this.desc(i)}, which is not constant; MLForge needs constant ${what}`);
    this.expect(i, 'int32', what);
    const b = this.m.buffers[this.t(i).buffer]!;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return Array.from({ length: b.length / 4 }, (_, k) => dv.getInt32(4 * k, true));
  }
}

const FLOATS: ReadonlySet<number> = new Set([TensorType.FLOAT32, TensorType.FLOAT16, TensorType.FLOAT64, TensorType.BFLOAT16]);

/** Float, hybrid, uint8 and int16 graphs get one clear message, before op-specific checks. */
function checkNumerics(c: OpCtx, builtin: number): void {
  const tensors = [...c.op.inputs.filter((t) => t >= 0), ...c.op.outputs];
  const types = new Set(tensors.map((t) => c.t(t).type));
  if (builtin === Op.QUANTIZE || builtin === Op.DEQUANTIZE) return;
  const floatT = tensors.find((t) => FLOATS.has(c.t(t).type));
  if (floatT !== undefined) {
    const w = c.op.inputs[1];
    const hybrid = w !== undefined && w >= 0 && c.t(w).type === TensorType.INT8 && isConstant(c.m, w);
    c.unsupported(
      hybrid
        ? `has int8 weights but float activations (${c.desc(floatT)}): this is a dynamic-range (hybrid) model; MLForge reads fully int8-quantized models`
        : `computes in ${tensorTypeName(c.t(floatT).type).toLowerCase()} (${c.desc(floatT)}): this is a float model; MLForge reads fully int8-quantized models`,
      FLOAT_HINT,
    );
  }
  if (types.has(TensorType.UINT8)) c.unsupported('uses uint8 tensors (legacy TF1 quantization); MLForge reads int8 models', FLOAT_HINT);
  if (types.has(TensorType.INT16)) c.unsupported('uses int16 activations (16x8 quantization); MLForge supports int8 activations', FLOAT_HINT);
}

/** Converts operator `index` of `m`; throws UNSUPPORTED or BAD_FILE. */
export function convertOp(m: RawModel, index: number, file: string): IrOp {
  const op = m.ops[index]!;
  const code = m.opcodes[op.opcodeIndex]!;
  const c = new OpCtx(m, op, index, file);
  const kind = SUPPORTED[code.builtin];
  if (code.builtin === BUILTIN_CUSTOM) {
    c.unsupported(`is the custom operator ${JSON.stringify(code.custom)}; MLForge converts builtin operators only`, 'replace it with builtin ops before export');
  }
  if (kind === undefined) {
    c.unsupported(`is not supported; MLForge converts ${Object.values(SUPPORTED).length} builtin ops (conv, depthwise, dense, pooling, add, reshape, softmax, mean, pad, concat, quantize, dequantize, logistic, tanh)`,
      'replace the layer in the model, or ask for the op to be added');
  }
  checkNumerics(c, code.builtin);
  const options = convertOptions(c, code.builtin);
  return { inputs: [...op.inputs], outputs: [...op.outputs], options };
}

function convertOptions(c: OpCtx, builtin: number): OpOptions {
  const { op } = c;
  const [x, w, b] = op.inputs as [number, number, number | undefined];
  const y = op.outputs[0]!;
  switch (builtin) {
    case Op.CONV_2D:
    case Op.DEPTHWISE_CONV_2D: {
      const dw = builtin === Op.DEPTHWISE_CONV_2D;
      c.arity(2, 3, [2]);
      c.expect(x, 'act', 'input'); c.expect(y, 'act', 'output');
      c.expect(w, 'weights', 'filter', { axis: dw ? 3 : 0 });
      for (const [t, what] of [[x, 'input'], [w, 'filter'], [y, 'output']] as const) c.rank(t, 4, what);
      const xs = c.shape(x), ws = c.shape(w), ys = c.shape(y);
      const cout = dw ? ws[3]! : ws[0]!;
      if (ys[3] !== cout) c.bad(`filter [${ws}] gives ${cout} output channels but output is [${ys}]`);
      if (b !== undefined && b >= 0) {
        c.expect(b, 'bias', 'bias');
        if (elementCount(c.shape(b)) !== cout) c.bad(`bias ${c.desc(b)} has shape [${c.shape(b)}], expected ${cout} values`);
      }
      const o = c.options();
      const padding = c.padding(o);
      const strideH = c.positive(o, 'stride_h'), strideW = c.positive(o, 'stride_w');
      const dilationH = c.positive(o, 'dilation_h_factor'), dilationW = c.positive(o, 'dilation_w_factor');
      c.checkWindow(xs, ys, ws[1]!, ws[2]!, strideH, strideW, dilationH, dilationW, padding);
      const activation = c.activation(o);
      if (!dw) {
        if (ws[3] !== xs[3]) {
          if (ws[3]! > 0 && xs[3]! % ws[3]! === 0) c.unsupported(`is a grouped convolution (${xs[3]} input channels, filter depth ${ws[3]}); MLForge supports groups = 1`);
          c.bad(`filter [${ws}] expects ${ws[3]} input channels but input is [${xs}]`);
        }
        return { kind: 'conv2d', strideH, strideW, dilationH, dilationW, padding, activation };
      }
      if (ws[0] !== 1) c.bad(`depthwise filter [${ws}] must have 1 as its first dimension`);
      if (xs[3]! === 0 || cout % xs[3]! !== 0) c.bad(`depthwise filter [${ws}] does not fit input [${xs}]`);
      // depth_multiplier is redundant with the shapes (newer converters may leave it 0).
      const fileDm = o.depth_multiplier as number;
      const depthMultiplier = fileDm >= 1 ? fileDm : cout / xs[3]!;
      if (depthMultiplier * xs[3]! !== cout) c.bad(`depth_multiplier ${fileDm} disagrees with input [${xs}] and filter [${ws}]`);
      return { kind: 'depthwise_conv2d', strideH, strideW, dilationH, dilationW, depthMultiplier, padding, activation };
    }
    case Op.FULLY_CONNECTED: {
      c.arity(2, 3, [2]);
      c.expect(x, 'act', 'input'); c.expect(y, 'act', 'output');
      c.expect(w, 'weights', 'weights', { axis: 0 });
      c.rank(w, 2, 'weights');
      const [units, depth] = c.shape(w) as [number, number];
      if (depth === 0 || elementCount(c.shape(x)) % depth !== 0) c.bad(`weights [${c.shape(w)}] do not fit input [${c.shape(x)}]`);
      if (c.shape(y).at(-1) !== units || elementCount(c.shape(y)) !== (elementCount(c.shape(x)) / depth) * units) {
        c.bad(`output [${c.shape(y)}] does not match input [${c.shape(x)}] × weights [${c.shape(w)}]`);
      }
      if (b !== undefined && b >= 0) {
        c.expect(b, 'bias', 'bias');
        if (elementCount(c.shape(b)) !== units) c.bad(`bias ${c.desc(b)} has shape [${c.shape(b)}], expected ${units} values`);
      }
      const o = c.options();
      if (o.weights_format !== 0) c.unsupported('uses shuffled weights (SHUFFLED4x16INT8); MLForge reads the default layout');
      if (o.asymmetric_quantize_inputs) c.unsupported('uses asymmetric input quantization (a hybrid model)', FLOAT_HINT);
      return { kind: 'fully_connected', activation: c.activation(o) };
    }
    case Op.AVERAGE_POOL_2D:
    case Op.MAX_POOL_2D: {
      c.arity(1, 1);
      c.expect(x, 'act', 'input'); c.expect(y, 'act', 'output');
      c.rank(x, 4, 'input'); c.rank(y, 4, 'output');
      if (c.shape(x)[3] !== c.shape(y)[3]) c.bad(`changes the channel count from [${c.shape(x)}] to [${c.shape(y)}]`);
      const o = c.options();
      const padding = c.padding(o);
      const filterH = c.positive(o, 'filter_height'), filterW = c.positive(o, 'filter_width');
      const strideH = c.positive(o, 'stride_h'), strideW = c.positive(o, 'stride_w');
      c.checkWindow(c.shape(x), c.shape(y), filterH, filterW, strideH, strideW, 1, 1, padding);
      const kind = builtin === Op.AVERAGE_POOL_2D ? 'avg_pool' : 'max_pool';
      return { kind, filterH, filterW, strideH, strideW, padding, activation: c.activation(o) };
    }
    case Op.ADD: {
      c.arity(2, 2);
      c.expect(op.inputs[0]!, 'act', 'operand'); c.expect(op.inputs[1]!, 'act', 'operand'); c.expect(y, 'act', 'output');
      for (const t of op.inputs) checkBroadcast(c, t, y);
      return { kind: 'add', activation: c.activation(c.options()) };
    }
    case Op.RESHAPE: {
      c.arity(1, 2);
      c.expect(x, 'act', 'input'); c.expect(y, 'act', 'output');
      const o = c.options();
      let target: number[] | undefined;
      if (w !== undefined && isConstant(c.m, w)) target = c.constInts(w, 'shape');
      else if (w !== undefined) c.expect(w, 'int32', 'shape');
      else if (Array.isArray(o.new_shape)) target = o.new_shape;
      const n = elementCount(c.shape(x));
      if (elementCount(c.shape(y)) !== n) c.bad(`reshapes [${c.shape(x)}] (${n} values) to [${c.shape(y)}]`);
      if (target) {
        const known = target.filter((d) => d !== -1);
        const resolved = known.length === target.length - 1 ? target.map((d) => (d === -1 ? n / Math.max(1, elementCount(known)) : d)) : target;
        if (resolved.length !== c.shape(y).length || resolved.some((d, k) => d !== c.shape(y)[k])) {
          c.bad(`new shape [${target}] disagrees with output [${c.shape(y)}]`);
        }
      }
      return { kind: 'reshape' };
    }
    case Op.SOFTMAX: {
      c.arity(1, 1);
      c.expect(x, 'act', 'input'); c.expect(y, 'act', 'output');
      sameShape(c, x, y);
      const beta = c.options().beta as number;
      if (!(Number.isFinite(beta) && beta > 0)) c.unsupported(`has beta = ${beta}; MLForge supports beta > 0`);
      return { kind: 'softmax', beta };
    }
    case Op.MEAN: {
      c.arity(2, 2);
      c.expect(x, 'act', 'input'); c.expect(y, 'act', 'output');
      const r = c.shape(x).length;
      const axes = c.constInts(w, 'axes');
      if (c.shape(w).length > 1) c.bad(`axes ${c.desc(w)} has shape [${c.shape(w)}], expected a vector`);
      for (const a of axes) if (a < -r || a >= r) c.bad(`reduces over axis ${a} of a rank-${r} input`);
      const keepDims = c.options().keep_dims as boolean;
      return { kind: 'mean', axes, keepDims };
    }
    case Op.PAD: {
      c.arity(2, 2);
      c.expect(x, 'act', 'input'); c.expect(y, 'act', 'output');
      c.options();
      const r = c.shape(x).length;
      const flat = c.constInts(w, 'paddings');
      const ps = c.shape(w);
      if (ps.length !== 2 || ps[0] !== r || ps[1] !== 2) c.bad(`paddings ${c.desc(w)} has shape [${ps}], expected [${r},2]`);
      const paddings = Array.from({ length: r }, (_, k) => [flat[2 * k]!, flat[2 * k + 1]!] as [number, number]);
      paddings.forEach(([a, z], k) => {
        if (a < 0 || z < 0) c.bad(`has negative padding [${a},${z}] on axis ${k}`);
        if (c.shape(y)[k] !== c.shape(x)[k]! + a + z) c.bad(`pads [${c.shape(x)}] by [${flat}] but output is [${c.shape(y)}]`);
      });
      if (c.shape(y).length !== r) c.bad(`output [${c.shape(y)}] has a different rank than input [${c.shape(x)}]`);
      return { kind: 'pad', paddings };
    }
    case Op.CONCATENATION: {
      if (op.inputs.length < 1) c.bad('has no inputs');
      c.arity(1, op.inputs.length);
      op.inputs.forEach((t) => c.expect(t, 'act', 'operand'));
      c.expect(y, 'act', 'output');
      const o = c.options();
      const axis = o.axis as number;
      const r = c.shape(y).length;
      if (axis < -r || axis >= r) c.bad(`concatenates along axis ${axis} of rank-${r} tensors`);
      const ax = axis < 0 ? axis + r : axis;
      let sum = 0;
      for (const t of op.inputs) {
        const s = c.shape(t);
        if (s.length !== r || s.some((d, k) => k !== ax && d !== c.shape(y)[k])) c.bad(`input ${c.desc(t)} [${s}] does not fit output [${c.shape(y)}] along axis ${axis}`);
        sum += s[ax]!;
      }
      if (sum !== c.shape(y)[ax]) c.bad(`inputs add up to ${sum} along axis ${axis} but output is [${c.shape(y)}]`);
      return { kind: 'concatenation', axis, activation: c.activation(o) };
    }
    case Op.LOGISTIC:
    case Op.TANH: {
      c.arity(1, 1);
      c.expect(x, 'act', 'input'); c.expect(y, 'act', 'output');
      sameShape(c, x, y);
      c.options();
      return { kind: builtin === Op.LOGISTIC ? 'logistic' : 'tanh' };
    }
    case Op.QUANTIZE: {
      c.arity(1, 1);
      c.options();
      const xt = c.t(x).type;
      if (xt === TensorType.FLOAT32) {
        if (!c.m.inputs.includes(x)) c.unsupported(`quantizes float ${c.desc(x)}, which is not a graph input: float activations inside the graph`, FLOAT_HINT);
      } else if (xt === TensorType.INT8) {
        c.expect(x, 'act', 'input');
      } else {
        c.unsupported(`quantizes from ${tensorTypeName(xt)}; MLForge supports float32 → int8 and int8 → int8`);
      }
      if (c.t(y).type !== TensorType.INT8) c.unsupported(`quantizes to ${tensorTypeName(c.t(y).type)}; MLForge supports int8 outputs`);
      c.expect(y, 'act', 'output');
      sameShape(c, x, y);
      return { kind: 'quantize' };
    }
    case Op.DEQUANTIZE: {
      c.arity(1, 1);
      c.options();
      if (isConstant(c.m, x)) c.unsupported(`dequantizes constant ${c.desc(x)} at run time (compressed float weights): this is a float model`, FLOAT_HINT);
      if (c.t(x).type !== TensorType.INT8) c.unsupported(`dequantizes ${tensorTypeName(c.t(x).type)}; MLForge supports int8 → float32`);
      c.expect(x, 'act', 'input');
      if (c.t(y).type !== TensorType.FLOAT32) c.bad(`output ${c.desc(y)} is ${tensorTypeName(c.t(y).type)}, expected FLOAT32`);
      if (!c.m.outputs.includes(y)) c.unsupported(`produces float ${c.desc(y)}, which is not a graph output: float activations inside the graph`, FLOAT_HINT);
      sameShape(c, x, y);
      return { kind: 'dequantize' };
    }
    default:
      return c.unsupported('is not supported');
  }
}

function sameShape(c: OpCtx, a: number, b: number): void {
  const sa = c.shape(a), sb = c.shape(b);
  if (sa.length !== sb.length || sa.some((d, k) => d !== sb[k])) c.bad(`maps [${sa}] to [${sb}]; the shapes must agree`);
}

function checkBroadcast(c: OpCtx, t: number, y: number): void {
  const s = c.shape(t), ys = c.shape(y);
  const off = ys.length - s.length;
  if (off < 0 || s.some((d, k) => d !== 1 && d !== ys[k + off])) c.bad(`operand ${c.desc(t)} [${s}] does not broadcast to output [${ys}]`);
}
