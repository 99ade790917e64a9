import { describe, expect, it } from 'vitest';
import { readTflite } from '../../../src/formats/tflite/index.js';
import { Op, TensorType } from '../../../src/formats/tflite/schema.js';
import { buildModel, expectError, int32Bytes, int8Bytes, loadModel, op, smallConvSpec, tensor } from './helpers.js';

const count = (kinds: string[], k: string) => kinds.filter((x) => x === k).length;

describe('readTflite on the MLPerf Tiny models', () => {
  it('kws_ref_model.tflite: DS-CNN int8 graph, I/O quantization and layouts', () => {
    const m = readTflite(loadModel('kws_ref_model.tflite'), 'kws_ref_model.tflite');
    const kinds = m.ops.map((o) => o.options.kind);
    expect(count(kinds, 'conv2d')).toBe(5);
    expect(count(kinds, 'depthwise_conv2d')).toBe(4);
    expect(kinds.slice(-4)).toEqual(['avg_pool', 'reshape', 'fully_connected', 'softmax']);
    expect(m.ops).toHaveLength(13);

    const input = m.tensors[m.inputs[0]!]!;
    expect(input.dtype).toBe('int8');
    expect(input.shape).toEqual([1, 49, 10, 1]);
    expect(input.quant!.scale[0]).toBeCloseTo(0.5847029, 6);
    expect(input.quant!.zeroPoint).toEqual([83]);
    const output = m.tensors[m.outputs[0]!]!;
    expect(output.shape).toEqual([1, 12]);
    expect(output.dtype).toBe('int8');
    expect(output.quant).toEqual({ scale: [1 / 256], zeroPoint: [-128] });

    // First conv: 10x4 filter, stride 2, SAME, ReLU; per-channel weights on axis 0.
    const c0 = m.ops[0]!;
    expect(c0.options).toEqual({ kind: 'conv2d', strideH: 2, strideW: 2, dilationH: 1, dilationW: 1, padding: 'same', activation: 'relu' });
    const w0 = m.tensors[c0.inputs[1]!]!;
    expect(w0.shape).toEqual([64, 10, 4, 1]);
    expect(w0.quant!.axis).toBe(0);
    expect(w0.quant!.scale).toHaveLength(64);
    expect(m.data.get(c0.inputs[1]!)).toBeInstanceOf(Int8Array);
    expect(m.data.get(c0.inputs[1]!)!.length).toBe(64 * 10 * 4);
    const b0 = m.tensors[c0.inputs[2]!]!;
    expect(b0.dtype).toBe('int32');
    expect(m.data.get(c0.inputs[2]!)).toBeInstanceOf(Int32Array);

    // Depthwise filters [1,3,3,64], per-channel on axis 3.
    const dw = m.ops[1]!;
    expect(dw.options).toMatchObject({ kind: 'depthwise_conv2d', depthMultiplier: 1, padding: 'same', activation: 'relu' });
    const wd = m.tensors[dw.inputs[1]!]!;
    expect(wd.shape).toEqual([1, 3, 3, 64]);
    expect(wd.quant!.axis).toBe(3);

    expect(m.ops[9]!.options).toEqual({ kind: 'avg_pool', filterH: 25, filterW: 5, strideH: 25, strideW: 5, padding: 'valid', activation: 'none' });
    // RESHAPE keeps its constant shape tensor as the second input.
    const rs = m.ops[10]!;
    expect(rs.inputs).toHaveLength(2);
    expect(Array.from(m.data.get(rs.inputs[1]!)!)).toEqual([-1, 64]);
    expect(m.tensors[rs.outputs[0]!]!.shape).toEqual([1, 64]);
    expect(m.tensors[m.ops[11]!.inputs[1]!]!.shape).toEqual([12, 64]);
    expect(m.ops[12]!.options).toEqual({ kind: 'softmax', beta: 1 });
    expect(m.meta).toEqual({ name: 'kws_ref_model', source: 'tflite' });
  });

  it('pretrainedResnet_quant.tflite: ResNet-8 int8 graph', () => {
    const m = readTflite(loadModel('pretrainedResnet_quant.tflite'), 'pretrainedResnet_quant.tflite');
    const kinds = m.ops.map((o) => o.options.kind);
    expect(count(kinds, 'conv2d')).toBe(9);
    expect(count(kinds, 'add')).toBe(3);
    expect(kinds.slice(-4)).toEqual(['avg_pool', 'reshape', 'fully_connected', 'softmax']);
    expect(m.ops).toHaveLength(16);
    const input = m.tensors[m.inputs[0]!]!;
    expect(input).toMatchObject({ dtype: 'int8', shape: [1, 32, 32, 3], quant: { scale: [1], zeroPoint: [-128] } });
    const output = m.tensors[m.outputs[0]!]!;
    expect(output).toMatchObject({ dtype: 'int8', shape: [1, 10], quant: { scale: [1 / 256], zeroPoint: [-128] } });
    // The residual adds read two branches.
    expect(m.ops[3]!).toMatchObject({ inputs: [22, 24], options: { kind: 'add', activation: 'relu' } });
    // Every conv filter is per-channel on axis 0 with zero points 0.
    for (const o of m.ops.filter((x) => x.options.kind === 'conv2d')) {
      const w = m.tensors[o.inputs[1]!]!;
      expect(w.quant!.axis).toBe(0);
      expect(w.quant!.scale).toHaveLength(w.shape[0]!);
      expect(new Set(w.quant!.zeroPoint)).toEqual(new Set([0]));
    }
  });
});

describe('readTflite on built models', () => {
  it('reads a minimal conv model, bias optional', () => {
    const m = readTflite(buildModel(smallConvSpec()));
    expect(m.ops[0]!.options).toMatchObject({ kind: 'conv2d', padding: 'valid', strideH: 1 });
    const spec = smallConvSpec();
    spec.ops[0]!.inputs = [0, 1, -1];
    expect(readTflite(buildModel(spec)).ops[0]!.inputs).toEqual([0, 1, -1]);
  });

  it('takes MEAN axes and PAD paddings from their constant inputs', () => {
    const m = readTflite(buildModel({
      tensors: [tensor('x', [1, 4, 4, 8]), tensor('pads', [4, 2], TensorType.INT32), tensor('p', [1, 6, 6, 8]),
        tensor('axes', [2], TensorType.INT32), tensor('m', [1, 8])],
      data: { 1: int32Bytes([0, 0, 1, 1, 1, 1, 0, 0]), 3: int32Bytes([1, 2]) },
      ops: [op(Op.PAD, [0, 1], [2]), op(Op.MEAN, [2, 3], [4], 'ReducerOptions', { keep_dims: false })],
      inputs: [0], outputs: [4],
    }));
    expect(m.ops[0]!.options).toEqual({ kind: 'pad', paddings: [[0, 0], [1, 1], [1, 1], [0, 0]] });
    expect(m.ops[1]!.options).toEqual({ kind: 'mean', axes: [1, 2], keepDims: false });
  });

  it('reads RESHAPE from its options when there is no shape tensor, CONCATENATION, LOGISTIC, TANH, MAX_POOL', () => {
    const m = readTflite(buildModel({
      tensors: [tensor('x', [1, 2, 2, 4]), tensor('r', [1, 16]), tensor('l', [1, 16]), tensor('t', [1, 16]), tensor('c', [1, 32]),
        tensor('mp', [1, 1, 1, 4])],
      ops: [
        op(Op.RESHAPE, [0], [1], 'ReshapeOptions', { new_shape: [-1, 16] }),
        op(Op.LOGISTIC, [1], [2]), op(Op.TANH, [1], [3]),
        op(Op.CONCATENATION, [2, 3], [4], 'ConcatenationOptions', { axis: -1, fused_activation_function: 0 }),
        op(Op.MAX_POOL_2D, [0], [5], 'Pool2DOptions', { padding: 1, stride_w: 2, stride_h: 2, filter_width: 2, filter_height: 2, fused_activation_function: 3 }),
      ],
      inputs: [0], outputs: [4, 5],
    }));
    expect(m.ops.map((o) => o.options.kind)).toEqual(['reshape', 'logistic', 'tanh', 'concatenation', 'max_pool']);
    expect(m.ops[3]!.options).toEqual({ kind: 'concatenation', axis: -1, activation: 'none' });
    expect(m.ops[4]!.options).toMatchObject({ activation: 'relu6', filterH: 2 });
  });

  it('accepts QUANTIZE/DEQUANTIZE at float graph edges', () => {
    const m = readTflite(buildModel({
      tensors: [tensor('in', [1, 8], TensorType.FLOAT32), tensor('q', [1, 8]), tensor('s', [1, 8]), tensor('out', [1, 8], TensorType.FLOAT32)],
      ops: [op(Op.QUANTIZE, [0], [1]), op(Op.SOFTMAX, [1], [2], 'SoftmaxOptions', { beta: 1 }), op(Op.DEQUANTIZE, [2], [3])],
      inputs: [0], outputs: [3],
    }));
    expect(m.tensors[0]!.dtype).toBe('float32');
    expect(m.ops.map((o) => o.options.kind)).toEqual(['quantize', 'softmax', 'dequantize']);
  });

  it('handles builtin codes in either opcode field (max of the two)', () => {
    // KWS stores deprecated_builtin_code = 3 with builtin_code = 0 (ADD); the max wins.
    const m = readTflite(loadModel('kws_ref_model.tflite'));
    expect(m.ops[0]!.options.kind).toBe('conv2d');
  });
});

describe('readTflite rejects unsupported content with UNSUPPORTED', () => {
  it('an unsupported builtin op, naming it, its index and what to do', () => {
    const spec = smallConvSpec();
    spec.tensors.push(tensor('z', [1, 4, 4, 3]));
    spec.ops.push(op(18 /* MUL */, [3, 3], [4]));
    spec.outputs = [4];
    const e = expectError(() => readTflite(buildModel(spec), 'm.tflite'), 'UNSUPPORTED', /operator 1 \(MUL\) is not supported/);
    expect(e.hint).toMatch(/replace/);
  });

  it('a custom op', () => {
    const spec = smallConvSpec();
    spec.tensors.push(tensor('z', [1, 4, 4, 3]));
    spec.ops.push({ ...op(32, [3], [4]), custom: 'MyOp' });
    spec.outputs = [4];
    expectError(() => readTflite(buildModel(spec)), 'UNSUPPORTED', /operator 1 \(CUSTOM\) is the custom operator "MyOp"/);
  });

  it('a float model', () => {
    const spec = smallConvSpec();
    spec.tensors = spec.tensors.map((t) => ({ ...t, type: TensorType.FLOAT32, quant: undefined }));
    spec.data = { 1: new Uint8Array(24), 2: new Uint8Array(12) };
    const e = expectError(() => readTflite(buildModel(spec)), 'UNSUPPORTED', /operator 0 \(CONV_2D\) computes in float32 .*float model/);
    expect(e.hint).toMatch(/full-integer/);
  });

  it('a hybrid (dynamic-range) model', () => {
    const spec = smallConvSpec();
    spec.tensors[0] = { ...spec.tensors[0]!, type: TensorType.FLOAT32, quant: undefined };
    spec.tensors[3] = { ...spec.tensors[3]!, type: TensorType.FLOAT32, quant: undefined };
    expectError(() => readTflite(buildModel(spec)), 'UNSUPPORTED', /hybrid/);
  });

  it('float activations between ops (QUANTIZE of an inner float tensor)', () => {
    expectError(() => readTflite(buildModel({
      tensors: [tensor('in', [1, 8]), tensor('d', [1, 8], TensorType.FLOAT32), tensor('q', [1, 8])],
      ops: [op(Op.DEQUANTIZE, [0], [1]), op(Op.QUANTIZE, [1], [2])],
      inputs: [0], outputs: [2],
    })), 'UNSUPPORTED', /operator 0 \(DEQUANTIZE\) produces float .* not a graph output/);
  });

  it('uint8 and int16 activations, fused TANH, grouped conv', () => {
    const u = smallConvSpec();
    u.tensors[0] = { ...u.tensors[0]!, type: TensorType.UINT8 };
    expectError(() => readTflite(buildModel(u)), 'UNSUPPORTED', /uint8/);
    const s = smallConvSpec();
    s.tensors[0] = { ...s.tensors[0]!, type: TensorType.INT16 };
    expectError(() => readTflite(buildModel(s)), 'UNSUPPORTED', /int16 activations/);
    const t = smallConvSpec();
    t.ops[0]!.options!.fused_activation_function = 4;
    expectError(() => readTflite(buildModel(t)), 'UNSUPPORTED', /fused TANH/);
    const g = smallConvSpec();
    g.tensors[0] = tensor('x', [1, 4, 4, 4]);
    expectError(() => readTflite(buildModel(g)), 'UNSUPPORTED', /grouped convolution/);
  });

  it('per-channel activations and asymmetric weights', () => {
    const a = smallConvSpec();
    a.tensors[1] = { ...a.tensors[1]!, quant: { scale: [0.1, 0.2, 0.3], zeroPoint: [0, 1, 0], axis: 0 } };
    expectError(() => readTflite(buildModel(a)), 'UNSUPPORTED', /asymmetric/);
    const d = smallConvSpec();
    d.tensors[1] = { ...d.tensors[1]!, quant: { scale: [0.1, 0.2], zeroPoint: [0, 0], axis: 3 } };
    expectError(() => readTflite(buildModel(d)), 'UNSUPPORTED', /axis 3; MLForge expects axis 0/);
  });
});

describe('readTflite rejects contradictory operators with BAD_FILE', () => {
  it('wrong output spatial size, channel mismatch, missing quantization, wrong options type', () => {
    const s = smallConvSpec();
    s.tensors[3] = tensor('y', [1, 3, 4, 3]);
    expectError(() => readTflite(buildModel(s)), 'BAD_FILE', /operator 0 \(CONV_2D\) maps input \[1,4,4,2\] to output \[1,3,4,3\]/);
    const c = smallConvSpec();
    c.tensors[3] = tensor('y', [1, 4, 4, 5]);
    expectError(() => readTflite(buildModel(c)), 'BAD_FILE', /3 output channels/);
    const q = smallConvSpec();
    q.tensors[0] = { ...q.tensors[0]!, quant: undefined };
    expectError(() => readTflite(buildModel(q)), 'BAD_FILE', /no quantization parameters/);
    const o = smallConvSpec();
    o.ops[0] = op(Op.CONV_2D, [0, 1, 2], [3], 'Pool2DOptions', { padding: 1, stride_w: 1, stride_h: 1 });
    expectError(() => readTflite(buildModel(o)), 'BAD_FILE', /carries Pool2DOptions, expected Conv2DOptions/);
    const z = smallConvSpec();
    z.ops[0]!.options!.stride_w = 0;
    expectError(() => readTflite(buildModel(z)), 'BAD_FILE', /stride_w = 0/);
    const r = smallConvSpec();
    r.ops[0]!.inputs = [0, -1, 2];
    expectError(() => readTflite(buildModel(r)), 'BAD_FILE', /input 1 is absent \(-1\) but is required/);
  });
});
