/**
 * Raw windows for verifying a model with a feature block, from a file:
 * - `.wav` (audio features): the mono mix cut into consecutive windows of
 *   inputLength samples; the sample rate must be the config's;
 * - `.csv` (motion features): a series as `mlforge data` reads it (a
 *   timestamp column, first or named t/time/timestamp, one column per axis, an
 *   optional label column) at the config's sample rate, cut into consecutive
 *   windows of windowLength rows;
 * - anything else: float32 little-endian, windows back to back
 *   (MLFORGE_FEATURES_RAW_LEN floats each, motion interleaved [sample][axis]).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadSeriesCsv, windowSeries } from '../data/series.js';
import { readWav } from '../data/wav.js';
import type { FeatureConfig } from '../dsp/index.js';
import { MlforgeError } from '../errors.js';

/** Larger raw files are refused: verification needs hundreds of windows, not millions. */
const MAX_RAW_BYTES = 256 << 20;

export function readRawWindows(file: string, c: FeatureConfig): Float32Array[] {
  const f = path.resolve(file);
  let bytes: number;
  try { bytes = statSync(f).size; } catch {
    throw new MlforgeError('NOT_FOUND', `--raw: expected a file of raw windows at ${f}, found nothing`);
  }
  const rawLength = c.kind === 'motion' ? c.windowLength * c.axes : c.inputLength;
  const cut = (x: Float32Array, what: string): Float32Array[] => {
    const n = Math.floor(x.length / rawLength);
    if (n < 1) throw new MlforgeError('BAD_INPUT', `--raw ${f}: expected at least one window of ${rawLength} ${what}, got ${x.length}`);
    return Array.from({ length: n }, (_, k) => x.slice(k * rawLength, (k + 1) * rawLength));
  };
  const ext = path.extname(f).toLowerCase();
  if (ext === '.wav') {
    if (c.kind === 'motion') throw new MlforgeError('BAD_INPUT', `--raw ${f}: a WAV file feeds audio features; the model's features are motion`, 'pass a .csv series or float32 windows');
    const wav = readWav(f);
    if (wav.sampleRate !== c.sampleRate) {
      throw new MlforgeError('BAD_INPUT', `--raw ${f}: expected ${c.sampleRate} Hz audio for the model's features, got ${wav.sampleRate} Hz`, 'resample the file (sox in.wav -r RATE out.wav)');
    }
    return cut(wav.samples, 'samples');
  }
  if (ext === '.csv') {
    if (c.kind !== 'motion') throw new MlforgeError('BAD_INPUT', `--raw ${f}: a CSV series feeds motion features; the model's features are ${c.kind}`, 'pass a .wav file or float32 windows');
    const s = loadSeriesCsv(f);
    if (s.axes.length !== c.axes) throw new MlforgeError('BAD_INPUT', `--raw ${f}: expected ${c.axes} axis columns for the model's features, got ${s.axes.length} (${s.axes.join(', ')})`);
    if (Math.abs(s.sampleRate - c.sampleRate) > 0.01 * c.sampleRate) {
      throw new MlforgeError('BAD_INPUT', `--raw ${f}: expected samples at ${c.sampleRate} Hz for the model's features, the timestamps say ${s.sampleRate.toPrecision(4)} Hz`);
    }
    const w = windowSeries(s, { length: c.windowLength, stride: c.windowLength, pad: false });
    return cut(w.x, 'values');
  }
  if (bytes > MAX_RAW_BYTES || bytes % (4 * rawLength) !== 0) {
    throw new MlforgeError('BAD_INPUT', `--raw ${f}: expected float32 windows of ${rawLength} values (${4 * rawLength} bytes each, at most ${MAX_RAW_BYTES} bytes), got ${bytes} bytes`, 'or pass a .wav (audio) or .csv (motion) file');
  }
  const b = readFileSync(f);
  const x = new Float32Array(b.length / 4);
  for (let i = 0; i < x.length; i++) x[i] = b.readFloatLE(4 * i);
  return cut(x, 'values');
}
