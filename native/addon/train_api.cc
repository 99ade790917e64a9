// Node-API bindings of the float32 training kernels (module `mlforge_train`).
//
// Each function takes shape integers and Float32Arrays positionally, in the
// order src/engine/kernels/native.ts passes them, and works on the arrays'
// memory in place (no copies). Buffer lengths are checked against the shape
// (cheap, and a wrong length would otherwise corrupt memory); anything else is
// the executor's job. Errors are thrown as JS exceptions.
#include <napi.h>

#include <string>

#include "../train/common.h"
#include "../train/train.h"

namespace {

using mlf::ConvShape;
using mlf::DepthwiseShape;
using mlf::PoolShape;

struct Args {
  const Napi::CallbackInfo& info;
  const char* fn;

  Napi::Error fail(size_t i, const std::string& what) const {
    return Napi::TypeError::New(info.Env(), std::string(fn) + ": argument " + std::to_string(i) + " " + what);
  }
  int i32(size_t i) const {
    if (!info[i].IsNumber()) throw fail(i, "expected a number");
    return info[i].As<Napi::Number>().Int32Value();
  }
  double f64(size_t i) const {
    if (!info[i].IsNumber()) throw fail(i, "expected a number");
    return info[i].As<Napi::Number>().DoubleValue();
  }
  bool boolean(size_t i) const {
    if (!info[i].IsBoolean()) throw fail(i, "expected a boolean");
    return info[i].As<Napi::Boolean>().Value();
  }
  // A Float32Array of at least `need` elements; its element count goes to *len when given.
  float* f32(size_t i, long need, long* len = nullptr) const {
    const Napi::Value v = info[i];
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw fail(i, "expected a Float32Array");
    auto a = v.As<Napi::Float32Array>();
    const long n = static_cast<long>(a.ElementLength());
    if (n < need)
      throw Napi::RangeError::New(info.Env(), std::string(fn) + ": argument " + std::to_string(i) + " has " +
                                                  std::to_string(n) + " elements, expected " + std::to_string(need));
    if (len) *len = n;
    return a.Data();
  }
  float* f32OrNull(size_t i, long need) const {
    if (info[i].IsNull() || info[i].IsUndefined()) return nullptr;
    return f32(i, need);
  }
};

ConvShape conv_shape(const Args& a) {
  return {a.i32(0), a.i32(1), a.i32(2), a.i32(3), a.i32(4), a.i32(5), a.i32(6),
          a.i32(7), a.i32(8), a.i32(9), a.i32(10), a.i32(11), a.i32(12)};
}
DepthwiseShape dw_shape(const Args& a) {
  return {a.i32(0), a.i32(1), a.i32(2), a.i32(3), a.i32(4), a.i32(5), a.i32(6),
          a.i32(7), a.i32(8), a.i32(9), a.i32(10), a.i32(11), a.i32(12)};
}
PoolShape pool_shape(const Args& a) {
  return {a.i32(0), a.i32(1), a.i32(2), a.i32(3), a.i32(4), a.i32(5),
          a.i32(6), a.i32(7), a.i32(8), a.i32(9), a.i32(10), a.i32(11)};
}

// ---- conv2d: (n,h,w,cin,kh,kw,cout,sh,sw,pt,pl,oh,ow, x, w, b|null, y) ----
void Conv2dForward(const Napi::CallbackInfo& info) {
  Args a{info, "conv2dForward"};
  const ConvShape s = conv_shape(a);
  const long xin = 1L * s.n * s.h * s.w * s.cin, wl = 1L * s.kh * s.kw * s.cin * s.cout,
             yl = 1L * s.n * s.outH * s.outW * s.cout;
  mlf::conv2d_forward(s, a.f32(13, xin), a.f32(14, wl), a.f32OrNull(15, s.cout), a.f32(16, yl));
}
// (shape13, x, w, dy, dx|null, dw, db|null)
void Conv2dBackward(const Napi::CallbackInfo& info) {
  Args a{info, "conv2dBackward"};
  const ConvShape s = conv_shape(a);
  const long xin = 1L * s.n * s.h * s.w * s.cin, wl = 1L * s.kh * s.kw * s.cin * s.cout,
             yl = 1L * s.n * s.outH * s.outW * s.cout;
  mlf::conv2d_backward(s, a.f32(13, xin), a.f32(14, wl), a.f32(15, yl), a.f32OrNull(16, xin), a.f32(17, wl),
                       a.f32OrNull(18, s.cout));
}

// ---- depthwise: (n,h,w,c,m,kh,kw,sh,sw,pt,pl,oh,ow, ...) ----
void DepthwiseForward(const Napi::CallbackInfo& info) {
  Args a{info, "depthwiseForward"};
  const DepthwiseShape s = dw_shape(a);
  const long oc = 1L * s.c * s.multiplier;
  mlf::depthwise_forward(s, a.f32(13, 1L * s.n * s.h * s.w * s.c), a.f32(14, 1L * s.kh * s.kw * oc),
                         a.f32OrNull(15, oc), a.f32(16, 1L * s.n * s.outH * s.outW * oc));
}
void DepthwiseBackward(const Napi::CallbackInfo& info) {
  Args a{info, "depthwiseBackward"};
  const DepthwiseShape s = dw_shape(a);
  const long oc = 1L * s.c * s.multiplier, xin = 1L * s.n * s.h * s.w * s.c, wl = 1L * s.kh * s.kw * oc;
  mlf::depthwise_backward(s, a.f32(13, xin), a.f32(14, wl), a.f32(15, 1L * s.n * s.outH * s.outW * oc),
                          a.f32OrNull(16, xin), a.f32(17, wl), a.f32OrNull(18, oc));
}

// ---- dense: (n, inF, outF, ...) ----
void DenseForward(const Napi::CallbackInfo& info) {
  Args a{info, "denseForward"};
  const int n = a.i32(0), in = a.i32(1), out = a.i32(2);
  mlf::dense_forward(n, in, out, a.f32(3, 1L * n * in), a.f32(4, 1L * in * out), a.f32OrNull(5, out),
                     a.f32(6, 1L * n * out));
}
void DenseBackward(const Napi::CallbackInfo& info) {
  Args a{info, "denseBackward"};
  const int n = a.i32(0), in = a.i32(1), out = a.i32(2);
  mlf::dense_backward(n, in, out, a.f32(3, 1L * n * in), a.f32(4, 1L * in * out), a.f32(5, 1L * n * out),
                      a.f32OrNull(6, 1L * n * in), a.f32(7, 1L * in * out), a.f32OrNull(8, out));
}

// ---- batch norm: (rows, c, eps, ...) ----
void BatchNormTrain(const Napi::CallbackInfo& info) {
  Args a{info, "batchNormTrain"};
  const long rows = static_cast<long>(a.f64(0));
  const int c = a.i32(1);
  const double eps = a.f64(2);
  const long len = rows * c;
  mlf::batch_norm_train(rows, c, eps, a.f32(3, len), a.f32(4, c), a.f32(5, c), a.f32(6, len), a.f32(7, c),
                        a.f32(8, c), a.f32(9, c), a.f32(10, c), a.f64(11));
}
void BatchNormInfer(const Napi::CallbackInfo& info) {
  Args a{info, "batchNormInfer"};
  const long rows = static_cast<long>(a.f64(0));
  const int c = a.i32(1);
  const long len = rows * c;
  mlf::batch_norm_infer(rows, c, a.f64(2), a.f32(3, len), a.f32(4, c), a.f32(5, c), a.f32(6, c), a.f32(7, c),
                        a.f32(8, len));
}
void BatchNormBackward(const Napi::CallbackInfo& info) {
  Args a{info, "batchNormBackward"};
  const long rows = static_cast<long>(a.f64(0));
  const int c = a.i32(1);
  const long len = rows * c;
  mlf::batch_norm_backward(rows, c, a.f32(2, len), a.f32(3, c), a.f32(4, len), a.f32(5, c), a.f32(6, c),
                           a.f32(7, len), a.f32(8, c), a.f32(9, c));
}

// ---- element-wise ----
void ReluForward(const Napi::CallbackInfo& info) {
  Args a{info, "reluForward"};
  long n;
  const float* x = a.f32(0, 0, &n);
  mlf::relu_forward(n, x, a.f32(1, n), static_cast<float>(a.f64(2)));
}
void ReluBackward(const Napi::CallbackInfo& info) {
  Args a{info, "reluBackward"};
  long n;
  const float* y = a.f32(0, 0, &n);
  mlf::relu_backward(n, y, a.f32(1, n), a.f32(2, n), static_cast<float>(a.f64(3)));
}
void AddForward(const Napi::CallbackInfo& info) {
  Args a{info, "addForward"};
  long n;
  const float* x = a.f32(0, 0, &n);
  mlf::add_forward(n, x, a.f32(1, n), a.f32(2, n));
}
void DropoutForward(const Napi::CallbackInfo& info) {
  Args a{info, "dropoutForward"};
  long n;
  const float* x = a.f32(0, 0, &n);
  const double seed = a.f64(4);
  const uint32_t s = static_cast<uint32_t>(static_cast<int64_t>(std::fmod(seed, 4294967296.0)));
  mlf::dropout_forward(n, x, a.f32(1, n), a.f32(2, n), a.f64(3), s);
}
void DropoutBackward(const Napi::CallbackInfo& info) {
  Args a{info, "dropoutBackward"};
  long n;
  const float* dy = a.f32(0, 0, &n);
  mlf::dropout_backward(n, dy, a.f32(1, n), a.f32(2, n));
}

// ---- pools: (n,h,w,c,kh,kw,sh,sw,pt,pl,oh,ow, ...) ----
void AvgPoolForward(const Napi::CallbackInfo& info) {
  Args a{info, "avgPoolForward"};
  const PoolShape s = pool_shape(a);
  mlf::avg_pool_forward(s, a.f32(12, 1L * s.n * s.h * s.w * s.c), a.f32(13, 1L * s.n * s.outH * s.outW * s.c));
}
void AvgPoolBackward(const Napi::CallbackInfo& info) {
  Args a{info, "avgPoolBackward"};
  const PoolShape s = pool_shape(a);
  mlf::avg_pool_backward(s, a.f32(12, 1L * s.n * s.outH * s.outW * s.c), a.f32(13, 1L * s.n * s.h * s.w * s.c));
}
void MaxPoolForward(const Napi::CallbackInfo& info) {
  Args a{info, "maxPoolForward"};
  const PoolShape s = pool_shape(a);
  mlf::max_pool_forward(s, a.f32(12, 1L * s.n * s.h * s.w * s.c), a.f32(13, 1L * s.n * s.outH * s.outW * s.c));
}
void MaxPoolBackward(const Napi::CallbackInfo& info) {
  Args a{info, "maxPoolBackward"};
  const PoolShape s = pool_shape(a);
  const long xin = 1L * s.n * s.h * s.w * s.c;
  mlf::max_pool_backward(s, a.f32(12, xin), a.f32(13, 1L * s.n * s.outH * s.outW * s.c), a.f32(14, xin));
}
void GlobalAvgPoolForward(const Napi::CallbackInfo& info) {
  Args a{info, "globalAvgPoolForward"};
  const int n = a.i32(0), hw = a.i32(1), c = a.i32(2);
  mlf::global_avg_pool_forward(n, hw, c, a.f32(3, 1L * n * hw * c), a.f32(4, 1L * n * c));
}
void GlobalAvgPoolBackward(const Napi::CallbackInfo& info) {
  Args a{info, "globalAvgPoolBackward"};
  const int n = a.i32(0), hw = a.i32(1), c = a.i32(2);
  mlf::global_avg_pool_backward(n, hw, c, a.f32(3, 1L * n * c), a.f32(4, 1L * n * hw * c));
}

// ---- losses ----
Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) {
  Args a{info, "softmaxCrossEntropy"};
  const int n = a.i32(0), k = a.i32(1);
  const float* logits = a.f32(2, 1L * n * k);
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw a.fail(3, "expected an Int32Array");
  auto labels = info[3].As<Napi::Int32Array>();
  if (static_cast<long>(labels.ElementLength()) < n) throw a.fail(3, "has fewer labels than rows");
  for (int r = 0; r < n; r++)
    if (labels[r] < 0 || labels[r] >= k)
      throw Napi::RangeError::New(info.Env(), "softmaxCrossEntropy: label " + std::to_string(labels[r]) +
                                                  " at row " + std::to_string(r) + " is outside [0, " +
                                                  std::to_string(k) + ")");
  const double loss = mlf::softmax_cross_entropy(n, k, logits, labels.Data(), a.f64(4), a.f32(5, 1L * n * k),
                                                 a.f32(6, 1L * n * k));
  return Napi::Number::New(info.Env(), loss);
}
Napi::Value Mse(const Napi::CallbackInfo& info) {
  Args a{info, "mse"};
  long n;
  const float* p = a.f32(0, 0, &n);
  return Napi::Number::New(info.Env(), mlf::mse(n, p, a.f32(1, n), a.f32(2, n)));
}
void Softmax(const Napi::CallbackInfo& info) {
  Args a{info, "softmax"};
  const int n = a.i32(0), k = a.i32(1);
  mlf::softmax(n, k, a.f32(2, 1L * n * k), a.f32(3, 1L * n * k));
}

// ---- optimizers ----
// (p, g, m, v, lr, beta1, beta2, eps, wd, t, decoupled)
void AdamStep(const Napi::CallbackInfo& info) {
  Args a{info, "adamStep"};
  long n;
  float* p = a.f32(0, 0, &n);
  mlf::adam_step(n, p, a.f32(1, n), a.f32(2, n), a.f32(3, n), a.f64(4), a.f64(5), a.f64(6), a.f64(7), a.f64(8),
                 a.f64(9), a.boolean(10));
}
// (p, g, v, lr, momentum, wd, nesterov)
void SgdStep(const Napi::CallbackInfo& info) {
  Args a{info, "sgdStep"};
  long n;
  float* p = a.f32(0, 0, &n);
  mlf::sgd_step(n, p, a.f32(1, n), a.f32(2, n), a.f64(3), a.f64(4), a.f64(5), a.boolean(6));
}
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  Args a{info, "sumSquares"};
  long n;
  const float* x = a.f32(0, 0, &n);
  return Napi::Number::New(info.Env(), mlf::sum_squares(n, x));
}
void Scale(const Napi::CallbackInfo& info) {
  Args a{info, "scale"};
  long n;
  float* x = a.f32(0, 0, &n);
  mlf::scale(n, x, a.f64(1));
}
void Accumulate(const Napi::CallbackInfo& info) {
  Args a{info, "accumulate"};
  long n;
  const float* x = a.f32(0, 0, &n);
  mlf::accumulate(n, x, a.f32(1, n));
}

Napi::Value Threads(const Napi::CallbackInfo& info) {
  if (info.Length() > 0 && info[0].IsNumber()) mlf::set_max_threads(info[0].As<Napi::Number>().Int32Value());
  return Napi::Number::New(info.Env(), mlf::max_threads());
}

Napi::Value SimdName(const Napi::CallbackInfo& info) {
#if defined(MLF_AVX512)
  return Napi::String::New(info.Env(), "avx512");
#elif defined(MLF_AVX2)
  return Napi::String::New(info.Env(), "avx2");
#else
  return Napi::String::New(info.Env(), "scalar");
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto def = [&](const char* name, auto fn) { exports.Set(name, Napi::Function::New(env, fn, name)); };
  def("conv2dForward", Conv2dForward);
  def("conv2dBackward", Conv2dBackward);
  def("depthwiseForward", DepthwiseForward);
  def("depthwiseBackward", DepthwiseBackward);
  def("denseForward", DenseForward);
  def("denseBackward", DenseBackward);
  def("batchNormTrain", BatchNormTrain);
  def("batchNormInfer", BatchNormInfer);
  def("batchNormBackward", BatchNormBackward);
  def("reluForward", ReluForward);
  def("reluBackward", ReluBackward);
  def("addForward", AddForward);
  def("avgPoolForward", AvgPoolForward);
  def("avgPoolBackward", AvgPoolBackward);
  def("maxPoolForward", MaxPoolForward);
  def("maxPoolBackward", MaxPoolBackward);
  def("globalAvgPoolForward", GlobalAvgPoolForward);
  def("globalAvgPoolBackward", GlobalAvgPoolBackward);
  def("dropoutForward", DropoutForward);
  def("dropoutBackward", DropoutBackward);
  def("softmaxCrossEntropy", SoftmaxCrossEntropy);
  def("mse", Mse);
  def("softmax", Softmax);
  def("adamStep", AdamStep);
  def("sgdStep", SgdStep);
  def("sumSquares", SumSquares);
  def("scale", Scale);
  def("accumulate", Accumulate);
  def("threads", Threads);
  def("simd", SimdName);
  return exports;
}

}  // namespace

NODE_API_MODULE(mlforge_train, Init)
