// Launch geometry and block-level reductions shared by the .cu files.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "../common/philox.h"

namespace myelin {
namespace cuda {

constexpr int kThreads = 256;

// Blocks for a grid-stride loop over n elements (capped: every kernel loops).
inline unsigned grid_for(size_t n, int threads = kThreads) {
  const size_t blocks = (n + threads - 1) / threads;
  return static_cast<unsigned>(blocks < 65535u * 8u ? (blocks > 0 ? blocks : 1) : 65535u * 8u);
}

// Sum of v over the block (blockDim.x a multiple of 32, at most 1024). Every thread gets the result.
// `scratch` holds at least 32 floats; the call synchronizes the block and may be reused right after.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  __syncthreads();  // scratch may still be read by a previous call
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < warps ? scratch[lane] : 0.f;
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// max(a, b) where NaN wins (so a NaN anywhere in a row propagates).
__device__ __forceinline__ float nan_max(float a, float b) { return (b > a || b != b) ? b : a; }

// Maximum of v over the block, NaN propagating. Same contract as block_sum.
__device__ __forceinline__ float block_max(float v, float* scratch) {
  for (int o = 16; o > 0; o >>= 1) v = nan_max(v, __shfl_xor_sync(0xffffffffu, v, o));
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < warps ? scratch[lane] : -INFINITY;
  for (int o = 16; o > 0; o >>= 1) v = nan_max(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// The multiprocessors that work split across blocks by shape alone aims to fill (reduce.cu's column segments,
// gemm_tiled.cu's small tiles and k slices): an H100's 132, a constant rather than the GPU's own count, so that a
// result does not depend on the GPU model.
constexpr size_t kSplitTargetSms = 132;

// Column reductions over the rows of a [rows, cols] block (reduce.cu's column sums, dense.cu's bias gradient):
// a block is 32 columns x kColumnLanes row lanes; lane y walks rows y, y + kColumnLanes, ... and the lanes'
// partial results are combined in lane order. Both kernels use this order, so their sums agree bit for bit (when
// reduce.cu splits the rows into segments, the bias gradient goes through it: reduce_splits_columns).
constexpr int kColumnLanes = 16;

// Threads per row for row-wise kernels: a multiple of 32 covering cols, at most 256.
inline int row_threads(size_t cols) {
  size_t t = (cols + 31) / 32 * 32;
  if (t < 32) t = 32;
  return static_cast<int>(t > 256 ? 256 : t);
}

// True in thread 0 of the last block of the launch to get here, once every other block has passed this point;
// it resets `blocks_done`, a __device__ counter of the kernel's own, 0 between launches (work on the one stream
// runs in order). Every thread of every block calls it (it holds a __syncthreads).
__device__ __forceinline__ bool last_block_to_finish(unsigned int* blocks_done) {
  __syncthreads();  // every thread of this block is done with what comes before
  if (threadIdx.x != 0) return false;
  __threadfence();
  if (atomicAdd(blocks_done, 1u) != gridDim.x - 1) return false;
  *blocks_done = 0;
  return true;
}

// The end of a launch that drew from the Philox call counter t read from `state` (dropout.cu, noise.cu): the last
// block to finish (every other block has read the counter by then) stores t + 1. Every thread of the block calls it
// after its last read of the counter.
__device__ __forceinline__ void advance_counter_at_end(unsigned int* blocks_done, float* state, uint64_t t) {
  if (last_block_to_finish(blocks_done)) dropout_store_counter(state, t + 1);
}

}  // namespace cuda
}  // namespace myelin
