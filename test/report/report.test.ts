import { describe, expect, it } from 'vitest';
import { ForgeSummary } from '../../src/agent/summary.js';
import { renderReport } from '../../src/report/index.js';
import { makeFixture } from './fixture.js';

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'wbr']);

/** Tag balance over the whole page (script/style bodies removed): every element opened is closed, in order. */
function unbalanced(html: string): string[] {
  const body = html.replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<!DOCTYPE html>/i, '');
  const stack: string[] = [];
  const errors: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w-]*)\b[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    const tag = name!.toLowerCase();
    if (self || VOID.has(tag)) continue;
    if (!close) stack.push(tag);
    else if (stack.pop() !== tag) errors.push(`unexpected </${tag}> at ${m.index}`);
  }
  return errors.concat(stack.map((t) => `unclosed <${t}>`));
}

const noScript = (html: string): string => html.replace(/<script>[\s\S]*?<\/script>/g, '');
const count = (s: string, sub: string | RegExp): number => (typeof sub === 'string' ? s.split(sub).length - 1 : (s.match(sub) ?? []).length);

describe('renderReport', () => {
  const summary = makeFixture();
  const html = renderReport(summary);

  it('the fixture is a valid ForgeSummary of the intended shape', () => {
    expect(() => ForgeSummary.parse(summary)).not.toThrow();
    expect(summary.trials).toHaveLength(40);
    const statuses = new Set(summary.trials.map((t) => t.status));
    for (const s of ['infeasible', 'pruned', 'trained', 'finalist', 'failed']) expect(statuses).toContain(s);
    expect(new Set(summary.trials.map((t) => t.family)).size).toBeGreaterThanOrEqual(3);
    expect(summary.chosen!.layers).toHaveLength(12);
    expect(summary.chosen!.confusion).toHaveLength(10);
    expect(summary.front).toContain(summary.chosen!.trialId);
  });

  it('is one complete, balanced HTML document', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    for (const tag of ['<html', '<head>', '</head>', '<body>', '</body>', '</html>', '<style>', '<script>']) expect(count(html, tag)).toBe(1);
    expect(count(html.slice(0, html.indexOf('</head>')), '<title>')).toBe(1);
    expect(html).toContain('<meta charset="utf-8">');
    expect(unbalanced(html)).toEqual([]);
  });

  it('references no external resource', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}\//i); // protocol-relative URLs
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|audio|video|source)\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/\b(fetch|XMLHttpRequest|import)\s*\(/);
    for (const m of html.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^#[\w-]+$/);
  });

  it('has every section', () => {
    for (const id of ['overview', 'chosen', 'pareto', 'trials', 'layers', 'accuracy', 'curves', 'notes']) expect(html).toContain(`<section id="${id}"`);
    expect(count(html, '<svg class="chart"')).toBeGreaterThanOrEqual(3 + 3 + 1 + 2); // 3 Pareto, 3 layer bars, heatmap, 2 curve charts
    for (const t of ['Accuracy vs SRAM', 'Accuracy vs flash', 'Accuracy vs latency', 'SRAM limit 96 KiB', 'flash limit 448 KiB', 'limit 50 ms']) expect(html).toContain(t);
    for (const e of summary.constraints.explanation) expect(html).toContain(e);
    for (const t of summary.trials) expect(html).toContain(`#${t.id}</td>`);
    for (const l of summary.chosen!.layers) expect(html).toContain(`<td class="mono">${l.name}</td>`);
    for (const n of summary.notes) expect(html).toContain(n.replace(/'/g, '&#39;'));
    expect(html).toContain(summary.exportDir!);
    expect(html).toContain(summary.tflitePath!);
    // infeasible trials drawn faintly at their estimated cost, in each of the three plots
    const infeasible = summary.trials.filter((t) => t.status === 'infeasible').length;
    expect(count(html, `stroke="#9aa5b1" stroke-opacity="0.6"`)).toBe(3 * infeasible);
    expect(count(html, '>chosen</text>')).toBe(3);
  });

  it('formats the headline figures and says which are estimates', () => {
    const c = summary.chosen!;
    expect(c.sramBytes).toBe(27_930);
    expect(html).toContain('27.3 KiB <small>/ 96.0 KiB</small>');
    expect(html).toContain('49.3 KiB <small>/ 448.0 KiB</small>');
    expect(html).toContain('29 ms <small>/ 50 ms</small>');
    expect(html).toContain(`<div class="bigacc">${(c.accuracyInt8 * 100).toFixed(2)}%</div>`);
    expect(html).toContain(`float <b>${(c.accuracyFloat * 100).toFixed(2)}%</b> · quantization −0.35 pp`);
    expect(count(html, '<span class="badge fits">fits</span>')).toBe(3);
    expect(html).toMatch(/Latency <span class="est"[^>]*>est\.<\/span>/);
    expect(html).toMatch(/SRAM<\/span>/); // SRAM is not marked as an estimate …
    expect(html).toContain('exact memory plan: arena 24.5 KiB'); // … it comes from the plan
    expect(html).toContain('cortex-m4 @ 180 MHz');
    expect(html).toContain('54,000 / 6,000 / 10,000');
    expect(html).toContain('23 min 33 s / 30 min (78%)');
  });

  it('marks a chosen model that exceeds a limit', () => {
    const s = makeFixture();
    const over: ForgeSummary = { ...s, chosen: { ...s.chosen!, fits: false, latencyMs: 61.2 } };
    const out = renderReport(over);
    expect(out).toContain('<span class="badge exceeds">exceeds</span>');
    expect(out).toContain('does not fit every constraint');
  });

  it('escapes every string that comes from the summary', () => {
    const evil = '<script>alert(1)</script>';
    const s = makeFixture({ labels: [evil, 'Trouser', '"quoted" & \'single\'', ...Array.from({ length: 7 }, (_, i) => `c${i}`)], notes: [`note ${evil}`, '<img src=x onerror=alert(2)>'] });
    s.dataset.name = `ds ${evil}`;
    s.board.name = `<b>board</b>`;
    s.runId = `run"><svg onload=alert(3)>`;
    s.trials[0]!.family = evil;
    s.trials[0]!.note = evil;
    s.trials[2]!.reasons = [evil];
    s.chosen!.layers[0]!.name = evil;
    s.chosen!.layers[1]!.op = evil;
    s.constraints.explanation.push(evil);
    s.exportDir = `/tmp/${evil}`;
    const out = renderReport(s);
    expect(out).not.toContain(evil);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(count(out, '<script>')).toBe(1); // ours, for sorting
    expect(out).not.toMatch(/<img|<svg onload|<b>board/);
    expect(out).toContain('&quot;quoted&quot; &amp; &#39;single&#39;');
    expect(unbalanced(out)).toEqual([]);
  });

  it('renders a run where nothing fit, with a clear message', () => {
    const s = makeFixture({ nothingFits: true });
    expect(s.chosen).toBeNull();
    expect(s.trials.every((t) => t.status === 'infeasible')).toBe(true);
    const out = renderReport(s);
    expect(out).toContain('No model was chosen: no candidate fit the constraints.');
    expect(out).toContain('Nothing was exported.');
    expect(out).toContain('40 exceed the SRAM limit (1.0 KiB)');
    expect(out).toContain('Closest candidates');
    expect(out).not.toContain('id="layers"');
    expect(out).not.toContain('id="accuracy"');
    expect(out).toContain('no trained candidates');
    expect(unbalanced(out)).toEqual([]);
    expect(out).not.toMatch(/https?:\/\/|\ssrc\s*=/i);
  });

  it('renders an empty run (no trials, no labels, no limits) without throwing', () => {
    const s: ForgeSummary = {
      runId: 'empty', mlforgeVersion: '0.1.0',
      dataset: { name: 'd', train: 0, val: 0, test: 0, classes: 0, labels: [] },
      board: { name: 'b', core: 'cortex-m0plus', clockHz: 48e6, sramBytes: 32768, flashBytes: 262144 },
      constraints: { sramBytes: 24576, flashBytes: 196608, latencyMs: null, explanation: [] },
      budget: { seconds: null, trials: null, usedSeconds: 0 },
      trials: [], front: [], chosen: null, exportDir: null, tflitePath: null, firstFeasibleSeconds: null, notes: [],
    };
    const out = renderReport(s);
    expect(out).toContain('No trials were run.');
    expect(out).toContain('no limit');
    expect(out).toContain('No training curves were recorded.');
    expect(noScript(out)).not.toMatch(/NaN|Infinity|undefined/);
    expect(unbalanced(out)).toEqual([]);
  });

  it('never prints NaN, Infinity or undefined', () => {
    expect(noScript(html)).not.toMatch(/NaN|Infinity|undefined|\[object/);
  });
});
