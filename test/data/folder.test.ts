import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  groupFromFileName, listLabelledFiles, loadAudioFolder, loadSeriesFolder, manifestSplits, readManifest,
} from '../../src/data/folder.js';
import { encodeWav } from '../../src/data/wav.js';
import { parseFeatureConfig } from '../../src/dsp/index.js';
import { MlforgeError } from '../../src/errors.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-folder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tone = (hz: number, rate: number, seconds: number, amp = 0.5) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));

function write(file: string, bytes: Uint8Array | string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return file;
}

const MFCC = { kind: 'mfcc' as const, sampleRate: 16000, inputLength: 16000, frameLength: 640, frameStride: 320 };

/** An MlforgeError whose one-line message matches. */
function throwsLine(f: () => unknown, re: RegExp): void {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(MlforgeError);
  expect((err as Error).message).toMatch(re);
  expect((err as Error).message).not.toContain('\n');
}

describe('audio folders', () => {
  const root = path.join(tmp, 'audio');
  // Two classes, three speakers (Speech Commands names), mixed rates, stereo, a short clip.
  write(path.join(root, 'high/alice_nohash_0.wav'), encodeWav(tone(2000, 16000, 1), 16000));
  write(path.join(root, 'high/bob_nohash_0.wav'), encodeWav(tone(2100, 8000, 1), 8000));
  write(path.join(root, 'high/carol_nohash_0.wav'), encodeWav(tone(1900, 44100, 0.3), 44100));
  const st = tone(300, 22050, 1);
  const stereo = new Float32Array(st.length * 2);
  st.forEach((v, i) => { stereo[2 * i] = v; stereo[2 * i + 1] = v; });
  write(path.join(root, 'low/alice_nohash_1.wav'), encodeWav(stereo, 22050, 2));
  write(path.join(root, 'low/bob_nohash_1.wav'), encodeWav(tone(250, 16000, 1), 16000));
  write(path.join(root, 'low/carol_nohash_1.wav'), encodeWav(tone(350, 16000, 1.5), 16000));
  write(path.join(root, '_background_noise_/hum.wav'), encodeWav(tone(50, 16000, 1), 16000));
  write(path.join(root, 'low/readme.txt'), 'not audio');

  it('reads class folders: resampled, fit to length, MFCC, speaker groups, health', () => {
    const r = loadAudioFolder(root, { features: MFCC });
    expect(r.source).toBe('folders');
    expect(r.dataset.labels).toEqual(['high', 'low']);
    expect(r.dataset.shape).toEqual([49, 13, 1]);
    expect(r.dataset.x.length).toBe(6 * 49 * 13);
    expect([...r.dataset.y]).toEqual([0, 0, 0, 1, 1, 1]);
    expect(r.files).toEqual(['high/alice_nohash_0.wav', 'high/bob_nohash_0.wav', 'high/carol_nohash_0.wav', 'low/alice_nohash_1.wav', 'low/bob_nohash_1.wav', 'low/carol_nohash_1.wav']);
    expect(r.groupNames).toEqual(['alice', 'bob', 'carol']);
    expect([...r.dataset.groups!]).toEqual([0, 1, 2, 0, 1, 2]);
    expect(r.splits).toBeUndefined();
    expect(r.dataset.x.every(Number.isFinite)).toBe(true);
    expect(r.health.items).toBe(6);
    expect(r.health.sampleRates.map((s) => s.rate).sort((a, b) => a - b)).toEqual([8000, 16000, 22050, 44100]);
    expect(r.health.tooShort.map((t) => t.name)).toEqual(['high/carol_nohash_0.wav']);
    expect(r.health.warnings.some((w) => /not at 16000 Hz will be resampled/.test(w))).toBe(true);
  });

  it('keeps raw waveforms at the target rate: frequency preserved, short clips zero-padded', () => {
    const r = loadAudioFolder(root, { sampleRate: 16000, length: 16000 });
    expect(r.dataset.shape).toEqual([16000, 1]);
    const clip = (i: number) => r.dataset.x.subarray(i * 16000, (i + 1) * 16000);
    // bob's 2100 Hz at 8 kHz → 16 kHz: 2100 cycles in the second (zero crossings ≈ 4200).
    const b = clip(1);
    let crossings = 0;
    for (let i = 1000; i < 15000; i++) if ((b[i - 1]! < 0) !== (b[i]! < 0)) crossings++;
    expect(Math.abs(crossings / 14000 * 16000 - 4200)).toBeLessThan(20);
    // carol: 0.3 s of audio, then zeros.
    const c = clip(2);
    expect(Math.max(...Array.from(c.subarray(0, 4000), Math.abs))).toBeGreaterThan(0.4);
    expect(c.subarray(5200).every((v) => v === 0)).toBe(true);
    // alice's stereo mixes to the same mono tone.
    expect(Math.max(...Array.from(clip(3), Math.abs))).toBeGreaterThan(0.45);
  });

  it('reads a manifest: relative paths, groups and splits, quoted cells, extra columns; manifestSplits keeps groups apart', () => {
    const m = path.join(root, 'list.csv');
    write(m, [
      'file,label,speaker,split,note',
      'high/alice_nohash_0.wav,high,alice,train,"a, quoted note"',
      'high/bob_nohash_0.wav,high,bob,test,',
      'high/carol_nohash_0.wav,high,carol,train,x',
      'low/alice_nohash_1.wav,low,alice,train,x',
      '"low/bob_nohash_1.wav",low,bob,TEST,x',
      'low/carol_nohash_1.wav,low,carol,train,x',
      '',
    ].join('\n'));
    const listing = readManifest(m);
    expect(listing.files[0]!.meta).toEqual({ note: 'a, quoted note' });
    expect(listing.files[4]!.split).toBe('test');
    const r = loadAudioFolder(m, { features: MFCC });
    expect(r.source).toBe('manifest');
    expect(r.splits).toEqual(['train', 'test', 'train', 'train', 'test', 'train']);
    const s = manifestSplits(r, { val: 0.5, seed: 3 });
    expect(s.test.y.length).toBe(2);
    const bob = r.groupNames.indexOf('bob');
    expect([...s.test.groups!]).toEqual([bob, bob]);
    const trainGroups = new Set(s.train.groups);
    for (const g of s.val.groups!) expect(trainGroups.has(g)).toBe(false);
    expect(s.train.y.length + s.val.y.length).toBe(4);
    const onlyTest = loadAudioFolder(m, { features: MFCC, split: 'test' });
    expect(onlyTest.files).toEqual(['high/bob_nohash_0.wav', 'low/bob_nohash_1.wav']);
  });

  it('health finds duplicates and clipping', () => {
    const d = path.join(tmp, 'dups');
    const same = encodeWav(tone(440, 16000, 1), 16000);
    write(path.join(d, 'a/x1.wav'), same);
    write(path.join(d, 'a/x2.wav'), same);
    write(path.join(d, 'b/loud.wav'), encodeWav(tone(440, 16000, 1, 3), 16000));
    const r = loadAudioFolder(d, { features: MFCC });
    expect(r.health.duplicates).toEqual([['a/x1.wav', 'a/x2.wav']]);
    expect(r.health.clipping.map((c) => c.name)).toEqual(['b/loud.wav']);
    // Files without '_' are their own groups.
    expect(r.groupNames).toEqual(['a/x1.wav', 'a/x2.wav', 'b/loud.wav']);
  });

  it('derives groups from file names', () => {
    expect(groupFromFileName('yes/0a7c2a8d_nohash_0.wav')).toBe('0a7c2a8d');
    expect(groupFromFileName('yes/en-us+f2_yes_0003.wav')).toBe('en-us+f2');
    expect(groupFromFileName('yes/clip.wav')).toBeUndefined();
  });

  it('errors name the file, row or field', () => {
    const e = path.join(tmp, 'errors');
    write(path.join(e, 'ok/a.wav'), encodeWav(tone(440, 16000, 1), 16000));
    write(path.join(e, 'ok/b.wav'), encodeWav(tone(440, 16000, 1), 16000));
    write(path.join(e, 'bad/broken.wav'), 'RIFF\x10\x00\x00\x00WAVEjunk');
    throwsLine(() => loadAudioFolder(e, { features: MFCC }), /bad\/broken\.wav: .*RIFF size/);
    const csv = (name: string, text: string) => write(path.join(e, name), text);
    throwsLine(() => loadAudioFolder(csv('m1.csv', 'file,label\nok/a.wav,yes\nok/missing.wav,no\n'), { features: MFCC }), /m1\.csv: row 3: "ok\/missing\.wav" does not exist/);
    throwsLine(() => loadAudioFolder(csv('m2.csv', 'path,speaker\nok/a.wav,x\n'), { features: MFCC }), /m2\.csv: header .* needs a label column/);
    throwsLine(() => loadAudioFolder(csv('m3.csv', 'file,label\nok/a.wav,yes,extra\n'), { features: MFCC }), /m3\.csv: row 2 has 3 columns, expected 2/);
    throwsLine(() => loadAudioFolder(csv('m4.csv', 'file,label\nok/a.wav,\n'), { features: MFCC }), /m4\.csv: row 2: empty label/);
    throwsLine(() => loadAudioFolder(csv('m5.csv', 'file,label\nok/a.wav,x\nok/a.wav,y\n'), { features: MFCC }), /m5\.csv: row 3: "ok\/a\.wav" is listed again \(first in row 2\)/);
    throwsLine(() => loadAudioFolder(csv('m6.csv', 'file,label\n"ok/a.wav,x\n'), { features: MFCC }), /m6\.csv: row 2: unterminated quote/);
    throwsLine(() => loadAudioFolder(csv('m7.csv', 'file,label\n'), { features: MFCC }), /m7\.csv: no rows after the header/);
    throwsLine(() => loadAudioFolder(csv('m8.csv', 'file,label,split\nok/a.wav,x,train\n'), { features: MFCC, split: 'test' }), /no rows with split "test"/);
    throwsLine(() => loadAudioFolder(path.join(e, 'nope'), { features: MFCC }), /dataset .*nope does not exist/);
    throwsLine(() => loadAudioFolder(path.join(e, 'ok'), { features: MFCC }), /no class folders with \.wav files \(the \.wav files sit in the folder itself\)/);
    throwsLine(() => loadAudioFolder(path.join(e, 'm1.csv'), { features: { kind: 'motion', sampleRate: 100, axes: 3, windowLength: 100 } }), /features.kind is "motion"/);
    throwsLine(() => loadAudioFolder(path.join(e, 'm1.csv'), { features: { ...MFCC, frameLength: 1 << 20 } }), /m1\.csv: features\.frameLength/);
    throwsLine(() => loadAudioFolder(path.join(e, 'm1.csv'), {}), /sampleRate must be an integer/);
    const r = manifestSplits.bind(null, { dataset: { name: 'd', shape: [1], x: new Float32Array(1), y: new Int32Array(1), labels: ['a'] }, splits: ['train'] }, { val: 0.1, seed: 1 });
    throwsLine(r, /no rows with split "test"/);
  });
});

describe('series folders', () => {
  const root = path.join(tmp, 'series');
  const rec = (f: number, rows: number, axes = 3) => ['t,ax,ay,az'.split(',').slice(0, axes + 1).join(','),
    ...Array.from({ length: rows }, (_, i) => [(i / 100).toFixed(2), ...Array.from({ length: axes }, (_, a) => Math.sin((2 * Math.PI * f * i) / 100 + a).toFixed(4))].join(','))].join('\n') + '\n';
  write(path.join(root, 'walk/s1_a.csv'), rec(2, 250));
  write(path.join(root, 'walk/s2_a.csv'), rec(2.2, 250));
  write(path.join(root, 'run/s1_b.csv'), rec(4, 300));

  it('windows each recording, one label per file, a group per file', () => {
    const r = loadSeriesFolder(root, { window: { length: 100, stride: 50 } });
    expect(r.dataset.labels).toEqual(['run', 'walk']);
    expect(r.dataset.shape).toEqual([100, 3]);
    // run: 300 rows → 5 windows; walk: 250 rows → 4 each (the last ends on the last row: no padded one).
    expect(r.files.filter((f) => f.startsWith('run/')).length).toBe(5);
    expect(r.files.filter((f) => f.startsWith('walk/')).length).toBe(8);
    expect(r.dataset.y.length).toBe(13);
    // 230 rows: 3 whole windows and a zero-padded fourth, each one's file and group counted right.
    const padRoot = path.join(tmp, 'series-pad');
    write(path.join(padRoot, 'walk/p.csv'), rec(2, 230));
    write(path.join(padRoot, 'run/q.csv'), rec(4, 100));
    const p = loadSeriesFolder(padRoot, { window: { length: 100, stride: 50 } });
    expect(p.files).toEqual(['run/q.csv', 'walk/p.csv', 'walk/p.csv', 'walk/p.csv', 'walk/p.csv']);
    expect([...p.dataset.groups!]).toEqual([0, 1, 1, 1, 1]);
    const last = p.dataset.x.subarray(4 * 300, 5 * 300);
    expect(last.subarray(80 * 3).every((v) => v === 0)).toBe(true);
    expect(last.subarray(0, 80 * 3).some((v) => v !== 0)).toBe(true);
    expect(r.groupNames).toEqual(['run/s1_b.csv', 'walk/s1_a.csv', 'walk/s2_a.csv']);
    expect(r.health.kind).toBe('series');
    expect(r.health.sampleRates[0]!.rate).toBeCloseTo(100, 6);
    const f = loadSeriesFolder(root, { window: { length: 100, stride: 50, pad: false }, features: { kind: 'motion', sampleRate: 100, axes: 3, windowLength: 100, bands: 4 } });
    expect(f.dataset.shape).toEqual([3 * (6 + 4)]);
    expect(f.dataset.y.length).toBe(13);
    // An already parsed config works too.
    const parsed = parseFeatureConfig({ kind: 'motion', sampleRate: 100, axes: 3, windowLength: 100, bands: 4 });
    expect(loadSeriesFolder(root, { window: { length: 100, stride: 50, pad: false }, features: parsed }).dataset.x).toEqual(f.dataset.x);
  });

  it('errors name the file or field', () => {
    throwsLine(() => loadSeriesFolder(root, { window: { length: 100, stride: 0 } }), /window\.stride/);
    throwsLine(() => loadSeriesFolder(root, { window: { length: 100, stride: 50 }, features: { kind: 'motion', sampleRate: 100, axes: 2, windowLength: 100 } }), /features\.axes is 2, the series have 3/);
    throwsLine(() => loadSeriesFolder(root, { window: { length: 100, stride: 50 }, features: { kind: 'motion', sampleRate: 100, axes: 3, windowLength: 64 } }), /windowLength is 64, the window length is 100/);
    throwsLine(() => loadSeriesFolder(root, { window: { length: 100, stride: 50 }, normal: 'idle' }), /no file has the normal label "idle"/);
    const bad = path.join(tmp, 'series-bad');
    write(path.join(bad, 'a/x.csv'), rec(2, 50));
    write(path.join(bad, 'a/y.csv'), 't,ax,ay,az\n0,1,2,3\n0.01,1,2\n');
    throwsLine(() => loadSeriesFolder(bad, { window: { length: 10, stride: 10 } }), /a\/y\.csv: row 3 has 3 columns, expected 4/);
    write(path.join(bad, 'a/y.csv'), rec(2, 50, 2));
    throwsLine(() => loadSeriesFolder(bad, { window: { length: 10, stride: 10 } }), /axes/);
    expect(listLabelledFiles(bad, '.csv').files.length).toBe(2);
  });
});
