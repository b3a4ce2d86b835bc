// Host-side index arithmetic of the strided kernels and of the multi-tensor optimizer launch.
#include "cuda.h"

namespace myelin {
namespace cuda {

static_assert(kLaunchMaxRank == kMaxRank, "kernels and argument checks must agree on the largest rank");

Coalesced coalesce(const Dims& shape, const Dims& s0, const Dims& s1) {
  Coalesced c;
  for (int d = 0; d < shape.rank; ++d) {
    const int64_t s = shape.v[d];
    if (s == 1) continue;
    // Merge into the previous (outer) dim when stepping it equals stepping this one s times, for both operands.
    if (c.rank > 0 && c.s0[c.rank - 1] == s0.v[d] * s && c.s1[c.rank - 1] == s1.v[d] * s) {
      c.dim[c.rank - 1] *= s;
      c.s0[c.rank - 1] = s0.v[d];
      c.s1[c.rank - 1] = s1.v[d];
    } else {
      c.dim[c.rank] = s, c.s0[c.rank] = s0.v[d], c.s1[c.rank] = s1.v[d], ++c.rank;
    }
  }
  if (c.rank == 0) c.dim[0] = 1, c.s0[0] = 0, c.s1[0] = 0, c.rank = 1;
  return c;
}

StridedSpace to_space(const Coalesced& c) {
  StridedSpace sp;
  sp.rank = c.rank;
  for (int d = 0; d < c.rank; ++d) sp.dim[d] = c.dim[d], sp.s0[d] = c.s0[d], sp.s1[d] = c.s1[d];
  return sp;
}

std::vector<ChunkRef> split_chunks(const std::vector<size_t>& lengths, size_t chunk) {
  std::vector<ChunkRef> out;
  for (size_t t = 0; t < lengths.size(); ++t) {
    for (size_t b = 0; b < lengths[t]; b += chunk) {
      const size_t len = lengths[t] - b < chunk ? lengths[t] - b : chunk;
      out.push_back(ChunkRef{static_cast<uint32_t>(t), b, static_cast<uint32_t>(len)});
    }
  }
  return out;
}

size_t optimizer_chunk(size_t total, int multiprocessors) {
  const size_t blocks = static_cast<size_t>(multiprocessors > 0 ? multiprocessors : 1) * kOptimizerBlocksPerSm;
  const size_t per_block = (total + blocks - 1) / blocks;
  const size_t chunk = (per_block + kOptimizerGranule - 1) / kOptimizerGranule * kOptimizerGranule;
  return chunk < kOptimizerGranule ? kOptimizerGranule : chunk > kOptimizerChunk ? kOptimizerChunk : chunk;
}

}  // namespace cuda
}  // namespace myelin
