/**
 * The lowered, quantized graph: tensors and operators, close to a TFLite subgraph.
 * The quantizer produces it from a float Model, the `.tflite` reader produces it
 * from a file; the int8 interpreter, the memory planner, the C generator and the
 * `.tflite` writer consume it.
 *
 * Quantization follows the TFLite int8 spec: real = scale * (q - zeroPoint).
 * Activations int8 per-tensor asymmetric; conv/depthwise weights int8 symmetric
 * per output channel (`axis` = the output-channel axis); bias int32 with
 * scale = s_in * s_w[c] and zero point 0.
 *
 * Shapes here include the batch axis (always 1 for activations), as in TFLite:
 * activations NHWC [1, H, W, C] or [1, F]; conv filters [Cout, KH, KW, Cin];
 * depthwise filters [1, KH, KW, Cout]; fully-connected weights [Out, In].
 */
import { z } from 'zod';

export const DType = z.enum(['int8', 'int16', 'int32', 'float32']);
export type DType = z.infer<typeof DType>;

export const TensorQuant = z.object({
  scale: z.array(z.number().positive()).min(1),
  zeroPoint: z.array(z.number().int()).min(1),
  /** Axis of per-channel quantization; absent for per-tensor. */
  axis: z.number().int().nonnegative().optional(),
}).strict();
export type TensorQuant = z.infer<typeof TensorQuant>;

export const Tensor = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: DType,
  quant: TensorQuant.optional(),
  /** Constant data (weights, bias, shapes) lives in the companion binary under this tensor's name. */
  constant: z.boolean().default(false),
}).strict();
export type Tensor = z.infer<typeof Tensor>;

export const Activation = z.enum(['none', 'relu', 'relu6', 'relu_n1_to_1']);
export type Activation = z.infer<typeof Activation>;
const Padding = z.enum(['same', 'valid']);

const ops = [
  z.object({ kind: z.literal('conv2d'), strideH: z.number().int().positive(), strideW: z.number().int().positive(),
    dilationH: z.number().int().positive().default(1), dilationW: z.number().int().positive().default(1),
    padding: Padding, activation: Activation }).strict(),
  z.object({ kind: z.literal('depthwise_conv2d'), strideH: z.number().int().positive(), strideW: z.number().int().positive(),
    dilationH: z.number().int().positive().default(1), dilationW: z.number().int().positive().default(1),
    depthMultiplier: z.number().int().positive(), padding: Padding, activation: Activation }).strict(),
  z.object({ kind: z.literal('fully_connected'), activation: Activation }).strict(),
  z.object({ kind: z.literal('add'), activation: Activation }).strict(),
  z.object({ kind: z.literal('avg_pool'), filterH: z.number().int().positive(), filterW: z.number().int().positive(),
    strideH: z.number().int().positive(), strideW: z.number().int().positive(), padding: Padding, activation: Activation }).strict(),
  z.object({ kind: z.literal('max_pool'), filterH: z.number().int().positive(), filterW: z.number().int().positive(),
    strideH: z.number().int().positive(), strideW: z.number().int().positive(), padding: Padding, activation: Activation }).strict(),
  /** Mean over `axes` (e.g. [1, 2] = global average pool). */
  z.object({ kind: z.literal('mean'), axes: z.array(z.number().int()), keepDims: z.boolean() }).strict(),
  z.object({ kind: z.literal('softmax'), beta: z.number().positive().default(1) }).strict(),
  z.object({ kind: z.literal('reshape') }).strict(),
  /** paddings: per axis [before, after]. */
  z.object({ kind: z.literal('pad'), paddings: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])) }).strict(),
  z.object({ kind: z.literal('concatenation'), axis: z.number().int(), activation: Activation }).strict(),
  z.object({ kind: z.literal('quantize') }).strict(),
  z.object({ kind: z.literal('dequantize') }).strict(),
  z.object({ kind: z.literal('logistic') }).strict(),
  z.object({ kind: z.literal('tanh') }).strict(),
] as const;

export const OpOptions = z.discriminatedUnion('kind', ops);
export type OpOptions = z.infer<typeof OpOptions>;
export type OpKind = OpOptions['kind'];

export const Op = z.object({
  /** Tensor indices; -1 marks an absent optional input (e.g. no bias). */
  inputs: z.array(z.number().int().min(-1)),
  outputs: z.array(z.number().int().nonnegative()),
  options: OpOptions,
}).strict();
export type Op = z.infer<typeof Op>;

export const Int8ModelMeta = z.object({
  name: z.string(),
  labels: z.array(z.string()).optional(),
  /** Where it came from: 'mlforge' (quantized here) or 'tflite' (imported). */
  source: z.string().optional(),
}).strict();

/** The JSON part of an int8 model (constant data travels separately). */
export const Int8ModelJson = z.object({
  format: z.literal('mlforge.int8'),
  version: z.literal(1),
  meta: Int8ModelMeta,
  tensors: z.array(Tensor),
  ops: z.array(Op),
  inputs: z.array(z.number().int().nonnegative()).min(1),
  outputs: z.array(z.number().int().nonnegative()).min(1),
}).strict();
export type Int8ModelJson = z.infer<typeof Int8ModelJson>;

export type ConstData = Int8Array | Int16Array | Int32Array | Float32Array;

/** In memory: the JSON plus constant data keyed by tensor index. */
export interface Int8Model extends Int8ModelJson {
  data: Map<number, ConstData>;
}

/**
 * The model without its trailing SOFTMAX ops: each graph output produced by a
 * softmax becomes that softmax's input (the logits), and tensors nothing uses
 * any more are dropped (indices renumbered, constant data moved along).
 * Why: comparing two runtimes on logits, where a one-step difference is not
 * magnified by the exponent (and argmax is unchanged, softmax being monotonic).
 * Returns the model unchanged when no output comes from a softmax.
 *
 * @example
 * const logits = withoutFinalSoftmax(model); // outputs: the last FULLY_CONNECTED's int8 result
 */
export function withoutFinalSoftmax(model: Int8Model): Int8Model {
  const producer = new Map<number, number>();
  model.ops.forEach((op, k) => op.outputs.forEach((t) => producer.set(t, k)));
  const consumers = (t: number) => model.ops.filter((op) => op.inputs.includes(t)).length;
  const drop = new Set<number>();
  const outputs = model.outputs.map((t) => {
    const k = producer.get(t);
    const op = k === undefined ? undefined : model.ops[k]!;
    // Only a softmax whose result goes nowhere but the graph output can go.
    if (!op || op.options.kind !== 'softmax' || consumers(t) > 0) return t;
    drop.add(k!);
    return op.inputs[0]!;
  });
  if (drop.size === 0) return model;
  const ops = model.ops.filter((_, k) => !drop.has(k));
  const used = new Set<number>([...model.inputs, ...outputs, ...ops.flatMap((op) => [...op.inputs, ...op.outputs])]);
  const index = new Map<number, number>();
  const tensors: Tensor[] = [];
  model.tensors.forEach((t, i) => {
    if (used.has(i)) { index.set(i, tensors.length); tensors.push(t); }
  });
  const at = (t: number) => (t < 0 ? t : index.get(t)!);
  const data = new Map<number, ConstData>();
  for (const [i, d] of model.data) if (index.has(i)) data.set(index.get(i)!, d);
  return {
    ...model, tensors, data,
    ops: ops.map((op) => ({ ...op, inputs: op.inputs.map(at), outputs: op.outputs.map(at) })),
    inputs: model.inputs.map(at), outputs: outputs.map(at),
  };
}
