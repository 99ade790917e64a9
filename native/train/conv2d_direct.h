// Direct conv2d for small channel counts (see conv2d_direct.cc); conv2d.cc dispatches.
#pragma once

#include "train.h"

namespace mlf {

/** True when the direct kernels handle s and are expected to beat the im2col GEMM. */
bool conv_direct_fits(const ConvShape& s);
/** y = conv(x, w) + b, as conv2d_forward. */
void conv_direct_forward(const ConvShape& s, const float* x, const float* w, const float* b, float* y);
/** dw (overwritten) = Σ over batch and pixels of x patches · dy, as conv2d_backward. */
void conv_direct_weight_grad(const ConvShape& s, const float* x, const float* dy, float* dw);

}  // namespace mlf
