import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conditionName, VIBRATION_FAULTS } from '../../../src/data/synth/machine.js';
import { synthVibration } from '../../../src/data/synth/vibration.js';
import { loadSeriesFolder, manifestSplits, readManifest } from '../../../src/data/folder.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-vib-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FS = 1000;

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
