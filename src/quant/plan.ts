/**
 * The quantization plan: which float layers become which int8 ops, which layer
 * outputs become int8 tensors, and where each tensor's scale comes from. One
 * plan drives calibration (what to observe), QAT (where to fake-quantize) and
 * lowering (what to emit), so the three agree by construction.
 *
 * Rules (TFLite's converter does the same):
 * - dropout disappears (its output is its input);
 * - relu / relu6 fuse into the producing conv, depthwise, dense, add or pool
 *   when they are its only reader (the op's `activation`, a clamp); a relu that
 *   cannot fuse on an image becomes a 1×1 max pool with the clamp;
 * - conv, depthwise, dense, add and mean outputs get their own range (observed);
 * - max/avg pool, reshape (flatten) and standalone relu keep their input's
 *   quantization (TFLite requires it);
 * - softmax output is fixed: scale 1/256, zero point -128.
 *
 * Values are named by layer index; MODEL_INPUT (-1) is the model input.
 * Expects a model without batch norm (fold first).
 */
import { MlforgeError } from '../errors.js';
import type { Layer } from '../ir/schema.js';
import { MODEL_INPUT, type ResolvedModel } from '../ir/shapes.js';
import { activationQuant, type ActQuant, type Range } from './qparams.js';

export type StepOp = 'conv2d' | 'depthwise_conv2d' | 'fully_connected' | 'add' | 'avg_pool' | 'max_pool' | 'mean' | 'softmax' | 'reshape';
export type FusedActivation = 'none' | 'relu' | 'relu6';

/** Where a tensor's quantization comes from. */
export type QuantSource =
  | { readonly kind: 'observed' }
  | { readonly kind: 'inherit'; readonly from: number }
  | { readonly kind: 'softmax' };

/** One int8 op, made from float layer `layer` (plus a fused activation). */
export interface PlanStep {
  readonly layer: number;
  readonly op: StepOp;
  readonly activation: FusedActivation;
  /** Values read (layer indices or MODEL_INPUT). */
  readonly inputs: readonly number[];
  /** The value this op writes: `layer`, or the fused relu's index. */
  readonly output: number;
  readonly quant: QuantSource;
}

export interface QuantPlan {
  readonly resolved: ResolvedModel;
  readonly steps: readonly PlanStep[];
  /** For each layer, the value that holds its output in the int8 graph; undefined when fused away. */
  readonly valueOf: readonly (number | undefined)[];
  /** Values whose range calibration must observe (may include MODEL_INPUT). */
  readonly observed: readonly number[];
  /** How each int8 value (and MODEL_INPUT) is quantized. */
  readonly quantOf: ReadonlyMap<number, QuantSource>;
  /** The value of the model output. */
  readonly output: number;
}

const OBSERVED: QuantSource = { kind: 'observed' };
const FUSES_RELU = new Set<Layer['type']>(['conv2d', 'conv1d', 'depthwise_conv2d', 'dense', 'add', 'avg_pool', 'max_pool']);

const opOf = (l: Layer): StepOp | undefined => {
  switch (l.type) {
    case 'conv2d': case 'conv1d': return 'conv2d';
    case 'depthwise_conv2d': return 'depthwise_conv2d';
    case 'dense': return 'fully_connected';
    case 'add': return 'add';
    case 'avg_pool': return 'avg_pool';
    case 'max_pool': return 'max_pool';
    case 'global_avg_pool': return 'mean';
    case 'softmax': return 'softmax';
    case 'flatten': case 'reshape': return 'reshape';
    default: return undefined;
  }
};

export function planQuantization(resolved: ResolvedModel): QuantPlan {
  const { layers, consumers } = resolved;
  // Readers of a layer's output, looking through dropouts.
  const readers = (i: number): number[] => consumers[i]!.flatMap((c) => (layers[c]!.layer.type === 'dropout' ? readers(c) : [c]));
  const valueOf: (number | undefined)[] = [];
  const fused = new Set<number>(); // relus fused into their producer
  const steps: PlanStep[] = [];
  const quantOf = new Map<number, QuantSource>([[MODEL_INPUT, OBSERVED]]);
  const src = (i: number): number => {
    const v = i === MODEL_INPUT ? MODEL_INPUT : valueOf[i];
    if (v === undefined) throw new MlforgeError('INTERNAL', `layer "${layers[i]!.layer.name}" has no int8 value`);
    return v;
  };

  for (const r of layers) {
    const l = r.layer;
    const i = r.index;
    if (l.type === 'batch_norm') {
      throw new MlforgeError('UNSUPPORTED', `batch norm "${l.name}" is still in the model; fold it first (foldBatchNorm)`);
    }
    if (l.type === 'dropout') {
      const from = r.inputs[0]!;
      valueOf.push(from === MODEL_INPUT ? MODEL_INPUT : valueOf[from]); // undefined when a fused relu reads it
      continue;
    }
    if (l.type === 'relu' || l.type === 'relu6') {
      if (fused.has(i)) {
        valueOf.push(i);
        continue;
      }
      // Standalone: a 1×1 max pool with the clamp, keeping the input's quantization.
      const input = src(r.inputs[0]!);
      if (r.inShapes[0]!.length !== 3) {
        throw new MlforgeError('UNSUPPORTED',
          `${l.type} "${l.name}" cannot be fused into the layer before it, and int8 has no standalone ${l.type} on a [${r.inShapes[0]}] tensor`,
          `put "${l.name}" directly after a conv, dense, add or pool whose only reader it is`);
      }
      valueOf.push(i);
      const quant: QuantSource = { kind: 'inherit', from: input };
      steps.push({ layer: i, op: 'max_pool', activation: l.type, inputs: [input], output: i, quant });
      quantOf.set(i, quant);
      continue;
    }
    const op = opOf(l);
    if (!op) throw new MlforgeError('UNSUPPORTED', `layer "${l.name}" (${l.type}) has no int8 lowering`);
    const inputs = r.inputs.map(src);
    let output = i;
    let activation: FusedActivation = 'none';
    const rd = readers(i);
    if (FUSES_RELU.has(l.type) && rd.length === 1) {
      const next = layers[rd[0]!]!.layer;
      if (next.type === 'relu' || next.type === 'relu6') {
        activation = next.type;
        output = rd[0]!;
        fused.add(output);
      }
    }
    valueOf.push(output === i ? i : undefined);
    const quant: QuantSource =
      op === 'softmax' ? { kind: 'softmax' }
      : op === 'avg_pool' || op === 'max_pool' || op === 'reshape' ? { kind: 'inherit', from: inputs[0]! }
      : OBSERVED;
    steps.push({ layer: i, op, activation, inputs, output, quant });
    quantOf.set(output, quant);
  }
  const output = src(layers.length - 1);
  const observed = [...quantOf].filter(([, q]) => q.kind === 'observed').map(([v]) => v);
  return { resolved, steps, valueOf, observed, quantOf, output };
}

/** Name of a value: "input" or the layer's name. */
export const valueName = (plan: QuantPlan, v: number): string => (v === MODEL_INPUT ? 'input' : plan.resolved.layers[v]!.layer.name);

/** The softmax output grid TFLite requires for int8. */
export const SOFTMAX_QUANT: ActQuant = { scale: 1 / 256, zeroPoint: -128 };

/** Every int8 value's (scale, zero point), from the observed ranges and the plan's rules. */
export function resolveQuant(plan: QuantPlan, ranges: ReadonlyMap<number, Range>): Map<number, ActQuant> {
  const out = new Map<number, ActQuant>();
  const get = (v: number): ActQuant => {
    const done = out.get(v);
    if (done) return done;
    const src = plan.quantOf.get(v);
    if (!src) throw new MlforgeError('INTERNAL', `value "${valueName(plan, v)}" is not an int8 tensor`);
    let q: ActQuant;
    if (src.kind === 'softmax') q = SOFTMAX_QUANT;
    else if (src.kind === 'inherit') q = get(src.from);
    else {
      const r = ranges.get(v);
      if (!r) throw new MlforgeError('INTERNAL', `no calibration range for "${valueName(plan, v)}"`);
      q = activationQuant(r, `"${valueName(plan, v)}"`);
    }
    out.set(v, q);
    return q;
  };
  for (const v of plan.quantOf.keys()) get(v);
  return out;
}
