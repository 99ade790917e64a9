// int8_api.cc — Node-API bindings of the int8 kernels (module `mlforge_int8`).
//
// Every function takes typed arrays and runs the C kernel on their memory in
// place (no copies). Scalar parameters travel packed in an Int32Array whose
// layout is mirrored by src/engine/int8/native.ts. The bindings check array
// lengths against the shapes so a wrong call throws instead of corrupting
// memory; the kernels themselves trust their arguments.
//
// `variant` selects the build of a kernel with a packed-MAC path:
//   0 = the C objects compiled for this machine (portable loops on x86),
//   1 = the same sources compiled here again with MLFORGE_EMULATE_DSP, i.e. the
//       Cortex-M SMLAD code paths with the intrinsics emulated in C, so tests
//       can pin the DSP paths to the reference on any host.
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <string>
#include <vector>

#include <napi.h>

#include "mlforge_kernels.h"
#include "int8_args.h"
#include "int8_fixedpoint.h"

// Whether the C objects linked into this addon have the packed-MAC paths.
#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32) && !defined(__ARM_BIG_ENDIAN)
#define MLF_PACKED_MAC_HOST 1
#else
#define MLF_PACKED_MAC_HOST 0
#endif

// The kernels with packed-MAC paths, compiled a second time as C++ in their own
// namespace with the DSP intrinsics emulated (the sources are also valid C++).
namespace emu {
#define MLFORGE_NO_DSP 1
#define MLFORGE_EMULATE_DSP 1
#include "conv2d_s8.c"
#include "depthwise_conv2d_s8.c"
#include "fully_connected_s8.c"
#undef MLFORGE_EMULATE_DSP
#undef MLFORGE_NO_DSP
}  // namespace emu
#if !MLF_PACKED_MAC
#error "the emulated-DSP kernels were compiled without their packed-MAC paths"
#endif

namespace {

using namespace int8_args;

// conv2d(params[23], multiplier, shift, input, filter, bias|null, output, scratch|null, variant)
// params: stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w, input_offset,
//         output_offset, act_min, act_max, rounding, input[4], filter[4], output[4]
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 23);
  const int32_t* q = pv.data;
  mlf_conv_params_t p;
  p.stride_h = q[0]; p.stride_w = q[1]; p.dilation_h = q[2]; p.dilation_w = q[3];
  p.pad_h = q[4]; p.pad_w = q[5]; p.input_offset = q[6]; p.output_offset = q[7];
  p.act_min = q[8]; p.act_max = q[9]; p.rounding = q[10];
  const mlf_dims4_t in_d = Dims(q + 11), f_d = Dims(q + 15), out_d = Dims(q + 19);
  auto mult = Arg<int32_t>(info, 1, "multiplier");
  auto shift = Arg<int32_t>(info, 2, "shift");
  auto input = Arg<int8_t>(info, 3, "input");
  auto filter = Arg<int8_t>(info, 4, "filter");
  auto bias = Arg<int32_t>(info, 5, "bias", true);
  auto output = Arg<int8_t>(info, 6, "output");
  auto scratch = Arg<int16_t>(info, 7, "scratch", true);
  const int32_t variant = IntArg(info, 8, "variant");
  Need(env, f_d.c == in_d.c && f_d.n == out_d.c && in_d.n == out_d.n, "conv2d: shapes do not connect");
  NeedLen(env, input, Count(in_d), "input");
  NeedLen(env, filter, Count(f_d), "filter");
  NeedLen(env, output, Count(out_d), "output");
  NeedLen(env, mult, out_d.c, "multiplier");
  NeedLen(env, shift, out_d.c, "shift");
  if (bias.data) NeedLen(env, bias, out_d.c, "bias");
  if (scratch.data) NeedLen(env, scratch, mlf_conv2d_s8_scratch_size(&in_d, &f_d) / sizeof(int16_t), "scratch");
  const int32_t status =
      variant == 1 ? emu::mlf_conv2d_s8(&p, mult.data, shift.data, &in_d, input.data, &f_d, filter.data, bias.data,
                                        &out_d, output.data, scratch.data)
                   : mlf_conv2d_s8(&p, mult.data, shift.data, &in_d, input.data, &f_d, filter.data, bias.data,
                                   &out_d, output.data, scratch.data);
  Check(env, status, "conv2d");
  return env.Undefined();
}

// depthwiseConv2d(params[24], multiplier, shift, input, filter, bias|null, output, variant)
// params: stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w, depth_multiplier,
//         input_offset, output_offset, act_min, act_max, rounding, input[4], filter[4], output[4]
Napi::Value DepthwiseConv2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 24);
  const int32_t* q = pv.data;
  mlf_dw_conv_params_t p;
  p.stride_h = q[0]; p.stride_w = q[1]; p.dilation_h = q[2]; p.dilation_w = q[3];
  p.pad_h = q[4]; p.pad_w = q[5]; p.depth_multiplier = q[6]; p.input_offset = q[7];
  p.output_offset = q[8]; p.act_min = q[9]; p.act_max = q[10]; p.rounding = q[11];
  const mlf_dims4_t in_d = Dims(q + 12), f_d = Dims(q + 16), out_d = Dims(q + 20);
  auto mult = Arg<int32_t>(info, 1, "multiplier");
  auto shift = Arg<int32_t>(info, 2, "shift");
  auto input = Arg<int8_t>(info, 3, "input");
  auto filter = Arg<int8_t>(info, 4, "filter");
  auto bias = Arg<int32_t>(info, 5, "bias", true);
  auto output = Arg<int8_t>(info, 6, "output");
  const int32_t variant = IntArg(info, 7, "variant");
  Need(env, p.depth_multiplier > 0 && f_d.c == out_d.c && out_d.c == in_d.c * p.depth_multiplier &&
                in_d.n == out_d.n,
       "depthwiseConv2d: shapes do not connect");
  NeedLen(env, input, Count(in_d), "input");
  NeedLen(env, filter, Count(f_d), "filter");
  NeedLen(env, output, Count(out_d), "output");
  NeedLen(env, mult, out_d.c, "multiplier");
  NeedLen(env, shift, out_d.c, "shift");
  if (bias.data) NeedLen(env, bias, out_d.c, "bias");
  const int32_t status =
      variant == 1 ? emu::mlf_depthwise_conv2d_s8(&p, mult.data, shift.data, &in_d, input.data, &f_d, filter.data,
                                                  bias.data, &out_d, output.data)
                   : mlf_depthwise_conv2d_s8(&p, mult.data, shift.data, &in_d, input.data, &f_d, filter.data,
                                             bias.data, &out_d, output.data);
  Check(env, status, "depthwiseConv2d");
  return env.Undefined();
}

// fullyConnected(params[10], multiplier, shift, input, filter, bias|null, output, scratch|null, variant)
// params: input_offset, filter_offset, output_offset, act_min, act_max, rounding,
//         per_channel, batches, accum_depth, out_depth
Napi::Value FullyConnected(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 10);
  const int32_t* q = pv.data;
  mlf_fc_params_t p;
  p.input_offset = q[0]; p.filter_offset = q[1]; p.output_offset = q[2]; p.act_min = q[3];
  p.act_max = q[4]; p.rounding = q[5]; p.per_channel = q[6];
  const int32_t batches = q[7], accum = q[8], out_depth = q[9];
  Need(env, batches >= 0 && accum >= 0 && out_depth >= 0, "fullyConnected: negative size");
  auto mult = Arg<int32_t>(info, 1, "multiplier");
  auto shift = Arg<int32_t>(info, 2, "shift");
  auto input = Arg<int8_t>(info, 3, "input");
  auto filter = Arg<int8_t>(info, 4, "filter");
  auto bias = Arg<int32_t>(info, 5, "bias", true);
  auto output = Arg<int8_t>(info, 6, "output");
  auto scratch = Arg<int16_t>(info, 7, "scratch", true);
  const int32_t variant = IntArg(info, 8, "variant");
  NeedLen(env, input, static_cast<size_t>(batches) * accum, "input");
  NeedLen(env, filter, static_cast<size_t>(out_depth) * accum, "filter");
  NeedLen(env, output, static_cast<size_t>(batches) * out_depth, "output");
  const size_t nq = p.per_channel ? static_cast<size_t>(out_depth) : 1;
  NeedLen(env, mult, nq, "multiplier");
  NeedLen(env, shift, nq, "shift");
  if (bias.data) NeedLen(env, bias, out_depth, "bias");
  if (scratch.data) NeedLen(env, scratch, static_cast<size_t>(accum), "scratch");
  const int32_t status =
      variant == 1 ? emu::mlf_fully_connected_s8(&p, mult.data, shift.data, batches, accum, out_depth, input.data,
                                                 filter.data, bias.data, output.data, scratch.data)
                   : mlf_fully_connected_s8(&p, mult.data, shift.data, batches, accum, out_depth, input.data,
                                            filter.data, bias.data, output.data, scratch.data);
  Check(env, status, "fullyConnected");
  return env.Undefined();
}

mlf_add_params_t AddParams(const int32_t* q) {
  mlf_add_params_t p;
  p.input1_offset = q[0]; p.input2_offset = q[1]; p.output_offset = q[2]; p.left_shift = q[3];
  p.input1_multiplier = q[4]; p.input1_shift = q[5]; p.input2_multiplier = q[6]; p.input2_shift = q[7];
  p.output_multiplier = q[8]; p.output_shift = q[9]; p.act_min = q[10]; p.act_max = q[11]; p.rounding = q[12];
  return p;
}

// add(params[13], input1, input2, output) — same shapes.
// params: input1_offset, input2_offset, output_offset, left_shift, input1_multiplier,
//         input1_shift, input2_multiplier, input2_shift, output_multiplier, output_shift,
//         act_min, act_max, rounding
Napi::Value Add(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 13);
  const mlf_add_params_t p = AddParams(pv.data);
  auto in1 = Arg<int8_t>(info, 1, "input1");
  auto in2 = Arg<int8_t>(info, 2, "input2");
  auto out = Arg<int8_t>(info, 3, "output");
  NeedLen(env, in1, out.length, "input1");
  NeedLen(env, in2, out.length, "input2");
  Check(env, mlf_add_s8(&p, static_cast<int32_t>(out.length), in1.data, in2.data, out.data), "add");
  return env.Undefined();
}

// addBroadcast(params[13], outDims[6], strides1[6], strides2[6], input1, input2, output)
Napi::Value AddBroadcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 13);
  const mlf_add_params_t p = AddParams(pv.data);
  auto dims = Arg<int32_t>(info, 1, "outDims");
  auto s1 = Arg<int32_t>(info, 2, "strides1");
  auto s2 = Arg<int32_t>(info, 3, "strides2");
  auto in1 = Arg<int8_t>(info, 4, "input1");
  auto in2 = Arg<int8_t>(info, 5, "input2");
  auto out = Arg<int8_t>(info, 6, "output");
  Need(env, dims.length == 6 && s1.length == 6 && s2.length == 6, "addBroadcast: dims and strides need 6 values");
  size_t n = 1, last1 = 0, last2 = 0;
  for (int i = 0; i < 6; ++i) {
    Need(env, dims.data[i] > 0 && s1.data[i] >= 0 && s2.data[i] >= 0, "addBroadcast: bad dims or strides");
    n *= static_cast<size_t>(dims.data[i]);
    last1 += static_cast<size_t>(dims.data[i] - 1) * s1.data[i];
    last2 += static_cast<size_t>(dims.data[i] - 1) * s2.data[i];
  }
  NeedLen(env, out, n, "output");
  NeedLen(env, in1, last1 + 1, "input1");
  NeedLen(env, in2, last2 + 1, "input2");
  Check(env, mlf_add_broadcast_s8(&p, dims.data, s1.data, s2.data, in1.data, in2.data, out.data), "addBroadcast");
  return env.Undefined();
}

// avgPool/maxPool(params[16], input, output)
// params: stride_h, stride_w, filter_h, filter_w, pad_h, pad_w, act_min, act_max, input[4], output[4]
template <bool kAverage>
Napi::Value Pool(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 16);
  const int32_t* q = pv.data;
  mlf_pool_params_t p;
  p.stride_h = q[0]; p.stride_w = q[1]; p.filter_h = q[2]; p.filter_w = q[3];
  p.pad_h = q[4]; p.pad_w = q[5]; p.act_min = q[6]; p.act_max = q[7];
  const mlf_dims4_t in_d = Dims(q + 8), out_d = Dims(q + 12);
  auto input = Arg<int8_t>(info, 1, "input");
  auto output = Arg<int8_t>(info, 2, "output");
  Need(env, in_d.n == out_d.n && in_d.c == out_d.c, "pool: shapes do not connect");
  NeedLen(env, input, Count(in_d), "input");
  NeedLen(env, output, Count(out_d), "output");
  Check(env,
        kAverage ? mlf_avg_pool_s8(&p, &in_d, input.data, &out_d, output.data)
                 : mlf_max_pool_s8(&p, &in_d, input.data, &out_d, output.data),
        "pool");
  return env.Undefined();
}

// mean(params[19], input, output)
// params: num_dims, dims[6], reduce[6], input_zero_point, output_zero_point, multiplier, shift, rounding,
//         same_quant
Napi::Value Mean(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 19);
  const int32_t* q = pv.data;
  mlf_mean_params_t p;
  p.num_dims = q[0];
  Need(env, p.num_dims >= 1 && p.num_dims <= MLF_MAX_DIMS, "mean: 1 to 6 dims");
  size_t in_n = 1, out_n = 1;
  for (int i = 0; i < MLF_MAX_DIMS; ++i) {
    p.dims[i] = q[1 + i];
    p.reduce[i] = q[7 + i];
    if (i < p.num_dims) {
      Need(env, p.dims[i] >= 0, "mean: negative dim");
      in_n *= static_cast<size_t>(p.dims[i]);
      if (!p.reduce[i]) out_n *= static_cast<size_t>(p.dims[i]);
    }
  }
  p.input_zero_point = q[13]; p.output_zero_point = q[14]; p.multiplier = q[15]; p.shift = q[16];
  p.rounding = q[17];
  p.same_quant = q[18];
  auto input = Arg<int8_t>(info, 1, "input");
  auto output = Arg<int8_t>(info, 2, "output");
  NeedLen(env, input, in_n, "input");
  NeedLen(env, output, out_n, "output");
  Check(env, mlf_mean_s8(&p, input.data, output.data), "mean");
  return env.Undefined();
}

// softmax(params[6], input, output); params: input_multiplier, input_left_shift, diff_min, rounding, outer, depth
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 6);
  const int32_t* q = pv.data;
  mlf_softmax_params_t p;
  p.input_multiplier = q[0]; p.input_left_shift = q[1]; p.diff_min = q[2]; p.rounding = q[3];
  const int32_t outer = q[4], depth = q[5];
  Need(env, outer >= 0 && depth >= 0, "softmax: negative size");
  auto input = Arg<int8_t>(info, 1, "input");
  auto output = Arg<int8_t>(info, 2, "output");
  NeedLen(env, input, static_cast<size_t>(outer) * depth, "input");
  NeedLen(env, output, static_cast<size_t>(outer) * depth, "output");
  Check(env, mlf_softmax_s8(&p, outer, depth, input.data, output.data), "softmax");
  return env.Undefined();
}

// pad(params[20], input, output); params: num_dims, dims[6], before[6], after[6], pad_value
Napi::Value Pad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 20);
  const int32_t* q = pv.data;
  mlf_pad_params_t p;
  p.num_dims = q[0];
  Need(env, p.num_dims >= 1 && p.num_dims <= MLF_MAX_DIMS, "pad: 1 to 6 dims");
  size_t in_n = 1, out_n = 1;
  for (int i = 0; i < MLF_MAX_DIMS; ++i) {
    p.dims[i] = q[1 + i];
    p.before[i] = q[7 + i];
    p.after[i] = q[13 + i];
    if (i < p.num_dims) {
      Need(env, p.dims[i] >= 0 && p.before[i] >= 0 && p.after[i] >= 0, "pad: negative size");
      in_n *= static_cast<size_t>(p.dims[i]);
      out_n *= static_cast<size_t>(p.dims[i] + p.before[i] + p.after[i]);
    }
  }
  p.pad_value = q[19];
  auto input = Arg<int8_t>(info, 1, "input");
  auto output = Arg<int8_t>(info, 2, "output");
  NeedLen(env, input, in_n, "input");
  NeedLen(env, output, out_n, "output");
  Check(env, mlf_pad_s8(&p, input.data, output.data), "pad");
  return env.Undefined();
}

// concat(inputs: Int8Array[], axisSizes: Int32Array, outer, inner, output)
Napi::Value Concat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Need(env, info.Length() >= 5 && info[0].IsArray(), "concat(inputs[], axisSizes, outer, inner, output)");
  Napi::Array arr = info[0].As<Napi::Array>();
  auto sizes = Arg<int32_t>(info, 1, "axisSizes");
  const int32_t outer = IntArg(info, 2, "outer");
  const int32_t inner = IntArg(info, 3, "inner");
  auto output = Arg<int8_t>(info, 4, "output");
  const uint32_t n = arr.Length();
  Need(env, sizes.length == n && outer >= 0 && inner >= 0, "concat: one axis size per input");
  std::vector<const int8_t*> ptrs(n);
  size_t total = 0;
  for (uint32_t i = 0; i < n; ++i) {
    Napi::Value v = arr.Get(i);
    Need(env, v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_int8_array,
         "concat: inputs must be Int8Arrays");
    Napi::TypedArray ta = v.As<Napi::TypedArray>();
    Need(env, sizes.data[i] >= 0 &&
                  ta.ElementLength() >= static_cast<size_t>(outer) * sizes.data[i] * static_cast<size_t>(inner),
         "concat: input " + std::to_string(i) + " is too short");
    ptrs[i] = reinterpret_cast<const int8_t*>(static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset());
    total += static_cast<size_t>(sizes.data[i]);
  }
  NeedLen(env, output, static_cast<size_t>(outer) * total * inner, "output");
  Check(env, mlf_concat_s8(static_cast<int32_t>(n), ptrs.data(), sizes.data, outer, inner, output.data), "concat");
  return env.Undefined();
}

// quantize(input: Float32Array, scale, zeroPoint, output: Int8Array)
Napi::Value Quantize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto input = Arg<float>(info, 0, "input");
  Need(env, info.Length() >= 4 && info[1].IsNumber(), "quantize(input, scale, zeroPoint, output)");
  const float scale = info[1].As<Napi::Number>().FloatValue();
  const int32_t zp = IntArg(info, 2, "zeroPoint");
  auto output = Arg<int8_t>(info, 3, "output");
  NeedLen(env, output, input.length, "output");
  Check(env, mlf_quantize_f32_s8(input.data, static_cast<int32_t>(input.length), scale, zp, output.data), "quantize");
  return env.Undefined();
}

// dequantize(input: Int8Array, scale, zeroPoint, output: Float32Array)
Napi::Value Dequantize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto input = Arg<int8_t>(info, 0, "input");
  Need(env, info.Length() >= 4 && info[1].IsNumber(), "dequantize(input, scale, zeroPoint, output)");
  const float scale = info[1].As<Napi::Number>().FloatValue();
  const int32_t zp = IntArg(info, 2, "zeroPoint");
  auto output = Arg<float>(info, 3, "output");
  NeedLen(env, output, input.length, "output");
  Check(env, mlf_dequantize_s8_f32(input.data, static_cast<int32_t>(input.length), scale, zp, output.data),
        "dequantize");
  return env.Undefined();
}

// requantize(params[5], input, output); params: input_zero_point, output_zero_point, multiplier, shift, rounding
Napi::Value Requantize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 5);
  const int32_t* q = pv.data;
  auto input = Arg<int8_t>(info, 1, "input");
  auto output = Arg<int8_t>(info, 2, "output");
  NeedLen(env, output, input.length, "output");
  Check(env,
        mlf_requantize_s8(input.data, static_cast<int32_t>(input.length), q[0], q[1], q[2], q[3], q[4], output.data),
        "requantize");
  return env.Undefined();
}

// logistic/tanh(params[5], input, output); params: input_zero_point, input_range_radius,
// input_multiplier, input_left_shift, rounding
template <bool kLogistic>
Napi::Value Sigmoid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pv = Arg<int32_t>(info, 0, "params");
  NeedParams(env, pv, 5);
  const int32_t* q = pv.data;
  mlf_sigmoid_params_t p;
  p.input_zero_point = q[0]; p.input_range_radius = q[1]; p.input_multiplier = q[2];
  p.input_left_shift = q[3]; p.rounding = q[4];
  auto input = Arg<int8_t>(info, 1, "input");
  auto output = Arg<int8_t>(info, 2, "output");
  NeedLen(env, output, input.length, "output");
  const int32_t n = static_cast<int32_t>(input.length);
  Check(env, kLogistic ? mlf_logistic_s8(&p, n, input.data, output.data) : mlf_tanh_s8(&p, n, input.data, output.data),
        kLogistic ? "logistic" : "tanh");
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, Conv2d));
  exports.Set("depthwiseConv2d", Napi::Function::New(env, DepthwiseConv2d));
  exports.Set("fullyConnected", Napi::Function::New(env, FullyConnected));
  exports.Set("add", Napi::Function::New(env, Add));
  exports.Set("addBroadcast", Napi::Function::New(env, AddBroadcast));
  exports.Set("avgPool", Napi::Function::New(env, Pool<true>));
  exports.Set("maxPool", Napi::Function::New(env, Pool<false>));
  exports.Set("mean", Napi::Function::New(env, Mean));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("pad", Napi::Function::New(env, Pad));
  exports.Set("concat", Napi::Function::New(env, Concat));
  exports.Set("quantize", Napi::Function::New(env, Quantize));
  exports.Set("dequantize", Napi::Function::New(env, Dequantize));
  exports.Set("requantize", Napi::Function::New(env, Requantize));
  exports.Set("logistic", Napi::Function::New(env, Sigmoid<true>));
  exports.Set("tanh", Napi::Function::New(env, Sigmoid<false>));
  exports.Set("packedMac", Napi::Boolean::New(env, MLF_PACKED_MAC_HOST != 0));
  ExportFixedPoint(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(mlforge_int8, Init)
