/**
 * Per-operator preparation: checks an op's tensors (dtypes, ranks, shapes,
 * quantization) and computes its kernel parameters once. `prepare.ts` walks the
 * graph and calls `prepareOp` for every op; the result is plain data that the
 * interpreter executes (and that code generators can print as C constants).
 */
import { MlforgeError, type ErrorCode } from '../../errors.js';
import type { DType, Int8Model, Op, Tensor } from '../../ir/int8.js';
import { quantizeMultiplier, type Rounding } from './fixedpoint.js';
import {
  activationRange, addRequant, checkedMultiplier, computeOutSize, computePadding, foldMeanMultiplier,
  perChannelMultipliers, perTensorFcMultiplier, sigmoidRequant, softmaxRequant,
} from './kernel_util.js';
import type {
  AddParams, Broadcast6, ConcatParams, ConvParams, DepthwiseParams, FullyConnectedParams, MeanParams, PadParams,
  PoolParams, QuantizeParams, RequantizeParams, SigmoidParams, SoftmaxParams,
} from './types.js';

type Io<K extends string, P> = { kind: K; index: number; inputs: number[]; output: number; params: P };

/** One prepared op: its kind, its tensor indices (-1 = absent bias) and kernel parameters. */
export type PreparedOp =
  | Io<'conv2d', ConvParams>
  | Io<'depthwise_conv2d', DepthwiseParams>
  | Io<'fully_connected', FullyConnectedParams>
  | Io<'add', AddParams>
  | Io<'avg_pool' | 'max_pool', PoolParams>
  | Io<'mean', MeanParams>
  | Io<'softmax', SoftmaxParams>
  | Io<'reshape', null>
  | Io<'pad', PadParams>
  | Io<'concatenation', ConcatParams>
  | Io<'quantize' | 'dequantize', QuantizeParams>
  | Io<'requantize', RequantizeParams>
  | Io<'logistic' | 'tanh', SigmoidParams>;

const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Checks and lookups for one op, with errors that name the op. */
export class OpContext {
  constructor(readonly model: Int8Model, readonly opIndex: number, readonly op: Op, readonly rounding: Rounding) {}

  fail(code: ErrorCode, message: string, hint?: string): never {
    throw new MlforgeError(code, `op #${this.opIndex} (${this.op.options.kind}): ${message}`, hint);
  }

  /** Runs a helper that may throw MlforgeError and prefixes its message with the op. */
  wrap<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof MlforgeError) this.fail(e.code, e.message, e.hint);
      throw e;
    }
  }

  tensor(index: number | undefined, role: string): Tensor {
    const t = index === undefined || index < 0 ? undefined : this.model.tensors[index];
    if (!t) this.fail('BAD_SHAPE', `expected a tensor for the ${role}, got index ${String(index)}`);
    return t;
  }

  dtype(t: Tensor, role: string, ...allowed: DType[]): void {
    if (!allowed.includes(t.dtype)) {
      this.fail('UNSUPPORTED', `expected ${allowed.join(' or ')} for the ${role} "${t.name}", got ${t.dtype}`);
    }
  }

  /** An int8 activation quantized per tensor: its scale and zero point. */
  act(index: number | undefined, role: string): { t: Tensor; scale: number; zp: number } {
    const t = this.tensor(index, role);
    this.dtype(t, role, 'int8');
    if (!t.quant || t.quant.scale.length !== 1) {
      this.fail('UNSUPPORTED', `expected per-tensor quantization for the ${role} "${t.name}", got ${t.quant ? `${t.quant.scale.length} scales` : 'none'}`);
    }
    return { t, scale: t.quant.scale[0], zp: t.quant.zeroPoint[0] };
  }

  /** Constant data of a tensor, of the typed-array kind its dtype implies. */
  constant(t: Tensor, index: number, role: string): void {
    if (!t.constant) this.fail('UNSUPPORTED', `expected a constant ${role} "${t.name}", got a computed tensor`);
    const data = this.model.data.get(index);
    if (!data) this.fail('BAD_INPUT', `expected data for the constant ${role} "${t.name}" (tensor ${index}), found none`);
    const ok = (t.dtype === 'int8' && data instanceof Int8Array) || (t.dtype === 'int32' && data instanceof Int32Array);
    if (!ok || data.length !== elements(t.shape)) {
      this.fail('BAD_INPUT', `expected ${elements(t.shape)} ${t.dtype} values for "${t.name}" ${fmt(t.shape)}, got ${data.length} in a ${data.constructor.name}`);
    }
  }

  /** Symmetric int8 weights with `channels` scales along `axis` (or one scale). */
  weights(index: number | undefined, role: string, rank: number, axis: number): { t: Tensor; scales: number[] } {
    const t = this.tensor(index, role);
    this.dtype(t, role, 'int8');
    if (t.shape.length !== rank) this.fail('BAD_SHAPE', `expected a rank-${rank} ${role}, got ${fmt(t.shape)}`);
    this.constant(t, index!, role);
    const q = t.quant;
    if (!q) this.fail('UNSUPPORTED', `expected quantization parameters on the ${role} "${t.name}", found none`);
    const channels = t.shape[axis];
    if (q.scale.length !== 1 && (q.scale.length !== channels || (q.axis !== undefined && q.axis !== axis))) {
      this.fail('UNSUPPORTED', `expected 1 or ${channels} scales along axis ${axis} for the ${role} "${t.name}", got ${q.scale.length} (axis ${String(q.axis)})`);
    }
    if (q.zeroPoint.some((z) => z !== 0)) {
      this.fail('UNSUPPORTED', `expected symmetric weights (zero point 0) for the ${role} "${t.name}", got ${q.zeroPoint.find((z) => z !== 0)}`);
    }
    return { t, scales: q.scale };
  }

  bias(index: number | undefined, channels: number): number {
    if (index === undefined || index < 0) return -1;
    const t = this.tensor(index, 'bias');
    this.dtype(t, 'bias', 'int32');
    if (elements(t.shape) !== channels) this.fail('BAD_SHAPE', `expected ${channels} bias values, got ${fmt(t.shape)}`);
    this.constant(t, index, 'bias');
    return index;
  }

  shape(t: Tensor, expected: readonly number[], role: string): void {
    if (!sameShape(t.shape, expected)) this.fail('BAD_SHAPE', `expected ${fmt(expected)} for the ${role} "${t.name}", got ${fmt(t.shape)}`);
  }

  rank(t: Tensor, rank: number, role: string): void {
    if (t.shape.length !== rank) this.fail('BAD_SHAPE', `expected a rank-${rank} ${role}, got ${fmt(t.shape)}`);
  }

  sameQuant(a: { scale: number; zp: number }, b: { scale: number; zp: number }, what: string): void {
    if (Math.fround(a.scale) !== Math.fround(b.scale) || a.zp !== b.zp) {
      this.fail('UNSUPPORTED', `expected ${what} to share scale and zero point, got (${a.scale}, ${a.zp}) and (${b.scale}, ${b.zp})`);
    }
  }
}

function windowOp(ctx: OpContext, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number,
  padding: 'same' | 'valid', h: number, w: number): { oh: number; ow: number; padH: number; padW: number } {
  const oh = computeOutSize(padding, h, kh, sh, dh);
  const ow = computeOutSize(padding, w, kw, sw, dw);
  if (oh <= 0 || ow <= 0) ctx.fail('BAD_SHAPE', `a ${kh}x${kw} window does not fit a ${h}x${w} input with ${padding} padding`);
  return { oh, ow, padH: computePadding(sh, dh, h, kh, oh), padW: computePadding(sw, dw, w, kw, ow) };
}

function broadcast6(ctx: OpContext, a: readonly number[], b: readonly number[], out: readonly number[]): Broadcast6 {
  if (a.length > 6 || b.length > 6) ctx.fail('UNSUPPORTED', `expected at most 6 dims, got ${fmt(a)} and ${fmt(b)}`);
  const pa = [...new Array<number>(6 - a.length).fill(1), ...a];
  const pb = [...new Array<number>(6 - b.length).fill(1), ...b];
  const outDims = pa.map((d, i) => {
    if (d !== pb[i] && d !== 1 && pb[i] !== 1) ctx.fail('BAD_SHAPE', `${fmt(a)} and ${fmt(b)} do not broadcast`);
    return Math.max(d, pb[i]);
  });
  const po = [...new Array<number>(Math.max(0, 6 - out.length)).fill(1), ...out];
  if (out.length > 6 || !sameShape(po, outDims)) ctx.fail('BAD_SHAPE', `expected the output ${fmt(outDims.slice(6 - Math.max(a.length, b.length)))}, got ${fmt(out)}`);
  const strides = (p: number[]): Int32Array => {
    const s = new Int32Array(6);
    let acc = 1;
    for (let i = 5; i >= 0; i--) {
      s[i] = p[i] === 1 && outDims[i] !== 1 ? 0 : acc;
      acc *= p[i];
    }
    return s;
  };
  return { outDims: Int32Array.from(outDims), strides1: strides(pa), strides2: strides(pb) };
}

export function prepareOp(ctx: OpContext): PreparedOp {
  const { op, opIndex: index, rounding } = ctx;
  const o = op.options;
  const outIndex = op.outputs[0];
  if (op.outputs.length !== 1) ctx.fail('UNSUPPORTED', `expected 1 output, got ${op.outputs.length}`);
  switch (o.kind) {
    case 'conv2d':
    case 'depthwise_conv2d': {
      const depthwise = o.kind === 'depthwise_conv2d';
      const x = ctx.act(op.inputs[0], 'input');
      ctx.rank(x.t, 4, 'input');
      const [n, h, w, cin] = x.t.shape;
      const wt = ctx.weights(op.inputs[1], 'filter', 4, depthwise ? 3 : 0);
      const [f0, kh, kw, f3] = wt.t.shape;
      const cout = depthwise ? f3 : f0;
      if (depthwise ? f0 !== 1 || cout % cin !== 0 : f3 !== cin) {
        ctx.fail('UNSUPPORTED', `expected a filter ${depthwise ? `[1, KH, KW, ${cin}·M]` : `[Cout, KH, KW, ${cin}]`}, got ${fmt(wt.t.shape)}`);
      }
      const bias = ctx.bias(op.inputs[2], cout);
      const y = ctx.act(outIndex, 'output');
      const win = windowOp(ctx, kh, kw, o.strideH, o.strideW, o.dilationH, o.dilationW, o.padding, h, w);
      ctx.shape(y.t, [n, win.oh, win.ow, cout], 'output');
      const { multiplier, shift } = ctx.wrap(() => perChannelMultipliers(x.scale, wt.scales, y.scale, cout, rounding));
      const base: ConvParams = {
        strideH: o.strideH, strideW: o.strideW, dilationH: o.dilationH, dilationW: o.dilationW,
        padH: win.padH, padW: win.padW, inputOffset: -x.zp, outputOffset: y.zp,
        ...ctx.wrap(() => activationRange(o.activation, y.scale, y.zp)),
        input: { n, h, w, c: cin }, filter: { n: f0, h: kh, w: kw, c: f3 }, output: { n, h: win.oh, w: win.ow, c: cout },
        multiplier, shift, rounding,
      };
      const inputs = [op.inputs[0], op.inputs[1], bias];
      return depthwise
        ? { kind: 'depthwise_conv2d', index, inputs, output: outIndex, params: { ...base, depthMultiplier: cout / cin } }
        : { kind: 'conv2d', index, inputs, output: outIndex, params: base };
    }
    case 'fully_connected': {
      const x = ctx.act(op.inputs[0], 'input');
      const wt = ctx.tensor(op.inputs[1], 'weights');
      ctx.dtype(wt, 'weights', 'int8');
      ctx.rank(wt, 2, 'weights');
      ctx.constant(wt, op.inputs[1], 'weights');
      const [outDepth, accumDepth] = wt.shape;
      const total = elements(x.t.shape);
      if (accumDepth === 0 || total % accumDepth !== 0) ctx.fail('BAD_SHAPE', `expected input elements divisible by ${accumDepth}, got ${fmt(x.t.shape)}`);
      const batches = total / accumDepth;
      const bias = ctx.bias(op.inputs[2], outDepth);
      const y = ctx.act(outIndex, 'output');
      if (elements(y.t.shape) !== batches * outDepth) ctx.fail('BAD_SHAPE', `expected ${batches}×${outDepth} output elements, got ${fmt(y.t.shape)}`);
      const q = wt.quant;
      if (!q || (q.scale.length !== 1 && q.scale.length !== outDepth)) {
        ctx.fail('UNSUPPORTED', `expected 1 or ${outDepth} weight scales, got ${q ? q.scale.length : 'none'}`);
      }
      const perChannel = q.scale.length > 1;
      if (perChannel && q.zeroPoint.some((z) => z !== 0)) ctx.fail('UNSUPPORTED', 'expected zero points 0 for per-channel weights');
      let multiplier: Int32Array;
      let shift: Int32Array;
      if (perChannel) {
        ({ multiplier, shift } = ctx.wrap(() => perChannelMultipliers(x.scale, q.scale, y.scale, outDepth, rounding)));
      } else {
        const qm = ctx.wrap(() => perTensorFcMultiplier(x.scale, q.scale[0], y.scale, rounding));
        multiplier = Int32Array.of(qm.multiplier);
        shift = Int32Array.of(qm.shift);
      }
      return {
        kind: 'fully_connected', index, inputs: [op.inputs[0], op.inputs[1], bias], output: outIndex,
        params: {
          inputOffset: -x.zp, filterOffset: -q.zeroPoint[0], outputOffset: y.zp,
          ...ctx.wrap(() => activationRange(o.activation, y.scale, y.zp)),
          perChannel, batches, accumDepth, outDepth, multiplier, shift, rounding,
        },
      };
    }
    case 'add': {
      const a = ctx.act(op.inputs[0], 'input 1');
      const b = ctx.act(op.inputs[1], 'input 2');
      const y = ctx.act(outIndex, 'output');
      const same = sameShape(a.t.shape, b.t.shape);
      if (same) ctx.shape(y.t, a.t.shape, 'output');
      const broadcast = same ? undefined : broadcast6(ctx, a.t.shape, b.t.shape, y.t.shape);
      return {
        kind: 'add', index, inputs: [op.inputs[0], op.inputs[1]], output: outIndex,
        params: {
          ...ctx.wrap(() => addRequant(a.scale, a.zp, b.scale, b.zp, y.scale, y.zp, rounding)),
          ...ctx.wrap(() => activationRange(o.activation, y.scale, y.zp)),
          size: elements(y.t.shape), broadcast,
        },
      };
    }
    case 'avg_pool':
    case 'max_pool': {
      const x = ctx.act(op.inputs[0], 'input');
      ctx.rank(x.t, 4, 'input');
      const y = ctx.act(outIndex, 'output');
      ctx.sameQuant(x, y, 'input and output');
      const [n, h, w, c] = x.t.shape;
      const win = windowOp(ctx, o.filterH, o.filterW, o.strideH, o.strideW, 1, 1, o.padding, h, w);
      ctx.shape(y.t, [n, win.oh, win.ow, c], 'output');
      return {
        kind: o.kind, index, inputs: [op.inputs[0]], output: outIndex,
        params: {
          strideH: o.strideH, strideW: o.strideW, filterH: o.filterH, filterW: o.filterW, padH: win.padH, padW: win.padW,
          ...ctx.wrap(() => activationRange(o.activation, y.scale, y.zp)),
          input: { n, h, w, c }, output: { n, h: win.oh, w: win.ow, c },
        },
      };
    }
    case 'mean': {
      const x = ctx.act(op.inputs[0], 'input');
      const y = ctx.act(outIndex, 'output');
      const dims = x.t.shape;
      if (dims.length < 1 || dims.length > 6) ctx.fail('UNSUPPORTED', `expected 1 to 6 dims, got ${fmt(dims)}`);
      const reduce = dims.map(() => false);
      for (const a of o.axes) {
        const r = a < 0 ? a + dims.length : a;
        if (r < 0 || r >= dims.length) ctx.fail('BAD_SHAPE', `axis ${a} is outside a rank-${dims.length} input`);
        reduce[r] = true;
      }
      const kept = o.keepDims ? dims.map((d, i) => (reduce[i] ? 1 : d)) : dims.filter((_, i) => !reduce[i]);
      if (elements(y.t.shape) !== elements(kept)) ctx.fail('BAD_SHAPE', `expected the output ${fmt(kept)}, got ${fmt(y.t.shape)}`);
      const count = elements(dims.filter((_, i) => reduce[i]));
      const real = Math.fround(x.scale) / Math.fround(y.scale);
      const qm = quantizeMultiplier(real, rounding);
      const folded = foldMeanMultiplier(count, qm.multiplier, qm.shift);
      if (folded.shift > 30) ctx.fail('UNSUPPORTED', `expected a requantization multiplier below 2^30, got ${real} / ${count}`);
      return {
        kind: 'mean', index, inputs: [op.inputs[0]], output: outIndex,
        params: {
          dims: [...dims], reduce, inputZeroPoint: x.zp, outputZeroPoint: y.zp, multiplier: folded.multiplier, shift: folded.shift,
          rounding, sameQuant: x.zp === y.zp && Math.fround(x.scale) === Math.fround(y.scale),
        },
      };
    }
    case 'softmax': {
      const x = ctx.act(op.inputs[0], 'input');
      const y = ctx.act(outIndex, 'output');
      ctx.shape(y.t, x.t.shape, 'output');
      if (Math.fround(y.scale) !== 1 / 256 || y.zp !== -128) {
        ctx.fail('UNSUPPORTED', `expected output scale 1/256 and zero point -128, got (${y.scale}, ${y.zp})`);
      }
      const depth = x.t.shape.length ? x.t.shape[x.t.shape.length - 1] : 1;
      return {
        kind: 'softmax', index, inputs: [op.inputs[0]], output: outIndex,
        params: { ...ctx.wrap(() => softmaxRequant(o.beta, x.scale, rounding)), outer: depth ? elements(x.t.shape) / depth : 0, depth },
      };
    }
    case 'reshape': {
      const x = ctx.tensor(op.inputs[0], 'input');
      const y = ctx.tensor(outIndex, 'output');
      if (x.dtype !== y.dtype || elements(x.shape) !== elements(y.shape)) {
        ctx.fail('BAD_SHAPE', `expected ${elements(x.shape)} ${x.dtype} output elements, got ${fmt(y.shape)} ${y.dtype}`);
      }
      if (x.dtype === 'int8') ctx.sameQuant(ctx.act(op.inputs[0], 'input'), ctx.act(outIndex, 'output'), 'input and output');
      return { kind: 'reshape', index, inputs: [op.inputs[0]], output: outIndex, params: null };
    }
    case 'pad': {
      const x = ctx.act(op.inputs[0], 'input');
      const y = ctx.act(outIndex, 'output');
      ctx.sameQuant(x, y, 'input and output');
      const dims = x.t.shape;
      if (dims.length < 1 || dims.length > 6 || o.paddings.length !== dims.length) {
        ctx.fail('UNSUPPORTED', `expected one [before, after] per axis of ${fmt(dims)} (at most 6), got ${o.paddings.length}`);
      }
      ctx.shape(y.t, dims.map((d, i) => o.paddings[i][0] + d + o.paddings[i][1]), 'output');
      return {
        kind: 'pad', index, inputs: [op.inputs[0]], output: outIndex,
        params: { dims: [...dims], before: o.paddings.map((p) => p[0]), after: o.paddings.map((p) => p[1]), padValue: y.zp },
      };
    }
    case 'concatenation': {
      const y = ctx.act(outIndex, 'output');
      if (o.activation !== 'none') ctx.fail('UNSUPPORTED', `expected no fused activation, got ${o.activation}`);
      const xs = op.inputs.map((i, k) => ctx.act(i, `input ${k}`));
      const rank = y.t.shape.length;
      const axis = o.axis < 0 ? o.axis + rank : o.axis;
      if (axis < 0 || axis >= rank) ctx.fail('BAD_SHAPE', `axis ${o.axis} is outside a rank-${rank} output`);
      for (const x of xs) {
        ctx.sameQuant(x, y, `input "${x.t.name}" and the output`);
        if (x.t.shape.length !== rank || x.t.shape.some((d, i) => i !== axis && d !== y.t.shape[i])) {
          ctx.fail('BAD_SHAPE', `input ${fmt(x.t.shape)} does not match the output ${fmt(y.t.shape)} off axis ${axis}`);
        }
      }
      const axisSizes = xs.map((x) => x.t.shape[axis]);
      if (axisSizes.reduce((a, b) => a + b, 0) !== y.t.shape[axis]) ctx.fail('BAD_SHAPE', `inputs do not add up to ${y.t.shape[axis]} along axis ${axis}`);
      return {
        kind: 'concatenation', index, inputs: [...op.inputs], output: outIndex,
        params: { axisSizes, outer: elements(y.t.shape.slice(0, axis)), inner: elements(y.t.shape.slice(axis + 1)) },
      };
    }
    case 'quantize': {
      const xt = ctx.tensor(op.inputs[0], 'input');
      ctx.dtype(xt, 'input', 'float32', 'int8');
      const y = ctx.act(outIndex, 'output');
      ctx.shape(y.t, xt.shape, 'output');
      if (xt.dtype === 'float32') {
        return { kind: 'quantize', index, inputs: [op.inputs[0]], output: outIndex, params: { scale: y.scale, zeroPoint: y.zp } };
      }
      const x = ctx.act(op.inputs[0], 'input');
      const qm = ctx.wrap(() => checkedMultiplier(Math.fround(x.scale) / Math.fround(y.scale), rounding, 'the output'));
      return {
        kind: 'requantize', index, inputs: [op.inputs[0]], output: outIndex,
        params: { inputZeroPoint: x.zp, outputZeroPoint: y.zp, multiplier: qm.multiplier, shift: qm.shift, rounding },
      };
    }
    case 'dequantize': {
      const x = ctx.act(op.inputs[0], 'input');
      const yt = ctx.tensor(outIndex, 'output');
      ctx.dtype(yt, 'output', 'float32');
      ctx.shape(yt, x.t.shape, 'output');
      return { kind: 'dequantize', index, inputs: [op.inputs[0]], output: outIndex, params: { scale: x.scale, zeroPoint: x.zp } };
    }
    case 'logistic':
    case 'tanh': {
      const x = ctx.act(op.inputs[0], 'input');
      const y = ctx.act(outIndex, 'output');
      ctx.shape(y.t, x.t.shape, 'output');
      const [scale, zp] = o.kind === 'logistic' ? [1 / 256, -128] : [1 / 128, 0];
      if (Math.fround(y.scale) !== scale || y.zp !== zp) {
        ctx.fail('UNSUPPORTED', `expected output scale ${scale} and zero point ${zp}, got (${y.scale}, ${y.zp})`);
      }
      return { kind: o.kind, index, inputs: [op.inputs[0]], output: outIndex, params: ctx.wrap(() => sigmoidRequant(x.scale, x.zp, rounding)) };
    }
    default: {
      const kind: never = o;
      return ctx.fail('UNSUPPORTED', `no int8 kernel for ${(kind as { kind: string }).kind}`);
    }
  }
}
