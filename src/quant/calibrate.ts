/**
 * Calibration: runs the float network (inference mode) over a seeded random
 * subset of the training split and records a range for the model input and
 * every value the plan marks as observed (outputs of conv, depthwise, dense,
 * add and mean, after any fused relu).
 *
 * The subset is random, not the first N: datasets are often stored by class.
 * Inputs must already be normalized the way the model was trained.
 */
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import { sampleSize, subset, type Dataset } from '../data/dataset.js';
import type { TrainKernels } from '../engine/kernels/types.js';
import { MODEL_INPUT } from '../ir/shapes.js';
import { Rng } from '../util/random.js';
import { networkFor, type FloatGraph } from './graph.js';
import { createObserver, RangeMethod, type Observer } from './observers.js';
import { valueName, type QuantPlan } from './plan.js';
import type { Range } from './qparams.js';

export const CalibrationOptions = z.object({
  method: RangeMethod.default('minmax'),
  percentile: z.number().gt(50).max(100).default(99.99),
  /** Calibration samples drawn from the data (all of it when larger). */
  samples: z.number().int().positive().default(500),
  seed: z.number().int().nonnegative().default(0),
  batch: z.number().int().positive().default(64),
}).strict();
export type CalibrationOptions = z.infer<typeof CalibrationOptions>;
export type CalibrationOptionsInput = z.input<typeof CalibrationOptions>;

/** Ranges by value (layer index or MODEL_INPUT). */
export type Ranges = Map<number, Range>;

/** A seeded random subset of n samples (the whole dataset when n >= its size). */
export function sampleSubset(d: Dataset, n: number, seed: number): Dataset {
  if (n >= d.y.length) return d;
  const idx = Int32Array.from({ length: d.y.length }, (_, i) => i);
  new Rng(seed).shuffle(idx);
  return subset(d, idx.subarray(0, n).sort(), `${d.name}/calibration`);
}

export function calibrate(g: FloatGraph, plan: QuantPlan, data: Dataset, kernels: TrainKernels, opts: CalibrationOptionsInput = {}): Ranges {
  const o = CalibrationOptions.parse(opts);
  const f = sampleSize(data);
  const inSize = g.resolved.inputShape.reduce((a, b) => a * b, 1);
  if (f !== inSize) {
    throw new MlforgeError('BAD_SHAPE', `calibration data ${data.name} has samples of shape [${data.shape}] but model "${g.resolved.model.name}" takes [${g.resolved.inputShape}]`);
  }
  const calib = sampleSubset(data, o.samples, o.seed);
  const N = calib.y.length;
  if (N === 0) throw new MlforgeError('BAD_INPUT', `calibration data ${data.name} is empty`);
  const net = networkFor(g, kernels, Math.min(o.batch, N));
  const observers = new Map<number, Observer>(plan.observed.map((v) => [v, createObserver(o)]));
  const names = new Map(plan.observed.filter((v) => v !== MODEL_INPUT).map((v) => [v, valueName(plan, v)]));
  for (let start = 0; start < N; start += net.maxBatch) {
    const n = Math.min(net.maxBatch, N - start);
    const x = calib.x.subarray(start * f, (start + n) * f);
    net.setInput(x, n);
    net.forward(false);
    const acts = net.activations();
    for (const [v, obs] of observers) obs.observe(v === MODEL_INPUT ? x : acts.get(names.get(v)!)!);
  }
  const ranges: Ranges = new Map();
  for (const [v, obs] of observers) ranges.set(v, obs.range());
  return ranges;
}
