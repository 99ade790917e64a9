import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/engine/kernels/reference.js';
import { createInterpreter, nativeInt8Available } from '../../src/engine/int8/index.js';
import type { Int8Model } from '../../src/ir/int8.js';
import { Int8ModelJson } from '../../src/ir/int8.js';
import type { ModelInput } from '../../src/ir/index.js';
import {
  calibrate, dequantizeTensor, FakeQuantizer, foldBatchNorm, lowerToInt8, networkFor, planQuantization, quantizeTensor,
  type LowerOptions,
} from '../../src/quant/index.js';
import { fakeQuantWeights } from '../../src/quant/qparams.js';
import type { Dataset } from '../../src/data/dataset.js';
import { forwardAll, imageModel, randomData, randomGraph, sequenceModel } from './helpers.js';

function build(model: ModelInput, seed: number, opts: LowerOptions = {}) {
  const folded = foldBatchNorm(randomGraph(model, seed));
  const plan = planQuantization(folded.resolved);
  const data = randomData([...folded.resolved.inputShape], 64, 4, seed + 1);
  const ranges = calibrate(folded, plan, data, referenceKernels, { samples: 64 });
  return { folded, plan, data, ranges, model: lowerToInt8(folded, plan, ranges, opts) };
}

/** Dequantized int8 outputs, one row per sample. */
function runInt8(model: Int8Model, d: Dataset, backend: 'native' | 'reference'): Float32Array {
  const interp = createInterpreter(model, { backend });
  const [i, o] = [interp.inputs[0]!, interp.outputs[0]!];
  const f = i.size;
  const out = new Float32Array(d.y.length * o.size);
  for (let s = 0; s < d.y.length; s++) {
    const q = quantizeTensor(d.x.subarray(s * f, (s + 1) * f), { scale: i.scale!, zeroPoint: i.zeroPoint! });
    const y = interp.invoke([q])[0] as Int8Array;
    dequantizeTensor(y, { scale: o.scale!, zeroPoint: o.zeroPoint! }, out.subarray(s * o.size, (s + 1) * o.size));
  }
  return out;
}

/** Largest |a - b| in output steps. */
const maxSteps = (a: Float32Array, b: Float32Array, step: number) => a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k]!) / step), 0);

const backends = nativeInt8Available() ? (['native', 'reference'] as const) : (['reference'] as const);

describe('lowering to int8', () => {
  it('follows the TFLite int8 spec for weights, bias, fusions and fixed grids', () => {
    const { model, folded } = build(imageModel, 5);
    const { data: _data, ...json } = model;
    expect(Int8ModelJson.safeParse(json).success).toBe(true);
    const t = (name: string) => model.tensors.find((x) => x.name === name)!;
    const idx = (name: string) => model.tensors.findIndex((x) => x.name === name);
    const opWriting = (name: string) => model.ops.find((o) => o.outputs[0] === idx(name))!;
    // conv + BN + relu → one conv2d with a relu clamp, writing the relu's tensor.
    expect(opWriting('c1_relu').options).toMatchObject({ kind: 'conv2d', activation: 'relu' });
    expect(idx('c1')).toBe(-1);
    expect(opWriting('dw_relu6').options).toMatchObject({ kind: 'depthwise_conv2d', activation: 'relu6', depthMultiplier: 2, strideH: 2 });
    expect(opWriting('sum_relu').options).toMatchObject({ kind: 'add', activation: 'relu' });
    // pw has two readers: no fusion; its standalone relu is a 1×1 max pool with the clamp.
    expect(opWriting('pw').options).toMatchObject({ kind: 'conv2d', activation: 'none' });
    expect(opWriting('pw_relu').options).toMatchObject({ kind: 'max_pool', filterH: 1, activation: 'relu' });
    expect(opWriting('gap').options).toEqual({ kind: 'mean', axes: [1, 2], keepDims: false });
    expect(opWriting('flat').options).toEqual({ kind: 'reshape' });
    expect(model.tensors.some((x) => x.name === 'drop' || x.name.startsWith('fc_bn'))).toBe(false);
    // Pools and reshape keep their input's quantization.
    expect(t('mp').quant).toEqual(t('sum3').quant);
    expect(t('ap').quant).toEqual(t('mp').quant);
    expect(t('flat').quant).toEqual(t('ap').quant);
    expect(t('flat').shape).toEqual([1, 48]);
    // Relu outputs start at the bottom of the grid; every grid holds 0 exactly.
    expect(t('c1_relu').quant!.zeroPoint).toEqual([-128]);
    for (const x of model.tensors.filter((x) => x.dtype === 'int8' && !x.constant)) {
      const [s, z] = [x.quant!.scale[0]!, x.quant!.zeroPoint[0]!];
      expect(Number.isInteger(z) && z >= -128 && z <= 127 && s > 0).toBe(true);
    }
    // Weights: per output channel, symmetric, [-127, 127]; bias int32 at s_in·s_w.
    for (const [i, x] of model.tensors.entries()) {
      if (!x.constant) continue;
      const d = model.data.get(i)!;
      if (x.dtype === 'int8') {
        expect(Math.min(...d)).toBeGreaterThanOrEqual(-127);
        expect(x.quant!.zeroPoint.every((z) => z === 0)).toBe(true);
        expect(x.quant!.scale.length).toBe(x.shape[x.quant!.axis!]);
        // Each channel uses its full range: some weight is ±127.
        const ch = x.quant!.scale.length;
        const maxAbs = new Array<number>(ch).fill(0);
        d.forEach((v, k) => {
          const c = x.quant!.axis === 0 ? Math.floor(k / (d.length / ch)) : k % ch;
          maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(v));
        });
        expect(maxAbs).toEqual(new Array<number>(ch).fill(127));
      }
    }
    const conv = opWriting('c1_relu');
    const [sIn, w, b] = [model.tensors[conv.inputs[0]!]!, model.tensors[conv.inputs[1]!]!, model.tensors[conv.inputs[2]!]!];
    expect(w.shape).toEqual([6, 3, 3, 2]);
    expect(b.dtype).toBe('int32');
    b.quant!.scale.forEach((s, c) => expect(s).toBe(Math.fround(sIn.quant!.scale[0]! * w.quant!.scale[c]!)));
    const bq = model.data.get(conv.inputs[2]!)!;
    folded.weights.get('c1/bias')!.forEach((v, c) => expect(bq[c]).toBe(Math.round(v / b.quant!.scale[c]!)));
    expect(model.tensors[model.outputs[0]!]!.name).toBe('fc');
  });

  it('gives the softmax output the fixed grid 1/256, -128 and lowers conv1d as conv2d', () => {
    const { model } = build(sequenceModel, 9);
    const out = model.tensors[model.outputs[0]!]!;
    expect(out.quant).toEqual({ scale: [1 / 256], zeroPoint: [-128] });
    expect(model.tensors[model.inputs[0]!]!.shape).toEqual([1, 1, 16, 3]);
    const c2 = model.ops.find((o) => model.tensors[o.outputs[0]!]!.name === 'c2_relu6')!;
    expect(c2.options).toMatchObject({ kind: 'conv2d', strideH: 1, strideW: 2, padding: 'valid', activation: 'relu6' });
    expect(model.tensors[c2.inputs[1]!]!.shape).toEqual([8, 1, 3, 8]);
    // dense → dropout → relu still fuses.
    expect(model.ops.find((o) => model.tensors[o.outputs[0]!]!.name === 'fc1_relu')!.options).toEqual({ kind: 'fully_connected', activation: 'relu' });
  });

  it('can give dense layers one weight scale per tensor', () => {
    const { folded, data, model } = build(sequenceModel, 13, { perChannelDense: false });
    const fc = model.tensors.find((t) => t.name === 'fc1/weights')!;
    expect(fc.quant).toEqual({ scale: [fc.quant!.scale[0]], zeroPoint: [0] });
    expect(model.tensors.find((t) => t.name === 'fc1/bias')!.quant!.scale).toHaveLength(1);
    expect(model.tensors.find((t) => t.name === 'c1/weights')!.quant!.scale).toHaveLength(8);
    const float = forwardAll(networkFor(folded, referenceKernels, 16), data);
    expect(maxSteps(runInt8(model, data, 'reference'), float, 1 / 256)).toBeLessThan(6);
  });

  for (const backend of backends) {
    it(`int8 outputs track the float outputs within a few quantization steps (${backend})`, () => {
      for (const [m, seed] of [[imageModel, 11], [sequenceModel, 12]] as const) {
        const { folded, data, model } = build(m, seed);
        const float = forwardAll(networkFor(folded, referenceKernels, 16), data);
        const int8 = runInt8(model, data, backend);
        const o = model.tensors[model.outputs[0]!]!.quant!;
        const steps = maxSteps(int8, float, o.scale[0]!);
        expect(steps, `${m.name}: max |int8 - float| = ${steps.toFixed(2)} output steps`).toBeLessThan(6);
      }
    });
  }

  // Each layer may round to the neighbouring grid point (integer vs float accumulation near a tie), so
  // differences grow by about one step per layer; the simulation must still be closer than plain float.
  it('the fake-quantized float network (QAT\'s simulation) tracks the int8 interpreter closer than float does', () => {
    const { folded, plan, data, ranges, model } = build(imageModel, 21);
    const net = networkFor(folded, referenceKernels, 16);
    for (const p of net.params) if (p.name.endsWith('/kernel')) fakeQuantWeights(p.data, p.shape.at(-1)!, p.data);
    const fq = new FakeQuantizer(net, plan, ranges, 0.99);
    const f = data.x.length / data.y.length;
    const sim = new Float32Array(data.y.length * net.outputSize);
    for (let s = 0; s < data.y.length; s += 16) {
      const x = data.x.slice(s * f, (s + 16) * f);
      fq.input(x, false);
      net.setInput(x, 16);
      sim.set(net.forward(false), s * net.outputSize);
    }
    const int8 = runInt8(model, data, 'reference');
    const step = model.tensors[model.outputs[0]!]!.quant!.scale[0]!;
    const float = forwardAll(networkFor(folded, referenceKernels, 16), data);
    const meanSteps = (a: Float32Array, b: Float32Array) => a.reduce((m, v, k) => m + Math.abs(v - b[k]!) / step, 0) / a.length;
    expect(maxSteps(int8, sim, step)).toBeLessThan(4.5);
    expect(meanSteps(int8, sim)).toBeLessThan(meanSteps(int8, float));
  });
});
