// Entry points of the embedding (embedding.cu) and layer-normalization (layer_norm.cu) kernels: argument checks,
// then the launches on the stream.
#include "../common/exports.h"
#include "cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

// embeddingLookup(table, ids, out, count, rowSize): out[i, :] = table[ids[i], :]
Napi::Value EmbeddingLookup(const Napi::CallbackInfo& info) {
  Args args(info, "embeddingLookup", 5);
  DeviceBuffer *table = buffer_arg(args, info, 0, "table"), *ids = buffer_arg(args, info, 1, "ids");
  DeviceBuffer* out = buffer_arg(args, info, 2, "out");
  const size_t count = args.size(3, "count"), rowSize = args.size(4, "rowSize");
  need(args, ids, count, "ids");
  need(args, out, args.mul(count, rowSize, "count * rowSize"), "out");
  if (rowSize == 0 || count == 0) return info.Env().Undefined();
  require_ready(info.Env(), "embeddingLookup");
  launch_embedding_lookup(stream(), table->ptr, table->len / rowSize, ids->ptr, out->ptr, count, rowSize);
  check_launch(info.Env(), "embeddingLookup");
  return info.Env().Undefined();
}

// embeddingGrad(dy, ids, dTable, count, rowSize): dTable = 0; dTable[ids[i], :] += dy[i, :]
Napi::Value EmbeddingGrad(const Napi::CallbackInfo& info) {
  Args args(info, "embeddingGrad", 5);
  DeviceBuffer *dy = buffer_arg(args, info, 0, "dy"), *ids = buffer_arg(args, info, 1, "ids");
  DeviceBuffer* dTable = buffer_arg(args, info, 2, "dTable");
  const size_t count = args.size(3, "count"), rowSize = args.size(4, "rowSize");
  need(args, ids, count, "ids");
  need(args, dy, args.mul(count, rowSize, "count * rowSize"), "dy");
  require_ready(info.Env(), "embeddingGrad");
  launch_embedding_grad(stream(), dy->ptr, ids->ptr, dTable->ptr, dTable->len, rowSize == 0 ? 0 : count, rowSize);
  check_launch(info.Env(), "embeddingGrad");
  return info.Env().Undefined();
}

// layerNorm(x, gamma, beta, y, mean, rstd, rows, cols, epsilon)
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Args args(info, "layerNorm", 9);
  DeviceBuffer* x = buffer_arg(args, info, 0, "x");
  DeviceBuffer *gamma = buffer_or_null_arg(args, info, 1, "gamma"), *beta = buffer_or_null_arg(args, info, 2, "beta");
  DeviceBuffer *y = buffer_arg(args, info, 3, "y"), *mean = buffer_arg(args, info, 4, "mean"),
               *rstd = buffer_arg(args, info, 5, "rstd");
  const size_t rows = args.size(6, "rows"), cols = args.size(7, "cols");
  const float eps = static_cast<float>(args.num(8, "epsilon"));
  const size_t n = args.mul(rows, cols, "rows * cols");
  need(args, x, n, "x");
  need(args, y, n, "y");
  need(args, mean, rows, "mean");
  need(args, rstd, rows, "rstd");
  if (gamma != nullptr) need(args, gamma, cols, "gamma");
  if (beta != nullptr) need(args, beta, cols, "beta");
  require_ready(info.Env(), "layerNorm");
  launch_layer_norm(stream(), x->ptr, gamma ? gamma->ptr : nullptr, beta ? beta->ptr : nullptr, y->ptr, mean->ptr,
                    rstd->ptr, rows, cols, eps);
  check_launch(info.Env(), "layerNorm");
  return info.Env().Undefined();
}

// layerNormGrad(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, rows, cols)
Napi::Value LayerNormGrad(const Napi::CallbackInfo& info) {
  Args args(info, "layerNormGrad", 10);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *gamma = buffer_or_null_arg(args, info, 1, "gamma");
  DeviceBuffer *mean = buffer_arg(args, info, 2, "mean"), *rstd = buffer_arg(args, info, 3, "rstd");
  DeviceBuffer *dy = buffer_arg(args, info, 4, "dy"), *dx = buffer_arg(args, info, 5, "dx");
  DeviceBuffer *dgamma = buffer_arg(args, info, 6, "dgamma"), *dbeta = buffer_arg(args, info, 7, "dbeta");
  const size_t rows = args.size(8, "rows"), cols = args.size(9, "cols");
  const size_t n = args.mul(rows, cols, "rows * cols");
  need(args, x, n, "x");
  need(args, dy, n, "dy");
  need(args, dx, n, "dx");
  need(args, mean, rows, "mean");
  need(args, rstd, rows, "rstd");
  need(args, dgamma, cols, "dgamma");
  need(args, dbeta, cols, "dbeta");
  if (gamma != nullptr) need(args, gamma, cols, "gamma");
  require_ready(info.Env(), "layerNormGrad");
  launch_layer_norm_grad(stream(), x->ptr, gamma ? gamma->ptr : nullptr, mean->ptr, rstd->ptr, dy->ptr, dx->ptr,
                         dgamma->ptr, dbeta->ptr, rows, cols);
  check_launch(info.Env(), "layerNormGrad");
  return info.Env().Undefined();
}

}  // namespace myelin
