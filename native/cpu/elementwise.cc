// Elementwise kernels: fill, unary, unaryGrad and broadcasting binary (rank <= 8). Each op has its own
// tight loop (a template instance) so the compiler vectorizes it; loops are cloned for AVX-512 / AVX2 /
// baseline and picked at load time. Above kParallelMin elements the work is split over the thread pool.
#include <algorithm>
#include <array>
#include <utility>

#include "../common/args.h"
#include "../common/binary_math.h"
#include "kernel.h"
#include "../common/thread_pool.h"
#include "../common/unary_math.h"
#include "cpu.h"
#include "strided_space.h"

namespace myelin {

namespace {

template <int OP>
MYELIN_CLONES void unary_loop(const float* x, float* out, size_t n, float p) {
  for (size_t i = 0; i < n; ++i) out[i] = unary_forward<OP>(x[i], p);
}

template <int OP>
MYELIN_CLONES void unary_grad_loop(const float* x, const float* y, const float* dy, float* dx, size_t n, float p) {
  for (size_t i = 0; i < n; ++i) dx[i] = dy[i] * unary_derivative<OP>(x[i], y[i], p);
}

// One row of a binary op with element strides sa, sb (0 = broadcast).
template <int OP>
MYELIN_CLONES void binary_row(const float* a, ptrdiff_t sa, const float* b, ptrdiff_t sb, float* o, size_t n) {
  if (sa == 1 && sb == 1) {
    for (size_t i = 0; i < n; ++i) o[i] = binary_forward<OP>(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float bv = *b;
    for (size_t i = 0; i < n; ++i) o[i] = binary_forward<OP>(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const float av = *a;
    for (size_t i = 0; i < n; ++i) o[i] = binary_forward<OP>(av, b[i]);
  } else {
    for (size_t i = 0; i < n; ++i) o[i] = binary_forward<OP>(a[i * sa], b[i * sb]);
  }
}

using UnaryLoop = void (*)(const float*, float*, size_t, float);
using UnaryGradLoop = void (*)(const float*, const float*, const float*, float*, size_t, float);
using BinaryRow = void (*)(const float*, ptrdiff_t, const float*, ptrdiff_t, float*, size_t);

template <size_t... I>
constexpr std::array<UnaryLoop, sizeof...(I)> unary_table(std::index_sequence<I...>) {
  return {unary_loop<I>...};
}
template <size_t... I>
constexpr std::array<UnaryGradLoop, sizeof...(I)> unary_grad_table(std::index_sequence<I...>) {
  return {unary_grad_loop<I>...};
}
template <size_t... I>
constexpr std::array<BinaryRow, sizeof...(I)> binary_table(std::index_sequence<I...>) {
  return {binary_row<I>...};
}

const auto kUnary = unary_table(std::make_index_sequence<kUnaryOpCount>());
const auto kUnaryGrad = unary_grad_table(std::make_index_sequence<kUnaryOpCount>());
const auto kBinary = binary_table(std::make_index_sequence<kBinaryOpCount>());

}  // namespace

void apply_unary(int op, const float* x, float* out, size_t n, float p) {
  const UnaryLoop loop = kUnary[op];
  parallel_for(n, kParallelMin, [&](size_t b, size_t e) { loop(x + b, out + b, e - b, p); });
}

// fill(out, value, offset, length): out[offset .. offset + length) = value
Kernel PrepareFill(const Args& args) {
  const F32 out = args.f32(0, "out");
  const float value = static_cast<float>(args.num(1, "value"));
  const size_t offset = args.size(2, "offset"), length = args.size(3, "length");
  if (offset + length > out.len) {
    args.rangeError("offset + length (" + std::to_string(offset + length) + ") exceeds the length of 'out' (" +
                    std::to_string(out.len) + ")");
  }
  return [=] {
    parallel_for(length, kParallelMin,
                 [&](size_t b, size_t e) { std::fill(out.data + offset + b, out.data + offset + e, value); });
  };
}

// unary(op, x, out, n, param)
Kernel PrepareUnary(const Args& args) {
  const int op = args.op(0, "op", kUnaryOpCount);
  const F32 x = args.f32(1, "x"), out = args.f32(2, "out");
  const size_t n = args.size(3, "n");
  const float p = static_cast<float>(args.num(4, "param"));
  args.need(x, n, "x");
  args.need(out, n, "out");
  return [=] { apply_unary(op, x.data, out.data, n, p); };
}

// unaryGrad(op, x, y, dy, dx, n, param): dx = dy * f'(x)
Kernel PrepareUnaryGrad(const Args& args) {
  const int op = args.op(0, "op", kUnaryOpCount);
  const F32 x = args.f32(1, "x"), y = args.f32(2, "y"), dy = args.f32(3, "dy"), dx = args.f32(4, "dx");
  const size_t n = args.size(5, "n");
  const float p = static_cast<float>(args.num(6, "param"));
  args.need(x, n, "x");
  args.need(y, n, "y");
  args.need(dy, n, "dy");
  args.need(dx, n, "dx");
  return [=] { apply_unary_grad(op, x.data, y.data, dy.data, dx.data, n, p); };
}

void apply_unary_grad(int op, const float* x, const float* y, const float* dy, float* dx, size_t n, float p) {
  const UnaryGradLoop loop = kUnaryGrad[op];
  parallel_for(n, kParallelMin, [&](size_t b, size_t e) { loop(x + b, y + b, dy + b, dx + b, e - b, p); });
}

// binary(op, a, aStrides, b, bStrides, out, outShape)
Kernel PrepareBinary(const Args& args) {
  const int op = args.op(0, "op", kBinaryOpCount);
  const F32 a = args.f32(1, "a"), b = args.f32(3, "b"), out = args.f32(5, "out");
  const Dims as = args.dims(2, "aStrides", false), bs = args.dims(4, "bStrides", false);
  const Dims shape = args.dims(6, "outShape", false);
  if (as.rank != shape.rank || bs.rank != shape.rank) {
    args.rangeError("aStrides, bStrides and outShape must have the same length, got " + std::to_string(as.rank) + ", " +
                    std::to_string(bs.rank) + " and " + std::to_string(shape.rank));
  }
  size_t total = 1;
  for (int d = 0; d < shape.rank; ++d) {
    const int64_t s = shape.v[d];
    total = args.mul<size_t>(total, static_cast<size_t>(s), "the product of outShape");
    if (s == 0) return Kernel();
  }
  args.need(out, total, "out");
  args.needSpan("a", 0, as, shape, a.len);
  args.needSpan("b", 0, bs, shape, b.len);
  const BinaryRow row = kBinary[op];
  const StridedSpace sp = coalesce(shape, as, bs);
  const int r = sp.rank;
  if (r <= 1) {
    const ptrdiff_t ia = r ? sp.a[0] : 0, ib = r ? sp.b[0] : 0;
    return [=] {
      parallel_for(total, kParallelMin,
                   [&](size_t s, size_t e) { row(a.data + s * ia, ia, b.data + s * ib, ib, out.data + s, e - s); });
    };
  }
  return [=] {
    const size_t inner = static_cast<size_t>(sp.dim[r - 1]), rows = total / inner;
    parallel_for(rows, std::max<size_t>(1, kParallelMin / inner), [&](size_t s, size_t e) {
      for (size_t q = s; q < e; ++q) {
        size_t rest = q, offA = 0, offB = 0;
        for (int d = r - 2; d >= 0; --d) {
          const size_t i = rest % sp.dim[d];
          rest /= sp.dim[d];
          offA += i * sp.a[d];
          offB += i * sp.b[d];
        }
        row(a.data + offA, sp.a[r - 1], b.data + offB, sp.b[r - 1], out.data + q * inner, inner);
      }
    });
  };
}

// binarySame(op, a, b, out, n): out[i] = f(a[i], b[i]) for i < n — the common same-shape case with no
// stride arrays to read (a small op's cost is dominated by argument conversion).
Kernel PrepareBinarySame(const Args& args) {
  const int op = args.op(0, "op", kBinaryOpCount);
  const F32 a = args.f32(1, "a"), b = args.f32(2, "b"), out = args.f32(3, "out");
  const size_t n = args.size(4, "n");
  args.need(a, n, "a");
  args.need(b, n, "b");
  args.need(out, n, "out");
  const BinaryRow row = kBinary[op];
  return [=] {
    parallel_for(n, kParallelMin, [&](size_t s, size_t e) { row(a.data + s, 1, b.data + s, 1, out.data + s, e - s); });
  };
}

}  // namespace myelin
