/**
 * The forge's data: the spec's dataset loaded once, split (seeded, stratified or
 * grouped) into train / validation / test, normalized with training statistics,
 * and hashed so a resumed run can tell it is looking at the same data.
 * The test split never touches training or selection: only the chosen model is
 * scored on it, at the very end.
 */
import { createHash } from 'node:crypto';
import { MlforgeError } from '../errors.js';
import { loadDatasetArg } from '../data/load.js';
import { stratifiedSplit } from '../data/split.js';
import { computeNormalization, normalizeInPlace, type Dataset, type Normalization } from '../data/dataset.js';
import type { ResolvedSpec } from '../spec/index.js';
import type { Problem } from '../search/space.js';

export interface ForgeData {
  readonly name: string;
  readonly train: Dataset;
  readonly val: Dataset;
  readonly test: Dataset;
  readonly norm: Normalization;
  readonly labels: readonly string[];
  readonly problem: Problem;
  /** sha256 of the raw samples and labels, before splitting. */
  readonly hash: string;
  /** Value of pixels moved in by augmentation: the normalized background (raw 0). */
  readonly fill: number;
}

export function datasetHash(d: Dataset): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ shape: d.shape, labels: d.labels }));
  h.update(new Uint8Array(d.x.buffer, d.x.byteOffset, d.x.byteLength));
  h.update(new Uint8Array(d.y.buffer, d.y.byteOffset, d.y.byteLength));
  return h.digest('hex');
}

export function prepareData(spec: ResolvedSpec): ForgeData {
  if (spec.dataset.kind === 'folder') {
    throw new MlforgeError('UNSUPPORTED', `dataset ${spec.dataset.source}: folders (WAV/time series) are not supported by the forge yet`, 'use a built-in dataset or a .csv file');
  }
  const raw = loadDatasetArg(spec.dataset.source);
  const hash = datasetHash(raw);
  const splits = stratifiedSplit(raw, { val: spec.dataset.split.val, test: spec.dataset.split.test, seed: spec.seed });
  const norm = computeNormalization(splits.train, raw.shape.length === 1);
  for (const s of [splits.train, splits.val, splits.test]) normalizeInPlace(s.x, norm);
  const task = spec.task === 'anomaly_detection' ? 'autoencoder' : 'classification';
  return {
    name: spec.dataset.name,
    train: splits.train, val: splits.val, test: splits.test,
    norm, labels: raw.labels, hash,
    problem: { inputShape: raw.shape, classes: raw.labels.length, task },
    fill: -norm.mean[0]! / norm.std[0]!,
  };
}
