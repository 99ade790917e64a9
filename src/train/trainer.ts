/**
 * The training loop: mini-batches, loss, backward, clipping, optimizer step,
 * learning-rate schedule, validation each epoch, early stopping with best-weight
 * restore. Deterministic under `seed` (init, shuffling, augmentation, dropout).
 */
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import { Batcher } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import { Network } from '../engine/network.js';
import { selectKernels } from '../engine/backend.js';
import type { ResolvedModel } from '../ir/shapes.js';
import { Rng } from '../util/random.js';
import { Optimizer, OptimizerConfig } from './optimizers.js';
import { ScheduleConfig, learningRate } from './schedules.js';
import { evaluate, type Task, type Evaluation } from './evaluate.js';

export const TrainConfig = z.object({
  epochs: z.number().int().positive().default(10),
  batch: z.number().int().positive().default(32),
  lr: z.number().positive().default(2e-3),
  seed: z.number().int().nonnegative().default(0),
  optimizer: OptimizerConfig.default(OptimizerConfig.parse({})),
  schedule: ScheduleConfig.default(ScheduleConfig.parse({})),
  labelSmoothing: z.number().min(0).lt(1).default(0),
  /** Global gradient-norm clip (0 = off). */
  clipNorm: z.number().min(0).default(0),
  /** At most this many optimizer steps (0 = off), e.g. to fit a time budget measured in steps; the schedule spans them. */
  maxSteps: z.number().int().min(0).default(0),
  /** Stop after this many epochs without validation improvement (0 = off); the best weights are restored. */
  patience: z.number().int().min(0).default(0),
  /** Random translation in pixels for image inputs (0 = off). */
  augmentShift: z.number().int().min(0).default(0),
  /** Random rotation (degrees) and zoom (fraction) for image inputs (0 = off). */
  augmentRotate: z.number().min(0).max(180).default(0),
  augmentZoom: z.number().min(0).lt(1).default(0),
  /** SpecAugment-style masks for [frames, bins, C] features: up to this many frames and bins per sample (0 = off). */
  augmentMaskTime: z.number().int().min(0).default(0),
  augmentMaskFreq: z.number().int().min(0).default(0),
  /** Value of pixels moved in from outside the image (the normalized background). */
  augmentFill: z.number().default(0),
  kernels: z.enum(['auto', 'native', 'reference']).default('auto'),
}).strict();
export type TrainConfig = z.infer<typeof TrainConfig>;
export type TrainConfigInput = z.input<typeof TrainConfig>;

export interface EpochRecord {
  readonly epoch: number;
  readonly lr: number;
  readonly trainLoss: number;
  readonly trainAccuracy?: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly samplesPerSec: number;
  readonly seconds: number;
}

export type TrainEvent =
  | { kind: 'step'; epoch: number; step: number; steps: number; loss: number }
  | ({ kind: 'epoch'; epochs: number } & EpochRecord);

export interface TrainResult {
  readonly network: Network;
  readonly task: Task;
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly epochsRun: number;
  readonly trainSamplesPerSec: number;
  readonly val?: Evaluation;
}

/** Classification when the model ends with softmax; otherwise reconstruction of the input (autoencoder). */
export function taskOf(model: ResolvedModel): Task {
  const last = model.layers[model.layers.length - 1]!;
  if (last.layer.type === 'softmax') return 'classification';
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  if (size(model.outShape) === size(model.inputShape)) return 'autoencoder';
  throw new MlforgeError('UNSUPPORTED', `model "${model.model.name}": cannot tell the task — end with a softmax layer (classification) or output the input's size (autoencoder)`);
}

export function train(model: ResolvedModel, data: { train: Dataset; val?: Dataset }, cfgIn: TrainConfigInput,
  onEvent: (e: TrainEvent) => void = () => {}, network?: Network): TrainResult {
  const cfg = TrainConfig.parse(cfgIn);
  const task = taskOf(model);
  const kernels = selectKernels(cfg.kernels);
  const net = network ?? new Network(model, kernels, cfg.batch, cfg.seed);
  const rng = new Rng(cfg.seed ^ 0x5bd1e995);
  const batcher = new Batcher(data.train, { batch: cfg.batch, shuffle: true, seed: rng.fork(), shift: cfg.augmentShift, rotate: cfg.augmentRotate, zoom: cfg.augmentZoom, fill: cfg.augmentFill,
    ...(cfg.augmentMaskTime > 0 || cfg.augmentMaskFreq > 0 ? { mask: { time: cfg.augmentMaskTime, freq: cfg.augmentMaskFreq } } : {}) });
  const opt = new Optimizer(net.params, cfg.optimizer, kernels);
  const k = kernels;
  const K = net.outputSize;
  const probs = new Float32Array(cfg.batch * K);
  const dOut = new Float32Array(cfg.batch * K);
  const epochSteps = cfg.epochs * batcher.batchesPerEpoch;
  const totalSteps = cfg.maxSteps > 0 ? Math.min(cfg.maxSteps, epochSteps) : epochSteps;
  const history: EpochRecord[] = [];
  let step = 0;
  let best = { loss: Infinity, epoch: 0 };
  let snapshot: Float32Array[] | undefined;
  let trainTime = 0;
  let trainSamples = 0;

  for (let epoch = 1; epoch <= cfg.epochs && step < totalSteps; epoch++) {
    const t0 = performance.now();
    let lossSum = 0, correct = 0, seen = 0, stepInEpoch = 0, lr = 0;
    for (const b of batcher.epoch()) {
      lr = learningRate(cfg.schedule, cfg.lr, step, totalSteps);
      net.setInput(b.x, b.n);
      const out = net.forward(true, rng.fork());
      const p = probs.subarray(0, b.n * K);
      const d = dOut.subarray(0, b.n * K);
      let loss: number;
      if (task === 'classification') {
        loss = k.softmaxCrossEntropy(b.n, K, out, b.y, cfg.labelSmoothing, p, d);
        for (let i = 0; i < b.n; i++) {
          let arg = 0;
          for (let j = 1; j < K; j++) if (p[i * K + j]! > p[i * K + arg]!) arg = j;
          if (arg === b.y[i]) correct++;
        }
      } else {
        loss = k.mse(out, b.x, d);
      }
      if (!Number.isFinite(loss)) {
        throw new MlforgeError('NUMERIC', `training diverged: loss is ${loss} at epoch ${epoch}, step ${stepInEpoch + 1}`,
          `lower the learning rate (now ${cfg.lr}) or set a gradient clip`);
      }
      net.backward(d);
      if (cfg.clipNorm > 0) opt.clipGradients(cfg.clipNorm);
      opt.step(lr);
      lossSum += loss * b.n;
      seen += b.n;
      step++;
      stepInEpoch++;
      onEvent({ kind: 'step', epoch, step: stepInEpoch, steps: batcher.batchesPerEpoch, loss });
      if (step >= totalSteps) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    trainTime += seconds;
    trainSamples += seen;
    const v = data.val && data.val.y.length > 0 ? evaluate(net, data.val, task) : undefined;
    const rec: EpochRecord = {
      epoch, lr, trainLoss: lossSum / seen,
      trainAccuracy: task === 'classification' ? correct / seen : undefined,
      valLoss: v?.loss, valAccuracy: v?.accuracy, samplesPerSec: seen / seconds, seconds,
    };
    history.push(rec);
    onEvent({ kind: 'epoch', epochs: cfg.epochs, ...rec });
    const monitored = v?.loss ?? rec.trainLoss;
    if (monitored < best.loss) {
      best = { loss: monitored, epoch };
      if (cfg.patience > 0) snapshot = [...net.params.map((p) => p.data.slice()), ...net.state.map((s) => s.data.slice())];
    } else if (cfg.patience > 0 && epoch - best.epoch >= cfg.patience) {
      break;
    }
  }
  if (snapshot && best.epoch !== history.length) {
    [...net.params.map((p) => p.data), ...net.state.map((s) => s.data)].forEach((d, i) => d.set(snapshot![i]!));
  }
  return {
    network: net, task, history, bestEpoch: best.epoch, epochsRun: history.length,
    trainSamplesPerSec: trainSamples / trainTime,
    val: data.val && data.val.y.length > 0 ? evaluate(net, data.val, task) : undefined,
  };
}
