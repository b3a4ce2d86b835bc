// Dropout with masks from Philox4x32-10 (native/common/philox.h): y = x * mask, mask = keep / (1 - rate), where
// the call counter lives in a 4-float state buffer that each call reads and then advances by one, so that a
// compiled program replayed N times draws N fresh masks with nothing passed in from JavaScript.
//
// The generator runs on chunks of 64 counter blocks at once, word by word across the blocks (the same rounds as
// philox4x32_10, laid out so that the compiler vectorizes the 32x32->64-bit products), cloned for AVX-512 / AVX2.
#include <algorithm>

#include "../common/dropout_args.h"
#include "../common/thread_pool.h"
#include "cpu.h"
#include "kernel.h"

namespace myelin {

namespace {

constexpr size_t kChunkBlocks = 64;
// Chunks per thread at least: the generator is compute-bound, so it is split from 8192 elements on (the
// elementwise kernels' kParallelMin is for memory-bound loops).
constexpr size_t kParallelChunks = 32;

// mask[0 .. 4 * kChunkBlocks) for the blocks b0, b0 + 1, ... of call t: the words of philox4x32_10 compared with
// the threshold, exactly as dropout_block computes them one block at a time.
MYELIN_CLONES void mask_chunk(uint64_t b0, uint64_t t, uint32_t k0, uint32_t k1, uint32_t threshold, float scale,
                              float* mask) {
  uint32_t c0[kChunkBlocks], c1[kChunkBlocks], c2[kChunkBlocks], c3[kChunkBlocks];
  for (size_t j = 0; j < kChunkBlocks; ++j) {
    c0[j] = uint32_t(b0 + j);
    c1[j] = uint32_t((b0 + j) >> 32);
    c2[j] = uint32_t(t);
    c3[j] = uint32_t(t >> 32);
  }
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 += kPhiloxW0;
      k1 += kPhiloxW1;
    }
#pragma omp simd
    for (size_t j = 0; j < kChunkBlocks; ++j) {
      const uint64_t p0 = uint64_t(kPhiloxM0) * c0[j];
      const uint64_t p1 = uint64_t(kPhiloxM1) * c2[j];
      const uint32_t n0 = uint32_t(p1 >> 32) ^ c1[j] ^ k0;
      const uint32_t n2 = uint32_t(p0 >> 32) ^ c3[j] ^ k1;
      c1[j] = uint32_t(p1);
      c3[j] = uint32_t(p0);
      c0[j] = n0;
      c2[j] = n2;
    }
  }
  for (size_t j = 0; j < kChunkBlocks; ++j) {
    mask[4 * j] = (c0[j] >> 8) >= threshold ? scale : 0.f;
    mask[4 * j + 1] = (c1[j] >> 8) >= threshold ? scale : 0.f;
    mask[4 * j + 2] = (c2[j] >> 8) >= threshold ? scale : 0.f;
    mask[4 * j + 3] = (c3[j] >> 8) >= threshold ? scale : 0.f;
  }
}

}  // namespace

// dropout(x, y, mask, state, n, rate, key0, key1)
Kernel PrepareDropout(const Args& args) {
  const F32 x = args.f32(0, "x"), y = args.f32(1, "y"), mask = args.f32(2, "mask"), state = args.f32(3, "state");
  const DropoutScalars s = dropout_scalars(args);
  args.need(x, s.n, "x");
  args.need(y, s.n, "y");
  args.need(mask, s.n, "mask");
  args.need(state, kDropoutStateSize, "state");
  return [=] {
    const uint64_t t = dropout_counter(state.data);
    const size_t chunks = (s.n + 4 * kChunkBlocks - 1) / (4 * kChunkBlocks);
    parallel_for(chunks, kParallelChunks, [&](size_t c0, size_t c1) {
      float m[4 * kChunkBlocks];
      for (size_t c = c0; c < c1; ++c) {
        mask_chunk(c * kChunkBlocks, t, s.k0, s.k1, s.threshold, s.scale, m);
        const size_t i0 = 4 * kChunkBlocks * c, i1 = std::min(s.n, i0 + 4 * kChunkBlocks);
        std::copy(m, m + (i1 - i0), mask.data + i0);
        for (size_t i = i0; i < i1; ++i) y.data[i] = x.data[i] * m[i - i0];
      }
    });
    dropout_store_counter(state.data, t + 1);
  };
}

}  // namespace myelin
