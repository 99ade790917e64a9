/**
 * Audio features in TypeScript (float64 inside, float32 out), stage for stage
 * the same as mlf_audio_features() in native/dsp: pre-emphasis → frame →
 * window → real FFT → power → (mel → log → DCT) → optional mean normalisation.
 * Output is frames × bins, row-major (one row per frame).
 */
import { MlforgeError } from '../errors.js';
import type { AudioFeatureConfig } from './config.js';
import { powerSpectrum, rfft, twiddleTable, windowTable } from './fft.js';
import { dctMatrix, melFilterbank, type MelFilterbank } from './mel.js';

/** Float64 tables; emitDspTables writes the same values as float32 C arrays. */
export interface AudioTables {
  readonly window: Float64Array;
  readonly twiddle: Float64Array;
  /** Log-mel and MFCC. */
  readonly mel?: MelFilterbank;
  /** MFCC: numCoeffs × melBins, orthonormal, lifter folded in. */
  readonly dct?: Float64Array;
}

export function audioTables(c: AudioFeatureConfig): AudioTables {
  return {
    window: windowTable(c.window, c.frameLength),
    twiddle: twiddleTable(c.fftLength),
    mel: c.kind === 'spectrogram' ? undefined : melFilterbank(c.sampleRate, c.fftLength, c.melBins, c.fmin, c.fmax),
    dct: c.kind === 'mfcc' ? dctMatrix(c.numCoeffs, c.melBins, c.lifter) : undefined,
  };
}

/** Frames per example: only whole frames, no padding. */
export const audioFrames = (c: AudioFeatureConfig): number => 1 + Math.floor((c.inputLength - c.frameLength) / c.frameStride);

/** Values per frame. */
export const audioBins = (c: AudioFeatureConfig): number =>
  c.kind === 'spectrogram' ? c.fftLength / 2 + 1 : c.kind === 'logmel' ? c.melBins : c.numCoeffs;

export function audioFeatures(c: AudioFeatureConfig, input: ArrayLike<number>, tables: AudioTables = audioTables(c)): Float32Array {
  if (input.length !== c.inputLength) {
    throw new MlforgeError('BAD_INPUT', `audio features: expected ${c.inputLength} samples, got ${input.length}`, 'crop or pad clips to inputLength first (fitLength)');
  }
  const frames = audioFrames(c);
  const perFrame = audioBins(c);
  const bins = c.fftLength / 2 + 1;
  const out = new Float64Array(frames * perFrame);
  const buf = new Float64Array(c.fftLength + 2);
  const mel = new Float64Array(c.kind === 'spectrogram' ? 0 : c.melBins);
  const row = new Float64Array(perFrame);
  for (let f = 0; f < frames; f++) {
    const s = f * c.frameStride;
    for (let i = 0; i < c.frameLength; i++) {
      const prev = s + i > 0 ? input[s + i - 1]! : 0;
      buf[i] = (input[s + i]! - c.preEmphasis * prev) * tables.window[i]!;
    }
    buf.fill(0, c.frameLength);
    rfft(tables.twiddle, c.fftLength, buf);
    powerSpectrum(buf, bins);
    if (c.kind === 'spectrogram') {
      for (let k = 0; k < bins; k++) row[k] = c.log ? Math.log(buf[k]! + c.logFloor) : buf[k]!;
    } else {
      const { start, len, weights } = tables.mel!;
      for (let j = 0, w = 0; j < c.melBins; j++) {
        let e = 0;
        for (let k = 0; k < len[j]!; k++) e += weights[w++]! * buf[start[j]! + k]!;
        mel[j] = Math.log(e + c.logFloor);
      }
      if (c.kind === 'logmel') row.set(mel);
      else {
        for (let k = 0; k < c.numCoeffs; k++) {
          let v = 0;
          for (let j = 0; j < c.melBins; j++) v += tables.dct![k * c.melBins + j]! * mel[j]!;
          row[k] = v;
        }
      }
    }
    out.set(row, f * perFrame);
  }
  if (c.cmn) meanNormalize(out, frames, perFrame);
  return Float32Array.from(out);
}

/** Subtracts each column's mean over the rows (cepstral mean normalisation). */
export function meanNormalize(x: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * cols + j]!;
    const mean = sum / rows;
    for (let r = 0; r < rows; r++) x[r * cols + j] = x[r * cols + j]! - mean;
  }
}
