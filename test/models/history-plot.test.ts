/**
 * history.plot: the SVG is parsed back with Python's xml.etree (a parser we did not write); each curve's points are
 * mapped back to (epoch, value) through the axis ticks drawn in the file and compared with history.history.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { IOError, ValueError } from '../../lib/errors';
import { History } from '../../lib/models/history';

interface Tick { axis: 'x' | 'y'; value: number; label: string; at: number }
interface ParsedPanel { metric: string; ticks: Tick[]; series: { key: string; d: string }[] }

/** The panels of an SVG file, read by xml.etree: ticks (value, label, pixel position) and path data per curve. */
function parseSvg(file: string): ParsedPanel[] {
  const code = `
import json, sys, xml.etree.ElementTree as ET
ns = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + 'svg', root.tag
out = []
for g in root.iter(ns + 'g'):
    if g.get('class') != 'panel':
        continue
    ticks = []
    for t in g.iter(ns + 'g'):
        if t.get('class') != 'tick':
            continue
        line = t.find(ns + 'line'); text = t.find(ns + 'text')
        axis = t.get('data-axis')
        ticks.append({'axis': axis, 'value': float(t.get('data-value')), 'label': text.text,
                      'at': float(line.get('y1') if axis == 'y' else line.get('x1'))})
    series = [{'key': p.get('data-key'), 'd': p.get('d')} for p in g.iter(ns + 'path') if p.get('class') == 'series']
    out.append({'metric': g.get('data-metric'), 'ticks': ticks, 'series': series})
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', code, file]).toString()) as ParsedPanel[];
}

/** The linear map pixel -> value given by the first and last tick of an axis (labels checked against values). */
function axisMap(ticks: Tick[], axis: 'x' | 'y'): { invert: (p: number) => number; span: number } {
  const t = ticks.filter((k) => k.axis === axis);
  expect(t.length).toBeGreaterThanOrEqual(2);
  for (const k of t) expect(Number(k.label)).toBeCloseTo(k.value, 12);
  const a = t[0];
  const b = t[t.length - 1];
  return { invert: (p) => a.value + ((p - a.at) * (b.value - a.value)) / (b.at - a.at), span: Math.abs(b.value - a.value) / Math.abs(b.at - a.at) };
}

/** The segments of a path's `M x y L x y ...` data as arrays of [x, y]. */
function segments(d: string): [number, number][][] {
  const out: [number, number][][] = [];
  for (const m of d.matchAll(/([ML])\s*(-?[\d.]+)\s+(-?[\d.]+)/g)) {
    if (m[1] === 'M') out.push([]);
    out[out.length - 1].push([Number(m[2]), Number(m[3])]);
  }
  return out;
}

/** (epoch 0-based, value) points of every curve of a panel, read back through its axes. */
function pointsOf(panel: ParsedPanel): Record<string, { epochs: number[]; values: number[]; pixel: number }> {
  const x = axisMap(panel.ticks, 'x');
  const y = axisMap(panel.ticks, 'y');
  const out: Record<string, { epochs: number[]; values: number[]; pixel: number }> = {};
  for (const s of panel.series) {
    const pts = segments(s.d).flat();
    out[s.key] = { epochs: pts.map(([px]) => Math.round(x.invert(px)) - 1), values: pts.map(([, py]) => y.invert(py)), pixel: y.span };
  }
  return out;
}

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-plot-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the curves of a fit with validation every second epoch read back as history.history', async () => {
  my.setSeed(7);
  const xs = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7)]);
  const ys = xs.map(([a, b]) => (a * b > 0 ? 1 : 0));
  const m = my.sequential([my.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }), my.layers.dense({ units: 1, activation: 'sigmoid' })]);
  m.compile({ optimizer: my.optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const train = my.data.fromArrays(xs.slice(0, 48), ys.slice(0, 48)).batch(16);
  const val = my.data.fromArrays(xs.slice(48), ys.slice(48)).batch(16);
  const h = await m.fit(train, { epochs: 6, validationData: val, validationFreq: 2, verbose: 0 });
  expect(h.history.val_loss).toHaveLength(3);

  const file = path.join(dir, 'history.svg');
  h.plot(file);
  const panels = parseSvg(file);
  expect(panels.map((p) => p.metric)).toEqual(['loss', 'accuracy']);
  for (const panel of panels) {
    const pts = pointsOf(panel);
    expect(Object.keys(pts).sort()).toEqual([panel.metric, `val_${panel.metric}`]);
    expect(pts[panel.metric].epochs).toEqual([0, 1, 2, 3, 4, 5]);
    expect(pts[`val_${panel.metric}`].epochs).toEqual([1, 3, 5]);
    for (const [key, p] of Object.entries(pts)) {
      const want = h.history[key];
      expect(p.values).toHaveLength(want.length);
      // coordinates are written to 0.01 px: the value read back is within one hundredth of a pixel's worth
      p.values.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(0.006 * p.pixel + 1e-9));
    }
  }
  // the same text from toSvg; a chosen metric alone
  expect(fs.readFileSync(file, 'utf8')).toBe(h.toSvg());
  h.plot(file, { metrics: ['accuracy'], width: 400 });
  expect(parseSvg(file).map((p) => p.metric)).toEqual(['accuracy']);
});

test('a non-finite value leaves a gap; hand-made histories, names that need escaping', () => {
  const h = new History();
  const loss = [1, 0.8, NaN, 0.5, 0.25];
  loss.forEach((v, e) => h.record(e, { 'loss<&>': v }));
  const file = path.join(dir, 'gap.svg');
  h.plot(file);
  const [panel] = parseSvg(file);
  expect(panel.metric).toBe('loss<&>');
  expect(segments(panel.series[0].d).map((s) => s.length)).toEqual([2, 2]);
  const p = pointsOf(panel)['loss<&>'];
  expect(p.epochs).toEqual([0, 1, 3, 4]);
  [1, 0.8, 0.5, 0.25].forEach((v, i) => expect(Math.abs(p.values[i] - v)).toBeLessThanOrEqual(0.006 * p.pixel));

  // a single epoch still gets two ticks on each axis
  const one = new History();
  one.record(0, { loss: 0.3 });
  one.plot(file);
  const single = pointsOf(parseSvg(file)[0]).loss;
  expect(single.epochs).toEqual([0]);
  expect(Math.abs(single.values[0] - 0.3)).toBeLessThanOrEqual(0.006 * single.pixel);
});

test('bad input: typed errors that say what to do', () => {
  const h = new History();
  expect(() => h.plot(path.join(dir, 'empty.svg'))).toThrow(new ValueError('history.plot: the history holds no epoch yet; plot it after fit has finished an epoch'));
  h.record(0, { loss: 1, accuracy: 0.5 });
  expect(() => h.plot(path.join(dir, 'a.svg'), { metrics: ['acc'] })).toThrow("history.plot: no values recorded for metric 'acc'; recorded: loss, accuracy");
  expect(() => h.plot(path.join(dir, 'a.svg'), { metric: ['loss'] } as never)).toThrow("history.plot: unknown option 'metric'; did you mean 'metrics'?");
  expect(() => h.plot(path.join(dir, 'a.svg'), { metrics: 'loss' } as never)).toThrow(ValueError);
  expect(() => h.plot(path.join(dir, 'a.svg'), { width: 10 })).toThrow('history.plot: width must be a number >= 200, got 10');
  expect(() => h.plot('' as string)).toThrow(ValueError);
  const missing = path.join(dir, 'no', 'such', 'folder', 'h.svg');
  expect(() => h.plot(missing)).toThrow(IOError);
  expect(() => h.plot(missing)).toThrow(/cannot write .*ENOENT/);
});
