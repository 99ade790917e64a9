/*
 * pad_s8.c — int8 constant padding (TFLite Pad with the output zero point as
 * the pad value; input and output share scale and zero point).
 *
 * Up to MLF_MAX_DIMS axes. Output shape = before + dims + after per axis. The
 * innermost axis is written as one run of pad / copy / pad bytes.
 */
#include <string.h>

#include "mlforge_kernels.h"

int32_t mlf_pad_s8(const mlf_pad_params_t *p, const int8_t *input, int8_t *output) {
  const int32_t nd = p->num_dims;
  const int8_t value = (int8_t)p->pad_value;
  int32_t out_dims[MLF_MAX_DIMS], idx[MLF_MAX_DIMS];
  size_t outer = 1, o, row, in_off = 0;
  int32_t i, last;
  if (nd < 1 || nd > MLF_MAX_DIMS) return MLF_ERR_ARG;
  last = nd - 1;
  for (i = 0; i < nd; ++i) {
    out_dims[i] = p->before[i] + p->dims[i] + p->after[i];
    idx[i] = 0;
  }
  for (i = 0; i < last; ++i) outer *= (size_t)out_dims[i];
  row = (size_t)out_dims[last];
  for (o = 0; o < outer; ++o) {
    int8_t *out = output + o * row;
    int inside = 1;
    for (i = 0; i < last; ++i) {
      if (idx[i] < p->before[i] || idx[i] >= p->before[i] + p->dims[i]) inside = 0;
    }
    if (!inside) {
      memset(out, value, row);
    } else {
      memset(out, value, (size_t)p->before[last]);
      memcpy(out + p->before[last], input + in_off, (size_t)p->dims[last]);
      memset(out + p->before[last] + p->dims[last], value, (size_t)p->after[last]);
      in_off += (size_t)p->dims[last];
    }
    for (i = last - 1; i >= 0; --i) {
      if (++idx[i] < out_dims[i]) break;
      idx[i] = 0;
    }
  }
  return MLF_OK;
}
