/**
 * Quantization-aware fine-tuning of a batch-norm-folded float graph.
 *
 * - Weights: the float "shadow" weights are the trained state. Before every
 *   forward the network's kernels get quantize-dequantize(shadow) with the
 *   lowering's per-channel grid; the gradient computed through those
 *   quantized weights is applied to the shadows (straight-through estimator).
 * - Activations: through `network.hooks`, every value the plan makes an int8
 *   tensor is fake-quantized in place after its layer runs, with the lowering's
 *   grid. Ranges of observed values start from calibration and follow an
 *   exponential moving average of each batch's min/max while training; the
 *   gradient is zero where the float value fell outside the representable
 *   range (the clamp), and passes unchanged elsewhere.
 *
 * The result (shadow weights + final ranges) lowers exactly like a PTQ model.
 * Not here: the BN fold (fold.ts), or lowering (lower.ts).
 */
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import { Batcher } from '../data/batches.js';
import { sampleSize, type Dataset } from '../data/dataset.js';
import type { Network } from '../engine/network.js';
import type { F32, TrainKernels } from '../engine/kernels/types.js';
import { MODEL_INPUT } from '../ir/shapes.js';
import { Rng } from '../util/random.js';
import { networkFor, type FloatGraph } from './graph.js';
import { SOFTMAX_QUANT, type QuantPlan } from './plan.js';
import { activationQuant, fakeQuantInPlace, fakeQuantWeights, representable, type ActQuant, type Range } from './qparams.js';

export const QatOptions = z.object({
  epochs: z.number().int().positive().default(2),
  /** Peak learning rate (Adam, cosine decay to 1% of it). */
  lr: z.number().positive().default(1e-4),
  batch: z.number().int().positive().default(32),
  seed: z.number().int().nonnegative().default(0),
  /** Keep factor of the activation-range moving average. */
  emaDecay: z.number().min(0).lt(1).default(0.99),
  /** Random translation of image inputs, in pixels (0 = off). */
  augmentShift: z.number().int().min(0).default(0),
}).strict();
export type QatOptions = z.infer<typeof QatOptions>;
export type QatOptionsInput = z.input<typeof QatOptions>;

export interface QatEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly trainAccuracy?: number;
  /** Accuracy of the fake-quantized network on the validation data. */
  readonly valAccuracy?: number;
}

export type QatEvent = { kind: 'step'; epoch: number; step: number; steps: number; loss: number } | ({ kind: 'epoch'; epochs: number } & QatEpoch);

export interface QatResult {
  /** The fine-tuned float weights (shadows), still BN-free. */
  readonly graph: FloatGraph;
  /** Final ranges of the observed values (input included). */
  readonly ranges: Map<number, Range>;
  readonly history: readonly QatEpoch[];
}

/**
 * Fake quantization of a network's int8 values through its hooks. `training`
 * forwards update the moving ranges and record the clamp masks that
 * `beforeBackward` applies.
 */
export class FakeQuantizer {
  readonly ranges: Map<number, Range>;
  private readonly masks = new Map<number, Uint8Array>();
  private readonly maxBatch: number;

  constructor(private readonly net: Network, private readonly plan: QuantPlan, ranges: ReadonlyMap<number, Range>, private readonly emaDecay: number) {
    this.ranges = new Map(ranges);
    this.maxBatch = net.maxBatch;
    net.hooks = {
      afterForward: (layer, y, training) => this.afterForward(layer, y, training),
      beforeBackward: (layer, dy) => this.applyMask(layer, dy),
    };
  }

  /** The current grid of a value (follows inherited quantization to its source). */
  quantOf(v: number): ActQuant {
    const src = this.plan.quantOf.get(v);
    if (!src) throw new MlforgeError('INTERNAL', `value ${v} is not an int8 tensor`);
    if (src.kind === 'softmax') return SOFTMAX_QUANT;
    if (src.kind === 'inherit') return this.quantOf(src.from);
    return activationQuant(this.ranges.get(v)!);
  }

  /** Fake-quantizes a model input batch in place (and tracks its range when training). */
  input(x: F32, training: boolean): void {
    this.fakeQuant(MODEL_INPUT, x, training);
  }

  private afterForward(layer: number, y: F32, training: boolean): void {
    // Values are layer indices; a layer whose output is fused away or aliased is not one.
    if (this.plan.valueOf[layer] !== layer || !this.plan.quantOf.has(layer)) return;
    if (this.plan.quantOf.get(layer)!.kind === 'inherit' && this.isAlias(layer)) return;
    this.fakeQuant(layer, y, training);
  }

  /** Reshape/flatten share their input's buffer and grid: nothing to do. */
  private isAlias(layer: number): boolean {
    const t = this.plan.resolved.layers[layer]!.layer.type;
    return t === 'flatten' || t === 'reshape';
  }

  private fakeQuant(v: number, y: F32, training: boolean): void {
    if (training && this.plan.quantOf.get(v)!.kind === 'observed') this.track(v, y);
    const q = this.quantOf(v);
    if (training && v !== MODEL_INPUT) {
      let mask = this.masks.get(v);
      if (!mask || mask.length < y.length) this.masks.set(v, (mask = new Uint8Array((y.length / this.net.batch) * this.maxBatch)));
      const { min, max } = representable(q);
      for (let i = 0; i < y.length; i++) mask[i] = y[i]! < min || y[i]! > max ? 1 : 0;
    }
    fakeQuantInPlace(y, q);
  }

  private track(v: number, y: F32): void {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < y.length; i++) {
      const x = y[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    const r = this.ranges.get(v);
    const a = this.emaDecay;
    this.ranges.set(v, r ? { min: a * r.min + (1 - a) * lo, max: a * r.max + (1 - a) * hi } : { min: lo, max: hi });
  }

  private applyMask(layer: number, dy: F32): void {
    const mask = this.masks.get(layer);
    if (!mask) return;
    for (let i = 0; i < dy.length; i++) if (mask[i]) dy[i] = 0;
  }
}

/** Kernel parameters and their output-channel counts (last axis of every float layout). */
const kernelsOf = (net: Network) => net.params.filter((p) => p.name.endsWith('/kernel')).map((p) => ({ p, channels: p.shape[p.shape.length - 1]! }));

export function qatFineTune(g: FloatGraph, plan: QuantPlan, ranges: ReadonlyMap<number, Range>, data: { train: Dataset; val?: Dataset },
  kernels: TrainKernels, opts: QatOptionsInput = {}, onEvent: (e: QatEvent) => void = () => {}): QatResult {
  const o = QatOptions.parse(opts);
  const classification = plan.resolved.layers[plan.resolved.layers.length - 1]!.layer.type === 'softmax';
  const net = networkFor(g, kernels, o.batch, o.seed);
  const fq = new FakeQuantizer(net, plan, ranges, o.emaDecay);
  const rng = new Rng(o.seed ^ 0x2545f491);
  const batcher = new Batcher(data.train, { batch: o.batch, shuffle: true, seed: rng.fork(), shift: o.augmentShift });
  const K = net.outputSize;
  const f = sampleSize(data.train);
  const xb = new Float32Array(o.batch * f);
  const probs = new Float32Array(o.batch * K), dOut = new Float32Array(o.batch * K);
  const params = net.params;
  const adam = params.map((p) => ({ m: new Float32Array(p.data.length), v: new Float32Array(p.data.length) }));
  const weights = kernelsOf(net);
  const shadows = weights.map(({ p }) => p.data.slice());
  const totalSteps = o.epochs * batcher.batchesPerEpoch;
  const history: QatEpoch[] = [];
  let t = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    let lossSum = 0, correct = 0, seen = 0, step = 0;
    for (const b of batcher.epoch()) {
      weights.forEach(({ p, channels }, i) => fakeQuantWeights(shadows[i]!, channels, p.data));
      const x = xb.subarray(0, b.x.length);
      x.set(b.x);
      fq.input(x, true);
      net.setInput(x, b.n);
      const out = net.forward(true, rng.fork());
      const p = probs.subarray(0, b.n * K), d = dOut.subarray(0, b.n * K);
      const loss = classification ? kernels.softmaxCrossEntropy(b.n, K, out, b.y, 0, p, d) : kernels.mse(out, b.x, d);
      if (!Number.isFinite(loss)) {
        throw new MlforgeError('NUMERIC', `quantization-aware training diverged: loss ${loss} at epoch ${epoch}`, `lower the QAT learning rate (now ${o.lr})`);
      }
      if (classification) correct += countCorrect(p, b.y, b.n, K);
      net.backward(d);
      // Straight-through: the gradient w.r.t. the quantized weights updates the float shadows.
      weights.forEach(({ p }, i) => p.data.set(shadows[i]!));
      t++;
      const lr = o.lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / Math.max(1, totalSteps))));
      params.forEach((q, i) => kernels.adamStep(q.data, q.grad, adam[i]!.m, adam[i]!.v, lr, 0.9, 0.999, 1e-7, 0, t, false));
      weights.forEach(({ p }, i) => shadows[i]!.set(p.data));
      lossSum += loss * b.n;
      seen += b.n;
      onEvent({ kind: 'step', epoch, step: ++step, steps: batcher.batchesPerEpoch, loss });
    }
    const rec: QatEpoch = {
      epoch, loss: lossSum / seen,
      ...(classification ? { trainAccuracy: correct / seen } : {}),
      ...(classification && data.val && data.val.y.length > 0 ? { valAccuracy: fakeQuantAccuracy(net, fq, weights, shadows, data.val) } : {}),
    };
    history.push(rec);
    onEvent({ kind: 'epoch', epochs: o.epochs, ...rec });
  }
  weights.forEach(({ p }, i) => p.data.set(shadows[i]!));
  net.hooks = {};
  const out = new Map<string, Float32Array>();
  for (const tns of [...net.params, ...net.state]) out.set(tns.name, tns.data.slice());
  return { graph: { resolved: g.resolved, weights: out }, ranges: fq.ranges, history };
}

function countCorrect(p: F32, y: Int32Array, n: number, K: number): number {
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let arg = 0;
    for (let j = 1; j < K; j++) if (p[i * K + j]! > p[i * K + arg]!) arg = j;
    if (arg === y[i]) correct++;
  }
  return correct;
}

/** Accuracy of the network with fake-quantized weights and activations (inference mode). */
function fakeQuantAccuracy(net: Network, fq: FakeQuantizer, weights: ReturnType<typeof kernelsOf>, shadows: Float32Array[], d: Dataset): number {
  weights.forEach(({ p, channels }, i) => fakeQuantWeights(shadows[i]!, channels, p.data));
  const f = sampleSize(d);
  const K = net.outputSize;
  let correct = 0;
  const x = new Float32Array(net.maxBatch * f);
  for (let start = 0; start < d.y.length; start += net.maxBatch) {
    const n = Math.min(net.maxBatch, d.y.length - start);
    const xs = x.subarray(0, n * f);
    xs.set(d.x.subarray(start * f, (start + n) * f));
    fq.input(xs, false);
    net.setInput(xs, n);
    correct += countCorrect(net.forward(false), d.y.subarray(start, start + n), n, K);
  }
  return correct / d.y.length;
}
