/**
 * The calibration set: single-op int8 models with seeded random weights, every
 * op variant over a spread of shapes (DS-CNN, ResNet-8 and MobileNet layers among
 * them), whose instruction counts on QEMU fit the cost model (calibration.ts).
 */
import type { ConstData, DType, Int8Model, Op, OpOptions, Tensor } from '../ir/int8.js';
import { windowOut } from '../ir/shapes.js';

/** mulberry32: the same seed gives the same weights everywhere. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pad = 'same' | 'valid';

/** Builds a one-op int8 model. */
export class OneOp {
  readonly tensors: Tensor[] = [];
  readonly data = new Map<number, ConstData>();
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  private add(name: string, shape: number[], dtype: DType, quant?: Tensor['quant'], data?: ConstData): number {
    this.tensors.push({ name, shape, dtype, constant: data !== undefined, ...(quant ? { quant } : {}) });
    if (data) this.data.set(this.tensors.length - 1, data);
    return this.tensors.length - 1;
  }
  act(name: string, shape: number[], scale = 0.05, zp = -3): number {
    return this.add(name, shape, 'int8', { scale: [scale], zeroPoint: [zp] });
  }
  f32(name: string, shape: number[]): number {
    return this.add(name, shape, 'float32');
  }
  weights(shape: number[], channels: number, axis: number): number {
    const scales = Array.from({ length: channels }, () => 0.002 + 0.008 * this.next());
    const n = shape.reduce((a, b) => a * b, 1);
    return this.add('weights', shape, 'int8', { scale: scales, zeroPoint: scales.map(() => 0), axis }, Int8Array.from({ length: n }, () => this.int(-127, 127)));
  }
  bias(n: number): number {
    return this.add('bias', [n], 'int32', { scale: [1e-4], zeroPoint: [0] }, Int32Array.from({ length: n }, () => this.int(-2000, 2000)));
  }
  model(name: string, inputs: number[], output: number, options: OpOptions): Int8Model {
    const op: Op = { inputs: inputs, outputs: [output], options };
    const graphInputs = inputs.filter((t) => t >= 0 && !this.tensors[t]!.constant);
    return { format: 'mlforge.int8', version: 1, meta: { name }, tensors: this.tensors, ops: [op], inputs: graphInputs, outputs: [output], data: this.data };
  }
}

export interface CalibrationCase {
  readonly name: string;
  readonly model: Int8Model;
}

let seed = 1;
const conv = (h: number, w: number, cin: number, cout: number, kh: number, kw: number, s: number, padding: Pad): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', [1, h, w, cin]);
  const wt = b.weights([cout, kh, kw, cin], cout, 0);
  const bias = b.bias(cout);
  // Quantized as MLForge quantizes a ReLU output (zero point -128): the clamp is the whole int8 range, as in real models.
  const y = b.act('y', [1, windowOut(h, kh, s, padding), windowOut(w, kw, s, padding), cout], 0.1, -128);
  const name = `conv2d ${h}x${w}x${cin}->${cout} k${kh}x${kw} s${s} ${padding}`;
  return { name, model: b.model(name, [x, wt, bias], y, { kind: 'conv2d', strideH: s, strideW: s, dilationH: 1, dilationW: 1, padding, activation: 'relu' }) };
};
const dw = (h: number, w: number, c: number, kh: number, kw: number, s: number, padding: Pad, mult = 1): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', [1, h, w, c]);
  const wt = b.weights([1, kh, kw, c * mult], c * mult, 3);
  const bias = b.bias(c * mult);
  const y = b.act('y', [1, windowOut(h, kh, s, padding), windowOut(w, kw, s, padding), c * mult], 6 / 255, -128);
  const name = `depthwise_conv2d ${h}x${w}x${c} k${kh}x${kw} s${s} ${padding} m${mult}`;
  return { name, model: b.model(name, [x, wt, bias], y, { kind: 'depthwise_conv2d', strideH: s, strideW: s, dilationH: 1, dilationW: 1, depthMultiplier: mult, padding, activation: 'relu6' }) };
};
const fc = (n: number, out: number): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', [1, n]);
  const wt = b.weights([out, n], out, 0);
  const y = b.act('y', [1, out], 0.1, 2);
  const name = `fully_connected ${n}->${out}`;
  return { name, model: b.model(name, [x, wt, b.bias(out)], y, { kind: 'fully_connected', activation: 'none' }) };
};
const add = (shape: number[], shape2 = shape): CalibrationCase => {
  const b = new OneOp(seed++);
  const x1 = b.act('x1', shape, 0.05, -3);
  const x2 = b.act('x2', shape2, 0.07, 4);
  const y = b.act('y', shape, 0.1, 1);
  const name = `add [${shape}]+[${shape2}]`;
  return { name, model: b.model(name, [x1, x2], y, { kind: 'add', activation: 'relu' }) };
};
const pool = (kind: 'avg_pool' | 'max_pool', h: number, w: number, c: number, fh: number, fw: number, s: number, padding: Pad): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', [1, h, w, c]);
  const y = b.act('y', [1, windowOut(h, fh, s, padding), windowOut(w, fw, s, padding), c]);
  const name = `${kind} ${h}x${w}x${c} f${fh}x${fw} s${s} ${padding}`;
  return { name, model: b.model(name, [x], y, { kind, filterH: fh, filterW: fw, strideH: s, strideW: s, padding, activation: 'none' }) };
};
const mean = (h: number, w: number, c: number): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', [1, h, w, c]);
  const y = b.act('y', [1, c], 0.03, 1);
  const name = `mean ${h}x${w}x${c}`;
  return { name, model: b.model(name, [x], y, { kind: 'mean', axes: [1, 2], keepDims: false }) };
};
const softmax = (shape: number[]): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', shape, 0.1, 0);
  const y = b.act('y', shape, 1 / 256, -128);
  const name = `softmax [${shape}]`;
  return { name, model: b.model(name, [x], y, { kind: 'softmax', beta: 1 }) };
};
const pad = (shape: number[], paddings: [number, number][]): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = b.act('x', shape);
  const y = b.act('y', shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]));
  const name = `pad [${shape}] ${JSON.stringify(paddings)}`;
  return { name, model: b.model(name, [x], y, { kind: 'pad', paddings }) };
};
const concat = (shapes: number[][], axis: number): CalibrationCase => {
  const b = new OneOp(seed++);
  const xs = shapes.map((s, i) => b.act(`x${i}`, s));
  const out = shapes[0]!.map((d, i) => (i === axis ? shapes.reduce((a, s) => a + s[i]!, 0) : d));
  const y = b.act('y', out);
  const name = `concatenation ${shapes.map((s) => `[${s}]`).join('+')} axis ${axis}`;
  return { name, model: b.model(name, xs, y, { kind: 'concatenation', axis, activation: 'none' }) };
};
const unary = (kind: 'quantize' | 'dequantize' | 'requantize' | 'logistic' | 'tanh', n: number): CalibrationCase => {
  const b = new OneOp(seed++);
  const x = kind === 'quantize' ? b.f32('x', [1, n]) : b.act('x', [1, n], 0.05, -3);
  const y = kind === 'dequantize' ? b.f32('y', [1, n])
    : kind === 'logistic' ? b.act('y', [1, n], 1 / 256, -128)
    : kind === 'tanh' ? b.act('y', [1, n], 1 / 128, 0)
    : b.act('y', [1, n], 0.08, 5);
  const name = `${kind} ${n}`;
  const options: OpOptions = kind === 'requantize' ? { kind: 'quantize' } : { kind } as OpOptions;
  return { name, model: b.model(name, [x], y, options) };
};

/** The calibration set: every op variant over a spread of sizes (DS-CNN, ResNet-8 and MobileNet layers among them). */
export function calibrationCases(): CalibrationCase[] {
  seed = 1;
  return [
    conv(8, 8, 1, 8, 3, 3, 1, 'same'), conv(16, 16, 3, 16, 3, 3, 1, 'same'), conv(49, 10, 1, 16, 10, 4, 2, 'same'),
    conv(8, 8, 8, 16, 3, 3, 1, 'valid'), conv(8, 8, 16, 16, 3, 3, 2, 'same'), conv(6, 6, 32, 32, 3, 3, 1, 'same'),
    conv(4, 4, 64, 64, 3, 3, 1, 'same'), conv(10, 10, 5, 7, 5, 5, 1, 'same'), conv(12, 12, 3, 24, 3, 3, 2, 'valid'),
    conv(32, 32, 3, 8, 3, 3, 1, 'same'), conv(16, 16, 16, 16, 3, 3, 1, 'same'), conv(1, 32, 6, 12, 1, 5, 1, 'same'),
    conv(8, 8, 8, 16, 1, 1, 1, 'valid'), conv(16, 16, 16, 32, 1, 1, 1, 'valid'), conv(4, 4, 64, 64, 1, 1, 1, 'valid'),
    conv(25, 5, 64, 64, 1, 1, 1, 'same'), conv(8, 8, 3, 8, 1, 1, 1, 'same'), conv(6, 6, 30, 10, 1, 1, 1, 'valid'),
    conv(16, 16, 16, 16, 1, 1, 2, 'same'), conv(2, 2, 128, 32, 1, 1, 1, 'valid'),
    conv(4, 4, 2, 4, 3, 3, 1, 'same'), conv(3, 3, 1, 2, 3, 3, 1, 'valid'), conv(5, 5, 3, 6, 3, 3, 2, 'same'), conv(2, 2, 4, 4, 1, 1, 1, 'valid'),
    conv(7, 7, 4, 3, 7, 7, 1, 'same'),
    dw(25, 5, 64, 3, 3, 1, 'same'), dw(8, 8, 16, 3, 3, 1, 'same'), dw(16, 16, 8, 3, 3, 2, 'same'), dw(12, 12, 32, 3, 3, 1, 'valid'),
    dw(6, 6, 64, 3, 3, 2, 'same'), dw(4, 4, 128, 3, 3, 1, 'same'), dw(10, 10, 3, 3, 3, 1, 'same'), dw(32, 32, 4, 3, 3, 1, 'same'),
    dw(10, 10, 16, 5, 5, 1, 'same'), dw(8, 8, 8, 3, 3, 1, 'same', 2), dw(1, 32, 16, 1, 7, 1, 'same'), dw(15, 15, 8, 5, 5, 2, 'valid'),
    dw(12, 12, 4, 3, 3, 1, 'valid', 3), dw(6, 6, 32, 5, 5, 1, 'same'), dw(3, 3, 2, 3, 3, 1, 'valid'), dw(4, 4, 8, 3, 3, 1, 'same'),
    dw(5, 5, 2, 5, 5, 1, 'valid'), dw(6, 6, 8, 5, 5, 1, 'same', 2), dw(10, 10, 4, 3, 3, 2, 'same', 2), dw(4, 4, 16, 1, 1, 1, 'valid', 4),
    fc(64, 10), fc(256, 64), fc(640, 128), fc(128, 128), fc(1000, 12), fc(30, 7), fc(3, 16), fc(512, 256), fc(2048, 32), fc(8, 640), fc(8, 2),
    add([1, 64]), add([1, 1024]), add([1, 16, 16, 32]), add([1, 300]),
    add([1, 8, 8, 12], [1, 1, 1, 12]), add([1, 4, 4, 32], [1, 1, 1, 32]), add([1, 10, 10, 8], [1, 1, 1, 8]), add([1, 2, 30, 4], [1, 2, 30, 1]),
    pool('avg_pool', 25, 5, 64, 25, 5, 1, 'valid'), pool('avg_pool', 8, 8, 64, 8, 8, 1, 'valid'), pool('avg_pool', 16, 16, 8, 2, 2, 2, 'valid'),
    pool('avg_pool', 8, 8, 16, 3, 3, 1, 'same'), pool('avg_pool', 32, 32, 3, 2, 2, 2, 'valid'), pool('avg_pool', 6, 6, 12, 3, 3, 3, 'valid'),
    pool('max_pool', 28, 28, 16, 2, 2, 2, 'valid'), pool('max_pool', 14, 14, 32, 2, 2, 2, 'valid'), pool('max_pool', 8, 8, 8, 3, 3, 1, 'same'),
    pool('max_pool', 4, 4, 64, 1, 1, 1, 'valid'), pool('max_pool', 9, 9, 6, 3, 3, 2, 'same'),
    mean(8, 8, 64), mean(4, 4, 128), mean(16, 16, 16), mean(2, 2, 8),
    softmax([1, 2]), softmax([1, 10]), softmax([1, 100]), softmax([1, 1000]), softmax([1, 4, 16]),
    pad([1, 8, 8, 16], [[0, 0], [1, 1], [1, 1], [0, 0]]), pad([1, 32, 32, 3], [[0, 0], [1, 1], [1, 1], [0, 0]]),
    pad([1, 4, 4, 64], [[0, 0], [0, 1], [0, 1], [0, 0]]), pad([1, 100], [[0, 0], [3, 5]]),
    concat([[1, 8, 8, 8], [1, 8, 8, 8]], 3), concat([[1, 4, 4, 32], [1, 4, 4, 32], [1, 4, 4, 32]], 3), concat([[1, 64], [1, 64]], 1),
    concat([[1, 16, 16, 16], [1, 16, 16, 16]], 1), concat([[1, 10, 10, 2], [1, 10, 10, 3]], 3),
    unary('quantize', 64), unary('quantize', 1024), unary('quantize', 4096),
    unary('dequantize', 10), unary('dequantize', 640), unary('dequantize', 4096),
    unary('requantize', 64), unary('requantize', 1024), unary('requantize', 8192),
    unary('logistic', 64), unary('logistic', 1024), unary('logistic', 4096),
    unary('tanh', 64), unary('tanh', 1024), unary('tanh', 4096),
  ];
}
