/**
 * Operator versions and the minimum runtime version, as TensorFlow Lite's
 * converter assigns them (tensorflow/lite/tools/versioning/op_version.cc and
 * runtime_version.cc), restricted to the int8 forms of the ops MLForge writes.
 * A runtime refuses an op whose version it does not know, so these matter.
 */
import { isConstant, type RawModel, type RawOp } from './raw.js';
import { Op, TensorType, builtinName } from './schema.js';

/** Version of builtin `code` for this op's tensor types and options. */
export function opVersion(code: number, op: RawOp, m: RawModel): number {
  const type = (t: number | undefined) => (t === undefined || t < 0 ? -1 : m.tensors[t]!.type);
  const perChannel = (t: number | undefined) => t !== undefined && t >= 0 && (m.tensors[t]!.quant?.scale.length ?? 0) > 1;
  const in0 = type(op.inputs[0]);
  const int8 = in0 === TensorType.INT8;
  switch (code) {
    case Op.CONV_2D:
    case Op.DEPTHWISE_CONV_2D:
      return int8 && type(op.inputs[1]) === TensorType.INT8 && type(op.outputs[0]) === TensorType.INT8 ? 3 : 1;
    case Op.FULLY_CONNECTED:
      if (op.inputs.length === 2) return 6; // no bias
      if (op.options?.keep_num_dims === true) return 5;
      return int8 && type(op.inputs[1]) === TensorType.INT8 && type(op.outputs[0]) === TensorType.INT8 ? 4 : 1;
    case Op.PAD:
      if (op.inputs[0] !== undefined && m.tensors[op.inputs[0]]!.shape.length > 4) return 4;
      return int8 ? 2 : 1;
    case Op.QUANTIZE:
      return perChannel(op.outputs[0]) ? 3 : 1;
    case Op.DEQUANTIZE:
      if (!int8) return 1;
      return perChannel(op.inputs[0]) && isConstant(m, op.inputs[0]!) ? 5 : 2;
    case Op.RESHAPE:
      return 1;
    case Op.ADD: case Op.AVERAGE_POOL_2D: case Op.MAX_POOL_2D: case Op.SOFTMAX: case Op.MEAN:
    case Op.CONCATENATION: case Op.LOGISTIC: case Op.TANH:
      return int8 ? 2 : 1;
    default:
      return 1;
  }
}

/** Minimum TFLite runtime per (op, version), from runtime_version.cc. */
const RUNTIME: Readonly<Record<string, string>> = {
  'CONV_2D/1': '1.5.0', 'CONV_2D/3': '1.14.0',
  'DEPTHWISE_CONV_2D/1': '1.5.0', 'DEPTHWISE_CONV_2D/3': '1.14.0',
  'FULLY_CONNECTED/1': '1.5.0', 'FULLY_CONNECTED/4': '1.14.0', 'FULLY_CONNECTED/5': '2.0.0', 'FULLY_CONNECTED/6': '2.1.0',
  'AVERAGE_POOL_2D/1': '1.5.0', 'AVERAGE_POOL_2D/2': '1.14.0',
  'MAX_POOL_2D/1': '1.5.0', 'MAX_POOL_2D/2': '1.14.0',
  'ADD/1': '1.5.0', 'ADD/2': '1.14.0',
  'RESHAPE/1': '1.5.0',
  'SOFTMAX/1': '1.5.0', 'SOFTMAX/2': '1.14.0',
  'MEAN/1': '1.6.0', 'MEAN/2': '1.14.0',
  'PAD/1': '1.5.0', 'PAD/2': '1.14.0', 'PAD/4': '2.6.0',
  'QUANTIZE/1': '1.14.0', 'QUANTIZE/3': '2.7.0',
  'DEQUANTIZE/1': '1.13.1', 'DEQUANTIZE/2': '1.14.0', 'DEQUANTIZE/5': '2.7.0',
  'CONCATENATION/1': '1.5.0', 'CONCATENATION/2': '1.14.0',
  'LOGISTIC/1': '1.14.0', 'LOGISTIC/2': '1.14.0',
  'TANH/1': '1.14.0', 'TANH/2': '1.14.0',
};

const cmp = (a: string, b: string): number => {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/** The highest minimum runtime over the model's operator codes ('' when none is known). */
export function minRuntimeVersion(codes: readonly { builtin: number; version: number }[]): string {
  let best = '';
  for (const c of codes) {
    const v = RUNTIME[`${builtinName(c.builtin)}/${c.version}`];
    if (v && (best === '' || cmp(v, best) > 0)) best = v;
  }
  return best;
}
