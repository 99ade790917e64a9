// The kernel thread pool and per-thread scratch (see common.h).
//
// One job at a time: the calling thread publishes (epoch, total, next) in one
// 64-bit atomic and everyone — caller included — claims items by CAS until
// none are left; the caller then waits only for items that were claimed. A
// worker that wakes late finds the epoch moved on and claims nothing, so it
// can never hold a call up. Workers spin briefly between jobs (kernels come
// back to back in a training step) and then sleep on a condition variable.
// A worker descheduled while holding an item does hold the caller up; when
// that wait exceeds 2 ms (an oversubscribed machine) the pool runs jobs on the
// calling thread alone for the next 250 ms, then tries again. Results do not
// change: work is cut the same way whoever runs it.
//
// Scratch buffers grow to the largest request seen and are never freed while
// the thread lives: kernels do not allocate in steady state.
#include "common.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MLF_PAUSE() _mm_pause()
#else
#define MLF_PAUSE() std::this_thread::yield()
#endif

namespace mlf {

namespace {

// state = epoch (16 bits) | total (24 bits) | next (24 bits)
constexpr int kIdxBits = 24;
constexpr uint64_t kIdxMask = (1ull << kIdxBits) - 1;
constexpr long kMaxItems = static_cast<long>(kIdxMask);

inline uint64_t pack(uint64_t epoch, uint64_t total, uint64_t next) {
  return (epoch << (2 * kIdxBits)) | (total << kIdxBits) | next;
}
inline uint64_t epoch_of(uint64_t s) { return s >> (2 * kIdxBits); }
inline uint64_t total_of(uint64_t s) { return (s >> kIdxBits) & kIdxMask; }
inline uint64_t next_of(uint64_t s) { return s & kIdxMask; }

thread_local bool tlsInItem = false;

class Pool {
 public:
  explicit Pool(int workers) : budget_(workers + 1) {
    for (int i = 0; i < workers; i++) std::thread([this, i] { loop(i); }).detach();
  }

  int budget() const { return budget_.load(std::memory_order_relaxed); }
  int set_budget(int n) {
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    budget_.store(std::max(1, std::min(n, hw)), std::memory_order_relaxed);
    return budget();
  }

  void run(long count, int nthreads, void (*fn)(void*, long), void* ctx) {
    std::unique_lock<std::mutex> owner(owner_, std::try_to_lock);
    if (!owner.owns_lock() || tlsInItem || count > kMaxItems) {
      for (long i = 0; i < count; i++) fn(ctx, i);
      return;
    }
    fn_ = fn;
    ctx_ = ctx;
    participants_ = nthreads - 1;
    done_.store(0, std::memory_order_relaxed);
    const uint64_t epoch = (epoch_of(state_.load(std::memory_order_relaxed)) + 1) & 0xFFFF;
    // seq_cst store/load pairs with the sleeper's increment-then-check (no lost wake-up)
    state_.store(pack(epoch, static_cast<uint64_t>(count), 0));
    if (sleepers_.load() > 0) {
      std::lock_guard<std::mutex> g(sleepMutex_);
      wake_.notify_all();
    }
    work(epoch);
    // Wait for items claimed by workers; unclaimed ones do not exist any more.
    int spins = 0;
    std::chrono::steady_clock::time_point waitStart{};
    while (done_.load(std::memory_order_acquire) != count) {
      if (++spins < 4096) {
        MLF_PAUSE();
        continue;
      }
      const auto now = std::chrono::steady_clock::now();
      if (spins == 4096) waitStart = now;
      else if (now - waitStart > std::chrono::milliseconds(2))
        soloUntil_.store((now + std::chrono::milliseconds(250)).time_since_epoch().count(), std::memory_order_relaxed);
      std::this_thread::yield();
    }
  }

  /** True while the pool is backing off after a long wait for a descheduled worker. */
  bool solo() const {
    const auto until = soloUntil_.load(std::memory_order_relaxed);
    return until != 0 && std::chrono::steady_clock::now().time_since_epoch().count() < until;
  }

 private:
  // Claims and runs items of job `epoch` until none are left. Returns items run.
  long work(uint64_t epoch) {
    long ran = 0;
    uint64_t s = state_.load(std::memory_order_acquire);
    for (;;) {
      if (epoch_of(s) != epoch || next_of(s) >= total_of(s)) return ran;
      if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
      const bool prev = tlsInItem;
      tlsInItem = true;
      fn_(ctx_, static_cast<long>(next_of(s)));
      tlsInItem = prev;
      ran++;
      done_.fetch_add(1, std::memory_order_acq_rel);
      s = state_.load(std::memory_order_acquire);
    }
  }

  void loop(int id) {
    uint64_t seen = epoch_of(state_.load(std::memory_order_acquire));
    for (;;) {
      // Spin ~50 µs for the next job, then sleep until one is published.
      auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
      uint64_t s;
      for (int i = 0;; i++) {
        s = state_.load(std::memory_order_acquire);
        if (epoch_of(s) != seen) break;
        MLF_PAUSE();
        if ((i & 255) == 255 && std::chrono::steady_clock::now() > until) {
          std::unique_lock<std::mutex> lk(sleepMutex_);
          sleepers_.fetch_add(1);
          wake_.wait(lk, [&] { return epoch_of(state_.load()) != seen; });
          sleepers_.fetch_sub(1, std::memory_order_acq_rel);
          until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
        }
      }
      seen = epoch_of(s);
      if (id < participants_) work(seen);
    }
  }

  std::atomic<int> budget_;
  std::atomic<std::chrono::steady_clock::rep> soloUntil_{0};
  std::mutex owner_;  // one job at a time (other callers run inline)
  std::atomic<uint64_t> state_{0};
  std::atomic<long> done_{0};
  void (*fn_)(void*, long) = nullptr;
  void* ctx_ = nullptr;
  int participants_ = 0;  // workers with id < participants_ join the current job
  std::atomic<int> sleepers_{0};
  std::mutex sleepMutex_;
  std::condition_variable wake_;
};

Pool& pool() {
  // Leaked on purpose: detached workers may outlive static destruction at exit.
  static Pool* p = new Pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) - 1);
  return *p;
}

struct Buffers {
  float* ptr[kSlotCount + kSharedCount] = {nullptr};
  size_t cap[kSlotCount + kSharedCount] = {0};
  ~Buffers() {
    for (float* q : ptr) std::free(q);
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

int max_threads() { return pool().budget(); }
int set_max_threads(int n) { return pool().set_budget(n); }

void run_items(long count, int nthreads, void (*fn)(void*, long), void* ctx) {
  nthreads = std::min(nthreads, max_threads());
  if (nthreads <= 1 || count <= 1) {
    for (long i = 0; i < count; i++) fn(ctx, i);
    return;
  }
  Pool& p = pool();
  if (p.solo()) {
    for (long i = 0; i < count; i++) fn(ctx, i);
    return;
  }
  p.run(count, nthreads, fn, ctx);
}

float* scratch(int slot, size_t floats) { return tlsBuffers.get(slot, floats); }
float* shared_scratch(int slot, size_t floats) { return tlsBuffers.get(kSlotCount + slot, floats); }

}  // namespace mlf
