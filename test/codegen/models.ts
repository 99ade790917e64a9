/**
 * Test models for codegen: the two MLPerf Tiny files from ../shared, and a
 * hand-built int8 "zoo" that uses every op kind the C generator emits
 * (quantize from float, conv2d, depthwise with multiplier 2, pad, max and
 * average pool, same-shape and broadcast add, requantize, concatenation,
 * mean, logistic, tanh, reshape, per-tensor fully connected, softmax,
 * dequantize to float) with three outputs and branches for the planner.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTflite } from '../../src/formats/tflite/index.js';
import type { ConstData, Int8Model, Op, Tensor } from '../../src/ir/int8.js';
import { rng } from '../helpers/random.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedModels = path.resolve(repoRoot, '../shared/models/mlperf-tiny');
export const loadShared = (name: string): Int8Model =>
  readTflite(new Uint8Array(readFileSync(path.join(sharedModels, name))), name);

/** Golden rows (48) of a shared model (TFLite Micro's inputs or outputs), as Int8Arrays. */
export function goldenRows(stem: string, kind: 'inputs' | 'outputs', rowBytes: number): Int8Array[] {
  const b = readFileSync(path.join(sharedModels, 'golden', `${stem}.${kind}.bin`));
  const rows: Int8Array[] = [];
  for (let o = 0; o + rowBytes <= b.length; o += rowBytes) rows.push(new Int8Array(b.buffer.slice(b.byteOffset + o, b.byteOffset + o + rowBytes)));
  return rows;
}

export const goldenInputs = (stem: string, rowBytes: number): Int8Array[] => goldenRows(stem, 'inputs', rowBytes);

export function zooModel(seed = 1): Int8Model {
  const r = rng(seed);
  const tensors: Tensor[] = [];
  const data = new Map<number, ConstData>();
  const t = (name: string, shape: number[], dtype: Tensor['dtype'], scale?: number, zp = 0, constant = false): number => {
    tensors.push({ name, shape, dtype, constant, ...(scale !== undefined ? { quant: { scale: [scale], zeroPoint: [zp] } } : {}) });
    return tensors.length - 1;
  };
  const weights = (name: string, shape: number[], scales: number[], axis: number): number => {
    const i = t(name, shape, 'int8', undefined, 0, true);
    tensors[i]!.quant = { scale: scales, zeroPoint: scales.map(() => 0), ...(scales.length > 1 ? { axis } : {}) };
    data.set(i, Int8Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.int(-127, 127)));
    return i;
  };
  const bias = (name: string, n: number): number => {
    const i = t(name, [n], 'int32', undefined, 0, true);
    data.set(i, Int32Array.from({ length: n }, () => r.int(-2000, 2000)));
    return i;
  };
  const ops: Op[] = [];
  const x = t('input', [1, 8, 8, 3], 'float32');
  const q = t('input_q', [1, 8, 8, 3], 'int8', 1 / 64, 0);
  ops.push({ inputs: [x], outputs: [q], options: { kind: 'quantize' } });
  const cw = weights('conv_w', [4, 3, 3, 3], [0.004, 0.005, 0.006, 0.007], 0);
  const c = t('conv', [1, 8, 8, 4], 'int8', 0.05, -10);
  ops.push({ inputs: [q, cw, bias('conv_b', 4)], outputs: [c], options: { kind: 'conv2d', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padding: 'same', activation: 'relu' } });
  const dw = weights('dw_w', [1, 3, 3, 8], [0.01, 0.012, 0.014, 0.016, 0.018, 0.02, 0.022, 0.024], 3);
  const d = t('dw', [1, 8, 8, 8], 'int8', 0.05, 3);
  ops.push({ inputs: [c, dw, bias('dw_b', 8)], outputs: [d], options: { kind: 'depthwise_conv2d', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, depthMultiplier: 2, padding: 'same', activation: 'relu6' } });
  const p = t('pad', [1, 10, 10, 4], 'int8', 0.05, -10);
  ops.push({ inputs: [c], outputs: [p], options: { kind: 'pad', paddings: [[0, 0], [1, 1], [1, 1], [0, 0]] } });
  const mp = t('maxpool', [1, 8, 8, 4], 'int8', 0.05, -10);
  ops.push({ inputs: [p], outputs: [mp], options: { kind: 'max_pool', filterH: 3, filterW: 3, strideH: 1, strideW: 1, padding: 'valid', activation: 'none' } });
  const a1 = t('add1', [1, 8, 8, 4], 'int8', 0.08, 0);
  ops.push({ inputs: [c, mp], outputs: [a1], options: { kind: 'add', activation: 'none' } });
  const rq = t('requant', [1, 8, 8, 8], 'int8', 0.08, 0);
  ops.push({ inputs: [d], outputs: [rq], options: { kind: 'quantize' } });
  const cat = t('concat', [1, 8, 8, 12], 'int8', 0.08, 0);
  ops.push({ inputs: [a1, rq], outputs: [cat], options: { kind: 'concatenation', axis: 3, activation: 'none' } });
  const k = t('offsets', [1, 1, 1, 12], 'int8', 0.02, 1, true);
  data.set(k, Int8Array.from({ length: 12 }, () => r.int(-100, 100)));
  const a2 = t('add2', [1, 8, 8, 12], 'int8', 0.1, -5);
  ops.push({ inputs: [cat, k], outputs: [a2], options: { kind: 'add', activation: 'relu' } });
  const ap = t('avgpool', [1, 4, 4, 12], 'int8', 0.1, -5);
  ops.push({ inputs: [a2], outputs: [ap], options: { kind: 'avg_pool', filterH: 2, filterW: 2, strideH: 2, strideW: 2, padding: 'valid', activation: 'none' } });
  const mean = t('mean', [1, 12], 'int8', 0.04, 0);
  ops.push({ inputs: [ap], outputs: [mean], options: { kind: 'mean', axes: [1, 2], keepDims: false } });
  const lg = t('logistic', [1, 12], 'int8', 1 / 256, -128);
  ops.push({ inputs: [mean], outputs: [lg], options: { kind: 'logistic' } });
  const th = t('tanh', [1, 12], 'int8', 1 / 128, 0);
  ops.push({ inputs: [mean], outputs: [th], options: { kind: 'tanh' } });
  const shape = t('flat_shape', [2], 'int32', undefined, 0, true);
  data.set(shape, Int32Array.of(1, 192));
  const flat = t('flat', [1, 192], 'int8', 0.1, -5);
  ops.push({ inputs: [ap, shape], outputs: [flat], options: { kind: 'reshape' } });
  const fw = weights('fc_w', [10, 192], [0.003], 0);
  const fc = t('fc', [1, 10], 'int8', 0.2, 5);
  ops.push({ inputs: [flat, fw, bias('fc_b', 10)], outputs: [fc], options: { kind: 'fully_connected', activation: 'none' } });
  const sm = t('softmax', [1, 10], 'int8', 1 / 256, -128);
  ops.push({ inputs: [fc], outputs: [sm], options: { kind: 'softmax', beta: 1 } });
  // Same scale and zero point in and out: TFLite Micro's integer-division path of MEAN.
  const meanSame = t('mean_same', [1, 12], 'int8', 0.1, -5);
  ops.push({ inputs: [ap], outputs: [meanSame], options: { kind: 'mean', axes: [1, 2], keepDims: false } });
  const dq = t('logistic_f', [1, 12], 'float32');
  ops.push({ inputs: [lg], outputs: [dq], options: { kind: 'dequantize' } });
  return {
    format: 'mlforge.int8', version: 1,
    meta: { name: 'zoo', labels: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] },
    tensors, ops, inputs: [x], outputs: [sm, dq, th, meanSame], data,
  };
}
