/**
 * One prepared int8 operator → its C: constant parameter structs (exactly the
 * values `prepare` computed for the in-process interpreter) and the kernel
 * call of `mlforge_kernels.h`, reading and writing arena pointers.
 *
 * Deliberately not here: any arithmetic on scales. Multipliers, shifts, clamps
 * and paddings come from `src/engine/int8/prepare`, so generated code and
 * in-process evaluation run the same kernels on the same numbers.
 */
import type { PreparedOp } from '../../engine/int8/index.js';
import type { Dims4, Rounding } from '../../engine/int8/types.js';
import { cArray, cFloat, cInt } from './c.js';

/** How the op emitter names things (provided by model-c.ts). */
export interface OpNames {
  /** A C expression of type `int8_t *` (or `const int8_t *` for constants) for tensor t. */
  ptr(t: number): string;
  /** `float *` for float32 tensors. */
  fptr(t: number): string;
  /** Bias pointer or NULL. */
  bias(t: number): string;
  /** Scratch pointer for the op (an `int16_t *` expression) or NULL. */
  scratch(op: number): string;
  /** Number of elements of tensor t. */
  elements(t: number): number;
  /** Bytes of tensor t. */
  bytes(t: number): number;
  /** True when the memory plan stores a and b at the same address (a reshape alias). */
  sameStorage(a: number, b: number): boolean;
}

export interface EmittedOp {
  /** File-scope constants (static const). */
  decls: string[];
  /** Statement(s) inside mlforge_invoke that set `status`. */
  call: string;
}

const round = (r: Rounding): string => (r === 'single' ? 'MLF_ROUND_SINGLE' : 'MLF_ROUND_DOUBLE');

/** A designated initialiser `{ .a = 1, .b = 2 }`. */
const init = (fields: Record<string, string | number>): string =>
  `{ ${Object.entries(fields).map(([k, v]) => `.${k} = ${typeof v === 'number' ? cInt(v) : v}`).join(', ')} }`;

const dims = (d: Dims4): string => `{ ${d.n}, ${d.h}, ${d.w}, ${d.c} }`;
const six = (xs: readonly number[], fill: number): number[] => [...xs, ...new Array<number>(6 - xs.length).fill(fill)];
const inline6 = (xs: readonly number[]): string => `{ ${xs.map(cInt).join(', ')} }`;

export function emitOp(op: PreparedOp, names: OpNames): EmittedOp {
  const k = `op${op.index}`;
  const x = op.inputs[0]!;
  const y = op.output;
  const decls: string[] = [];
  const requant = (m: Int32Array, s: Int32Array): void => {
    decls.push(`static const int32_t ${k}_multiplier[${m.length}] = ${cArray(m, cInt, 8)};`);
    decls.push(`static const int32_t ${k}_shift[${s.length}] = ${cArray(s, cInt, 16)};`);
  };
  switch (op.kind) {
    case 'conv2d':
    case 'depthwise_conv2d': {
      const p = op.params;
      requant(p.multiplier, p.shift);
      const common = {
        stride_h: p.strideH, stride_w: p.strideW, dilation_h: p.dilationH, dilation_w: p.dilationW,
        pad_h: p.padH, pad_w: p.padW,
      };
      const tail = {
        input_offset: p.inputOffset, output_offset: p.outputOffset, act_min: p.actMin, act_max: p.actMax,
        rounding: round(p.rounding),
      };
      const dw = op.kind === 'depthwise_conv2d';
      const type = dw ? 'mlf_dw_conv_params_t' : 'mlf_conv_params_t';
      const fields = dw ? { ...common, depth_multiplier: op.params.depthMultiplier, ...tail } : { ...common, ...tail };
      decls.push(`static const ${type} ${k}_params = ${init(fields)};`);
      decls.push(`static const mlf_dims4_t ${k}_input = ${dims(p.input)}, ${k}_filter = ${dims(p.filter)}, ${k}_output = ${dims(p.output)};`);
      const args = `&${k}_params, ${k}_multiplier, ${k}_shift, &${k}_input, ${names.ptr(x)}, &${k}_filter, ${names.ptr(op.inputs[1]!)}, ${names.bias(op.inputs[2]!)}, &${k}_output, ${names.ptr(y)}`;
      return {
        decls,
        call: dw ? `status = mlf_depthwise_conv2d_s8(${args});` : `status = mlf_conv2d_s8(${args}, ${names.scratch(op.index)});`,
      };
    }
    case 'fully_connected': {
      const p = op.params;
      requant(p.multiplier, p.shift);
      decls.push(`static const mlf_fc_params_t ${k}_params = ${init({
        input_offset: p.inputOffset, filter_offset: p.filterOffset, output_offset: p.outputOffset,
        act_min: p.actMin, act_max: p.actMax, rounding: round(p.rounding), per_channel: p.perChannel ? 1 : 0,
      })};`);
      return {
        decls,
        call: `status = mlf_fully_connected_s8(&${k}_params, ${k}_multiplier, ${k}_shift, ${p.batches}, ${p.accumDepth}, ${p.outDepth}, ${names.ptr(x)}, ${names.ptr(op.inputs[1]!)}, ${names.bias(op.inputs[2]!)}, ${names.ptr(y)}, ${names.scratch(op.index)});`,
      };
    }
    case 'add': {
      const p = op.params;
      decls.push(`static const mlf_add_params_t ${k}_params = ${init({
        input1_offset: p.input1Offset, input2_offset: p.input2Offset, output_offset: p.outputOffset,
        left_shift: p.leftShift, input1_multiplier: p.input1Multiplier, input1_shift: p.input1Shift,
        input2_multiplier: p.input2Multiplier, input2_shift: p.input2Shift,
        output_multiplier: p.outputMultiplier, output_shift: p.outputShift,
        act_min: p.actMin, act_max: p.actMax, rounding: round(p.rounding),
      })};`);
      const a = names.ptr(op.inputs[0]!);
      const b = names.ptr(op.inputs[1]!);
      if (p.broadcast) {
        decls.push(`static const int32_t ${k}_out_dims[6] = ${inline6([...p.broadcast.outDims])};`);
        decls.push(`static const int32_t ${k}_strides1[6] = ${inline6([...p.broadcast.strides1])};`);
        decls.push(`static const int32_t ${k}_strides2[6] = ${inline6([...p.broadcast.strides2])};`);
        return { decls, call: `status = mlf_add_broadcast_s8(&${k}_params, ${k}_out_dims, ${k}_strides1, ${k}_strides2, ${a}, ${b}, ${names.ptr(y)});` };
      }
      return { decls, call: `status = mlf_add_s8(&${k}_params, ${p.size}, ${a}, ${b}, ${names.ptr(y)});` };
    }
    case 'avg_pool':
    case 'max_pool': {
      const p = op.params;
      decls.push(`static const mlf_pool_params_t ${k}_params = ${init({
        stride_h: p.strideH, stride_w: p.strideW, filter_h: p.filterH, filter_w: p.filterW,
        pad_h: p.padH, pad_w: p.padW, act_min: p.actMin, act_max: p.actMax,
      })};`);
      decls.push(`static const mlf_dims4_t ${k}_input = ${dims(p.input)}, ${k}_output = ${dims(p.output)};`);
      const fn = op.kind === 'avg_pool' ? 'mlf_avg_pool_s8' : 'mlf_max_pool_s8';
      return { decls, call: `status = ${fn}(&${k}_params, &${k}_input, ${names.ptr(x)}, &${k}_output, ${names.ptr(y)});` };
    }
    case 'mean': {
      const p = op.params;
      decls.push(`static const mlf_mean_params_t ${k}_params = ${init({
        num_dims: p.dims.length, dims: inline6(six(p.dims, 1)), reduce: inline6(six(p.reduce.map((r) => (r ? 1 : 0)), 0)),
        input_zero_point: p.inputZeroPoint, output_zero_point: p.outputZeroPoint,
        multiplier: p.multiplier, shift: p.shift, rounding: round(p.rounding), same_quant: p.sameQuant ? 1 : 0,
      })};`);
      return { decls, call: `status = mlf_mean_s8(&${k}_params, ${names.ptr(x)}, ${names.ptr(y)});` };
    }
    case 'softmax': {
      const p = op.params;
      decls.push(`static const mlf_softmax_params_t ${k}_params = ${init({
        input_multiplier: p.inputMultiplier, input_left_shift: p.inputLeftShift, diff_min: p.diffMin, rounding: round(p.rounding),
      })};`);
      return { decls, call: `status = mlf_softmax_s8(&${k}_params, ${p.outer}, ${p.depth}, ${names.ptr(x)}, ${names.ptr(y)});` };
    }
    case 'pad': {
      const p = op.params;
      decls.push(`static const mlf_pad_params_t ${k}_params = ${init({
        num_dims: p.dims.length, dims: inline6(six(p.dims, 1)), before: inline6(six(p.before, 0)),
        after: inline6(six(p.after, 0)), pad_value: p.padValue,
      })};`);
      return { decls, call: `status = mlf_pad_s8(&${k}_params, ${names.ptr(x)}, ${names.ptr(y)});` };
    }
    case 'concatenation': {
      const p = op.params;
      decls.push(`static const int32_t ${k}_axis_sizes[${p.axisSizes.length}] = { ${p.axisSizes.map(cInt).join(', ')} };`);
      const ptrs = op.inputs.map((t) => `(const int8_t *)${names.ptr(t)}`).join(', ');
      return {
        decls,
        call: `{\n    const int8_t *const inputs[${op.inputs.length}] = { ${ptrs} };\n    status = mlf_concat_s8(${op.inputs.length}, inputs, ${k}_axis_sizes, ${p.outer}, ${p.inner}, ${names.ptr(y)});\n  }`,
      };
    }
    case 'quantize':
      return { decls, call: `status = mlf_quantize_f32_s8(${names.fptr(x)}, ${names.elements(y)}, ${cFloat(op.params.scale)}, ${op.params.zeroPoint}, ${names.ptr(y)});` };
    case 'dequantize':
      return { decls, call: `status = mlf_dequantize_s8_f32(${names.ptr(x)}, ${names.elements(y)}, ${cFloat(op.params.scale)}, ${op.params.zeroPoint}, ${names.fptr(y)});` };
    case 'requantize': {
      const p = op.params;
      return { decls, call: `status = mlf_requantize_s8(${names.ptr(x)}, ${names.elements(y)}, ${p.inputZeroPoint}, ${p.outputZeroPoint}, ${p.multiplier}, ${p.shift}, ${round(p.rounding)}, ${names.ptr(y)});` };
    }
    case 'logistic':
    case 'tanh': {
      const p = op.params;
      decls.push(`static const mlf_sigmoid_params_t ${k}_params = ${init({
        input_zero_point: p.inputZeroPoint, input_range_radius: p.inputRangeRadius,
        input_multiplier: p.inputMultiplier, input_left_shift: p.inputLeftShift, rounding: round(p.rounding),
      })};`);
      const fn = op.kind === 'logistic' ? 'mlf_logistic_s8' : 'mlf_tanh_s8';
      return { decls, call: `status = ${fn}(&${k}_params, ${names.elements(y)}, ${names.ptr(x)}, ${names.ptr(y)});` };
    }
    case 'reshape':
      return {
        decls,
        call: names.sameStorage(x, y) ? '/* a view of its input: no code */' : `memcpy(${names.ptr(y)}, ${names.ptr(x)}, ${names.bytes(y)});`,
      };
  }
}
