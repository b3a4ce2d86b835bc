// Compiled programs: a recorded list of kernel calls (a training step's forward and backward pass) whose
// arguments are converted and checked once, then run many times with one call from JS.
//   compileProgram(calls) -> program   calls: [[kernelName, ...arguments], ...] (the entry points' arguments)
//   runProgram(program)                runs every kernel in order
// The program holds a reference to `calls`, which keeps alive the Float32Arrays its kernels point into.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exports_cpu.h"
#include "kernel.h"

namespace myelin {

namespace {

struct Program {
  std::vector<Kernel> kernels;
  Napi::Reference<Napi::Array> calls;
};

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
  program->kernels.reserve(calls.Length());
  for (uint32_t i = 0; i < calls.Length(); ++i) {
    CallValue call;
    if (!read_call(calls.Get(i), &call)) {
      throw Napi::TypeError::New(env, "compileProgram: calls[" + std::to_string(i) + "] must be [kernelName, ...arguments]");
    }
    const auto entry = kernel_table().find(call.name);
    if (entry == kernel_table().end()) {
      throw Napi::TypeError::New(env, "compileProgram: calls[" + std::to_string(i) + "] names '" + call.name +
                                          "', which is not a kernel a program can hold");
    }
    Kernel kernel = entry->second.prepare(Args(env, call.argv, call.argc, entry->first.c_str(), entry->second.count));
    if (kernel) program->kernels.push_back(std::move(kernel));
  }
  program->calls = Napi::Persistent(calls);
  auto handle = Napi::External<Program>::New(env, program.release(), [](Napi::Env, Program* p) { delete p; });
  handle.TypeTag(&kProgramTag);
  return handle;
}

const std::vector<Kernel>& program_kernels(const Args& args, const Napi::Value& handle) {
  if (!handle.IsExternal() || !handle.As<Napi::External<Program>>().CheckTypeTag(&kProgramTag)) {
    args.typeError("program", "a program from compileProgram");
  }
  return handle.As<Napi::External<Program>>().Data()->kernels;
}

Napi::Value RunProgram(const Napi::CallbackInfo& info) {
  const Args args(info, "runProgram", 1);
  for (const Kernel& k : program_kernels(args, info[0])) k();
  return info.Env().Undefined();
}

}  // namespace myelin
