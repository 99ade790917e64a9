import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BEARING_6205, bearingFrequencies, conditionName, drawMachine, simulateRecording, synthVibration,
  VIBRATION_FAULTS, type VibrationLabel,
} from '../../../src/data/synth/vibration.js';
import { loadSeriesFolder, manifestSplits, readManifest } from '../../../src/data/folder.js';
import { Rng } from '../../../src/util/random.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-vib-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FS = 1000;

/** Amplitude of the component at f Hz (Hann-windowed projection, mean removed). */
function amplitude(v: Float32Array, f: number): number {
  const n = v.length;
  let mean = 0;
  for (const x of v) mean += x;
  mean /= n;
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const x = (v[i]! - mean) * w;
    re += x * Math.cos((2 * Math.PI * f * i) / FS);
    im += x * Math.sin((2 * Math.PI * f * i) / FS);
  }
  return (4 * Math.hypot(re, im)) / n;
}

const axis = (xyz: Float32Array, a: number) => Float32Array.from({ length: xyz.length / 3 }, (_, i) => xyz[i * 3 + a]!);

/** Envelope: magnitude of the second difference (a high-pass that keeps the resonance ringing). */
function envelope(v: Float32Array): Float32Array {
  const e = new Float32Array(v.length);
  for (let i = 2; i < v.length; i++) e[i] = Math.abs(v[i]! - 2 * v[i - 1]! + v[i - 2]!);
  return e;
}

describe('vibration physics', () => {
  const machine = drawMachine('m1', new Rng(5));
  const sim = (label: VibrationLabel, rpm = 1800, load = 0.5) =>
    simulateRecording({ machine, condition: { rpm, load }, label, severity: 1, sampleRate: FS, seconds: 4, seed: 3 });
  const normal = sim('normal');
  const fr = normal.shaftHz;

  it('bearing defect orders follow the 6205 geometry (the CWRU figures)', () => {
    const b = bearingFrequencies(BEARING_6205, 1);
    expect(b.bpfo).toBeCloseTo(3.5848, 3);
    expect(b.bpfi).toBeCloseTo(5.4152, 3);
    expect(b.ftf).toBeCloseTo(0.39828, 4);
    expect(2 * b.bsf).toBeCloseTo(4.7135, 3);
  });

  it('shaft rate slips with load; gravity on y; noise and drift stay small', () => {
    expect(fr).toBeCloseTo(30 * (1 - 0.02 * 0.5), 1);
    expect(sim('normal', 1800, 1).shaftHz).toBeLessThan(fr);
    const y = axis(normal.xyz, 1);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    expect(mean).toBeGreaterThan(0.9);
    expect(mean).toBeLessThan(1.1);
    // 3.9 mg quantisation.
    for (const v of normal.xyz.subarray(0, 300)) expect(Math.abs(v * 256 - Math.round(v * 256))).toBeLessThan(1e-3);
  });

  it('imbalance: the radial spectrum peaks at 1× shaft rate, far above the healthy machine', () => {
    const x = axis(sim('imbalance').xyz, 0);
    const x0 = axis(normal.xyz, 0);
    expect(amplitude(x, fr)).toBeGreaterThan(3 * amplitude(x0, fr));
    // The largest line from 5 to 200 Hz is at 1× (0.25-Hz steps).
    let best = 0;
    let at = 0;
    for (let f = 5; f <= 200; f += 0.25) {
      const a = amplitude(x, f);
      if (a > best) { best = a; at = f; }
    }
    expect(Math.abs(at - fr)).toBeLessThan(0.5);
  });

  it('misalignment: strong 2× axial', () => {
    const z = axis(sim('misalignment').xyz, 2);
    const z0 = axis(normal.xyz, 2);
    expect(amplitude(z, 2 * fr)).toBeGreaterThan(10 * amplitude(z0, 2 * fr));
    expect(amplitude(z, 2 * fr)).toBeGreaterThan(amplitude(z, fr));
  });

  it('looseness: ½× sub-harmonics and a row of harmonics', () => {
    const y = axis(sim('looseness').xyz, 1);
    const y0 = axis(normal.xyz, 1);
    expect(amplitude(y, fr / 2)).toBeGreaterThan(5 * amplitude(y0, fr / 2));
    expect(amplitude(y, 1.5 * fr)).toBeGreaterThan(5 * amplitude(y0, 1.5 * fr));
    for (const h of [4, 5, 6]) expect(amplitude(y, h * fr)).toBeGreaterThan(3 * amplitude(y0, h * fr));
  });

  it('bearing defects: envelope energy at BPFO, BPFI (with 1× sidebands), 2×BSF', () => {
    const b = bearingFrequencies(BEARING_6205, fr);
    const env = (l: VibrationLabel) => envelope(axis(sim(l).xyz, 1));
    const e0 = envelope(axis(normal.xyz, 1));
    const outer = env('bearing-outer');
    expect(amplitude(outer, b.bpfo)).toBeGreaterThan(10 * amplitude(e0, b.bpfo));
    expect(amplitude(outer, b.bpfo)).toBeGreaterThan(10 * amplitude(outer, 1.17 * b.bpfo));
    expect(amplitude(outer, 2 * b.bpfo)).toBeGreaterThan(5 * amplitude(outer, 1.17 * b.bpfo));
    const inner = env('bearing-inner');
    expect(amplitude(inner, b.bpfi)).toBeGreaterThan(10 * amplitude(e0, b.bpfi));
    expect(amplitude(inner, b.bpfi + fr)).toBeGreaterThan(3 * amplitude(inner, b.bpfi + 0.5 * fr));
    expect(amplitude(inner, b.bpfi)).toBeGreaterThan(3 * amplitude(inner, b.bpfo));
    const ball = env('bearing-ball');
    expect(amplitude(ball, 2 * b.bsf)).toBeGreaterThan(10 * amplitude(e0, 2 * b.bsf));
    // The raw (not enveloped) spectrum holds the BPFO line too.
    expect(amplitude(axis(sim('bearing-outer').xyz, 1), b.bpfo)).toBeGreaterThan(3 * amplitude(axis(normal.xyz, 1), b.bpfo));
  });

  it('is deterministic for a seed', () => {
    expect(Buffer.from(sim('looseness').xyz.buffer).equals(Buffer.from(sim('looseness').xyz.buffer))).toBe(true);
  });
});

describe('synth-vibration', () => {
  const out = path.join(tmp, 'vib');
  const opts = { out, seconds: 2, machines: 1, trainRecordings: 1, seed: 7 };

  it('writes recordings and a manifest: train is normal only, test conditions never seen in training', async () => {
    const r = await synthVibration(opts);
    expect(r.cached).toBe(false);
    const m = readManifest(path.join(out, 'manifest.csv'));
    expect(m.files.length).toBe(r.recordings);
    const train = m.files.filter((f) => f.split === 'train');
    const test = m.files.filter((f) => f.split === 'test');
    const val = m.files.filter((f) => f.split === 'val');
    expect(new Set(train.map((f) => f.label))).toEqual(new Set(['normal']));
    for (const s of [test, val]) expect(new Set(s.map((f) => f.label))).toEqual(new Set(['normal', ...VIBRATION_FAULTS]));
    const trainConds = new Set(train.map((f) => f.meta!.condition));
    expect(trainConds.size).toBe(8);
    for (const f of test) expect(trainConds.has(f.meta!.condition!)).toBe(false);
    for (const f of val) expect(trainConds.has(f.meta!.condition!)).toBe(true);
    expect(r.conditions.test).not.toContain(conditionName({ rpm: 1800, load: 0.25 }));
    // Groups are recordings (unique), named after the machine.
    expect(new Set(m.files.map((f) => f.group)).size).toBe(m.files.length);
    const csv = readFileSync(m.files[0]!.path, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('timestamp,x,y,z');
    expect(csv.length).toBe(1 + 2 * FS);
    expect(csv[2]!.split(',')[0]).toBe('0.0010');
  });

  it('reruns with the same settings as a no-op', async () => {
    const before = statSync(path.join(out, 'manifest.csv')).mtimeMs;
    const r = await synthVibration(opts);
    expect(r.cached).toBe(true);
    expect(statSync(path.join(out, 'manifest.csv')).mtimeMs).toBe(before);
  });

  it('loads as windows or motion features, with groups, splits, conditions and a normal/anomaly mapping', () => {
    const raw = loadSeriesFolder(out, { window: { length: 500, stride: 250, pad: false } });
    expect(raw.dataset.shape).toEqual([500, 3]);
    expect(raw.dataset.y.length).toBe(raw.files.length);
    // 2000 rows: 7 windows of 500 at stride 250.
    expect(raw.dataset.y.length).toBe(7 * readManifest(path.join(out, 'manifest.csv')).files.length);
    expect(raw.health.kind).toBe('series');
    expect(raw.health.warnings.filter((w) => /NaN|duplicate|too short/.test(w))).toEqual([]);
    const feats = loadSeriesFolder(out, {
      window: { length: 500, stride: 250, pad: false }, normal: 'normal',
      features: { kind: 'motion', sampleRate: FS, axes: 3, windowLength: 500, bands: 8 },
    });
    expect(feats.dataset.labels).toEqual(['normal', 'anomaly']);
    expect(feats.dataset.shape).toEqual([3 * (6 + 8)]);
    const trainIdx = feats.splits!.flatMap((s, i) => (s === 'train' ? [i] : []));
    for (const i of trainIdx) expect(feats.dataset.y[i]).toBe(0);
    expect(feats.windowLabels.filter((l) => l !== 'normal').length).toBe(feats.dataset.y.reduce((a, b) => a + b, 0));
    expect(new Set(feats.conditions).size).toBe(14);
    const s = manifestSplits(feats, { val: 0.2, seed: 1 });
    expect(s.train.y.every((v) => v === 0)).toBe(true);
    expect(s.test.y.some((v) => v === 1)).toBe(true);
    const trainOnly = loadSeriesFolder(out, { window: { length: 500, stride: 500 }, split: 'train', normal: 'normal' });
    expect(trainOnly.dataset.labels).toEqual(['normal', 'anomaly']);
    expect(new Set(trainOnly.splits)).toEqual(new Set(['train']));
  });

  it('refuses bad settings with one line', async () => {
    await expect(synthVibration({ out: path.join(tmp, 'bad'), testConditions: [{ rpm: 1800, load: 0.25 }] })).rejects.toThrow(/also a training condition/);
    await expect(synthVibration({ out: path.join(tmp, 'bad'), sampleRate: 200, trainConditions: [{ rpm: 3000, load: 0.5 }] })).rejects.toThrow(/Nyquist/);
  });
});
