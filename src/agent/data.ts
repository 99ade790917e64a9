/**
 * The forge's data: the spec's dataset loaded once, split (seeded, stratified or
 * grouped; a manifest's split column wins) into train / validation / test,
 * normalized with training statistics, and hashed so a resumed run can tell it
 * is looking at the same data. WAV and time-series folders load as raw windows
 * and become one view per feature block (features.ts), computed on first use.
 * The test split never touches training or selection: only the chosen model is
 * scored on it, at the very end.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MlforgeError } from '../errors.js';
import { loadDatasetArg } from '../data/load.js';
import { stratifiedSplit, type Splits } from '../data/split.js';
import { computeNormalization, normalizeInPlace, subset, type Dataset, type Normalization } from '../data/dataset.js';
import { listLabelledFiles, loadAudioFolder, loadSeriesFolder, manifestSplits, type LoadedFolder } from '../data/folder.js';
import type { HealthReport } from '../data/health.js';
import { featureShape, type FeatureConfig, type FeatureInput } from '../dsp/index.js';
import type { ResolvedSpec } from '../spec/index.js';
import { dspChoice, type Genome, type Problem } from '../search/space.js';
import { defaultFeatureBlocks, featureConfigs, featureView, type FeatureView, type RawShape } from './features.js';

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
  /** Folders: the feature blocks searched (a genome's `dsp` gene indexes them) and the view of each. */
  readonly features?: readonly FeatureConfig[];
  readonly view?: (i: number) => FeatureView;
  /** Folders: the loader's health report. */
  readonly health?: HealthReport;
}

/** What a trial trains on: the view of the genome's feature block (the data itself without blocks). */
export interface TrialData extends ForgeData {
  readonly featureView?: FeatureView;
}

export function dataFor(data: ForgeData, genome: Genome): TrialData {
  if (!data.view) return data;
  const v = data.view(dspChoice(genome));
  return { ...data, train: v.train, val: v.val, test: v.test, norm: v.norm, fill: 0, featureView: v };
}

export function datasetHash(d: Dataset): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ shape: d.shape, labels: d.labels }));
  h.update(new Uint8Array(d.x.buffer, d.x.byteOffset, d.x.byteLength));
  h.update(new Uint8Array(d.y.buffer, d.y.byteOffset, d.y.byteLength));
  return h.digest('hex');
}

const taskOf = (spec: ResolvedSpec): Problem['task'] => (spec.task === 'anomaly_detection' ? 'autoencoder' : 'classification');

export function prepareData(spec: ResolvedSpec): ForgeData {
  if (spec.dataset.kind === 'folder') return prepareFolder(spec);
  const raw = loadDatasetArg(spec.dataset.source);
  const hash = datasetHash(raw);
  const splits = stratifiedSplit(raw, { val: spec.dataset.split.val, test: spec.dataset.split.test, seed: spec.seed });
  const norm = computeNormalization(splits.train, raw.shape.length === 1);
  for (const s of [splits.train, splits.val, splits.test]) normalizeInPlace(s.x, norm);
  return {
    name: spec.dataset.name,
    train: splits.train, val: splits.val, test: splits.test,
    norm, labels: raw.labels, hash,
    problem: { inputShape: raw.shape, classes: raw.labels.length, task: taskOf(spec) },
    fill: -norm.mean[0]! / norm.std[0]!,
  };
}

/** 'audio' when the folder's files are WAVs, 'series' when CSVs. */
function folderKind(path: string): 'audio' | 'series' {
  for (const [kind, ext] of [['audio', '.wav'], ['series', '.csv']] as const) {
    try {
      // A manifest lists every file whatever the extension asked for.
      if (listLabelledFiles(path, ext).files.some((f) => f.path.toLowerCase().endsWith(ext))) return kind;
    } catch { /* no such files: try the other kind */ }
  }
  const sub = readdirSync(path).filter((f) => statSync(join(path, f)).isDirectory());
  throw new MlforgeError('BAD_INPUT', `dataset ${path}: found neither .wav nor .csv files in class folders (${sub.length} subfolders) or a manifest.csv`,
    'lay the data out as CLASS/*.wav, CLASS/*.csv, or a manifest.csv with file,label[,group][,split]');
}

const opt = (spec: ResolvedSpec, key: string): string | number | boolean | undefined => spec.dataset.options[key];
function numberOpt(spec: ResolvedSpec, key: string, fallback: number): number {
  const v = opt(spec, key) ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new MlforgeError('BAD_INPUT', `dataset.options.${key}: expected a positive number, got ${JSON.stringify(v)}`);
  return v;
}

function prepareFolder(spec: ResolvedSpec): ForgeData {
  const path = spec.dataset.source;
  const kind = folderKind(path);
  const ad = spec.task === 'anomaly_detection';
  let loaded: LoadedFolder;
  let rawShape: RawShape;
  if (kind === 'audio') {
    const rate = numberOpt(spec, 'sampleRate', 16000);
    const length = numberOpt(spec, 'length', rate);
    loaded = loadAudioFolder(path, { sampleRate: rate, length, name: spec.dataset.name });
    rawShape = { kind: 'audio', sampleRate: rate, length, axes: 1 };
  } else {
    const window = numberOpt(spec, 'window', 256);
    const stride = numberOpt(spec, 'stride', Math.max(1, Math.floor(window / 2)));
    const normal = opt(spec, 'normal') ?? 'normal';
    const s = loadSeriesFolder(path, { window: { length: window, stride }, ...(ad ? { normal: String(normal) } : {}), name: spec.dataset.name });
    const rate = typeof opt(spec, 'sampleRate') === 'number' ? opt(spec, 'sampleRate') as number : seriesRate(s, path);
    loaded = s;
    rawShape = { kind: 'motion', sampleRate: rate, length: window, axes: s.dataset.shape[1] ?? 1 };
  }
  const raw = loaded.dataset;
  const hash = datasetHash(raw);
  let splits: Splits = loaded.splits
    ? manifestSplits(loaded, { val: spec.dataset.split.val, seed: spec.seed })
    : stratifiedSplit(raw, { val: spec.dataset.split.val, test: spec.dataset.split.test, seed: spec.seed });
  if (ad) {
    // An autoencoder learns normal behaviour only; validation keeps its anomalies for AUC and the threshold.
    const normalIdx = Array.from(splits.train.y.keys()).filter((i) => splits.train.y[i] === 0);
    splits = { ...splits, train: subset(splits.train, normalIdx, splits.train.name) };
  }
  const blocks = spec.features ?? defaultFeatureBlocks(rawShape);
  const a = spec.augment;
  // featureView applies it to audio blocks only.
  const augment = a.copies > 0 ? { copies: a.copies, warp: a.warp, shift: Math.round((a.shiftMs / 1000) * rawShape.sampleRate), seed: spec.seed + 1 } : undefined;
  const configs = featureConfigs(blocks, rawShape, spec.features ? 'features' : 'default features');
  const views = new Map<number, FeatureView>();
  const view = (i: number): FeatureView => {
    let v = views.get(i);
    if (!v) views.set(i, (v = featureView(blocks[i] as FeatureInput, configs[i]!, splits, augment)));
    return v;
  };
  const first = view(0);
  return {
    name: spec.dataset.name,
    train: first.train, val: first.val, test: first.test, norm: first.norm,
    labels: raw.labels, hash, fill: 0,
    problem: { inputShape: first.shape, inputShapes: configs.map((c) => featureShape(c)), classes: raw.labels.length, task: taskOf(spec) },
    features: configs, view, health: loaded.health,
  };
}

/** The series' sample rate from their timestamps (the most common one); the spec's options.sampleRate when they have none. */
function seriesRate(s: LoadedFolder, path: string): number {
  const r = s.health.sampleRates[0]?.rate;
  if (!r) throw new MlforgeError('BAD_INPUT', `dataset ${path}: the series have no timestamps to tell their sample rate`, 'set dataset.options.sampleRate in the spec');
  return Math.round(r * 1000) / 1000;
}
