/**
 * Small pure SVG plot helpers for the run report (and anything else that wants a
 * static chart): a Pareto scatter with a constraint line, a line chart for
 * training curves, a confusion-matrix heatmap and horizontal bars.
 *
 * Each returns one inline `<svg>` element as text: no scripts, no external
 * references (no xmlns needed inside HTML), every label escaped, tooltips as
 * `<title>`. Sizes are in user units; the element scales to its container via
 * `viewBox`. This is deliberately not a charting library: fixed layouts, no
 * interaction, just what a run report needs.
 */
import { esc } from './format.js';

export const PALETTE = {
  ink: '#1f2933',
  muted: '#616e7c',
  grid: '#e4e7eb',
  axis: '#9aa5b1',
  trained: '#52709c',
  front: '#e07a10',
  chosen: '#111827',
  infeasible: '#9aa5b1',
  failed: '#c2410c',
  limit: '#c53030',
  good: '#1f6f8b',
  series: ['#1f6f8b', '#e07a10', '#7b4fa0', '#c53030', '#2f855a', '#b83280', '#8a6d1e', '#3b5bdb'],
} as const;

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const r1 = (v: number): string => String(Math.round(v * 10) / 10);
const textWidth = (s: string, size: number): number => s.length * size * 0.56;

function svgOpen(w: number, h: number, label: string): string {
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(label)}" font-family="${FONT}" font-size="11" fill="${PALETTE.ink}">`;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${r1(x)}" y="${r1(y)}"${attrs ? ' ' + attrs : ''}>${esc(s)}</text>`;
}

function ellipsize(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, Math.max(1, max - 1)) + '…';
}

// ---------------------------------------------------------------------------
// Scales and ticks

export type ScaleKind = 'linear' | 'log2' | 'log10';

interface Scale {
  readonly lo: number;
  readonly hi: number;
  readonly ticks: readonly number[];
  /** Domain value → fraction of the axis in [0, 1]. */
  at(v: number): number;
}

/** "Nice" linear ticks (steps of 1, 2, 2.5 or 5 × 10^k) covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = 0; k <= 50 && (first + k) * step <= hi + step * 1e-9; k++) out.push(Number(((first + k) * step).toPrecision(12)));
  return out;
}

function logTicks(lo: number, hi: number, kind: 'log2' | 'log10'): number[] {
  const out: number[] = [];
  if (kind === 'log2') {
    for (let e = Math.ceil(Math.log2(lo)); 2 ** e <= hi && out.length < 64; e++) out.push(2 ** e);
    if (out.length > 7) {
      const stride = Math.ceil(out.length / 6);
      // keep ticks aligned to even exponents so labels stay round (1, 4, 16 KiB …)
      return out.filter((v) => Math.round(Math.log2(v)) % stride === 0);
    }
    return out;
  }
  for (let e = Math.floor(Math.log10(lo)); 10 ** e <= hi && out.length < 64; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(Number(v.toPrecision(6)));
    }
  }
  return out.length > 8 ? out.filter((v) => /^1|^5/.test(v.toExponential())) : out;
}

function makeScale(values: readonly number[], kind: ScaleKind, clamp?: readonly [number, number]): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (kind === 'linear' || v > 0));
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (kind !== 'linear' && (!finite.length || hi / lo < 4)) kind = 'linear';
  if (kind === 'linear') {
    const span = hi - lo || Math.abs(hi) || 1;
    lo -= span * 0.06;
    hi += span * 0.06;
    if (clamp) { lo = Math.max(clamp[0], lo); hi = Math.min(clamp[1], hi); }
    if (!(hi > lo)) hi = lo + 1;
    const ticks = linearTicks(lo, hi, 5);
    const [l, h] = [lo, hi];
    return { lo, hi, ticks, at: (v) => (v - l) / (h - l) };
  }
  lo /= 1.35;
  hi *= 1.35;
  let ticks = logTicks(lo, hi, kind);
  if (ticks.length < 2) ticks = logTicks(lo, hi, 'log10');
  const [L, H] = [Math.log(lo), Math.log(hi)];
  return { lo, hi, ticks, at: (v) => (Math.log(Math.max(v, lo)) - L) / (H - L) };
}

// ---------------------------------------------------------------------------
// Scatter

export interface ScatterPoint {
  readonly x: number;
  /** null: never trained (infeasible or failed); drawn in the strip under the plot at its estimated x. */
  readonly y: number | null;
  readonly kind: 'trained' | 'pruned' | 'front' | 'infeasible' | 'failed';
  readonly chosen?: boolean;
  /** Tooltip text. */
  readonly title: string;
}

export interface ScatterOptions {
  readonly width?: number;
  readonly height?: number;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xScale?: ScaleKind;
  readonly xFormat: (v: number) => string;
  readonly yFormat: (v: number) => string;
  /** Keep the y axis inside this range (e.g. [0, 1] for accuracy). */
  readonly yClamp?: readonly [number, number];
  /** A constraint on x, drawn as a vertical line with the region beyond it shaded. */
  readonly limit?: { readonly x: number; readonly label: string } | null;
  /** Draw the 2-D staircase (max y, min x) through the fully trained points (not the pruned ones). */
  readonly staircase?: boolean;
}

/** Accuracy-vs-cost scatter with axes, ticks, labels, a constraint line and a "not trained" strip. */
export function scatter(points: readonly ScatterPoint[], o: ScatterOptions): string {
  const W = o.width ?? 400;
  const H = o.height ?? 300;
  const untrained = points.filter((p) => p.y === null);
  const strip = untrained.length > 0 ? 16 : 0;
  const m = { l: 58, r: 14, t: 20, b: 40 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b - (strip ? strip + 4 : 0);
  const xs = points.map((p) => p.x).concat(o.limit ? [o.limit.x] : []);
  const ys = points.flatMap((p) => (p.y === null ? [] : [p.y]));
  const sx = makeScale(xs, o.xScale ?? 'linear');
  const sy = makeScale(ys.length ? ys : [0, 1], 'linear', o.yClamp);
  const X = (v: number): number => m.l + sx.at(v) * pw;
  const Y = (v: number): number => m.t + (1 - sy.at(v)) * ph;
  const base = m.t + ph + (strip ? strip + 4 : 0);
  const out: string[] = [svgOpen(W, H, `${o.yLabel} vs ${o.xLabel}`)];

  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${r1(ph)}" fill="#fff"/>`);
  if (o.limit && Number.isFinite(o.limit.x)) {
    const lx = X(o.limit.x);
    if (lx < m.l + pw) out.push(`<rect x="${r1(lx)}" y="${m.t}" width="${r1(m.l + pw - lx)}" height="${r1(base - m.t)}" fill="${PALETTE.limit}" fill-opacity="0.05"/>`);
  }
  for (const t of sy.ticks) {
    const y = Y(t);
    out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${r1(y)}" y2="${r1(y)}" stroke="${PALETTE.grid}"/>`);
    out.push(text(m.l - 6, y + 3.5, o.yFormat(t), `text-anchor="end" fill="${PALETTE.muted}"`));
  }
  for (const t of sx.ticks) {
    const x = X(t);
    if (x < m.l - 0.5 || x > m.l + pw + 0.5) continue;
    out.push(`<line x1="${r1(x)}" x2="${r1(x)}" y1="${m.t}" y2="${r1(base)}" stroke="${PALETTE.grid}"/>`);
    out.push(`<line x1="${r1(x)}" x2="${r1(x)}" y1="${r1(base)}" y2="${r1(base + 4)}" stroke="${PALETTE.axis}"/>`);
    out.push(text(x, base + 15, o.xFormat(t), `text-anchor="middle" fill="${PALETTE.muted}"`));
  }
  if (strip) {
    const sy0 = m.t + ph + 4;
    out.push(`<rect x="${m.l}" y="${r1(sy0)}" width="${pw}" height="${strip}" fill="#f5f7fa"/>`);
    out.push(text(m.l - 6, sy0 + strip / 2 + 3, 'untrained', `text-anchor="end" font-size="9" fill="${PALETTE.muted}"`));
  }
  out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${r1(base)}" y2="${r1(base)}" stroke="${PALETTE.axis}"/>`);
  out.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${r1(base)}" stroke="${PALETTE.axis}"/>`);
  out.push(text(m.l + pw / 2, H - 6, o.xLabel, `text-anchor="middle" font-weight="600"`));
  out.push(text(0, 0, o.yLabel, `transform="translate(12 ${r1(m.t + ph / 2)}) rotate(-90)" text-anchor="middle" font-weight="600"`));

  if (o.limit && Number.isFinite(o.limit.x)) {
    const lx = X(o.limit.x);
    out.push(`<line x1="${r1(lx)}" x2="${r1(lx)}" y1="${m.t}" y2="${r1(base)}" stroke="${PALETTE.limit}" stroke-width="1.5" stroke-dasharray="5 3"/>`);
    // the label sits above the plot area, so it never hides a point
    const right = lx + textWidth(o.limit.label, 10) / 2 < W - 2;
    const left = lx - textWidth(o.limit.label, 10) / 2 > 2;
    const anchor = right && left ? 'middle' : right ? 'start' : 'end';
    out.push(`<line x1="${r1(lx)}" x2="${r1(lx)}" y1="${m.t - 4}" y2="${m.t}" stroke="${PALETTE.limit}" stroke-width="1.5"/>`);
    out.push(text(lx, m.t - 7, o.limit.label, `text-anchor="${anchor}" font-size="10" font-weight="600" fill="${PALETTE.limit}"`));
  }

  if (!ys.length) out.push(text(m.l + pw / 2, m.t + ph / 2, 'no trained candidates', `text-anchor="middle" fill="${PALETTE.muted}"`));
  const sy0 = m.t + ph + 4;
  const tip = (p: ScatterPoint): string => `<title>${esc(p.title)}</title>`;
  for (const p of untrained) {
    const x = X(p.x);
    const c = p.kind === 'failed' ? PALETTE.failed : PALETTE.infeasible;
    const yc = sy0 + strip / 2;
    out.push(`<g stroke="${c}" stroke-opacity="${p.kind === 'failed' ? 0.9 : 0.6}" stroke-width="1.3">${tip(p)}<line x1="${r1(x - 3)}" y1="${r1(yc - 3)}" x2="${r1(x + 3)}" y2="${r1(yc + 3)}"/><line x1="${r1(x - 3)}" y1="${r1(yc + 3)}" x2="${r1(x + 3)}" y2="${r1(yc - 3)}"/></g>`);
  }
  const trained = points.filter((p) => p.y !== null) as (ScatterPoint & { y: number })[];
  for (const p of trained.filter((q) => q.kind === 'pruned')) {
    out.push(`<circle cx="${r1(X(p.x))}" cy="${r1(Y(p.y))}" r="3" fill="#fff" stroke="${PALETTE.trained}" stroke-opacity="0.7">${tip(p)}</circle>`);
  }
  for (const p of trained.filter((q) => q.kind === 'trained')) {
    out.push(`<circle cx="${r1(X(p.x))}" cy="${r1(Y(p.y))}" r="3.6" fill="${PALETTE.trained}" fill-opacity="0.8">${tip(p)}</circle>`);
  }
  const full = trained.filter((q) => q.kind === 'trained' || q.kind === 'front');
  if (o.staircase && full.length) {
    const sorted = [...full].sort((a, b) => a.x - b.x || b.y - a.y);
    const stair: (readonly [number, number])[] = [];
    let best = -Infinity;
    for (const p of sorted) if (p.y > best) { best = p.y; stair.push([X(p.x), Y(p.y)]); }
    let d = `M${r1(stair[0]![0])} ${r1(stair[0]![1])}`;
    for (let i = 1; i < stair.length; i++) d += ` H${r1(stair[i]![0])} V${r1(stair[i]![1])}`;
    d += ` H${m.l + pw}`;
    out.push(`<path d="${d}" fill="none" stroke="${PALETTE.front}" stroke-opacity="0.55" stroke-width="1.2" stroke-dasharray="3 2"/>`);
  }
  for (const p of trained.filter((q) => q.kind === 'front')) {
    out.push(`<circle cx="${r1(X(p.x))}" cy="${r1(Y(p.y))}" r="5" fill="${PALETTE.front}" stroke="#fff" stroke-width="1.2">${tip(p)}</circle>`);
  }
  for (const p of points.filter((q) => q.chosen)) {
    const cx = X(p.x);
    const cy = p.y === null ? sy0 + strip / 2 : Y(p.y);
    out.push(`<circle cx="${r1(cx)}" cy="${r1(cy)}" r="8.5" fill="none" stroke="${PALETTE.chosen}" stroke-width="1.6">${tip(p)}</circle>`);
    // left of the ring at its own height: the 2-D front leaves that space empty
    const left = cx - 11 - 36 > m.l;
    out.push(text(left ? cx - 11 : cx + 11, cy + 3.5, 'chosen', `text-anchor="${left ? 'end' : 'start'}" font-size="10" font-weight="700"`));
  }
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------
// Line chart

export interface LineSeries {
  readonly name: string;
  readonly color: string;
  /** [x, y] pairs; points with a null y are skipped (the line breaks there). */
  readonly points: readonly (readonly [number, number | null])[];
  readonly dashed?: boolean;
  /** Drawn thicker, on top (e.g. the chosen model). */
  readonly bold?: boolean;
}

export interface LineChartOptions {
  readonly width?: number;
  readonly height?: number;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xFormat?: (v: number) => string;
  readonly yFormat: (v: number) => string;
  readonly yClamp?: readonly [number, number];
}

/** Curves over a shared x axis (e.g. validation accuracy per epoch). */
export function lineChart(series: readonly LineSeries[], o: LineChartOptions): string {
  const W = o.width ?? 560;
  const H = o.height ?? 260;
  const m = { l: 50, r: 14, t: 12, b: 38 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const pts = series.flatMap((s) => s.points);
  const xs = pts.map((p) => p[0]);
  const ys = pts.flatMap((p) => (p[1] === null ? [] : [p[1]]));
  const xlo = xs.length ? Math.min(...xs) : 0;
  const xhi = xs.length ? Math.max(...xs) : 1;
  const xSpan = xhi > xlo ? xhi - xlo : 1;
  const xTicks = linearTicks(xlo, xlo + xSpan, 6).filter((t) => t >= xlo && t <= xlo + xSpan && (xSpan < 6 || Number.isInteger(t)));
  const sy = makeScale(ys.length ? ys : [0, 1], 'linear', o.yClamp);
  const X = (v: number): number => m.l + ((v - xlo) / xSpan) * pw;
  const Y = (v: number): number => m.t + (1 - sy.at(v)) * ph;
  const xf = o.xFormat ?? ((v: number) => String(v));
  const out: string[] = [svgOpen(W, H, `${o.yLabel} vs ${o.xLabel}`)];
  for (const t of sy.ticks) {
    out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${r1(Y(t))}" y2="${r1(Y(t))}" stroke="${PALETTE.grid}"/>`);
    out.push(text(m.l - 6, Y(t) + 3.5, o.yFormat(t), `text-anchor="end" fill="${PALETTE.muted}"`));
  }
  for (const t of xTicks) {
    out.push(`<line x1="${r1(X(t))}" x2="${r1(X(t))}" y1="${m.t + ph}" y2="${m.t + ph + 4}" stroke="${PALETTE.axis}"/>`);
    out.push(text(X(t), m.t + ph + 15, xf(t), `text-anchor="middle" fill="${PALETTE.muted}"`));
  }
  out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${m.t + ph}" y2="${m.t + ph}" stroke="${PALETTE.axis}"/>`);
  out.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + ph}" stroke="${PALETTE.axis}"/>`);
  out.push(text(m.l + pw / 2, H - 5, o.xLabel, `text-anchor="middle" font-weight="600"`));
  out.push(text(0, 0, o.yLabel, `transform="translate(12 ${r1(m.t + ph / 2)}) rotate(-90)" text-anchor="middle" font-weight="600"`));
  for (const s of [...series].sort((a, b) => Number(!!a.bold) - Number(!!b.bold))) {
    const segs: string[] = [];
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null || !Number.isFinite(y)) { pen = false; continue; }
      segs.push(`${pen ? 'L' : 'M'}${r1(X(x))} ${r1(Y(y))}`);
      pen = true;
    }
    if (!segs.length) continue;
    out.push(`<g><title>${esc(s.name)}</title><path d="${segs.join(' ')}" fill="none" stroke="${s.color}" stroke-width="${s.bold ? 2.8 : 1.6}" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    for (const [x, y] of s.points) {
      if (y !== null && Number.isFinite(y)) out.push(`<circle cx="${r1(X(x))}" cy="${r1(Y(y))}" r="${s.bold ? 2.4 : 1.8}" fill="${s.color}"/>`);
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------
// Heatmap

export interface HeatmapOptions {
  readonly cell?: number;
  readonly rowLabel?: string;
  readonly colLabel?: string;
}

/**
 * Confusion matrix: rows are true classes, columns predictions. Colour is the
 * fraction of the row (diagonal in blue, errors in orange, so confusions stand
 * out); each cell prints its count; a last column gives per-row recall.
 */
export function heatmap(matrix: readonly (readonly number[])[], labels: readonly string[], o: HeatmapOptions = {}): string {
  const n = matrix.length;
  const cell = o.cell ?? (n <= 10 ? 44 : n <= 20 ? 28 : 18);
  const fs = cell >= 40 ? 11 : cell >= 26 ? 9 : 7;
  const name = (i: number): string => labels[i] ?? String(i);
  const short = (i: number): string => ellipsize(name(i), 14);
  const labW = Math.ceil(Math.min(110, Math.max(...Array.from({ length: n }, (_, i) => textWidth(short(i), 11)), 20)) + 10);
  const colLabH = Math.ceil(Math.min(90, labW * 0.72) + 8);
  const m = { l: 22 + labW, t: 24 + colLabH, r: 64, b: 10 };
  const W = m.l + n * cell + m.r;
  const H = m.t + n * cell + m.b;
  const rowSum = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  let maxOff = 0;
  matrix.forEach((r, i) => r.forEach((v, j) => { if (i !== j && rowSum[i]! > 0) maxOff = Math.max(maxOff, v / rowSum[i]!); }));
  const out: string[] = [svgOpen(W, H, 'confusion matrix')];
  out.push(text(m.l + (n * cell) / 2, 12, o.colLabel ?? 'predicted', `text-anchor="middle" font-weight="600"`));
  out.push(text(0, 0, o.rowLabel ?? 'true', `transform="translate(12 ${r1(m.t + (n * cell) / 2)}) rotate(-90)" text-anchor="middle" font-weight="600"`));
  for (let j = 0; j < n; j++) {
    const x = m.l + j * cell + cell / 2 + 3;
    out.push(`<text transform="translate(${r1(x)} ${m.t - 6}) rotate(-45)" fill="${PALETTE.muted}"><title>${esc(name(j))}</title>${esc(short(j))}</text>`);
  }
  for (let i = 0; i < n; i++) {
    const y = m.t + i * cell;
    out.push(`<text x="${m.l - 6}" y="${r1(y + cell / 2 + 4)}" text-anchor="end" fill="${PALETTE.muted}"><title>${esc(name(i))}</title>${esc(short(i))}</text>`);
    for (let j = 0; j < n; j++) {
      const v = matrix[i]![j] ?? 0;
      const f = rowSum[i]! > 0 ? v / rowSum[i]! : 0;
      const diag = i === j;
      const a = diag ? f : maxOff > 0 ? Math.min(1, f / maxOff) * 0.85 : 0;
      const fill = v === 0 ? '#f7f8fa' : diag ? mix('#eef4f8', '#15577a', a) : mix('#fff7ed', '#c2410c', a);
      const dark = diag ? a > 0.5 : a > 0.6;
      out.push(`<rect x="${m.l + j * cell}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="${fill}"><title>${esc(`true ${name(i)} → predicted ${name(j)}: ${v} (${(f * 100).toFixed(1)}% of row)`)}</title></rect>`);
      if (v > 0) out.push(text(m.l + j * cell + (cell - 1) / 2, y + cell / 2 + fs / 2 - 1, String(v), `text-anchor="middle" font-size="${fs}" fill="${dark ? '#fff' : PALETTE.ink}"`));
    }
    const recall = rowSum[i]! > 0 ? (matrix[i]![i] ?? 0) / rowSum[i]! : NaN;
    out.push(text(m.l + n * cell + 8, y + cell / 2 + 4, Number.isFinite(recall) ? `${(recall * 100).toFixed(1)}%` : '—', `fill="${PALETTE.muted}"`));
  }
  out.push(text(m.l + n * cell + 8, m.t - 6, 'recall', `font-weight="600" fill="${PALETTE.muted}"`));
  out.push('</svg>');
  return out.join('');
}

/** Linear blend of two #rrggbb colours, t in [0, 1]. */
function mix(a: string, b: string, t: number): string {
  const p = (c: string, k: number): number => parseInt(c.slice(1 + 2 * k, 3 + 2 * k), 16);
  const c = [0, 1, 2].map((k) => Math.round(p(a, k) + (p(b, k) - p(a, k)) * Math.max(0, Math.min(1, t))));
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

// ---------------------------------------------------------------------------
// Horizontal bars

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Printed after the bar; defaults to the value. */
  readonly text?: string;
  /** Drawn in the accent colour (e.g. the layer holding the peak). */
  readonly highlight?: boolean;
  readonly title?: string;
}

export interface BarOptions {
  readonly width?: number;
  readonly title: string;
  readonly color?: string;
  readonly accent?: string;
  readonly labelWidth?: number;
  readonly row?: number;
}

/** One horizontal bar per row (e.g. per layer), scaled to the largest value. */
export function hbars(bars: readonly Bar[], o: BarOptions): string {
  const W = o.width ?? 360;
  const row = o.row ?? 18;
  const labW = Math.ceil(o.labelWidth ?? Math.min(120, Math.max(40, ...bars.map((b) => textWidth(ellipsize(b.label, 18), 10.5))) + 8));
  const valW = 62;
  const top = 22;
  const H = top + bars.length * row + 4;
  const bw = W - labW - valW;
  const max = Math.max(0, ...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  const out: string[] = [svgOpen(W, H, o.title)];
  out.push(text(0, 12, o.title, 'font-weight="600"'));
  bars.forEach((b, i) => {
    const y = top + i * row;
    const w = max > 0 && Number.isFinite(b.value) ? Math.max(b.value > 0 ? 1 : 0, (b.value / max) * bw) : 0;
    const c = b.highlight ? o.accent ?? PALETTE.front : o.color ?? PALETTE.trained;
    out.push(`<g><title>${esc(b.title ?? `${b.label}: ${b.text ?? b.value}`)}</title>`);
    if (i % 2 === 0) out.push(`<rect x="0" y="${y}" width="${W}" height="${row}" fill="#f7f8fa"/>`);
    out.push(text(labW - 6, y + row / 2 + 3.5, ellipsize(b.label, 18), `text-anchor="end" font-size="10.5" fill="${PALETTE.muted}"`));
    out.push(`<rect x="${labW}" y="${y + 3}" width="${r1(w)}" height="${row - 6}" rx="1.5" fill="${c}"/>`);
    out.push(text(labW + w + 4, y + row / 2 + 3.5, b.text ?? String(b.value), `font-size="10.5"`));
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('');
}
