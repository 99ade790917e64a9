import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KWS_KEYWORDS, synthKws, trimSilence, type SynthKwsSummary } from '../../../src/data/synth/kws.js';
import { espeakSay, KWS_HELD_OUT_VARIANTS, KWS_TEST_VOICES, KWS_TRAIN_VOICES, KWS_WARP, warpSpeech } from '../../../src/data/synth/voices.js';
import { mapLimit, STAMP_FILE } from '../../../src/data/synth/common.js';
import { loadAudioFolder, manifestSplits, readManifest } from '../../../src/data/folder.js';
import { readWav } from '../../../src/data/wav.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-kws-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Small: 3 clips per class, two training voices and one test voice.
const small = { perWord: 3, seed: 11, trainVoices: ['en-us+m3', 'en+f1'], testVoices: ['en-us+m6'] };
const LABELS = [...KWS_KEYWORDS, 'unknown', 'silence'];

describe('synth-kws', () => {
  const out = path.join(tmp, 'kws');
  let first: SynthKwsSummary;
  beforeAll(async () => {
    first = await synthKws({ ...small, out });
  });

  it('writes one folder per class, 1-s 16-kHz mono clips, and a manifest with disjoint train/test voices', () => {
    expect(first.cached).toBe(false);
    expect(first.clips).toBe(3 * LABELS.length);
    const dirs = readdirSync(out).filter((n) => statSync(path.join(out, n)).isDirectory()).sort();
    expect(dirs).toEqual([...LABELS].sort());
    const m = readManifest(path.join(out, 'manifest.csv'));
    expect(readFileSync(path.join(out, 'manifest.csv'), 'utf8').split('\n')[0]!.startsWith('file,label,group,split')).toBe(true);
    expect(m.files.length).toBe(first.clips);
    const train = new Set(m.files.filter((f) => f.split === 'train').map((f) => f.group));
    const test = new Set(m.files.filter((f) => f.split === 'test').map((f) => f.group));
    expect([...train].sort()).toEqual(['en+f1', 'en-us+m3']);
    expect([...test]).toEqual(['en-us+m6']);
    for (const label of LABELS) {
      const rows = m.files.filter((f) => f.label === label);
      expect(rows.length).toBe(3);
      // Every class has test clips (each voice gets an equal share of each class).
      expect(rows.filter((f) => f.split === 'test').length).toBe(1);
      for (const f of rows) {
        expect(f.name.startsWith(`${label}/${f.group}_`)).toBe(true);
        const w = readWav(f.path);
        expect([w.sampleRate, w.channels, w.bitsPerSample, w.frames]).toEqual([16000, 1, 16, 16000]);
        expect(w.clipped).toBe(0);
        let peak = 0;
        for (const v of w.samples) peak = Math.max(peak, Math.abs(v));
        if (label === 'silence') expect(peak).toBeLessThan(0.2);
        else expect(peak).toBeGreaterThan(0.05);
        if (label === 'unknown') expect(KWS_KEYWORDS as readonly string[]).not.toContain(f.meta!.text);
        else if (label !== 'silence') expect(f.meta!.text).toBe(label);
      }
    }
  });

  it('reruns with the same settings as a no-op', async () => {
    const stamp = readFileSync(path.join(out, STAMP_FILE), 'utf8');
    const file = path.join(out, readManifest(path.join(out, 'manifest.csv')).files[0]!.name);
    const mtime = statSync(file).mtimeMs;
    const t = Date.now();
    const again = await synthKws({ ...small, out });
    expect(again.cached).toBe(true);
    expect(again.clips).toBe(first.clips);
    expect(Date.now() - t).toBeLessThan(2000);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readFileSync(path.join(out, STAMP_FILE), 'utf8')).toBe(stamp);
  });

  it('is deterministic: the same settings elsewhere give the same bytes', async () => {
    const other = path.join(tmp, 'kws-again');
    await synthKws({ ...small, out: other });
    const digest = (dir: string) => {
      const h = createHash('sha256');
      for (const f of readManifest(path.join(dir, 'manifest.csv')).files) h.update(f.name).update(readFileSync(f.path));
      return h.digest('hex');
    };
    expect(digest(other)).toBe(digest(out));
    expect(readFileSync(path.join(other, 'manifest.csv'), 'utf8')).toBe(readFileSync(path.join(out, 'manifest.csv'), 'utf8'));
    // New settings replace the folder's contents.
    const r = await synthKws({ ...small, perWord: 1, out: other });
    expect(r.cached).toBe(false);
    expect(readManifest(path.join(other, 'manifest.csv')).files.length).toBe(LABELS.length);
    expect(readdirSync(path.join(other, 'yes')).length).toBe(1);
  });

  it('loads into MFCC features with voice groups and the manifest split', () => {
    const loaded = loadAudioFolder(out, { features: { kind: 'mfcc', sampleRate: 16000, inputLength: 16000, frameLength: 640, frameStride: 320 } });
    expect(loaded.dataset.shape).toEqual([49, 13, 1]);
    expect(loaded.dataset.y.length).toBe(first.clips);
    expect([...loaded.dataset.labels]).toEqual([...LABELS].sort());
    expect([...loaded.groupNames].sort()).toEqual(['en+f1', 'en-us+m3', 'en-us+m6']);
    expect(loaded.health.warnings).toEqual([]);
    const s = manifestSplits(loaded, { val: 0.3, seed: 1 });
    expect(s.test.y.length).toBe(LABELS.length);
    const testGroup = loaded.groupNames.indexOf('en-us+m6');
    expect([...s.test.groups!].every((g) => g === testGroup)).toBe(true);
    expect([...s.train.groups!, ...s.val.groups!].includes(testGroup)).toBe(false);
  });

  it('refuses a non-empty folder it did not make, and unknown voices', async () => {
    const foreign = path.join(tmp, 'foreign');
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
    await expect(synthKws({ ...small, out: foreign })).rejects.toThrow(/not empty and was not made by synth-kws/);
    expect(readFileSync(path.join(foreign, 'notes.txt'), 'utf8')).toBe('mine');
    await expect(synthKws({ ...small, out: path.join(tmp, 'bad-voice'), testVoices: ['en+nosuchvariant'] })).rejects.toThrow(/en\+nosuchvariant: espeak-ng has no variant/);
    await expect(synthKws({ ...small, out: path.join(tmp, 'bad-voice'), testVoices: ['en-gb+m2'] })).rejects.toThrow(/sounds exactly like en-gb/);
    await expect(synthKws({ ...small, out: path.join(tmp, 'bad-voice'), testVoices: ['xx-nope'] })).rejects.toThrow(/no language voice "xx-nope"/);
    await expect(synthKws({ ...small, out: path.join(tmp, 'x'), testVoices: ['en+f1'] })).rejects.toThrow(/both the training and the test voices/);
    await expect(synthKws({ ...small, out: path.join(tmp, 'x'), testVoices: ['en-gb-scotland+f1'] })).rejects.toThrow(/en\+f1 has the variant of a test voice \(f1\)/);
  });

  it('varies training speech (warp, pitch, speed) and leaves test speech as espeak-ng made it', () => {
    const m = readManifest(path.join(out, 'manifest.csv')).files.filter((f) => f.label !== 'silence');
    const num = (f: (typeof m)[number], k: string) => Number(f.meta![k]);
    for (const f of m.filter((r) => r.split === 'test')) {
      expect(num(f, 'warp')).toBe(1);
      expect(num(f, 'pitch')).toBeGreaterThanOrEqual(20);
      expect(num(f, 'pitch')).toBeLessThanOrEqual(80);
    }
    const warps = m.filter((r) => r.split === 'train').map((f) => num(f, 'warp'));
    for (const w of warps) {
      expect(w).toBeGreaterThanOrEqual(KWS_WARP.min);
      expect(w).toBeLessThanOrEqual(KWS_WARP.max);
    }
    expect(new Set(warps).size).toBeGreaterThan(warps.length / 2);
  });

  it('warpSpeech scales frequencies by the warp and duration by its inverse', () => {
    const rate = 16000;
    const tone = Float32Array.from({ length: rate }, (_, i) => Math.sin((2 * Math.PI * 500 * i) / rate));
    const crossings = (x: Float32Array) => x.reduce((n, v, i) => n + (i > 0 && (x[i - 1]! < 0) !== (v < 0) ? 1 : 0), 0);
    for (const w of [KWS_WARP.min, 1, KWS_WARP.max]) {
      const y = warpSpeech(tone, rate, rate, w);
      expect(Math.abs(y.length - rate / w)).toBeLessThan(0.005 * rate);
      // 500·w Hz: 2 crossings a period over the warped duration.
      expect(Math.abs(crossings(y) / (y.length / rate) / 2 - 500 * w)).toBeLessThan(0.005 * 500 * w);
    }
  });

  it('default voices: many training timbres, none a test variant or a near-copy of one', () => {
    const variant = (v: string) => v.split('+')[1] ?? '';
    const train = new Set(KWS_TRAIN_VOICES.map(variant));
    expect(train.size).toBeGreaterThanOrEqual(60);
    for (const t of KWS_TEST_VOICES) expect(KWS_HELD_OUT_VARIANTS).toContain(variant(t));
    for (const v of KWS_HELD_OUT_VARIANTS) expect(train.has(v)).toBe(false);
    expect(new Set(KWS_TRAIN_VOICES).size).toBe(KWS_TRAIN_VOICES.length);
  });

  it('every default voice speaks, and no two sound the same (espeak-ng ignores some variants silently)', async () => {
    const voices = [...KWS_TRAIN_VOICES, ...KWS_TEST_VOICES];
    const dir = path.join(tmp, 'voices');
    mkdirSync(dir, { recursive: true });
    const digests = await mapLimit(voices, 2, async (v, i) => {
      const w = await espeakSay('espeak-ng', v, 'stop', 50, 175, path.join(dir, `${i}.wav`));
      expect(trimSilence(w.samples, w.sampleRate).length).toBeGreaterThan(0.1 * w.sampleRate);
      return createHash('sha256').update(new Uint8Array(w.samples.buffer)).digest('hex');
    });
    expect(new Set(digests).size).toBe(voices.length);
  });
});
