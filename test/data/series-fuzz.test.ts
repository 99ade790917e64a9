/**
 * Fuzzing the time-series CSV reader and windowing: 3,000 mutated files
 * (ragged rows, NaN/Inf/empty/garbage cells, huge fields, timestamps out of
 * order, truncation, blank lines, stray quotes, huge column counts) with
 * random options. Every input parses or throws a one-line MlforgeError naming
 * the file; memory stays bounded by the text size.
 */
import { describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import { parseSeriesCsv, windowSeries, type SeriesCsvOptions } from '../../src/data/series.js';
import { Rng } from '../../src/util/random.js';

const N = 3000;

function base(rng: Rng): string[] {
  const rows = 5 + rng.int(60);
  const lines = ['timestamp,ax,ay,az,label'];
  for (let r = 0; r < rows; r++) lines.push(`${(r * 0.01).toFixed(2)},${rng.normal().toFixed(4)},${rng.normal().toFixed(4)},${(9.81 + rng.normal()).toFixed(4)},${rng.pick(['idle', 'walk', 'run'])}`);
  return lines;
}

function mutate(rng: Rng, lines: string[]): [string, string] {
  const r = 1 + rng.int(lines.length - 1);
  const cells = lines[r]!.split(',');
  const c = rng.int(cells.length);
  const setCell = (v: string) => { cells[c] = v; lines[r] = cells.join(','); };
  const kind = rng.int(11);
  switch (kind) {
    case 0: cells.splice(c, 1); lines[r] = cells.join(','); return ['ragged (short)', lines.join('\n')];
    case 1: lines[r] += `,${rng.normal()}`; return ['ragged (long)', lines.join('\n')];
    case 2: setCell(rng.pick(['NaN', 'nan', 'Infinity', '-Infinity', '1e999', '', ' ', 'null', '--1', '0x1g'])); return ['bad number', lines.join('\n')];
    case 3: setCell(rng.pick(['9', '-', 'a', '"', ',']).repeat(1 + rng.int(100_000))); return ['huge field', lines.join('\n')];
    case 4: { const j = 1 + rng.int(lines.length - 1); [lines[r], lines[j]] = [lines[j]!, lines[r]!]; return ['rows swapped', lines.join('\n')]; }
    case 5: { const text = lines.join('\n'); return ['truncated', text.slice(0, rng.int(text.length))]; }
    case 6: lines.splice(r, 0, rng.pick(['', '   ', ',,,,', '"', '\u0000\u0001'])); return ['odd line', lines.join('\n')];
    case 7: setCell(`"${cells[c]}`); return ['stray quote', lines.join('\n')];
    case 8: lines[0] = `${lines[0]}${',h'.repeat(rng.int(20_000))}`; return ['huge header', lines.join('\n')];
    case 9: return ['garbage', Array.from({ length: rng.int(300) }, () => String.fromCharCode(rng.int(128))).join('')];
    default: setCell(String(rng.normal() * 10 ** rng.int(40))); return ['extreme value', lines.join('\n')];
  }
}

function options(rng: Rng): SeriesCsvOptions {
  return rng.pick<SeriesCsvOptions>([{}, {}, { timestamp: rng.int(7) }, { label: rng.pick(['label', 'nope', 4, 9]) }, { axes: [rng.pick(['ax', 'az', 'x', 0, 3])] }, { timeUnit: 'ms', header: rng.next() < 0.5 }]);
}

describe('series CSV fuzz', () => {
  it(`${N} mutated files: 0 crashes, one-line errors, bounded memory`, () => {
    const rng = new Rng(77);
    const outcomes = new Map<string, number>();
    const crashes: string[] = [];
    const badMessages: string[] = [];
    let parsed = 0;
    let windows = 0;
    let maxRatio = 0;
    const heap0 = process.memoryUsage().arrayBuffers;
    let heapPeak = 0;
    for (let i = 0; i < N; i++) {
      const [what, text] = mutate(rng, base(rng));
      let stage = 'parse';
      try {
        const s = parseSeriesCsv(text, 'fuzz.csv', options(rng));
        parsed++;
        maxRatio = Math.max(maxRatio, (s.values.byteLength + s.timestamps.byteLength) / Math.max(text.length, 1));
        stage = 'window';
        const w = windowSeries(s, { length: rng.int(20), stride: rng.int(5), pad: rng.next() < 0.5, label: rng.pick(['majority', 'last'] as const) });
        windows += w.count;
      } catch (e) {
        if (!(e instanceof MlforgeError)) { crashes.push(`${stage}, ${what}: ${(e as Error).stack}`); continue; }
        if (!/^fuzz\.csv: [^\n]{1,400}$/.test(e.message)) badMessages.push(e.message.slice(0, 500));
        outcomes.set(`${stage} ${e.code}`, (outcomes.get(`${stage} ${e.code}`) ?? 0) + 1);
      }
      if (i % 100 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().arrayBuffers - heap0);
    }
    console.log(`series fuzz: ${N} inputs, ${parsed} parsed (${windows} windows), errors ${JSON.stringify(Object.fromEntries(outcomes))}, crashes ${crashes.length}, `
      + `largest parse ${maxRatio.toFixed(2)} bytes per text char, array-buffer growth ≤ ${(heapPeak / 2 ** 20).toFixed(1)} MiB`);
    expect(crashes).toEqual([]);
    expect(badMessages).toEqual([]);
    expect(parsed).toBeGreaterThan(N / 20);
    expect(maxRatio).toBeLessThan(8);
    expect(heapPeak).toBeLessThan(64 * 2 ** 20);
  });
});
