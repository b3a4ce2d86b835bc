// Embedding lookup by float ids held in a buffer and its gradient, a sparse scatter-add. The ids of a compiled
// program change with every batch, so each id is checked when the kernel runs: a bad one gives a NaN row
// (lookup) or is skipped (gradient) instead of a read or write out of bounds. lib/ops/embedding.ts checks ids
// when the data is given, so a bad id never gets here from the library.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "../common/args.h"
#include "../common/thread_pool.h"
#include "kernel.h"

namespace myelin {

namespace {

// The row of id, or -1 when it is not an integer in [0, rows).
inline long long row_of(float id, size_t rows) {
  if (!(id >= 0.f) || id >= static_cast<float>(rows) || std::floor(id) != id) return -1;
  return static_cast<long long>(id);
}

}  // namespace

// embeddingLookup(table, ids, out, count, rowSize): out[i, :] = table[ids[i], :]
Kernel PrepareEmbeddingLookup(const Args& args) {
  const F32 table = args.f32(0, "table"), ids = args.f32(1, "ids"), out = args.f32(2, "out");
  const size_t count = args.size(3, "count"), rowSize = args.size(4, "rowSize");
  args.need(ids, count, "ids");
  args.need(out, args.mul(count, rowSize, "count * rowSize"), "out");
  if (rowSize == 0 || count == 0) return Kernel();
  const size_t rows = table.len / rowSize;
  return [=] {
    parallel_for(count, std::max<size_t>(1, kParallelMin / rowSize), [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        float* dst = out.data + i * rowSize;
        const long long r = row_of(ids.data[i], rows);
        if (r < 0)
          std::fill(dst, dst + rowSize, std::numeric_limits<float>::quiet_NaN());
        else
          std::memcpy(dst, table.data + static_cast<size_t>(r) * rowSize, rowSize * sizeof(float));
      }
    });
  };
}

// embeddingGrad(dy, ids, dTable, count, rowSize): dTable = 0; dTable[ids[i], :] += dy[i, :]
Kernel PrepareEmbeddingGrad(const Args& args) {
  const F32 dy = args.f32(0, "dy"), ids = args.f32(1, "ids"), dTable = args.f32(2, "dTable");
  const size_t count = args.size(3, "count"), rowSize = args.size(4, "rowSize");
  args.need(ids, count, "ids");
  args.need(dy, args.mul(count, rowSize, "count * rowSize"), "dy");
  return [=] {
    std::memset(dTable.data, 0, dTable.len * sizeof(float));
    if (rowSize == 0) return;
    const size_t rows = dTable.len / rowSize;
    // In id order on one thread: ids repeat, and the sums come out the same on every run.
    for (size_t i = 0; i < count; ++i) {
      const long long r = row_of(ids.data[i], rows);
      if (r < 0) continue;
      float* dst = dTable.data + static_cast<size_t>(r) * rowSize;
      const float* src = dy.data + i * rowSize;
      for (size_t j = 0; j < rowSize; ++j) dst[j] += src[j];
    }
  };
}

}  // namespace myelin
