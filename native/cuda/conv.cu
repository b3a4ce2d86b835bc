// Convolutions (channels last) as direct kernels: the forward pass (one thread per output value, with the bias
// and the activation), the input gradient (one thread per input value, gathering the windows that cover it) and
// the kernel gradient (one block per kernel value, its threads summing over the batch and output positions,
// combined in a fixed order so results do not depend on timing).
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
__global__ void conv_forward_kernel(const float* __restrict__ x, const float* __restrict__ w,
                                    const float* __restrict__ bias, float* z, float* out, ConvShape g, float p) {
  const size_t total = g.n * g.oh * g.ow * g.f;
  for (size_t o = blockIdx.x * size_t(blockDim.x) + threadIdx.x; o < total; o += size_t(gridDim.x) * blockDim.x) {
    const size_t f = o % g.f, r = o / g.f, j = r % g.ow, i = (r / g.ow) % g.oh, n = r / (g.ow * g.oh);
    float acc = bias != nullptr ? bias[f] : 0.f;
    for (size_t a = 0; a < g.kh; ++a) {
      const long y = long(i * g.sh + a * g.dh) - long(g.pt);
      if (y < 0 || y >= long(g.h)) continue;
      for (size_t b = 0; b < g.kw; ++b) {
        const long xx = long(j * g.sw + b * g.dw) - long(g.pl);
        if (xx < 0 || xx >= long(g.w)) continue;
        const float* xr = x + ((n * g.h + size_t(y)) * g.w + size_t(xx)) * g.c;
        const float* wr = w + (a * g.kw + b) * g.c * g.f + f;
        for (size_t c = 0; c < g.c; ++c) acc = fmaf(xr[c], wr[c * g.f], acc);
      }
    }
    z[o] = acc;
    out[o] = unary_forward<OP>(acc, p);
  }
}

__global__ void conv_input_grad_kernel(const float* __restrict__ dz, const float* __restrict__ w, float* dx,
                                       ConvShape g) {
  const size_t total = g.n * g.h * g.w * g.c;
  for (size_t e = blockIdx.x * size_t(blockDim.x) + threadIdx.x; e < total; e += size_t(gridDim.x) * blockDim.x) {
    const size_t c = e % g.c, q = e / g.c, xx = q % g.w, y = (q / g.w) % g.h, n = q / (g.w * g.h);
    float acc = 0.f;
    for (size_t a = 0; a < g.kh; ++a) {
      const long ti = long(y + g.pt) - long(a * g.dh);  // i * SH for the rows whose window covers y
      if (ti < 0 || ti % long(g.sh) != 0 || ti / long(g.sh) >= long(g.oh)) continue;
      const size_t i = size_t(ti) / g.sh;
      for (size_t b = 0; b < g.kw; ++b) {
        const long tj = long(xx + g.pl) - long(b * g.dw);
        if (tj < 0 || tj % long(g.sw) != 0 || tj / long(g.sw) >= long(g.ow)) continue;
        const size_t j = size_t(tj) / g.sw;
        const float* dzr = dz + ((n * g.oh + i) * g.ow + j) * g.f;
        const float* wr = w + ((a * g.kw + b) * g.c + c) * g.f;
        for (size_t f = 0; f < g.f; ++f) acc = fmaf(dzr[f], wr[f], acc);
      }
    }
    dx[e] = acc;
  }
}

__global__ void conv_filter_grad_kernel(const float* __restrict__ x, const float* __restrict__ dz, float* dw,
                                        ConvShape g) {
  __shared__ float scratch[32];
  const size_t total = g.kh * g.kw * g.c * g.f, rows = g.n * g.oh * g.ow;
  for (size_t e = blockIdx.x; e < total; e += gridDim.x) {
    const size_t f = e % g.f, c = (e / g.f) % g.c, b = (e / (g.f * g.c)) % g.kw, a = e / (g.f * g.c * g.kw);
    float acc = 0.f;
    for (size_t r = threadIdx.x; r < rows; r += blockDim.x) {
      const size_t j = r % g.ow, i = (r / g.ow) % g.oh, n = r / (g.ow * g.oh);
      const long y = long(i * g.sh + a * g.dh) - long(g.pt), xx = long(j * g.sw + b * g.dw) - long(g.pl);
      if (y < 0 || y >= long(g.h) || xx < 0 || xx >= long(g.w)) continue;
      acc = fmaf(x[((n * g.h + size_t(y)) * g.w + size_t(xx)) * g.c + c], dz[r * g.f + f], acc);
    }
    const float sum = block_sum(acc, scratch);
    if (threadIdx.x == 0) dw[e] = sum;
  }
}

using ForwardLaunch = void (*)(cudaStream_t, const float*, const float*, const float*, float*, float*, const ConvShape&,
                               float);

template <int OP>
void launch_forward_one(cudaStream_t s, const float* x, const float* w, const float* bias, float* z, float* out,
                        const ConvShape& g, float p) {
  conv_forward_kernel<OP><<<grid_for(g.n * g.oh * g.ow * g.f), kThreads, 0, s>>>(x, w, bias, z, out, g, p);
}

template <size_t... I>
constexpr std::array<ForwardLaunch, sizeof...(I)> forward_table(std::index_sequence<I...>) {
  return {launch_forward_one<I>...};
}
const auto kForwardTable = forward_table(std::make_index_sequence<kUnaryOpCount>());

}  // namespace

void launch_conv2d_forward(cudaStream_t s, const float* x, const float* w, const float* bias, float* z, float* out,
                           const ConvShape& g, int act, float param) {
  if (g.n * g.oh * g.ow * g.f == 0) return;
  kForwardTable[act](s, x, w, bias, z, out, g, param);
}

void launch_conv2d_input_grad(cudaStream_t s, const float* dz, const float* w, float* dx, const ConvShape& g) {
  const size_t total = g.n * g.h * g.w * g.c;
  if (total == 0) return;
  conv_input_grad_kernel<<<grid_for(total), kThreads, 0, s>>>(dz, w, dx, g);
}

void launch_conv2d_filter_grad(cudaStream_t s, const float* x, const float* dz, float* dw, const ConvShape& g) {
  const size_t total = g.kh * g.kw * g.c * g.f;
  if (total == 0) return;
  const unsigned blocks = static_cast<unsigned>(total < 65535u * 8u ? total : 65535u * 8u);
  conv_filter_grad_kernel<<<blocks, kThreads, 0, s>>>(x, dz, dw, g);
}

}  // namespace cuda
}  // namespace myelin
