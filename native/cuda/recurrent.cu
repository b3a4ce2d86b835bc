// Recurrent cell kernels: the per-element half of lstmStep, gruStep, rnnStep and their gradients (the recurrent
// GEMMs run before or after them through cuBLAS or the tiled kernel, recurrent_entries.cc). One thread per
// (batch row, unit), the math of native/common/recurrent_math.h. Under recurrent dropout the step's product and its
// gradient run as the dropped-product kernels here instead of the GEMMs.
#include "../common/recurrent_math.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

__device__ bool row_masked(const float* mask, size_t b) { return mask != nullptr && mask[b] == 0.f; }

__global__ void lstm_step_kernel(RecurrentStep p, const float* x, float* g, const float* h, const float* c, float* hn,
                                 float* cn) {
  const size_t u = p.units, w = 4 * u, n = p.batch * u;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const size_t b = i / u, j = i % u;
    float* gb = g + b * w;
    if (row_masked(p.mask, b)) {
      hn[i] = h[i], cn[i] = c[i];
      for (int k = 0; k < 4; ++k) gb[k * u + j] = 0.f;
      continue;
    }
    for (int k = 0; k < 4; ++k) gb[k * u + j] += x[b * w + k * u + j];
    lstm_cell(gb, u, j, c[i], cn + i, hn + i, p.act, p.rec);
  }
}

__global__ void lstm_grad_kernel(RecurrentStep p, const float* g, const float* c, const float* cn, const float* dsh,
                                 const float* dsc, float* dh, float* dc, float* dz) {
  const size_t u = p.units, w = 4 * u, n = p.batch * u;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const size_t b = i / u, j = i % u;
    if (row_masked(p.mask, b)) {
      dh[i] += dsh[i], dc[i] += dsc[i];
      for (int k = 0; k < 4; ++k) dz[b * w + k * u + j] = 0.f;
      continue;
    }
    dc[i] = lstm_cell_grad(g + b * w, u, j, c[i], cell_act(p.act, cn[i]), dh[i] + dsh[i], dc[i] + dsc[i], dz + b * w,
                           p.act, p.rec);
    dh[i] = 0.f;
  }
}

__global__ void gru_step_kernel(RecurrentStep p, const float* x, const float* bias, float* zrn, float* a,
                                const float* h, float* hn) {
  const size_t u = p.units, w = 3 * u, n = p.batch * u;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const size_t b = i / u, j = i % u;
    if (row_masked(p.mask, b)) {
      hn[i] = h[i];
      for (int k = 0; k < 3; ++k) zrn[b * w + k * u + j] = 0.f, a[b * w + k * u + j] += bias[k * u + j];
      continue;
    }
    hn[i] = gru_cell(x + b * w, a + b * w, bias, zrn + b * w, u, j, h[i], p.act, p.rec);
  }
}

__global__ void gru_grad_kernel(RecurrentStep p, const float* zrn, const float* a, const float* h, const float* ds,
                                float* dh, float* dx, float* da) {
  const size_t u = p.units, w = 3 * u, n = p.batch * u;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const size_t b = i / u, j = i % u;
    if (row_masked(p.mask, b)) {
      dh[i] += ds[i];
      for (int k = 0; k < 3; ++k) dx[b * w + k * u + j] = 0.f, da[b * w + k * u + j] = 0.f;
      continue;
    }
    dh[i] = gru_cell_grad(zrn + b * w, a + b * w, u, j, h[i], dh[i] + ds[i], dx + b * w, da + b * w, p.act, p.rec);
  }
}

__global__ void rnn_step_kernel(RecurrentStep p, const float* x, const float* h, float* hn) {
  const size_t n = p.batch * p.units;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    hn[i] = row_masked(p.mask, i / p.units) ? h[i] : cell_act(p.act, hn[i] + x[i]);
  }
}

__global__ void rnn_grad_kernel(RecurrentStep p, const float* hn, const float* ds, float* dh, float* dz) {
  const size_t n = p.batch * p.units;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    if (row_masked(p.mask, i / p.units)) {
      dh[i] += ds[i], dz[i] = 0.f;
      continue;
    }
    dz[i] = (dh[i] + ds[i]) * cell_act_grad(p.act, hn[i]);
    dh[i] = 0.f;
  }
}

__global__ void dropped_product_kernel(size_t batch, size_t units, size_t k, const float* h, const float* uk,
                                       const float* drop, float* out) {
  const size_t u = units, w = k * u, n = batch * w;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const size_t b = i / w, col = i % w, g = col / u;
    const float* d = drop + (g * batch + b) * u;
    float acc = 0.f;
    for (size_t p = 0; p < u; ++p) acc += h[b * u + p] * d[p] * uk[p * w + col];
    out[i] = acc;
  }
}

__global__ void dropped_product_grad_kernel(size_t batch, size_t units, size_t k, const float* dz, const float* uk,
                                            const float* drop, float* dh) {
  const size_t u = units, w = k * u, n = batch * u;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const size_t b = i / u, p = i % u;
    float acc = 0.f;
    for (size_t g = 0; g < k; ++g) {
      float dot = 0.f;
      for (size_t j = 0; j < u; ++j) dot += dz[b * w + g * u + j] * uk[p * w + g * u + j];
      acc += dot * drop[(g * batch + b) * u + p];
    }
    dh[i] += acc;
  }
}

}  // namespace

void launch_dropped_product(cudaStream_t s, size_t batch, size_t units, size_t k, const float* h, const float* uk,
                            const float* drop, float* out) {
  dropped_product_kernel<<<grid_for(batch * k * units), kThreads, 0, s>>>(batch, units, k, h, uk, drop, out);
}

void launch_dropped_product_grad(cudaStream_t s, size_t batch, size_t units, size_t k, const float* dz, const float* uk,
                                 const float* drop, float* dh) {
  dropped_product_grad_kernel<<<grid_for(batch * units), kThreads, 0, s>>>(batch, units, k, dz, uk, drop, dh);
}

void launch_lstm_step(cudaStream_t s, const RecurrentStep& p, const float* x, float* g, const float* h, const float* c,
                      float* hn, float* cn) {
  lstm_step_kernel<<<grid_for(p.batch * p.units), kThreads, 0, s>>>(p, x, g, h, c, hn, cn);
}

void launch_lstm_step_grad(cudaStream_t s, const RecurrentStep& p, const float* g, const float* c, const float* cn,
                           const float* dsh, const float* dsc, float* dh, float* dc, float* dz) {
  lstm_grad_kernel<<<grid_for(p.batch * p.units), kThreads, 0, s>>>(p, g, c, cn, dsh, dsc, dh, dc, dz);
}

void launch_gru_step(cudaStream_t s, const RecurrentStep& p, const float* x, const float* bias, float* zrn, float* a,
                     const float* h, float* hn) {
  gru_step_kernel<<<grid_for(p.batch * p.units), kThreads, 0, s>>>(p, x, bias, zrn, a, h, hn);
}

void launch_gru_step_grad(cudaStream_t s, const RecurrentStep& p, const float* zrn, const float* a, const float* h,
                          const float* ds, float* dh, float* dx, float* da) {
  gru_grad_kernel<<<grid_for(p.batch * p.units), kThreads, 0, s>>>(p, zrn, a, h, ds, dh, dx, da);
}

void launch_rnn_step(cudaStream_t s, const RecurrentStep& p, const float* x, const float* h, float* hn) {
  rnn_step_kernel<<<grid_for(p.batch * p.units), kThreads, 0, s>>>(p, x, h, hn);
}

void launch_rnn_step_grad(cudaStream_t s, const RecurrentStep& p, const float* hn, const float* ds, float* dh,
                          float* dz) {
  rnn_grad_kernel<<<grid_for(p.batch * p.units), kThreads, 0, s>>>(p, hn, ds, dh, dz);
}

}  // namespace cuda
}  // namespace myelin
