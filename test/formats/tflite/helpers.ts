/**
 * Shared fixtures for the .tflite tests: the two MLPerf Tiny models from
 * ../shared, a tiny hand-built model builder (RawModel → bytes) for cases no
 * real file covers, and a generator of a flatc schema from our own descriptors
 * (so flatc's view can be compared without shipping schema.fbs).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { MlforgeError } from '../../../src/errors.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeTflite } from '../../../src/formats/tflite/encode.js';
import type { RawModel, RawOp, RawTensor } from '../../../src/formats/tflite/raw.js';
import { BUILTIN_OPTIONS, ENUMS, OPTIONS_TABLES, Op, TABLES, TensorType, type OptionsTableName } from '../../../src/formats/tflite/schema.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const modelsDir = path.resolve(repoRoot, '../shared/models/mlperf-tiny');
export const MODELS = ['kws_ref_model.tflite', 'pretrainedResnet_quant.tflite'] as const;

export const loadModel = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(modelsDir, name)));

/** A deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const q = (scale: number, zp: number) => ({ scale: [scale], zeroPoint: [zp], axis: 0 });

export function tensor(name: string, shape: number[], type: number = TensorType.INT8, extra: Partial<RawTensor> = {}): RawTensor {
  return { name, shape, type, buffer: 0, isVariable: false, sparse: false, customQuant: false, ...(type === TensorType.INT8 ? { quant: q(0.05, -128) } : {}), ...extra };
}

export function op(builtin: number, inputs: number[], outputs: number[], table?: OptionsTableName, options?: Record<string, number | boolean | number[]>): RawOp & { builtin: number; custom?: string } {
  return { builtin, opcodeIndex: -1, inputs, outputs, optionsType: table ? BUILTIN_OPTIONS[table] : 0, ...(options ? { options } : {}), hasCustomOptions: false };
}

/**
 * Builds a `.tflite` from tensors (constant ones given as `data`) and ops.
 * Operator codes are collected from the ops' `builtin`; version 1 unless given.
 */
export function buildModel(spec: {
  tensors: RawTensor[];
  data?: Record<number, Uint8Array>;
  ops: (RawOp & { builtin: number; custom?: string })[];
  inputs: number[];
  outputs: number[];
}): Uint8Array {
  const buffers: Uint8Array[] = [new Uint8Array(0)];
  const tensors = spec.tensors.map((t, i) => {
    const d = spec.data?.[i];
    if (!d) return t;
    buffers.push(d);
    return { ...t, buffer: buffers.length - 1 };
  });
  const opcodes: RawModel['opcodes'] = [];
  const ops = spec.ops.map(({ builtin, custom, ...o }) => {
    let k = opcodes.findIndex((c) => c.builtin === builtin && c.custom === custom);
    if (k < 0) { opcodes.push({ builtin, version: 1, ...(custom ? { custom } : {}) }); k = opcodes.length - 1; }
    return { ...o, opcodeIndex: k };
  });
  return encodeTflite({
    version: 3, opcodes, buffers, subgraphCount: 1, tensors, ops, inputs: spec.inputs, outputs: spec.outputs, metadata: [],
  });
}

export const int8Bytes = (n: number, v = 1): Uint8Array => new Uint8Array(n).fill(v & 0xff);
export function int32Bytes(values: number[]): Uint8Array {
  const b = new Uint8Array(4 * values.length);
  const dv = new DataView(b.buffer);
  values.forEach((v, k) => dv.setInt32(4 * k, v, true));
  return b;
}

/**
 * A flatc schema generated from `schema.ts` (our subset, with explicit field ids;
 * ids we do not describe become deprecated placeholders). Test-only.
 */
export function generateFbs(): string {
  const lines: string[] = ['namespace mlforge_subset;', ''];
  for (const [name, e] of Object.entries(ENUMS)) {
    lines.push(`enum ${name} : ${e.base} {`, ...Object.entries(e.values).map(([k, v]) => `  ${k} = ${v},`), '}', '');
  }
  const known = new Set<string>([...Object.keys(ENUMS), ...Object.keys(TABLES), ...Object.keys(OPTIONS_TABLES), 'BuiltinOptions']);
  const typeKnown = (t: string) => /^\[?(bool|byte|ubyte|short|ushort|int|uint|long|ulong|float|string)\]?$/.test(t) || known.has(t.replace(/[[\]]/g, ''));
  const table = (name: string, def: Record<string, { id: number; type: string; default?: number | boolean }>) => {
    const byId = new Map<number, string>();
    for (const [fname, f] of Object.entries(def)) {
      if (!typeKnown(f.type)) continue;
      if (f.type === 'BuiltinOptions') byId.set(f.id - 1, '');
      const scalar = typeof f.default === 'number' && !(f.type in ENUMS) ? f.default : undefined;
      const dflt = f.default === true ? ' = true' : scalar ? ` = ${scalar}` : '';
      byId.set(f.id, `  ${fname}: ${f.type}${dflt} (id: ${f.id});`);
    }
    const max = Math.max(-1, ...byId.keys());
    const body: string[] = [];
    for (let id = 0; id <= max; id++) {
      const l = byId.get(id);
      if (l === undefined) body.push(`  gap_${id}: ubyte (deprecated, id: ${id});`);
      else if (l) body.push(l);
    }
    lines.push(`table ${name} {`, ...body, '}', '');
  };
  for (const [n, d] of Object.entries(OPTIONS_TABLES)) table(n, d);
  lines.push(`union BuiltinOptions { ${Object.entries(BUILTIN_OPTIONS).map(([k, v]) => `${k} = ${v}`).join(', ')} }`, '');
  for (const [n, d] of Object.entries(TABLES)) table(n, d);
  lines.push('root_type Model;', 'file_identifier "TFL3";', '');
  return lines.join('\n');
}

/** Runs `fn` and checks it throws MlforgeError with `code` and a message matching `pattern`. */
export function expectError(fn: () => unknown, code: string, pattern: RegExp): MlforgeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MlforgeError);
    const err = e as MlforgeError;
    expect(err.code, err.message).toBe(code);
    expect(err.message).toMatch(pattern);
    return err;
  }
  throw new Error(`expected MlforgeError ${code} matching ${pattern}, nothing was thrown`);
}


/** A small valid int8 model: conv (per-channel weights, bias) → output; tests mutate copies. */
export function smallConvSpec() {
  const w = tensor('w', [3, 1, 1, 2], TensorType.INT8, { quant: { scale: [0.1, 0.2, 0.3], zeroPoint: [0, 0, 0], axis: 0 } });
  const b = tensor('b', [3], TensorType.INT32, { quant: { scale: [0.01, 0.02, 0.03], zeroPoint: [0, 0, 0], axis: 0 } });
  return {
    tensors: [tensor('x', [1, 4, 4, 2]), w, b, tensor('y', [1, 4, 4, 3])],
    data: { 1: int8Bytes(6), 2: int32Bytes([1, 2, 3]) } as Record<number, Uint8Array>,
    ops: [op(Op.CONV_2D, [0, 1, 2], [3], 'Conv2DOptions', { padding: 1, stride_w: 1, stride_h: 1, fused_activation_function: 0 })],
    inputs: [0],
    outputs: [3],
  };
}

