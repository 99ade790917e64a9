/**
 * model.h: the public API of an exported model. Everything a caller needs —
 * tensor shapes, quantization parameters and arena size as macros, plus five
 * functions — documented in the header itself.
 */
import type { TensorInfo } from '../../engine/int8/index.js';
import { cComment, cFloat, cInt, shapeText } from './c.js';
import { emitFeaturesH } from './features.js';
import type { CModel } from './types.js';

const ctype = (t: TensorInfo): string => (t.dtype === 'float32' ? 'float' : `${t.dtype}_t`);

function tensorMacros(prefix: string, t: TensorInfo): string[] {
  const lines = [
    `/* ${cComment(`${prefix.toLowerCase().replace('mlforge_', '')}: "${t.name}" ${shapeText(t.shape)} ${t.dtype}`)} */`,
    `#define ${prefix}_TYPE ${ctype(t)}`,
    `#define ${prefix}_SIZE ${t.size}`,
    `#define ${prefix}_BYTES ${t.size * (t.dtype === 'float32' || t.dtype === 'int32' ? 4 : t.dtype === 'int16' ? 2 : 1)}`,
    `#define ${prefix}_RANK ${t.shape.length}`,
    `#define ${prefix}_SHAPE { ${t.shape.join(', ')} }`,
  ];
  if (t.scale !== undefined && t.zeroPoint !== undefined) {
    lines.push(`#define ${prefix}_SCALE ${cFloat(t.scale)}`, `#define ${prefix}_ZERO_POINT ${cInt(t.zeroPoint)}`);
  }
  return lines;
}

export function emitModelH(m: CModel): string {
  const { prepared, plan } = m;
  const ins = prepared.inputs.flatMap((t, i) => [...tensorMacros(`MLFORGE_INPUT${i}`, t), '']);
  const outs = prepared.outputs.flatMap((t, i) => [...tensorMacros(`MLFORGE_OUTPUT${i}`, t), '']);
  const labels = m.labels?.length
    ? [`#define MLFORGE_NUM_LABELS ${m.labels.length}`, '/* Class names, index = class. */',
      'extern const char *const mlforge_labels[MLFORGE_NUM_LABELS];', '']
    : [];
  return `/*
 * model.h — ${cComment(m.name, 80)}, exported by MLForge ${m.version}.
 *
 * An int8 model as plain C99: weights in const arrays (flash), every
 * activation in one static arena of MLFORGE_ARENA_BYTES (RAM), no malloc, no
 * floating point on the int8 path. The kernels in kernels/ are bit-exact with
 * TensorFlow Lite Micro's reference kernels, and with MLForge's in-process
 * evaluation of the same model.
 *
 * Use:
 *   mlforge_init();
 *   memcpy(mlforge_input(0), features, MLFORGE_INPUT0_BYTES);   (or mlforge_quantize_input)
 *   if (mlforge_invoke() != 0) { ... }
 *   class = mlforge_argmax(0);                                   (or read mlforge_output(0))
 *
 * Inputs and outputs live inside the arena: write the inputs before every
 * invoke (invoke reuses their bytes once they are read), read the outputs
 * before the next invoke. Not reentrant: one inference at a time.
 */
#ifndef MLFORGE_MODEL_H
#define MLFORGE_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MLFORGE_MODEL_NAME "${cComment(m.name, 60).replace(/["\\]/g, '_')}"
/* Bytes of the static activation arena (all tensors and kernel scratch, planned by lifetime). */
#define MLFORGE_ARENA_BYTES ${plan.arenaBytes}
#define MLFORGE_ARENA_ALIGNMENT ${plan.alignment}
#define MLFORGE_NUM_OPS ${prepared.ops.length}
#define MLFORGE_NUM_INPUTS ${prepared.inputs.length}
#define MLFORGE_NUM_OUTPUTS ${prepared.outputs.length}

/* real value = SCALE * (q - ZERO_POINT) for int8 tensors. */
${[...ins, ...outs].join('\n')}${labels.join('\n')}
/* Prepares the model. Everything is precomputed at export time, so this only
 * checks the arena; returns 0 (MLF_OK). Call once before mlforge_invoke. */
int32_t mlforge_init(void);

/* Runs one inference on the current inputs; returns 0 or a kernel error code
 * (MLF_ERR_* of kernels/mlforge_kernels.h). */
int32_t mlforge_invoke(void);

/* Input / output tensor \`index\` inside the arena (MLFORGE_INPUTi_TYPE
 * elements in row-major order), or NULL for an index out of range. */
void *mlforge_input(int32_t index);
const void *mlforge_output(int32_t index);

/* float -> int8 into input \`index\`: q = round(x / SCALE) + ZERO_POINT,
 * clamped (the model's own quantization). \`count\` must be MLFORGE_INPUTi_SIZE.
 * Returns 0, or MLF_ERR_ARG for a bad index, count, or a non-int8 input. */
int32_t mlforge_quantize_input(int32_t index, const float *x, int32_t count);

/* int8 output \`index\` -> float: y = SCALE * (q - ZERO_POINT). Same returns. */
int32_t mlforge_dequantize_output(int32_t index, float *y, int32_t count);

/* Index of the largest element of int8 output \`index\` (the first on ties):
 * the predicted class of a classifier. -1 for a bad index or a non-int8 output. */
int32_t mlforge_argmax(int32_t index);

${emitFeaturesH(m)}#ifdef __cplusplus
}
#endif

#endif /* MLFORGE_MODEL_H */
`;
}
