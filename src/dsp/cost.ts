/**
 * What a feature block costs on the device, for the cost model and the report
 * (shown apart from the network's): output shape, multiply-accumulate-like
 * float ops per example by stage, transcendental calls (logf/sqrtf, tens of
 * cycles each on a Cortex-M4F and hundreds without an FPU, so counted apart),
 * scratch the caller passes to the C function, and const table bytes in flash
 * (pinned to the object files by test/dsp/parity.test.ts).
 */
import type { AudioFeatureConfig, FeatureConfig, MotionFeatureConfig } from './config.js';
import { audioBins, audioFrames } from './audio.js';
import { melFilterbank } from './mel.js';
import { motionPerAxis } from './motion.js';

export interface DspStageCost {
  readonly stage: string;
  readonly macs: number;
  readonly transcendentals: number;
}

export interface DspCost {
  /** Audio: [frames, bins, 1] (an image for conv layers); motion: [axes × per-axis features]. */
  readonly outputShape: readonly number[];
  readonly macs: number;
  readonly transcendentals: number;
  /** Bytes of the float scratch buffer passed to the C function. */
  readonly scratchBytes: number;
  /** Bytes of the const tables and config struct (32-bit target). */
  readonly constBytes: number;
  readonly stages: readonly DspStageCost[];
}

/**
 * Real FFT of n (m = n/2 complex points, s = log2 m stages), in MAC-like
 * operations as mlf_fft.c does them: ~2 per point for the bit reversal, the
 * multiply-free first pass (a radix-2 stage, ~2 per point, or two fused
 * stages, ~3), ~5 per point for each further pass of two fused stages (four
 * complex multiplies and eight additions per four points), ~8 per bin for the
 * split.
 */
export function rfftMacs(n: number): number {
  const m = n / 2;
  const stages = Math.round(Math.log2(m));
  const first = stages === 0 ? 0 : stages % 2 ? 2 * m : 3 * m;
  const passes = Math.floor((stages - (stages % 2 ? 1 : 2)) / 2);
  return 2 * m + first + Math.max(0, passes) * 5 * m + (m + 1) * 8;
}

/** sizeof(mlf_audio_features_t) and sizeof(mlf_motion_features_t) with 4-byte pointers. */
export const AUDIO_STRUCT_BYTES = 18 * 4;
export const MOTION_STRUCT_BYTES = 11 * 4;

export function featureShape(c: FeatureConfig): number[] {
  return c.kind === 'motion' ? [c.axes * motionPerAxis(c)] : [audioFrames(c), audioBins(c), 1];
}

/** Floats of scratch the C function needs (mlf_*_features_scratch_floats). */
export function scratchFloats(c: FeatureConfig): number {
  if (c.kind === 'motion') return c.bandEdges.length > 1 ? c.fftLength + 2 : 0;
  return c.fftLength + 2 + (c.kind === 'mfcc' ? c.melBins : 0);
}

export function featureCost(c: FeatureConfig): DspCost {
  const stages = c.kind === 'motion' ? motionStages(c) : audioStages(c);
  const tables = c.kind === 'motion' ? motionTableBytes(c) : audioTableBytes(c);
  return {
    outputShape: featureShape(c),
    macs: stages.reduce((s, x) => s + x.macs, 0),
    transcendentals: stages.reduce((s, x) => s + x.transcendentals, 0),
    scratchBytes: scratchFloats(c) * 4,
    constBytes: tables + (c.kind === 'motion' ? MOTION_STRUCT_BYTES : AUDIO_STRUCT_BYTES),
    stages,
  };
}

function audioStages(c: AudioFeatureConfig): DspStageCost[] {
  const frames = audioFrames(c);
  const bins = c.fftLength / 2 + 1;
  const st = (stage: string, perFrame: number, logs = 0): DspStageCost => ({ stage, macs: perFrame * frames, transcendentals: logs * frames });
  const out = [
    st('pre-emphasis + window', 2 * c.frameLength),
    st('fft', rfftMacs(c.fftLength)),
    st('power', 2 * bins),
  ];
  if (c.kind === 'spectrogram') out.push(st('log', 0, c.log ? bins : 0));
  else {
    const weights = melFilterbank(c.sampleRate, c.fftLength, c.melBins, c.fmin, c.fmax).weights.length;
    out.push(st('mel', weights, c.melBins));
    if (c.kind === 'mfcc') out.push(st('dct', c.numCoeffs * c.melBins));
  }
  if (c.cmn) out.push({ stage: 'mean normalisation', macs: 2 * frames * audioBins(c), transcendentals: 0 });
  return out;
}

function audioTableBytes(c: AudioFeatureConfig): number {
  let floats = c.frameLength + c.fftLength;
  let ints = 0;
  if (c.kind !== 'spectrogram') {
    floats += melFilterbank(c.sampleRate, c.fftLength, c.melBins, c.fmin, c.fmax).weights.length;
    ints += 2 * c.melBins;
  }
  if (c.kind === 'mfcc') floats += c.numCoeffs * c.melBins;
  return 4 * (floats + ints);
}

function motionStages(c: MotionFeatureConfig): DspStageCost[] {
  const n = c.windowLength;
  const nBands = Math.max(c.bandEdges.length - 1, 0);
  const out: DspStageCost[] = [{ stage: 'statistics', macs: 6 * n * c.axes, transcendentals: 2 * c.axes }];
  if (nBands) {
    const bins = c.bandEdges[nBands]! - c.bandEdges[0]!;
    out.push(
      { stage: 'window', macs: 2 * n * c.axes, transcendentals: 0 },
      { stage: 'fft', macs: rfftMacs(c.fftLength) * c.axes, transcendentals: 0 },
      { stage: 'band energies', macs: (2 * (c.fftLength / 2 + 1) + bins) * c.axes, transcendentals: c.logBands ? nBands * c.axes : 0 },
    );
  }
  return out;
}

function motionTableBytes(c: MotionFeatureConfig): number {
  const nBands = Math.max(c.bandEdges.length - 1, 0);
  if (!nBands) return 0;
  return 4 * ((c.window === 'hann' ? c.windowLength : 0) + c.fftLength + nBands + 1);
}
