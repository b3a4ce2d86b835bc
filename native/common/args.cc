#include "args.h"

#include <algorithm>
#include <cmath>

namespace myelin {

namespace {
double g_empty[1];  // data pointer of empty arrays (napi may report nullptr); aligned for any element type
}

Args::Args(const Napi::CallbackInfo& info, const char* fn, size_t count)
    : env_(info.Env()), argc_(info.Length()), fn_(fn) {
  for (size_t i = 0; i < argc_ && i < kMaxArgs; ++i) argv_[i] = info[i];
  init(count);
}

Args::Args(napi_env env, const napi_value* argv, size_t argc, const char* fn, size_t count)
    : env_(env), argc_(argc), fn_(fn) {
  for (size_t i = 0; i < argc_ && i < kMaxArgs; ++i) argv_[i] = argv[i];
  init(count);
}

void Args::init(size_t count) {
  if (argc_ < count) {
    throw Napi::TypeError::New(
        env_, std::string(fn_) + ": expected " + std::to_string(count) + " arguments, got " + std::to_string(argc_));
  }
  if (argc_ > kMaxArgs) argc_ = kMaxArgs;
}

napi_value Args::arg(size_t i) const {
  if (i < argc_) return argv_[i];
  napi_value undefined;  // past the last argument (never for an entry's own `count`: init checked those)
  napi_get_undefined(env_, &undefined);
  return undefined;
}

void Args::typeError(const char* name, const std::string& expected) const {
  throw Napi::TypeError::New(env_, std::string(fn_) + ": argument '" + name + "' must be " + expected);
}

void Args::rangeError(const std::string& message) const {
  throw Napi::RangeError::New(env_, std::string(fn_) + ": " + message);
}

void* Args::typed(size_t i, napi_typedarray_type want, const char* name, const char* expected, size_t* len) const {
  napi_typedarray_type type;
  void* data = nullptr;
  *len = 0;
  if (napi_get_typedarray_info(env_, arg(i), &type, len, &data, nullptr, nullptr) != napi_ok || type != want) {
    typeError(name, expected);
  }
  return data ? data : g_empty;
}

F32 Args::f32(size_t i, const char* name) const {
  size_t len;
  void* data = typed(i, napi_float32_array, name, "a Float32Array", &len);
  return F32{static_cast<float*>(data), len};
}

F32 Args::f32OrNull(size_t i, const char* name) const {
  napi_valuetype t;
  if (napi_typeof(env_, arg(i), &t) == napi_ok && (t == napi_null || t == napi_undefined)) return F32{nullptr, 0};
  return f32(i, name);
}

I32 Args::i32(size_t i, const char* name) const {
  size_t len;
  void* data = typed(i, napi_int32_array, name, "an Int32Array", &len);
  return I32{static_cast<int32_t*>(data), len};
}

F64 Args::f64(size_t i, const char* name) const {
  size_t len;
  void* data = typed(i, napi_float64_array, name, "a Float64Array", &len);
  return F64{static_cast<double*>(data), len};
}

std::vector<F32> Args::f32List(size_t i, const char* name) const {
  napi_env env = env_;
  bool isArray = false;
  napi_is_array(env, arg(i), &isArray);
  if (!isArray) typeError(name, "an array of Float32Arrays");
  uint32_t n = 0;
  napi_get_array_length(env, arg(i), &n);
  std::vector<F32> out(n);
  for (uint32_t k = 0; k < n; ++k) {
    napi_value el;
    napi_typedarray_type type;
    size_t len = 0;
    void* data = nullptr;
    if (napi_get_element(env, arg(i), k, &el) != napi_ok ||
        napi_get_typedarray_info(env, el, &type, &len, &data, nullptr, nullptr) != napi_ok ||
        type != napi_float32_array) {
      typeError(name, "an array of Float32Arrays (element " + std::to_string(k) + " is not)");
    }
    out[k] = F32{data ? static_cast<float*>(data) : reinterpret_cast<float*>(g_empty), len};
  }
  return out;
}

double Args::num(size_t i, const char* name) const {
  double v;
  if (napi_get_value_double(env_, arg(i), &v) != napi_ok) typeError(name, "a number");
  return v;
}

double Args::step(size_t i, const char* name) const {
  const double v = num(i, name);
  if (!(v >= 1) || std::floor(v) != v)
    rangeError(std::string("argument '") + name + "' must be an integer >= 1, got " + std::to_string(v));
  return v;
}

StridedCopy strided_copy_args(const Args& args) {
  StridedCopy c;
  c.xOffset = static_cast<int64_t>(args.size(1, "xOffset"));
  c.outOffset = static_cast<int64_t>(args.size(4, "outOffset"));
  c.xStrides = args.dims(2, "xStrides", true);
  c.outStrides = args.dims(5, "outStrides", true);
  c.shape = args.dims(6, "shape", false);
  c.accumulate = args.flag(7, "accumulate");
  if (c.xStrides.rank != c.shape.rank || c.outStrides.rank != c.shape.rank) {
    args.rangeError("xStrides, outStrides and shape must have the same length, got " + std::to_string(c.xStrides.rank) +
                    ", " + std::to_string(c.outStrides.rank) + " and " + std::to_string(c.shape.rank));
  }
  return c;
}

Upstream Args::upstream(size_t strideArg) const {
  return Upstream{size(strideArg, "dLossStride", 1), static_cast<float>(num(strideArg + 1, "dLossScale"))};
}

size_t Args::size(size_t i, const char* name, double max) const {
  const double v = num(i, name);
  if (!(v >= 0) || v > max || std::floor(v) != v) {
    rangeError(std::string("argument '") + name + "' must be an integer in [0, " + std::to_string((long long)max) +
               "], got " + std::to_string(v));
  }
  return static_cast<size_t>(v);
}

int Args::op(size_t i, const char* name, int count) const { return static_cast<int>(size(i, name, count - 1)); }

bool Args::flag(size_t i, const char* name) const {
  bool b;
  if (napi_get_value_bool(env_, arg(i), &b) != napi_ok) typeError(name, "a boolean");
  return b;
}

Dims Args::dims(size_t i, const char* name, bool allowNegative) const {
  napi_env env = env_;
  bool isArray = false;
  napi_is_array(env, arg(i), &isArray);
  if (!isArray) typeError(name, "an array of integers");
  uint32_t n = 0;
  napi_get_array_length(env, arg(i), &n);
  if (n > kMaxRank) {
    rangeError(std::string("argument '") + name + "' has rank " + std::to_string(n) + ", at most " +
               std::to_string(kMaxRank) + " is supported");
  }
  Dims d;
  d.rank = static_cast<int>(n);
  for (uint32_t k = 0; k < n; ++k) {
    napi_value el;
    double v = NAN;
    if (napi_get_element(env, arg(i), k, &el) != napi_ok || napi_get_value_double(env, el, &v) != napi_ok ||
        std::floor(v) != v || std::fabs(v) > 4.0e15 || (!allowNegative && v < 0)) {
      typeError(name, allowNegative ? "an array of integers" : "an array of non-negative integers");
    }
    d.v[k] = static_cast<int64_t>(v);
  }
  return d;
}

void Args::need(const F32& buf, size_t need, const char* name) const {
  if (buf.len < need) {
    rangeError(std::string("argument '") + name + "' has " + std::to_string(buf.len) + " elements, needs " +
               std::to_string(need));
  }
}

void Args::needList(const std::vector<F32>& list, size_t count, const char* name) const {
  if (list.size() != count) {
    rangeError(std::string("argument '") + name + "' has " + std::to_string(list.size()) + " tensors, expected " +
               std::to_string(count));
  }
}

void Args::needSpan(const char* name, int64_t offset, const Dims& strides, const Dims& shape, size_t len) const {
  int64_t lo = offset, hi = offset;
  const std::string what = std::string("the strided view of '") + name + "'";
  for (int d = 0; d < shape.rank; ++d) {
    const int64_t reach = mul<int64_t>(shape.v[d] - 1, strides.v[d], what.c_str());
    int64_t& end = reach < 0 ? lo : hi;
    end = add<int64_t>(end, reach, what.c_str());
  }
  if (lo < 0 || hi >= static_cast<int64_t>(len)) {
    rangeError(std::string("the strided view of '") + name + "' spans elements [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "], outside its length " + std::to_string(len));
  }
}

void Args::needIndices(const I32& idx, size_t rows, const char* target) const {
  for (size_t i = 0; i < idx.len; ++i) {
    if (idx.data[i] < 0 || static_cast<size_t>(idx.data[i]) >= rows) {
      rangeError("indices[" + std::to_string(i) + "] = " + std::to_string(idx.data[i]) + " is out of range for '" +
                 target + "' with " + std::to_string(rows) + " rows");
    }
  }
}

bool read_call(const Napi::Value& v, CallValue* out) {
  if (!v.IsArray()) return false;
  const Napi::Array parts = v.As<Napi::Array>();
  if (parts.Length() < 1 || !parts.Get(0u).IsString()) return false;
  out->name = parts.Get(0u).As<Napi::String>().Utf8Value();
  out->argc = std::min<size_t>(parts.Length() - 1, kMaxArgs);
  for (size_t a = 0; a < out->argc; ++a) out->argv[a] = parts.Get(static_cast<uint32_t>(a + 1));
  return true;
}

}  // namespace myelin
