/**
 * Lowering: a batch-norm-free float graph, its plan and the activation ranges →
 * an `Int8Model` following the TFLite int8 spec.
 *
 * - Activations: int8 per tensor, asymmetric, shapes with the batch axis
 *   ([1, H, W, C], [1, F]; a conv1d's [L, C] becomes [1, 1, L, C]).
 * - Weights: int8 symmetric per output channel, zero point 0, in [-127, 127]:
 *   conv filters [Cout, KH, KW, Cin] (axis 0), depthwise [1, KH, KW, C·M]
 *   (axis 3), fully-connected [Out, In] (axis 0; per tensor on request).
 * - Bias: int32, scale s_in·s_w[c], q = round(b / (s_in·s_w[c])); every
 *   conv / depthwise / fully-connected op gets one (zeros without a float bias).
 *   A channel whose bias would overflow int32 gets a larger weight scale.
 * - Fused relu / relu6 become the op's `activation` (the kernels' clamp).
 *
 * Not here: choosing ranges (calibrate.ts) or which layers fuse (plan.ts).
 */
import { MlforgeError } from '../errors.js';
import type { ConstData, Int8Model, Op, OpOptions, Tensor, TensorQuant } from '../ir/int8.js';
import { pairOf, type Layer } from '../ir/schema.js';
import { MODEL_INPUT } from '../ir/shapes.js';
import type { FloatGraph } from './graph.js';
import { resolveQuant, valueName, type FusedActivation, type QuantPlan } from './plan.js';
import { quantizeWeights, weightScales, roundHalfAway, type ActQuant, type Range } from './qparams.js';

export interface LowerOptions {
  /** Per-channel fully-connected weights (default true); false gives one scale per weight tensor. */
  readonly perChannelDense?: boolean;
  readonly labels?: readonly string[];
}

const INT32_MAX = 2147483647;

/** Per-sample float shape → int8 tensor shape with the batch axis. */
export const int8Shape = (s: readonly number[]): number[] => (s.length === 2 ? [1, 1, ...s] : [1, ...s]);

const actQuant = (q: ActQuant): TensorQuant => ({ scale: [q.scale], zeroPoint: [q.zeroPoint] });

export function lowerToInt8(g: FloatGraph, plan: QuantPlan, ranges: ReadonlyMap<number, Range>, opts: LowerOptions = {}): Int8Model {
  const layers = plan.resolved.layers;
  const quant = resolveQuant(plan, ranges);
  const tensors: Tensor[] = [];
  const data = new Map<number, ConstData>();
  const ops: Op[] = [];
  const tensorOfValue = new Map<number, number>();
  const add = (t: Omit<Tensor, 'constant'>, constData?: ConstData): number => {
    tensors.push({ ...t, constant: constData !== undefined });
    if (constData) data.set(tensors.length - 1, constData);
    return tensors.length - 1;
  };
  const value = (v: number): number => {
    const t = tensorOfValue.get(v);
    if (t === undefined) throw new MlforgeError('INTERNAL', `value "${valueName(plan, v)}" is read before it is written`);
    return t;
  };
  const weight = (name: string): Float32Array => {
    const w = g.weights.get(name);
    if (!w) throw new MlforgeError('BAD_FILE', `model "${plan.resolved.model.name}": missing tensor "${name}"`);
    return w;
  };

  tensorOfValue.set(MODEL_INPUT, add({ name: 'input', shape: int8Shape(plan.resolved.inputShape), dtype: 'int8', quant: actQuant(quant.get(MODEL_INPUT)!) }));

  for (const step of plan.steps) {
    const l = layers[step.layer]!.layer;
    const inputs = step.inputs.map(value);
    const out = add({ name: valueName(plan, step.output), shape: int8Shape(layers[step.output]!.outShape), dtype: 'int8', quant: actQuant(quant.get(step.output)!) });
    tensorOfValue.set(step.output, out);
    let options: OpOptions;
    if (step.op === 'conv2d' || step.op === 'depthwise_conv2d' || step.op === 'fully_connected') {
      const sIn = quant.get(step.inputs[0]!)!.scale;
      const kernel = weight(`${l.name}/kernel`);
      const param = weightLayout(l, layers[step.layer]!.inShapes[0]!, layers[step.layer]!.outShape);
      if (param.shape.reduce((a, b) => a * b, 1) !== kernel.length) {
        throw new MlforgeError('BAD_FILE', `model "${plan.resolved.model.name}": "${l.name}/kernel" has ${kernel.length} values, expected [${param.shape}]`);
      }
      const perTensor = step.op === 'fully_connected' && opts.perChannelDense === false;
      const bias = g.weights.get(`${l.name}/bias`) ?? new Float32Array(param.channels);
      const scales = weightScales(kernel, perTensor ? 1 : param.channels);
      const sW = (c: number) => scales[perTensor ? 0 : c]!;
      // Keep b / (s_in·s_w) inside int32 by raising s_w where needed.
      for (let c = 0; c < param.channels; c++) {
        const needed = Math.abs(bias[c]!) / (sIn * (INT32_MAX - 1));
        if (sW(c) < needed) scales[perTensor ? 0 : c] = Math.fround(needed * (1 + 1e-6));
      }
      const scaleList = Array.from(scales);
      const wq: TensorQuant = { scale: scaleList, zeroPoint: scaleList.map(() => 0), ...(perTensor ? {} : { axis: param.axis }) };
      const w = add({ name: `${l.name}/weights`, shape: param.shape, dtype: 'int8', quant: wq }, param.transpose(quantizeWeights(kernel, scales)));
      const biasScale = Array.from({ length: param.channels }, (_, c) => Math.fround(sIn * sW(c)));
      const bq = Int32Array.from(bias, (b, c) => roundHalfAway(b / biasScale[c]!));
      const bt = add({ name: `${l.name}/bias`, shape: [param.channels], dtype: 'int32',
        quant: perTensor ? { scale: [biasScale[0]!], zeroPoint: [0] } : { scale: biasScale, zeroPoint: biasScale.map(() => 0), axis: 0 } }, bq);
      inputs.push(w, bt);
      options = convOptions(l, step.activation);
    } else {
      options = otherOptions(l, step.activation);
    }
    ops.push({ inputs, outputs: [out], options });
  }
  return {
    format: 'mlforge.int8', version: 1,
    meta: { name: plan.resolved.model.name, ...(opts.labels ? { labels: [...opts.labels] } : {}), source: 'mlforge' },
    tensors, ops, inputs: [value(MODEL_INPUT)], outputs: [value(plan.output)], data,
  };
}

interface WeightLayout {
  readonly channels: number;
  readonly shape: number[];
  readonly axis: number;
  /** Float-layout int8 (channel last) → the int8 IR layout. */
  readonly transpose: (q: Int8Array) => Int8Array;
}

/** Where a weighted layer's output channels are and how its kernel is laid out in the IR. */
function weightLayout(l: Layer, inShape: readonly number[], outShape: readonly number[]): WeightLayout {
  const cout = outShape[outShape.length - 1]!;
  const cin = inShape[inShape.length - 1]!;
  switch (l.type) {
    case 'depthwise_conv2d': {
      // (KH, KW, C·M) is already [1, KH, KW, C·M].
      const [kh, kw] = pairOf(l.kernel);
      return { channels: cout, shape: [1, kh, kw, cout], axis: 3, transpose: (q) => q };
    }
    case 'conv2d': case 'conv1d': case 'dense': {
      const [kh, kw] = l.type === 'conv2d' ? pairOf(l.kernel) : l.type === 'conv1d' ? [1, l.kernel] : [1, 1];
      const taps = kh * kw;
      // (KH, KW, Cin, Cout) → [Cout, KH, KW, Cin]; dense (In, Out) → [Out, In] is the taps = 1 case.
      const transpose = (q: Int8Array): Int8Array => {
        const t = new Int8Array(q.length);
        for (let co = 0; co < cout; co++) {
          for (let p = 0; p < taps; p++) {
            for (let ci = 0; ci < cin; ci++) t[(co * taps + p) * cin + ci] = q[(p * cin + ci) * cout + co]!;
          }
        }
        return t;
      };
      return { channels: cout, shape: l.type === 'dense' ? [cout, cin] : [cout, kh, kw, cin], axis: 0, transpose };
    }
    default:
      throw new MlforgeError('INTERNAL', `layer "${l.name}" (${l.type}) has no weights`);
  }
}

function convOptions(l: Layer, activation: FusedActivation): OpOptions {
  switch (l.type) {
    case 'conv2d': {
      const [strideH, strideW] = pairOf(l.stride);
      return { kind: 'conv2d', strideH, strideW, dilationH: 1, dilationW: 1, padding: l.padding, activation };
    }
    case 'conv1d':
      return { kind: 'conv2d', strideH: 1, strideW: l.stride, dilationH: 1, dilationW: 1, padding: l.padding, activation };
    case 'depthwise_conv2d': {
      const [strideH, strideW] = pairOf(l.stride);
      return { kind: 'depthwise_conv2d', strideH, strideW, dilationH: 1, dilationW: 1, depthMultiplier: l.depthMultiplier, padding: l.padding, activation };
    }
    case 'dense':
      return { kind: 'fully_connected', activation };
    default:
      throw new MlforgeError('INTERNAL', `layer "${l.name}" (${l.type}) is not a weighted layer`);
  }
}

function otherOptions(l: Layer, activation: FusedActivation): OpOptions {
  switch (l.type) {
    case 'add': return { kind: 'add', activation };
    case 'avg_pool': case 'max_pool': {
      const [filterH, filterW] = pairOf(l.pool);
      const [strideH, strideW] = pairOf(l.stride ?? l.pool);
      return { kind: l.type, filterH, filterW, strideH, strideW, padding: l.padding, activation };
    }
    case 'relu': case 'relu6':
      return { kind: 'max_pool', filterH: 1, filterW: 1, strideH: 1, strideW: 1, padding: 'valid', activation };
    case 'global_avg_pool': return { kind: 'mean', axes: [1, 2], keepDims: false };
    case 'softmax': return { kind: 'softmax', beta: 1 };
    case 'flatten': case 'reshape': return { kind: 'reshape' };
    default:
      throw new MlforgeError('UNSUPPORTED', `layer "${l.name}" (${l.type}) has no int8 lowering`);
  }
}
