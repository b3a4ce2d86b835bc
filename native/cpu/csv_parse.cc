// parseCsvBlockAsync: the numeric rows of a block of CSV lines parsed into float32 buffers on a worker of libuv's
// thread pool, so that fromCsv reads a file while the JavaScript thread and the training jobs work. It follows
// lib/data/csv-block-parser.ts exactly (same values, bit for bit) and stops at the first line it does not handle
// (a quoted field, a field that is not a decimal number or overflows float32, a wrong number of fields): the
// JavaScript parser takes that line (and raises the error that names it), then this one goes on after it.
//   bytes       Uint8Array (a Buffer): the block
//   start, end  the byte range to parse: whole lines, `end` at a line end or the end of the data
//   firstLine   1-based line number of the line at `start`
//   headerLine  line number of the header, skipped (0: none)
//   delimiter   the byte between fields (not a space: runs of whitespace are the JavaScript parser's)
//   offsets     Int32Array, one entry per column: the feature index of its value, or -1 for the target
//   features    values per row in xs
//   xs          Float32Array, row i's features at [i * features, (i + 1) * features)
//   ys          Float32Array of row i's target at [i], or null without a target
//   stop        Float64Array(2), written: the byte and the line number where parsing stopped (end: every line)
// Resolves with the number of rows written.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../common/args.h"
#include "async_job.h"
#include "exports_cpu.h"

namespace myelin {

namespace {

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

inline bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
inline bool is_blank(uint8_t c) { return c == ' ' || c == '\t'; }

// The decimal literal of b[i, end) up to the byte `stop` (spaces and tabs around it allowed), as scanDecimal of
// lib/data/csv-fields.ts computes it: up to 15 significant digits and a power of ten up to 1e22 in one float64
// rounding (the digits gathered as an integer, exact, then converted), longer literals correctly rounded by strtod (as
// Number(text)). Sets *next to the stop byte or end; false when the field is not a decimal literal.
bool scan_decimal(const uint8_t* b, size_t i, size_t end, uint8_t stop, double* value, size_t* next) {
  while (i < end && is_blank(b[i])) ++i;
  const size_t first = i;
  bool negative = false;
  if (i < end && (b[i] == '-' || b[i] == '+')) negative = b[i++] == '-';
  uint64_t m = 0;  // at most 15 significant digits: exact, as the float64 of the TypeScript parser
  int digits = 0, mantissa_digits = 0;
  int64_t scale = 0;
  bool long_literal = false;
  for (; i < end && is_digit(b[i]); ++i, ++mantissa_digits) {
    if (digits < 15) {
      m = m * 10 + (b[i] - '0');
      if (m > 0) ++digits;
    } else {
      ++scale;
      if (b[i] != '0') long_literal = true;
    }
  }
  if (i < end && b[i] == '.') {
    for (++i; i < end && is_digit(b[i]); ++i, ++mantissa_digits) {
      if (digits < 15) {
        m = m * 10 + (b[i] - '0');
        if (m > 0) ++digits;
        --scale;
      } else if (b[i] != '0') {
        long_literal = true;
      }
    }
  }
  if (mantissa_digits == 0) return false;
  if (i < end && (b[i] == 'e' || b[i] == 'E')) {
    ++i;
    bool e_negative = false;
    if (i < end && (b[i] == '-' || b[i] == '+')) e_negative = b[i++] == '-';
    const size_t e_start = i;
    int64_t e = 0;
    for (; i < end && is_digit(b[i]); ++i)
      if (e < 100000) e = e * 10 + (b[i] - '0');
    if (i == e_start) return false;
    scale += e_negative ? -e : e;
  }
  const size_t last = i;
  while (i < end && is_blank(b[i])) ++i;
  if (i < end && b[i] != stop) return false;
  *next = i;
  if (long_literal || scale > 22 || scale < -22) {
    const std::string text(reinterpret_cast<const char*>(b + first), last - first);
    *value = std::strtod(text.c_str(), nullptr);
    return true;
  }
  const double md = static_cast<double>(m);
  const double v = scale >= 0 ? md * kPow10[scale] : md / kPow10[-scale];
  *value = negative ? -v : v;
  return true;
}

// The common literal -?digits[.digits] with at most 15 digits and nothing around it, as the JavaScript parser reads
// it inline (the same value as scan_decimal's); false for anything else.
inline bool plain_decimal(const uint8_t* b, size_t i, size_t end, uint8_t stop, double* value, size_t* next) {
  const bool negative = i < end && b[i] == '-';
  if (negative) ++i;
  uint64_t m = 0;  // exact up to 15 digits (wraps harmlessly beyond, where the literal is refused)
  int digits = 0, scale = 0;
  for (; i < end && is_digit(b[i]); ++i, ++digits) m = m * 10 + (b[i] - '0');
  if (i < end && b[i] == '.') {
    for (++i; i < end && is_digit(b[i]); ++i, ++digits, ++scale) m = m * 10 + (b[i] - '0');
  }
  if (digits == 0 || digits > 15 || (i < end && b[i] != stop)) return false;
  const double v = scale == 0 ? static_cast<double>(m) : static_cast<double>(m) / kPow10[scale];
  *value = negative ? -v : v;
  *next = i;
  return true;
}

struct BlockArgs {
  const uint8_t* bytes;
  size_t start, end;
  double first_line, header_line;
  uint8_t delimiter;
  std::vector<int32_t> offsets;
  size_t features;
  float* xs;
  size_t capacity;  // rows xs (and ys) hold
  float* ys;
  double* stop;
};

class CsvBlockJob final : public StepJob {
 public:
  explicit CsvBlockJob(BlockArgs a) : a_(std::move(a)) {}

  // Parses whole lines until the end or the first line left to the JavaScript parser; returns the rows written.
  size_t run() override {
    const uint8_t* b = a_.bytes;
    const size_t width = a_.offsets.size();
    size_t rows = 0;
    size_t pos = a_.start;
    double line = a_.first_line;
    for (; pos < a_.end; ++line) {
      const void* nl = std::memchr(b + pos, '\n', a_.end - pos);
      const size_t line_end = nl ? static_cast<size_t>(static_cast<const uint8_t*>(nl) - b) : a_.end;
      size_t e = line_end > pos && b[line_end - 1] == '\r' ? line_end - 1 : line_end;
      if (line != a_.header_line && !blank(pos, e)) {
        if (rows == a_.capacity || !parse_row(pos, e, width, rows)) break;
        ++rows;
      }
      pos = line_end + 1;
    }
    if (pos > a_.end) pos = a_.end;
    a_.stop[0] = static_cast<double>(pos);
    a_.stop[1] = line;
    return rows;
  }

 private:
  bool blank(size_t s, size_t e) const {
    for (size_t i = s; i < e; ++i)
      if (!is_blank(a_.bytes[i])) return false;
    return true;
  }

  // Row `row` from b[s, e): false (nothing to trust in the row) for a line the JavaScript parser must take.
  bool parse_row(size_t s, size_t e, size_t width, size_t row) {
    const uint8_t* b = a_.bytes;
    if (std::memchr(b + s, '"', e - s) != nullptr) return false;
    float* x = a_.xs + row * a_.features;
    size_t i = s;
    for (size_t c = 0; c < width; ++c) {
      double v;
      size_t next;
      if (!plain_decimal(b, i, e, a_.delimiter, &v, &next) && !scan_decimal(b, i, e, a_.delimiter, &v, &next))
        return false;
      const float f = static_cast<float>(v);
      if (!std::isfinite(f)) return false;
      const int32_t o = a_.offsets[c];
      if (o >= 0)
        x[o] = f;
      else
        a_.ys[row] = f;
      i = next;
      if (c + 1 < width) {
        if (i >= e) return false;  // too few fields
        ++i;                       // the delimiter
      }
    }
    return i >= e;  // more fields than columns otherwise
  }

  BlockArgs a_;
};

}  // namespace

Napi::Value ParseCsvBlockAsync(const Napi::CallbackInfo& info) {
  Args args(info, "parseCsvBlockAsync", 11);
  napi_typedarray_type type;
  size_t byte_count = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(info.Env(), info[0], &type, &byte_count, &data, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array) {
    args.typeError("bytes", "a Uint8Array or Buffer");
  }
  BlockArgs a;
  a.bytes = static_cast<const uint8_t*>(data);
  a.end = args.size(2, "end", static_cast<double>(byte_count));
  a.start = args.size(1, "start", static_cast<double>(a.end));
  a.first_line = static_cast<double>(args.size(3, "firstLine"));
  a.header_line = static_cast<double>(args.size(4, "headerLine"));
  const size_t d = args.size(5, "delimiter", 255);
  if (d == ' ' || d == '\n' || d == '\r' || d == '"' || d == '.' || d == '-' || d == '+' || is_digit(d))
    args.rangeError("argument 'delimiter' must not be a blank, a quote or a part of a number, got " +
                    std::to_string(d));
  a.delimiter = static_cast<uint8_t>(d);
  const I32 offsets = args.i32(6, "offsets");
  a.features = args.size(7, "features", 1 << 24);
  const F32 xs = args.f32(8, "xs");
  const F32 ys = args.f32OrNull(9, "ys");
  const F64 stop = args.f64(10, "stop");
  if (offsets.len == 0) args.rangeError("argument 'offsets' must name at least one column");
  if (stop.len < 2) args.rangeError("argument 'stop' must hold 2 elements");
  a.capacity = a.features == 0 ? ys.len : xs.len / a.features;
  if (ys.data != nullptr && ys.len < a.capacity) a.capacity = ys.len;
  for (size_t c = 0; c < offsets.len; ++c) {
    const int32_t o = offsets.data[c];
    if (o < -1 || (o >= 0 && static_cast<size_t>(o) >= a.features) || (o == -1 && ys.data == nullptr))
      args.rangeError("offsets[" + std::to_string(c) + "] must be a feature index below " + std::to_string(a.features) +
                      " or -1 (the target, with ys), got " + std::to_string(o));
  }
  a.offsets.assign(offsets.data, offsets.data + offsets.len);
  a.xs = xs.data;
  a.ys = ys.data;
  a.stop = stop.data;
  return run_async(info.Env(), std::make_unique<CsvBlockJob>(std::move(a)), arguments_of(info));
}

}  // namespace myelin
