/**
 * `.tflite` bytes → RawModel, with every structural property checked before it
 * is relied on: offsets, vtables, vector and string lengths (in `view.ts`), and
 * here the model-level invariants TFLite's own parser leaves to luck — index
 * ranges, shapes, buffer sizes, quantization vector lengths, graph order (every
 * operator input is a graph input, a constant or written by an earlier operator,
 * so there are no cycles or self-loops), and caps on counts and total bytes.
 * Any failure is MlforgeError('BAD_FILE') saying what and where.
 *
 * What it does not check: whether MLForge supports the ops and types (that is
 * `reader.ts`, which raises 'UNSUPPORTED'), and operator semantics such as
 * whether conv shapes agree (the IR's consumers validate those when preparing).
 */
import { MlforgeError } from '../../errors.js';
import { FbView, type FbTable, type Tracer } from './view.js';
import type { RawMetadata, RawModel, RawOp, RawOpCode, RawOptions, RawQuant, RawTensor } from './raw.js';
import {
  BUILTIN_CUSTOM, FILE_IDENTIFIER, OPTIONS_TABLES, SCHEMA_VERSION, TABLES, builtinName, optionsTableByCode,
  tensorTypeBits, tensorTypeName, type TableDef,
} from './schema.js';

export const LIMITS = {
  /** Flatbuffers address 2 GiB at most; MLForge targets microcontrollers. */
  maxFileBytes: 1 << 30,
  maxSubgraphs: 4096,
  maxTensors: 1 << 16,
  maxOps: 1 << 16,
  maxOpcodes: 4096,
  maxBuffers: 1 << 17,
  maxMetadata: 4096,
  maxRank: 8,
  maxOpInputs: 4096,
  maxOpOutputs: 4096,
  maxElements: 0x7fffffff,
  /** Sum of all tensor bytes ≤ this + factor × file size (bounds what a consumer would allocate). */
  tensorBytesSlack: 64 << 20,
  tensorBytesFactor: 64,
  /** Sum of constant bytes over all tensors (buffers may be shared) ≤ factor × file size. */
  constBytesFactor: 4,
} as const;

const T = TABLES;

export function decodeTflite(bytes: Uint8Array, file = 'model.tflite', trace?: Tracer): RawModel {
  if (!(bytes instanceof Uint8Array)) throw new MlforgeError('BAD_INPUT', `${file}: expected the file's bytes as a Uint8Array`);
  const v: FbView = new FbView(bytes, file, trace);
  if (bytes.length < 8) v.fail(`${bytes.length} bytes is too short for a .tflite file`);
  if (bytes.length > LIMITS.maxFileBytes) v.fail(`${bytes.length} bytes exceeds the ${LIMITS.maxFileBytes}-byte limit`);
  const ident = String.fromCharCode(...bytes.subarray(4, 8));
  if (ident !== FILE_IDENTIFIER) {
    v.fail(`file identifier is ${JSON.stringify(ident)}, expected "${FILE_IDENTIFIER}" (not a TFLite flatbuffer)`);
  }
  const root = v.table(v.deref(0, 'root offset'), 'Model');
  const version = root.u32(T.Model.version.id, 'version');
  if (version !== SCHEMA_VERSION) {
    throw new MlforgeError('UNSUPPORTED', `${file}: TFLite schema version ${version}; MLForge reads version ${SCHEMA_VERSION}`,
      're-export the model with a current TensorFlow Lite converter');
  }
  const description = root.string(T.Model.description.id, 'description') ?? undefined;
  const buffers = decodeBuffers(v, root);
  const opcodes = decodeOpcodes(v, root);
  const metadata = decodeMetadata(v, root, buffers.length);

  const subgraphs = root.tables(T.Model.subgraphs.id, 'subgraphs', LIMITS.maxSubgraphs);
  if (!subgraphs || subgraphs.length === 0) v.fail('the model has no subgraphs');
  const sg = subgraphs.at(0);
  const S = T.SubGraph;
  const subgraphName = sg.string(S.name.id, 'name') ?? undefined;

  const tt = sg.tables(S.tensors.id, 'tensors', LIMITS.maxTensors);
  const tensors: RawTensor[] = [];
  for (let i = 0; i < (tt?.length ?? 0); i++) tensors.push(decodeTensor(v, tt!.at(i), i, buffers.length));

  const m: RawModel = {
    version, description, opcodes, buffers, subgraphName, subgraphCount: subgraphs.length,
    tensors, ops: [], inputs: [], outputs: [], metadata,
  };
  m.inputs = tensorList(v, sg.ints(S.inputs.id, 'inputs', LIMITS.maxTensors) ?? [], tensors.length, 'subgraph inputs');
  m.outputs = tensorList(v, sg.ints(S.outputs.id, 'outputs', LIMITS.maxTensors) ?? [], tensors.length, 'subgraph outputs');
  if (m.outputs.length === 0) v.fail('subgraph 0 lists no outputs');

  const ot = sg.tables(S.operators.id, 'operators', LIMITS.maxOps);
  for (let i = 0; i < (ot?.length ?? 0); i++) m.ops.push(decodeOp(v, ot!.at(i), i, m));

  checkData(v, m);
  checkOrder(v, m);
  return m;
}

function decodeBuffers(v: FbView, root: FbTable): Uint8Array[] {
  const bt = root.tables(T.Model.buffers.id, 'buffers', LIMITS.maxBuffers);
  const out: Uint8Array[] = [];
  const B = T.Buffer;
  for (let i = 0; i < (bt?.length ?? 0); i++) {
    const b = bt!.at(i);
    let data = b.bytes(B.data.id, 'data');
    if (!data) {
      const offset = b.u64(B.offset.id, 'offset');
      const size = b.u64(B.size.id, 'size');
      // offset/size locate data stored after the flatbuffer (models > 2 GiB); 0 and 1 mean "none".
      if (offset > 1) {
        v.check(offset, size, `buffer ${i} external data`);
        data = v.bytes.subarray(offset, offset + size);
      }
    }
    out.push(data ?? new Uint8Array(0));
  }
  if (out.length === 0) out.push(new Uint8Array(0));
  if (out[0]!.length !== 0) v.fail(`buffer 0 must be the empty sentinel but holds ${out[0]!.length} bytes`);
  return out;
}

function decodeOpcodes(v: FbView, root: FbTable): RawOpCode[] {
  const ct = root.tables(T.Model.operator_codes.id, 'operator_codes', LIMITS.maxOpcodes);
  const O = T.OperatorCode;
  const out: RawOpCode[] = [];
  for (let i = 0; i < (ct?.length ?? 0); i++) {
    const c = ct!.at(i);
    const deprecated = c.i8(O.deprecated_builtin_code.id, 'deprecated_builtin_code');
    const extended = c.i32(O.builtin_code.id, 'builtin_code');
    if (extended < 0) v.fail(`operator code ${i}: builtin_code ${extended} is negative`);
    // Old files set only the int8 field, new files both (the int8 one capped at 127): the larger wins.
    const builtin = Math.max(deprecated, extended);
    const version = c.i32(O.version.id, 'version', 1);
    if (version < 1) v.fail(`operator code ${i} (${builtinName(builtin)}): version ${version} is invalid`);
    const custom = c.string(O.custom_code.id, 'custom_code') ?? undefined;
    if (builtin === BUILTIN_CUSTOM && custom === undefined) v.fail(`operator code ${i} is CUSTOM but names no custom_code`);
    out.push({ builtin, version, ...(custom !== undefined ? { custom } : {}) });
  }
  return out;
}

function decodeMetadata(v: FbView, root: FbTable, nBuffers: number): RawMetadata[] {
  const mt = root.tables(T.Model.metadata.id, 'metadata', LIMITS.maxMetadata);
  const out: RawMetadata[] = [];
  for (let i = 0; i < (mt?.length ?? 0); i++) {
    const e = mt!.at(i);
    const name = e.string(T.Metadata.name.id, 'name') ?? '';
    const buffer = e.u32(T.Metadata.buffer.id, 'buffer');
    if (buffer >= nBuffers) v.fail(`metadata ${i} (${JSON.stringify(name)}): buffer index ${buffer} is out of range (${nBuffers} buffers)`);
    out.push({ name, buffer });
  }
  return out;
}

function decodeTensor(v: FbView, t: FbTable, i: number, nBuffers: number): RawTensor {
  const X = T.Tensor;
  const name = t.string(X.name.id, 'name') ?? '';
  const where = `tensor ${i} (${JSON.stringify(name.slice(0, 80))})`;
  const shape = t.ints(X.shape.id, 'shape', 64) ?? [];
  if (shape.length > LIMITS.maxRank) {
    throw new MlforgeError('UNSUPPORTED', `${v.file}: ${where} has rank ${shape.length}; MLForge supports rank ≤ ${LIMITS.maxRank}`);
  }
  let n = 1;
  for (const d of shape) {
    if (d < 0) v.fail(`${where}: shape [${shape}] has a negative dimension (dynamic shapes are not allowed in a static model)`);
    n *= d;
    if (n > LIMITS.maxElements) v.fail(`${where}: shape [${shape}] has more than ${LIMITS.maxElements} elements`);
  }
  const type = t.i8(X.type.id, 'type');
  if (type < 0) v.fail(`${where}: tensor type ${type} is invalid`);
  const buffer = t.u32(X.buffer.id, 'buffer');
  if (buffer >= nBuffers) v.fail(`${where}: buffer index ${buffer} is out of range (${nBuffers} buffers)`);
  const isVariable = t.bool(X.is_variable.id, 'is_variable');
  const sparse = t.table(X.sparsity.id, 'sparsity') !== null;
  const q = t.table(X.quantization.id, 'quantization');
  let quant: RawQuant | undefined;
  let customQuant = false;
  if (q) {
    const Q = T.QuantizationParameters;
    customQuant = q.u8(Q.details.id - 1, 'details_type') !== 0;
    const scale = q.floats(Q.scale.id, 'scale', v.size) ?? [];
    const zeroPoint = q.longs(Q.zero_point.id, 'zero_point', v.size) ?? [];
    const axis = q.i32(Q.quantized_dimension.id, 'quantized_dimension');
    if (scale.length > 0) {
      if (zeroPoint.length !== scale.length) v.fail(`${where}: ${scale.length} quantization scales but ${zeroPoint.length} zero points`);
      if (axis < 0 || (axis >= shape.length && !(axis === 0 && shape.length === 0))) {
        v.fail(`${where}: quantized_dimension ${axis} is out of range for shape [${shape}]`);
      }
      if (scale.length > 1 && shape[axis] !== scale.length) {
        v.fail(`${where}: ${scale.length} per-channel scales but dimension ${axis} of shape [${shape}] is ${shape[axis]}`);
      }
      for (const s of scale) if (!(Number.isFinite(s) && s > 0)) v.fail(`${where}: quantization scale ${s} must be positive and finite`);
      for (const z of zeroPoint) if (z < -0x80000000 || z > 0x7fffffff) v.fail(`${where}: zero point ${z} is out of the int32 range`);
      quant = { scale, zeroPoint, axis };
    }
  }
  return { name, shape, type, buffer, ...(quant ? { quant } : {}), isVariable, sparse: sparse, customQuant };
}

function tensorList(v: FbView, list: number[], n: number, what: string): number[] {
  const seen = new Set<number>();
  for (const t of list) {
    if (t < 0 || t >= n) v.fail(`${what}: tensor index ${t} is out of range (${n} tensors)`);
    if (seen.has(t)) v.fail(`${what}: tensor ${t} is listed twice`);
    seen.add(t);
  }
  return list;
}

function decodeOp(v: FbView, o: FbTable, i: number, m: RawModel): RawOp {
  const P = T.Operator;
  const opcodeIndex = o.u32(P.opcode_index.id, 'opcode_index');
  if (opcodeIndex >= m.opcodes.length) v.fail(`operator ${i}: opcode_index ${opcodeIndex} is out of range (${m.opcodes.length} operator codes)`);
  const where = `operator ${i} (${builtinName(m.opcodes[opcodeIndex]!.builtin)})`;
  const n = m.tensors.length;
  const inputs = o.ints(P.inputs.id, 'inputs', LIMITS.maxOpInputs) ?? [];
  for (const t of inputs) if (t < -1 || t >= n) v.fail(`${where}: input tensor index ${t} is out of range (${n} tensors)`);
  const outputs = o.ints(P.outputs.id, 'outputs', LIMITS.maxOpOutputs) ?? [];
  if (outputs.length === 0) v.fail(`${where} has no outputs`);
  for (const t of outputs) if (t < 0 || t >= n) v.fail(`${where}: output tensor index ${t} is out of range (${n} tensors)`);
  const optionsType = o.u8(P.builtin_options.id - 1, 'builtin_options_type');
  let options: RawOptions | undefined;
  const table = optionsTableByCode(optionsType);
  if (table) {
    const ot = o.table(P.builtin_options.id, 'builtin_options');
    if (ot) options = decodeOptions(ot, OPTIONS_TABLES[table]);
  }
  const hasCustomOptions = o.bytes(P.custom_options.id, 'custom_options') !== null;
  return { opcodeIndex, inputs, outputs, optionsType, ...(options ? { options } : {}), hasCustomOptions };
}

/** Decodes an options table field by field from its descriptor (absent fields get their defaults). */
export function decodeOptions(t: FbTable, def: TableDef): RawOptions {
  const out: RawOptions = {};
  for (const [name, fd] of Object.entries(def)) {
    switch (fd.type) {
      case 'int': out[name] = t.i32(fd.id, name, fd.default as number); break;
      case 'float': out[name] = t.f32(fd.id, name, fd.default as number); break;
      case 'bool': out[name] = t.bool(fd.id, name, fd.default as boolean); break;
      case '[int]': { const a = t.ints(fd.id, name, LIMITS.maxRank * 8); if (a) out[name] = a; break; }
      default: out[name] = t.i8(fd.id, name, fd.default as number); // byte and byte enums
    }
  }
  return out;
}

/** Constant data sizes and the total-bytes budget. */
function checkData(v: FbView, m: RawModel): void {
  let total = 0;
  let constBytes = 0;
  const budget = LIMITS.tensorBytesSlack + LIMITS.tensorBytesFactor * v.size;
  m.tensors.forEach((t, i) => {
    const n = t.shape.reduce((a, d) => a * d, 1);
    const bits = tensorTypeBits(t.type);
    const bytes = bits === undefined ? n : Math.ceil((n * bits) / 8);
    total += bytes;
    if (total > budget) v.fail(`tensors 0..${i} need ${total} bytes, more than the ${budget}-byte budget for a ${v.size}-byte file`);
    const data = m.buffers[t.buffer]!;
    if (t.buffer === 0 || data.length === 0) return;
    if (bits !== undefined && data.length !== bytes) {
      v.fail(`tensor ${i} (${JSON.stringify(t.name.slice(0, 80))}): buffer ${t.buffer} holds ${data.length} bytes but shape [${t.shape}] of ${tensorTypeName(t.type)} needs ${bytes}`);
    }
    constBytes += data.length;
    if (constBytes > LIMITS.constBytesFactor * v.size) v.fail(`constant tensors share buffers too often: ${constBytes} bytes of constants in a ${v.size}-byte file`);
  });
}

/**
 * Graph order: walk operators in execution order; a tensor is available once it
 * is a graph input, a constant, a variable, or written by an earlier operator.
 * Catches cycles, self-loops, reads before writes and double writes.
 */
function checkOrder(v: FbView, m: RawModel): void {
  const n = m.tensors.length;
  const writer = new Int32Array(n).fill(-2); // -2 unavailable, -1 input/constant, k written by op k
  const describe = (t: number) => `tensor ${t} (${JSON.stringify(m.tensors[t]!.name.slice(0, 80))})`;
  for (let t = 0; t < n; t++) {
    const tt = m.tensors[t]!;
    if (tt.isVariable || (tt.buffer > 0 && m.buffers[tt.buffer]!.length > 0)) writer[t] = -1;
  }
  for (const t of m.inputs) {
    if (writer[t] === -1 && !m.tensors[t]!.isVariable) v.fail(`graph input ${describe(t)} is a constant`);
    writer[t] = -1;
  }
  m.ops.forEach((op, i) => {
    const where = `operator ${i} (${builtinName(m.opcodes[op.opcodeIndex]!.builtin)})`;
    for (const t of op.inputs) {
      if (t === -1) continue;
      if (writer[t] === -2) {
        v.fail(`${where} reads ${describe(t)}, which is not a graph input or constant and is not written by an earlier operator (a cycle, a self-loop or operators out of order)`);
      }
    }
    for (const t of op.outputs) {
      const w = writer[t]!;
      if (w !== -2) v.fail(`${where} writes ${describe(t)}, which is already ${w === -1 ? 'a graph input or constant' : `written by operator ${w}`}`);
      writer[t] = i;
    }
  });
  for (const t of m.outputs) if (writer[t] === -2) v.fail(`graph output ${describe(t)} is never written`);
}
