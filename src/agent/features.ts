/**
 * The feature blocks the forge searches with the network, for WAV and
 * time-series folders: the spec's blocks, or standard choices for the data
 * (what KWS and condition-monitoring systems ship), each turned lazily into
 * its own normalized train/val/test view of the raw windows.
 */
import { MlforgeError } from '../errors.js';
import { featureCost, featureExtractor, featureShape, parseFeatureConfig, type DspCost, type FeatureConfig, type FeatureInput } from '../dsp/index.js';
import { computeNormalization, normalizeInPlace, sampleSize, type Dataset, type Normalization } from '../data/dataset.js';
import { forEachAudioCopy, type AudioAugment } from '../data/augment.js';

export interface RawShape {
  readonly kind: 'audio' | 'motion';
  readonly sampleRate: number;
  /** Audio: samples per clip; motion: samples per axis per window. */
  readonly length: number;
  readonly axes: number;
}

/**
 * Audio: MFCC and log-mel front ends at the frame sizes of published KWS
 * systems, with 32-ms frames where they use 40 ms: a frame of a power-of-two
 * sample count needs no zero padding (at 16 kHz 40 ms pads 640 samples to a
 * 1024-point FFT, twice the cost of 512 for no more information), which on a
 * 64-MHz Cortex-M4 decides whether DSP and network fit 100 ms. Blocks: 10 MFCC
 * 32/20 ms (as "Hello Edge" with 40 ms); 13 MFCC 30/20 ms with CMN; 10 MFCC
 * 32/32 ms with CMN, the cheapest; 32 log-mel bins 32/20 ms. Motion: per-axis
 * statistics with 8, 16 or 32 FFT band energies, or statistics alone.
 */
export function defaultFeatureBlocks(r: RawShape): Record<string, unknown>[] {
  if (r.kind === 'motion') {
    const base = { kind: 'motion', sampleRate: r.sampleRate, axes: r.axes, windowLength: r.length };
    return [{ ...base, bands: 16 }, { ...base, bands: 8 }, { ...base, bands: 32 }, { ...base, bands: 0 }];
  }
  const ms = (m: number) => Math.round((r.sampleRate * m) / 1000);
  // The power of two nearest 32 ms: 512 samples at 16 kHz, 256 at 8 kHz.
  const frame = 2 ** Math.round(Math.log2(ms(32)));
  const base = { sampleRate: r.sampleRate, inputLength: r.length, melBins: 40 };
  return [
    { ...base, kind: 'mfcc', frameLength: frame, frameStride: ms(20), numCoeffs: 10 },
    { ...base, kind: 'mfcc', frameLength: ms(30), frameStride: ms(20), numCoeffs: 13, cmn: true },
    { ...base, kind: 'mfcc', frameLength: frame, frameStride: frame, numCoeffs: 10, cmn: true },
    { ...base, kind: 'logmel', frameLength: frame, frameStride: ms(20), melBins: 32 },
  ];
}

/** Checks every block against the raw data (rate, length, axes). */
export function featureConfigs(blocks: readonly Record<string, unknown>[], r: RawShape, where: string): FeatureConfig[] {
  return blocks.map((b, i) => {
    const at = `${where}[${i}]`;
    const c = parseFeatureConfig(b, at);
    const want = r.kind === 'motion' ? 'motion' : 'mfcc, logmel or spectrogram';
    if ((c.kind === 'motion') !== (r.kind === 'motion')) throw new MlforgeError('BAD_INPUT', `${at}.kind: the dataset holds ${r.kind} data, which needs ${want}, got ${c.kind}`);
    if (c.sampleRate !== r.sampleRate) throw new MlforgeError('BAD_INPUT', `${at}.sampleRate: the data is at ${r.sampleRate} Hz, the block expects ${c.sampleRate} Hz`);
    if (c.kind === 'motion') {
      if (c.axes !== r.axes) throw new MlforgeError('BAD_INPUT', `${at}.axes: the series have ${r.axes} axes, the block expects ${c.axes}`);
      if (c.windowLength !== r.length) throw new MlforgeError('BAD_INPUT', `${at}.windowLength: windows are ${r.length} samples, the block expects ${c.windowLength}`);
    } else if (c.inputLength !== r.length) {
      throw new MlforgeError('BAD_INPUT', `${at}.inputLength: clips are ${r.length} samples, the block expects ${c.inputLength}`);
    }
    return c;
  });
}

export interface FeatureView {
  readonly config: FeatureConfig;
  /** The block as written (what a model file stores). */
  readonly block: FeatureInput;
  readonly cost: DspCost;
  readonly shape: readonly number[];
  readonly train: Dataset;
  readonly val: Dataset;
  readonly test: Dataset;
  readonly norm: Normalization;
}

export function describeFeatures(c: FeatureConfig): string {
  if (c.kind === 'motion') {
    const bands = Math.max(c.bandEdges.length - 1, 0);
    return `motion ${c.axes}×${c.windowLength} @ ${c.sampleRate} Hz: ${c.stats.length} stats${bands ? ` + ${bands} bands` : ''}`;
  }
  const ms = (n: number) => `${+(n * 1000 / c.sampleRate).toFixed(1)}`;
  const bins = c.kind === 'mfcc' ? `${c.numCoeffs} MFCC` : c.kind === 'logmel' ? `${c.melBins} log-mel` : 'spectrogram';
  return `${bins}, ${ms(c.frameLength)}/${ms(c.frameStride)} ms${c.kind === 'mfcc' && c.cmn ? ', CMN' : ''} → ${featureShape(c).slice(0, 2).join('×')}`;
}

/**
 * Features of every sample of a split of raw windows, then (audio training
 * data) of each sample's perturbed copies, which keep its label and group.
 */
function extract(c: FeatureConfig, d: Dataset, augment?: AudioAugment): Dataset {
  const f = featureExtractor(c);
  const shape = featureShape(c);
  const per = shape.reduce((a, b) => a * b, 1);
  const raw = sampleSize(d);
  const n = d.y.length;
  const copies = augment && c.kind !== 'motion' ? augment.copies : 0;
  const x = new Float32Array(n * (1 + copies) * per);
  for (let i = 0; i < n; i++) x.set(f(d.x.subarray(i * raw, (i + 1) * raw)), i * per);
  if (copies === 0) return { ...d, shape, x };
  let at = n * per;
  forEachAudioCopy(d.x, raw, augment!, (clip) => { x.set(f(clip), at); at += per; });
  const repeat = (v: Int32Array): Int32Array => {
    const r = new Int32Array(n * (1 + copies));
    for (let k = 0; k <= copies; k++) r.set(v, k * n);
    return r;
  };
  return { ...d, shape, x, y: repeat(d.y), ...(d.groups ? { groups: repeat(d.groups) } : {}) };
}

/**
 * The view of one feature block: features of each split, normalized with
 * training statistics per feature value (MFCC coefficients differ in scale by
 * orders of magnitude; one mean/std per value keeps every one in play).
 */
export function featureView(block: FeatureInput, c: FeatureConfig, raw: { train: Dataset; val: Dataset; test: Dataset }, augment?: AudioAugment): FeatureView {
  const train = extract(c, raw.train, augment);
  const val = extract(c, raw.val);
  const test = extract(c, raw.test);
  const norm = computeNormalization(train, true);
  for (const s of [train, val, test]) normalizeInPlace(s.x, norm);
  return { config: c, block, cost: featureCost(c), shape: train.shape, train, val, test, norm };
}
