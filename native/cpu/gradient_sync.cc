// Gradient averaging inside a compiled training step (data-parallel training, lib/distributed): a program's
// kernels are wrapped so that, as the backward pass runs, each bucket of gradients is exchanged with the other
// ranks as soon as the last kernel that touches it has run, and the step's last kernel waits for every bucket and
// writes the averages back into the gradient buffers. The optimizer step that follows (trainSteps, trainEpochs,
// or JavaScript after runProgram) then reads averaged gradients; nothing returns to JavaScript per step.
//
//   attachGradientSync(program, grads, bucketBytes, timeoutMs) -> buckets   grads: Float32Array[] (weight order)
//   gradientSyncStats(reset) -> { steps, waitMs, reduceMs, exchangeMs }
//
// Buckets: the gradients sorted by the kernel after which each is final (ties: the later weight first, the order
// of a backward pass), packed into buckets of at least bucketBytes (the last may be smaller).
//
// Reduction (exact and fixed): a bucket of L floats is cut into N chunks, chunk j = [floor(j L / N),
// floor((j + 1) L / N)). Rank j receives chunk j of every rank (MPI_Isend / MPI_Irecv), computes
//   avg[i] = float( (g_0[i] + g_1[i] + ... + g_{N-1}[i]) / N )      (the sum in double, in rank order 0..N-1)
// and sends its averaged chunk to every rank. So every rank gets the same bits, and they do not depend on MPI's
// algorithms. Progress: MPI_Test on the open requests after every kernel, then, at the end of the step, a loop
// that yields the core between polls.
//
// A peer that does not deliver within timeoutMs (it died, stalled, or left fit early) makes the step throw
// "distributed: rank R ..." naming the ranks whose data is missing; the program is then broken for good (its
// requests abandoned) and every later run throws at once.
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "../common/args.h"
#include "exports_cpu.h"
#include "kernel.h"
#include "mpi_comm.h"

namespace myelin {

namespace {

using Clock = std::chrono::steady_clock;

const int kTagBase = 7000;  // two tags per bucket: kTagBase + 2 b (chunks in), + 1 (averages out)

struct Totals {
  std::atomic<uint64_t> steps{0}, waitNs{0}, reduceNs{0}, exchangeNs{0};
};
Totals g_totals;

uint64_t ns_since(Clock::time_point t) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t).count());
}

struct Bucket {
  std::vector<size_t> grads;  // indices into the gradient list, in pack order
  size_t offset = 0, length = 0;
  size_t readyAfter = 0;                   // kernels that must have run before the bucket is final
  int phase = 0;                           // 0 not started, 1 chunks in flight, 2 averages in flight, 3 done
  std::vector<mpi::Request> recvs, sends;  // recvs[peer]; sends in any order
  std::vector<float> incoming;             // size * chunk floats: slot j holds rank j's copy of this rank's chunk
};

class GradientSync {
 public:
  GradientSync(std::vector<F32> grads, std::vector<Bucket> buckets, size_t total, double timeoutMs)
      : grads_(std::move(grads)),
        buckets_(std::move(buckets)),
        rank_(mpi::rank()),
        size_(mpi::size()),
        timeoutMs_(timeoutMs),
        pack_(total),
        result_(total) {
    for (Bucket& b : buckets_) {
      b.recvs.assign(size_, nullptr);
      b.incoming.resize(static_cast<size_t>(size_) * (b.length / size_ + 1));
    }
  }

  // After the first `done` kernels of the step: starts the buckets that are final, advances those in flight.
  void after_kernel(size_t done) {
    if (done == 1) begin_step();
    for (size_t b = 0; b < buckets_.size(); ++b) {
      if (buckets_[b].phase == 0 && buckets_[b].readyAfter <= done) start(b);
      advance(b);
    }
  }

  // The step's last kernel: waits for every bucket (at most timeoutMs without progress), writes the averages.
  void finish() {
    if (!broken_.empty()) throw ProgramFailure(broken_);
    if (!begun_) begin_step();
    for (size_t b = 0; b < buckets_.size(); ++b)
      if (buckets_[b].phase == 0) start(b);
    const Clock::time_point waitFrom = Clock::now();
    Clock::time_point lastProgress = waitFrom;
    size_t idle = 0;
    for (;;) {
      bool all = true, moved = false;
      for (size_t b = 0; b < buckets_.size(); ++b) {
        moved = advance(b) || moved;
        all = all && buckets_[b].phase == 3;
      }
      if (all) break;
      if (moved) {
        lastProgress = Clock::now();
        idle = 0;
      } else if (ns_since(lastProgress) > static_cast<uint64_t>(timeoutMs_ * 1e6)) {
        fail();
      } else if (++idle < 200) {
        sched_yield();
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
    }
    const Clock::time_point unpackFrom = Clock::now();
    for (const Bucket& b : buckets_) {
      size_t at = b.offset;
      for (size_t g : b.grads) {
        std::copy(result_.data() + at, result_.data() + at + grads_[g].len, grads_[g].data);
        at += grads_[g].len;
      }
    }
    g_totals.reduceNs += ns_since(unpackFrom);
    g_totals.waitNs +=
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(unpackFrom - waitFrom).count());
    g_totals.exchangeNs +=
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(unpackFrom - firstStart_).count());
    g_totals.steps++;
    begun_ = false;
  }

 private:
  void begin_step() {
    if (!broken_.empty()) throw ProgramFailure(broken_);
    for (Bucket& b : buckets_) b.phase = 0;
    begun_ = true;
    started_ = false;
  }

  size_t chunk_begin(const Bucket& b, int j) const { return b.length * static_cast<size_t>(j) / size_; }
  size_t chunk_length(const Bucket& b, int j) const { return chunk_begin(b, j + 1) - chunk_begin(b, j); }
  int tag(size_t b, int phase) const { return kTagBase + 2 * static_cast<int>(b) + phase - 1; }
  float* slot(Bucket& b, int j) { return b.incoming.data() + static_cast<size_t>(j) * (b.length / size_ + 1); }

  void need(int code, const char* what) {
    if (code != 0) {
      broken_ = std::string("distributed: ") + what + " failed with MPI error code " + std::to_string(code) +
                "; this world cannot be used any more: end the process";
      throw ProgramFailure(broken_);
    }
  }

  // Packs bucket b's gradients and sends chunk j to rank j; receives this rank's chunk from every rank.
  void start(size_t index) {
    Bucket& b = buckets_[index];
    const Clock::time_point t = Clock::now();
    if (!started_) firstStart_ = t;
    started_ = true;
    size_t at = b.offset;
    for (size_t g : b.grads) {
      std::copy(grads_[g].data, grads_[g].data + grads_[g].len, pack_.data() + at);
      at += grads_[g].len;
    }
    g_totals.reduceNs += ns_since(t);
    const int mine = static_cast<int>(chunk_length(b, rank_));
    b.sends.clear();
    for (int j = 0; j < size_; ++j) {
      if (j == rank_) continue;
      need(mpi::irecv_floats(slot(b, j), mine, j, tag(index, 1), &b.recvs[j]), "MPI_Irecv");
      b.sends.push_back(nullptr);
      need(mpi::isend_floats(pack_.data() + b.offset + chunk_begin(b, j), static_cast<int>(chunk_length(b, j)), j,
                             tag(index, 1), &b.sends.back()),
           "MPI_Isend");
    }
    b.phase = 1;
  }

  // MPI_Test on every open request of `requests`; true when all are complete, *moved when one completed now.
  bool test_all(std::vector<mpi::Request>* requests, bool* moved) {
    bool all = true;
    for (mpi::Request& r : *requests) {
      const bool open = r != nullptr;
      int done = 0;
      need(mpi::test(&r, &done), "MPI_Test");
      *moved = *moved || (open && done);
      all = all && done;
    }
    return all;
  }

  // Tests bucket b's requests and moves it on when its receives are in; true when something completed.
  bool advance(size_t index) {
    Bucket& b = buckets_[index];
    if (b.phase == 0 || b.phase == 3) return false;
    bool moved = false;
    const bool recvd = test_all(&b.recvs, &moved);
    const bool sent = test_all(&b.sends, &moved);
    if (b.phase == 1 && recvd) {
      average(index);
      moved = true;
    } else if (b.phase == 2 && recvd && sent) {
      b.phase = 3;
    }
    return moved;
  }

  // avg = float(sum over ranks in rank order, in double, / size) of this rank's chunk; then the exchange of averages.
  void average(size_t index) {
    Bucket& b = buckets_[index];
    const Clock::time_point t = Clock::now();
    const size_t from = b.offset + chunk_begin(b, rank_), n = chunk_length(b, rank_);
    std::vector<const float*> src(size_);
    for (int j = 0; j < size_; ++j) src[j] = j == rank_ ? pack_.data() + from : slot(b, j);
    const double inv = static_cast<double>(size_);
    float* out = result_.data() + from;
    for (size_t i = 0; i < n; ++i) {
      double s = 0;
      for (int j = 0; j < size_; ++j) s += static_cast<double>(src[j][i]);
      out[i] = static_cast<float>(s / inv);
    }
    g_totals.reduceNs += ns_since(t);
    for (int j = 0; j < size_; ++j) {
      if (j == rank_) continue;
      need(mpi::irecv_floats(result_.data() + b.offset + chunk_begin(b, j), static_cast<int>(chunk_length(b, j)), j,
                             tag(index, 2), &b.recvs[j]),
           "MPI_Irecv");
      b.sends.push_back(nullptr);
      need(mpi::isend_floats(out, static_cast<int>(n), j, tag(index, 2), &b.sends.back()), "MPI_Isend");
    }
    b.phase = 2;
  }

  // Past the deadline: names the ranks whose data is missing, abandons every request, breaks the program.
  [[noreturn]] void fail() {
    std::vector<int> missing;
    int phase = 0;
    for (const Bucket& b : buckets_) {
      if (b.phase == 3) continue;
      phase = phase == 0 ? b.phase : std::min(phase, b.phase);
      for (int j = 0; j < size_; ++j)
        if (b.recvs[j] != nullptr && std::find(missing.begin(), missing.end(), j) == missing.end())
          missing.push_back(j);
    }
    std::sort(missing.begin(), missing.end());
    std::string who;
    for (size_t i = 0; i < missing.size(); ++i)
      who += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + std::to_string(missing[i]);
    if (missing.empty()) who = "?";
    for (Bucket& b : buckets_) {
      for (mpi::Request& r : b.recvs) mpi::abandon(&r);
      for (mpi::Request& r : b.sends) mpi::abandon(&r);
    }
    broken_ = "distributed: rank " + who + " sent no " + (phase == 2 ? "averaged " : "") + "gradients to rank " +
              std::to_string(rank_) + " for " + std::to_string(static_cast<long long>(timeoutMs_)) +
              " ms (the timeout: init({ timeoutMs }) or MYELIN_DIST_TIMEOUT_MS): it died, stalled, or left fit early; "
              "this world cannot be used any more: end the process";
    throw ProgramFailure(broken_);
  }

  std::vector<F32> grads_;
  std::vector<Bucket> buckets_;
  int rank_, size_;
  double timeoutMs_;
  std::vector<float> pack_, result_;
  bool begun_ = false, started_ = false;
  Clock::time_point firstStart_;
  std::string broken_;
};

// The buckets of `grads` given the kernel count after which each is final (see the file comment).
std::vector<Bucket> make_buckets(const std::vector<F32>& grads, const std::vector<size_t>& readyAfter,
                                 size_t bucketBytes, size_t* total) {
  std::vector<size_t> order(grads.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return readyAfter[a] != readyAfter[b] ? readyAfter[a] < readyAfter[b] : a > b;
  });
  std::vector<Bucket> buckets;
  *total = 0;
  for (size_t g : order) {
    if (buckets.empty() || buckets.back().length * sizeof(float) >= bucketBytes) {
      buckets.emplace_back();
      buckets.back().offset = *total;
    }
    Bucket& b = buckets.back();
    b.grads.push_back(g);
    b.length += grads[g].len;
    b.readyAfter = std::max(b.readyAfter, readyAfter[g]);
    *total += grads[g].len;
  }
  return buckets;
}

bool overlaps(const MemorySpan& s, const F32& g) {
  const char* a = reinterpret_cast<const char*>(g.data);
  return s.data < a + g.len * sizeof(float) && a < s.data + s.bytes;
}

}  // namespace

Napi::Value AttachGradientSync(const Napi::CallbackInfo& info) {
  const Args args(info, "attachGradientSync", 4);
  if (!mpi::ready()) args.rangeError("MPI is not initialized (call mpiInit first)");
  const ProgramHooks hooks = program_hooks(args, info[0]);
  if (*hooks.attachment) args.rangeError("the program already averages its gradients");
  if (!info[1].IsArray()) args.typeError("grads", "an array of Float32Array");
  const Napi::Array list = info[1].As<Napi::Array>();
  std::vector<napi_value> values(list.Length());
  for (uint32_t i = 0; i < list.Length(); ++i) values[i] = list.Get(i);
  const Args each(args.env(), values.data(), values.size(), "attachGradientSync grads", values.size());
  std::vector<F32> grads;
  for (size_t i = 0; i < values.size(); ++i) grads.push_back(each.f32(i, "grads[i]"));
  const size_t bucketBytes = std::max<size_t>(args.size(2, "bucketBytes"), 1);
  const double timeoutMs = args.value(3).ToNumber().DoubleValue();
  if (!(timeoutMs > 0)) args.rangeError("argument 'timeoutMs' must be a positive number of milliseconds");

  std::vector<size_t> readyAfter(grads.size(), 0);
  const std::vector<std::vector<MemorySpan>>& spans = *hooks.spans;
  for (size_t g = 0; g < grads.size(); ++g)
    for (size_t k = 0; k < spans.size(); ++k)
      for (const MemorySpan& s : spans[k])
        if (overlaps(s, grads[g])) readyAfter[g] = k + 1;
  size_t total = 0;
  std::vector<Bucket> buckets = make_buckets(grads, readyAfter, bucketBytes, &total);
  const size_t count = buckets.size();
  auto sync = std::make_shared<GradientSync>(std::move(grads), std::move(buckets), total, timeoutMs);
  GradientSync* s = sync.get();
  std::vector<Kernel> wrapped;
  wrapped.reserve(hooks.kernels->size() + 1);
  for (size_t k = 0; k < hooks.kernels->size(); ++k) {
    wrapped.push_back([kernel = std::move((*hooks.kernels)[k]), s, k] {
      kernel();
      s->after_kernel(k + 1);
    });
  }
  wrapped.push_back([s] { s->finish(); });
  *hooks.kernels = std::move(wrapped);
  *hooks.attachment = sync;
  return Napi::Number::New(info.Env(), static_cast<double>(count));
}

Napi::Value GradientSyncStats(const Napi::CallbackInfo& info) {
  const bool reset = info.Length() > 0 && info[0].ToBoolean().Value();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("steps", static_cast<double>(g_totals.steps.load()));
  out.Set("waitMs", static_cast<double>(g_totals.waitNs.load()) / 1e6);
  out.Set("reduceMs", static_cast<double>(g_totals.reduceNs.load()) / 1e6);
  out.Set("exchangeMs", static_cast<double>(g_totals.exchangeNs.load()) / 1e6);
  if (reset) g_totals.steps = g_totals.waitNs = g_totals.reduceNs = g_totals.exchangeNs = 0;
  return out;
}

}  // namespace myelin
