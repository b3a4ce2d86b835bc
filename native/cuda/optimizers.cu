// Multi-tensor optimizer steps: ONE kernel launch updates every parameter. The host splits the tensors
// into chunks (optimizer_chunk: small enough that every SM gets several blocks, at most kOptimizerChunk
// elements, like PyTorch's multi_tensor_apply) and passes a device array of TensorChunk (pointers + length);
// block b updates chunk b. Each thread loads kIlp elements of every array before it updates any of them, so
// a warp has several loads in flight instead of one dependent chain per element. The per-element math is
// native/common/optimizer_math.h, the same code the CPU flavour runs, computed in float as PyTorch's fused
// CUDA optimizers do (the CPU flavour computes in double; both store float state, and their updates agree
// within float rounding). Not double: GeForce and workstation parts of sm_86 / sm_89 run float64 at 1/64 of
// the float32 rate, and Adam's double division and square root alone would make the step compute-bound there
// (about 28 f64 PTX instructions per element, with div.rn.f64 and sqrt.rn.f64 expanding further in SASS),
// instead of bound by the 28 bytes per element it moves.
#include "../common/optimizer_math.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

using T = float;  // compute type of the per-element update

constexpr int kOptThreads = 256;

// Blocks of the running multi_tensor_kernel launch that have finished (last_block_to_finish).
__device__ unsigned int g_optimizer_blocks_done = 0;
constexpr int kIlp = 4;
static_assert(kOptimizerGranule % (kOptThreads * kIlp) == 0, "a chunk is whole passes of a block");

template <int KIND>
__global__ void __launch_bounds__(kOptThreads)
    multi_tensor_kernel(const TensorChunk* chunks, size_t count, OptimizerScalars sc, float* hyper,
                        const float* loss_in, float* loss_out) {
  constexpr OptimizerKind kind = static_cast<OptimizerKind>(KIND);
  if (loss_out != nullptr && blockIdx.x == 0 && threadIdx.x == 0) *loss_out = *loss_in;
  // The rate and step number of this step from the optimizer's buffer; the host's double scalars, rounded to the
  // compute type once per thread.
  const double lr_in = hyper[0], step = static_cast<double>(hyper[1]) + 1.0;
  const T lr = static_cast<T>(lr_in), momentum = static_cast<T>(sc.momentum), wd = static_cast<T>(sc.wd);
  const T beta1 = static_cast<T>(sc.beta1), eps = static_cast<T>(sc.eps);
  AdamScalars<T> adam;
  if constexpr (kind == OptimizerKind::adam) {
    // Bias corrections in double, as the CPU flavour (native/common/optimizer_math.h).
    adam_step_scalars(adam, lr_in, sc.beta1, sc.beta2, step, sc.keras);
    adam.beta1 = beta1, adam.beta2 = static_cast<T>(sc.beta2), adam.eps = eps, adam.wd = wd;
    adam.decoupled = sc.decoupled;
  }
  for (size_t ci = blockIdx.x; ci < count; ci += gridDim.x) {
    const TensorChunk ch = chunks[ci];
    float* __restrict__ const p = ch.p;
    const float* __restrict__ const g = ch.g;
    float* __restrict__ const s0 = ch.s0;
    float* __restrict__ const s1 = ch.s1;
    float* __restrict__ const s2 = ch.s2;
    for (uint32_t base = threadIdx.x; base < ch.n; base += kOptThreads * kIlp) {
      // Element k of this pass is base + k * kOptThreads: consecutive threads read consecutive floats.
      float rp[kIlp], rg[kIlp], r0[kIlp], r1[kIlp], r2[kIlp];
#pragma unroll
      for (int k = 0; k < kIlp; ++k) {
        const uint32_t i = base + k * kOptThreads;
        if (i < ch.n) {
          rp[k] = p[i];
          rg[k] = g[i];
          r0[k] = s0 ? s0[i] : 0.f;
          r1[k] = s1 ? s1[i] : 0.f;
          r2[k] = s2 ? s2[i] : 0.f;
        }
      }
#pragma unroll
      for (int k = 0; k < kIlp; ++k) {
        if (base + k * kOptThreads >= ch.n) continue;
        if constexpr (kind == OptimizerKind::sgd) {
          sgd_update<T>(rp[k], rg[k], s0 ? &r0[k] : nullptr, lr, momentum, sc.nesterov, wd, sc.keras);
        } else if constexpr (kind == OptimizerKind::adam) {
          adam_update<T>(rp[k], rg[k], r0[k], r1[k], s2 ? &r2[k] : nullptr, adam);
        } else if constexpr (kind == OptimizerKind::adagrad) {
          adagrad_update<T>(rp[k], rg[k], r0[k], lr, eps, wd, sc.keras);
        } else {  // rmsprop: rho travels in beta1
          rmsprop_update<T>(rp[k], rg[k], r0[k], s1 ? &r1[k] : nullptr, s2 ? &r2[k] : nullptr, lr, beta1, momentum, eps,
                            wd, sc.keras);
        }
      }
#pragma unroll
      for (int k = 0; k < kIlp; ++k) {
        const uint32_t i = base + k * kOptThreads;
        if (i < ch.n) {
          p[i] = rp[k];
          if (s0) s0[i] = r0[k];
          if (s1) s1[i] = r1[k];
          if (s2) s2[i] = r2[k];
        }
      }
    }
  }
  // The last block to finish (every other one has read the step number by then) stores it: the count advances
  // within this launch.
  if (last_block_to_finish(&g_optimizer_blocks_done)) hyper[1] = static_cast<float>(step);
}

// The step count of a step with no chunk to update: hyper[1] = hyper[1] + 1.
__global__ void advance_step_kernel(float* hyper) { hyper[1] = hyper[1] + 1.f; }

}  // namespace

void launch_multi_tensor(cudaStream_t s, OptimizerKind kind, const TensorChunk* chunks, size_t count,
                         const OptimizerScalars& sc, float* hyper, const float* loss_in, float* loss_out) {
  const unsigned blocks = static_cast<unsigned>(count < 65535u * 32u ? count : 65535u * 32u);
  if (count == 0) {
    advance_step_kernel<<<1, 1, 0, s>>>(hyper);
    return;
  }
  switch (kind) {
    case OptimizerKind::sgd:
      multi_tensor_kernel<0><<<blocks, kOptThreads, 0, s>>>(chunks, count, sc, hyper, loss_in, loss_out);
      break;
    case OptimizerKind::adam:
      multi_tensor_kernel<1><<<blocks, kOptThreads, 0, s>>>(chunks, count, sc, hyper, loss_in, loss_out);
      break;
    case OptimizerKind::adagrad:
      multi_tensor_kernel<2><<<blocks, kOptThreads, 0, s>>>(chunks, count, sc, hyper, loss_in, loss_out);
      break;
    case OptimizerKind::rmsprop:
      multi_tensor_kernel<3><<<blocks, kOptThreads, 0, s>>>(chunks, count, sc, hyper, loss_in, loss_out);
      break;
  }
}

}  // namespace cuda
}  // namespace myelin
