/**
 * RawModel → `.tflite` bytes with the `flatbuffers` Builder, following the
 * field ids in `schema.ts`. Pure serialization: it writes what it is given
 * (validation belongs to `writer.ts`, which re-reads its output).
 *
 * Flatbuffers are built back to front: leaves (buffer data, strings, vectors)
 * first, then the tables that point at them, the Model root last.
 */
import * as flatbuffers from 'flatbuffers';
import type { RawModel, RawOptions, RawTensor } from './raw.js';
import {
  FILE_IDENTIFIER, OPTIONS_TABLES, PLACEHOLDER_FOR_GREATER_OP_CODES, SCHEMA_VERSION, TABLES, optionsTableByCode,
  type TableDef,
} from './schema.js';

type B = flatbuffers.Builder;
type Offset = flatbuffers.Offset;

const T = TABLES;
const fields = (def: TableDef) => Math.max(0, ...Object.values(def).map((f) => f.id)) + 1;

function ints(b: B, a: readonly number[]): Offset {
  b.startVector(4, a.length, 4);
  for (let i = a.length - 1; i >= 0; i--) b.addInt32(a[i]!);
  return b.endVector();
}

function floats(b: B, a: readonly number[]): Offset {
  b.startVector(4, a.length, 4);
  for (let i = a.length - 1; i >= 0; i--) b.addFloat32(a[i]!);
  return b.endVector();
}

function longs(b: B, a: readonly number[]): Offset {
  b.startVector(8, a.length, 8);
  for (let i = a.length - 1; i >= 0; i--) b.addInt64(BigInt(a[i]!));
  return b.endVector();
}

/** A [ubyte] vector aligned to 16 bytes (the schema's force_align for buffer data). */
function alignedBytes(b: B, data: Uint8Array): Offset {
  b.startVector(1, data.length, 16);
  for (let i = data.length - 1; i >= 0; i--) b.writeInt8(data[i]!);
  return b.endVector();
}

function encodeOptions(b: B, def: TableDef, o: RawOptions): Offset {
  const vectors = new Map<string, Offset>();
  for (const [name, fd] of Object.entries(def)) {
    const v = o[name];
    if (fd.type === '[int]' && Array.isArray(v)) vectors.set(name, ints(b, v));
  }
  b.startObject(fields(def));
  for (const [name, fd] of Object.entries(def)) {
    const v = o[name];
    if (v === undefined) continue;
    const dflt = fd.default as number | boolean | undefined;
    switch (fd.type) {
      case '[int]': b.addFieldOffset(fd.id, vectors.get(name)!, 0); break;
      case 'int': b.addFieldInt32(fd.id, v as number, (dflt as number) ?? 0); break;
      case 'float': b.addFieldFloat32(fd.id, v as number, (dflt as number) ?? 0); break;
      case 'bool': b.addFieldInt8(fd.id, v ? 1 : 0, dflt ? 1 : 0); break;
      default: b.addFieldInt8(fd.id, v as number, (dflt as number) ?? 0);
    }
  }
  return b.endObject();
}

function encodeTensor(b: B, t: RawTensor): Offset {
  const X = T.Tensor, Q = T.QuantizationParameters;
  const shape = ints(b, t.shape);
  const name = b.createString(t.name);
  let quant = 0;
  if (t.quant) {
    const scale = floats(b, t.quant.scale);
    const zp = longs(b, t.quant.zeroPoint);
    b.startObject(fields(Q));
    b.addFieldOffset(Q.scale.id, scale, 0);
    b.addFieldOffset(Q.zero_point.id, zp, 0);
    b.addFieldInt32(Q.quantized_dimension.id, t.quant.axis, 0);
    quant = b.endObject();
  }
  b.startObject(fields(X));
  b.addFieldOffset(X.shape.id, shape, 0);
  b.addFieldInt8(X.type.id, t.type, 0);
  b.addFieldInt32(X.buffer.id, t.buffer, 0);
  b.addFieldOffset(X.name.id, name, 0);
  if (quant) b.addFieldOffset(X.quantization.id, quant, 0);
  if (t.isVariable) b.addFieldInt8(X.is_variable.id, 1, 0);
  return b.endObject();
}

function tableVector(b: B, offsets: readonly Offset[]): Offset {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

/** Serializes a RawModel (subgraph 0 only) into `.tflite` bytes. */
export function encodeTflite(m: RawModel): Uint8Array {
  const total = m.buffers.reduce((a, x) => a + x.length, 0);
  const b = new flatbuffers.Builder(total + 4096 + 256 * m.tensors.length);

  // Buffer data first: the largest items, each 16-byte aligned.
  const bufferOffsets = m.buffers.map((data) => {
    const d = data.length > 0 ? alignedBytes(b, data) : 0;
    b.startObject(fields(T.Buffer));
    if (d) b.addFieldOffset(T.Buffer.data.id, d, 0);
    return b.endObject();
  });

  const tensors = m.tensors.map((t) => encodeTensor(b, t));
  const ops = m.ops.map((op) => {
    const O = T.Operator;
    const inputs = ints(b, op.inputs);
    const outputs = ints(b, op.outputs);
    const table = optionsTableByCode(op.optionsType);
    const options = table && op.options ? encodeOptions(b, OPTIONS_TABLES[table], op.options) : 0;
    b.startObject(fields(O));
    b.addFieldInt32(O.opcode_index.id, op.opcodeIndex, 0);
    b.addFieldOffset(O.inputs.id, inputs, 0);
    b.addFieldOffset(O.outputs.id, outputs, 0);
    if (options) {
      b.addFieldInt8(O.builtin_options.id - 1, op.optionsType, 0);
      b.addFieldOffset(O.builtin_options.id, options, 0);
    }
    return b.endObject();
  });

  const S = T.SubGraph;
  const sgTensors = tableVector(b, tensors);
  const sgInputs = ints(b, m.inputs);
  const sgOutputs = ints(b, m.outputs);
  const sgOps = tableVector(b, ops);
  const sgName = b.createString(m.subgraphName ?? 'main');
  b.startObject(fields(S));
  b.addFieldOffset(S.tensors.id, sgTensors, 0);
  b.addFieldOffset(S.inputs.id, sgInputs, 0);
  b.addFieldOffset(S.outputs.id, sgOutputs, 0);
  b.addFieldOffset(S.operators.id, sgOps, 0);
  b.addFieldOffset(S.name.id, sgName, 0);
  const subgraph = b.endObject();

  const C = T.OperatorCode;
  const codes = m.opcodes.map((c) => {
    const custom = c.custom !== undefined ? b.createString(c.custom) : 0;
    b.startObject(fields(C));
    // Both fields: readers older than the extended code read the int8 one.
    b.addFieldInt8(C.deprecated_builtin_code.id, Math.min(c.builtin, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
    if (custom) b.addFieldOffset(C.custom_code.id, custom, 0);
    b.addFieldInt32(C.version.id, c.version, 1);
    b.addFieldInt32(C.builtin_code.id, c.builtin, 0);
    return b.endObject();
  });

  const metadata = m.metadata.map((e) => {
    const name = b.createString(e.name);
    b.startObject(fields(T.Metadata));
    b.addFieldOffset(T.Metadata.name.id, name, 0);
    b.addFieldInt32(T.Metadata.buffer.id, e.buffer, 0);
    return b.endObject();
  });

  const M = T.Model;
  const opcodesVec = tableVector(b, codes);
  const subgraphsVec = tableVector(b, [subgraph]);
  const description = b.createString(m.description ?? 'MLForge');
  const buffersVec = tableVector(b, bufferOffsets);
  const metadataVec = metadata.length > 0 ? tableVector(b, metadata) : 0;
  b.startObject(fields(M));
  b.addFieldInt32(M.version.id, SCHEMA_VERSION, 0);
  b.addFieldOffset(M.operator_codes.id, opcodesVec, 0);
  b.addFieldOffset(M.subgraphs.id, subgraphsVec, 0);
  b.addFieldOffset(M.description.id, description, 0);
  b.addFieldOffset(M.buffers.id, buffersVec, 0);
  if (metadataVec) b.addFieldOffset(M.metadata.id, metadataVec, 0);
  const root = b.endObject();
  b.finish(root, FILE_IDENTIFIER);
  return b.asUint8Array().slice();
}
