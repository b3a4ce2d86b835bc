// The index space of a kernel over `shape` that reads or writes two strided operands (copyStrided, binary), with
// size-1 dimensions dropped and each dimension merged into its inner neighbour where both operands stay affine,
// so that the innermost loop is as long as possible. Held by value in the prepared kernel.
#pragma once

#include <cstdint>

#include "../common/args.h"

namespace myelin {

struct StridedSpace {
  int rank = 0;  // 0 when every dimension has size 1
  int64_t dim[kMaxRank], a[kMaxRank], b[kMaxRank];
};

// `shape` coalesced for the strides `as` and `bs` (all of shape.rank entries; no dimension of size 0).
inline StridedSpace coalesce(const Dims& shape, const Dims& as, const Dims& bs) {
  StridedSpace sp;
  int& r = sp.rank;
  for (int d = 0; d < shape.rank; ++d) {
    const int64_t s = shape.v[d];
    if (s == 1) continue;
    if (r > 0 && sp.a[r - 1] == as.v[d] * s && sp.b[r - 1] == bs.v[d] * s) {
      sp.dim[r - 1] *= s, sp.a[r - 1] = as.v[d], sp.b[r - 1] = bs.v[d];
    } else {
      sp.dim[r] = s, sp.a[r] = as.v[d], sp.b[r] = bs.v[d], ++r;
    }
  }
  return sp;
}

}  // namespace myelin
