// Argument checks for every native entry point. A mismatch throws a JS TypeError (wrong type) or
// RangeError (wrong length, value out of range) whose message names the function and the argument;
// nothing here aborts the process. Raw napi calls keep the per-call cost low.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace myelin {

constexpr int kMaxRank = 8;

struct F32 {
  float* data;
  size_t len;
};
struct I32 {
  int32_t* data;
  size_t len;
};
struct F64 {
  double* data;
  size_t len;
};
// The upstream gradient of a fused loss kernel: g_i = dLoss[i * stride] * scale, rounded to float. Stride 1 gives
// one value per row or element, stride 0 one value shared by all (the gradient of a mean: scale = 1 / count).
struct Upstream {
  size_t stride;
  float scale;
  // The floats dLoss must hold for `count` rows or elements.
  size_t length(size_t count) const { return count == 0 ? 0 : stride == 0 ? 1 : count; }
};

// Up to kMaxRank signed integers (shapes, strides).
struct Dims {
  int rank = 0;
  int64_t v[kMaxRank];
};

constexpr size_t kMaxArgs = 16;

class Args;
// The layout arguments of copyStrided(x, xOffset, xStrides, out, outOffset, outStrides, shape, accumulate), as both
// flavours read them: RangeError unless both stride lists are as long as the shape.
struct StridedCopy {
  int64_t xOffset, outOffset;
  Dims xStrides, outStrides, shape;
  bool accumulate;
};
StridedCopy strided_copy_args(const Args& args);

// The arguments of one call, with the function's name for messages: a live call's, or those of a call a
// compiled program recorded (native/cpu/program.cc).
class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* fn, size_t count);
  Args(napi_env env, const napi_value* argv, size_t argc, const char* fn, size_t count);

  F32 f32(size_t i, const char* name) const;
  F32 f32OrNull(size_t i, const char* name) const;  // data == nullptr for null/undefined
  I32 i32(size_t i, const char* name) const;
  F64 f64(size_t i, const char* name) const;
  std::vector<F32> f32List(size_t i, const char* name) const;
  double num(size_t i, const char* name) const;
  // A step number: an integer >= 1 (RangeError "argument '<name>' must be an integer >= 1, got <v>" otherwise).
  double step(size_t i, const char* name) const;
  // The arguments dLossStride (0 or 1, at `strideArg`) and dLossScale (right after it).
  Upstream upstream(size_t strideArg) const;
  // A non-negative integer (a size, a count, an offset) no larger than max.
  size_t size(size_t i, const char* name, double max = 9007199254740991.0) const;
  int op(size_t i, const char* name, int count) const;
  bool flag(size_t i, const char* name) const;
  Dims dims(size_t i, const char* name, bool allowNegative) const;

  // Checked arithmetic for every size, stride and offset computation: a * b or a + b, or a RangeError naming
  // `what` when the result overflows its type (size_t for sizes, int64_t for signed strides and offsets).
  template <typename T>
  T mul(T a, T b, const char* what) const {
    T r;
    if (__builtin_mul_overflow(a, b, &r)) rangeError(std::string(what) + " is too large");
    return r;
  }
  template <typename T>
  T add(T a, T b, const char* what) const {
    T r;
    if (__builtin_add_overflow(a, b, &r)) rangeError(std::string(what) + " is too large");
    return r;
  }
  // RangeError unless buf holds at least `need` floats.
  void need(const F32& buf, size_t need, const char* name) const;
  void needList(const std::vector<F32>& list, size_t count, const char* name) const;
  // RangeError unless offset + idx . strides stays inside [0, len) for every idx over `shape` (non-empty).
  void needSpan(const char* name, int64_t offset, const Dims& strides, const Dims& shape, size_t len) const;
  // RangeError unless every index is a row of `target`, which has `rows` rows.
  void needIndices(const I32& idx, size_t rows, const char* target) const;

  [[noreturn]] void typeError(const char* name, const std::string& expected) const;
  [[noreturn]] void rangeError(const std::string& message) const;
  Napi::Env env() const { return Napi::Env(env_); }
  // Argument i as it was passed (undefined past the last one).
  Napi::Value value(size_t i) const { return Napi::Value(env_, arg(i)); }
  const char* fn() const { return fn_; }

 private:
  void init(size_t count);
  // Argument i; undefined past the last one.
  napi_value arg(size_t i) const;
  // The data of argument i, a typed array of type `want` (TypeError "must be <expected>" otherwise), and its length.
  void* typed(size_t i, napi_typedarray_type want, const char* name, const char* expected, size_t* len) const;

  napi_env env_;
  napi_value argv_[kMaxArgs];  // the first argc_ are set
  size_t argc_;
  const char* fn_;
};

// A call given as a JS array [entryName, ...arguments]: a compiled program's calls (native/cpu/program.cc)
// and the optimizer call of trainSteps (both flavours).
struct CallValue {
  std::string name;
  napi_value argv[kMaxArgs];
  size_t argc = 0;
};
// Reads `v` as such an array (at most kMaxArgs arguments are kept); false when it is not one.
bool read_call(const Napi::Value& v, CallValue* out);

}  // namespace myelin
