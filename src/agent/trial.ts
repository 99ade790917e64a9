/**
 * One trial rung: train a candidate from scratch for a number of epochs
 * (successive halving restarts promoted candidates with a longer cosine
 * schedule rather than continuing, so every rung is one self-contained,
 * reproducible unit of work a crash can simply rerun), and, for finalists,
 * compress it: PTQ, then QAT when PTQ loses more than a point.
 */
import { resolveModel, type ResolvedModel } from '../ir/shapes.js';
import type { ModelInput } from '../ir/schema.js';
import type { Network } from '../engine/network.js';
import type { Int8Model } from '../ir/int8.js';
import { train, type EpochRecord } from '../train/trainer.js';
import { evaluate } from '../train/evaluate.js';
import { runQuantization, evaluateInt8 } from '../quant/index.js';
import { rocAuc } from '../train/metrics.js';
import type { Dataset } from '../data/dataset.js';
import type { TrialData } from './data.js';

export interface RungResult {
  readonly network: Network;
  readonly resolved: ResolvedModel;
  readonly valAccuracy: number;
  readonly valLoss: number;
  readonly trainLoss: number;
  readonly epochs: number;
  readonly seconds: number;
  readonly curve: readonly EpochRecord[];
}

export interface TrainRungOptions {
  readonly model: ModelInput;
  readonly lr: number;
  readonly epochs: number;
  readonly seed: number;
  readonly batch?: number;
  /** At most this many optimizer steps (benchmarks that train to a time budget); default: all epochs. */
  readonly maxSteps?: number;
  readonly onEpoch?: (e: EpochRecord) => void;
}

/** True when a dataset has normal (class 0) and anomalous samples: autoencoders are then scored by AUC. */
export const hasAnomalies = (d: Dataset): boolean => d.y.some((v) => v !== 0) && d.y.some((v) => v === 0);

/**
 * Scalar score of an evaluation, higher is better: accuracy for classification;
 * for autoencoders the ROC AUC of the reconstruction errors when the data has
 * anomalies, else −MSE.
 */
export function scoreOf(e: { accuracy?: number; loss?: number; mse?: number; perSample: Float32Array }, d: Dataset): number {
  if (e.accuracy !== undefined) return e.accuracy;
  if (hasAnomalies(d)) return rocAuc(e.perSample, d.y);
  return -(e.mse ?? e.loss ?? Infinity);
}

export function trainRung(data: TrialData, o: TrainRungOptions): RungResult {
  const t0 = performance.now();
  const resolved = resolveModel(o.model, o.model.name);
  // Spectrogram-like features are 3-D too, but shifting them moves energy across frequency bins.
  const image = data.problem.inputShape.length === 3 && !data.featureView;
  const result = train(resolved, { train: data.train, val: data.val }, {
    epochs: o.epochs, batch: o.batch ?? 32, lr: o.lr, seed: o.seed, maxSteps: o.maxSteps ?? 0,
    // Small shifts are the augmentation that helped every image run measured (MNIST +0.7 points).
    augmentShift: image ? 2 : 0, augmentFill: data.fill,
    // No SpecAugment masks on spectrogram-like features: masks of up to a fifth of the frames and bins
    // cost held-out-voice KWS accuracy (ds-cnn, 30 epochs: 400 clips/class −1.3 points, 1,200 −1.1).
  }, (e) => { if (e.kind === 'epoch') o.onEpoch?.(e); });
  const val = evaluate(result.network, data.val, result.task);
  const last = result.history[result.history.length - 1]!;
  return {
    network: result.network, resolved,
    valAccuracy: scoreOf(val, data.val), valLoss: val.loss, trainLoss: last.trainLoss,
    epochs: result.epochsRun, seconds: (performance.now() - t0) / 1000, curve: result.history,
  };
}

export interface Compressed {
  readonly model: Int8Model;
  readonly ptqValAccuracy: number;
  /** After QAT, when it ran (PTQ lost more than a point). */
  readonly qatValAccuracy?: number;
  readonly int8ValAccuracy: number;
  readonly method: 'ptq' | 'qat';
}

const int8Score = (m: Int8Model, d: Dataset): number => scoreOf(evaluateInt8(m, d), d);

export function compress(data: TrialData, network: Network, floatValAccuracy: number, seed: number, labels: readonly string[]): Compressed {
  const ptq = runQuantization(network, data.train, { method: 'minmax', seed }, { labels });
  const ptqAcc = int8Score(ptq.model, data.val);
  if (floatValAccuracy - ptqAcc <= 0.01) return { model: ptq.model, ptqValAccuracy: ptqAcc, int8ValAccuracy: ptqAcc, method: 'ptq' };
  const qat = runQuantization(network, data.train, { method: 'minmax', seed, qat: { epochs: 2 } }, { labels, qatVal: data.val });
  const qatAcc = int8Score(qat.model, data.val);
  return qatAcc > ptqAcc
    ? { model: qat.model, ptqValAccuracy: ptqAcc, qatValAccuracy: qatAcc, int8ValAccuracy: qatAcc, method: 'qat' }
    : { model: ptq.model, ptqValAccuracy: ptqAcc, qatValAccuracy: qatAcc, int8ValAccuracy: ptqAcc, method: 'ptq' };
}
