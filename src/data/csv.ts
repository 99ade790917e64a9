/**
 * CSV datasets: numeric feature columns plus one label column. The first row is
 * a header when any of its cells is not a number. The label column is `label`
 * (or `class`/`target`) when the header names one, else the last column.
 * Errors name the file, row and column.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { MlforgeError } from '../errors.js';
import type { Dataset } from './dataset.js';

export interface CsvOptions {
  /** Name or 0-based index of the label column. */
  readonly label?: string | number;
}

const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

function splitLine(line: string): string[] {
  // Plain CSV with optional double quotes around fields (no embedded newlines).
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function parseCsv(text: string, file: string, o: CsvOptions = {}): Dataset {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new MlforgeError('BAD_INPUT', `${file}: empty CSV`);
  const first = splitLine(lines[0]!).map((s) => s.trim());
  const hasHeader = first.some((c) => !isNumber(c));
  const header = hasHeader ? first : first.map((_, i) => `col${i}`);
  const width = header.length;
  if (width < 2) throw new MlforgeError('BAD_INPUT', `${file}: expected at least one feature column and a label column, got ${width} column`);
  let labelCol: number;
  if (typeof o.label === 'number') labelCol = o.label;
  else if (typeof o.label === 'string') labelCol = header.indexOf(o.label);
  else {
    const named = header.findIndex((h) => ['label', 'class', 'target', 'y'].includes(h.toLowerCase()));
    labelCol = named >= 0 ? named : width - 1;
  }
  if (labelCol < 0 || labelCol >= width) {
    throw new MlforgeError('BAD_INPUT', `${file}: label column ${JSON.stringify(o.label)} not found in header (${header.join(', ')})`);
  }
  const rows = lines.slice(hasHeader ? 1 : 0);
  const nf = width - 1;
  const x = new Float32Array(rows.length * nf);
  const rawLabels: string[] = new Array(rows.length);
  let n = 0;
  rows.forEach((line, r) => {
    const rowNo = r + (hasHeader ? 2 : 1);
    if (line.trim() === '') throw new MlforgeError('BAD_INPUT', `${file}: row ${rowNo} is empty`);
    const cells = splitLine(line);
    if (cells.length !== width) {
      throw new MlforgeError('BAD_INPUT', `${file}: row ${rowNo} has ${cells.length} columns, expected ${width} (as in ${hasHeader ? 'the header' : 'row 1'})`);
    }
    let k = 0;
    for (let c = 0; c < width; c++) {
      const cell = cells[c]!.trim();
      if (c === labelCol) { rawLabels[n] = cell; continue; }
      const v = Number(cell);
      if (cell === '' || !Number.isFinite(v)) {
        throw new MlforgeError('BAD_INPUT', `${file}: row ${rowNo}, column ${c + 1} ("${header[c]}"): expected a number, got "${cell.slice(0, 40)}"`);
      }
      x[n * nf + k++] = v;
    }
    n++;
  });
  // Numeric labels sort numerically, others alphabetically.
  const uniq = [...new Set(rawLabels)];
  uniq.sort((a, b) => (isNumber(a) && isNumber(b) ? Number(a) - Number(b) : a.localeCompare(b)));
  if (uniq.length < 2) throw new MlforgeError('BAD_INPUT', `${file}: the label column "${header[labelCol]}" has ${uniq.length} distinct value; classification needs at least 2`);
  const index = new Map(uniq.map((l, i) => [l, i]));
  const y = Int32Array.from(rawLabels, (l) => index.get(l)!);
  return { name: basename(file), shape: [nf], x, y, labels: uniq };
}

export function loadCsv(file: string, o: CsvOptions = {}): Dataset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MlforgeError('NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseCsv(text, file, o);
}
