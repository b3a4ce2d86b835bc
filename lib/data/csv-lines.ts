/** Streaming the lines of a (gzip-compressed or plain) text file in blocks of whole lines, never the whole file. */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { ValueError, describe } from '../errors';
import { openRegularFile } from '../io/safe-read';

/** A block of whole lines of the file: bytes [0, end) of `bytes`, its first line being line `firstLine` (1-based). */
export interface LineBlock {
  bytes: Buffer;
  end: number;
  firstLine: number;
  /** Number of lines in the block. */
  lines: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Reads `path` in blocks of about `blockBytes` (default 1 MiB) and yields blocks that end at a line end (the last
 * one at the end of the file), gunzipping a file that ends in .gz or starts with the gzip magic bytes. Memory use
 * is about two blocks plus the longest line, whatever the file's size. Stopping early closes the file.
 * @throws ValueError for a path that is not a readable regular file (FIFOs, devices and folders are refused) or
 *   invalid gzip data.
 */
export async function* lineBlocks(path: string, blockBytes = 1 << 20, op = 'fromCsv'): AsyncGenerator<LineBlock, undefined> {
  if (typeof path !== 'string' || path === '') throw new ValueError(`${op}: path must be a non-empty string, got ${describe(path)}`);
  const f = openRegularFile(path, 'file', { followLinks: true, error: (m: string) => new ValueError(`${op}: ${m}`) });
  const head = Buffer.alloc(2);
  const got = fs.readSync(f.fd, head, 0, 2, 0);
  const gzip = path.endsWith('.gz') || (got === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]);
  if (!gzip) {
    yield* wholeLines(plainPieces(f.fd, blockBytes));
    return undefined;
  }
  const file = fs.createReadStream('', { fd: f.fd, highWaterMark: blockBytes, autoClose: true, start: 0 });
  const stream = file.pipe(zlib.createGunzip({ chunkSize: Math.min(blockBytes, 1 << 20) }));
  try {
    yield* wholeLines(stream as AsyncIterable<Buffer>);
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('Z_')) throw new ValueError(`${op}: ${JSON.stringify(path)} is not valid gzip: ${(err as Error).message}`);
    throw err;
  } finally {
    file.destroy();
    stream.destroy();
  }
  return undefined;
}

/**
 * The bytes of the open file `fd` in pieces of up to `blockBytes`, read into two buffers in turn: the next piece is
 * read while the consumer works on the last one, which stays valid until the consumer asks for the next. Closes fd.
 */
async function* plainPieces(fd: number, blockBytes: number): AsyncGenerator<Buffer, undefined> {
  const buffers = [Buffer.allocUnsafe(blockBytes), Buffer.allocUnsafe(blockBytes)];
  const read = (buffer: Buffer, position: number) => new Promise<number>((resolve, reject) => {
    fs.read(fd, buffer, 0, blockBytes, position, (err, n) => (err ? reject(err) : resolve(n)));
  });
  let position = 0;
  let k = 0;
  let pending: Promise<number> = read(buffers[0], 0);
  try {
    for (;;) {
      const n = await pending;
      if (n === 0) return undefined;
      position += n;
      const piece = buffers[k].subarray(0, n);
      k ^= 1;
      pending = read(buffers[k], position);
      yield piece;
    }
  } finally {
    await pending.catch(() => 0);  // the read-ahead finishes before the file closes
    fs.closeSync(fd);
  }
}

/**
 * Blocks of whole lines from pieces of a byte stream: a piece up to its last line end (no copy), the line cut at
 * its end joined with the start of the next piece. A piece must stay valid until the next is asked for.
 */
async function* wholeLines(pieces: AsyncIterable<Buffer>): AsyncGenerator<LineBlock, undefined> {
  let carry: Buffer | null = null;
  let line = 1;
  for await (const read of pieces) {
    let piece = read;
    if (carry !== null) {
      // The line cut at the end of the last piece: joined with its rest alone (no copy of the whole piece).
      const nl = piece.indexOf(10);
      if (nl < 0) { carry = Buffer.concat([carry, piece]); continue; }
      const joined = Buffer.concat([carry, piece.subarray(0, nl + 1)]);
      yield { bytes: joined, end: joined.length, firstLine: line, lines: 1 };
      line += 1;
      piece = piece.subarray(nl + 1);
    }
    const last = piece.lastIndexOf(10);
    if (last < 0) { carry = piece.length > 0 ? Buffer.from(piece) : null; continue; }
    const end = last + 1;
    carry = end < piece.length ? Buffer.from(piece.subarray(end)) : null;
    const lines = countNewlines(piece, end);
    yield { bytes: piece, end, firstLine: line, lines };
    line += lines;
  }
  if (carry !== null && carry.length > 0) yield { bytes: carry, end: carry.length, firstLine: line, lines: 1 };
  return undefined;
}

function countNewlines(b: Buffer, end: number): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0 && i < end; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** Calls `fn(start, end, lineNumber)` for each line of the block, without its line end (\n or \r\n). */
export function forEachLine(block: LineBlock, fn: (start: number, end: number, line: number) => void): void {
  const b = block.bytes;
  let start = 0;
  let line = block.firstLine;
  while (start < block.end) {
    let nl = b.indexOf(10, start);
    if (nl < 0 || nl >= block.end) nl = block.end;
    const end = nl > start && b[nl - 1] === 13 ? nl - 1 : nl;
    fn(start, end, line);
    start = nl + 1;
    line++;
  }
}
