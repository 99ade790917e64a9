// int8_fixedpoint.h — the fixed-point helpers of the int8 module (int8_fixedpoint.cc).
#ifndef MLFORGE_INT8_FIXEDPOINT_H
#define MLFORGE_INT8_FIXEDPOINT_H

#include <napi.h>

// Adds quantizeMultiplier, meanFold and fixedpoint to the module's exports.
void ExportFixedPoint(Napi::Env env, Napi::Object exports);

#endif  // MLFORGE_INT8_FIXEDPOINT_H
