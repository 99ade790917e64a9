/**
 * The interpreter end to end on small hand-built graphs that use every op kind:
 * prepare's parameters, native and reference backends byte-identical, and the
 * errors for unsupported or inconsistent models.
 */
import { describe, expect, it } from 'vitest';
import { createInterpreter, prepare, type TensorData } from '../../../src/engine/int8/index.js';
import { isMlforgeError } from '../../../src/errors.js';
import type { ConstData, Int8Model, OpOptions, Tensor } from '../../../src/ir/int8.js';
import { rng, type Rng } from '../../helpers/random.js';
import { randomInt8, randomScale, randomZeroPoint } from './helpers.js';

/** Builds an Int8Model tensor by tensor. */
class Graph {
  readonly tensors: Tensor[] = [];
  readonly data = new Map<number, ConstData>();
  readonly ops: Int8Model['ops'] = [];

  constructor(private readonly r: Rng) {}

  act(shape: number[], scale = randomScale(this.r), zeroPoint = randomZeroPoint(this.r)): number {
    this.tensors.push({ name: `t${this.tensors.length}`, shape, dtype: 'int8', quant: { scale: [scale], zeroPoint: [zeroPoint] }, constant: false });
    return this.tensors.length - 1;
  }

  float(shape: number[]): number {
    this.tensors.push({ name: `t${this.tensors.length}`, shape, dtype: 'float32', constant: false });
    return this.tensors.length - 1;
  }

  weights(shape: number[], channels: number, axis: number): number {
    const n = shape.reduce((a, b) => a * b, 1);
    const w = new Int8Array(n);
    for (let i = 0; i < n; i++) w[i] = this.r.int(-127, 127);
    const scale = Array.from({ length: channels }, () => Math.fround(this.r.uniform(0.002, 0.05)));
    this.tensors.push({ name: `w${this.tensors.length}`, shape, dtype: 'int8', quant: { scale, zeroPoint: scale.map(() => 0), axis }, constant: true });
    this.data.set(this.tensors.length - 1, w);
    return this.tensors.length - 1;
  }

  bias(n: number): number {
    this.tensors.push({ name: `b${this.tensors.length}`, shape: [n], dtype: 'int32', constant: true });
    this.data.set(this.tensors.length - 1, Int32Array.from({ length: n }, () => this.r.int(-3000, 3000)));
    return this.tensors.length - 1;
  }

  op(options: OpOptions, inputs: number[], output: number): number {
    this.ops.push({ inputs, outputs: [output], options });
    return output;
  }

  model(inputs: number[], outputs: number[]): Int8Model {
    return { format: 'mlforge.int8', version: 1, meta: { name: 'test' }, tensors: this.tensors, ops: this.ops, inputs, outputs, data: this.data };
  }
}

/** float → quantize → conv → depthwise → add (skip) → avg pool → reshape → fc → softmax, and a side branch. */
function buildGraph(seed: number): { model: Int8Model; input: Float32Array } {
  const r = rng(seed);
  const g = new Graph(r);
  const xf = g.float([1, 8, 8, 3]);
  const x = g.op({ kind: 'quantize' }, [xf], g.act([1, 8, 8, 3], 0.02, r.int(-10, 10)));
  const c1 = g.op({ kind: 'conv2d', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padding: 'same', activation: 'relu' },
    [x, g.weights([6, 3, 3, 3], 6, 0), g.bias(6)], g.act([1, 8, 8, 6], 0.05, -128));
  const d1 = g.op({ kind: 'depthwise_conv2d', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, depthMultiplier: 1, padding: 'same', activation: 'relu6' },
    [c1, g.weights([1, 3, 3, 6], 6, 3), g.bias(6)], g.act([1, 8, 8, 6], 0.03, -128));
  const s1 = g.op({ kind: 'add', activation: 'none' }, [c1, d1], g.act([1, 8, 8, 6], 0.08, r.int(-20, 20)));
  const m1 = g.op({ kind: 'max_pool', filterH: 2, filterW: 2, strideH: 2, strideW: 2, padding: 'valid', activation: 'none' },
    [s1], g.act([1, 4, 4, 6], 0.08, g.tensors[s1].quant!.zeroPoint[0]));
  const p1 = g.op({ kind: 'pad', paddings: [[0, 0], [1, 1], [1, 1], [0, 0]] }, [m1], g.act([1, 6, 6, 6], 0.08, g.tensors[s1].quant!.zeroPoint[0]));
  const c2 = g.op({ kind: 'conv2d', strideH: 2, strideW: 2, dilationH: 1, dilationW: 1, padding: 'valid', activation: 'none' },
    [p1, g.weights([4, 1, 1, 6], 4, 0), -1], g.act([1, 3, 3, 4], 0.06, r.int(-5, 5)));
  const cat = g.op({ kind: 'concatenation', axis: -1, activation: 'none' }, [c2, c2], g.act([1, 3, 3, 8], 0.06, g.tensors[c2].quant!.zeroPoint[0]));
  const ap = g.op({ kind: 'avg_pool', filterH: 3, filterW: 3, strideH: 1, strideW: 1, padding: 'same', activation: 'none' },
    [cat], g.act([1, 3, 3, 8], 0.06, g.tensors[c2].quant!.zeroPoint[0]));
  const mean = g.op({ kind: 'mean', axes: [1, 2], keepDims: false }, [ap], g.act([1, 8], 0.04, r.int(-5, 5)));
  const flat = g.op({ kind: 'reshape' }, [ap], g.act([1, 72], 0.06, g.tensors[c2].quant!.zeroPoint[0]));
  const fc = g.op({ kind: 'fully_connected', activation: 'none' }, [flat, g.weights([5, 72], 1, 0), g.bias(5)], g.act([1, 5], 0.2, r.int(-10, 10)));
  const sm = g.op({ kind: 'softmax', beta: 1 }, [fc], g.act([1, 5], 1 / 256, -128));
  const lg = g.op({ kind: 'logistic' }, [mean], g.act([1, 8], 1 / 256, -128));
  const th = g.op({ kind: 'tanh' }, [mean], g.act([1, 8], 1 / 128, 0));
  const rq = g.op({ kind: 'quantize' }, [th], g.act([1, 8], 0.01, 3));
  const out = g.op({ kind: 'dequantize' }, [lg], g.float([1, 8]));
  const input = Float32Array.from({ length: 192 }, () => r.uniform(-2, 2));
  return { model: g.model([xf], [sm, out, rq]), input };
}

const sameBytes = (a: TensorData[], b: TensorData[]): boolean =>
  a.length === b.length && a.every((x, k) => x.length === b[k].length && x.every((v, i) => Object.is(v, b[k][i])));

describe('int8 interpreter', () => {
  it('runs every op kind identically on the native (host, emulated DSP) and reference backends', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { model, input } = buildGraph(seed);
      for (const rounding of ['double', 'single'] as const) {
        const ref = createInterpreter(model, { backend: 'reference', rounding }).invoke([input]);
        const nat = createInterpreter(model, { backend: 'native', rounding }).invoke([input]);
        const dsp = createInterpreter(model, { backend: 'native', nativeVariant: 'emulated-dsp', rounding }).invoke([input]);
        expect(sameBytes(nat, ref), `seed ${seed}, ${rounding}`).toBe(true);
        expect(sameBytes(dsp, ref), `seed ${seed}, ${rounding} (DSP)`).toBe(true);
        expect(ref.map((t) => t.constructor.name)).toEqual(['Int8Array', 'Float32Array', 'Int8Array']);
        // Softmax outputs are probabilities in 1/256: they sum to about 256.
        const total = Array.from(ref[0]).reduce((a, v) => a + v + 128, 0);
        expect(Math.abs(total - 256)).toBeLessThanOrEqual(5);
      }
    }
  });

  it('reuses its buffers across invocations and returns copies', () => {
    const { model, input } = buildGraph(7);
    const interp = createInterpreter(model, { backend: 'native' });
    const a = interp.invoke([input]);
    const b = interp.invoke([input]);
    expect(sameBytes(a, b)).toBe(true);
    expect(a[0]).not.toBe(b[0]);
  });

  it('describes inputs and outputs', () => {
    const { model } = buildGraph(3);
    const interp = createInterpreter(model, { backend: 'reference' });
    expect(interp.inputs).toEqual([expect.objectContaining({ dtype: 'float32', shape: [1, 8, 8, 3], size: 192 })]);
    expect(interp.outputs.map((t) => t.dtype)).toEqual(['int8', 'float32', 'int8']);
    expect(interp.outputs[0]).toMatchObject({ scale: 1 / 256, zeroPoint: -128 });
  });

  const errorOf = (fn: () => unknown): { code?: string; message: string } => {
    try {
      fn();
    } catch (e) {
      if (isMlforgeError(e)) return { code: e.code, message: e.message };
      throw e;
    }
    throw new Error('expected an error');
  };

  it('rejects unsupported parameters with UNSUPPORTED naming the op index and kind', () => {
    const r = rng(1);
    const g = new Graph(r);
    const x = g.act([1, 4]);
    const y = g.op({ kind: 'softmax', beta: 1 }, [x], g.act([1, 4], 0.1, 0));
    const e = errorOf(() => prepare(g.model([x], [y])));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/^op #0 \(softmax\): expected output scale 1\/256/);

    const g2 = new Graph(r);
    const a = g2.act([1, 2, 2, 1]);
    const w = g2.weights([1, 1, 1, 1], 1, 0);
    g2.tensors[w].quant!.zeroPoint = [3];
    const o = g2.op({ kind: 'conv2d', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padding: 'valid', activation: 'none' }, [a, w, -1], g2.act([1, 2, 2, 1]));
    const e2 = errorOf(() => prepare(g2.model([a], [o])));
    expect(e2).toMatchObject({ code: 'UNSUPPORTED' });
    expect(e2.message).toMatch(/^op #0 \(conv2d\): expected symmetric weights/);
  });

  it('rejects shapes that do not connect with BAD_SHAPE', () => {
    const g = new Graph(rng(2));
    const x = g.act([1, 5, 5, 2]);
    const y = g.op({ kind: 'max_pool', filterH: 2, filterW: 2, strideH: 2, strideW: 2, padding: 'valid', activation: 'none' }, [x], g.act([1, 3, 3, 2]));
    g.tensors[y].quant = g.tensors[x].quant;
    const e = errorOf(() => prepare(g.model([x], [y])));
    expect(e.code).toBe('BAD_SHAPE');
    expect(e.message).toContain('op #0 (max_pool): expected [1, 2, 2, 2]');
  });

  it('rejects bad quantization parameters and wrong inputs with BAD_INPUT', () => {
    const g = new Graph(rng(3));
    const x = g.act([1, 4]);
    const y = g.op({ kind: 'logistic' }, [x], g.act([1, 4], 1 / 256, -128));
    g.tensors[x].quant!.zeroPoint = [200];
    expect(errorOf(() => prepare(g.model([x], [y])))).toMatchObject({ code: 'BAD_INPUT' });
    g.tensors[x].quant!.zeroPoint = [0];
    const interp = createInterpreter(g.model([x], [y]), { backend: 'reference' });
    expect(errorOf(() => interp.invoke([new Int8Array(3)]))).toMatchObject({ code: 'BAD_INPUT' });
    expect(errorOf(() => interp.invoke([new Float32Array(4)]))).toMatchObject({ code: 'BAD_INPUT' });
    expect(Array.from(interp.invoke([randomInt8(rng(4), 4)])[0]).every((v) => v >= -128 && v <= 127)).toBe(true);
  });
});
