import { describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import { datasetHealth, formatHealth, type HealthItem } from '../../src/data/health.js';
import { encodeWav, parseWav } from '../../src/data/wav.js';
import { parseSeriesCsv } from '../../src/data/series.js';

const tone = (n: number, amp: number, f = 0.05) => Float32Array.from({ length: n }, (_, i) => amp * Math.sin(2 * Math.PI * f * i));
const wavItem = (name: string, label: string, x: Float32Array, rate = 16000): HealthItem => {
  const w = parseWav(encodeWav(x, rate), name);
  return { name, label, sampleRate: w.sampleRate, values: w.samples, clipped: w.clipped };
};

describe('dataset health', () => {
  it('audio: balance, rates, clipping, NaN/Inf, too short, duplicates', () => {
    const items: HealthItem[] = [
      wavItem('yes/1.wav', 'yes', tone(16000, 0.5)),
      wavItem('yes/2.wav', 'yes', tone(16000, 0.5)), // same content as 1
      wavItem('yes/3.wav', 'yes', tone(16000, 3)), // clipped by the writer
      wavItem('yes/4.wav', 'yes', tone(8000, 0.3), 8000),
      wavItem('no/1.wav', 'no', tone(4000, 0.2)), // 0.25 s
      { name: 'no/2.wav', label: 'no', sampleRate: 16000, values: Float32Array.from([0.1, NaN, Infinity, -Infinity, 0]) },
    ];
    const r = datasetHealth(items, { minSeconds: 0.5, expectedRate: 16000, imbalance: 2 });
    expect(r.items).toBe(6);
    expect(r.classes).toEqual([{ label: 'yes', count: 4, share: 4 / 6 }, { label: 'no', count: 2, share: 2 / 6 }]);
    expect(r.imbalance).toBe(2);
    expect(r.sampleRates).toEqual([{ rate: 16000, count: 5 }, { rate: 8000, count: 1 }]);
    expect(r.clipping.map((c) => c.name)).toEqual(['yes/3.wav']);
    expect(r.nonFinite).toEqual([{ name: 'no/2.wav', nan: 1, inf: 2 }]);
    expect(r.tooShort.map((t) => t.name)).toEqual(['no/1.wav', 'no/2.wav']);
    expect(r.duplicates).toEqual([['yes/1.wav', 'yes/2.wav']]);
    expect(r.warnings).toEqual([
      'class imbalance 2.0×: "yes" 4 vs "no" 2',
      '2 sample rates (16000 Hz, 8000 Hz)',
      '1 item(s) not at 16000 Hz will be resampled',
      expect.stringMatching(/^1 clipped item\(s\), worst yes\/3\.wav \(\d+\.\d%\)$/),
      '1 item(s) with NaN/Inf values, e.g. no/2.wav',
      '2 item(s) too short, e.g. no/1.wav',
      '1 duplicate item(s), e.g. yes/1.wav = yes/2.wav',
    ]);
    const text = formatHealth(r);
    expect(text.split('\n')[0]).toBe('audio dataset: 6 item(s), 4.3 s');
    expect(text).toContain('    yes/1.wav = yes/2.wav');
    expect(text).toContain('    ! class imbalance 2.0×');
  });

  it('series: flat tops at the peak count as clipping when the reader has no full scale', () => {
    const rows = ['t,ax,ay'];
    for (let i = 0; i < 200; i++) rows.push(`${i / 100},${Math.max(-2, Math.min(2, 4 * Math.sin(i / 10)))},${Math.sin(i / 7)}`);
    const s = parseSeriesCsv(rows.join('\n'), 'sat.csv');
    const r = datasetHealth([{ name: s.name, label: 'walk', sampleRate: s.sampleRate, values: s.values, channels: 2 }], { kind: 'series', minSamples: 100 });
    expect(r.clipping).toHaveLength(1);
    expect(r.clipping[0]!.fraction).toBeGreaterThan(0.2);
    expect(r.tooShort).toEqual([]);
    expect(r.warnings).toContain('one class only ("walk")');
    const clean = datasetHealth([{ name: 'c', values: tone(1000, 1, 0.013) }]);
    expect(clean.clipping).toEqual([]);
    expect(formatHealth(clean)).toContain('no warnings');
  });

  it('accepts any iterable and rejects bad options in one line', () => {
    function* gen(): Generator<HealthItem> { yield { name: 'a', values: new Float32Array(4) }; }
    expect(datasetHealth(gen()).items).toBe(1);
    expect(datasetHealth([]).warnings).toEqual(['no items']);
    expect(() => datasetHealth([], { clipFraction: 2 })).toThrow(MlforgeError);
    expect(() => datasetHealth([], { clipFraction: 2 })).toThrow(/^health options\.clipFraction: /);
  });
});
