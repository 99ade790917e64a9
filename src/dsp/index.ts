/**
 * Feature extraction (DSP): TypeScript blocks for training and their C twins
 * in native/dsp for the device.
 *
 * const c = parseFeatureConfig({ kind: 'mfcc', sampleRate: 16000, inputLength: 16000, frameLength: 640, frameStride: 320 });
 * const x = featureExtractor(c)(clip);  // Float32Array, featureShape(c) = [49, 13, 1]
 * featureCost(c);                        // macs, transcendentals, scratchBytes, constBytes, stages
 * emitDspTables(c, 'mlf_features');      // C source of the config struct and tables
 */
import type { FeatureConfig } from './config.js';
import { audioFeatures, audioTables } from './audio.js';
import { motionFeatures, motionTables } from './motion.js';

export * from './config.js';
export { audioFeatures, audioTables, audioFrames, audioBins, meanNormalize, type AudioTables } from './audio.js';
export { motionFeatures, motionTables, motionPerAxis, DEGENERATE, type MotionTables } from './motion.js';
export { rfft, powerSpectrum, twiddleTable, windowTable } from './fft.js';
export { hzToMel, melToHz, melFilterbank, dctMatrix, type MelFilterbank } from './mel.js';
export { featureCost, featureShape, scratchFloats, rfftMacs, type DspCost, type DspStageCost } from './cost.js';
export { emitDspTables, emitDspHeader, dspSourcesDir, dspSourceFiles } from './emit.js';

/** A feature function for many examples, with the tables built once. */
export function featureExtractor(c: FeatureConfig): (input: ArrayLike<number>) => Float32Array {
  if (c.kind === 'motion') {
    const t = motionTables(c);
    return (x) => motionFeatures(c, x, t);
  }
  const t = audioTables(c);
  return (x) => audioFeatures(c, x, t);
}
