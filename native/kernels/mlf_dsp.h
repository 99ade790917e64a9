/*
 * mlf_dsp.h — packed 16-bit multiply-accumulate primitives (internal).
 *
 * On a core with the Armv7E-M DSP extension (Cortex-M4/M7/M33/M55) the ACLE
 * intrinsics __smlad and __sxtb16 do two 16x16 MACs per instruction. With
 * MLFORGE_EMULATE_DSP defined they are emulated in portable C, so the packed
 * code paths can be exercised (and pinned to the portable ones) on any host.
 * Elsewhere MLF_PACKED_MAC is 0 and the kernels use their portable loops.
 *
 * Exactness: SMLAD adds both products to the accumulator with wrap-around
 * (it only sets the Q flag), and integer addition modulo 2^32 does not depend
 * on order, so packed and portable paths give the same int32 sums bit for bit.
 *
 * Packed column layout (mlf_pack_column): the int16 values v[0..K) are stored in
 * groups of four as v0, v2, v1, v3 — the order __sxtb16 produces when it
 * unpacks four int8 weights (bytes 0,2 then, after a rotate by 8, bytes 1,3).
 * A tail of K % 4 values is stored in natural order.
 */
#ifndef MLFORGE_DSP_H
#define MLFORGE_DSP_H

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32) && !defined(__ARM_BIG_ENDIAN) && \
    !defined(MLFORGE_NO_DSP)
#include <arm_acle.h>
#define MLF_PACKED_MAC 1
static inline int32_t mlf_smlad(int32_t a, int32_t b, int32_t acc) { return __smlad(a, b, acc); }
static inline int32_t mlf_sxtb16(int32_t a) { return (int32_t)__sxtb16(a); }
#elif defined(MLFORGE_EMULATE_DSP)
#define MLF_PACKED_MAC 1
/* acc + lo(a)*lo(b) + hi(a)*hi(b), halves as int16, modulo 2^32. */
static inline int32_t mlf_smlad(int32_t a, int32_t b, int32_t acc) {
  const int32_t a_lo = (int16_t)(uint16_t)((uint32_t)a & 0xFFFFu);
  const int32_t a_hi = (int16_t)(uint16_t)((uint32_t)a >> 16);
  const int32_t b_lo = (int16_t)(uint16_t)((uint32_t)b & 0xFFFFu);
  const int32_t b_hi = (int16_t)(uint16_t)((uint32_t)b >> 16);
  return (int32_t)((uint32_t)acc + (uint32_t)(a_lo * b_lo) + (uint32_t)(a_hi * b_hi));
}
/* Sign-extend bytes 0 and 2 into the low and high halfwords. */
static inline int32_t mlf_sxtb16(int32_t a) {
  const uint32_t u = (uint32_t)a;
  const uint32_t lo = (uint32_t)(uint16_t)(int16_t)(int8_t)(uint8_t)(u & 0xFFu);
  const uint32_t hi = (uint32_t)(uint16_t)(int16_t)(int8_t)(uint8_t)((u >> 16) & 0xFFu);
  return (int32_t)(lo | (hi << 16));
}
#else
#define MLF_PACKED_MAC 0
#endif

#if MLF_PACKED_MAC
static inline int32_t mlf_ror8(int32_t a) {
  const uint32_t u = (uint32_t)a;
  return (int32_t)((u >> 8) | (u << 24));
}

/* Store v[i] = src[i] + offset (int8 -> int16) in the packed column layout. */
static inline void mlf_pack_column(int16_t *dst, const int8_t *src, int32_t k, int32_t offset) {
  int32_t i = 0;
  for (; i + 4 <= k; i += 4) {
    dst[i + 0] = (int16_t)(src[i + 0] + offset);
    dst[i + 1] = (int16_t)(src[i + 2] + offset);
    dst[i + 2] = (int16_t)(src[i + 1] + offset);
    dst[i + 3] = (int16_t)(src[i + 3] + offset);
  }
  for (; i < k; ++i) dst[i] = (int16_t)(src[i] + offset);
}

/* acc + sum_i col[i] * w[i] with col in packed layout, w plain int8. */
static inline int32_t mlf_dot_packed(const int16_t *col, const int8_t *w, int32_t k, int32_t acc) {
  int32_t i = 0;
  for (; i + 4 <= k; i += 4) {
    int32_t w4;
    int32_t c02;
    int32_t c13;
    memcpy(&w4, w + i, 4);
    memcpy(&c02, col + i, 4);
    memcpy(&c13, col + i + 2, 4);
    acc = mlf_smlad(c02, mlf_sxtb16(w4), acc);
    acc = mlf_smlad(c13, mlf_sxtb16(mlf_ror8(w4)), acc);
  }
  for (; i < k; ++i) acc = (int32_t)((uint32_t)acc + (uint32_t)(col[i] * w[i]));
  return acc;
}

/* Two halfwords into one word: lo in bits 0-15, hi in bits 16-31. */
static inline int32_t mlf_pack16(int32_t lo, int32_t hi) {
  return (int32_t)(((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16));
}
#endif

#endif /* MLFORGE_DSP_H */
