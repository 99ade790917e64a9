/**
 * Malformed files, one defect at a time: each must fail with BAD_FILE (or
 * UNSUPPORTED where the file is valid but out of scope) saying what and where.
 */
import * as flatbuffers from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { readTflite, inspectTflite } from '../../../src/formats/tflite/index.js';
import { decodeTflite, LIMITS } from '../../../src/formats/tflite/decode.js';
import { encodeTflite } from '../../../src/formats/tflite/encode.js';
import type { RawModel } from '../../../src/formats/tflite/raw.js';
import type { TraceKind } from '../../../src/formats/tflite/view.js';
import { Op, TensorType } from '../../../src/formats/tflite/schema.js';
import { buildModel, expectError, int8Bytes, loadModel, op, smallConvSpec, tensor } from './helpers.js';

const rawOf = (bytes: Uint8Array): RawModel => decodeTflite(bytes);
const small = () => buildModel(smallConvSpec());

/** Every traced read of a file: kind, position, size and what was being read. */
function trace(bytes: Uint8Array) {
  const out: { kind: TraceKind; pos: number; size: number; what: string }[] = [];
  decodeTflite(bytes, 'x', (kind, pos, size, what) => out.push({ kind, pos, size, what }));
  return out;
}

function patch32(bytes: Uint8Array, pos: number, v: number): Uint8Array {
  const b = bytes.slice();
  new DataView(b.buffer).setUint32(pos, v >>> 0, true);
  return b;
}

const both = (bytes: Uint8Array, pattern: RegExp, code = 'BAD_FILE') => {
  expectError(() => readTflite(bytes, 'bad.tflite'), code, pattern);
  expectError(() => inspectTflite(bytes, 'bad.tflite'), code, pattern);
};

describe('header and flatbuffer structure', () => {
  it('not a TFLite file, too short, wrong identifier', () => {
    both(new TextEncoder().encode('hello world, not a model'), /identifier is "o wo", expected "TFL3"/);
    both(new Uint8Array(4), /4 bytes is too short/);
    both(new Uint8Array(0), /0 bytes is too short/);
    const b = small();
    b[4] = 0x58;
    both(b, /identifier is "XFL3"/);
  });

  it('root offset past the end, zero, unaligned', () => {
    const b = small();
    both(patch32(b, 0, 0xfffffff0), /root offset: offset 4294967280 at byte 0 is invalid/);
    both(patch32(b, 0, b.length + 8), /points to .* past the end/);
    both(patch32(b, 0, 0), /root offset: offset 0 at byte 0 is invalid/);
    both(patch32(b, 0, 5), /Model: table at byte 5 is not 4-byte aligned/);
  });

  it('vtable out of bounds, bad vtable size, field beyond its table', () => {
    const b = small();
    const root = new DataView(b.buffer).getUint32(0, true);
    both(patch32(b, root, 0x7ffffff0), /Model: vtable at byte -?\d+ .* is out of bounds/);
    const vt = root - new DataView(b.buffer).getInt32(root, true);
    const v1 = b.slice();
    new DataView(v1.buffer).setUint16(vt, 3, true);
    both(v1, /vtable at byte \d+ has invalid size 3/);
    const v2 = b.slice();
    new DataView(v2.buffer).setUint16(vt + 4 + 2 * 2, 0xfff0, true); // Model.subgraphs field offset
    both(v2, /Model.subgraphs: field offset 65520 .* lies outside its table/);
  });

  it('truncation anywhere fails cleanly', () => {
    const b = loadModel('kws_ref_model.tflite');
    for (const n of [8, 16, 100, 1000, b.length >> 1, b.length - 16, b.length - 1]) {
      expectError(() => readTflite(b.subarray(0, n)), 'BAD_FILE', /outside the file|past the end|out of bounds|too short|invalid/);
    }
  });

  it('vector length and string length beyond the file, string without terminator', () => {
    const b = small();
    const t = trace(b);
    const tensors = t.find((x) => x.kind === 'length' && x.what === 'Model.subgraphs[0].tensors')!;
    both(patch32(b, tensors.pos, 0x40000000), /tensors: 1073741824 elements exceed the limit of 65536/);
    both(patch32(b, tensors.pos, 1000), /tensors \(1000 × 4 bytes\): bytes .* lie outside the file/);
    const name = t.find((x) => x.kind === 'length' && x.what === 'Model.subgraphs[0].tensors[0].name')!;
    both(patch32(b, name.pos, 0x7fffffff), /tensors\[0\].name: 2147483647 elements exceed the limit/);
    both(patch32(b, name.pos, b.length - name.pos), /tensors\[0\].name .* lie outside the file/);
    const nt = b.slice();
    const len = new DataView(nt.buffer).getUint32(name.pos, true);
    nt[name.pos + 4 + len] = 0x41;
    both(nt, /lacks its 0 terminator/);
  });

  it('too many operator codes', () => {
    const b = small();
    const oc = trace(b).find((x) => x.kind === 'length' && x.what === 'Model.operator_codes')!;
    both(patch32(b, oc.pos, LIMITS.maxOpcodes + 1), /operator_codes: 4097 elements exceed the limit/);
  });

  it('schema version other than 3 is UNSUPPORTED', () => {
    const r = rawOf(small());
    const raw = { ...r, version: 3 };
    const bytes = encodeTflite(raw);
    const t = trace(bytes).find((x) => x.kind === 'scalar' && x.what === 'Model.version')!;
    both(patch32(bytes, t.pos, 2), /schema version 2/, 'UNSUPPORTED');
  });
});

describe('model-level invariants', () => {
  const base = () => rawOf(small());
  const enc = (f: (m: RawModel) => void) => { const m = base(); f(m); return encodeTflite(m); };

  it('tensor indices in operator inputs/outputs and graph inputs/outputs', () => {
    both(enc((m) => { m.ops[0]!.inputs = [0, 1, 99]; }), /operator 0 \(CONV_2D\): input tensor index 99 is out of range \(4 tensors\)/);
    both(enc((m) => { m.ops[0]!.inputs = [0, 1, -2]; }), /input tensor index -2 is out of range/);
    both(enc((m) => { m.ops[0]!.outputs = [-1]; }), /output tensor index -1 is out of range/);
    both(enc((m) => { m.ops[0]!.outputs = []; }), /operator 0 \(CONV_2D\) has no outputs/);
    both(enc((m) => { m.inputs = [7]; }), /subgraph inputs: tensor index 7 is out of range/);
    both(enc((m) => { m.inputs = [0, 0]; }), /subgraph inputs: tensor 0 is listed twice/);
    both(enc((m) => { m.outputs = []; }), /lists no outputs/);
  });

  it('opcode and buffer indices', () => {
    both(enc((m) => { m.ops[0]!.opcodeIndex = 5; }), /operator 0: opcode_index 5 is out of range \(1 operator codes\)/);
    both(enc((m) => { m.tensors[1]!.buffer = 42; }), /tensor 1 \("w"\): buffer index 42 is out of range/);
    both(enc((m) => { m.metadata = [{ name: 'x', buffer: 9 }]; }), /metadata 0 \("x"\): buffer index 9 is out of range/);
    both(enc((m) => { m.buffers[0] = new Uint8Array(4); }), /buffer 0 must be the empty sentinel/);
    both(enc((m) => { m.opcodes[0]!.builtin = 32; }), /operator code 0 is CUSTOM but names no custom_code/);
    both(enc((m) => { m.opcodes[0]!.version = 0; }), /operator code 0 \(CONV_2D\): version 0 is invalid/);
  });

  it('shapes: negative dims, element overflow, total bytes budget, rank', () => {
    both(enc((m) => { m.tensors[3]!.shape = [1, -1, 4, 3]; }), /tensor 3 \("y"\): shape \[1,-1,4,3\] has a negative dimension/);
    both(enc((m) => { m.tensors[3]!.shape = [65536, 65536, 4]; }), /has more than 2147483647 elements/);
    both(enc((m) => { m.tensors[3]!.shape = [1, 2048, 2048, 64]; }), /tensors 0..3 need 268435\d+ bytes, more than the \d+-byte budget/);
    both(enc((m) => { m.tensors[3]!.shape = [1, 1, 1, 1, 1, 1, 1, 1, 1]; }), /rank 9; MLForge supports rank ≤ 8/, 'UNSUPPORTED');
  });

  it('constant data length must equal shape × element size', () => {
    both(enc((m) => { m.buffers[m.tensors[1]!.buffer] = int8Bytes(5); }), /tensor 1 \("w"\): buffer 1 holds 5 bytes but shape \[3,1,1,2\] of INT8 needs 6/);
    both(enc((m) => { m.tensors[2]!.type = TensorType.INT8; }), /tensor 2 \("b"\): buffer 2 holds 12 bytes but shape \[3\] of INT8 needs 3/);
  });

  it('quantization vectors consistent with the shape and axis', () => {
    both(enc((m) => { m.tensors[1]!.quant = { scale: [0.1, 0.2, 0.3], zeroPoint: [0, 0], axis: 0 }; }), /3 quantization scales but 2 zero points/);
    both(enc((m) => { m.tensors[1]!.quant = { scale: [0.1, 0.2, 0.3], zeroPoint: [0, 0, 0], axis: 3 }; }), /3 per-channel scales but dimension 3 of shape \[3,1,1,2\] is 2/);
    both(enc((m) => { m.tensors[1]!.quant = { scale: [0.1], zeroPoint: [0], axis: 7 }; }), /quantized_dimension 7 is out of range/);
    both(enc((m) => { m.tensors[0]!.quant = { scale: [NaN], zeroPoint: [0], axis: 0 }; }), /scale NaN must be positive and finite/);
    both(enc((m) => { m.tensors[0]!.quant = { scale: [0], zeroPoint: [0], axis: 0 }; }), /scale 0 must be positive/);
    both(enc((m) => { m.tensors[0]!.quant = { scale: [1], zeroPoint: [2 ** 40], axis: 0 }; }), /zero point 1099511627776 is out of the int32 range/);
  });

  it('graph order: cycles, self-loops, reads before writes, double writes, unwritten outputs', () => {
    const chain = () => {
      const s = smallConvSpec();
      s.tensors.push(tensor('z', [1, 4, 4, 3]), tensor('u', [1, 4, 4, 3]));
      s.ops.push(op(Op.LOGISTIC, [3], [4]), op(Op.TANH, [4], [5]));
      s.outputs = [5];
      return s;
    };
    expect(readTflite(buildModel(chain())).ops).toHaveLength(3);
    const cyc = chain();
    cyc.ops[1]!.inputs = [5]; // reads what op 2 writes, and op 2 reads what op 1 writes
    both(buildModel(cyc), /operator 1 \(LOGISTIC\) reads tensor 5 \("u"\), which is not a graph input or constant and is not written by an earlier operator/);
    const self = chain();
    self.ops[1]!.inputs = [4];
    both(buildModel(self), /operator 1 \(LOGISTIC\) reads tensor 4 \("z"\).*self-loop/);
    const twice = chain();
    twice.ops[2]!.outputs = [4];
    both(buildModel(twice), /operator 2 \(TANH\) writes tensor 4 \("z"\), which is already written by operator 1/);
    const overConst = chain();
    overConst.ops[1]!.outputs = [1];
    both(buildModel(overConst), /writes tensor 1 \("w"\), which is already a graph input or constant/);
    const unwritten = chain();
    unwritten.outputs = [5, 3];
    unwritten.ops.pop();
    both(buildModel(unwritten), /graph output tensor 5 \("u"\) is never written/);
    const constIn = chain();
    constIn.inputs = [1];
    both(buildModel(constIn), /graph input tensor 1 \("w"\) is a constant/);
  });

  it('constant buffers shared by many tensors cannot multiply memory', () => {
    const m = rawOf(loadModel('pretrainedResnet_quant.tflite'));
    const big = m.tensors[15]!; // 36,864-byte filter
    for (let k = 0; k < 20; k++) m.tensors.push({ ...big, name: `alias${k}` });
    both(encodeTflite(m), /constant tensors share buffers too often/);
  });
});

describe('aliasing (one table or vector referenced many times)', () => {
  /** K tensor entries all pointing at one tensor whose quantization holds `n` per-channel scales. */
  function aliased(k: number, n: number): Uint8Array {
    const b = new flatbuffers.Builder(1 << 16);
    const vec = (size: number, count: number, put: (i: number) => void) => {
      b.startVector(size, count, size);
      for (let i = count - 1; i >= 0; i--) put(i);
      return b.endVector();
    };
    const scale = vec(4, n, () => b.addFloat32(0.5));
    const zp = vec(8, n, () => b.addInt64(0n));
    b.startObject(7); b.addFieldOffset(2, scale, 0); b.addFieldOffset(3, zp, 0); const quant = b.endObject();
    const shape = vec(4, 1, () => b.addInt32(n));
    const name = b.createString('t');
    b.startObject(5); b.addFieldOffset(0, shape, 0); b.addFieldInt8(1, TensorType.INT8, 0); b.addFieldOffset(3, name, 0); b.addFieldOffset(4, quant, 0);
    const t = b.endObject();
    const tensors = vec(4, k, () => b.addOffset(t));
    const io = vec(4, 1, () => b.addInt32(0));
    b.startObject(5); b.addFieldOffset(0, tensors, 0); b.addFieldOffset(1, io, 0); b.addFieldOffset(2, io, 0); const sg = b.endObject();
    b.startObject(1); const buf0 = b.endObject();
    const subgraphs = vec(4, 1, () => b.addOffset(sg));
    const buffers = vec(4, 1, () => b.addOffset(buf0));
    b.startObject(5); b.addFieldInt32(0, 3, 0); b.addFieldOffset(2, subgraphs, 0); b.addFieldOffset(4, buffers, 0);
    b.finish(b.endObject(), 'TFL3');
    return b.asUint8Array().slice();
  }

  it('a small file cannot make the decoder read gigabytes through shared offsets', () => {
    // ~80 KB; without the visit budget, 5000 tensors × 60 KB of scales and zero points = 300 MB of reads.
    const err = expectError(() => decodeTflite(aliased(5000, 5000)), 'BAD_FILE', /refers to the same data over and over/);
    expect(err.message).toMatch(/tensors\[\d+\]\.quantization/);
  });
});

