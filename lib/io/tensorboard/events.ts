/**
 * TensorBoard's Event protobuf (tensorflow/core/util/event.proto and framework/summary.proto), the fields written:
 *
 * | message        | fields                                                                           |
 * | -------------- | -------------------------------------------------------------------------------- |
 * | Event          | 1 wall_time (double, seconds), 2 step (int64), 3 file_version (string), 5 summary |
 * | Summary        | 1 value (repeated Summary.Value)                                                 |
 * | Summary.Value  | 1 tag, 2 simple_value (float), 5 histo (HistogramProto)                          |
 * | HistogramProto | 1 min, 2 max, 3 num, 4 sum, 5 sum_squares, 6 bucket_limit, 7 bucket (packed doubles) |
 *
 * A histogram bucket i counts the values in (bucket_limit[i - 1], bucket_limit[i]], the first from `min`.
 */
import * as fs from 'fs';
import { ProtoReader } from '../protobuf/reader';
import { ProtoWriter } from '../protobuf/writer';
import { decodeRecords } from './records';

/** A histogram of values (HistogramProto). */
export interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

/** One summary value: a scalar or a histogram, under `tag`. */
export type SummaryValue = { tag: string; simpleValue: number } | { tag: string; histo: Histogram };

/** One event: the first of a file carries `fileVersion`, the others a summary. */
export interface TensorBoardEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  summary?: SummaryValue[];
}

/**
 * The histogram of `values` in `buckets` equal-width buckets between their min and max (one bucket when all are
 * equal), as tf.summary.histogram makes them.
 */
export function histogramOf(values: ArrayLike<number>, buckets = 30): Histogram {
  let min = Infinity; let max = -Infinity; let sum = 0; let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  if (values.length === 0) return { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  const k = max > min ? buckets : 1;
  const width = (max - min) / k;
  const bucket = new Array<number>(k).fill(0);
  for (let i = 0; i < values.length; i++) bucket[Math.min(k - 1, width > 0 ? Math.floor((values[i] - min) / width) : 0)]++;
  const bucketLimit = bucket.map((_, i) => (i === k - 1 ? max : min + (i + 1) * width));
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}

/** The Event protobuf bytes of `e`. */
export function encodeEvent(e: TensorBoardEvent): Uint8Array {
  const w = new ProtoWriter().double(1, e.wallTime).varint(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion);
  if (e.summary) {
    w.message(5, (s) => {
      for (const v of e.summary as SummaryValue[]) {
        s.message(1, (m) => {
          m.string(1, v.tag);
          if ('simpleValue' in v) m.float(2, v.simpleValue);
          else {
            const h = v.histo;
            m.message(5, (p) => p.double(1, h.min).double(2, h.max).double(3, h.num).double(4, h.sum).double(5, h.sumSquares)
              .packedDoubles(6, h.bucketLimit).packedDoubles(7, h.bucket));
          }
        });
      }
    });
  }
  return w.finish();
}

function decodeHistogram(r: ProtoReader): Histogram {
  const h: Histogram = { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  const keys = ['min', 'max', 'num', 'sum', 'sumSquares'] as const;
  for (let f = r.next(); f; f = r.next()) {
    if (f.field >= 1 && f.field <= 5) h[keys[f.field - 1]] = r.double(f);
    else if (f.field === 6) h.bucketLimit.push(...r.doubles(f));
    else if (f.field === 7) h.bucket.push(...r.doubles(f));
    else r.skip(f);
  }
  return h;
}

/** Decodes one Event (fields above; others skipped). @throws ModelFormatError for malformed bytes. */
export function decodeEvent(bytes: Uint8Array): TensorBoardEvent {
  const r = new ProtoReader(bytes, 'tensorboard Event');
  const e: TensorBoardEvent = { wallTime: 0, step: 0 };
  for (let f = r.next(); f; f = r.next()) {
    if (f.field === 1) e.wallTime = r.double(f);
    else if (f.field === 2) e.step = Number(r.int64(f));
    else if (f.field === 3) e.fileVersion = r.string(f);
    else if (f.field === 5) {
      const s = r.message(f, 'Summary');
      e.summary = [];
      for (let g = s.next(); g; g = s.next()) {
        if (g.field !== 1) { s.skip(g); continue; }
        const v = s.message(g, 'Value');
        let tag = '';
        let value: number | Histogram | null = null;
        for (let h = v.next(); h; h = v.next()) {
          if (h.field === 1) tag = v.string(h);
          else if (h.field === 2) value = v.float(h);
          else if (h.field === 5) value = decodeHistogram(v.message(h, 'HistogramProto'));
          else v.skip(h);
        }
        if (typeof value === 'number') e.summary.push({ tag, simpleValue: value });
        else if (value) e.summary.push({ tag, histo: value });
      }
    } else r.skip(f);
  }
  return e;
}

/**
 * Every event of a TensorBoard event file, in order, both CRCs of each record checked.
 * @throws ModelFormatError for a corrupt file.
 */
export function readEventFile(file: string): TensorBoardEvent[] {
  return decodeRecords(new Uint8Array(fs.readFileSync(file)), file).map(decodeEvent);
}
