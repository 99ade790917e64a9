/**
 * Time-series CSV (accelerometer, gyroscope, any sensor): a timestamp column,
 * numeric axis columns and an optional label column, cut into fixed windows
 * with one label per window. Errors name the file, row and column.
 *
 * Cells are split on commas, with one pair of surrounding double quotes
 * stripped (quoted commas are not supported: such a row reads as ragged).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import type { Dataset } from './dataset.js';

const column = z.union([z.string().min(1), z.number().int().min(0)]);

export const SeriesCsvOptions = z.strictObject({
  /** Name or 0-based index; default the column named time/timestamp/t/ts, else the first. */
  timestamp: column.optional(),
  /** Default: every column but the timestamp and the label. */
  axes: z.array(column).min(1).optional(),
  /** Default: the column named label/class/target, if any (else no labels). */
  label: column.optional(),
  /** Unit of numeric timestamps; ISO 8601 timestamps are read as dates. */
  timeUnit: z.enum(['s', 'ms', 'us', 'ns']).default('s'),
  /** Default: a header when a cell of the first row is neither a number nor a date. */
  header: z.boolean().optional(),
});
export type SeriesCsvOptions = z.input<typeof SeriesCsvOptions>;

export interface Series {
  readonly name: string;
  readonly axes: readonly string[];
  readonly rows: number;
  /** Seconds: numeric timestamps times timeUnit, dates since the epoch. */
  readonly timestamps: Float64Array;
  /** rows × axes, interleaved. */
  readonly values: Float32Array;
  /** One label per row, when the file has a label column. */
  readonly labels?: readonly string[];
  /** 1 / median interval between timestamps (0 with fewer than 2 rows). */
  readonly sampleRate: number;
}

/** Larger files are refused before reading. */
export const MAX_SERIES_BYTES = 256 << 20;
const UNIT_SECONDS = { s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 } as const;

const isNumber = (s: string) => s !== '' && Number.isFinite(Number(s));
const isDate = (s: string) => /^\d{4}-\d\d-\d\d[T ]/.test(s) && Number.isFinite(Date.parse(s));
const cells = (line: string) => line.split(',').map((c) => {
  const t = c.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
});
const show = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

export function parseSeriesCsv(text: string, file: string, options: SeriesCsvOptions = {}): Series {
  const parsed = SeriesCsvOptions.safeParse(options);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new MlforgeError('BAD_INPUT', `${file}: series options${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
  }
  const o = parsed.data;
  const bad = (message: string) => new MlforgeError('BAD_INPUT', `${file}: ${message}`);
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw bad('empty CSV');
  const first = cells(lines[0]!);
  const hasHeader = o.header ?? first.some((c) => !isNumber(c) && !isDate(c));
  const header = hasHeader ? first : first.map((_, i) => `col${i + 1}`);
  const width = header.length;
  const find = (c: string | number | undefined, what: string, names: string[]): number => {
    if (typeof c === 'number') {
      if (c >= width) throw bad(`${what} column ${c} is out of range: the file has ${width} columns (0-based)`);
      return c;
    }
    if (c !== undefined) {
      const i = header.indexOf(c);
      if (i < 0) throw bad(`${what} column "${c}" not found in header (${header.join(', ').slice(0, 200)})`);
      return i;
    }
    return header.findIndex((h) => names.includes(h.toLowerCase()));
  };
  const found = find(o.timestamp, 'timestamp', ['time', 'timestamp', 't', 'ts']);
  const tCol = found >= 0 ? found : 0;
  const lCol = find(o.label, 'label', ['label', 'class', 'target']);
  const axisCols = o.axes ? o.axes.map((a) => find(a, 'axis', [])) : header.map((_, i) => i).filter((i) => i !== tCol && i !== lCol);
  if (axisCols.length === 0) throw bad('no axis columns: expected a timestamp column and at least one numeric axis');
  for (const a of axisCols) if (a === tCol || a === lCol) throw bad(`column "${header[a]}" cannot be both an axis and the ${a === tCol ? 'timestamp' : 'label'}`);

  const body = lines.slice(hasHeader ? 1 : 0);
  const rows = body.length;
  if (rows === 0) throw bad('no data rows after the header');
  const timestamps = new Float64Array(rows);
  const values = new Float32Array(rows * axisCols.length);
  const labels: string[] | undefined = lCol >= 0 ? new Array<string>(rows) : undefined;
  const unit = UNIT_SECONDS[o.timeUnit];
  for (let r = 0; r < rows; r++) {
    const rowNo = r + (hasHeader ? 2 : 1);
    const row = cells(body[r]!);
    if (row.length !== width) throw bad(`row ${rowNo} has ${row.length} columns, expected ${width} (as in ${hasHeader ? 'the header' : 'row 1'})`);
    const at = (c: number) => `row ${rowNo}, column ${c + 1} ("${header[c]!.slice(0, 40)}")`;
    const ts = row[tCol]!;
    const t = isNumber(ts) ? Number(ts) * unit : isDate(ts) ? Date.parse(ts) / 1000 : NaN;
    if (!Number.isFinite(t)) throw bad(`${at(tCol)}: expected a timestamp (a number or an ISO 8601 date), got ${show(ts)}`);
    if (r > 0 && !(t > timestamps[r - 1]!)) throw bad(`${at(tCol)}: timestamp ${ts} is not after the previous row's`);
    timestamps[r] = t;
    axisCols.forEach((c, k) => {
      const v = Number(row[c]);
      if (row[c] === '' || !Number.isFinite(v)) throw bad(`${at(c)}: expected a finite number, got ${show(row[c]!)}`);
      values[r * axisCols.length + k] = v;
    });
    if (labels) {
      if (row[lCol] === '') throw bad(`${at(lCol)}: empty label`);
      labels[r] = row[lCol]!;
    }
  }
  return { name: basename(file), axes: axisCols.map((c) => header[c]!), rows, timestamps, values, labels, sampleRate: rateOf(timestamps) };
}

function rateOf(t: Float64Array): number {
  if (t.length < 2) return 0;
  const dt = Float64Array.from({ length: t.length - 1 }, (_, i) => t[i + 1]! - t[i]!).sort();
  return 1 / dt[dt.length >> 1]!;
}

export function loadSeriesCsv(file: string, o: SeriesCsvOptions = {}): Series {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new MlforgeError('NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_SERIES_BYTES) throw new MlforgeError('BAD_INPUT', `${file}: ${size} bytes; series files above ${MAX_SERIES_BYTES} bytes are refused`, 'split long recordings into several files');
  return parseSeriesCsv(readFileSync(file, 'utf8'), file, o);
}

export const WindowOptions = z.strictObject({
  /** Rows per window. */
  length: z.number().int().min(1).max(1 << 20),
  /** Rows between window starts. */
  stride: z.number().int().min(1),
  /** Keep a last, zero-padded window over the rows the whole windows miss. */
  pad: z.boolean().default(true),
  /** Window label: the most frequent row label (ties to the later row) or the last row's. */
  label: z.enum(['majority', 'last']).default('majority'),
});
export type WindowOptions = z.input<typeof WindowOptions>;

export interface Windows {
  readonly count: number;
  /** count × length × axes. */
  readonly x: Float32Array;
  /** First row of each window. */
  readonly starts: Int32Array;
  /** One per window, when the series has labels. */
  readonly labels?: readonly string[];
}

/** Windows would need more floats than this: a stride mistake, not a dataset. */
const MAX_WINDOW_FLOATS = 1 << 28;

function windowOptions(o: WindowOptions, where: string): z.output<typeof WindowOptions> {
  const r = WindowOptions.safeParse(o);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new MlforgeError('BAD_INPUT', `${where}: window${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
}

export function windowSeries(s: Series, options: WindowOptions): Windows {
  const o = windowOptions(options, s.name);
  const starts: number[] = [];
  let st = 0;
  for (; st + o.length <= s.rows; st += o.stride) starts.push(st);
  if (o.pad && st < s.rows && (starts.length === 0 || starts[starts.length - 1]! + o.length < s.rows)) starts.push(st);
  const nAxes = s.axes.length;
  const per = o.length * nAxes;
  if (starts.length * per > MAX_WINDOW_FLOATS) {
    throw new MlforgeError('BAD_INPUT', `${s.name}: ${starts.length} windows of ${o.length} rows would need ${starts.length * per * 4} bytes; raise the stride`);
  }
  const x = new Float32Array(starts.length * per);
  starts.forEach((b, w) => x.set(s.values.subarray(b * nAxes, Math.min(b + o.length, s.rows) * nAxes), w * per));
  const labels = s.labels && starts.map((b) => windowLabel(s.labels!, b, Math.min(b + o.length, s.rows), o.label));
  return { count: starts.length, x, starts: Int32Array.from(starts), labels };
}

function windowLabel(labels: readonly string[], from: number, to: number, how: 'majority' | 'last'): string {
  if (how === 'last') return labels[to - 1]!;
  const counts = new Map<string, number>();
  let best = labels[from]!;
  let bestCount = 0;
  for (let r = from; r < to; r++) {
    const c = (counts.get(labels[r]!) ?? 0) + 1;
    counts.set(labels[r]!, c);
    if (c >= bestCount) { best = labels[r]!; bestCount = c; }
  }
  return best;
}

export interface SeriesSource {
  readonly series: Series;
  /** Label for every window (e.g. from a manifest or folder); else the label column decides. */
  readonly label?: string;
  /** Split group (machine, subject, recording); default the series name. */
  readonly group?: string;
}

/** Windows of many recordings as one Dataset of shape [length, axes], groups kept for leak-free splits. */
export function seriesDataset(sources: readonly SeriesSource[], options: WindowOptions, name = 'series'): Dataset {
  if (sources.length === 0) throw new MlforgeError('BAD_INPUT', `${name}: no series files`);
  const axes = sources[0]!.series.axes;
  const parts = sources.map(({ series: s, label }) => {
    if (s.axes.join() !== axes.join()) throw new MlforgeError('BAD_INPUT', `${s.name}: axes (${s.axes.join(', ')}) differ from ${sources[0]!.series.name}'s (${axes.join(', ')})`);
    if (label === undefined && !s.labels) throw new MlforgeError('BAD_INPUT', `${s.name}: no label column and no label given for the file`);
    const w = windowSeries(s, options);
    return { w, labels: label === undefined ? w.labels! : new Array<string>(w.count).fill(label) };
  });
  const uniq = [...new Set(parts.flatMap((p) => p.labels))].sort();
  const index = new Map(uniq.map((l, i) => [l, i]));
  const groupIndex = new Map<string, number>();
  const total = parts.reduce((n, p) => n + p.w.count, 0);
  const x = new Float32Array(total * options.length * axes.length);
  const y = new Int32Array(total);
  const groups = new Int32Array(total);
  let n = 0;
  parts.forEach((p, i) => {
    const g = sources[i]!.group ?? sources[i]!.series.name;
    if (!groupIndex.has(g)) groupIndex.set(g, groupIndex.size);
    x.set(p.w.x, n * options.length * axes.length);
    for (let k = 0; k < p.w.count; k++, n++) {
      y[n] = index.get(p.labels[k]!)!;
      groups[n] = groupIndex.get(g)!;
    }
  });
  return { name, shape: [options.length, axes.length], x, y, labels: uniq, groups };
}
