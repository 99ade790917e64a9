// dense (fully connected) forward and backward as GEMMs.
//
//   forward  y (N×Out)  = x (N×In) · w (In×Out) + b
//   input    dx (N×In)  = dy (N×Out) · wᵀ (Out×In)       wᵀ transposed once per call
//   weights  dw (In×Out) = xᵀ (In×N) · dy (N×Out)        x read by columns (no transpose)
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
  gemm_tn(inF, outF, n, x, inF, dy, outF, dw, outF);
  if (dx) {
    float* wt = shared_scratch(kSharedWeights, static_cast<size_t>(outF) * inF);
    transpose(w, outF, inF, outF, wt, inF);
    gemm_nn(n, inF, outF, dy, outF, wt, inF, dx, inF, nullptr, false);
  }
}

}  // namespace mlf
