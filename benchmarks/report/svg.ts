/**
 * The SVG bar chart: one panel per workload, one horizontal bar per framework configuration, each panel
 * on its own linear scale (samples/s, longer is better; to-accuracy workloads: seconds to the target,
 * shorter is better). myelin's bars are drawn in a stronger colour.
 */
import type { WorkloadSummary } from './aggregate';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmt(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  if (x >= 100) return x.toFixed(0);
  return x.toPrecision(3);
}

/** The chart as an SVG document. */
export function svgChart(summaries: WorkloadSummary[], title: string): string {
  const width = 760;
  const labelW = 210;
  const barMax = width - labelW - 90;
  const barH = 18;
  const gap = 6;
  const parts: string[] = [];
  let y = 40;
  parts.push(`<text x="12" y="24" font-size="16" font-weight="bold">${esc(title)}</text>`);
  for (const w of summaries) {
    const rows = w.peers.filter((p) => p.runs > 0);
    if (rows.length === 0) continue;
    const toAcc = w.kind === 'to-accuracy';
    const value = (p: (typeof rows)[number]) => (toAcc ? p.seconds : p.samplesPerSecond);
    const max = Math.max(...rows.map(value).filter(Number.isFinite));
    y += 14;
    parts.push(`<text x="12" y="${y}" font-size="13" font-weight="bold">${esc(w.workload)}: ${toAcc ? 'seconds to target test accuracy (shorter is better)' : 'training samples/s (longer is better)'}</text>`);
    y += 8;
    for (const p of rows) {
      const v = value(p);
      const len = Number.isFinite(v) && max > 0 ? Math.max(1, (v / max) * barMax) : 1;
      const mine = p.group.startsWith('myelin');
      const note = p.partial ? ' (partial)' : toAcc && p.reached?.startsWith('0/') ? ' (missed)' : '';
      parts.push(`<text x="${labelW - 8}" y="${y + barH - 5}" font-size="12" text-anchor="end">${esc(p.label)}</text>`);
      parts.push(`<rect x="${labelW}" y="${y}" width="${len.toFixed(1)}" height="${barH}" fill="${mine ? '#d9480f' : '#5c7cfa'}"/>`);
      parts.push(`<text x="${(labelW + len + 6).toFixed(1)}" y="${y + barH - 5}" font-size="12">${fmt(v)}${toAcc ? ' s' : ''}${note}</text>`);
      y += barH + gap;
    }
    y += 10;
  }
  const height = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
