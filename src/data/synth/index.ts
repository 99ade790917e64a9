/** Datasets made here, nothing downloaded: keyword spotting (espeak-ng) and machine vibration (physics). */
export {
  synthKws, trimSilence, KWS_KEYWORDS, KWS_UNKNOWN_WORDS, KWS_CLASSES, KWS_DEFAULT_PER_WORD,
  type SynthKwsOptions, type SynthKwsSummary,
} from './kws.js';
export { espeakVersion, espeakSay, KWS_TRAIN_VOICES, KWS_TEST_VOICES, KWS_HELD_OUT_VARIANTS, KWS_WARP, warpSpeech } from './voices.js';
export {
  synthVibration, recordingCsv, type SynthVibrationOptions, type SynthVibrationSummary,
} from './vibration.js';
export {
  simulateRecording, drawMachine, bearingFrequencies, conditionName,
  BEARING_6205, VIBRATION_FAULTS, VIBRATION_TRAIN_CONDITIONS, VIBRATION_TEST_CONDITIONS,
  type BearingGeometry, type BearingFrequencies, type VibrationFault, type VibrationLabel, type OperatingCondition,
  type MachineParams, type RecordingSpec, type Recording,
} from './machine.js';
export { NOISE_KINDS, makeNoise, whiteNoise, pinkNoise, brownNoise, humNoise, babbleNoise, type NoiseKind } from './noise.js';
export { STAMP_FILE, settingsHash, cacheDir as synthCacheDir } from './common.js';
