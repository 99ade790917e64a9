import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import { loadSeriesCsv, parseSeriesCsv, seriesDataset, windowSeries } from '../../src/data/series.js';

const err = (f: () => unknown): MlforgeError => {
  try { f(); } catch (e) { if (e instanceof MlforgeError) return e; throw e; }
  throw new Error('expected an MlforgeError');
};
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-series-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CSV = `timestamp,ax,ay,az,label
0.00,1,2,3,idle
0.01,4,5,6,idle
0.02,7,8,9,walk
0.03,10,11,12,walk
0.04,13,14,15,walk
`;

describe('time-series CSV', () => {
  it('finds the timestamp, axes and label columns by name; estimates the rate', () => {
    const s = parseSeriesCsv(CSV, 'acc.csv');
    expect(s).toMatchObject({ name: 'acc.csv', axes: ['ax', 'ay', 'az'], rows: 5, labels: ['idle', 'idle', 'walk', 'walk', 'walk'] });
    expect(s.sampleRate).toBeCloseTo(100, 6);
    expect(Array.from(s.values.subarray(0, 6))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('explicit columns, ms timestamps, ISO dates, quoted header, no header', () => {
    const s = parseSeriesCsv('"t_ms","x","y"\n0,1,2\n20,3,4\n40,5,6\n', 'a.csv', { timestamp: 't_ms', axes: ['y'], timeUnit: 'ms' });
    expect(s.axes).toEqual(['y']);
    expect(s.sampleRate).toBeCloseTo(50, 6);
    expect(s.labels).toBeUndefined();
    const d = parseSeriesCsv('time,x\n2024-01-01T00:00:00.000Z,1\n2024-01-01T00:00:00.500Z,2\n', 'd.csv');
    expect(d.sampleRate).toBeCloseTo(2, 6);
    const n = parseSeriesCsv('0,1,2\n1,3,4\n', 'n.csv');
    expect(n).toMatchObject({ axes: ['col2', 'col3'], rows: 2 });
  });

  it('errors name the row and column', () => {
    const cases: [string, string][] = [
      ['t,x\n0,1\n1,abc\n', 'e.csv: row 3, column 2 ("x"): expected a finite number, got "abc"'],
      ['t,x\n0,1\n1,NaN\n', 'e.csv: row 3, column 2 ("x"): expected a finite number, got "NaN"'],
      ['t,x\n0,1\n1,\n', 'e.csv: row 3, column 2 ("x"): expected a finite number, got ""'],
      ['t,x\n0,1\n1,2,3\n', 'e.csv: row 3 has 3 columns, expected 2 (as in the header)'],
      ['t,x\n0,1\n0,2\n', 'e.csv: row 3, column 1 ("t"): timestamp 0 is not after the previous row\'s'],
      ['t,x\nsoon,1\n', 'e.csv: row 2, column 1 ("t"): expected a timestamp (a number or an ISO 8601 date), got "soon"'],
      ['t,x,label\n0,1,\n', 'e.csv: row 2, column 3 ("label"): empty label'],
      [`t,x\n0,${'9'.repeat(500)}\n`, `e.csv: row 2, column 2 ("x"): expected a finite number, got "${'9'.repeat(40)}…"`],
      ['t\n0\n', 'e.csv: no axis columns: expected a timestamp column and at least one numeric axis'],
      ['t,x\n', 'e.csv: no data rows after the header'],
      ['', 'e.csv: empty CSV'],
    ];
    for (const [text, message] of cases) expect(err(() => parseSeriesCsv(text, 'e.csv')).message).toBe(message);
    expect(err(() => parseSeriesCsv(CSV, 'e.csv', { axes: ['gx'] })).message).toBe('e.csv: axis column "gx" not found in header (timestamp, ax, ay, az, label)');
    expect(err(() => parseSeriesCsv(CSV, 'e.csv', { timestamp: 9 })).message).toBe('e.csv: timestamp column 9 is out of range: the file has 5 columns (0-based)');
    expect(err(() => parseSeriesCsv(CSV, 'e.csv', { axes: ['label'] })).message).toBe('e.csv: column "label" cannot be both an axis and the label');
    expect(err(() => parseSeriesCsv(CSV, 'e.csv', { timeUnit: 'h' as 's' })).message).toMatch(/^e\.csv: series options\.timeUnit: /);
    expect(err(() => loadSeriesCsv(path.join(tmp, 'none.csv'))).code).toBe('NOT_FOUND');
  });
});

describe('windows', () => {
  const s = parseSeriesCsv(CSV, 'acc.csv');

  it('length, stride, zero-padded tail, majority label', () => {
    const w = windowSeries(s, { length: 2, stride: 2 });
    expect(w.count).toBe(3);
    expect(Array.from(w.starts)).toEqual([0, 2, 4]);
    expect(Array.from(w.x.subarray(12))).toEqual([13, 14, 15, 0, 0, 0]);
    expect(w.labels).toEqual(['idle', 'walk', 'walk']);
  });

  it('without padding drops the tail; ties go to the later row; or the last row decides', () => {
    expect(windowSeries(s, { length: 2, stride: 2, pad: false }).count).toBe(2);
    expect(windowSeries(s, { length: 4, stride: 1, pad: false }).labels).toEqual(['walk', 'walk']);
    expect(windowSeries(s, { length: 3, stride: 1, pad: false }).labels).toEqual(['idle', 'walk', 'walk']);
    expect(windowSeries(s, { length: 3, stride: 1, label: 'last', pad: false }).labels).toEqual(['walk', 'walk', 'walk']);
    // A series shorter than one window: one padded window, or none.
    expect(windowSeries(s, { length: 8, stride: 8 }).count).toBe(1);
    expect(windowSeries(s, { length: 8, stride: 8, pad: false }).count).toBe(0);
    // Whole windows that reach the end need no padded one.
    expect(windowSeries(s, { length: 3, stride: 2 }).count).toBe(2);
    expect(err(() => windowSeries(s, { length: 0, stride: 1 })).message).toMatch(/^acc\.csv: window\.length: /);
  });

  it('a Dataset over many files with per-file labels and groups', () => {
    const f = path.join(tmp, 'm1.csv');
    writeFileSync(f, 't,ax,ay,az\n0,1,1,1\n1,2,2,2\n2,3,3,3\n3,4,4,4\n');
    const other = loadSeriesCsv(f);
    const d = seriesDataset([{ series: s, group: 'machine-a' }, { series: other, label: 'broken', group: 'machine-b' }, { series: other, label: 'ok', group: 'machine-a' }], { length: 2, stride: 2 });
    expect(d.shape).toEqual([2, 3]);
    expect(d.labels).toEqual(['broken', 'idle', 'ok', 'walk']);
    expect(Array.from(d.y)).toEqual([1, 3, 3, 0, 0, 2, 2]);
    expect(Array.from(d.groups!)).toEqual([0, 0, 0, 1, 1, 0, 0]);
    expect(d.x.length).toBe(7 * 6);
    expect(err(() => seriesDataset([{ series: other }], { length: 2, stride: 2 })).message).toBe('m1.csv: no label column and no label given for the file');
    const twoAxes = parseSeriesCsv('t,ax,ay\n0,1,2\n', 'two.csv');
    expect(err(() => seriesDataset([{ series: s }, { series: twoAxes, label: 'x' }], { length: 2, stride: 2 })).message).toBe("two.csv: axes (ax, ay) differ from acc.csv's (ax, ay, az)");
  });
});
