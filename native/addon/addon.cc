// Entry point of the native addon: each concern registers its own functions.
#include <napi.h>

void RegisterTrainKernels(Napi::Env env, Napi::Object exports);
void RegisterInt8Kernels(Napi::Env env, Napi::Object exports);

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  RegisterTrainKernels(env, exports);
  RegisterInt8Kernels(env, exports);
  return exports;
}

NODE_API_MODULE(mlforge_native, Init)
