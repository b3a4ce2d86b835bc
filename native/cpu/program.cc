// Compiled programs: a recorded list of kernel calls (a training step's forward and backward pass) whose
// arguments are converted and checked once, then run many times with one call from JS.
//   compileProgram(calls) -> program   calls: [[kernelName, ...arguments], ...] (the entry points' arguments)
//   runProgram(program)                runs every kernel in order
// The program holds a reference to every ArrayBuffer its kernels point into (so replacing an element of
// `calls` cannot free one) and refuses to run when one was detached (transferred) or shrunk since
// compileProgram: its kernels would write through a stale pointer.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exports_cpu.h"
#include "kernel.h"

namespace myelin {

namespace {

// An ArrayBuffer a compiled kernel points into, as it was at compile time.
struct HeldBuffer {
  napi_ref ref;
  void* data;
  size_t bytes;
};

}  // namespace

struct Program {
  napi_env env = nullptr;
  std::vector<Kernel> kernels;
  std::vector<HeldBuffer> buffers;
  // Per kernel, the memory its typed-array arguments span (ProgramHooks: when a gradient is final).
  std::vector<std::vector<MemorySpan>> spans;
  // Work that wraps the kernels (GradientSync), kept alive with the program.
  std::shared_ptr<void> attachment;
  ~Program() {
    for (const HeldBuffer& b : buffers) napi_delete_reference(env, b.ref);
  }
};

namespace {

// The ArrayBuffer behind a typed array `v`, or nullptr when `v` is not one.
bool buffer_of(napi_env env, napi_value v, napi_value* ab) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void* data = nullptr;
  return napi_get_typedarray_info(env, v, &type, &length, &data, ab, &offset) == napi_ok;
}

// Holds every ArrayBuffer among the arguments of a call (typed arrays, and arrays of them: optimizer lists) and
// notes the memory each typed array spans.
void hold_buffers(napi_env env, const CallValue& call, std::vector<HeldBuffer>* out, std::vector<MemorySpan>* spans) {
  auto hold = [&](napi_value v) {
    napi_value ab;
    if (!buffer_of(env, v, &ab)) return;
    napi_typedarray_type type;
    size_t length = 0, offset = 0;
    void* view = nullptr;
    napi_get_typedarray_info(env, v, &type, &length, &view, nullptr, &offset);
    size_t width = 1;
    napi_value bytes;
    uint32_t perElement = 1;
    if (napi_get_named_property(env, v, "BYTES_PER_ELEMENT", &bytes) == napi_ok &&
        napi_get_value_uint32(env, bytes, &perElement) == napi_ok)
      width = perElement;
    spans->push_back({static_cast<const char*>(view), length * width});
    HeldBuffer h{nullptr, nullptr, 0};
    napi_get_arraybuffer_info(env, ab, &h.data, &h.bytes);
    napi_create_reference(env, ab, 1, &h.ref);
    out->push_back(h);
  };
  for (size_t a = 0; a < call.argc; ++a) {
    bool isArray = false;
    napi_is_array(env, call.argv[a], &isArray);
    if (!isArray) {
      hold(call.argv[a]);
      continue;
    }
    uint32_t n = 0;
    napi_get_array_length(env, call.argv[a], &n);
    for (uint32_t k = 0; k < n; ++k) {
      napi_value el;
      if (napi_get_element(env, call.argv[a], k, &el) == napi_ok) hold(el);
    }
  }
}

// Error unless every held buffer is still attached, at the same address, and at least as long.
void check_buffers(const Args& args, const Program& p) {
  for (size_t i = 0; i < p.buffers.size(); ++i) {
    const HeldBuffer& h = p.buffers[i];
    napi_value ab;
    bool detached = false;
    void* data = nullptr;
    size_t bytes = 0;
    napi_get_reference_value(p.env, h.ref, &ab);
    napi_is_detached_arraybuffer(p.env, ab, &detached);
    if (!detached) napi_get_arraybuffer_info(p.env, ab, &data, &bytes);
    if (detached || data != h.data || bytes < h.bytes) {
      throw Napi::Error::New(args.env(), std::string("runProgram: buffer ") + std::to_string(i) +
                                             " of the program was " +
                                             (detached ? "detached (transferred)" : "resized") +
                                             " after compileProgram (" + std::to_string(h.bytes) + " bytes then, " +
                                             std::to_string(bytes) + " now); compile the program again");
    }
  }
}

// Tags the program handles, so that another addon handle passed to runProgram is refused, not misread.
const napi_type_tag kProgramTag = {0x6d79656c696e2d70ULL, 0x726f6772616d2d31ULL};

struct KernelEntry {
  PrepareFn prepare;
  size_t count;
};

const std::map<std::string, KernelEntry>& kernel_table() {
#define MYELIN_TABLE_ROW(js, Name, count) {#js, KernelEntry{Prepare##Name, count}},
  static const std::map<std::string, KernelEntry> table{MYELIN_CPU_KERNELS(MYELIN_TABLE_ROW)};
#undef MYELIN_TABLE_ROW
  return table;
}

}  // namespace

Napi::Value CompileProgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) {
    throw Napi::TypeError::New(env, "compileProgram: argument 'calls' must be an array of [kernelName, ...arguments]");
  }
  const Napi::Array calls = info[0].As<Napi::Array>();
  auto program = std::make_unique<Program>();
  program->env = env;
  program->kernels.reserve(calls.Length());
  for (uint32_t i = 0; i < calls.Length(); ++i) {
    CallValue call;
    if (!read_call(calls.Get(i), &call)) {
      throw Napi::TypeError::New(env,
                                 "compileProgram: calls[" + std::to_string(i) + "] must be [kernelName, ...arguments]");
    }
    const auto entry = kernel_table().find(call.name);
    if (entry == kernel_table().end()) {
      throw Napi::TypeError::New(env, "compileProgram: calls[" + std::to_string(i) + "] names '" + call.name +
                                          "', which is not a kernel a program can hold");
    }
    Kernel kernel = entry->second.prepare(Args(env, call.argv, call.argc, entry->first.c_str(), entry->second.count));
    if (!kernel) continue;
    program->kernels.push_back(std::move(kernel));
    program->spans.emplace_back();
    hold_buffers(env, call, &program->buffers, &program->spans.back());
  }
  auto handle = Napi::External<Program>::New(env, program.release(), [](Napi::Env, Program* p) { delete p; });
  handle.TypeTag(&kProgramTag);
  return handle;
}

const std::vector<Kernel>& program_kernels(const Args& args, const Napi::Value& handle) {
  if (!handle.IsExternal() || !handle.As<Napi::External<Program>>().CheckTypeTag(&kProgramTag)) {
    args.typeError("program", "a program from compileProgram");
  }
  const Program& p = *handle.As<Napi::External<Program>>().Data();
  check_buffers(args, p);
  return p.kernels;
}

ProgramHooks program_hooks(const Args& args, const Napi::Value& handle) {
  program_kernels(args, handle);
  Program* p = handle.As<Napi::External<Program>>().Data();
  return {&p->kernels, &p->spans, &p->attachment};
}

Napi::Value RunProgram(const Napi::CallbackInfo& info) {
  const Args args(info, "runProgram", 1);
  try {
    for (const Kernel& k : program_kernels(args, info[0])) k();
  } catch (const ProgramFailure& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  return info.Env().Undefined();
}

}  // namespace myelin
