/**
 * Structural checks of the emitted C (no snapshots): the API in model.h, the
 * arena and every op call in model.c in the plan's order, parameters that are
 * exactly the ones `prepare` computed (parsed back from the C text), only the
 * kernels the model uses, no malloc, no float on an int8 model's path, and
 * literals that read back exactly.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportC, resolveCModel } from '../../src/codegen/index.js';
import { cArray, cFloat, cInt, cString } from '../../src/codegen/emit/c.js';
import { emitModelC } from '../../src/codegen/emit/model-c.js';
import { emitModelH } from '../../src/codegen/emit/model-h.js';
import { rng } from '../helpers/random.js';
import { loadShared, zooModel } from './models.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-emit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The numbers of `static const <type> NAME[...] = { ... };` in C text. */
function arrayValues(c: string, name: string): number[] {
  const m = new RegExp(`static const \\w+ ${name}\\[\\d+\\] = \\{([^}]*)\\};`).exec(c);
  if (!m) throw new Error(`no array ${name}`);
  return m[1]!.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (s === '(-2147483647 - 1)' ? -2147483648 : Number(s)));
}

const invokeBody = (c: string): string => c.slice(c.indexOf('int32_t mlforge_invoke(void) {'), c.indexOf('void *mlforge_input('));

describe('C literals', () => {
  it('prints every int32 and float32 so that it reads back exactly', () => {
    expect(cInt(-2147483648)).toBe('(-2147483647 - 1)');
    expect(cInt(2147483647)).toBe('2147483647');
    const r = rng(3);
    for (let i = 0; i < 2000; i++) {
      const v = Math.fround(r.normal() * 10 ** r.int(-30, 30));
      const s = cFloat(v);
      expect(s.endsWith('f')).toBe(true);
      expect(Math.fround(Number(s.slice(0, -1)))).toBe(v);
    }
    expect(cFloat(1)).toBe('1.00000000f');
    expect(cArray([1, -2, 3], cInt, 2)).toBe('{\n  1, -2,\n  3\n}');
    expect(cString('a"b\\c?\n')).toBe('"a\\"b\\\\c\\077\\012"');
  });
});

describe('model.h / model.c for KWS', () => {
  const model = loadShared('kws_ref_model.tflite');
  const m = resolveCModel(model);
  const h = emitModelH(m);
  const c = emitModelC(m);

  it('declares the API and the tensor macros', () => {
    for (const fn of ['int32_t mlforge_init(void);', 'int32_t mlforge_invoke(void);', 'void *mlforge_input(int32_t index);',
      'const void *mlforge_output(int32_t index);', 'int32_t mlforge_quantize_input(int32_t index, const float *x, int32_t count);',
      'int32_t mlforge_dequantize_output(int32_t index, float *y, int32_t count);', 'int32_t mlforge_argmax(int32_t index);']) {
      expect(h).toContain(fn);
    }
    expect(h).toContain(`#define MLFORGE_ARENA_BYTES ${m.plan.arenaBytes}\n`);
    expect(h).toContain('#define MLFORGE_INPUT0_SHAPE { 1, 49, 10, 1 }');
    expect(h).toContain('#define MLFORGE_INPUT0_ZERO_POINT 83');
    expect(h).toContain(`#define MLFORGE_INPUT0_SCALE ${cFloat(model.tensors[model.inputs[0]!]!.quant!.scale[0]!)}`);
    expect(h).toContain('#define MLFORGE_OUTPUT0_SIZE 12');
    expect(h).toContain('#define MLFORGE_OUTPUT0_ZERO_POINT -128');
    expect(h).toMatch(/#ifndef MLFORGE_MODEL_H[\s\S]*#endif/);
  });

  it('has one static arena of the planned size and no dynamic memory', () => {
    expect(c).toContain(`int8_t bytes[${m.plan.arenaBytes}];`);
    expect(c).not.toMatch(/\b(malloc|calloc|realloc|free)\s*\(/);
    expect(invokeBody(c)).not.toMatch(/\bfloat\b|\bdouble\b/);
  });

  it('calls the kernels in the plan order on the planned offsets', () => {
    const body = invokeBody(c);
    const calls = [...body.matchAll(/(mlf_\w+)\(/g)].map((x) => x[1]);
    const expected = m.plan.order.flatMap((i) => {
      const kind = model.ops[i]!.options.kind;
      const fn = { conv2d: 'mlf_conv2d_s8', depthwise_conv2d: 'mlf_depthwise_conv2d_s8', avg_pool: 'mlf_avg_pool_s8', fully_connected: 'mlf_fully_connected_s8', softmax: 'mlf_softmax_s8', reshape: null }[kind as string];
      return fn ? [fn] : [];
    });
    expect(calls).toEqual(expected);
    const offsets = new Set([...body.matchAll(/mlforge_arena\.bytes \+ (\d+)/g)].map((x) => Number(x[1])));
    const planned = new Set([...m.plan.tensors.map((t) => t.offset), ...m.plan.scratch.map((s) => s.offset)]);
    for (const o of offsets) expect(planned.has(o), `offset ${o}`).toBe(true);
    // Every conv / fc gets its planned scratch.
    for (const s of m.plan.scratch) expect(body).toContain(`(int16_t *)(void *)(mlforge_arena.bytes + ${s.offset})`);
  });

  it('prints exactly the multipliers and shifts prepare computed', () => {
    for (const op of m.prepared.ops) {
      if (op.kind !== 'conv2d' && op.kind !== 'depthwise_conv2d' && op.kind !== 'fully_connected') continue;
      expect(arrayValues(c, `op${op.index}_multiplier`)).toEqual([...op.params.multiplier]);
      expect(arrayValues(c, `op${op.index}_shift`)).toEqual([...op.params.shift]);
    }
    const conv0 = m.prepared.ops[0]!;
    if (conv0.kind !== 'conv2d') throw new Error('expected a conv2d first');
    expect(c).toContain(`static const mlf_conv_params_t op0_params = { .stride_h = 2, .stride_w = 2, .dilation_h = 1, .dilation_w = 1, .pad_h = ${conv0.params.padH}, .pad_w = ${conv0.params.padW}, .input_offset = -83, .output_offset = -128, .act_min = -128, .act_max = 127, .rounding = MLF_ROUND_DOUBLE };`);
  });

  it('embeds every weight and bias byte', () => {
    for (const op of model.ops) {
      for (const t of op.inputs.slice(1)) {
        if (t < 0 || model.ops.some((o) => o.options.kind === 'reshape' && o.inputs[1] === t)) continue;
        expect(arrayValues(c, `mlforge_const${t}`)).toEqual([...model.data.get(t)!]);
      }
    }
  });
});

describe('exportC', () => {
  it('writes into the folder it is given, with only the kernels the model uses', () => {
    const a = exportC(loadShared('kws_ref_model.tflite'), path.join(tmp, 'a'));
    const b = exportC(zooModel(), path.join(tmp, 'nested', 'b'));
    expect(a.outDir).toBe(path.join(tmp, 'a'));
    expect(readdirSync(path.join(tmp, 'a', 'kernels')).sort()).toEqual([
      'conv2d_s8.c', 'depthwise_conv2d_s8.c', 'fixedpoint.h', 'fully_connected_s8.c', 'mlf_dsp.h', 'mlforge_kernels.h',
      'pool_s8.c', 'quantize.c', 'softmax_s8.c',
    ]);
    expect(b.cModel.kernelSources).toEqual([
      'add_s8.c', 'concat_s8.c', 'conv2d_s8.c', 'depthwise_conv2d_s8.c', 'fully_connected_s8.c', 'logistic_s8.c', 'mean_s8.c',
      'pad_s8.c', 'pool_s8.c', 'quantize.c', 'softmax_s8.c', 'tanh_s8.c',
    ]);
    // Kernel sources are byte-for-byte copies of the one kernel tree.
    const src = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../native/kernels');
    for (const f of readdirSync(path.join(tmp, 'a', 'kernels'))) {
      expect(readFileSync(path.join(tmp, 'a', 'kernels', f), 'utf8')).toBe(readFileSync(path.join(src, f), 'utf8'));
    }
    const make = readFileSync(path.join(tmp, 'a', 'Makefile'), 'utf8');
    for (const f of a.cModel.kernelSources) expect(make).toContain(`kernels/${f}`);
    expect(make).toContain('-Wall -Wextra -Werror');
    const cmake = readFileSync(path.join(tmp, 'nested', 'b', 'CMakeLists.txt'), 'utf8');
    expect(cmake).toContain('add_library(mlforge_model STATIC');
    const main = readFileSync(path.join(tmp, 'nested', 'b', 'example', 'main.c'), 'utf8');
    expect(main).toContain('static const float test_input0[192]');
    expect(main).toContain('static const int8_t expected_output0[10]');
    expect(main).toContain('static const float expected_output1[12]');
  });

  it('marks in-place ops and the reshape view in model.c', () => {
    const m = resolveCModel(zooModel());
    const c = emitModelC(m);
    expect(m.plan.inPlace.length).toBeGreaterThan(0);
    expect(invokeBody(c).match(/, in place;/g)?.length).toBe(m.plan.inPlace.length);
    expect(c).toContain('/* a view of its input: no code */');
    // The float edges of the zoo use the quantize kernels; the int8 ops never touch float.
    expect(invokeBody(c)).toContain('mlf_quantize_f32_s8(((float *)(void *)(mlforge_arena.bytes');
  });
});
