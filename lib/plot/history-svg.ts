/**
 * A training history drawn as a self-contained SVG (no script, font file or stylesheet): one panel per metric,
 * the training curve solid and the validation curve (`val_<metric>`) dashed, against the epoch (1-based, as the
 * progress lines print it). Points are absolute coordinates; each panel is `<g class="panel" data-metric=...>` with
 * its axes (`<g class="tick" data-value=...>`) and one `<path class="series" data-key=...>` per curve, so the
 * file can be read back by a program as well as by a browser.
 */
import { ValueError, describe } from '../errors';
import { niceAxis, tickLabel, type Axis } from './ticks';

/** A curve: the value of one log key at given epochs (0-based). */
export interface Series {
  key: string;
  epochs: number[];
  values: number[];
}

/** A panel: a metric and its training and validation curves (either may be absent). */
export interface Panel {
  metric: string;
  series: Series[];
}

/** Sizes of the drawing, in SVG user units (pixels). */
export interface SvgSize {
  /** Width of the picture. Default 640. */
  width?: number;
  /** Height of each panel. Default 260. */
  panelHeight?: number;
}

const MARGIN = { left: 72, right: 24, top: 36, bottom: 44 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number): string => String(Math.round(v * 100) / 100);

function sizeOf(v: unknown, name: string, min: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new ValueError(`history.plot: ${name} must be a number >= ${min}, got ${describe(v)}`);
  return v;
}

/** The path data of a curve: `M x y` then `L x y` per point, a new `M` after a non-finite value (a gap). */
function pathData(s: Series, x: (e: number) => number, y: (v: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    if (!Number.isFinite(v)) { pen = false; continue; }
    parts.push(`${pen ? 'L' : 'M'}${fmt(x(s.epochs[i]))} ${fmt(y(v))}`);
    pen = true;
  }
  return parts.join(' ');
}

function axisTicks(axis: Axis, kind: 'x' | 'y', place: (v: number) => number, left: number, right: number, top: number, bottom: number, label: (v: number) => string): string {
  return axis.ticks.map((t) => {
    const p = fmt(place(t));
    const line = kind === 'y'
      ? `<line x1="${left}" y1="${p}" x2="${right}" y2="${p}" stroke="#e0e0e0"/><text x="${left - 6}" y="${p}" text-anchor="end" dominant-baseline="middle">${label(t)}</text>`
      : `<line x1="${p}" y1="${top}" x2="${p}" y2="${bottom}" stroke="#e0e0e0"/><text x="${p}" y="${bottom + 16}" text-anchor="middle">${label(t)}</text>`;
    return `<g class="tick" data-axis="${kind}" data-value="${t}">${line}</g>`;
  }).join('');
}

function panelSvg(panel: Panel, top: number, width: number, height: number, xAxis: Axis): string {
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const plotTop = top + MARGIN.top;
  const bottom = top + height - MARGIN.bottom;
  const finite = panel.series.flatMap((s) => s.values.filter(Number.isFinite));
  const yAxis = niceAxis(Math.min(...finite), Math.max(...finite));
  const x = (e: number) => left + ((e + 1 - xAxis.min) / (xAxis.max - xAxis.min)) * (right - left);
  const y = (v: number) => bottom - ((v - yAxis.min) / (yAxis.max - yAxis.min)) * (bottom - plotTop);
  const out: string[] = [`<g class="panel" data-metric="${escapeXml(panel.metric)}">`];
  out.push(`<text x="${left}" y="${top + 20}" font-weight="bold">${escapeXml(panel.metric)}</text>`);
  out.push(axisTicks(yAxis, 'y', y, left, right, plotTop, bottom, (v) => tickLabel(v, yAxis)));
  out.push(axisTicks(xAxis, 'x', (e) => x(e - 1), left, right, plotTop, bottom, (v) => tickLabel(v, xAxis)));
  out.push(`<rect x="${left}" y="${plotTop}" width="${right - left}" height="${bottom - plotTop}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${(left + right) / 2}" y="${bottom + 34}" text-anchor="middle">epoch</text>`);
  // the legend sits in the title row, right-aligned, so that it never hides a curve
  const entryWidth = (key: string) => 34 + 7 * key.length;
  let lx = right - panel.series.reduce((w, s) => w + entryWidth(s.key), 0);
  panel.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const dash = s.key.startsWith('val_') ? ' stroke-dasharray="6 4"' : '';
    out.push(`<path class="series" data-key="${escapeXml(s.key)}" d="${pathData(s, x, y)}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (let j = 0; j < s.values.length; j++) {
      if (!Number.isFinite(s.values[j])) continue;
      out.push(`<circle cx="${fmt(x(s.epochs[j]))}" cy="${fmt(y(s.values[j]))}" r="2.5" fill="${color}"><title>epoch ${s.epochs[j] + 1}: ${escapeXml(s.key)} = ${s.values[j]}</title></circle>`);
    }
    const ly = top + 16;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 28}" y="${ly}" dominant-baseline="middle">${escapeXml(s.key)}</text>`);
    lx += entryWidth(s.key);
  });
  out.push('</g>');
  return out.join('\n');
}

/** The SVG document of `panels` (at least one, each with a finite value or none). */
export function historySvg(panels: Panel[], size: SvgSize = {}): string {
  const width = sizeOf(size.width, 'width', 200, 640);
  const height = sizeOf(size.panelHeight, 'panelHeight', 120, 260);
  const epochs = panels.flatMap((p) => p.series.flatMap((s) => s.epochs));
  const xAxis = niceAxis(Math.min(...epochs) + 1, Math.max(...epochs) + 1, 8, true);
  const total = height * panels.length;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" font-family="sans-serif" font-size="12">`,
    `<title>Training history: ${escapeXml(panels.map((p) => p.metric).join(', '))}</title>`,
    `<rect width="${width}" height="${total}" fill="white"/>`,
    ...panels.map((p, i) => panelSvg(p, i * height, width, height, xAxis)),
    '</svg>',
    '',
  ].join('\n');
}
