/**
 * The memory planner's view of a model: tensors with byte sizes and operators
 * with their inputs, outputs, scratch needs and the input/output pairs they may
 * compute in place. The planner works on this abstraction only, so random DAGs
 * can test it; `planGraphOf` builds it from an int8 model.
 *
 * Deliberately not here: placement or lifetimes (see lifetimes.ts, placement.ts).
 */
import { MlforgeError } from '../errors.js';
import type { DType, Int8Model, Op } from '../ir/int8.js';
import { scratchBytesOf } from './scratch.js';

export interface PlanTensor {
  /** Bytes on a 32-bit target (element count · element size). */
  readonly bytes: number;
  /** True for activations (they live in the arena); constants live in flash. */
  readonly arena: boolean;
}

export interface PlanOp {
  readonly kind: string;
  /** Tensor indices read (arena or not; absent optional inputs removed). */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** Bytes of kernel scratch (im2col column, packed row), live during this op only. */
  readonly scratchBytes: number;
  /**
   * (input, output) pairs the kernel can compute in place: same byte size and
   * output[i] is written only after input[i] (and nothing after it) was read.
   */
  readonly inPlace: readonly (readonly [number, number])[];
  /** The output is a view of the input (reshape): they always share storage. */
  readonly alias?: readonly [number, number];
}

export interface PlanGraph {
  readonly tensors: readonly PlanTensor[];
  readonly ops: readonly PlanOp[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
}

/** Element sizes on a 32-bit target. */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = { int8: 1, int16: 2, int32: 4, float32: 4 };

export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Kinds whose kernels are element-wise in index order (see the kernel sources). */
const ELEMENTWISE = new Set(['add', 'quantize', 'logistic', 'tanh', 'softmax']);

function inPlacePairs(model: Int8Model, op: Op, arena: (t: number) => boolean): [number, number][] {
  const kind = op.options.kind;
  if (!ELEMENTWISE.has(kind)) return [];
  const out = op.outputs[0]!;
  const o = model.tensors[out]!;
  const pairs: [number, number][] = [];
  // add: both inputs are candidates; the others have one data input.
  const candidates = kind === 'add' ? op.inputs.slice(0, 2) : op.inputs.slice(0, 1);
  for (const t of candidates) {
    if (t < 0 || !arena(t)) continue;
    const x = model.tensors[t]!;
    // Same dtype and element count: int8 → int8 only (quantize from float changes the size).
    if (x.dtype !== o.dtype || elementCount(x.shape) !== elementCount(o.shape)) continue;
    pairs.push([t, out]);
  }
  return pairs;
}

/** The planner's graph of an int8 model. */
export function planGraphOf(model: Int8Model): PlanGraph {
  const used = new Set<number>([...model.inputs, ...model.outputs]);
  for (const op of model.ops) for (const t of [...op.inputs, ...op.outputs]) if (t >= 0) used.add(t);
  const arena = (t: number): boolean => used.has(t) && !model.tensors[t]!.constant;
  const tensors: PlanTensor[] = model.tensors.map((t, i) => {
    const bytes = elementCount(t.shape) * DTYPE_BYTES[t.dtype];
    return { bytes, arena: arena(i) };
  });
  for (const t of [...model.inputs, ...model.outputs]) {
    if (model.tensors[t]?.constant) {
      throw new MlforgeError('BAD_INPUT', `expected model input/output tensor ${t} to be an activation, got a constant`);
    }
  }
  const ops: PlanOp[] = model.ops.map((op) => {
    const inputs = op.inputs.filter((t) => t >= 0);
    const base = { kind: op.options.kind, inputs, outputs: [...op.outputs], scratchBytes: scratchBytesOf(model, op) };
    if (op.options.kind === 'reshape' && arena(inputs[0]!)) {
      return { ...base, inPlace: [], alias: [inputs[0]!, op.outputs[0]!] as const };
    }
    return { ...base, inPlace: inPlacePairs(model, op, arena) };
  });
  return { tensors, ops, inputs: [...model.inputs], outputs: [...model.outputs] };
}
