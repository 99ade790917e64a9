/**
 * prepare: validate an Int8Model once and precompute everything the kernels
 * need, so nothing is checked or derived in the hot loop.
 *
 * Model-level checks here (tensor indices, quantization parameters: scales
 * finite and > 0, int8 zero points in [-128, 127], every computed tensor written
 * before it is read, graph inputs/outputs); per-op checks and parameters in
 * `prepare_ops.ts`. The result is plain data: the interpreter runs it, and code
 * generators can print the same parameters as C constants.
 */
import { MlforgeError } from '../../errors.js';
import type { DType, Int8Model } from '../../ir/int8.js';
import type { Rounding } from './fixedpoint.js';
import { OpContext, prepareOp, type PreparedOp } from './prepare_ops.js';

export type { PreparedOp } from './prepare_ops.js';

/** A graph input or output as a caller sees it. */
export interface TensorInfo {
  index: number;
  name: string;
  shape: number[];
  dtype: DType;
  /** Present for quantized (int8) tensors. */
  scale?: number;
  zeroPoint?: number;
  /** Number of elements. */
  size: number;
}

export interface PreparedModel {
  readonly model: Int8Model;
  readonly rounding: Rounding;
  readonly ops: readonly PreparedOp[];
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

export interface PrepareOptions {
  /** Requantization rounding: 'double' (TFLite default, what TFLite Micro ships) or 'single'. */
  rounding?: Rounding;
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = { int8: [-128, 127], int16: [-32768, 32767], int32: [0, 0] };

function tensorInfo(model: Int8Model, index: number): TensorInfo {
  const t = model.tensors[index];
  return {
    index, name: t.name, shape: [...t.shape], dtype: t.dtype,
    scale: t.quant?.scale[0], zeroPoint: t.quant?.zeroPoint[0],
    size: t.shape.reduce((a, b) => a * b, 1),
  };
}

/**
 * Validates `model` and computes per-op kernel parameters.
 * Throws MlforgeError: BAD_SHAPE (shapes that do not connect), BAD_INPUT
 * (missing or malformed constant data, bad quantization parameters),
 * UNSUPPORTED (an op, dtype or parameter the int8 kernels do not handle; the
 * message names the op index and kind).
 *
 * @example
 * const prepared = prepare(model, { rounding: 'double' });
 * for (const op of prepared.ops) console.log(op.index, op.kind);
 */
export function prepare(model: Int8Model, options: PrepareOptions = {}): PreparedModel {
  const rounding = options.rounding ?? 'double';
  const n = model.tensors.length;
  const where = `model "${model.meta.name}"`;

  model.tensors.forEach((t, i) => {
    const q = t.quant;
    if (!q) return;
    if (q.scale.some((s) => !(Number.isFinite(s) && s > 0))) {
      throw new MlforgeError('BAD_INPUT', `expected finite scales > 0 for tensor ${i} "${t.name}" in ${where}, got [${q.scale.join(', ')}]`);
    }
    if (q.zeroPoint.length !== 1 && q.zeroPoint.length !== q.scale.length) {
      throw new MlforgeError('BAD_INPUT', `expected 1 or ${q.scale.length} zero points for tensor ${i} "${t.name}" in ${where}, got ${q.zeroPoint.length}`);
    }
    const range = INT_RANGE[t.dtype];
    if (range && q.zeroPoint.some((z) => z < range[0] || z > range[1])) {
      throw new MlforgeError('BAD_INPUT', `expected ${t.dtype} zero points in [${range[0]}, ${range[1]}] for tensor ${i} "${t.name}" in ${where}, got [${q.zeroPoint.join(', ')}]`);
    }
  });

  const checkIndex = (i: number, what: string): void => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new MlforgeError('BAD_SHAPE', `expected a tensor index below ${n} for ${what} in ${where}, got ${i}`);
  };
  model.inputs.forEach((i, k) => checkIndex(i, `graph input ${k}`));
  model.outputs.forEach((i, k) => checkIndex(i, `graph output ${k}`));

  // Tensors that hold a value before op #k runs: graph inputs and constants.
  const written = new Set<number>(model.inputs);
  model.tensors.forEach((t, i) => { if (t.constant) written.add(i); });
  for (const i of model.inputs) {
    if (model.tensors[i].constant) throw new MlforgeError('BAD_SHAPE', `expected graph input ${i} "${model.tensors[i].name}" to be computed, got a constant`);
  }

  const ops = model.ops.map((op, k) => {
    const ctx = new OpContext(model, k, op, rounding);
    op.inputs.forEach((i, j) => {
      if (i === -1) return;
      checkIndex(i, `input ${j} of op #${k} (${op.options.kind})`);
      if (!written.has(i)) ctx.fail('BAD_SHAPE', `reads tensor ${i} "${model.tensors[i].name}" before any op writes it`);
    });
    op.outputs.forEach((i, j) => {
      checkIndex(i, `output ${j} of op #${k} (${op.options.kind})`);
      if (model.tensors[i].constant || model.inputs.includes(i)) {
        ctx.fail('BAD_SHAPE', `writes tensor ${i} "${model.tensors[i].name}", which is a constant or a graph input`);
      }
    });
    const prepared = prepareOp(ctx);
    op.outputs.forEach((i) => written.add(i));
    return prepared;
  });

  for (const i of model.outputs) {
    if (!written.has(i)) throw new MlforgeError('BAD_SHAPE', `expected graph output ${i} "${model.tensors[i].name}" to be written by an op, nothing writes it`);
  }

  return {
    model, rounding, ops,
    inputs: model.inputs.map((i) => tensorInfo(model, i)),
    outputs: model.outputs.map((i) => tensorInfo(model, i)),
  };
}
