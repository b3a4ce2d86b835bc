// Elementwise kernels: fill, unary, unaryGrad and broadcasting binary (rank <= 8, strides by value). The
// per-element math is native/common/unary_math.h and binary_math.h, the same code the CPU flavour runs.
#include <array>
#include <utility>

#include "../common/binary_math.h"
#include "../common/kernel_ids.h"
#include "../common/unary_math.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

__global__ void fill_kernel(float* out, size_t n, float value) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
    out[i] = value;
}

template <int OP>
__global__ void unary_kernel(const float* x, float* out, size_t n, float p) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    out[i] = unary_forward<OP>(x[i], p);
  }
}

template <int OP>
__global__ void unary_grad_kernel(const float* x, const float* y, const float* dy, float* dx, size_t n, float p) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    dx[i] = dy[i] * unary_derivative<OP>(x[i], y[i], p);
  }
}

// Contiguous fast path: both inputs contiguous (sa = sb = 1) or one of them a scalar (stride 0).
template <int OP>
__global__ void binary_flat_kernel(const float* a, int64_t sa, const float* b, int64_t sb, float* out, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    out[i] = binary_forward<OP>(a[i * sa], b[i * sb]);
  }
}

template <int OP>
__global__ void binary_strided_kernel(const float* a, const float* b, float* out, StridedSpace sp, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    size_t rest = i;
    int64_t oa = 0, ob = 0;
    for (int d = sp.rank - 1; d >= 0; --d) {
      const int64_t idx = static_cast<int64_t>(rest % static_cast<size_t>(sp.dim[d]));
      rest /= static_cast<size_t>(sp.dim[d]);
      oa += idx * sp.s0[d];
      ob += idx * sp.s1[d];
    }
    out[i] = binary_forward<OP>(a[oa], b[ob]);
  }
}

using UnaryLaunch = void (*)(cudaStream_t, const float*, float*, size_t, float);
using UnaryGradLaunch = void (*)(cudaStream_t, const float*, const float*, const float*, float*, size_t, float);
using BinaryLaunch = void (*)(cudaStream_t, const float*, const float*, float*, const StridedSpace&, size_t);

template <int OP>
void unary_launch(cudaStream_t s, const float* x, float* out, size_t n, float p) {
  unary_kernel<OP><<<grid_for(n), kThreads, 0, s>>>(x, out, n, p);
}
template <int OP>
void unary_grad_launch(cudaStream_t s, const float* x, const float* y, const float* dy, float* dx, size_t n, float p) {
  unary_grad_kernel<OP><<<grid_for(n), kThreads, 0, s>>>(x, y, dy, dx, n, p);
}
template <int OP>
void binary_launch(cudaStream_t s, const float* a, const float* b, float* out, const StridedSpace& sp, size_t n) {
  if (sp.rank == 1 && (sp.s0[0] == 1 || sp.s0[0] == 0) && (sp.s1[0] == 1 || sp.s1[0] == 0)) {
    binary_flat_kernel<OP><<<grid_for(n), kThreads, 0, s>>>(a, sp.s0[0], b, sp.s1[0], out, n);
  } else {
    binary_strided_kernel<OP><<<grid_for(n), kThreads, 0, s>>>(a, b, out, sp, n);
  }
}

template <size_t... I>
constexpr std::array<UnaryLaunch, sizeof...(I)> unary_table(std::index_sequence<I...>) {
  return {unary_launch<I>...};
}
template <size_t... I>
constexpr std::array<UnaryGradLaunch, sizeof...(I)> unary_grad_table(std::index_sequence<I...>) {
  return {unary_grad_launch<I>...};
}
template <size_t... I>
constexpr std::array<BinaryLaunch, sizeof...(I)> binary_table(std::index_sequence<I...>) {
  return {binary_launch<I>...};
}

const auto kUnary = unary_table(std::make_index_sequence<kUnaryOpCount>());
const auto kUnaryGrad = unary_grad_table(std::make_index_sequence<kUnaryOpCount>());
const auto kBinary = binary_table(std::make_index_sequence<kBinaryOpCount>());

}  // namespace

void launch_fill(cudaStream_t s, float* out, size_t n, float value) {
  if (n > 0) fill_kernel<<<grid_for(n), kThreads, 0, s>>>(out, n, value);
}

void launch_unary(cudaStream_t s, int op, const float* x, float* out, size_t n, float param) {
  if (n > 0) kUnary[op](s, x, out, n, param);
}

void launch_unary_grad(cudaStream_t s, int op, const float* x, const float* y, const float* dy, float* dx, size_t n,
                       float param) {
  if (n > 0) kUnaryGrad[op](s, x, y, dy, dx, n, param);
}

void launch_binary(cudaStream_t s, int op, const float* a, const float* b, float* out, const StridedSpace& sp,
                   size_t total) {
  if (total > 0) kBinary[op](s, a, b, out, sp, total);
}

}  // namespace cuda
}  // namespace myelin
