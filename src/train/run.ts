/**
 * `mlforge train` as a function: load data, split, normalize, train, evaluate on
 * the held-out test split, save the model folder.
 */
import { MlforgeError } from '../errors.js';
import { loadDatasetArg } from '../data/load.js';
import { stratifiedSplit } from '../data/split.js';
import { computeNormalization, normalizeInPlace, sampleSize, type Dataset } from '../data/dataset.js';
import { loadModelArg } from '../ir/load.js';
import { countModel } from '../ir/counts.js';
import type { ResolvedModel } from '../ir/shapes.js';
import { saveTrained } from './saved-model.js';
import { train, type TrainConfigInput, type TrainEvent, taskOf } from './trainer.js';
import { evaluate } from './evaluate.js';

export interface TrainRunOptions {
  readonly dataset: string | Dataset;
  readonly model: string | ResolvedModel;
  readonly out: string;
  readonly config: TrainConfigInput;
  readonly valFraction?: number;
  readonly testFraction?: number;
  readonly onEvent?: (e: TrainEvent) => void;
}

export interface TrainRunSummary {
  readonly accuracy?: number;
  readonly loss: number;
  readonly params: number;
  readonly paramsFolded: number;
  readonly macs: number;
  readonly epochs: number;
  readonly trainSamplesPerSec: number;
  readonly outDir: string;
  readonly kernels: string;
  readonly split: { train: number; val: number; test: number };
  readonly valAccuracy?: number;
  readonly seconds: number;
}

/** Makes the model's input and output match the dataset (same per-sample size; classes = output units). */
function checkCompatible(m: ResolvedModel, d: Dataset): ResolvedModel {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  if (size(m.inputShape) !== sampleSize(d)) {
    throw new MlforgeError('BAD_SHAPE', `model "${m.model.name}" takes input [${m.inputShape.join(', ')}] (${size(m.inputShape)} values) but dataset ${d.name} has samples of shape [${d.shape.join(', ')}]`,
      'pick a model built for this input, or write a model JSON with a matching input shape');
  }
  const task = taskOf(m);
  if (task === 'classification' && size(m.outShape) !== d.labels.length) {
    throw new MlforgeError('BAD_SHAPE', `model "${m.model.name}" outputs ${size(m.outShape)} classes but dataset ${d.name} has ${d.labels.length} (${d.labels.slice(0, 5).join(', ')}${d.labels.length > 5 ? ', …' : ''})`);
  }
  // Same size but a different shape (e.g. CSV [784] into [28, 28, 1]): feed the model's shape.
  return m;
}

export function runTraining(o: TrainRunOptions): TrainRunSummary {
  const t0 = performance.now();
  const data = typeof o.dataset === 'string' ? loadDatasetArg(o.dataset) : o.dataset;
  const model = typeof o.model === 'string' ? loadModelArg(o.model) : o.model;
  checkCompatible(model, data);
  const seed = o.config.seed ?? 0;
  const splits = stratifiedSplit(data, { val: o.valFraction ?? 0.1, test: o.testFraction ?? 0.1, seed });
  // Images share one statistic per channel; tabular features get their own.
  const norm = computeNormalization(splits.train, data.shape.length === 1);
  for (const s of [splits.train, splits.val, splits.test]) normalizeInPlace(s.x, norm);
  // Augmentation moves in background pixels: raw 0, after normalization -mean/std.
  const config = { augmentFill: -norm.mean[0]! / norm.std[0]!, ...o.config };
  const result = train(model, { train: splits.train, val: splits.val }, config, o.onEvent);
  const test = evaluate(result.network, splits.test, result.task);
  const counts = countModel(model);
  saveTrained(o.out, result.network, {
    task: result.task,
    normalization: norm,
    labels: [...data.labels],
    dataset: data.name,
    metrics: {
      testLoss: test.loss,
      ...(test.accuracy !== undefined ? { testAccuracy: test.accuracy } : {}),
      ...(result.val?.accuracy !== undefined ? { valAccuracy: result.val.accuracy } : {}),
    },
    training: { ...o.config, epochsRun: result.epochsRun, bestEpoch: result.bestEpoch, split: { val: o.valFraction ?? 0.1, test: o.testFraction ?? 0.1, seed } },
  });
  return {
    accuracy: test.accuracy,
    loss: test.loss,
    params: counts.params,
    paramsFolded: counts.paramsFolded,
    macs: counts.macs,
    epochs: result.epochsRun,
    trainSamplesPerSec: result.trainSamplesPerSec,
    outDir: o.out,
    kernels: result.network.kernelName,
    split: { train: splits.train.y.length, val: splits.val.y.length, test: splits.test.y.length },
    valAccuracy: result.val?.accuracy,
    seconds: (performance.now() - t0) / 1000,
  };
}
