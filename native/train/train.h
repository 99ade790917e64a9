// The native float32 training kernels: the C++ side of `TrainKernels`
// (src/engine/kernels/types.ts), whose comments are the specification. Layout
// NHWC; buffers are preallocated by the caller; backward kernels overwrite
// dx/dw/db; a null dx/db means "not needed".
#pragma once

#include <cstdint>

namespace mlf {

/** conv2d: x (N,H,W,Cin), w (KH,KW,Cin,Cout), b (Cout), y (N,OH,OW,Cout). */
struct ConvShape {
  int n, h, w, cin, kh, kw, cout, strideH, strideW, padTop, padLeft, outH, outW;
};
/** depthwise: x (N,H,W,C), w (KH,KW,C*M), y (N,OH,OW,C*M). */
struct DepthwiseShape {
  int n, h, w, c, multiplier, kh, kw, strideH, strideW, padTop, padLeft, outH, outW;
};
/** pools: x (N,H,W,C), y (N,OH,OW,C). */
struct PoolShape {
  int n, h, w, c, kh, kw, strideH, strideW, padTop, padLeft, outH, outW;
};

void conv2d_forward(const ConvShape& s, const float* x, const float* w, const float* b, float* y);
void conv2d_backward(const ConvShape& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                     float* db);

void depthwise_forward(const DepthwiseShape& s, const float* x, const float* w, const float* b, float* y);
void depthwise_backward(const DepthwiseShape& s, const float* x, const float* w, const float* dy, float* dx,
                        float* dw, float* db);

void dense_forward(int n, int inF, int outF, const float* x, const float* w, const float* b, float* y);
void dense_backward(int n, int inF, int outF, const float* x, const float* w, const float* dy, float* dx, float* dw,
                    float* db);

void batch_norm_train(long rows, int c, double eps, const float* x, const float* gamma, const float* beta, float* y,
                      float* saveMean, float* saveInvStd, float* runMean, float* runVar, double momentum);
void batch_norm_infer(long rows, int c, double eps, const float* x, const float* gamma, const float* beta,
                      const float* runMean, const float* runVar, float* y);
void batch_norm_backward(long rows, int c, const float* x, const float* gamma, const float* dy,
                         const float* saveMean, const float* saveInvStd, float* dx, float* dgamma, float* dbeta);

void relu_forward(long len, const float* x, float* y, float cap);
void relu_backward(long len, const float* y, const float* dy, float* dx, float cap);
void add_forward(long len, const float* a, const float* b, float* y);

void avg_pool_forward(const PoolShape& s, const float* x, float* y);
void avg_pool_backward(const PoolShape& s, const float* dy, float* dx);
void max_pool_forward(const PoolShape& s, const float* x, float* y);
void max_pool_backward(const PoolShape& s, const float* x, const float* dy, float* dx);

void global_avg_pool_forward(int n, int hw, int c, const float* x, float* y);
void global_avg_pool_backward(int n, int hw, int c, const float* dy, float* dx);

void dropout_forward(long len, const float* x, float* y, float* mask, double rate, uint32_t seed);
void dropout_backward(long len, const float* dy, const float* mask, float* dx);

double softmax_cross_entropy(int n, int k, const float* logits, const int32_t* labels, double smoothing, float* probs,
                             float* dlogits);
double mse(long len, const float* pred, const float* target, float* dpred);
void softmax(int n, int k, const float* x, float* y);

void adam_step(long len, float* p, const float* g, float* m, float* v, double lr, double beta1, double beta2,
               double eps, double wd, double t, bool decoupled);
void sgd_step(long len, float* p, const float* g, float* v, double lr, double momentum, double wd, bool nesterov);
double sum_squares(long len, const float* x);
void scale(long len, float* x, double a);
void accumulate(long len, const float* x, float* y);

/** Column sums of x (rows × cols) in a fixed chunked order, combined in double. */
void column_sums(const float* x, long rows, int cols, float* out);

}  // namespace mlf
