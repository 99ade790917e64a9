// Per-thread scratch buffers (see common.h). Buffers grow to the largest
// request seen and are never freed while the thread lives: kernels never
// allocate in steady state.
#include "common.h"

#include <cstdlib>

namespace mlf {

namespace {
struct Buffers {
  float* ptr[8] = {nullptr};
  size_t cap[8] = {0};
  ~Buffers() {
    for (float* p : ptr) std::free(p);
  }
  float* get(int slot, size_t floats) {
    if (floats > cap[slot]) {
      std::free(ptr[slot]);
      size_t want = std::max(floats, cap[slot] * 3 / 2);
      size_t bytes = ((want * sizeof(float) + 63) / 64) * 64 + 64;
      ptr[slot] = static_cast<float*>(std::aligned_alloc(64, bytes));
      cap[slot] = want;
    }
    return ptr[slot];
  }
};
thread_local Buffers tlsBuffers;
}  // namespace

float* scratch(int slot, size_t floats) { return tlsBuffers.get(slot, floats); }
float* shared_scratch(int slot, size_t floats) { return tlsBuffers.get(kSlotCount + slot, floats); }

}  // namespace mlf
