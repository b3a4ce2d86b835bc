// Host-side launchers of the CUDA kernels (defined in the .cu files). Plain C++ types only, so that the
// napi entry points (.cc, g++) and the kernels (.cu, nvcc) meet here. Every launcher enqueues on
// `stream` and returns at once; the caller checks the launch with cudaGetLastError. Sizes were validated
// by the caller; n == 0 launches nothing.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "../common/pool_geometry.h"

namespace myelin {
namespace cuda {

constexpr int kLaunchMaxRank = 8;

// Shape and per-operand element strides of a strided iteration space, passed to kernels by value.
struct StridedSpace {
  int rank;
  int64_t dim[kLaunchMaxRank];
  int64_t s0[kLaunchMaxRank];
  int64_t s1[kLaunchMaxRank];
};

// ---- elementwise.cu -----------------------------------------------------------------------------------
void launch_fill(cudaStream_t s, float* out, size_t n, float value);
void launch_unary(cudaStream_t s, int op, const float* x, float* out, size_t n, float param);
void launch_unary_grad(cudaStream_t s, int op, const float* x, const float* y, const float* dy, float* dx, size_t n,
                       float param);
// out[i] = f(a[idx . s0], b[idx . s1]) over the space (out is contiguous, `total` elements).
void launch_binary(cudaStream_t s, int op, const float* a, const float* b, float* out, const StridedSpace& sp,
                   size_t total);

// Bytes of device scratch for the partial results of work split across more blocks than its output needs: long
// reductions (reduce.cu) and small GEMMs with a long k (gemm_tiled.cu). init() allocates it once (kernel_scratch()),
// so that a launch inside a graph capture never allocates; work on one stream uses it one launch pair at a time.
constexpr size_t kKernelScratchBytes = size_t(1) << 19;

// ---- reduce.cu ----------------------------------------------------------------------------------------
// out[o, i] = op_m x[o, m, i] with mid >= 1; op is a ReduceOp id. `scratch` holds kKernelScratchBytes and is
// only used by work on `s`; with nullptr, long rows are reduced one block per row.
void launch_reduce(cudaStream_t s, int op, const float* x, float* out, size_t outer, size_t mid, size_t inner,
                   void* scratch);
// Whether launch_reduce splits this column reduction (inner > 1) into segments of rows, which changes the order
// of its sums: the fused bias gradient then reduces through launch_reduce too, so that both agree bit for bit.
bool reduce_splits_columns(size_t outer, size_t mid, size_t inner, const void* scratch);

// ---- cast.cu ------------------------------------------------------------------------------------------
// out[i] = x[i] rounded to bfloat16 (float16 when `float16`) with the device's conversions, widened to float32.
void launch_round_to_half(cudaStream_t s, const float* x, float* out, size_t n, bool float16);

// ---- softmax.cu ---------------------------------------------------------------------------------------
void launch_softmax(cudaStream_t s, const float* x, float* out, size_t rows, size_t cols, bool log);
void launch_softmax_grad(cudaStream_t s, const float* y, const float* dy, float* dx, size_t rows, size_t cols,
                         bool log);
// Sparse targets hold class indices as floats; an invalid class (not an integer in [0, cols)) gives NaN
// loss and NaN gradients for that row, never an out-of-bounds access.
void launch_softmax_xent(cudaStream_t s, const float* logits, const float* targets, float* probs, float* loss,
                         size_t rows, size_t cols, bool sparse);
// The upstream gradient of row r is dloss[r * dloss_stride] * dloss_scale (stride 0: one value for every row).
void launch_softmax_xent_grad(cudaStream_t s, const float* probs, const float* targets, const float* dloss,
                              size_t dloss_stride, float dloss_scale, float* dlogits, size_t rows, size_t cols,
                              bool sparse);

// ---- sigmoid_xent.cu ----------------------------------------------------------------------------------
// loss[i] = softplus(x[i]) - x[i] t[i]; dlogits[i] = g_i (sigmoid(x[i]) - t[i]), g_i = dloss[i * stride] * scale.
void launch_sigmoid_xent(cudaStream_t s, const float* logits, const float* targets, float* loss, size_t n);
void launch_sigmoid_xent_grad(cudaStream_t s, const float* logits, const float* targets, const float* dloss,
                              size_t dloss_stride, float dloss_scale, float* dlogits, size_t n);

// ---- noise.cu -----------------------------------------------------------------------------------------
// y[i] = x[i] + stddev z[i], z from Philox4x32-10 by Box-Muller (native/common/gaussian_noise.h) under key (k0, k1)
// and the call counter in `state`, which the same launch then advances by one (also when n == 0).
void launch_gaussian_noise(cudaStream_t s, const float* x, float* y, float* state, size_t n, float stddev, uint32_t k0,
                           uint32_t k1);

// ---- pooling.cu ---------------------------------------------------------------------------------------
// y = max or mean of each window of x (pool_geometry.h); dx = the gradient of that through dy (x unused for the mean).
void launch_pool2d(cudaStream_t s, const float* x, float* y, const PoolGeometry& g, bool max);
void launch_pool2d_grad(cudaStream_t s, const float* x, const float* dy, float* dx, const PoolGeometry& g, bool max);

// ---- dropout.cu ---------------------------------------------------------------------------------------
// y[i] = x[i] * mask[i], mask[i] = 0 or scale from Philox4x32-10 under key (k0, k1) and the call counter in
// `state` (4 floats, native/common/philox.h), which the same launch then advances by one (also when n == 0).
void launch_dropout(cudaStream_t s, const float* x, float* y, float* mask, float* state, size_t n, uint32_t k0,
                    uint32_t k1, uint32_t threshold, float scale);

// ---- data_movement.cu ---------------------------------------------------------------------------------
// out[outOffset + idx . s1] (+)= x[xOffset + idx . s0]; pointers are already offset. accumulate uses atomicAdd.
void launch_copy_strided(cudaStream_t s, const float* x, float* out, const StridedSpace& sp, size_t total,
                         bool accumulate);
// out[i, :] = x[idx[i], :]; dx[idx[i], :] += dy[i, :] (atomicAdd: indices may repeat). idx is on the device.
void launch_gather_rows(cudaStream_t s, const float* x, const int32_t* idx, float* out, size_t count, size_t row_size);
void launch_scatter_add_rows(cudaStream_t s, const float* dy, const int32_t* idx, float* dx, size_t count,
                             size_t row_size);
// x_out[i, :] = x[idx[i], :] and y_out[i, :] = y[idx[i], :] for i < count, in one launch (a training step's batch).
void launch_gather_row_pairs(cudaStream_t s, const float* x, float* x_out, size_t row_x, const float* y, float* y_out,
                             size_t row_y, const int32_t* idx, size_t count);

// ---- embedding.cu -------------------------------------------------------------------------------------
// out[i, :] = table[ids[i], :] (ids as floats on the device; a NaN row for an id not an integer in [0, rows));
// d_table = 0, then d_table[ids[i], :] += dy[i, :] (atomicAdd; bad ids skipped).
void launch_embedding_lookup(cudaStream_t s, const float* table, size_t rows, const float* ids, float* out,
                             size_t count, size_t row_size);
void launch_embedding_grad(cudaStream_t s, const float* dy, const float* ids, float* d_table, size_t table_len,
                           size_t count, size_t row_size);

// ---- layer_norm.cu ------------------------------------------------------------------------------------
// y = (x - mean) rstd gamma + beta per row of [rows, cols] (gamma / beta may be null); mean and rstd saved.
void launch_layer_norm(cudaStream_t s, const float* x, const float* gamma, const float* beta, float* y, float* mean,
                       float* rstd, size_t rows, size_t cols, float eps);
// dx = rstd (g - mean(g) - xhat mean(g xhat)), g = dy gamma; dgamma = sum_r dy xhat; dbeta = sum_r dy.
void launch_layer_norm_grad(cudaStream_t s, const float* x, const float* gamma, const float* mean, const float* rstd,
                            const float* dy, float* dx, float* dgamma, float* dbeta, size_t rows, size_t cols);

// ---- dense.cu -----------------------------------------------------------------------------------------
// z[r, j] += bias[j] (bias may be null); out[r, j] = act(z[r, j]; param). z may equal out.
void launch_bias_activation(cudaStream_t s, float* z, const float* bias, float* out, size_t m, size_t n, int act,
                            float param);
// dz[r, j] = dy[r, j] * act'(z[r, j]; param) (y = act(z)); dbias[j] = sum_r dz[r, j] (0 when m == 0).
void launch_bias_activation_grad(cudaStream_t s, const float* z, const float* y, const float* dy, float* dz,
                                 float* dbias, size_t m, size_t n, int act, float param, void* scratch);

// ---- conv.cu ------------------------------------------------------------------------------------------
// The geometry of a convolution (native/common/conv_args.h's ConvGeometry without the buffer lengths), passed
// to the kernels by value.
struct ConvShape {
  size_t n, h, w, c, oh, ow, f, kh, kw, sh, sw, dh, dw, pt, pl;
};
// z = conv(x, w) (+ bias, may be null) over [N, OH, OW, F]; out = act(z; param) (z may equal out).
void launch_conv2d_forward(cudaStream_t s, const float* x, const float* w, const float* bias, float* z, float* out,
                           const ConvShape& g, int act, float param);
// dx [N, H, W, C] = the input gradient of conv for dz [N, OH, OW, F] (written, not accumulated).
void launch_conv2d_input_grad(cudaStream_t s, const float* dz, const float* w, float* dx, const ConvShape& g);
// dw [KH, KW, C, F] = the kernel gradient of conv for x and dz (written, not accumulated).
void launch_conv2d_filter_grad(cudaStream_t s, const float* x, const float* dz, float* dw, const ConvShape& g);

// ---- attention.cu -------------------------------------------------------------------------------------
// The geometry of a strided batched GEMM (native/common/attention_args.h), passed to the kernel by value: matrix
// (o, h) of X starts at o * xOuter + h * xInner, its rows ldx apart.
struct BatchedGemmShape {
  size_t outer, inner, m, n, k;
  size_t aOuter, aInner, lda, bOuter, bInner, ldb, cOuter, cInner, ldc;
  bool ta, tb;
  float alpha, beta;
};
// C_oh = alpha op(A_oh) op(B_oh) + beta C_oh for every (o, h); beta == 0 never reads C.
void launch_batched_gemm(cudaStream_t s, const BatchedGemmShape& g, const float* a, const float* b, float* c);
// y = softmax of x [batch, heads, rows, cols] over the entries with mask[b, t, s] != 0 (mask may be null) and s <= t
// when causal; 0 elsewhere, a row without such entries all 0.
void launch_masked_softmax(cudaStream_t s, const float* x, const float* mask, float* y, size_t batch, size_t heads,
                           size_t rows, size_t cols, bool causal);

// ---- recurrent.cu -------------------------------------------------------------------------------------
// The per-element half of a recurrent step: pointers are already offset to step t (states slot t and t + 1, the
// step's rows of xw / gates / dxw); mask is the step's row of the mask (or null). See native/common/recurrent_math.h.
struct RecurrentStep {
  size_t batch, units;
  int act, rec;
  const float* mask;
};
// g holds h U on entry (4 units wide rows); adds x, writes the gates and the new states hn, cn.
void launch_lstm_step(cudaStream_t s, const RecurrentStep& p, const float* x, float* g, const float* h, const float* c,
                      float* hn, float* cn);
// Writes dz and leaves the direct parts of dh, dc of the previous state (dh += dz U^T follows).
void launch_lstm_step_grad(cudaStream_t s, const RecurrentStep& p, const float* g, const float* c, const float* cn,
                           const float* dsh, const float* dsc, float* dh, float* dc, float* dz);
// a holds h U on entry (3 units wide rows), a + bias on exit; zrn gets [z, r, n]; writes hn.
void launch_gru_step(cudaStream_t s, const RecurrentStep& p, const float* x, const float* bias, float* zrn, float* a,
                     const float* h, float* hn);
// Writes dx and da and leaves the direct part of dh (da U^T is added after).
void launch_gru_step_grad(cudaStream_t s, const RecurrentStep& p, const float* zrn, const float* a, const float* h,
                          const float* ds, float* dh, float* dx, float* da);
// hn holds h U on entry, f(x + h U) on exit.
void launch_rnn_step(cudaStream_t s, const RecurrentStep& p, const float* x, const float* h, float* hn);
void launch_rnn_step_grad(cudaStream_t s, const RecurrentStep& p, const float* hn, const float* ds, float* dh,
                          float* dz);
// Recurrent dropout (drop [k, batch, units], 0 or 1 / (1 - rate)): out [batch, k units] = the step's recurrent
// product with h scaled per gate, out[b, g u + j] = sum_p h[b, p] drop[g, b, p] U[p, g u + j]; and its gradient,
// dh[b, p] += sum_g drop[g, b, p] sum_j dz[b, g u + j] U[p, g u + j]. They stand in for the step GEMMs.
void launch_dropped_product(cudaStream_t s, size_t batch, size_t units, size_t k, const float* h, const float* uk,
                            const float* drop, float* out);
void launch_dropped_product_grad(cudaStream_t s, size_t batch, size_t units, size_t k, const float* dz, const float* uk,
                                 const float* drop, float* dh);

// ---- gemm_tiled.cu ------------------------------------------------------------------------------------
// Row-major C[m, n] = alpha op(A) op(B) + beta C; beta == 0 never reads C. `scratch` (kKernelScratchBytes, only
// used by work on `s`) lets a GEMM of few output tiles split k across blocks; with nullptr it never does.
void launch_gemm_tiled(cudaStream_t s, bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a,
                       const float* b, float beta, float* c, void* scratch);

// ---- optimizers.cu ------------------------------------------------------------------------------------
// One chunk of one tensor: pointers already offset to the chunk's first element; optional state is null.
struct TensorChunk {
  float* p;
  const float* g;
  float* s0;  // sgd: velocity | adam: m | adagrad: accum | rmsprop: sq
  float* s1;  // adam: v | rmsprop: meanGrad
  float* s2;  // adam: vmax | rmsprop: momentumBuf
  uint32_t n;
};
enum class OptimizerKind : int { sgd = 0, adam = 1, adagrad = 2, rmsprop = 3 };
// Every fixed scalar any optimizer needs, in double (the kernel rounds them to its float compute type once per
// thread); unused ones are ignored. The learning rate and the step number are not among them: the kernel reads
// them from the optimizer's hyper buffer.
struct OptimizerScalars {
  double momentum, wd;       // sgd: momentum, wd
  double beta1, beta2, eps;  // adam / adagrad (eps) / rmsprop (beta1 = rho, eps)
  bool nesterov, decoupled;
  bool keras;  // Keras 3's formulas, else PyTorch's (native/common/optimizer_math.h)
};
// ONE launch for every chunk of every tensor: chunks is a device array of `count` TensorChunk; every thread reads
// the learning rate hyper[0] and the step number hyper[1] + 1 from the optimizer's device buffer
// [learningRate, stepsDone]; the last block to finish stores that step number into hyper[1] (count == 0: a
// one-thread launch advances it alone). When loss_out is given, the update also stores *loss_in there (a training
// step's loss, read after the step's graph ran: one launch less per step than a separate copy).
void launch_multi_tensor(cudaStream_t s, OptimizerKind kind, const TensorChunk* chunks, size_t count,
                         const OptimizerScalars& sc, float* hyper, const float* loss_in = nullptr,
                         float* loss_out = nullptr);
// Chunk sizes (elements): the largest chunk the kernel is given, the unit chunks are rounded to (a block's
// threads times the elements each handles per pass), and the blocks per SM a table aims at.
constexpr size_t kOptimizerChunk = 65536;
constexpr size_t kOptimizerGranule = 2048;
constexpr size_t kOptimizerBlocksPerSm = 4;

}  // namespace cuda
}  // namespace myelin
