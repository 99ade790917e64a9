/**
 * What a `.tflite` file holds and costs, as a plain object, plus a text
 * formatter for the CLI. Unlike `readTflite`, unsupported operators are listed
 * rather than thrown, so users see every op MLForge lacks at once; structurally
 * broken files still throw BAD_FILE.
 *
 * MACs count multiply-accumulates of CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED (other ops are reported with 0). `arenaBytes` and
 * `flashBytes` are left for the memory planner and cost model to fill in.
 */
import { MlforgeError } from '../../errors.js';
import type { OpKind } from '../../ir/int8.js';
import { SUPPORTED, convertOp } from './convert.js';
import { decodeTflite } from './decode.js';
import { elementCount, isConstant, type RawModel } from './raw.js';
import { rawToInt8, readMeta, readMinRuntime } from './reader.js';
import { Op, builtinName, tensorTypeBits, tensorTypeName } from './schema.js';

export interface InspectedTensor {
  index: number;
  name: string;
  shape: number[];
  /** Lower-case TensorType name: int8, int32, float32, uint8, … */
  dtype: string;
  quant?: { scale: number[]; zeroPoint: number[]; axis?: number };
  constant: boolean;
  bytes: number;
}

export interface InspectedOp {
  index: number;
  /** BuiltinOperator name (or the custom op's name for CUSTOM). */
  opcode: string;
  version: number;
  /** The IR op kind when MLForge supports this operator. */
  kind?: OpKind;
  supported: boolean;
  /** Why it does not convert (set when `supported` is false). */
  reason?: string;
  inputs: number[];
  outputs: number[];
  /** IR options when converted, else the file's options table fields. */
  options: Record<string, unknown>;
  macs: number;
}

export interface TfliteInspection {
  file: string;
  fileBytes: number;
  schemaVersion: number;
  description?: string;
  minRuntimeVersion?: string;
  /** From MLForge's own metadata entry, if the file was written by MLForge. */
  producer?: { name: string; version: string };
  labels?: string[];
  metadata: string[];
  subgraphs: number;
  inputs: InspectedTensor[];
  outputs: InspectedTensor[];
  tensors: InspectedTensor[];
  ops: InspectedOp[];
  /** Operator counts by opcode name. */
  opCounts: Record<string, number>;
  /** Elements of constant tensors (weights, biases, shapes). */
  params: number;
  /** Bytes of constant tensors. */
  weightBytes: number;
  macs: number;
  /** Operators MLForge cannot convert (not thrown). */
  unsupported: { index: number; opcode: string; reason: string }[];
  /** Model-level problems beyond single operators (e.g. a tensor type). */
  problems: string[];
  /** True when `readTflite` would succeed. */
  convertible: boolean;
  /** Peak activation arena from the memory planner (filled in elsewhere). */
  arenaBytes?: number;
  /** Flash estimate: weights + kernels (filled in elsewhere). */
  flashBytes?: number;
}

const tensorBytes = (m: RawModel, i: number): number => {
  const t = m.tensors[i]!;
  const bits = tensorTypeBits(t.type);
  return bits === undefined ? 0 : Math.ceil((elementCount(t.shape) * bits) / 8);
};

function describeTensor(m: RawModel, i: number): InspectedTensor {
  const t = m.tensors[i]!;
  const out: InspectedTensor = {
    index: i, name: t.name, shape: [...t.shape], dtype: tensorTypeName(t.type).toLowerCase(),
    constant: isConstant(m, i), bytes: tensorBytes(m, i),
  };
  if (t.quant) {
    const perChannel = t.quant.scale.length > 1 || t.quant.axis !== 0;
    out.quant = { scale: [...t.quant.scale], zeroPoint: [...t.quant.zeroPoint], ...(perChannel ? { axis: t.quant.axis } : {}) };
  }
  return out;
}

function macsOf(m: RawModel, builtin: number, inputs: number[], outputs: number[]): number {
  const shape = (t: number | undefined) => (t === undefined || t < 0 ? undefined : m.tensors[t]!.shape);
  const out = shape(outputs[0]), w = shape(inputs[1]);
  if (!out || !w) return 0;
  const n = elementCount(out);
  switch (builtin) {
    case Op.CONV_2D: return w.length === 4 ? n * w[1]! * w[2]! * w[3]! : 0; // w: [Cout, KH, KW, Cin]
    case Op.DEPTHWISE_CONV_2D: return w.length === 4 ? n * w[1]! * w[2]! : 0; // w: [1, KH, KW, Cout]
    case Op.FULLY_CONNECTED: return w.length === 2 ? n * w[1]! : 0; // w: [Out, In]
    default: return 0;
  }
}

/**
 * Reports what a `.tflite` file contains, which operators MLForge converts, and
 * per-op and total MACs.
 *
 * @example
 * const info = inspectTflite(readFileSync('model.tflite'), 'model.tflite');
 * info.unsupported; // [] when readTflite would accept every op
 * console.log(formatInspection(info));
 */
export function inspectTflite(bytes: Uint8Array, fileName = 'model.tflite'): TfliteInspection {
  const m = decodeTflite(bytes, fileName);
  const strip = (msg: string) => msg.replace(`${fileName}: `, '');
  const ops: InspectedOp[] = m.ops.map((op, index) => {
    const code = m.opcodes[op.opcodeIndex]!;
    const opcode = code.custom !== undefined ? `CUSTOM(${code.custom})` : builtinName(code.builtin);
    const base = { index, opcode, version: code.version, inputs: [...op.inputs], outputs: [...op.outputs], macs: macsOf(m, code.builtin, op.inputs, op.outputs) };
    try {
      const ir = convertOp(m, index, fileName);
      return { ...base, kind: ir.options.kind, supported: true, options: { ...ir.options } };
    } catch (e) {
      if (!(e instanceof MlforgeError)) throw e;
      const kind = SUPPORTED[code.builtin];
      return { ...base, ...(kind ? { kind } : {}), supported: false, reason: strip(e.message), options: { ...(op.options ?? {}) } };
    }
  });
  const problems: string[] = [];
  let convertible = ops.every((o) => o.supported);
  if (convertible) {
    try {
      rawToInt8(m, fileName);
    } catch (e) {
      if (!(e instanceof MlforgeError)) throw e;
      problems.push(strip(e.message));
      convertible = false;
    }
  }
  const tensors = m.tensors.map((_, i) => describeTensor(m, i));
  const consts = tensors.filter((t) => t.constant);
  const opCounts: Record<string, number> = {};
  for (const o of ops) opCounts[o.opcode] = (opCounts[o.opcode] ?? 0) + 1;
  const meta = (() => { try { return readMeta(m, fileName); } catch (e) { problems.push(strip((e as Error).message)); return undefined; } })();
  const minRuntime = readMinRuntime(m);
  return {
    file: fileName,
    fileBytes: bytes.length,
    schemaVersion: m.version,
    ...(m.description !== undefined ? { description: m.description } : {}),
    ...(minRuntime ? { minRuntimeVersion: minRuntime } : {}),
    ...(meta ? { producer: { name: meta.producer, version: meta.version } } : {}),
    ...(meta?.labels ? { labels: meta.labels } : {}),
    metadata: m.metadata.map((e) => e.name),
    subgraphs: m.subgraphCount,
    inputs: m.inputs.map((i) => tensors[i]!),
    outputs: m.outputs.map((i) => tensors[i]!),
    tensors,
    ops,
    opCounts,
    params: consts.reduce((a, t) => a + elementCount(t.shape), 0),
    weightBytes: consts.reduce((a, t) => a + t.bytes, 0),
    macs: ops.reduce((a, o) => a + o.macs, 0),
    unsupported: ops.filter((o) => !o.supported).map((o) => ({ index: o.index, opcode: o.opcode, reason: o.reason! })),
    problems,
    convertible,
  };
}

const num = (n: number): string => n.toLocaleString('en-US');
const kib = (n: number): string => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);
const shapeStr = (s: readonly number[]): string => `[${s.join(',')}]`;

function quantStr(t: InspectedTensor): string {
  if (!t.quant) return '';
  if (t.quant.scale.length > 1) return ` per-channel(axis ${t.quant.axis}, ${t.quant.scale.length})`;
  return ` scale ${Number(t.quant.scale[0]!.toPrecision(6))} zp ${t.quant.zeroPoint[0]}`;
}

function optionsStr(o: InspectedOp): string {
  const x = o.options as Record<string, unknown>;
  const parts: string[] = [];
  if (x.filterH !== undefined) parts.push(`${x.filterH}x${x.filterW}`);
  if (x.strideH !== undefined) parts.push(`s${x.strideH}x${x.strideW}`);
  if (x.dilationH !== undefined && (x.dilationH !== 1 || x.dilationW !== 1)) parts.push(`d${x.dilationH}x${x.dilationW}`);
  if (x.depthMultiplier !== undefined && x.depthMultiplier !== 1) parts.push(`dm${x.depthMultiplier}`);
  if (x.padding !== undefined && typeof x.padding === 'string') parts.push(x.padding);
  if (x.activation !== undefined && x.activation !== 'none') parts.push(String(x.activation));
  if (x.axes !== undefined) parts.push(`axes ${JSON.stringify(x.axes)}${x.keepDims ? ' keep' : ''}`);
  if (x.axis !== undefined) parts.push(`axis ${x.axis}`);
  if (x.paddings !== undefined) parts.push(`pad ${JSON.stringify(x.paddings)}`);
  if (x.beta !== undefined && x.beta !== 1) parts.push(`beta ${x.beta}`);
  return parts.join(' ');
}

/** A human-readable report of `inspectTflite`'s result (for `mlforge inspect`). */
export function formatInspection(info: TfliteInspection): string {
  const L: string[] = [];
  L.push(`${info.file}: ${num(info.fileBytes)} bytes, TFLite schema v${info.schemaVersion}` +
    (info.minRuntimeVersion ? `, min runtime ${info.minRuntimeVersion}` : '') +
    (info.producer ? `, written by ${info.producer.name} ${info.producer.version}` : '') +
    (info.description ? ` (${info.description})` : ''));
  const io = (t: InspectedTensor) => `  #${t.index} ${t.name} ${t.dtype} ${shapeStr(t.shape)}${quantStr(t)}`;
  L.push('inputs:', ...info.inputs.map(io), 'outputs:', ...info.outputs.map(io));
  if (info.labels) L.push(`labels: ${info.labels.join(', ')}`);
  L.push(`ops: ${info.ops.length} (${Object.entries(info.opCounts).map(([k, v]) => `${v} ${k}`).join(', ')})`);
  L.push(`params: ${num(info.params)} (${kib(info.weightBytes)} constant data), MACs: ${num(info.macs)}` +
    (info.arenaBytes !== undefined ? `, arena: ${kib(info.arenaBytes)}` : '') +
    (info.flashBytes !== undefined ? `, flash: ${kib(info.flashBytes)}` : ''));
  L.push('');
  const rows = info.ops.map((o) => [
    String(o.index), `${o.opcode} v${o.version}`, shapeStr(info.tensors[o.outputs[0]!]?.shape ?? []),
    o.macs ? num(o.macs) : '', o.supported ? optionsStr(o) : `UNSUPPORTED`,
  ]);
  const head = ['#', 'op', 'output', 'MACs', 'options'];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const fmt = (r: string[]) => r.map((c, k) => (k === 3 ? c.padStart(widths[k]!) : c.padEnd(widths[k]!))).join('  ').trimEnd();
  L.push(fmt(head), ...rows.map(fmt));
  L.push('');
  if (info.unsupported.length === 0 && info.problems.length === 0) {
    L.push('MLForge supports every operator in this model.');
  } else {
    const missing = [...new Set(info.unsupported.map((u) => u.opcode))];
    if (missing.length) L.push(`unsupported: ${info.unsupported.length} op(s) — ${missing.join(', ')}`);
    for (const u of info.unsupported) L.push(`  ${u.reason}`);
    for (const p of info.problems) L.push(`  ${p}`);
  }
  return L.join('\n');
}
