// Reductions of an [outer, mid, inner] view over the middle axis: out[o, i] = op_m x[o, m, i].
// sum accumulates in double; mean is that sum, rounded to float, times float(1 / mid); max/min propagate NaN; argmax
// writes the first index of the maximum (a NaN counts as the maximum) as a float.
#include <algorithm>
#include <cmath>
#include <vector>

#include "../common/args.h"
#include "kernel.h"
#include "../common/kernel_ids.h"
#include "../common/thread_pool.h"
#include "cpu.h"

namespace myelin {

namespace {

// Contiguous sum of n floats in double (the pragma lets the compiler keep several partial sums).
double sum_contiguous(const float* x, size_t n) {
  double acc = 0.0;
#pragma omp simd reduction(+ : acc)
  for (size_t i = 0; i < n; ++i) acc += x[i];
  return acc;
}

// out[i] = op over m of x[m * inner + i], for i in [i0, i1).
void reduce_columns(ReduceOp op, const float* x, float* out, size_t mid, size_t inner, size_t i0, size_t i1) {
  const size_t w = i1 - i0;
  if (op == ReduceOp::sum) {
    // Sums in double: on the stack for up to 64 columns, else in a per-thread buffer.
    double small[64];
    thread_local std::vector<double> large;
    double* acc = small;
    if (w > 64) {
      large.resize(w);
      acc = large.data();
    }
    for (size_t i = 0; i < w; ++i) acc[i] = 0.0;
    for (size_t m = 0; m < mid; ++m) {
      const float* row = x + m * inner + i0;
      for (size_t i = 0; i < w; ++i) acc[i] += row[i];
    }
    for (size_t i = 0; i < w; ++i) out[i0 + i] = static_cast<float>(acc[i]);
    return;
  }
  if (op == ReduceOp::argmax) {
    for (size_t i = i0; i < i1; ++i) {
      float best = x[i];
      size_t arg = 0;
      for (size_t m = 1; m < mid && best == best; ++m) {
        const float v = x[m * inner + i];
        if (v > best || v != v) best = v, arg = m;
      }
      out[i] = static_cast<float>(arg);
    }
    return;
  }
  std::copy(x + i0, x + i1, out + i0);
  for (size_t m = 1; m < mid; ++m) {
    const float* row = x + m * inner;
    if (op == ReduceOp::max) {
      for (size_t i = i0; i < i1; ++i) out[i] = (row[i] > out[i] || row[i] != row[i]) ? row[i] : out[i];
    } else {
      for (size_t i = i0; i < i1; ++i) out[i] = (row[i] < out[i] || row[i] != row[i]) ? row[i] : out[i];
    }
  }
}

}  // namespace

// reduce(op, x, out, outer, mid, inner)
Kernel PrepareReduce(const Args& args) {
  const ReduceOp op = static_cast<ReduceOp>(args.op(0, "op", kReduceOpCount));
  const F32 x = args.f32(1, "x"), out = args.f32(2, "out");
  const size_t outer = args.size(3, "outer"), mid = args.size(4, "mid"), inner = args.size(5, "inner");
  const size_t outSize = args.mul(outer, inner, "outer * inner");
  args.need(x, args.mul(outSize, mid, "outer * mid * inner"), "x");
  args.need(out, outSize, "out");
  if (outSize == 0) return Kernel();
  if (mid == 0) {
    if (op != ReduceOp::sum && op != ReduceOp::mean)
      args.rangeError("argument 'mid' is 0; only 'sum' and 'mean' reduce an empty axis");
    const float empty = op == ReduceOp::sum ? 0.f : NAN;
    return [=] { std::fill(out.data, out.data + outSize, empty); };
  }
  return [=] { apply_reduce(static_cast<int>(op), x.data, out.data, outer, mid, inner); };
}

void apply_reduce(int opId, const float* x, float* out, size_t outer, size_t mid, size_t inner) {
  if (static_cast<ReduceOp>(opId) == ReduceOp::mean) {
    apply_reduce(static_cast<int>(ReduceOp::sum), x, out, outer, mid, inner);
    const float scale = static_cast<float>(1.0 / static_cast<double>(mid));
    for (size_t i = 0, n = outer * inner; i < n; ++i) out[i] *= scale;
    return;
  }
  const ReduceOp op = static_cast<ReduceOp>(opId);
  const size_t total = outer * mid * inner;
  if (inner == 1 && op == ReduceOp::sum) {  // rows are contiguous
    parallel_for(outer, std::max<size_t>(1, kParallelMin / mid), [&](size_t b, size_t e) {
      for (size_t o = b; o < e; ++o) out[o] = static_cast<float>(sum_contiguous(x + o * mid, mid));
    });
  } else if (outer >= 2 || total < kParallelMin) {
    parallel_for(outer, std::max<size_t>(1, kParallelMin / (mid * inner)), [&](size_t b, size_t e) {
      for (size_t o = b; o < e; ++o) reduce_columns(op, x + o * mid * inner, out + o * inner, mid, inner, 0, inner);
    });
  } else {  // one outer slice: split the inner columns
    parallel_for(inner, std::max<size_t>(1, kParallelMin / mid),
                 [&](size_t b, size_t e) { reduce_columns(op, x, out, mid, inner, b, e); });
  }
}

}  // namespace myelin
