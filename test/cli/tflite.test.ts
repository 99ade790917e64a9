// `.tflite` from the command line: import, infer, export --format tflite, inspect — on the two MLPerf Tiny models.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, modelsDir, op, smallConvSpec, tensor } from '../formats/tflite/helpers.js';
import { lastJson, mlforge, type CliResult } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mlforge-tflite-cli-'));
const at = (...p: string[]) => join(dir, ...p);
const golden = (f: string) => join(modelsDir, 'golden', f);
const MODELS = [
  { name: 'kws_ref_model', rowBytes: 490, outBytes: 12 },
  { name: 'pretrainedResnet_quant', rowBytes: 3072, outBytes: 10 },
] as const;

function ok(r: CliResult): CliResult {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

function expectOneLineError(r: CliResult, pattern: RegExp) {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('  hint:'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A small int8 conv model followed by MUL (builtin 18), which MLForge does not support. */
function mulModel(): Uint8Array {
  const s = smallConvSpec();
  s.tensors.push(tensor('z', [1, 4, 4, 3]));
  s.ops.push(op(18, [3, 3], [4]));
  s.outputs = [4];
  return buildModel(s);
}

/** The graph of an int8 model folder: everything but where it came from. */
function graphOf(folder: string) {
  const j = JSON.parse(readFileSync(join(folder, 'model.int8.json'), 'utf8'));
  return { tensors: j.tensors, ops: j.ops, inputs: j.inputs, outputs: j.outputs, labels: j.meta.labels, name: j.meta.name };
}

describe.each(MODELS)('model $name', ({ name, rowBytes, outBytes }) => {
  const tflite = join(modelsDir, `${name}.tflite`);

  it('import → infer on the golden inputs gives the golden (TFLite Micro) outputs bit for bit', async () => {
    const imported = lastJson(ok(await mlforge(['import', tflite, '--out', at(name), '--json'])).stdout);
    expect(imported).toMatchObject({ name, inputs: [{ dtype: 'int8' }], outputs: [{ dtype: 'int8', shape: [1, outBytes] }] });
    const r = lastJson(ok(await mlforge(['infer', at(name), '--inputs', golden(`${name}.inputs.bin`), '--outputs', at(`${name}.out.bin`), '--json'])).stdout);
    expect(r).toMatchObject({ rows: 48, inputRowBytes: rowBytes, outputRowBytes: outBytes });
    expect(readFileSync(at(`${name}.out.bin`)).equals(readFileSync(golden(`${name}.outputs.bin`)))).toBe(true);
  });

  it('import → export --format tflite → import: same graph, weights, quantization and outputs', async () => {
    const out = at(`${name}.re.tflite`);
    const exported = lastJson(ok(await mlforge(['export', '--format', 'tflite', at(name), '--out', out, '--json'])).stdout);
    expect(exported).toMatchObject({ format: 'tflite', io: 'int8', out });
    ok(await mlforge(['import', out, '--out', at(`${name}-re`)]));
    expect(graphOf(at(`${name}-re`))).toEqual(graphOf(at(name)));
    expect(readFileSync(at(`${name}-re`, 'weights.bin')).equals(readFileSync(at(name, 'weights.bin')))).toBe(true);
    // The exported file itself runs too (infer takes a .tflite), with the same bytes out.
    ok(await mlforge(['infer', out, '--inputs', golden(`${name}.inputs.bin`), '--outputs', at(`${name}.re.out.bin`)]));
    expect(readFileSync(at(`${name}.re.out.bin`)).equals(readFileSync(golden(`${name}.outputs.bin`)))).toBe(true);
  });
});

describe('an imported model folder downstream', () => {
  it('exports as C (--format c, the default) with the planned arena', async () => {
    ok(await mlforge(['import', join(modelsDir, 'kws_ref_model.tflite'), '--out', at('kws-for-c')]));
    const r = lastJson<Record<string, any>>(ok(await mlforge(['export', at('kws-for-c'), '--out', at('kws-c'), '--json'])).stdout);
    expect(r.files).toEqual(expect.arrayContaining(['model.c', 'model.h']));
    expect(r.arenaBytes).toBeLessThanOrEqual(r.greedyArenaBytes);
  });
});

describe('mlforge inspect', () => {
  it('--json: ops, tensors, quantization, params, MACs, planned arena, estimated flash; --board checks the fit', async () => {
    const r = lastJson<Record<string, any>>(ok(await mlforge(['inspect', join(modelsDir, 'kws_ref_model.tflite'), '--json', '--board', 'nucleo_l4r5zi'])).stdout);
    expect(r.opCounts).toEqual({ CONV_2D: 5, DEPTHWISE_CONV_2D: 4, AVERAGE_POOL_2D: 1, RESHAPE: 1, FULLY_CONNECTED: 1, SOFTMAX: 1 });
    expect(r.ops).toHaveLength(13);
    expect(r.inputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 49, 10, 1], quant: { zeroPoint: [83] } });
    expect(r.outputs[0].quant).toEqual({ scale: [1 / 256], zeroPoint: [-128] });
    expect(r.tensors.length).toBeGreaterThan(13);
    expect(r.params).toBe(64 * 40 + 4 * 64 * 9 + 4 * 64 * 64 + 12 * 64 + 5 * 64 + 4 * 64 + 12 + 2);
    expect(r.macs).toBe(25 * 5 * 64 * 40 + 4 * 25 * 5 * 64 * 9 + 4 * 25 * 5 * 64 * 64 + 12 * 64);
    expect(r.unsupported).toEqual([]);
    expect(r.convertible).toBe(true);
    // The planned arena is at most TFLite Micro's (24,000 B on a 64-bit host per the golden README).
    expect(r.arenaBytes).toBeGreaterThan(10_000);
    expect(r.arenaBytes).toBeLessThanOrEqual(24_000);
    expect(r.cost.core).toBe('cortex-m4');
    expect(r.flashBytes).toBe(r.cost.flash.weights + r.cost.flash.kernelCode + r.cost.flash.other);
    expect(r.cost.flash.weights).toBeGreaterThan(r.weightBytes - 100); // weights + per-channel tables
    expect(r.arenaBytes).toBeLessThanOrEqual(r.cost.greedyArenaBytes);
    expect(r.cost.latencyMs).toBeGreaterThan(0);
    expect(r.board).toMatchObject({ name: 'nucleo_l4r5zi', fitsSram: true, fitsFlash: true });
  });

  it('text report of an exported file with labels and float I/O', async () => {
    const labels = at('labels.txt');
    writeFileSync(labels, 'down go left no off on right stop up yes silence unknown'.split(' ').join('\n') + '\n');
    ok(await mlforge(['import', join(modelsDir, 'kws_ref_model.tflite'), '--out', at('kws-labelled'), '--labels', labels]));
    ok(await mlforge(['export', '--format', 'tflite', '--float-io', at('kws-labelled'), '--out', at('kws-float.tflite')]));
    const text = ok(await mlforge(['inspect', at('kws-float.tflite')])).stdout;
    expect(text).toMatch(/written by mlforge/);
    expect(text).toMatch(/labels: down, go, left/);
    expect(text).toMatch(/#\d+ input_1 float32 \[1,49,10,1\]/);
    expect(text).toMatch(/QUANTIZE v1/);
    expect(text).toMatch(/DEQUANTIZE v2/);
    expect(text).toMatch(/arena [\d.]+ KiB planned/);
    expect(text).toMatch(/flash ≈ [\d.]+ KiB/);
  });

  it('lists unsupported operators with their index and still exits 0', async () => {
    writeFileSync(at('mul.tflite'), mulModel());
    const r = lastJson<Record<string, any>>(ok(await mlforge(['inspect', at('mul.tflite'), '--json'])).stdout);
    expect(r.unsupported).toMatchObject([{ index: 1, opcode: 'MUL' }]);
    expect(r.convertible).toBe(false);
    expect(r.arenaBytes).toBeUndefined();
    const text = ok(await mlforge(['inspect', at('mul.tflite')])).stdout;
    expect(text).toMatch(/unsupported: 1 op\(s\) — MUL/);
  });
});

describe('bad input: one line, non-zero exit', () => {
  const kws = readFileSync(join(modelsDir, 'kws_ref_model.tflite'));

  it('a truncated .tflite (import, infer, inspect)', async () => {
    writeFileSync(at('truncated.tflite'), kws.subarray(0, 20_000));
    expectOneLineError(await mlforge(['import', at('truncated.tflite'), '--out', at('never')]), /truncated\.tflite/);
    expectOneLineError(await mlforge(['infer', at('truncated.tflite'), '--inputs', golden('kws_ref_model.inputs.bin'), '--outputs', at('never.bin')]), /truncated\.tflite/);
    expectOneLineError(await mlforge(['inspect', at('truncated.tflite')]), /truncated\.tflite/);
  });

  it('an inputs file that is not a whole number of rows names the file and both sizes', async () => {
    writeFileSync(at('short.bin'), new Uint8Array(490 * 2 + 7));
    const r = await mlforge(['infer', join(modelsDir, 'kws_ref_model.tflite'), '--inputs', at('short.bin'), '--outputs', at('never.bin')]);
    expectOneLineError(r, /short\.bin has 987 bytes, not a whole number of 490-byte rows \(int8 \[1,49,10,1\]\)/);
  });

  it('an unsupported operator names the op and its index', async () => {
    writeFileSync(at('mul2.tflite'), mulModel());
    expectOneLineError(await mlforge(['import', at('mul2.tflite'), '--out', at('never')]), /operator 1 \(MUL\) is not supported/);
  });

  it('an unknown export format; --out a folder for --format tflite', async () => {
    ok(await mlforge(['import', join(modelsDir, 'kws_ref_model.tflite'), '--out', at('kws-for-export')]));
    expectOneLineError(await mlforge(['export', '--format', 'onnx', at('kws-for-export'), '--out', at('x')]), /--format: expected c or tflite, got "onnx"/);
    expectOneLineError(await mlforge(['export', '--format', 'tflite', at('kws-for-export'), '--out', dir]), /--out: .* is a folder; --format tflite writes one file/);
  });
});
