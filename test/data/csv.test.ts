import { describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import { parseCsv } from '../../src/data/csv.js';

const err = (f: () => unknown): MlforgeError => {
  try { f(); } catch (e) { if (e instanceof MlforgeError) return e; throw e; }
  throw new Error('expected an MlforgeError');
};

describe('CSV datasets', () => {
  it('detects a header and a named label column', () => {
    const d = parseCsv('a,label,b\n1,cat,2\n3,dog,4\n5,cat,6\n', 'x.csv');
    expect(d.shape).toEqual([2]);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.labels).toEqual(['cat', 'dog']);
    expect(Array.from(d.y)).toEqual([0, 1, 0]);
  });

  it('without a header, uses the last column and sorts numeric labels numerically', () => {
    const d = parseCsv('0.5,1,10\n0.25,2,2\n1,3,10\n', 'x.csv');
    expect(d.shape).toEqual([2]);
    expect(d.labels).toEqual(['2', '10']);
    expect(Array.from(d.y)).toEqual([1, 0, 1]);
  });

  it('names row and column of a non-numeric cell', () => {
    const e = err(() => parseCsv('f1,f2,label\n1,2,a\n3,oops,b\n', 'data.csv'));
    expect(e.message).toBe('data.csv: row 3, column 2 ("f2"): expected a number, got "oops"');
  });

  it('names a ragged row', () => {
    const e = err(() => parseCsv('f1,f2,label\n1,2,a\n3,b\n', 'data.csv'));
    expect(e.message).toContain('row 3 has 2 columns, expected 3');
  });

  it('rejects NaN and empty cells', () => {
    expect(err(() => parseCsv('1,2,a\nNaN,2,b\n', 'n.csv')).message).toContain('row 2, column 1');
    expect(err(() => parseCsv('1,2,a\n,2,b\n', 'n.csv')).message).toContain('row 2, column 1');
  });
});
