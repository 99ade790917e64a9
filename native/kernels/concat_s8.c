/*
 * concat_s8.c — int8 concatenation along one axis (TFLite Concatenation; for
 * int8 TFLite requires every input to share the output's scale and zero point,
 * so this is a byte copy).
 *
 * View every tensor as (outer, axis, inner): for each outer index the output
 * row is the inputs' rows of axis_sizes[i] * inner bytes, one after another.
 */
#include <string.h>

#include "mlforge_kernels.h"

int32_t mlf_concat_s8(int32_t num_inputs, const int8_t *const *inputs, const int32_t *axis_sizes, int32_t outer,
                      int32_t inner, int8_t *output) {
  int32_t o, i;
  int8_t *out = output;
  for (o = 0; o < outer; ++o) {
    for (i = 0; i < num_inputs; ++i) {
      const size_t n = (size_t)axis_sizes[i] * (size_t)inner;
      memcpy(out, inputs[i] + (size_t)o * n, n);
      out += n;
    }
  }
  return MLF_OK;
}
