// Epilogues of the fused dense layer, one pass each. Forward, after the GEMM: z[r, j] += bias[j];
// out = act(z; param). Backward, before the GEMMs: dz = dy * act'(z; param) and dbias[j] = sum_r dz[r, j].
#include <array>
#include <utility>

#include "../common/kernel_ids.h"
#include "../common/unary_math.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

template <int OP>
__global__ void bias_activation_kernel(float* z, const float* bias, float* out, size_t m, size_t n, float p) {
  const size_t total = m * n;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total; i += size_t(gridDim.x) * blockDim.x) {
    float v = z[i];
    if (bias != nullptr) {
      v += bias[i % n];
      z[i] = v;
    }
    out[i] = unary_forward<OP>(v, p);
  }
}

// Backward epilogue. blockDim = (32, kColumnLanes): a block owns 32 columns; each row lane writes dz for its rows
// and sums it, in the order of reduce.cu's column reduction (launch.cuh), so dbias equals reduce('sum') over dz
// bit for bit. Where reduce.cu splits the rows into segments instead, launch_bias_activation_grad uses it.
constexpr int kGradLanes = kColumnLanes;

template <int OP>
__global__ void bias_activation_grad_kernel(const float* __restrict__ z, const float* __restrict__ y,
                                            const float* __restrict__ dy, float* __restrict__ dz,
                                            float* __restrict__ dbias, size_t m, size_t n, float p) {
  __shared__ float partial[kGradLanes][32];
  const size_t j = blockIdx.x * size_t(32) + threadIdx.x;
  float acc = 0.f;
  if (j < n) {
#pragma unroll 4
    for (size_t r = threadIdx.y; r < m; r += kGradLanes) {
      const size_t i = r * n + j;
      const float d = dy[i] * unary_derivative<OP>(z[i], y[i], p);
      dz[i] = d;
      acc = __fadd_rn(acc, d);  // never contracted into an FMA with d's product: the sum of reduce('sum') over dz
    }
  }
  partial[threadIdx.y][threadIdx.x] = acc;
  __syncthreads();
  if (threadIdx.y == 0 && j < n) {
    float total = partial[0][threadIdx.x];
    for (int l = 1; l < kGradLanes; ++l) total = __fadd_rn(total, partial[l][threadIdx.x]);
    dbias[j] = total;
  }
}

using Launch = void (*)(cudaStream_t, float*, const float*, float*, size_t, size_t, float);
using GradLaunch = void (*)(cudaStream_t, const float*, const float*, const float*, float*, float*, size_t, size_t,
                            float);

template <int OP>
void launch_one(cudaStream_t s, float* z, const float* bias, float* out, size_t m, size_t n, float p) {
  bias_activation_kernel<OP><<<grid_for(m * n), kThreads, 0, s>>>(z, bias, out, m, n, p);
}

template <int OP>
void launch_grad_one(cudaStream_t s, const float* z, const float* y, const float* dy, float* dz, float* dbias, size_t m,
                     size_t n, float p) {
  const unsigned blocks = static_cast<unsigned>((n + 31) / 32);
  bias_activation_grad_kernel<OP><<<blocks, dim3(32, kGradLanes), 0, s>>>(z, y, dy, dz, dbias, m, n, p);
}

template <size_t... I>
constexpr std::array<Launch, sizeof...(I)> table(std::index_sequence<I...>) {
  return {launch_one<I>...};
}
template <size_t... I>
constexpr std::array<GradLaunch, sizeof...(I)> grad_table(std::index_sequence<I...>) {
  return {launch_grad_one<I>...};
}
const auto kTable = table(std::make_index_sequence<kUnaryOpCount>());
const auto kGradTable = grad_table(std::make_index_sequence<kUnaryOpCount>());

}  // namespace

void launch_bias_activation(cudaStream_t s, float* z, const float* bias, float* out, size_t m, size_t n, int act,
                            float param) {
  if (m * n == 0) return;
  // linear, no bias, z == out: nothing to do.
  if (bias == nullptr && act == static_cast<int>(UnaryOp::linear) && z == out) return;
  kTable[act](s, z, bias, out, m, n, param);
}

void launch_bias_activation_grad(cudaStream_t s, const float* z, const float* y, const float* dy, float* dz,
                                 float* dbias, size_t m, size_t n, int act, float param, void* scratch) {
  if (n == 0) return;
  if (m == 0) return launch_fill(s, dbias, n, 0.f);
  if (reduce_splits_columns(1, m, n, scratch)) {
    // Many rows, few columns: dz over the whole device, then reduce('sum')'s own split, whose order dbias must have.
    launch_unary_grad(s, act, z, y, dy, dz, m * n, param);
    return launch_reduce(s, static_cast<int>(ReduceOp::sum), dz, dbias, 1, m, n, scratch);
  }
  kGradTable[act](s, z, y, dy, dz, dbias, m, n, param);
}

}  // namespace cuda
}  // namespace myelin
