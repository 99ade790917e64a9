/**
 * Feature-extraction configs (zod): what the spec and the search choose, in
 * samples and hertz. Parsing fills the derived defaults (fftLength, fmax,
 * band edges) so every later stage — TS features, cost, C tables — sees one
 * complete, validated object.
 */
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import { melFilterbank } from './mel.js';

export const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
export const nextPowerOfTwo = (n: number): number => {
  let p = 2;
  while (p < n) p *= 2;
  return p;
};
/** Largest FFT the C side supports (bin indices stay well inside int32, tables stay small). */
export const MAX_FFT = 1 << 15;

const int = (lo: number, hi: number) => z.number().int().min(lo).max(hi);

const AudioFields = z.strictObject({
  kind: z.enum(['mfcc', 'logmel', 'spectrogram']),
  sampleRate: int(1000, 384_000),
  /** Samples per example (e.g. 16000 for 1 s at 16 kHz). */
  inputLength: int(2, 1 << 24),
  frameLength: int(2, MAX_FFT),
  frameStride: int(1, 1 << 24),
  /** Power of two ≥ frameLength; default the next one. */
  fftLength: int(2, MAX_FFT).optional(),
  /** Periodic windows (the spectral-analysis convention of librosa and TF). */
  window: z.enum(['hann', 'hamming']).default('hann'),
  /** y[n] = x[n] − a·x[n−1]; 0 turns it off. */
  preEmphasis: z.number().min(0).max(1).default(0.97),
  melBins: int(1, 512).default(40),
  fmin: z.number().min(0).default(20),
  /** Default: Nyquist. */
  fmax: z.number().positive().optional(),
  numCoeffs: int(1, 512).default(13),
  /** HTK liftering 1 + (L/2)·sin(πk/L); 0 turns it off. */
  lifter: z.number().min(0).max(1000).default(0),
  /** Subtract each feature's mean over the frames of an example (cepstral mean normalisation). */
  cmn: z.boolean().default(false),
  /** Spectrogram only: natural log of power (log-mel and MFCC are always logged). */
  log: z.boolean().default(true),
  /** Added to energies before the log, so silence maps to ln(logFloor). */
  logFloor: z.number().positive().max(1).default(1e-6),
});

export const AudioFeatureConfig = AudioFields.transform((c, ctx) => {
  const fail = (path: string, message: string) => {
    ctx.addIssue({ code: 'custom', path: [path], message, input: c });
    return z.NEVER;
  };
  if (c.frameLength > c.inputLength) return fail('frameLength', `must be at most inputLength (${c.inputLength}), got ${c.frameLength}`);
  const fftLength = c.fftLength ?? nextPowerOfTwo(c.frameLength);
  if (!isPowerOfTwo(fftLength) || fftLength < c.frameLength) {
    return fail('fftLength', `must be a power of two ≥ frameLength (${c.frameLength}), got ${fftLength}`);
  }
  const nyquist = c.sampleRate / 2;
  const fmax = c.fmax ?? nyquist;
  if (fmax > nyquist) return fail('fmax', `must be at most the Nyquist frequency ${nyquist} Hz, got ${fmax}`);
  if (c.fmin >= fmax) return fail('fmin', `must be below fmax (${fmax} Hz), got ${c.fmin}`);
  if (c.kind === 'mfcc' && c.numCoeffs > c.melBins) return fail('numCoeffs', `must be at most melBins (${c.melBins}), got ${c.numCoeffs}`);
  if (c.kind !== 'spectrogram') {
    // A triangle that covers no FFT bin would always output ln(logFloor).
    const empty = melFilterbank(c.sampleRate, fftLength, c.melBins, c.fmin, fmax).len.indexOf(0);
    if (empty >= 0) return fail('melBins', `mel filter ${empty} covers no FFT bin at fftLength ${fftLength}; use fewer melBins, a larger fftLength or a wider fmin–fmax`);
  }
  return { ...c, fftLength, fmax };
});
export type AudioFeatureConfig = z.output<typeof AudioFeatureConfig>;
export type AudioFeatureInput = z.input<typeof AudioFeatureConfig>;

export const MOTION_STATS = ['mean', 'rms', 'std', 'skew', 'kurtosis', 'peak'] as const;
export type MotionStat = (typeof MOTION_STATS)[number];

const MotionFields = z.strictObject({
  kind: z.literal('motion'),
  sampleRate: z.number().positive().max(1e6),
  axes: int(1, 64),
  /** Samples per axis per example; input is [windowLength, axes] interleaved. */
  windowLength: int(2, 1 << 20),
  /** Kept in the canonical order of MOTION_STATS whatever order is given. */
  stats: z.array(z.enum(MOTION_STATS)).default([...MOTION_STATS]),
  /** Power of two ≥ windowLength (zero-padded); default the next one. */
  fftLength: int(2, MAX_FFT).optional(),
  /** A number of equal-width bands from 0 Hz to Nyquist, or explicit ascending edges in Hz; 0 turns band energies off. */
  bands: z.union([int(0, 1024), z.array(z.number().min(0)).min(2)]).default(8),
  window: z.enum(['hann', 'none']).default('hann'),
  /** Subtract the axis mean before the FFT (gravity and drift would fill the first band). */
  removeMean: z.boolean().default(true),
  logBands: z.boolean().default(true),
  logFloor: z.number().positive().max(1).default(1e-6),
});

export const MotionFeatureConfig = MotionFields.transform((c, ctx) => {
  const fail = (path: string, message: string) => {
    ctx.addIssue({ code: 'custom', path: [path], message, input: c });
    return z.NEVER;
  };
  const stats = MOTION_STATS.filter((s) => c.stats.includes(s));
  const nBands = typeof c.bands === 'number' ? c.bands : c.bands.length - 1;
  if (stats.length === 0 && nBands === 0) return fail('stats', 'at least one statistic or one band is needed');
  const fftLength = c.fftLength ?? Math.min(nextPowerOfTwo(c.windowLength), MAX_FFT);
  if (nBands > 0 && (!isPowerOfTwo(fftLength) || fftLength < c.windowLength)) {
    return fail('fftLength', `must be a power of two ≥ windowLength (${c.windowLength}), got ${fftLength}`);
  }
  const nyquist = c.sampleRate / 2;
  const edgesHz = typeof c.bands === 'number'
    ? Array.from({ length: c.bands + 1 }, (_, i) => (i * nyquist) / Math.max(c.bands as number, 1))
    : c.bands;
  // Band b sums FFT bins [bandEdges[b], bandEdges[b+1]); the Nyquist edge includes the Nyquist bin.
  const bandEdges = nBands === 0 ? [] : edgesHz.map((hz) => (hz >= nyquist ? fftLength / 2 + 1 : Math.round((hz * fftLength) / c.sampleRate)));
  for (let b = 0; b < nBands; b++) {
    if (edgesHz[b + 1]! <= edgesHz[b]! || edgesHz[b + 1]! > nyquist) {
      return fail('bands', `edges must ascend within 0–${nyquist} Hz, got ${edgesHz[b]} then ${edgesHz[b + 1]}`);
    }
    if (bandEdges[b + 1]! <= bandEdges[b]!) {
      return fail('bands', `band ${b} (${edgesHz[b]}–${edgesHz[b + 1]} Hz) covers no FFT bin at fftLength ${fftLength}; use fewer bands or a larger fftLength`);
    }
  }
  return { ...c, stats, fftLength, bandEdges };
});
export type MotionFeatureConfig = z.output<typeof MotionFeatureConfig>;
export type MotionFeatureInput = z.input<typeof MotionFeatureConfig>;

export const FeatureConfig = z.union([AudioFeatureConfig, MotionFeatureConfig]);
/**
 * The fields of a feature config without the derived values (what a user
 * writes, defaults filled): the form stored in files, which parses again as
 * itself. Cross-field checks need parseFeatureConfig.
 */
export const FeatureFields = z.discriminatedUnion('kind', [AudioFields, MotionFields]);
export type FeatureConfig = AudioFeatureConfig | MotionFeatureConfig;
export type FeatureInput = AudioFeatureInput | MotionFeatureInput;

/** Validates a feature config; one error line naming the field (`where` is e.g. the spec file). */
export function parseFeatureConfig(input: unknown, where = 'features'): FeatureConfig {
  const kind = (input as { kind?: unknown } | null)?.kind;
  const schema = kind === 'motion' ? MotionFeatureConfig : AudioFeatureConfig;
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.length ? `.${issue.path.join('.')}` : '';
  throw new MlforgeError('BAD_INPUT', `${where}${at}: ${issue.message}`, 'kind is one of mfcc, logmel, spectrogram, motion');
}
