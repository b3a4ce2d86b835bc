// internals(): the flavour's host-side logic (no device needed) as JS functions, so tests that run without
// a GPU exercise the same code the kernels' launches rely on: size classes of the allocator, dimension
// coalescing of the strided kernels, the optimizer's chunk table and the cuBLAS search.
#include "cuda.h"
#include "exports_cuda.h"

namespace myelin {

using namespace cuda;

namespace {

Napi::Array to_array(Napi::Env env, const int64_t* v, int n) {
  Napi::Array a = Napi::Array::New(env, n);
  for (int i = 0; i < n; ++i) a.Set(static_cast<uint32_t>(i), static_cast<double>(v[i]));
  return a;
}

Napi::Array strings(Napi::Env env, const std::vector<std::string>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) a.Set(static_cast<uint32_t>(i), v[i]);
  return a;
}

std::string request_arg(const Napi::CallbackInfo& info, const char* fn) {
  if (info.Length() < 1 || !info[0].IsString()) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": argument 'request' must be a string ('' searches)");
  }
  return info[0].As<Napi::String>().Utf8Value();
}

// sizeClass(bytes) -> the allocator's block size for a request of `bytes`
Napi::Value SizeClass(const Napi::CallbackInfo& info) {
  Args args(info, "sizeClass", 1);
  return Napi::Number::New(info.Env(), static_cast<double>(size_class(args.size(0, "bytes", 1.0e15))));
}

// coalesce(shape, strides0, strides1) -> { dim, s0, s1 }
Napi::Value Coalesce(const Napi::CallbackInfo& info) {
  Args args(info, "coalesce", 3);
  const Dims shape = args.dims(0, "shape", false), a = args.dims(1, "strides0", true),
             b = args.dims(2, "strides1", true);
  if (a.rank != shape.rank || b.rank != shape.rank)
    args.rangeError("shape and both stride lists must have the same length");
  const Coalesced c = coalesce(shape, a, b);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("dim", to_array(info.Env(), c.dim, c.rank));
  o.Set("s0", to_array(info.Env(), c.s0, c.rank));
  o.Set("s1", to_array(info.Env(), c.s1, c.rank));
  return o;
}

// splitChunks(lengths: number[], chunk) -> [tensor, begin, length][]
Napi::Value SplitChunks(const Napi::CallbackInfo& info) {
  Args args(info, "splitChunks", 2);
  if (!info[0].IsArray()) args.typeError("lengths", "an array of sizes");
  Napi::Array in = info[0].As<Napi::Array>();
  std::vector<size_t> lengths(in.Length());
  for (uint32_t i = 0; i < in.Length(); ++i) {
    const Napi::Value v = in.Get(i);
    const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0) || d != static_cast<double>(static_cast<size_t>(d))) args.typeError("lengths", "an array of sizes");
    lengths[i] = static_cast<size_t>(d);
  }
  const size_t chunk = args.size(1, "chunk", 4294967295.0);
  if (chunk == 0) args.rangeError("argument 'chunk' must be at least 1");
  const std::vector<ChunkRef> refs = split_chunks(lengths, chunk);
  Napi::Array out = Napi::Array::New(info.Env(), refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    Napi::Array r = Napi::Array::New(info.Env(), 3);
    r.Set(0u, static_cast<double>(refs[i].tensor));
    r.Set(1u, static_cast<double>(refs[i].begin));
    r.Set(2u, static_cast<double>(refs[i].length));
    out.Set(static_cast<uint32_t>(i), r);
  }
  return out;
}

// optimizerChunkFor(total, multiprocessors) -> the chunk size of a multi-tensor step over `total` elements
Napi::Value OptimizerChunkFor(const Napi::CallbackInfo& info) {
  Args args(info, "optimizerChunkFor", 2);
  const size_t total = args.size(0, "total");
  const size_t sms = args.size(1, "multiprocessors", 1e6);
  return Napi::Number::New(info.Env(), static_cast<double>(optimizer_chunk(total, static_cast<int>(sms))));
}

// cublasLtFile(cublas) -> the cuBLASLt file opened beside that cuBLAS file ("" when its name is not libcublas.so*)
Napi::Value CublasLtFile(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), cublaslt_file(request_arg(info, "cublasLtFile")));
}

// cublasCandidates(request) -> the files tried, in order
Napi::Value CublasCandidates(const Napi::CallbackInfo& info) {
  return strings(info.Env(), cublas_candidates(request_arg(info, "cublasCandidates")));
}

// cublasProbe(request) -> { loaded, path, version, tried } (opens and closes the library; no device needed)
Napi::Value CublasProbe(const Napi::CallbackInfo& info) {
  const CublasInfo c = cublas_probe(request_arg(info, "cublasProbe"));
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("loaded", c.loaded);
  o.Set("path", c.loaded ? Napi::String::New(env, c.path) : env.Null());
  o.Set("version", c.version > 0 ? Napi::Number::New(env, c.version) : env.Null());
  o.Set("tried", strings(env, c.tried));
  return o;
}

}  // namespace

Napi::Value Internals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("sizeClass", Napi::Function::New(env, SizeClass, "sizeClass"));
  o.Set("coalesce", Napi::Function::New(env, Coalesce, "coalesce"));
  o.Set("splitChunks", Napi::Function::New(env, SplitChunks, "splitChunks"));
  o.Set("optimizerChunk", static_cast<double>(kOptimizerChunk));
  o.Set("optimizerGranule", static_cast<double>(kOptimizerGranule));
  o.Set("optimizerChunkFor", Napi::Function::New(env, OptimizerChunkFor, "optimizerChunkFor"));
  o.Set("cublasCandidates", Napi::Function::New(env, CublasCandidates, "cublasCandidates"));
  o.Set("cublasProbe", Napi::Function::New(env, CublasProbe, "cublasProbe"));
  o.Set("cublasLtFile", Napi::Function::New(env, CublasLtFile, "cublasLtFile"));
  return o;
}

}  // namespace myelin
