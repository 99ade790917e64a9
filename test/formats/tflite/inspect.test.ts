import { describe, expect, it } from 'vitest';
import { formatInspection, inspectTflite, writeTflite, readTflite } from '../../../src/formats/tflite/index.js';
import { Op, TensorType } from '../../../src/formats/tflite/schema.js';
import { buildModel, loadModel, op, smallConvSpec, tensor } from './helpers.js';

describe('inspectTflite', () => {
  it('kws_ref_model.tflite: ops, tensors, params, MACs', () => {
    const info = inspectTflite(loadModel('kws_ref_model.tflite'), 'kws_ref_model.tflite');
    expect(info.opCounts).toEqual({ CONV_2D: 5, DEPTHWISE_CONV_2D: 4, AVERAGE_POOL_2D: 1, RESHAPE: 1, FULLY_CONNECTED: 1, SOFTMAX: 1 });
    expect(info.convertible).toBe(true);
    expect(info.unsupported).toEqual([]);
    expect(info.minRuntimeVersion).toBe('1.5.0');
    expect(info.inputs[0]).toMatchObject({ name: 'input_1', dtype: 'int8', shape: [1, 49, 10, 1] });
    // conv0: 25·5·64 outputs × 10·4·1; depthwise: 25·5·64 × 3·3; 1×1 convs: 25·5·64 × 64; FC 12 × 64.
    expect(info.ops[0]!.macs).toBe(25 * 5 * 64 * 40);
    expect(info.ops[1]!.macs).toBe(25 * 5 * 64 * 9);
    expect(info.ops[2]!.macs).toBe(25 * 5 * 64 * 64);
    expect(info.ops[11]!.macs).toBe(12 * 64);
    expect(info.macs).toBe(25 * 5 * 64 * 40 + 4 * 25 * 5 * 64 * 9 + 4 * 25 * 5 * 64 * 64 + 12 * 64);
    // Parameters: elements of constant tensors (weights + biases + the reshape shape).
    const weights = 64 * 40 + 4 * 64 * 9 + 4 * 64 * 64 + 12 * 64;
    const biases = 5 * 64 + 4 * 64 + 12;
    expect(info.params).toBe(weights + biases + 2);
    expect(info.ops[0]!.options).toMatchObject({ kind: 'conv2d', strideH: 2 });
    expect(info.arenaBytes).toBeUndefined();
  });

  it('lists unsupported operators instead of throwing, and the formatter names them', () => {
    const s = smallConvSpec();
    s.tensors.push(tensor('z', [1, 4, 4, 3]), tensor('u', [1, 4, 4, 3]));
    s.ops.push(op(18 /* MUL */, [3, 3], [4]), { ...op(32, [4], [5]), custom: 'TFLite_Detection_PostProcess' });
    s.outputs = [5];
    const info = inspectTflite(buildModel(s), 'mixed.tflite');
    expect(info.convertible).toBe(false);
    expect(info.unsupported.map((u) => [u.index, u.opcode])).toEqual([[1, 'MUL'], [2, 'CUSTOM(TFLite_Detection_PostProcess)']]);
    expect(info.unsupported[0]!.reason).toMatch(/^operator 1 \(MUL\) is not supported/);
    expect(info.ops[0]!.supported).toBe(true);
    const text = formatInspection(info);
    expect(text).toMatch(/unsupported: 2 op\(s\) — MUL, CUSTOM\(TFLite_Detection_PostProcess\)/);
    expect(text).toMatch(/1\s+MUL v1\s+\[1,4,4,3\]\s+UNSUPPORTED/);
  });

  it('reports a float model op by op', () => {
    const s = smallConvSpec();
    s.tensors = s.tensors.map((t) => ({ ...t, type: TensorType.FLOAT32, quant: undefined }));
    s.data = { 1: new Uint8Array(24), 2: new Uint8Array(12) };
    const info = inspectTflite(buildModel(s));
    expect(info.unsupported[0]!.reason).toMatch(/float model/);
    expect(info.tensors[0]!.dtype).toBe('float32');
    expect(info.ops[0]!.macs).toBe(16 * 3 * 2);
  });

  it('shows MLForge metadata and labels of a written file; the text report is stable', () => {
    const m = readTflite(loadModel('kws_ref_model.tflite'), 'kws_ref_model.tflite');
    const labels = 'down go left no off on right stop up yes silence unknown'.split(' ');
    const info = inspectTflite(writeTflite({ ...m, meta: { ...m.meta, labels } }), 'kws.tflite');
    expect(info.labels).toEqual(labels);
    expect(info.producer?.name).toBe('mlforge');
    expect(info.minRuntimeVersion).toBe('1.14.0');
    const text = formatInspection({ ...info, fileBytes: 48000, producer: { name: 'mlforge', version: 'X' }, description: 'MLForge X', arenaBytes: 20480 });
    expect(text).toMatchSnapshot();
  });

  it('counts ops of every supported kind without MACs for non-matmul ops', () => {
    const info = inspectTflite(buildModel({
      tensors: [tensor('x', [1, 2, 2, 4]), tensor('r', [1, 16]), tensor('l', [1, 16])],
      data: {},
      ops: [op(Op.RESHAPE, [0], [1], 'ReshapeOptions', { new_shape: [1, 16] }), op(Op.LOGISTIC, [1], [2])],
      inputs: [0], outputs: [2],
    }));
    expect(info.macs).toBe(0);
    expect(info.params).toBe(0);
  });
});
