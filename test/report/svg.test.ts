import { describe, expect, it } from 'vitest';
import { esc, fmtBytes, fmtBytesShort, fmtCount, fmtDuration, fmtHz, fmtInt, fmtLr, fmtMs, fmtPct, fmtPp, fmtShape } from '../../src/report/format.js';
import { hbars, heatmap, lineChart, linearTicks, scatter, type ScatterPoint } from '../../src/report/svg.js';

describe('formatting', () => {
  it('formats numbers the way the report prints them', () => {
    expect(fmtInt(1234567)).toBe('1,234,567');
    expect(fmtInt(-42)).toBe('−42');
    expect(fmtBytes(812)).toBe('812 B');
    expect(fmtBytes(183_296)).toBe('179.0 KiB');
    expect(fmtBytes(2.5e6)).toBe('2.38 MiB');
    expect(fmtBytesShort(32768)).toBe('32 KiB');
    expect(fmtBytesShort(1536)).toBe('1.5 KiB');
    expect(fmtBytesShort(1048576)).toBe('1 MiB');
    expect(fmtPct(0.91234)).toBe('91.2%');
    expect(fmtPct(0.91234, 2)).toBe('91.23%');
    expect(fmtPp(-0.0042)).toBe('−0.42 pp');
    expect(fmtPp(0.0012)).toBe('+0.12 pp');
    expect(fmtPp(0)).toBe('±0.00 pp');
    expect(fmtMs(0.48213)).toBe('0.482 ms');
    expect(fmtMs(38.47)).toBe('38.5 ms');
    expect(fmtMs(29)).toBe('29 ms');
    expect(fmtMs(1234.4)).toBe('1,234 ms');
    expect(fmtCount(2_553_994)).toBe('2.55 M');
    expect(fmtCount(45_300)).toBe('45.3 k');
    expect(fmtCount(980)).toBe('980');
    expect(fmtHz(180e6)).toBe('180 MHz');
    expect(fmtHz(32768)).toBe('32.8 kHz');
    expect(fmtLr(0.003)).toBe('3e-3');
    expect(fmtLr(0.0025)).toBe('2.5e-3');
    expect(fmtLr(0.01)).toBe('1e-2');
    expect(fmtLr(0.1)).toBe('0.1');
    expect(fmtDuration(42.3)).toBe('42.3 s');
    expect(fmtDuration(754)).toBe('12 min 34 s');
    expect(fmtDuration(1800)).toBe('30 min');
    expect(fmtDuration(4000)).toBe('1 h 07 min');
    expect(fmtShape([14, 14, 32])).toBe('14×14×32');
  });

  it('prints a dash for missing or non-finite numbers', () => {
    for (const f of [fmtInt, fmtBytes, fmtPct, fmtPp, fmtMs, fmtCount, fmtHz, fmtLr, fmtDuration]) {
      expect(f(null)).toBe('—');
      expect(f(NaN)).toBe('—');
      expect(f(Infinity)).toBe('—');
    }
  });

  it('escapes the five HTML metacharacters', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(esc(null)).toBe('');
  });
});

describe('svg helpers', () => {
  it('linear ticks are round and cover the range', () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(0.68, 0.92, 5)).toEqual([0.7, 0.75, 0.8, 0.85, 0.9]);
    expect(linearTicks(3, 3)).toEqual([3]);
  });

  const pts: ScatterPoint[] = [
    { x: 4096, y: 0.8, kind: 'front', title: 'a' },
    { x: 16384, y: 0.85, kind: 'front', chosen: true, title: 'b' },
    { x: 20000, y: 0.83, kind: 'trained', title: 'c' },
    { x: 9000, y: 0.7, kind: 'pruned', title: 'd' },
    { x: 300_000, y: null, kind: 'infeasible', title: '<e>' },
    { x: 12000, y: null, kind: 'failed', title: 'f' },
  ];

  it('scatter draws axes, the limit, the front, the chosen ring and a strip for untrained points', () => {
    const svg = scatter(pts, { xLabel: 'SRAM', yLabel: 'acc', xScale: 'log2', xFormat: fmtBytesShort, yFormat: (v) => `${v * 100}%`, limit: { x: 98304, label: 'limit 96 KiB' }, staircase: true });
    expect(svg.startsWith('<svg class="chart" viewBox="0 0 400 300"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('limit 96 KiB');
    expect(svg).toContain('stroke-dasharray="5 3"');
    expect(svg).toContain('>untrained</text>');
    expect(svg).toContain('>chosen</text>');
    expect(svg).toContain('&lt;e&gt;');
    expect(count(svg, 'r="5" fill="#e07a10"')).toBe(2);
    for (const t of ['4 KiB', '16 KiB', '64 KiB', '256 KiB']) expect(svg).toContain(`>${t}</text>`);
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('scatter copes with no points at all', () => {
    const svg = scatter([], { xLabel: 'x', yLabel: 'y', xFormat: String, yFormat: String });
    expect(svg).toContain('no trained candidates');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('line chart breaks at missing values and escapes series names', () => {
    const svg = lineChart([{ name: '<s>', color: '#000', points: [[1, 0.5], [2, null], [3, 0.7], [4, 0.8]] }], { xLabel: 'epoch', yLabel: 'acc', yFormat: String });
    expect(svg).toContain('<title>&lt;s&gt;</title>');
    const d = /<path d="([^"]+)"/.exec(svg)![1]!;
    expect(count(d, 'M')).toBe(2);
    expect(count(svg, '<circle')).toBe(3);
  });

  it('heatmap prints counts, recall and escaped labels', () => {
    const svg = heatmap([[8, 2], [1, 9]], ['<a>', 'b']);
    expect(svg).toContain('&lt;a&gt;');
    expect(svg).toContain('>80.0%</text>');
    expect(svg).toContain('>90.0%</text>');
    expect(count(svg, '<rect')).toBe(4);
  });

  it('bars scale to the largest value and highlight one row', () => {
    const svg = hbars([{ label: 'a', value: 10 }, { label: 'b', value: 40, highlight: true }, { label: 'c', value: 0 }], { title: 'MACs', width: 300 });
    expect(svg).toContain('>MACs</text>');
    expect(count(svg, 'fill="#e07a10"')).toBe(1);
    expect(svg).toMatch(/width="0" height="12"/);
  });
});

const count = (s: string, sub: string): number => s.split(sub).length - 1;
