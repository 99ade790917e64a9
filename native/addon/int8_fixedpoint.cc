// int8_fixedpoint.cc — the kernels' fixed-point arithmetic (fixedpoint.h,
// QuantizeMultiplier, the mean's 1/count fold) exposed to JS, part of module
// `mlforge_int8`, so tests can pin every helper to its TypeScript twin over the
// whole int32 range.
#include <stddef.h>
#include <stdint.h>

#include <napi.h>

#include "mlforge_kernels.h"
#include "int8_args.h"
#include "int8_fixedpoint.h"

namespace {

using namespace int8_args;

Napi::Array MultiplierShift(Napi::Env env, int32_t multiplier, int32_t shift) {
  Napi::Array r = Napi::Array::New(env, 2);
  r.Set(0u, Napi::Number::New(env, multiplier));
  r.Set(1u, Napi::Number::New(env, shift));
  return r;
}

// quantizeMultiplier(real, rounding) -> [multiplier, shift]
Napi::Value QuantizeMultiplier(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Need(env, info.Length() >= 2 && info[0].IsNumber(), "quantizeMultiplier(real, rounding)");
  int32_t m = 0, s = 0;
  mlf_quantize_multiplier(info[0].As<Napi::Number>().DoubleValue(), IntArg(info, 1, "rounding"), &m, &s);
  return MultiplierShift(env, m, s);
}

// meanFold(count, multiplier, shift) -> [multiplier, shift]: 1/count folded in as the mean kernel does.
Napi::Value MeanFold(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Need(env, info.Length() >= 3 && info[0].IsNumber(), "meanFold(count, multiplier, shift)");
  const int64_t count = info[0].As<Napi::Number>().Int64Value();
  int32_t m = IntArg(info, 1, "multiplier");
  int32_t s = IntArg(info, 2, "shift");
  mlf_mean_s8_fold(count, &m, &s);
  return MultiplierShift(env, m, s);
}

// fixedpoint(fn, a, b, c, rounding, out): the fixedpoint.h helpers element-wise over
// Int32Arrays, for tests that pin them to the TypeScript twins over the whole int32 range.
// fn: 0 srdhm(a, b); 1 rdbpot(a, b); 2 requantize(a, b, c); 3 exp_on_negative_values(a, b);
//     4 logistic_q4(a); 5 tanh_q4(a); 6 one_over_one_plus_x(a); 7 one_minus_x_over_one_plus_x(a)
Napi::Value FixedPoint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int32_t fn = IntArg(info, 0, "fn");
  auto a = Arg<int32_t>(info, 1, "a");
  auto b = Arg<int32_t>(info, 2, "b");
  auto c = Arg<int32_t>(info, 3, "c");
  const int32_t rounding = IntArg(info, 4, "rounding");
  auto out = Arg<int32_t>(info, 5, "out");
  const size_t n = out.length;
  NeedLen(env, a, n, "a");
  NeedLen(env, b, n, "b");
  NeedLen(env, c, n, "c");
  for (size_t i = 0; i < n; ++i) {
    const int32_t x = a.data[i], y = b.data[i], z = c.data[i];
    int32_t r = 0;
    switch (fn) {
      case 0: r = mlf_srdhm(x, y); break;
      case 1: Need(env, y >= 0 && y <= 31, "rdbpot exponent"); r = mlf_rdbpot(x, y); break;
      case 2:
        Need(env, z >= -31 && z <= (rounding == MLF_ROUND_SINGLE ? 30 : 31), "requantize shift");
        r = mlf_requantize(x, y, z, rounding);
        break;
      case 3: Need(env, x <= 0 && (y == 4 || y == 5), "exp argument"); r = mlf_exp_on_negative_values(x, y); break;
      case 4: r = mlf_logistic_q4(x); break;
      case 5: r = mlf_tanh_q4(x); break;
      case 6: Need(env, x >= 0, "1/(1+x) argument"); r = mlf_one_over_one_plus_x_for_x_in_0_1(x); break;
      case 7: Need(env, x >= 0, "(1-x)/(1+x) argument"); r = mlf_one_minus_x_over_one_plus_x_for_x_in_0_1(x); break;
      default: Need(env, false, "fixedpoint: unknown fn");
    }
    out.data[i] = r;
  }
  return env.Undefined();
}

}  // namespace

void ExportFixedPoint(Napi::Env env, Napi::Object exports) {
  exports.Set("fixedpoint", Napi::Function::New(env, FixedPoint));
  exports.Set("quantizeMultiplier", Napi::Function::New(env, QuantizeMultiplier));
  exports.Set("meanFold", Napi::Function::New(env, MeanFold));
}
