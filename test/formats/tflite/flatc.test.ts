/**
 * Cross-check with the flatbuffers compiler: flatc decodes the original and the
 * re-written models to JSON with a schema generated from `schema.ts` (the
 * published schema.fbs is not shipped), and its view must equal our decoder's.
 * This checks our field ids and our writer's output against an independent
 * flatbuffers implementation. Needs `flatc` (Debian: flatbuffers-compiler).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTflite } from '../../../src/formats/tflite/decode.js';
import { readTflite, writeTflite } from '../../../src/formats/tflite/index.js';
import type { RawModel } from '../../../src/formats/tflite/raw.js';
import { ENUMS, OPTIONS_TABLES, optionsTableByCode, tensorTypeName } from '../../../src/formats/tflite/schema.js';
import { MODELS, generateFbs, loadModel } from './helpers.js';

const hasFlatc = spawnSync('flatc', ['--version']).status === 0;
const dir = mkdtempSync(path.join(tmpdir(), 'mlforge-flatc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** flatc's JSON view of `bytes`. */
function flatcJson(bytes: Uint8Array, name: string): any {
  const schema = path.join(dir, 'subset.fbs');
  writeFileSync(schema, generateFbs());
  const bin = path.join(dir, `${name}.tflite`);
  writeFileSync(bin, bytes);
  const r = spawnSync('flatc', ['--json', '--strict-json', '--raw-binary', '--defaults-json', '-o', dir, schema, '--', bin], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));
}

// flatc prints floats with 6 decimals.
const close = (a: number, b: number) => Math.abs(a - b) <= Math.max(5.1e-7, 1e-6 * Math.abs(b));
const enumValue = (e: string, v: string | number) => (typeof v === 'number' ? v : ENUMS[e]!.values[v]!);

/** Asserts flatc's JSON and our RawModel describe the same model. */
function compare(j: any, m: RawModel): void {
  expect(j.version).toBe(m.version);
  expect(j.operator_codes.map((c: any) => [Math.max(c.deprecated_builtin_code, enumValue('BuiltinOperator', c.builtin_code)), c.version]))
    .toEqual(m.opcodes.map((c) => [c.builtin, c.version]));
  expect(j.buffers.length).toBe(m.buffers.length);
  j.buffers.forEach((b: any, i: number) => expect(b.data ?? []).toEqual(Array.from(m.buffers[i]!)));
  expect((j.metadata ?? []).map((e: any) => [e.name, e.buffer])).toEqual(m.metadata.map((e) => [e.name, e.buffer]));
  const sg = j.subgraphs[0];
  expect(sg.inputs).toEqual(m.inputs);
  expect(sg.outputs).toEqual(m.outputs);
  expect(sg.tensors.length).toBe(m.tensors.length);
  sg.tensors.forEach((t: any, i: number) => {
    const r = m.tensors[i]!;
    expect([t.name, t.shape ?? [], t.type, t.buffer]).toEqual([r.name, r.shape, tensorTypeName(r.type), r.buffer]);
    if (r.quant) {
      expect(t.quantization.zero_point).toEqual(r.quant.zeroPoint);
      expect(t.quantization.quantized_dimension).toBe(r.quant.axis);
      expect(t.quantization.scale.length).toBe(r.quant.scale.length);
      t.quantization.scale.forEach((s: number, k: number) => expect(close(s, r.quant!.scale[k]!), `${s} vs ${r.quant!.scale[k]}`).toBe(true));
    }
  });
  expect(sg.operators.length).toBe(m.ops.length);
  sg.operators.forEach((o: any, i: number) => {
    const r = m.ops[i]!;
    expect([o.opcode_index, o.inputs, o.outputs]).toEqual([r.opcodeIndex, r.inputs, r.outputs]);
    const table = optionsTableByCode(r.optionsType);
    expect(o.builtin_options_type).toBe(table ?? 'NONE');
    if (!table || !r.options) return;
    for (const [k, fd] of Object.entries(OPTIONS_TABLES[table])) {
      const mine = r.options[k];
      const theirs = o.builtin_options[k];
      if (fd.type === 'float') expect(close(theirs, mine as number)).toBe(true);
      else if (fd.type in ENUMS) expect(enumValue(fd.type, theirs)).toBe(mine);
      else if (fd.type === '[int]') expect(theirs ?? []).toEqual(mine ?? []);
      else expect(theirs).toBe(mine);
    }
  });
}

const title = hasFlatc ? 'flatc agrees with our decoder' : 'flatc agrees with our decoder — skipped: flatc not installed (apt-get install flatbuffers-compiler)';
describe.skipIf(!hasFlatc)(title, () => {
  for (const name of MODELS) {
    it(`${name}: original file`, () => {
      const bytes = loadModel(name);
      compare(flatcJson(bytes, `orig-${name}`), decodeTflite(bytes));
    });
    it(`${name}: file written by MLForge (int8 and float I/O)`, () => {
      const model = readTflite(loadModel(name));
      for (const io of ['int8', 'float32'] as const) {
        const bytes = writeTflite(model, { io });
        compare(flatcJson(bytes, `written-${io}-${name}`), decodeTflite(bytes));
      }
    });
  }
});
