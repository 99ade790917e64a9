// int8_args.h — checked unpacking of the int8 bindings' arguments: typed
// arrays by element type (null allowed where optional), numbers, lengths
// against shapes, kernel status codes. A wrong call throws a JS exception
// instead of corrupting memory.
#ifndef MLFORGE_INT8_ARGS_H
#define MLFORGE_INT8_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include <string>

#include <napi.h>

#include "mlforge_kernels.h"

namespace int8_args {

template <typename T>
struct View {
  T* data = nullptr;
  size_t length = 0;
};

template <typename T>
napi_typedarray_type ExpectedType();
template <>
inline napi_typedarray_type ExpectedType<int8_t>() { return napi_int8_array; }
template <>
inline napi_typedarray_type ExpectedType<int16_t>() { return napi_int16_array; }
template <>
inline napi_typedarray_type ExpectedType<int32_t>() { return napi_int32_array; }
template <>
inline napi_typedarray_type ExpectedType<float>() { return napi_float32_array; }

inline const char* TypeName(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_int16_array: return "Int16Array";
    case napi_int32_array: return "Int32Array";
    case napi_float32_array: return "Float32Array";
    default: return "another typed array";
  }
}

// A typed array argument; null/undefined allowed when `optional`.
template <typename T>
View<T> Arg(const Napi::CallbackInfo& info, size_t i, const char* name, bool optional = false) {
  Napi::Env env = info.Env();
  View<T> v;
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) {
    if (optional) return v;
    throw Napi::TypeError::New(env, std::string("expected a ") + TypeName(ExpectedType<T>()) + " for " + name);
  }
  if (!info[i].IsTypedArray()) {
    throw Napi::TypeError::New(env, std::string("expected a ") + TypeName(ExpectedType<T>()) + " for " + name);
  }
  Napi::TypedArray ta = info[i].As<Napi::TypedArray>();
  if (ta.TypedArrayType() != ExpectedType<T>()) {
    throw Napi::TypeError::New(env, std::string("expected a ") + TypeName(ExpectedType<T>()) + " for " + name +
                                        ", got " + TypeName(ta.TypedArrayType()));
  }
  Napi::ArrayBuffer buf = ta.ArrayBuffer();
  v.data = reinterpret_cast<T*>(static_cast<uint8_t*>(buf.Data()) + ta.ByteOffset());
  v.length = ta.ElementLength();
  return v;
}

inline int32_t IntArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string("expected a number for ") + name);
  }
  return info[i].As<Napi::Number>().Int32Value();
}

inline void Need(const Napi::Env& env, bool ok, const std::string& what) {
  if (!ok) throw Napi::RangeError::New(env, what);
}

template <typename T>
void NeedLen(const Napi::Env& env, const View<T>& v, size_t n, const char* name) {
  if (v.length < n) {
    throw Napi::RangeError::New(env, std::string(name) + ": expected at least " + std::to_string(n) +
                                         " elements, got " + std::to_string(v.length));
  }
}

template <typename T>
void NeedParams(const Napi::Env& env, const View<T>& v, size_t n) {
  if (v.length != n) {
    throw Napi::RangeError::New(env, "params: expected " + std::to_string(n) + " values, got " +
                                         std::to_string(v.length));
  }
}

inline mlf_dims4_t Dims(const int32_t* p) {
  mlf_dims4_t d;
  d.n = p[0];
  d.h = p[1];
  d.w = p[2];
  d.c = p[3];
  return d;
}

inline size_t Count(const mlf_dims4_t& d) {
  for (int32_t v : {d.n, d.h, d.w, d.c}) {
    if (v < 0) return SIZE_MAX;
  }
  return static_cast<size_t>(d.n) * d.h * d.w * d.c;
}

inline void Check(const Napi::Env& env, int32_t status, const char* op) {
  if (status != MLF_OK) {
    throw Napi::Error::New(env, std::string(op) + " failed with status " + std::to_string(status));
  }
}

}  // namespace int8_args

#endif  // MLFORGE_INT8_ARGS_H
