/** native/common/kernel_ids.h and lib/backend/kernel-ids.ts must give every kernel the same number. */
import * as fs from 'fs';
import * as path from 'path';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS } from '../../lib/backend/kernel-ids';

const header = fs.readFileSync(path.join(__dirname, '../../native/common/kernel_ids.h'), 'utf8').replace(/\/\/[^\n]*/g, '');

/** Parses `enum class <name> : int { a = 0, b = 1, ... };` and the matching k<Name>Count constant. */
function parseEnum(name: string): { ids: Record<string, number>; count: number } {
  const body = new RegExp(`enum class ${name} : int \\{([^}]*)\\}`).exec(header)?.[1];
  if (!body) throw new Error(`enum ${name} not found in kernel_ids.h`);
  const ids: Record<string, number> = {};
  for (const m of body.matchAll(/(\w+)\s*=\s*(\d+)/g)) ids[m[1]] = Number(m[2]);
  const count = Number(new RegExp(`k${name}Count = (\\d+)`).exec(header)?.[1]);
  return { ids, count };
}

describe('kernel ids', () => {
  it.each([
    ['UnaryOp', UNARY_OPS],
    ['BinaryOp', BINARY_OPS],
    ['ReduceOp', REDUCE_OPS],
  ] as const)('%s matches lib/backend/kernel-ids.ts', (name, ts) => {
    const { ids, count } = parseEnum(name);
    expect(ids).toEqual({ ...ts });
    expect(count).toBe(Object.keys(ts).length);
  });
});
