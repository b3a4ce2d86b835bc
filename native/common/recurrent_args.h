// The scalar arguments of the recurrent step kernels (t, steps, batch, units, activation[, recurrentActivation]) as
// both flavours read and check them, and the floats each buffer must hold.
#pragma once

#include <string>

#include "args.h"
#include "kernel_ids.h"

namespace myelin {

struct RecurrentArgs {
  size_t t, steps, batch, units;
  int act, rec;     // unary op ids (rec = act when the cell has one activation)
  size_t row;       // batch * units: one state slot
  size_t slots;     // (steps + 1) * row: one slab of states
  size_t maskNeed;  // steps * batch
};

// Reads t, steps, batch, units from argument `first` on and takes the activation ids the entry read (act, and rec
// for the recurrent activation: act again for a cell with one); RangeError when t >= steps or an activation is not
// tanh, sigmoid, relu or linear.
inline RecurrentArgs recurrent_args(const Args& args, size_t first, int act, int rec) {
  RecurrentArgs r;
  r.t = args.size(first, "t");
  r.steps = args.size(first + 1, "steps");
  r.batch = args.size(first + 2, "batch");
  r.units = args.size(first + 3, "units");
  r.act = act;
  r.rec = rec;
  if (r.t >= r.steps) {
    args.rangeError("argument 't' must be below steps (" + std::to_string(r.steps) + "), got " + std::to_string(r.t));
  }
  for (int op : {r.act, r.rec}) {
    const UnaryOp u = static_cast<UnaryOp>(op);
    if (u != UnaryOp::tanh && u != UnaryOp::sigmoid && u != UnaryOp::relu && u != UnaryOp::linear)
      args.rangeError("cell activations must be tanh, sigmoid, relu or linear, got op id " + std::to_string(op));
  }
  r.row = args.mul(r.batch, r.units, "batch * units");
  r.slots = args.mul(r.steps + 1, r.row, "(steps + 1) * batch * units");
  r.maskNeed = args.mul(r.steps, r.batch, "steps * batch");
  return r;
}

}  // namespace myelin
