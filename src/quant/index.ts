/**
 * Quantization: a trained float model → an `Int8Model` following the TFLite
 * int8 spec. The pipeline is fold (batch norm into the layer before it) → plan
 * (fusions, which values become int8 tensors) → calibrate (ranges over a subset
 * of the training split) → optionally QAT (fake-quantized fine-tuning) → lower.
 *
 * @example
 * const loaded = loadTrained('out/model');
 * const { train, test } = trainingSplits(loaded.meta);
 * const model = quantize(loaded, train, { method: 'percentile', calibrationSamples: 500 });
 * console.log(evaluateInt8(model, test).accuracy);
 */
import { z } from 'zod';
import type { Dataset } from '../data/dataset.js';
import { selectKernels } from '../engine/backend.js';
import type { Network } from '../engine/network.js';
import type { TrainKernels } from '../engine/kernels/types.js';
import type { Int8Model } from '../ir/int8.js';
import { calibrate, type Ranges } from './calibrate.js';
import { foldBatchNorm, type FoldedGraph } from './fold.js';
import { graphOf, type FloatGraph } from './graph.js';
import { lowerToInt8 } from './lower.js';
import { RangeMethod } from './observers.js';
import { planQuantization, type QuantPlan } from './plan.js';
import { QatOptions, qatFineTune, type QatEvent, type QatResult } from './qat.js';

export const QuantizeOptions = z.object({
  method: RangeMethod.default('minmax'),
  /** percentile method: upper percentile kept. */
  percentile: z.number().gt(50).max(100).default(99.99),
  calibrationSamples: z.number().int().positive().default(500),
  seed: z.number().int().nonnegative().default(0),
  /** Quantization-aware fine-tuning after calibration (true = defaults). */
  qat: z.union([z.boolean(), QatOptions.partial()]).default(false),
  /** Per-channel fully-connected weights (default); false = one scale per weight tensor. */
  perChannelDense: z.boolean().default(true),
}).strict();
export type QuantizeOptionsInput = z.input<typeof QuantizeOptions>;

/** A trained model as `loadTrained` returns it, its network, or a detached graph. */
export type FloatSource = Network | FloatGraph | { readonly network: Network; readonly meta?: { readonly labels?: readonly string[] } };

export interface QuantizeExtras {
  readonly kernels?: TrainKernels;
  /** QAT validation data (fake-quantized accuracy per epoch). */
  readonly qatVal?: Dataset;
  readonly onQatEvent?: (e: QatEvent) => void;
  readonly labels?: readonly string[];
}

export interface QuantizeResult {
  readonly model: Int8Model;
  /** The batch-norm-free float graph that was lowered (after QAT when it ran). */
  readonly graph: FoldedGraph;
  readonly plan: QuantPlan;
  readonly ranges: Ranges;
  readonly qat?: QatResult;
}

const toGraph = (s: FloatSource): FloatGraph => ('resolved' in s && 'weights' in s ? s : graphOf('network' in s ? s.network : s));

/** The whole pipeline, with its intermediate products. `data` is the (normalized) training split. */
export function runQuantization(source: FloatSource, data: Dataset, opts: QuantizeOptionsInput = {}, extras: QuantizeExtras = {}): QuantizeResult {
  const o = QuantizeOptions.parse(opts);
  const kernels = extras.kernels ?? selectKernels('auto');
  const folded = foldBatchNorm(toGraph(source));
  const plan = planQuantization(folded.resolved);
  let ranges = calibrate(folded, plan, data, kernels, { method: o.method, percentile: o.percentile, samples: o.calibrationSamples, seed: o.seed });
  let graph: FoldedGraph = folded;
  let qat: QatResult | undefined;
  if (o.qat !== false) {
    qat = qatFineTune(folded, plan, ranges, { train: data, val: extras.qatVal }, kernels, { seed: o.seed, ...(o.qat === true ? {} : o.qat) }, extras.onQatEvent);
    graph = { ...folded, weights: qat.graph.weights };
    ranges = qat.ranges;
  }
  const labels = extras.labels ?? ('network' in source ? source.meta?.labels : undefined);
  const model = lowerToInt8(graph, plan, ranges, { perChannelDense: o.perChannelDense, labels });
  return { model, graph, plan, ranges, qat };
}

/**
 * Quantizes a trained float model to int8.
 *
 * @example
 * const int8 = quantize(loadTrained('out/model'), trainSplit, { method: 'mse', qat: { epochs: 2 } });
 */
export function quantize(source: FloatSource, calibData: Dataset, opts: QuantizeOptionsInput = {}, extras: QuantizeExtras = {}): Int8Model {
  return runQuantization(source, calibData, opts, extras).model;
}

export { foldBatchNorm, type FoldedGraph } from './fold.js';
export { graphOf, networkFor, loadInto, type FloatGraph } from './graph.js';
export { planQuantization, resolveQuant, valueName, SOFTMAX_QUANT, type QuantPlan, type PlanStep, type QuantSource } from './plan.js';
export { createObserver, RangeMethod, type Observer, type ObserverOptions } from './observers.js';
export { calibrate, sampleSubset, CalibrationOptions, type Ranges } from './calibrate.js';
export { lowerToInt8, int8Shape, type LowerOptions } from './lower.js';
export { qatFineTune, FakeQuantizer, QatOptions, type QatResult, type QatEpoch, type QatEvent } from './qat.js';
export { saveInt8Model, loadInt8Model, Int8ModelFile, AnomalyConfig, INT8_MODEL_FILE, INT8_WEIGHTS_FILE, type SavedInt8Model } from './model-file.js';
export { evaluateInt8, type Int8Evaluation } from './evaluate.js';
export { trainingSplits, type TrainedDataRecord } from './splits.js';
export * from './qparams.js';
