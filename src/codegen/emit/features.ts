/**
 * The front end of an export, when the model has one: mlforge_features (raw
 * window → DSP block → normalization → int8 input) and mlforge_anomaly_score,
 * as a section of model.h, a section of model.c, the generated DSP tables
 * (mlforge_dsp.c/.h) and the DSP sources copied into dsp/.
 *
 * Empty strings and no files for a model without one, so its export is
 * byte-identical to a plain export.
 */
import { dspSourceFiles, emitDspHeader, emitDspTables } from '../../dsp/index.js';
import { frontEndCost } from '../front-end.js';
import { cArray, cFloat } from './c.js';
import type { CModel } from './types.js';

/** Name of the generated DSP config (mlforge_dsp.c / mlforge_dsp.h, MLFORGE_DSP_* macros). */
export const DSP_NAME = 'mlforge_dsp';
export const DSP_DIR = 'dsp';

/** DSP sources the export needs (file names in dspSourcesDir()); the header first. */
export function dspSourcesFor(m: CModel): string[] {
  const f = m.frontEnd?.features;
  if (!f) return [];
  const used = f.config.kind === 'motion' ? ['mlf_motion.c', 'mlf_fft.c'] : ['mlf_audio.c', 'mlf_fft.c'];
  return dspSourceFiles().filter((s) => s.endsWith('.h') || used.includes(s));
}

/** Generated files of the front end: [relative path, text]. */
export function frontEndFiles(m: CModel): [string, string][] {
  const f = m.frontEnd?.features;
  if (!f) return [];
  return [[`${DSP_NAME}.h`, emitDspHeader(f.config, DSP_NAME)], [`${DSP_NAME}.c`, emitDspTables(f.config, DSP_NAME)]];
}

const DESCRIBE = { mfcc: 'MFCC', logmel: 'log-mel', spectrogram: 'spectrogram', motion: 'motion statistics and band energies' } as const;

/** The model.h section: macros and prototypes. */
export function emitFeaturesH(m: CModel): string {
  const fe = m.frontEnd;
  if (!fe) return '';
  const parts: string[] = [];
  const f = fe.features;
  if (f) {
    const cost = frontEndCost(fe);
    const raw = f.config.kind === 'motion'
      ? `${f.config.windowLength} samples x ${f.config.axes} axes, interleaved [sample][axis], at ${f.config.sampleRate} Hz`
      : `${f.config.inputLength} audio samples at ${f.config.sampleRate} Hz`;
    parts.push(`/* ---- feature block: raw window -> ${DESCRIBE[f.config.kind]} -> int8 input 0 ---- */
/* Floats per raw window: ${raw}. */
#define MLFORGE_FEATURES_RAW_LEN ${f.rawLength}
/* Features per window (= MLFORGE_INPUT0_SIZE), before normalization. */
#define MLFORGE_FEATURES_LEN ${f.length}
/* mlforge_features' one static float buffer (the features, then the DSP work
 * buffer): RAM beside the arena. About ${cost.macs} float MACs and ${cost.transcendentals} logf/sqrtf per
 * window; ${cost.constBytes} const bytes of tables, config, mean and std (flash). */
#define MLFORGE_FEATURES_SCRATCH_FLOATS ${f.scratchFloats}
#define MLFORGE_FEATURES_SCRATCH_BYTES ${4 * f.scratchFloats}
#define MLFORGE_FEATURES_CONST_BYTES ${cost.constBytes}

/* raw (MLFORGE_FEATURES_RAW_LEN floats) -> features (the generated ${DSP_NAME}.c
 * config, dsp/ sources) -> (x - mean) / std per ${f.mean.length === f.length ? 'element' : f.mean.length === 1 ? 'tensor' : 'channel'} -> int8 with
 * MLFORGE_INPUT0_SCALE and _ZERO_POINT (q = roundf(x / SCALE) + ZERO_POINT,
 * clamped, as mlforge_quantize_input), written to \`input\`
 * (MLFORGE_INPUT0_SIZE bytes, usually mlforge_input(0)). Float32 throughout:
 * the C twin of MLForge's rawToInput. Returns 0, or MLF_ERR_ARG for a NULL
 * pointer. Not reentrant (one static scratch buffer). */
int32_t mlforge_features(const float *raw, int8_t *input);
`);
  }
  if (fe.anomaly) {
    parts.push(`/* ---- anomaly detection (autoencoder) ---- */
/* A window is anomalous when mlforge_anomaly_score(...) > MLFORGE_ANOMALY_THRESHOLD. */
#define MLFORGE_ANOMALY_THRESHOLD ${cFloat(fe.anomaly.threshold)}

/* Mean over the MLFORGE_OUTPUT0_SIZE elements of (dequantized output -
 * dequantized input)^2, in float32. \`input\` must be a copy of the int8 input
 * taken before mlforge_invoke (invoke reuses the input's arena bytes);
 * \`output\` is usually mlforge_output(0). */
float mlforge_anomaly_score(const int8_t *input, const int8_t *output);
`);
  }
  return `${parts.join('\n')}\n`;
}

/** Includes model.c needs for the front end. */
export const featuresIncludes = (m: CModel): string => (m.frontEnd?.features ? `#include "${DSP_NAME}.h"\n` : '');

/** The model.c section: mean/std tables, the scratch buffer, the functions. */
export function emitFeaturesC(m: CModel): string {
  const fe = m.frontEnd;
  if (!fe) return '';
  const parts: string[] = [];
  const f = fe.features;
  if (f) {
    const c = f.mean.length;
    const fn = f.config.kind === 'motion' ? 'mlf_motion_features' : 'mlf_audio_features';
    parts.push(`/* ---- feature block ---- */
/* Normalization the model was trained with: x' = (x - mean[c]) / std[c], c = i mod ${c}. */
static const float mlforge_feature_mean[${c}] = ${cArray(f.mean, cFloat, 8)};
static const float mlforge_feature_std[${c}] = ${cArray(f.std, cFloat, 8)};

/* The features, then the DSP work buffer (MLFORGE_DSP_SCRATCH_FLOATS). */
static float mlforge_feature_scratch[MLFORGE_FEATURES_SCRATCH_FLOATS];

int32_t mlforge_features(const float *raw, int8_t *input) {
  float *x = mlforge_feature_scratch;
  int32_t i, c = 0;
  if (raw == NULL || input == NULL) return MLF_ERR_ARG;
  ${fn}(&${DSP_NAME}, raw, x, mlforge_feature_scratch + MLFORGE_FEATURES_LEN);
  for (i = 0; i < MLFORGE_FEATURES_LEN; ++i) {
    x[i] = (x[i] - mlforge_feature_mean[c]) / mlforge_feature_std[c];
    if (++c == ${c}) c = 0;
  }
  return mlf_quantize_f32_s8(x, MLFORGE_FEATURES_LEN, MLFORGE_INPUT0_SCALE, MLFORGE_INPUT0_ZERO_POINT, input);
}
`);
  }
  if (fe.anomaly) {
    parts.push(`/* ---- anomaly score ---- */
float mlforge_anomaly_score(const int8_t *input, const int8_t *output) {
  float s = 0.0f;
  int32_t i;
  for (i = 0; i < MLFORGE_OUTPUT0_SIZE; ++i) {
    const float d = MLFORGE_OUTPUT0_SCALE * (float)((int32_t)output[i] - MLFORGE_OUTPUT0_ZERO_POINT)
                  - MLFORGE_INPUT0_SCALE * (float)((int32_t)input[i] - MLFORGE_INPUT0_ZERO_POINT);
    s += d * d;
  }
  return s / (float)MLFORGE_OUTPUT0_SIZE;
}
`);
  }
  return `\n${parts.join('\n')}`;
}
