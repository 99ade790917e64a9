import { describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import {
  audioFrames, emitDspHeader, emitDspTables, featureCost, featureExtractor, featureShape, hzToMel, melToHz,
  parseFeatureConfig, type AudioFeatureConfig, type MotionFeatureConfig,
} from '../../src/dsp/index.js';
import { Rng } from '../../src/util/random.js';

const err = (f: () => unknown): MlforgeError => {
  try { f(); } catch (e) { if (e instanceof MlforgeError) return e; throw e; }
  throw new Error('expected an MlforgeError');
};
const KWS = { kind: 'mfcc', sampleRate: 16000, inputLength: 16000, frameLength: 640, frameStride: 320 } as const;

/** MFCC written out from the textbook definitions: naive DFT, dense triangles, DCT-II sums. */
function referenceMfcc(c: AudioFeatureConfig, x: Float32Array): number[][] {
  const y = Array.from(x, (v, i) => v - c.preEmphasis * (i ? x[i - 1]! : 0));
  const mels = Array.from({ length: c.melBins + 2 }, (_, i) => melToHz(hzToMel(c.fmin) + (i * (hzToMel(c.fmax) - hzToMel(c.fmin))) / (c.melBins + 1)));
  const out: number[][] = [];
  for (let f = 0; f < audioFrames(c); f++) {
    const frame = Array.from({ length: c.frameLength }, (_, i) => y[f * c.frameStride + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / c.frameLength)));
    const power = Array.from({ length: c.fftLength / 2 + 1 }, (_, k) => {
      let re = 0;
      let im = 0;
      frame.forEach((v, t) => { re += v * Math.cos((2 * Math.PI * k * t) / c.fftLength); im -= v * Math.sin((2 * Math.PI * k * t) / c.fftLength); });
      return re * re + im * im;
    });
    const logmel = Array.from({ length: c.melBins }, (_, j) => Math.log(power.reduce((s, p, k) => {
      const hz = (k * c.sampleRate) / c.fftLength;
      return s + p * Math.max(0, Math.min((hz - mels[j]!) / (mels[j + 1]! - mels[j]!), (mels[j + 2]! - hz) / (mels[j + 2]! - mels[j + 1]!)));
    }, 0) + c.logFloor));
    out.push(Array.from({ length: c.numCoeffs }, (_, k) => {
      const lift = c.lifter ? 1 + (c.lifter / 2) * Math.sin((Math.PI * k) / c.lifter) : 1;
      return lift * Math.sqrt((k ? 2 : 1) / c.melBins) * logmel.reduce((s, v, n) => s + v * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * c.melBins)), 0);
    }));
  }
  return out;
}

describe('feature configs', () => {
  it('fills defaults: next power-of-two FFT, Nyquist fmax', () => {
    const c = parseFeatureConfig(KWS) as AudioFeatureConfig;
    expect(c).toMatchObject({ fftLength: 1024, fmax: 8000, melBins: 40, numCoeffs: 13, window: 'hann', preEmphasis: 0.97 });
    expect(featureShape(c)).toEqual([49, 13, 1]);
  });

  it('names the field of a bad value in one line', () => {
    expect(err(() => parseFeatureConfig({ ...KWS, fftLength: 1000 }, 'spec.yaml: features')).message)
      .toBe('spec.yaml: features.fftLength: must be a power of two ≥ frameLength (640), got 1000');
    expect(err(() => parseFeatureConfig({ ...KWS, frameLength: 20000 })).message).toContain('features.frameLength: must be at most inputLength');
    expect(err(() => parseFeatureConfig({ ...KWS, fmax: 9000 })).message).toContain('features.fmax: must be at most the Nyquist frequency 8000 Hz');
    expect(err(() => parseFeatureConfig({ ...KWS, numCoeffs: 50 })).message).toContain('features.numCoeffs: must be at most melBins (40)');
    expect(err(() => parseFeatureConfig({ ...KWS, melBins: 128, frameLength: 64 })).message).toMatch(/features\.melBins: mel filter 0 covers no FFT bin/);
    expect(err(() => parseFeatureConfig({ ...KWS, melbins: 4 })).message).toMatch(/^features: Unrecognized key/);
    expect(err(() => parseFeatureConfig({ kind: 'motion', sampleRate: 100, axes: 3, windowLength: 100, bands: 200 })).message)
      .toMatch(/features\.bands: band 0 \(0–0\.25 Hz\) covers no FFT bin at fftLength 128/);
    expect(err(() => parseFeatureConfig({ kind: 'motion', sampleRate: 100, axes: 3, windowLength: 100, bands: [0, 20, 10] })).message)
      .toContain('features.bands: edges must ascend within 0–50 Hz, got 20 then 10');
  });
});

describe('audio features', () => {
  it('MFCC (lifter, pre-emphasis) equals the textbook definition', () => {
    const c = parseFeatureConfig({ kind: 'mfcc', sampleRate: 8000, inputLength: 1000, frameLength: 200, frameStride: 100, fftLength: 256, melBins: 20, numCoeffs: 12, lifter: 22 }) as AudioFeatureConfig;
    const rng = new Rng(5);
    const x = Float32Array.from({ length: 1000 }, (_, i) => 0.3 * Math.sin(i * 0.3) + 0.05 * rng.normal());
    const got = featureExtractor(c)(x);
    const want = referenceMfcc(c, x).flat();
    expect(got.length).toBe(want.length);
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
  });

  it('cepstral mean normalisation zeroes each coefficient\'s mean over frames', () => {
    const c = parseFeatureConfig({ ...KWS, cmn: true }) as AudioFeatureConfig;
    const rng = new Rng(1);
    const got = featureExtractor(c)(Float32Array.from({ length: 16000 }, () => rng.normal() * 0.1));
    for (let k = 0; k < 13; k++) {
      let s = 0;
      for (let f = 0; f < 49; f++) s += got[f * 13 + k]!;
      expect(Math.abs(s / 49)).toBeLessThan(1e-5);
    }
  });

  it('silence maps log-mel to ln(logFloor); the log spectrogram peaks at a tone\'s bin', () => {
    const mel = parseFeatureConfig({ ...KWS, kind: 'logmel' }) as AudioFeatureConfig;
    expect(new Set(featureExtractor(mel)(new Float32Array(16000)))).toEqual(new Set([Math.fround(Math.log(1e-6))]));
    const spec = parseFeatureConfig({ kind: 'spectrogram', sampleRate: 8000, inputLength: 512, frameLength: 256, frameStride: 256, preEmphasis: 0 }) as AudioFeatureConfig;
    const row = featureExtractor(spec)(Float32Array.from({ length: 512 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 8000))).subarray(0, 129);
    expect(row.indexOf(Math.max(...row))).toBe(32); // 1000 Hz × 256 / 8000
  });

  it('rejects an input of the wrong length', () => {
    expect(err(() => featureExtractor(parseFeatureConfig(KWS))(new Float32Array(100))).message).toBe('audio features: expected 16000 samples, got 100');
  });

  it('cost: KWS MFCC stages, scratch and tables', () => {
    const cost = featureCost(parseFeatureConfig(KWS));
    expect(cost.outputShape).toEqual([49, 13, 1]);
    expect(cost.stages.map((s) => s.stage)).toEqual(['pre-emphasis + window', 'fft', 'power', 'mel', 'dct']);
    expect(cost.transcendentals).toBe(49 * 40);
    expect(cost.scratchBytes).toBe((1024 + 2 + 40) * 4);
    expect(cost.macs).toBeGreaterThan(5e5);
    expect(cost.macs).toBeLessThan(2e6);
    expect(cost.constBytes).toBeGreaterThan((640 + 1024 + 13 * 40) * 4);
  });
});

describe('motion features', () => {
  const base = { kind: 'motion', sampleRate: 100, axes: 2, windowLength: 100 } as const;

  it('statistics of a sine and of a constant axis', () => {
    const c = parseFeatureConfig({ ...base, bands: 0 }) as MotionFeatureConfig;
    const x = new Float32Array(200);
    for (let i = 0; i < 100; i++) { x[2 * i] = 2 * Math.sin((2 * Math.PI * 5 * i) / 100); x[2 * i + 1] = 9.81; }
    const [mean, rms, std, skew, kurt, peak, cMean, cRms, cStd, cSkew, cKurt, cPeak] = featureExtractor(c)(x);
    expect(mean).toBeCloseTo(0, 6);
    expect(rms).toBeCloseTo(Math.SQRT2, 5);
    expect(std).toBeCloseTo(Math.SQRT2, 5);
    expect(skew).toBeCloseTo(0, 5);
    expect(kurt).toBeCloseTo(-1.5, 5); // excess kurtosis of a sine
    expect(peak).toBeCloseTo(2, 3);
    expect([cMean, cRms, cStd, cSkew, cKurt, cPeak].map((v) => Math.fround(v!))).toEqual([9.81, 9.81, 0, 0, 0, 9.81].map(Math.fround));
  });

  it('band energies: a 20 Hz vibration lands in the 15–25 Hz band; stats keep canonical order', () => {
    const c = parseFeatureConfig({ ...base, axes: 1, stats: ['peak', 'rms'], bands: [0, 5, 15, 25, 50] }) as MotionFeatureConfig;
    expect(c.stats).toEqual(['rms', 'peak']);
    const out = featureExtractor(c)(Float32Array.from({ length: 100 }, (_, i) => 3 + Math.sin((2 * Math.PI * 20 * i) / 100)));
    const bands = Array.from(out.subarray(2));
    expect(bands.indexOf(Math.max(...bands))).toBe(2);
    expect(featureShape(c)).toEqual([6]);
  });
});

describe('C tables', () => {
  it('emits the config struct with float32-exact literals and a header with the sizes', () => {
    const c = parseFeatureConfig({ ...KWS, lifter: 22 });
    const src = emitDspTables(c, 'kws');
    expect(src).toContain('const mlf_audio_features_t kws = {');
    expect(src).toContain('static const float kws_window[640] = {');
    expect(src).toContain('.num_frames = 49,');
    expect(src).toContain('.pre_emphasis = 0.97f,');
    const h = emitDspHeader(c, 'kws');
    expect(h).toContain('#define KWS_OUTPUT_LEN 637');
    expect(h).toContain('#define KWS_SCRATCH_FLOATS 1066');
    expect(h).toContain('extern const mlf_audio_features_t kws;');
    expect(err(() => emitDspTables(c, 'bad-name')).message).toContain('expected a C identifier');
  });
});
