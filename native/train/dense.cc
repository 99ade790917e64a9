// dense (fully connected) forward and backward as GEMMs.
//
//   forward  y (N×Out)  = x (N×In) · w (In×Out) + b
//   input    dx (N×In)  = dy (N×Out) · wᵀ (Out×In)       wᵀ transposed once per call
//   weights  dw (In×Out) = xᵀ (In×N) · dy (N×Out)        xᵀ transposed once per call
//   bias     db = column sums of dy
#include "gemm.h"
#include "train.h"

namespace mlf {

void dense_forward(int n, int inF, int outF, const float* x, const float* w, const float* b, float* y) {
  gemm_nn(n, outF, inF, x, inF, w, outF, y, outF, b, false);
}

void dense_backward(int n, int inF, int outF, const float* x, const float* w, const float* dy, float* dx, float* dw,
                    float* db) {
  if (db) column_sums(dy, n, outF, db);
  float* xt = shared_scratch(kSharedPartials, static_cast<size_t>(inF) * n);
  transpose(x, inF, n, inF, xt, n);
  gemm_nn(inF, outF, n, xt, n, dy, outF, dw, outF, nullptr, false);
  if (dx) {
    float* wt = shared_scratch(kSharedWeights, static_cast<size_t>(outF) * inF);
    transpose(w, outF, inF, outF, wt, inF);
    gemm_nn(n, inF, outF, dy, outF, wt, inF, dx, inF, nullptr, false);
  }
}

}  // namespace mlf
