/*
 * mlf_dsp.h — packed 16-bit multiply-accumulate primitives (internal).
 *
 * On a core with the Armv7E-M DSP extension (Cortex-M4/M7/M33/M55) the ACLE
 * intrinsics __smlad and __sxtb16 do two 16x16 MACs per instruction, and
 * __smlabb/__smlatt one MAC on the bottom/top halfwords (depthwise: channels
 * side by side, which must not be summed together). With
 * MLFORGE_EMULATE_DSP defined they are emulated in portable C, so the packed
 * code paths can be exercised (and pinned to the portable ones) on any host.
 * Elsewhere MLF_PACKED_MAC is 0 and the kernels use their portable loops.
 *
 * Exactness: SMLAD/SMLAxy add their products to the accumulator with
 * wrap-around (they only set the Q flag), and integer addition modulo 2^32
 * does not depend on order, so packed and portable paths give the same int32
 * sums bit for bit. SXTAB16 adds in 16-bit halves; every use adds an input
 * offset (-127..128) to an int8, whose sum fits int16.
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
static inline int32_t mlf_sxtab16(int32_t a, int32_t b) { return (int32_t)__sxtab16(a, b); }
static inline int32_t mlf_smlabb(int32_t a, int32_t b, int32_t acc) { return __smlabb(a, b, acc); }
static inline int32_t mlf_smlatt(int32_t a, int32_t b, int32_t acc) { return __smlatt(a, b, acc); }
/* The same of a rotated right by 8 (bytes 1 and 3): one instruction each; gcc 12 does not fuse the rotate. */
static inline int32_t mlf_sxtb16_ror8(int32_t a) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(a));
  return r;
}
static inline int32_t mlf_sxtab16_ror8(int32_t a, int32_t b) {
  int32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
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
static inline int32_t mlf_ror8(int32_t a) { return (int32_t)((uint32_t)a >> 8 | (uint32_t)a << 24); }
/* Sign-extend bytes 1 and 3. */
static inline int32_t mlf_sxtb16_ror8(int32_t a) { return mlf_sxtb16(mlf_ror8(a)); }
/* Halves of a plus the sign-extended bytes 0 and 2 (resp. 1 and 3) of b, each modulo 2^16. */
static inline int32_t mlf_sxtab16(int32_t a, int32_t b) {
  const uint32_t e = (uint32_t)mlf_sxtb16(b);
  const uint32_t lo = ((uint32_t)a + e) & 0xFFFFu;
  const uint32_t hi = (((uint32_t)a >> 16) + (e >> 16)) & 0xFFFFu;
  return (int32_t)(lo | (hi << 16));
}
static inline int32_t mlf_sxtab16_ror8(int32_t a, int32_t b) { return mlf_sxtab16(a, mlf_ror8(b)); }
/* acc + bottom(a)*bottom(b), resp. top(a)*top(b), halves as int16, modulo 2^32. */
static inline int32_t mlf_smlabb(int32_t a, int32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)((int16_t)(uint16_t)((uint32_t)a & 0xFFFFu) *
                                              (int16_t)(uint16_t)((uint32_t)b & 0xFFFFu)));
}
static inline int32_t mlf_smlatt(int32_t a, int32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)((int16_t)(uint16_t)((uint32_t)a >> 16) *
                                              (int16_t)(uint16_t)((uint32_t)b >> 16)));
}
#else
#define MLF_PACKED_MAC 0
#endif

#if MLF_PACKED_MAC

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

/* Two 16-bit halves holding the same value. */
static inline int32_t mlf_dup16(int32_t v) { return (int32_t)(((uint32_t)v & 0xFFFFu) * 0x00010001u); }

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
    acc = mlf_smlad(c13, mlf_sxtb16_ror8(w4), acc);
  }
  for (; i < k; ++i) acc = (int32_t)((uint32_t)acc + (uint32_t)(col[i] * w[i]));
  return acc;
}

/*
 * Pair layout: the packed columns of two output pixels interleaved, so one
 * pointer walks both. Group g (values 4g..4g+3) of column j sits at
 * 8g + 4j in the packed order v0, v2, v1, v3; of a tail of t = k % 4 values,
 * value i of column j sits at 8(k/4) + t*j + i.
 */
static inline int32_t mlf_pair_index(int32_t i, int32_t j, int32_t k) {
  static const int8_t order[4] = {0, 2, 1, 3};
  const int32_t full = k & ~3;
  return i < full ? 8 * (i >> 2) + 4 * j + order[i & 3] : 2 * full + (k - full) * j + (i - full);
}

/*
 * Pair layout, column j: values src[0..n) + offset for column positions
 * i0..i0+n (i0 and n multiples of four), four bytes per step with two SXTAB16
 * (offset2 = mlf_dup16(offset)); src NULL writes zeros (padding).
 */
static inline void mlf_pair_words(int16_t *pair, int32_t j, int32_t i0, const int8_t *src, int32_t n, int32_t offset2) {
  int16_t *dst = pair + 2 * i0 + 4 * j;
  int32_t i;
  for (i = 0; i < n; i += 4, dst += 8) {
    int32_t v02 = 0;
    int32_t v13 = 0;
    if (src) {
      int32_t w;
      memcpy(&w, src + i, 4);
      v02 = mlf_sxtab16(offset2, w);
      v13 = mlf_sxtab16_ror8(offset2, w);
    }
    memcpy(dst, &v02, 4);
    memcpy(dst + 2, &v13, 4);
  }
}

/*
 * Two columns in pair layout times two weight rows (w0, w1), k long:
 * acc[2*r + j] += sum_i col_j[i] * w_r[i]. Each weight word is unpacked once
 * for both columns and each column word used for both rows: per four k, six
 * loads, four unpacks and eight SMLADs for sixteen MACs.
 */
static inline void mlf_dot_pair_2x2(const int16_t *pair, const int8_t *w0, const int8_t *w1, int32_t k, int32_t *acc) {
  int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;
  const int16_t *c = pair;
  const int32_t t = k & 3;
  int32_t g, i;
  for (g = k >> 2; g > 0; --g) {
    int32_t x;
    int32_t p02;
    int32_t p13;
    int32_t q02;
    int32_t q13;
    int32_t x02;
    int32_t x13;
    memcpy(&x, w0, 4);
    w0 += 4;
    x02 = mlf_sxtb16(x);
    x13 = mlf_sxtb16_ror8(x);
    memcpy(&p02, c, 4);
    memcpy(&p13, c + 2, 4);
    a00 = mlf_smlad(p02, x02, a00);
    a00 = mlf_smlad(p13, x13, a00);
    memcpy(&q02, c + 4, 4);
    memcpy(&q13, c + 6, 4);
    a01 = mlf_smlad(q02, x02, a01);
    a01 = mlf_smlad(q13, x13, a01);
    memcpy(&x, w1, 4);
    w1 += 4;
    x02 = mlf_sxtb16(x);
    x13 = mlf_sxtb16_ror8(x);
    a10 = mlf_smlad(p02, x02, a10);
    a10 = mlf_smlad(p13, x13, a10);
    a11 = mlf_smlad(q02, x02, a11);
    a11 = mlf_smlad(q13, x13, a11);
    c += 8;
  }
  for (i = 0; i < t; ++i) {
    a00 = (int32_t)((uint32_t)a00 + (uint32_t)(c[i] * w0[i]));
    a01 = (int32_t)((uint32_t)a01 + (uint32_t)(c[t + i] * w0[i]));
    a10 = (int32_t)((uint32_t)a10 + (uint32_t)(c[i] * w1[i]));
    a11 = (int32_t)((uint32_t)a11 + (uint32_t)(c[t + i] * w1[i]));
  }
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a10;
  acc[3] = a11;
}

#endif

#endif /* MLFORGE_DSP_H */
