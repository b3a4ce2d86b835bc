/** Axis ticks at "nice" values (1, 2 or 5 times a power of ten) and their labels, for the SVG plots. */

/** An axis: its domain (the values at its two ends) and the tick values inside it, both ends included. */
export interface Axis {
  min: number;
  max: number;
  ticks: number[];
  /** Decimals of the tick labels (enough to tell the ticks apart exactly). */
  decimals: number;
}

/** The smallest of 1, 2, 5 times a power of ten that is >= `raw` (> 0). */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/**
 * An axis over the finite values in [lo, hi], about `count` intervals long: step = niceStep((hi - lo) / count)
 * (at least 1 when `integer`), the domain widened to whole steps, ticks at every step. A single value v gets the
 * domain v +- 1 step of |v| / 10 (1 when v is 0, or for integers).
 */
export function niceAxis(lo: number, hi: number, count = 5, integer = false): Axis {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) { lo = 0; hi = 1; }
  if (hi === lo) {
    const pad = integer || lo === 0 ? 1 : Math.abs(lo) / 10;
    lo -= pad;
    hi += pad;
  }
  let step = niceStep((hi - lo) / count);
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const decimals = Math.min(15, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toFixed(decimals)));
  return { min: ticks[0], max: ticks[ticks.length - 1], ticks, decimals };
}

/** The label of tick value `v` on `axis`. */
export function tickLabel(v: number, axis: Axis): string {
  return v.toFixed(axis.decimals);
}
