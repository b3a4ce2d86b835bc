// MYELIN_CUDA_EMU_PROFILE=1: how well each kernel's work spreads over a GPU's multiprocessors, from the
// emulator's host time per block. A GPU runs a block on one multiprocessor (SM), so a launch cannot finish
// before its slowest block, however many SMs are idle: a whole-tensor sum in one block reads a data set at one
// SM's speed. For every launch the emulator times each block; at exit it prints, per kernel,
//   host ms     the host time of all its launches (the work),
//   spread ms   sum over launches of max(slowest block, launch time / kSms): the launch's time if its blocks
//               ran on kSms SMs as fast as the host runs one block, which no spreading of the blocks beats,
//   x ideal     spread ms / (host ms / kSms): 1 when the work spreads over every SM, up to kSms when one
//               block does it all.
// A kernel with a large spread ms and a large x ideal is one to split across more blocks. The host's speed is
// not a GPU's: compare kernels with each other, not with a GPU's times.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cuda_runtime.h"

namespace emu {

namespace {

constexpr double kSms = kMultiprocessors;

struct KernelSpread {
  size_t launches = 0;
  unsigned long long max_blocks = 0;
  unsigned threads_per_block = 0;
  double host_ns = 0;
  double spread_ns = 0;
};

struct SpreadTable {
  std::map<std::string, KernelSpread> kernels;
  ~SpreadTable() { print(); }

  void print() const {
    if (kernels.empty()) return;
    std::vector<std::pair<std::string, KernelSpread>> rows(kernels.begin(), kernels.end());
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.second.spread_ns > b.second.spread_ns; });
    std::fprintf(stderr, "cuda-emu profile: %-40s %9s %11s %8s %11s %11s %8s\n", "kernel", "launches", "max blocks",
                 "threads", "host ms", "spread ms", "x ideal");
    for (const auto& [name, k] : rows) {
      const double ideal = k.host_ns / kSms;
      std::fprintf(stderr, "cuda-emu profile: %-40s %9zu %11llu %8u %11.3f %11.3f %8.1f\n", name.c_str(), k.launches,
                   k.max_blocks, k.threads_per_block, k.host_ns / 1e6, k.spread_ns / 1e6,
                   ideal > 0 ? k.spread_ns / ideal : 1.0);
    }
  }
};

SpreadTable& table() {
  static SpreadTable t;
  return t;
}

}  // namespace

bool profiling() {
  static const bool on = env_is("MYELIN_CUDA_EMU_PROFILE", "1");
  return on;
}

void record_launch(const char* name, dim3 grid, dim3 block, double launch_ns, double slowest_block_ns) {
  KernelSpread& k = table().kernels[name];
  const unsigned long long blocks = 1ull * grid.x * grid.y * grid.z;
  ++k.launches;
  k.max_blocks = std::max(k.max_blocks, blocks);
  k.threads_per_block = block.x * block.y * block.z;
  k.host_ns += launch_ns;
  k.spread_ns += std::max(slowest_block_ns, launch_ns / kSms);
}

}  // namespace emu
