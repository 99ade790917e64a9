import { describe, expect, it } from 'vitest';
import { readTflite, writeTflite } from '../../../src/formats/tflite/index.js';
import { decodeTflite } from '../../../src/formats/tflite/decode.js';
import { readMinRuntime } from '../../../src/formats/tflite/reader.js';
import { Op, builtinName } from '../../../src/formats/tflite/schema.js';
import type { Int8Model } from '../../../src/ir/int8.js';
import { MODELS, expectError, loadModel } from './helpers.js';

const jsonPart = ({ data: _data, ...json }: Int8Model) => json;
const dataPart = (m: Int8Model) => [...m.data.entries()].map(([k, v]) => [k, v.constructor.name, Array.from(v)]);

describe('writeTflite round trip', () => {
  for (const name of MODELS) {
    it(`${name}: read → write → read gives the identical graph, options, quantization and data`, () => {
      const a = readTflite(loadModel(name), name);
      const bytes = writeTflite(a);
      const b = readTflite(bytes, name);
      expect(jsonPart(b)).toEqual(jsonPart(a));
      expect(dataPart(b)).toEqual(dataPart(a));
      // Writing again is byte-identical (deterministic output).
      expect(Buffer.from(writeTflite(b)).equals(Buffer.from(bytes))).toBe(true);
    });
  }

  it('writes what TFLite expects: identifier, schema 3, empty buffer 0, both opcode fields, int8 versions, metadata', () => {
    const a = readTflite(loadModel('pretrainedResnet_quant.tflite'));
    const bytes = writeTflite({ ...a, meta: { ...a.meta, labels: ['airplane', 'automobile'] } });
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('TFL3');
    const raw = decodeTflite(bytes);
    expect(raw.version).toBe(3);
    expect(raw.buffers[0]!.length).toBe(0);
    const versions = Object.fromEntries(raw.opcodes.map((c) => [builtinName(c.builtin), c.version]));
    expect(versions).toEqual({ CONV_2D: 3, ADD: 2, AVERAGE_POOL_2D: 2, RESHAPE: 1, FULLY_CONNECTED: 4, SOFTMAX: 2 });
    // Both builtin-code fields: int8 at field 0, int32 at field 3 (checked in the bytes by decoding either alone).
    expect(raw.opcodes.every((c) => c.builtin < 127)).toBe(true);
    expect(readMinRuntime(raw)).toBe('1.14.0');
    expect(raw.metadata.map((e) => e.name)).toEqual(['min_runtime_version', 'mlforge']);
    expect(raw.buffers[raw.metadata[0]!.buffer]!.length).toBe(16);
    const b = readTflite(bytes);
    expect(b.meta.labels).toEqual(['airplane', 'automobile']);
    // 16-byte alignment of constant data (force_align: 16).
    for (const buf of raw.buffers) if (buf.length > 0) expect(buf.byteOffset % 16).toBe(0);
  });

  it('float I/O inserts QUANTIZE at the input and DEQUANTIZE at the output', () => {
    const a = readTflite(loadModel('kws_ref_model.tflite'));
    const b = readTflite(writeTflite(a, { io: 'float32' }));
    expect(b.ops).toHaveLength(a.ops.length + 2);
    expect(b.ops[0]!.options.kind).toBe('quantize');
    expect(b.ops.at(-1)!.options.kind).toBe('dequantize');
    const input = b.tensors[b.inputs[0]!]!;
    expect(input).toMatchObject({ dtype: 'float32', shape: [1, 49, 10, 1], name: 'input_1' });
    expect(b.tensors[b.ops[0]!.outputs[0]!]!.quant).toEqual(a.tensors[a.inputs[0]!]!.quant);
    expect(b.tensors[b.outputs[0]!]!).toMatchObject({ dtype: 'float32', shape: [1, 12] });
    const raw = decodeTflite(writeTflite(a, { io: 'float32' }));
    const versions = Object.fromEntries(raw.opcodes.map((c) => [builtinName(c.builtin), c.version]));
    expect(versions.QUANTIZE).toBe(1);
    expect(versions.DEQUANTIZE).toBe(2);
  });

  it('adds the constant inputs TFLite needs for MEAN and PAD when the IR op lacks them', () => {
    const q = { scale: [0.1], zeroPoint: [0] };
    const m: Int8Model = {
      format: 'mlforge.int8', version: 1, meta: { name: 'synth' },
      tensors: [
        { name: 'x', shape: [1, 4, 4, 8], dtype: 'int8', quant: q, constant: false },
        { name: 'p', shape: [1, 6, 6, 8], dtype: 'int8', quant: q, constant: false },
        { name: 'm', shape: [1, 8], dtype: 'int8', quant: q, constant: false },
        { name: 'r', shape: [1, 2, 4], dtype: 'int8', quant: q, constant: false },
      ],
      ops: [
        { inputs: [0], outputs: [1], options: { kind: 'pad', paddings: [[0, 0], [1, 1], [1, 1], [0, 0]] } },
        { inputs: [1], outputs: [2], options: { kind: 'mean', axes: [1, 2], keepDims: false } },
        { inputs: [2], outputs: [3], options: { kind: 'reshape' } },
      ],
      inputs: [0], outputs: [3], data: new Map(),
    };
    const bytes = writeTflite(m);
    const raw = decodeTflite(bytes);
    expect(raw.ops.map((o) => o.inputs.length)).toEqual([2, 2, 1]);
    expect(raw.ops[2]!.options).toEqual({ new_shape: [1, 2, 4] });
    const back = readTflite(bytes);
    expect(back.ops.map((o) => o.options)).toEqual(m.ops.map((o) => o.options));
    expect(raw.opcodes.find((c) => c.builtin === Op.PAD)!.version).toBe(2);
    expect(raw.opcodes.find((c) => c.builtin === Op.MEAN)!.version).toBe(2);
  });

  it('rejects inconsistent models with BAD_INPUT instead of writing a broken file', () => {
    const a = readTflite(loadModel('kws_ref_model.tflite'));
    const w = a.ops[0]!.inputs[1]!;
    const short = new Map(a.data);
    short.set(w, new Int8Array(3));
    expectError(() => writeTflite({ ...a, data: short }), 'BAD_INPUT', /tensor 17 .* has 3 values, its shape needs 2560/);
    const wrongType = new Map(a.data);
    wrongType.set(w, new Float32Array(2560));
    expectError(() => writeTflite({ ...a, data: wrongType }), 'BAD_INPUT', /is int8 but its data is a Float32Array/);
    expectError(() => writeTflite({ ...a, inputs: [] }), 'BAD_INPUT', /invalid at inputs/);
    expectError(() => writeTflite({ ...a, ops: [{ ...a.ops[0]!, inputs: [999, 17, 3] }, ...a.ops.slice(1)] }), 'BAD_INPUT', /op 0 \(conv2d\) inputs refers to tensor 999, but there are 35 tensors/);
    const cyc = { ...a, ops: [...a.ops].reverse() };
    expectError(() => writeTflite(cyc), 'BAD_INPUT', /not written by an earlier operator/);
  });
});
