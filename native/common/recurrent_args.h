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

// Reads steps, batch, units from argument `first` on (t is 0) and takes the activation ids the entry read (act, and
// rec for the recurrent activation: act again for a cell with one); RangeError when an activation is not tanh,
// sigmoid, relu or linear. The arguments of the sequence kernels (lstmSequence: every step in one call).
inline RecurrentArgs recurrent_sequence_args(const Args& args, size_t first, int act, int rec) {
  RecurrentArgs r;
  r.t = 0;
  r.steps = args.size(first, "steps");
  r.batch = args.size(first + 1, "batch");
  r.units = args.size(first + 2, "units");
  r.act = act;
  r.rec = rec;
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

// Reads t, steps, batch, units from argument `first` on (the step kernels), as recurrent_sequence_args reads the rest;
// RangeError also when t >= steps.
inline RecurrentArgs recurrent_args(const Args& args, size_t first, int act, int rec) {
  const size_t t = args.size(first, "t");
  RecurrentArgs r = recurrent_sequence_args(args, first + 1, act, rec);
  if (t >= r.steps) {
    args.rangeError("argument 't' must be below steps (" + std::to_string(r.steps) + "), got " + std::to_string(t));
  }
  r.t = t;
  return r;
}

}  // namespace myelin
