#include "train_steps_args.h"

#include <string>

namespace myelin {

TrainStepsLayout train_steps_layout(const Args& args, size_t xLen, size_t xInLen, size_t yLen, size_t yInLen,
                                    size_t lossLen, size_t lossesLen) {
  TrainStepsLayout t{};
  t.lrs = args.f64(2, "lrs");
  t.indices = args.i32(7, "indices");
  t.lossOffset = args.size(10, "lossOffset");
  t.steps = t.lrs.len;
  if (t.steps == 0) return t;
  if (t.indices.len % t.steps != 0)
    args.rangeError("indices.length must be a multiple of lrs.length (one batch per step)");
  t.batch = t.indices.len / t.steps;
  if (t.batch == 0 || xInLen % t.batch != 0 || yInLen % t.batch != 0)
    args.rangeError("xIn and yIn must hold whole rows of a batch");
  t.rowX = xInLen / t.batch;
  t.rowY = yInLen / t.batch;
  if (t.rowX == 0 || xLen % t.rowX != 0 || t.rowY == 0 || yLen % t.rowY != 0) {
    args.rangeError("x and y must hold whole rows of xIn's and yIn's width");
  }
  const size_t rows = xLen / t.rowX;
  if (yLen / t.rowY != rows) args.rangeError("x and y must have the same number of rows");
  args.needIndices(t.indices, rows, "x");
  if (lossLen < 1) args.rangeError("argument 'loss' is empty");
  if (lossesLen < t.lossOffset + t.steps) {
    args.rangeError("argument 'losses' has " + std::to_string(lossesLen) + " elements, needs " +
                    std::to_string(t.lossOffset + t.steps));
  }
  return t;
}

}  // namespace myelin
