/**
 * Mutators of the fuzz run (readers-fuzz.test.ts): from a valid model folder or CSV text, a hostile variant. A
 * seeded xorshift generator makes each run reproducible from its seed.
 */

/** Values that broke readers of this kind elsewhere: sizes, names of inherited properties, wrong types. */
const HOSTILE_VALUES: unknown[] = [
  -1, 0, 1, 3, 2 ** 28, 2 ** 31, 2 ** 53, 1e9, -1e9, 1.5, 1e308, -0, null, true, '', 'constructor', '__proto__',
  'toString', 'F16', 'I64', 'relu', 'softmax', 'adam', [], [0], [1e9], [2 ** 31, 2], [-1, 3], {}, { className: 'Dense' },
  { __proto__: null }, 'x'.repeat(10000),
];

/** CSV fields that are not plain decimals, or sit at a limit. */
const HOSTILE_FIELDS = [
  '', ' ', '"', '""', '"1,2"', '0x10', '0b11', '0o7', '1e39', '-1e39', '3.4028236e38', '1e-50', 'NaN', 'Infinity',
  '-', '+', '.', 'e5', '1e', '1..2', '١', '\u0000', '\ufeff1', '1\r', 'a,b', '\t', '9'.repeat(400),
];

export class Fuzzer {
  private state: number;

  constructor(seed: number) {
    this.state = (seed >>> 0) || 0x9e3779b9;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state % n;
  }

  chance(p: number): boolean {
    return this.int(1 << 20) < p * (1 << 20);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Random byte-level damage: flips, overwrites, truncation, splices of its own bytes, appended junk. */
  bytes(input: Buffer): Buffer {
    let b = Buffer.from(input);
    const edits = 1 + this.int(4);
    for (let e = 0; e < edits && b.length > 0; e++) {
      const at = this.int(b.length);
      switch (this.int(5)) {
        case 0: b[at] ^= 1 << this.int(8); break;
        case 1: b[at] = this.pick([0, 0xff, 0x7f, 0x80, 0x22, 0x5b, 0x7b, 0x30]); break;
        case 2: b = b.subarray(0, at); break;
        case 3: {
          const from = this.int(b.length);
          const len = this.int(Math.min(64, b.length - from) + 1);
          b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)]);
          break;
        }
        default: b = Buffer.concat([b, Buffer.from(Array.from({ length: 1 + this.int(32) }, () => this.int(256)))]);
      }
    }
    return b;
  }

  /** A JSON document with one value, somewhere inside it, replaced by a hostile one (or deleted). */
  json(doc: unknown): unknown {
    const copy = JSON.parse(JSON.stringify(doc));
    const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach((item, i) => { slots.push({ parent: v, key: i }); walk(item); });
      else if (v !== null && typeof v === 'object') {
        for (const [k, item] of Object.entries(v)) { slots.push({ parent: v as Record<string, unknown>, key: k }); walk(item); }
      }
    };
    walk(copy);
    if (slots.length === 0) return copy;
    const { parent, key } = this.pick(slots);
    if (this.chance(0.15) && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
    else if (this.chance(0.05)) (parent as Record<string | number, unknown>)[key] = this.deepArray(1000 + this.int(100000));
    else (parent as Record<string | number, unknown>)[key] = this.pick(HOSTILE_VALUES);
    return copy;
  }

  private deepArray(depth: number): unknown {
    let v: unknown = [1];
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }

  /**
   * A damaged copy of a model folder's files: one of them (model.json, or a safetensors file of weights or
   * optimizer state) edited at the JSON level or at the byte level, or left out.
   */
  modelFolder(files: ReadonlyMap<string, Buffer>): Map<string, Buffer> {
    const out = new Map(files);
    const name = this.pick([...files.keys()]);
    const content = files.get(name) as Buffer;
    const json = name.endsWith('.json');
    switch (this.int(json ? 2 : 3)) {
      case 0: out.set(name, json ? Buffer.from(this.safeStringify(this.json(JSON.parse(content.toString('utf8'))))) : this.safetensors(content)); break;
      case 1: out.set(name, this.bytes(content)); break;
      default: if (this.chance(0.2)) out.delete(name); else out.set(name, this.dataBytes(content));
    }
    return out;
  }

  /** A safetensors file with bytes of its tensor data changed (the header intact): must load, values aside. */
  private dataBytes(file: Buffer): Buffer {
    const b = Buffer.from(file);
    const start = 8 + Number(file.readBigUInt64LE(0));
    if (start >= b.length) return b;
    for (let e = 0; e < 1 + this.int(8); e++) b[start + this.int(b.length - start)] = this.int(256);
    return b;
  }

  /** A safetensors file whose JSON header has one hostile value (length prefix rewritten to match). */
  safetensors(file: Buffer): Buffer {
    const headerLength = Number(file.readBigUInt64LE(0));
    const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8'));
    const text = Buffer.from(this.safeStringify(this.json(header)));
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(this.chance(0.1) ? this.pick([0, 7, text.length + 1, 2 ** 40]) : text.length));
    return Buffer.concat([prefix, text, file.subarray(8 + headerLength)]);
  }

  /** CSV text with hostile fields, ragged rows, damaged bytes or odd line ends. */
  csv(text: string): string {
    const rows = text.split('\n').map((line) => line.split(','));
    const edits = 1 + this.int(3);
    for (let e = 0; e < edits; e++) {
      const row = rows[this.int(rows.length)];
      switch (this.int(5)) {
        case 0: row[this.int(row.length)] = this.pick(HOSTILE_FIELDS); break;
        case 1: row.push(this.pick(HOSTILE_FIELDS)); break;
        case 2: row.pop(); break;
        case 3: rows.push(rows[this.int(rows.length)].slice()); break;
        default: return this.bytes(Buffer.from(rows.map((r) => r.join(',')).join(this.pick(['\n', '\r\n', '\r'])))).toString('utf8');
      }
    }
    return rows.map((r) => r.join(',')).join(this.chance(0.2) ? '\r\n' : '\n');
  }

  /** JSON.stringify that survives the deep arrays `json` plants (a stack overflow writes a truncated document). */
  private safeStringify(v: unknown): string {
    try {
      return JSON.stringify(v);
    } catch {
      return '['.repeat(200000);
    }
  }
}
