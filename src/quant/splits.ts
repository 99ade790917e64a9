/**
 * The data a trained model was made with: the same dataset, the same seeded
 * stratified train/val/test split and the same input normalization as
 * `runTraining`, rebuilt from what the model folder records (dataset name,
 * `training.split` fractions and seed, `normalization`). Calibration and QAT
 * use the train split; accuracy is reported on the held-out test split.
 */
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import { loadDatasetArg } from '../data/load.js';
import { stratifiedSplit, type Splits } from '../data/split.js';
import { normalizeInPlace, sampleSize, type Dataset, type Normalization } from '../data/dataset.js';

/** What a trained model folder's model.json says about its data (a structural subset of it). */
export interface TrainedDataRecord {
  readonly dataset?: string;
  readonly normalization: Normalization;
  readonly training: Record<string, unknown>;
}

const SplitRecord = z.object({ val: z.number(), test: z.number(), seed: z.number().int() });

/** Rebuilds the normalized splits; `dataset` overrides the recorded name (e.g. a moved CSV file). */
export function trainingSplits(rec: TrainedDataRecord, dataset?: string | Dataset): Splits {
  const name = dataset ?? rec.dataset;
  if (name === undefined) {
    throw new MlforgeError('BAD_INPUT', 'the model folder does not record its dataset', 'pass the dataset explicitly (--dataset)');
  }
  const split = SplitRecord.safeParse(rec.training.split);
  if (!split.success) {
    throw new MlforgeError('BAD_INPUT', 'the model folder does not record its train/val/test split (training.split in model.json)', 'retrain the model with this version of `mlforge train`');
  }
  const data = typeof name === 'string' ? loadDatasetArg(name) : name;
  const c = rec.normalization.mean.length;
  if (sampleSize(data) % c !== 0) {
    throw new MlforgeError('BAD_SHAPE', `dataset ${data.name} has samples of shape [${data.shape}], which the model's ${c}-value normalization does not fit`, 'pass the dataset the model was trained on (--dataset)');
  }
  const splits = stratifiedSplit(data, split.data);
  for (const s of [splits.train, splits.val, splits.test]) normalizeInPlace(s.x, rec.normalization);
  return splits;
}
