/** `History.plot` and `History.toSvg`: which curves go in the picture, and writing it to a file. */
import * as fs from 'fs';
import { ValueError, describe } from '../errors';
import { ioCall } from '../io/fs-errors';
import { checkOptions, optionKeys } from '../options/strict';
import { historySvg, type Panel, type Series, type SvgSize } from './history-svg';

/** Options of `history.plot(path, options)` and `history.toSvg(options)`. */
export interface HistoryPlotOptions extends SvgSize {
  /**
   * The metrics to draw, one panel each, by their training name ('loss', 'accuracy'); each panel also draws
   * `val_<name>` when it was recorded. A `val_` name alone draws that curve alone. Default: every recorded key
   * not starting with 'val_' in the order fit logged them (then any `val_` key without its training key).
   */
  metrics?: string[];
}

const PLOT_KEYS = optionKeys<HistoryPlotOptions>({ metrics: true, width: true, panelHeight: true });

/** What the plot reads of a History: per key, its values and the epochs (0-based) they were recorded at. */
export interface RecordedCurves {
  keys(): string[];
  curve(key: string): { epochs: number[]; values: number[] } | null;
}

function panelsOf(h: RecordedCurves, metrics: unknown): Panel[] {
  const keys = h.keys();
  if (keys.length === 0) throw new ValueError('history.plot: the history holds no epoch yet; plot it after fit has finished an epoch');
  let names: string[];
  if (metrics === undefined) {
    names = keys.filter((k) => !k.startsWith('val_'));
    for (const k of keys) if (k.startsWith('val_') && !keys.includes(k.slice(4))) names.push(k);
  } else {
    if (!Array.isArray(metrics) || metrics.length === 0 || metrics.some((m) => typeof m !== 'string')) {
      throw new ValueError(`history.plot: metrics must be a non-empty array of log names, got ${describe(metrics)}`);
    }
    names = metrics as string[];
  }
  return names.map((metric) => {
    const series: Series[] = [];
    for (const key of metric.startsWith('val_') ? [metric] : [metric, `val_${metric}`]) {
      const c = h.curve(key);
      if (c) series.push({ key, ...c });
    }
    if (series.length === 0) throw new ValueError(`history.plot: no values recorded for metric '${metric}'; recorded: ${keys.join(', ')}`);
    return { metric, series };
  });
}

/** The SVG text of the history (see {@link HistoryPlotOptions}). */
export function historyToSvg(h: RecordedCurves, options: HistoryPlotOptions = {}): string {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ValueError(`history.plot: options must be an object, got ${describe(options)}`);
  checkOptions('history.plot', options, PLOT_KEYS);
  return historySvg(panelsOf(h, options.metrics), options);
}

/** Writes the SVG of the history to `path` (replacing the file); an IOError names the path when it cannot. */
export function plotHistory(h: RecordedCurves, path: string, options: HistoryPlotOptions = {}): void {
  if (typeof path !== 'string' || path.length === 0) throw new ValueError(`history.plot: path must be a non-empty string (a .svg file), got ${describe(path)}`);
  const svg = historyToSvg(h, options);
  ioCall('history.plot', 'write', path, () => fs.writeFileSync(path, svg));
}
