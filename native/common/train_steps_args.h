// The arguments both flavours' trainSteps share (native/cpu/train_steps.cc, native/cuda/train_steps.cc):
//   trainSteps(program, optimizerCall, lrs, x, xIn, y, yIn, indices, loss, losses, lossOffset)
#pragma once

#include "args.h"

namespace myelin {

// lrs, indices and lossOffset, and the layout they give the buffers.
struct TrainStepsLayout {
  F64 lrs;      // one learning rate per step
  I32 indices;  // steps * batch row indices of x and y, batch after batch
  size_t lossOffset;
  size_t steps, batch, rowX, rowY;
};

// Reads lrs, indices and lossOffset and checks them against the lengths (in floats) of x, xIn, y,
// yIn, loss and losses: whole rows, the same row count in x and y, every index a row, room for every loss.
// TypeError or RangeError naming the argument otherwise. With no steps (an empty lrs) nothing else is checked.
TrainStepsLayout train_steps_layout(const Args& args, size_t xLen, size_t xInLen, size_t yLen, size_t yInLen,
                                    size_t lossLen, size_t lossesLen);

}  // namespace myelin
