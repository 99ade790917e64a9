// Deterministic reductions shared by several kernels: column sums (bias
// gradients) and Σx². Rows are cut into fixed chunks (size-dependent only);
// each chunk sums in float, chunk partials are combined in double in order.
#include "simd.h"
#include "train.h"

namespace mlf {

using namespace simd;

namespace {
constexpr long kChunkRows = 64;

// out[0..cols) = Σ_r x[r][·] for r in [r0, r1), vectorized over columns.
void colsum_rows(const float* x, long r0, long r1, int cols, float* out) {
  int c = 0;
  for (; c + W <= cols; c += W) {
    V acc = zero();
    for (long r = r0; r < r1; r++) acc = add(acc, load(x + r * cols + c));
    store(out + c, acc);
  }
  if (c < cols) {
    const Mask m = mask_first(cols - c);
    V acc = zero();
    for (long r = r0; r < r1; r++) acc = add(acc, loadm(x + r * cols + c, m));
    storem(out + c, acc, m);
  }
}
}  // namespace

void column_sums(const float* x, long rows, int cols, float* out) {
  const long chunks = std::max<long>(1, (rows + kChunkRows - 1) / kChunkRows);
  if (chunks == 1) {
    colsum_rows(x, 0, rows, cols, out);
    return;
  }
  float* part = shared_scratch(kSharedPartials, static_cast<size_t>(chunks) * cols);
  const int nt = threads_for(static_cast<double>(rows) * cols, 32768.0);
  parallel_for(chunks, nt, [&](long ch) {
    colsum_rows(x, ch * kChunkRows, std::min(rows, (ch + 1) * kChunkRows), cols, part + ch * cols);
  });
  for (int c = 0; c < cols; c++) {
    double acc = 0;
    for (long ch = 0; ch < chunks; ch++) acc += part[ch * cols + c];
    out[c] = static_cast<float>(acc);
  }
}

double sum_squares(long len, const float* x) {
  constexpr long kChunk = 4096;
  const long chunks = std::max<long>(1, (len + kChunk - 1) / kChunk);
  double* part = reinterpret_cast<double*>(shared_scratch(kSharedPartials, static_cast<size_t>(chunks) * 2));
  const int nt = threads_for(static_cast<double>(len), 65536.0);
  parallel_for(chunks, nt, [&](long ch) {
    const long b = ch * kChunk, e = std::min(len, b + kChunk);
    // Vector lanes accumulate in float over the chunk; lanes are summed in double.
    V acc = zero();
    long i = b;
    for (; i + W <= e; i += W) {
      const V v = load(x + i);
      acc = fma(v, v, acc);
    }
    alignas(64) float lanes[W];
    store(lanes, acc);
    double total = 0;
    for (int l = 0; l < W; l++) total += lanes[l];
    for (; i < e; i++) total += static_cast<double>(x[i]) * x[i];
    part[ch] = total;
  });
  double total = 0;
  for (long ch = 0; ch < chunks; ch++) total += part[ch];
  return total;
}

}  // namespace mlf
