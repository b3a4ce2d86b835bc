// The arguments of batchedGemm(a, aStrides, b, bStrides, out, outStrides, sizes, transA, transB, alpha, beta) and
// maskedSoftmax(x, mask, y, batch, heads, rows, cols, causal) as both flavours read and check them.
#pragma once

#include <string>

#include "args.h"

namespace myelin {

// One operand of a batched GEMM: matrix (o, h) starts at o * outer + h * inner, its rows ld floats apart.
struct MatrixStrides {
  size_t outer, inner, ld;
};

struct BatchedGemmArgs {
  size_t outer, inner, m, n, k;
  MatrixStrides a, b, c;
  bool ta, tb;
  float alpha, beta;
  size_t aNeed, bNeed, cNeed;  // floats each buffer must hold (0 when it is not read)
};

namespace detail {

inline MatrixStrides matrix_strides(const Args& args, size_t i, const char* name) {
  const Dims d = args.dims(i, name, false);
  if (d.rank != 3) {
    args.rangeError(std::string("argument '") + name + "' must be [outer, inner, rowStride], got " +
                    std::to_string(d.rank) + " values");
  }
  return MatrixStrides{size_t(d.v[0]), size_t(d.v[1]), size_t(d.v[2])};
}

// The floats spanned by outer x inner matrices of rows x cols with strides s; RangeError when rows overlap (ld < cols).
inline size_t span(const Args& args, const MatrixStrides& s, size_t outer, size_t inner, size_t rows, size_t cols,
                   const char* name) {
  if (outer == 0 || inner == 0 || rows == 0 || cols == 0) return 0;
  if (s.ld < cols) {
    args.rangeError(std::string("argument '") + name + "' has row stride " + std::to_string(s.ld) + " below its " +
                    std::to_string(cols) + " columns");
  }
  size_t last = args.mul(outer - 1, s.outer, name);
  last = args.add(last, args.mul(inner - 1, s.inner, name), name);
  last = args.add(last, args.mul(rows - 1, s.ld, name), name);
  return args.add(last, cols, name);
}

}  // namespace detail

inline BatchedGemmArgs batched_gemm_args(const Args& args) {
  BatchedGemmArgs g;
  g.a = detail::matrix_strides(args, 1, "aStrides");
  g.b = detail::matrix_strides(args, 3, "bStrides");
  g.c = detail::matrix_strides(args, 5, "outStrides");
  const Dims s = args.dims(6, "sizes", false);
  if (s.rank != 5)
    args.rangeError("argument 'sizes' must be [outer, inner, m, n, k], got " + std::to_string(s.rank) + " values");
  g.outer = size_t(s.v[0]), g.inner = size_t(s.v[1]), g.m = size_t(s.v[2]), g.n = size_t(s.v[3]), g.k = size_t(s.v[4]);
  g.ta = args.flag(7, "transA");
  g.tb = args.flag(8, "transB");
  g.alpha = static_cast<float>(args.num(9, "alpha"));
  g.beta = static_cast<float>(args.num(10, "beta"));
  const bool reads = g.m > 0 && g.n > 0 && g.k > 0;
  g.aNeed = reads ? detail::span(args, g.a, g.outer, g.inner, g.ta ? g.k : g.m, g.ta ? g.m : g.k, "a") : 0;
  g.bNeed = reads ? detail::span(args, g.b, g.outer, g.inner, g.tb ? g.n : g.k, g.tb ? g.k : g.n, "b") : 0;
  g.cNeed = detail::span(args, g.c, g.outer, g.inner, g.m, g.n, "out");
  return g;
}

struct MaskedSoftmaxArgs {
  size_t batch, heads, rows, cols;
  bool causal;
  size_t count;      // batch * heads * rows * cols
  size_t maskCount;  // batch * rows * cols
};

inline MaskedSoftmaxArgs masked_softmax_args(const Args& args) {
  MaskedSoftmaxArgs g;
  g.batch = args.size(3, "batch"), g.heads = args.size(4, "heads"), g.rows = args.size(5, "rows");
  g.cols = args.size(6, "cols");
  g.causal = args.flag(7, "causal");
  g.maskCount = args.mul(args.mul(g.batch, g.rows, "batch * rows"), g.cols, "batch * rows * cols");
  g.count = args.mul(g.maskCount, g.heads, "batch * heads * rows * cols");
  return g;
}

}  // namespace myelin
