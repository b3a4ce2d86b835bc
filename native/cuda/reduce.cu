// Reductions of an [outer, mid, inner] view over the middle axis: out[o, i] = op_m x[o, m, i] (mid >= 1).
// inner == 1: one block per row, tree reduction. Rows longer than kSegment when there are at most kSplitRows
// of them (a whole-tensor sum, the check of a data set) are split across blocks instead, so that the whole
// device reads them: each block reduces one segment of a row into the scratch, then one block per row
// combines its segments in a tree. The segments depend on the shape only, so a result does not depend on the
// GPU. inner > 1: a block of 32 columns x kColumnLanes row lanes (launch.cuh), each lane walks every
// kColumnLanes-th row, then the partials are combined in lane order. When those blocks would be too few to
// fill a GPU (a per-feature mean of a data set: 25 blocks for 784 columns) and the middle axis is long, it is
// split into segments of rows as well, each block writing its columns' partials to the scratch, and one
// thread per output combines its segments in order; again the split depends on the shape only.
// mean is the float sum times float(1 / mid), rounded on its own (what sum then unary scale give); max/min
// propagate NaN; argmax gives the first index of the maximum, a NaN counting as the maximum (as the CPU flavour).
#include <cmath>

#include "../common/kernel_ids.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

// A running value with its index; combining is commutative and associative, so any tree order gives the
// result of a left-to-right scan.
struct Acc {
  float v;
  unsigned long long i;
};

template <int OP>
__device__ __forceinline__ Acc combine(Acc a, Acc b) {
  constexpr ReduceOp op = static_cast<ReduceOp>(OP);
  if constexpr (op == ReduceOp::sum || op == ReduceOp::mean) {
    return Acc{__fadd_rn(a.v, b.v), 0};  // as dense.cu's bias gradient sums, never contracted
  } else if constexpr (op == ReduceOp::max) {
    return Acc{(b.v > a.v || b.v != b.v) ? b.v : a.v, 0};
  } else if constexpr (op == ReduceOp::min) {
    return Acc{(b.v < a.v || b.v != b.v) ? b.v : a.v, 0};
  } else {  // argmax: NaN beats everything; ties (and NaN vs NaN) go to the lower index
    const bool an = a.v != a.v, bn = b.v != b.v;
    bool take_b;
    if (an || bn)
      take_b = an && bn ? b.i < a.i : bn;
    else
      take_b = b.v > a.v || (b.v == a.v && b.i < a.i);
    return take_b ? b : a;
  }
}

template <int OP>
__device__ __forceinline__ Acc identity() {
  constexpr ReduceOp op = static_cast<ReduceOp>(OP);
  if constexpr (op == ReduceOp::sum || op == ReduceOp::mean)
    return Acc{0.f, 0};
  else if constexpr (op == ReduceOp::max)
    return Acc{-INFINITY, 0};
  else if constexpr (op == ReduceOp::min)
    return Acc{INFINITY, 0};
  else
    return Acc{-INFINITY, ~0ull};  // loses every tie against a real element
}

template <int OP>
__device__ __forceinline__ float result(Acc a, float scale) {
  constexpr ReduceOp op = static_cast<ReduceOp>(OP);
  if constexpr (op == ReduceOp::argmax)
    return static_cast<float>(a.i);
  else if constexpr (op == ReduceOp::mean)
    return __fmul_rn(a.v, scale);
  else
    return a.v;
}

// Combines every thread's acc over the block (blockDim.x a power of two, at most kThreads) in a tree; every
// thread gets the result. The caller synchronizes before it writes scratch again.
template <int OP>
__device__ __forceinline__ Acc block_combine(Acc acc, Acc* scratch) {
  scratch[threadIdx.x] = acc;
  __syncthreads();
  for (unsigned h = blockDim.x / 2; h > 0; h >>= 1) {
    if (threadIdx.x < h) scratch[threadIdx.x] = combine<OP>(scratch[threadIdx.x], scratch[threadIdx.x + h]);
    __syncthreads();
  }
  return scratch[0];
}

// One block per row of `mid` contiguous floats (inner == 1).
template <int OP>
__global__ void reduce_rows_kernel(const float* x, float* out, size_t rows, size_t mid, float scale) {
  __shared__ Acc scratch[kThreads];
  for (size_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* row = x + r * mid;
    Acc acc = identity<OP>();
    for (size_t m = threadIdx.x; m < mid; m += blockDim.x) acc = combine<OP>(acc, Acc{row[m], m});
    const Acc total = block_combine<OP>(acc, scratch);
    if (threadIdx.x == 0) out[r] = result<OP>(total, scale);
    __syncthreads();  // scratch[0] is read before the next row overwrites it
  }
}

// Long rows split across blocks. The scratch holds kSplitRows x kMaxSegments partial results.
constexpr size_t kSegment = 8192;     // elements per block at least
constexpr size_t kSplitRows = 64;     // more rows than this fill the device one block per row
constexpr size_t kMaxSegments = 512;  // per row; longer rows get longer segments
static_assert(sizeof(Acc) * kSplitRows * kMaxSegments <= kKernelScratchBytes, "the reduce scratch is too small");

// Elements per segment of a row of `mid`: kSegment, or more (a multiple of kThreads) so that a row has at most
// kMaxSegments segments.
size_t segment_length(size_t mid) {
  const size_t even = (mid + kMaxSegments - 1) / kMaxSegments;
  const size_t rounded = (even + kThreads - 1) / kThreads * kThreads;
  return rounded > kSegment ? rounded : kSegment;
}

// grid = (segments, rows): block (s, r) reduces x[r, s * seg .. min((s + 1) * seg, mid)) into
// partial[r * segments + s]; the index carried for argmax is the position in the whole row.
template <int OP>
__global__ void reduce_segments_kernel(const float* __restrict__ x, Acc* __restrict__ partial, size_t mid, size_t seg) {
  __shared__ Acc scratch[kThreads];
  const size_t begin = blockIdx.x * seg;
  const size_t end = begin + seg < mid ? begin + seg : mid;
  const float* row = x + blockIdx.y * mid;
  Acc acc = identity<OP>();
#pragma unroll 8
  for (size_t m = begin + threadIdx.x; m < end; m += blockDim.x) acc = combine<OP>(acc, Acc{row[m], m});
  const Acc total = block_combine<OP>(acc, scratch);
  if (threadIdx.x == 0) partial[blockIdx.y * size_t(gridDim.x) + blockIdx.x] = total;
}

// One block per row: combines the row's `segments` partial results and writes out[row].
template <int OP>
__global__ void reduce_partials_kernel(const Acc* __restrict__ partial, float* __restrict__ out, unsigned segments,
                                       float scale) {
  __shared__ Acc scratch[kThreads];
  const Acc* row = partial + blockIdx.x * size_t(segments);
  Acc acc = identity<OP>();
  for (unsigned s = threadIdx.x; s < segments; s += blockDim.x) acc = combine<OP>(acc, row[s]);
  const Acc total = block_combine<OP>(acc, scratch);
  if (threadIdx.x == 0) out[blockIdx.x] = result<OP>(total, scale);
}

constexpr int kCols = 32, kLanes = kColumnLanes;

// One block's share of a column reduction, blockDim = (kCols, kLanes): lane threadIdx.y of column i walks rows
// begin + y, begin + y + kLanes, ... below end of `slice` (the [mid, inner] slice of one outer index), then the
// lanes are combined in lane order. The result is valid in lane 0 of a column i < inner; every thread must call
// it (it synchronizes the block, and leaves `scratch` free for the next call).
template <int OP>
__device__ __forceinline__ Acc column_lanes(const float* __restrict__ slice, size_t begin, size_t end, size_t inner,
                                            size_t i, Acc (&scratch)[kLanes][kCols]) {
  Acc acc = identity<OP>();
  if (i < inner) {
#pragma unroll 4
    for (size_t m = begin + threadIdx.y; m < end; m += kLanes) acc = combine<OP>(acc, Acc{slice[m * inner + i], m});
  }
  scratch[threadIdx.y][threadIdx.x] = acc;
  __syncthreads();
  Acc total = scratch[0][threadIdx.x];
  if (threadIdx.y == 0 && i < inner) {
    for (int l = 1; l < kLanes; ++l) total = combine<OP>(total, scratch[l][threadIdx.x]);
  }
  __syncthreads();
  return total;
}

// blockDim = (kCols, kLanes); grid.x covers inner in steps of kCols, grid.y walks outer.
template <int OP>
__global__ void reduce_columns_kernel(const float* __restrict__ x, float* __restrict__ out, size_t outer, size_t mid,
                                      size_t inner, float scale) {
  __shared__ Acc scratch[kLanes][kCols];
  const size_t i = blockIdx.x * size_t(kCols) + threadIdx.x;
  for (size_t o = blockIdx.y; o < outer; o += gridDim.y) {
    const Acc total = column_lanes<OP>(x + o * mid * inner, 0, mid, inner, i, scratch);
    if (threadIdx.y == 0 && i < inner) out[o * inner + i] = result<OP>(total, scale);
  }
}

// Column reductions split along the middle axis: a grid of fewer than kColumnFillBlocks column blocks (two
// per multiprocessor of the GPU the splits aim at) gets segments of at least kColumnSegmentRows rows, as many
// as bring it to kColumnFillBlocks blocks, within what the scratch holds (outer * segments * inner partials).
constexpr size_t kColumnFillBlocks = 2 * kSplitTargetSms;
constexpr size_t kColumnSegmentRows = 1024;
constexpr size_t kScratchAccs = kKernelScratchBytes / sizeof(Acc);

// Segments of the middle axis for a column reduction (inner > 1), or 1: no split (also without a scratch).
size_t column_segments(size_t outer, size_t mid, size_t inner, const void* scratch) {
  const size_t blocks = (inner + kCols - 1) / kCols * outer;
  if (scratch == nullptr || blocks >= kColumnFillBlocks || mid < 2 * kColumnSegmentRows) return 1;
  size_t segments = (kColumnFillBlocks + blocks - 1) / blocks;
  const size_t by_rows = mid / kColumnSegmentRows;
  const size_t by_scratch = kScratchAccs / (outer * inner);
  if (segments > by_rows) segments = by_rows;
  if (segments > by_scratch) segments = by_scratch;
  return segments;
}

// grid = (column blocks, segments, outer), blockDim = (kCols, kLanes): block (c, s, o) reduces rows
// [s * seg, min((s + 1) * seg, mid)) of its 32 columns into partial[(o * segments + s) * inner + i]; the index
// carried for argmax is the row in the whole middle axis.
template <int OP>
__global__ void reduce_column_segments_kernel(const float* __restrict__ x, Acc* __restrict__ partial, size_t mid,
                                              size_t inner, size_t seg) {
  __shared__ Acc scratch[kLanes][kCols];
  const size_t i = blockIdx.x * size_t(kCols) + threadIdx.x;
  const size_t begin = blockIdx.y * seg;
  const size_t end = begin + seg < mid ? begin + seg : mid;
  const Acc total = column_lanes<OP>(x + blockIdx.z * mid * inner, begin, end, inner, i, scratch);
  if (threadIdx.y == 0 && i < inner) partial[(blockIdx.z * size_t(gridDim.y) + blockIdx.y) * inner + i] = total;
}

// One thread per output (o, i): combines its `segments` partial results in segment order.
template <int OP>
__global__ void reduce_column_partials_kernel(const Acc* __restrict__ partial, float* __restrict__ out, size_t outer,
                                              size_t inner, unsigned segments, float scale) {
  for (size_t k = blockIdx.x * size_t(blockDim.x) + threadIdx.x; k < outer * inner;
       k += size_t(gridDim.x) * blockDim.x) {
    const size_t o = k / inner, i = k % inner;
    const Acc* p = partial + o * segments * inner + i;
    Acc acc = p[0];
    for (unsigned s = 1; s < segments; ++s) acc = combine<OP>(acc, p[s * inner]);
    out[k] = result<OP>(acc, scale);
  }
}

template <int OP>
void reduce_launch(cudaStream_t s, const float* x, float* out, size_t outer, size_t mid, size_t inner, void* scratch) {
  const float scale = static_cast<float>(1.0 / static_cast<double>(mid));  // used by mean only
  if (inner == 1 && outer <= kSplitRows && mid > kSegment && scratch != nullptr) {
    const size_t seg = segment_length(mid);
    const unsigned segments = static_cast<unsigned>((mid + seg - 1) / seg);
    Acc* partial = static_cast<Acc*>(scratch);
    reduce_segments_kernel<OP><<<dim3(segments, static_cast<unsigned>(outer)), kThreads, 0, s>>>(x, partial, mid, seg);
    reduce_partials_kernel<OP><<<static_cast<unsigned>(outer), kThreads, 0, s>>>(partial, out, segments, scale);
  } else if (inner == 1) {
    const unsigned blocks = static_cast<unsigned>(outer < 65535u * 4u ? outer : 65535u * 4u);
    reduce_rows_kernel<OP><<<blocks, kThreads, 0, s>>>(x, out, outer, mid, scale);
  } else if (const size_t segments = column_segments(outer, mid, inner, scratch); segments > 1) {
    const size_t seg = (mid + segments - 1) / segments;
    const size_t gx = (inner + kCols - 1) / kCols;
    Acc* partial = static_cast<Acc*>(scratch);
    reduce_column_segments_kernel<OP>
        <<<dim3(static_cast<unsigned>(gx), static_cast<unsigned>(segments), static_cast<unsigned>(outer)),
           dim3(kCols, kLanes), 0, s>>>(x, partial, mid, inner, seg);
    const size_t outputs = outer * inner;
    reduce_column_partials_kernel<OP><<<static_cast<unsigned>((outputs + kThreads - 1) / kThreads), kThreads, 0, s>>>(
        partial, out, outer, inner, static_cast<unsigned>(segments), scale);
  } else {
    const size_t gx = (inner + kCols - 1) / kCols;
    const unsigned gy = static_cast<unsigned>(outer < 65535u ? outer : 65535u);
    // grid.x may hold 2^31 - 1 blocks, enough for any inner that fits in memory.
    reduce_columns_kernel<OP>
        <<<dim3(static_cast<unsigned>(gx), gy), dim3(kCols, kLanes), 0, s>>>(x, out, outer, mid, inner, scale);
  }
}

}  // namespace

bool reduce_splits_columns(size_t outer, size_t mid, size_t inner, const void* scratch) {
  return inner > 1 && column_segments(outer, mid, inner, scratch) > 1;
}

void launch_reduce(cudaStream_t s, int op, const float* x, float* out, size_t outer, size_t mid, size_t inner,
                   void* scratch) {
  if (outer == 0 || inner == 0) return;
  switch (static_cast<ReduceOp>(op)) {
    case ReduceOp::sum:
      return reduce_launch<0>(s, x, out, outer, mid, inner, scratch);
    case ReduceOp::max:
      return reduce_launch<1>(s, x, out, outer, mid, inner, scratch);
    case ReduceOp::min:
      return reduce_launch<2>(s, x, out, outer, mid, inner, scratch);
    case ReduceOp::argmax:
      return reduce_launch<3>(s, x, out, outer, mid, inner, scratch);
    case ReduceOp::mean:
      return reduce_launch<4>(s, x, out, outer, mid, inner, scratch);
  }
}

}  // namespace cuda
}  // namespace myelin
