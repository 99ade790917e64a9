#include <napi.h>
void RegisterTrainKernels(Napi::Env, Napi::Object) {}
