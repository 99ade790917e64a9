/**
 * Labelled folders of files to Datasets: audio (WAV) for keyword spotting and
 * the like, time series (CSV) for motion and vibration.
 *
 * A dataset path is one of
 * - a manifest CSV with a header naming at least the file and label columns
 *   (file|path|filename, label|class|category; optional group|speaker|voice|
 *   subject|machine|recording and split|set; other columns are kept as
 *   metadata), file paths relative to the manifest's folder;
 * - a folder holding `manifest.csv` (read as above);
 * - a folder with one subfolder per class (names starting with `_` or `.`,
 *   such as Speech Commands' `_background_noise_`, are skipped).
 *
 * Audio: each clip is read (any PCM/float WAV, channels mixed), resampled to
 * the feature config's rate, cropped or zero-padded to its input length, and
 * run through the feature extractor (or kept as the raw waveform). Groups come
 * from the manifest or else the file name (Speech Commands' `SPEAKER_nohash_N`,
 * otherwise the part before the first `_`), so grouped splits keep a speaker
 * out of two splits. A health report (class balance, rates, clipping, NaN/Inf,
 * short clips, duplicates) is computed in the same pass. Errors name the file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { MlforgeError } from '../errors.js';
import { featureExtractor, featureShape, parseFeatureConfig, type AudioFeatureConfig, type FeatureConfig, type FeatureInput, type MotionFeatureConfig } from '../dsp/index.js';
import { subset, type Dataset } from './dataset.js';
import { datasetHealth, type HealthItem, type HealthOptions, type HealthReport } from './health.js';
import { loadSeriesCsv, seriesDataset, WindowOptions, type Series, type SeriesCsvOptions, type SeriesSource } from './series.js';
import { stratifiedSplit, type Splits } from './split.js';
import { fitLength, readWav, resample } from './wav.js';

export const MANIFEST_NAME = 'manifest.csv';
const MAX_MANIFEST_BYTES = 64 << 20;

export interface LabelledFile {
  /** Absolute path. */
  readonly path: string;
  /** As shown in messages and results: relative to the dataset root. */
  readonly name: string;
  readonly label: string;
  readonly group?: string;
  readonly split?: string;
  /** The manifest's other columns. */
  readonly meta?: Readonly<Record<string, string>>;
}

export interface FileListing {
  readonly source: 'manifest' | 'folders';
  /** The manifest file or the class-folder root. */
  readonly root: string;
  readonly files: readonly LabelledFile[];
}

const FILE_COLUMNS = ['file', 'path', 'filename', 'wav'];
const LABEL_COLUMNS = ['label', 'class', 'category'];
const GROUP_COLUMNS = ['group', 'speaker', 'voice', 'subject', 'machine', 'recording'];
const SPLIT_COLUMNS = ['split', 'set'];

/** CSV cells of one line: commas, double-quoted cells with "" escapes. */
function csvCells(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined; // unterminated quote
        if (line[i] === '"') {
          if (line[i + 1] === '"') { cell += '"'; i += 2; continue; }
          i++;
          break;
        }
        cell += line[i++];
      }
      while (i < line.length && line[i] !== ',') {
        if (line[i] !== ' ' && line[i] !== '\t') return undefined; // text after a closing quote
        i++;
      }
    } else {
      const j = line.indexOf(',', i);
      cell = line.slice(i, j < 0 ? line.length : j);
      i = j < 0 ? line.length : j;
    }
    out.push(cell.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}

const show = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);

/** Reads a manifest: every row's file must exist (paths relative to the manifest's folder). */
export function readManifest(file: string): FileListing {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new MlforgeError('NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_MANIFEST_BYTES) throw new MlforgeError('BAD_INPUT', `${file}: ${size} bytes; manifests above ${MAX_MANIFEST_BYTES} bytes are refused`);
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  const bad = (m: string) => new MlforgeError('BAD_INPUT', `${file}: ${m}`);
  if (lines.length === 0) throw bad('empty manifest');
  const header = csvCells(lines[0]!)?.map((h) => h.toLowerCase());
  if (!header) throw bad('row 1 (header): unterminated quote');
  const find = (names: string[]) => names.map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1;
  const fCol = find(FILE_COLUMNS);
  const lCol = find(LABEL_COLUMNS);
  if (fCol < 0 || lCol < 0) {
    throw bad(`header ${show(lines[0]!)} needs a ${fCol < 0 ? 'file' : 'label'} column (${(fCol < 0 ? FILE_COLUMNS : LABEL_COLUMNS).join(', ')})`);
  }
  const gCol = find(GROUP_COLUMNS);
  const sCol = find(SPLIT_COLUMNS);
  const dir = dirname(resolve(file));
  const seen = new Map<string, number>();
  const files: LabelledFile[] = [];
  for (let r = 1; r < lines.length; r++) {
    if (lines[r]!.trim() === '') continue;
    const at = `row ${r + 1}`;
    const cells = csvCells(lines[r]!);
    if (!cells) throw bad(`${at}: unterminated quote or text after a closing quote`);
    if (cells.length !== header.length) throw bad(`${at} has ${cells.length} columns, expected ${header.length} (as in the header)`);
    const name = cells[fCol]!;
    const label = cells[lCol]!;
    if (!name) throw bad(`${at}: empty file name`);
    if (!label) throw bad(`${at}: empty label for ${show(name)}`);
    const path = isAbsolute(name) ? name : join(dir, name);
    const first = seen.get(path);
    if (first !== undefined) throw bad(`${at}: ${show(name)} is listed again (first in row ${first})`);
    seen.set(path, r + 1);
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      throw bad(`${at}: ${show(name)} ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`}`);
    }
    if (!st.isFile()) throw bad(`${at}: ${show(name)} is not a file`);
    const meta: Record<string, string> = {};
    header.forEach((h, i) => { if (i !== fCol && i !== lCol && i !== gCol && i !== sCol) meta[h] = cells[i]!; });
    files.push({
      path, name, label,
      group: gCol >= 0 && cells[gCol] ? cells[gCol] : undefined,
      split: sCol >= 0 && cells[sCol] ? cells[sCol]!.toLowerCase() : undefined,
      meta,
    });
  }
  if (files.length === 0) throw bad('no rows after the header');
  return { source: 'manifest', root: file, files };
}

/**
 * The labelled files of a dataset path (see the file comment): a manifest, a
 * folder with manifest.csv, or one subfolder per class holding `*ext` files.
 */
export function listLabelledFiles(path: string, ext: string): FileListing {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new MlforgeError('NOT_FOUND', `dataset ${path} ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(e as NodeJS.ErrnoException).code})`}`);
  }
  if (st.isFile()) return readManifest(path);
  if (existsSync(join(path, MANIFEST_NAME))) return readManifest(join(path, MANIFEST_NAME));
  const want = ext.toLowerCase();
  const classes = readdirSync(path, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  const files: LabelledFile[] = [];
  for (const label of classes) {
    const dir = join(path, label);
    const names = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile() && extname(d.name).toLowerCase() === want)
      .map((d) => d.name)
      .sort();
    for (const n of names) files.push({ path: join(dir, n), name: `${label}/${n}`, label });
  }
  if (files.length === 0) {
    const loose = readdirSync(path).some((n) => extname(n).toLowerCase() === want);
    throw new MlforgeError('BAD_INPUT', `dataset ${path}: no class folders with ${want} files${loose ? ` (the ${want} files sit in the folder itself)` : ''}`,
      `expected ${path}/<label>/*${want}, or a ${MANIFEST_NAME} with file,label[,group] columns`);
  }
  return { source: 'folders', root: path, files };
}

/** Speech Commands' `SPEAKER_nohash_N.wav` → SPEAKER; else the part before the first `_`; else none. */
export function groupFromFileName(name: string): string | undefined {
  const base = basename(name, extname(name));
  const nohash = base.indexOf('_nohash_');
  if (nohash > 0) return base.slice(0, nohash);
  const u = base.indexOf('_');
  return u > 0 ? base.slice(0, u) : undefined;
}

export interface LoadedFolder {
  readonly dataset: Dataset;
  /** Per sample: the file (audio) or the file of the window (series). */
  readonly files: readonly string[];
  /** Group names, indexed by dataset.groups. */
  readonly groupNames: readonly string[];
  /** Per sample: the manifest's split ('' where it has none); absent without a split column. */
  readonly splits?: readonly string[];
  readonly health: HealthReport;
  readonly source: 'manifest' | 'folders';
  /** The features the samples hold (absent: raw samples). */
  readonly features?: FeatureConfig;
}

/** A feature config from user input or one already parsed (a parsed motion config carries bandEdges, which the input schema refuses). */
function featureConfig(input: FeatureInput | FeatureConfig, where: string): FeatureConfig {
  if ((input as { kind?: string }).kind === 'motion' && Array.isArray((input as { bandEdges?: unknown }).bandEdges)) return input as MotionFeatureConfig;
  return parseFeatureConfig(input, where);
}

function groupsOf(files: readonly LabelledFile[], from: (f: LabelledFile) => string): { groups: Int32Array; names: string[] } {
  const index = new Map<string, number>();
  const groups = Int32Array.from(files, (f) => {
    const g = from(f);
    let i = index.get(g);
    if (i === undefined) index.set(g, (i = index.size));
    return i;
  });
  return { groups, names: [...index.keys()] };
}

export interface AudioFolderOptions {
  /** An audio feature config (mfcc, logmel, spectrogram); its sampleRate and inputLength shape the clips. */
  readonly features?: FeatureInput | FeatureConfig;
  /** Without features: the rate clips are resampled to and … */
  readonly sampleRate?: number;
  /** … the samples each clip is cropped or padded to (the dataset holds [length, 1] waveforms). */
  readonly length?: number;
  /** Channel handling (default: mix to mono). */
  readonly channel?: 'mix' | number;
  /** Only the manifest rows of this split (e.g. 'train'). */
  readonly split?: string;
  /** Group for files the manifest gives none (default groupFromFileName, else the file itself). */
  readonly groupFromName?: (name: string) => string | undefined;
  /** Health: clips shorter than this are listed (default: half the example length). */
  readonly minSeconds?: number;
  readonly name?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

function audioConfig(o: AudioFolderOptions, where: string): { rate: number; length: number; c?: AudioFeatureConfig } {
  if (o.features !== undefined) {
    const c = featureConfig(o.features, `${where}: features`);
    if (c.kind === 'motion') throw new MlforgeError('BAD_INPUT', `${where}: features.kind is "motion"; audio folders need mfcc, logmel or spectrogram`);
    return { rate: c.sampleRate, length: c.inputLength, c };
  }
  const rate = o.sampleRate;
  const length = o.length;
  if (!(Number.isInteger(rate) && rate! >= 1000 && rate! <= 384_000)) throw new MlforgeError('BAD_INPUT', `${where}: sampleRate must be an integer in 1000..384000 Hz (or give features), got ${rate}`);
  if (!(Number.isInteger(length) && length! >= 1 && length! <= 1 << 24)) throw new MlforgeError('BAD_INPUT', `${where}: length must be an integer number of samples in 1..${1 << 24} (or give features), got ${length}`);
  return { rate: rate!, length: length! };
}

/** Loads a WAV dataset (folder of class folders, or a manifest) into features. */
export function loadAudioFolder(path: string, o: AudioFolderOptions = {}): LoadedFolder {
  const { rate, length, c } = audioConfig(o, path);
  const listing = listLabelledFiles(path, '.wav');
  const files = o.split === undefined ? listing.files : listing.files.filter((f) => f.split === o.split!.toLowerCase());
  if (files.length === 0) throw new MlforgeError('BAD_INPUT', `dataset ${path}: no rows with split "${o.split}"`, `splits present: ${[...new Set(listing.files.map((f) => f.split ?? '(none)'))].join(', ')}`);
  const extract = c ? featureExtractor(c) : undefined;
  const shape = c ? featureShape(c) : [length, 1];
  const per = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(files.length * per);
  const labels = [...new Set(files.map((f) => f.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const y = Int32Array.from(files, (f) => labelIndex.get(f.label)!);
  const fromName = o.groupFromName ?? groupFromFileName;
  const { groups, names } = groupsOf(files, (f) => f.group ?? fromName(f.name) ?? f.name);
  const healthOptions: HealthOptions = { kind: 'audio', expectedRate: rate, minSeconds: o.minSeconds ?? length / rate / 2 };

  function* items(): Generator<HealthItem> {
    for (const [i, f] of files.entries()) {
      const wav = readWav(f.path, { channel: o.channel });
      yield { name: f.name, label: f.label, sampleRate: wav.sampleRate, values: wav.samples, clipped: wav.clipped / wav.channels };
      // NaN/Inf (float WAVs) are in the health report; the features see silence instead.
      const s = wav.samples;
      for (let k = 0; k < s.length; k++) if (!Number.isFinite(s[k]!)) s[k] = 0;
      const clip = fitLength(wav.sampleRate === rate ? s : resample(s, wav.sampleRate, rate), length);
      if (extract) {
        const v = extract(clip);
        if (v.length !== per) throw new MlforgeError('INTERNAL', `${f.name}: features gave ${v.length} values, expected ${per}`);
        x.set(v, i * per);
      } else {
        x.set(clip, i * per);
      }
      o.onProgress?.(i + 1, files.length);
    }
  }
  const health = datasetHealth(items(), healthOptions);
  const hasSplit = files.some((f) => f.split !== undefined);
  return {
    dataset: { name: o.name ?? basename(listing.source === 'manifest' ? dirname(resolve(listing.root)) : resolve(listing.root)), shape, x, y, labels, groups },
    files: files.map((f) => f.name),
    groupNames: names,
    splits: hasSplit ? files.map((f) => f.split ?? '') : undefined,
    health,
    source: listing.source,
    features: c,
  };
}

export interface SeriesFolderOptions {
  /** Window length and stride in rows (see WindowOptions). */
  readonly window: WindowOptions;
  /** How each CSV is read (columns, time unit). */
  readonly csv?: SeriesCsvOptions;
  /** A motion feature config applied to every window (axes and windowLength must match); absent: raw windows [length, axes]. */
  readonly features?: FeatureInput | FeatureConfig;
  /** Only the manifest rows of this split. */
  readonly split?: string;
  /** Anomaly detection: this label becomes `normal` (class 0) and every other one `anomaly` (class 1). */
  readonly normal?: string;
  readonly name?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface LoadedSeriesFolder extends LoadedFolder {
  /** Per window: its original label (before a `normal` mapping). */
  readonly windowLabels: readonly string[];
  /** Per window: the manifest's `condition` column, when it has one. */
  readonly conditions?: readonly string[];
}

/** Windows per series, exactly as windowSeries cuts them. */
function windowCount(rows: number, o: { length: number; stride: number; pad: boolean }): number {
  let n = 0;
  let st = 0;
  for (; st + o.length <= rows; st += o.stride) n++;
  if (o.pad && st < rows && (n === 0 || (st - o.stride) + o.length < rows)) n++;
  return n;
}

/** Loads a time-series dataset (class folders of CSVs, or a manifest) into windows or motion features. */
export function loadSeriesFolder(path: string, o: SeriesFolderOptions): LoadedSeriesFolder {
  const w = WindowOptions.safeParse(o.window);
  if (!w.success) {
    const i = w.error.issues[0]!;
    throw new MlforgeError('BAD_INPUT', `${path}: window${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
  }
  const window = w.data;
  const listing = listLabelledFiles(path, '.csv');
  const files = o.split === undefined ? listing.files : listing.files.filter((f) => f.split === o.split!.toLowerCase());
  if (files.length === 0) throw new MlforgeError('BAD_INPUT', `dataset ${path}: no rows with split "${o.split}"`, `splits present: ${[...new Set(listing.files.map((f) => f.split ?? '(none)'))].join(', ')}`);
  const series: Series[] = files.map((f, i) => {
    const s = loadSeriesCsv(f.path, o.csv);
    o.onProgress?.(i + 1, files.length);
    return { ...s, name: f.name };
  });
  const label = (l: string) => (o.normal === undefined ? l : l === o.normal ? 'normal' : 'anomaly');
  if (o.normal !== undefined && !files.some((f) => f.label === o.normal)) {
    throw new MlforgeError('BAD_INPUT', `dataset ${path}: no file has the normal label "${o.normal}"`, `labels: ${[...new Set(files.map((f) => f.label))].join(', ')}`);
  }
  const sources: SeriesSource[] = series.map((s, i) => ({ series: s, label: label(files[i]!.label), group: files[i]!.group ?? files[i]!.name }));
  let dataset = seriesDataset(sources, window, o.name ?? basename(listing.source === 'manifest' ? dirname(resolve(listing.root)) : resolve(listing.root)));
  const counts = series.map((s) => windowCount(s.rows, window));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== dataset.y.length) throw new MlforgeError('INTERNAL', `${path}: counted ${total} windows, the dataset has ${dataset.y.length}`);
  const perWindow = <T>(f: (i: number) => T): T[] => counts.flatMap((n, i) => new Array<T>(n).fill(f(i)));
  if (o.normal !== undefined) {
    // Normal is class 0 and anomaly class 1, whichever of them this subset holds.
    dataset = { ...dataset, labels: ['normal', 'anomaly'], y: Int32Array.from(perWindow((i) => (files[i]!.label === o.normal ? 0 : 1))) };
  }
  const groupNames: string[] = [];
  for (const s of sources) if (!groupNames.includes(s.group!)) groupNames.push(s.group!);

  let c: MotionFeatureConfig | undefined;
  if (o.features !== undefined) {
    const parsed = featureConfig(o.features, `${path}: features`);
    if (parsed.kind !== 'motion') throw new MlforgeError('BAD_INPUT', `${path}: features.kind is "${parsed.kind}"; series folders need "motion"`);
    const axes = series[0]!.axes.length;
    if (parsed.axes !== axes) throw new MlforgeError('BAD_INPUT', `${path}: features.axes is ${parsed.axes}, the series have ${axes} (${series[0]!.axes.join(', ')})`);
    if (parsed.windowLength !== window.length) throw new MlforgeError('BAD_INPUT', `${path}: features.windowLength is ${parsed.windowLength}, the window length is ${window.length}`);
    c = parsed;
    const extract = featureExtractor(c);
    const shape = featureShape(c);
    const per = shape.reduce((a, b) => a * b, 1);
    const raw = window.length * axes;
    const x = new Float32Array(dataset.y.length * per);
    for (let i = 0; i < dataset.y.length; i++) x.set(extract(dataset.x.subarray(i * raw, (i + 1) * raw)), i * per);
    dataset = { ...dataset, shape, x };
  }

  const health = datasetHealth(series.map((s, i) => ({ name: files[i]!.name, label: files[i]!.label, sampleRate: s.sampleRate || undefined, values: s.values, channels: s.axes.length })),
    { kind: 'series', minSamples: window.length });
  const hasSplit = files.some((f) => f.split !== undefined);
  const hasCondition = files.some((f) => f.meta?.condition !== undefined);
  return {
    dataset,
    files: perWindow((i) => files[i]!.name),
    groupNames,
    splits: hasSplit ? perWindow((i) => files[i]!.split ?? '') : undefined,
    windowLabels: perWindow((i) => files[i]!.label),
    conditions: hasCondition ? perWindow((i) => files[i]!.meta?.condition ?? '') : undefined,
    health,
    source: listing.source,
    features: c,
  };
}

/**
 * Train/validation/test from a manifest's split column: `test` rows are the
 * test set; `val` rows (if any) the validation set, else a grouped, stratified
 * `val` fraction of the training rows; every other row trains.
 */
export function manifestSplits(loaded: Pick<LoadedFolder, 'dataset' | 'splits'>, o: { val: number; seed: number }): Splits {
  const d = loaded.dataset;
  if (!loaded.splits) throw new MlforgeError('BAD_INPUT', `${d.name}: the manifest has no split column`, 'use stratifiedSplit (grouped) instead');
  const idx = (want: (s: string) => boolean) => loaded.splits!.flatMap((s, i) => (want(s) ? [i] : []));
  const test = idx((s) => s === 'test');
  if (test.length === 0) throw new MlforgeError('BAD_INPUT', `${d.name}: no rows with split "test" in the manifest`);
  const val = idx((s) => s === 'val' || s === 'valid' || s === 'validation');
  const rest = idx((s) => !['test', 'val', 'valid', 'validation'].includes(s));
  if (rest.length === 0) throw new MlforgeError('BAD_INPUT', `${d.name}: no training rows in the manifest`);
  const testSet = subset(d, test, `${d.name}/test`);
  if (val.length > 0 || o.val <= 0) {
    return { train: subset(d, rest, `${d.name}/train`), val: subset(d, val, `${d.name}/val`), test: testSet };
  }
  const pool = subset(d, rest, d.name);
  const s = stratifiedSplit(pool, { val: 0, test: o.val, seed: o.seed });
  return { train: s.train, val: { ...s.test, name: `${d.name}/val` }, test: testSet };
}
