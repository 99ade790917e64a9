/**
 * A keyword-spotting dataset synthesised with espeak-ng, nothing downloaded.
 *
 * Classes: ten keywords (yes no up down left right on off stop go), `unknown`
 * (other words) and `silence` (background noise only), `perWord` clips each,
 * 1 s at 16 kHz, 16-bit mono WAV, one folder per class, plus manifest.csv
 * (file,label,group,split and how each clip was made). group = the voice.
 *
 * Variation per clip: the voice (an espeak language voice + a variant, e.g.
 * `en-us+f1`; English accents and a few other-language voices reading the
 * English words with their own letter-to-sound rules, i.e. accented), pitch,
 * speed, level (speech peak −20…−1 dBFS), a random place in the 1-s window,
 * background noise (white, pink, brown, mains hum, or babble mixed from other
 * talkers' phrases) at 25/20/15/10/5 dB SNR (10 % clean), and a random
 * microphone response (first-order low-pass 3–7 kHz and/or high-pass
 * 60–250 Hz).
 *
 * Held-out voices: a fifth of each class (more when there are few training
 * voices) is spoken by the test voices (KWS_TEST_VOICES, -p 20–80, -s 120–210
 * wpm, as espeak-ng made them). They use variants that no training voice uses,
 * nor a near-copy of them (KWS_HELD_OUT_VARIANTS), so a test speaker is new in
 * both identity and timbre; their accents are English ones that training also
 * has. Babble in test clips comes from test voices only, so nothing of a test
 * voice leaks into training. Training speech varies more, since speaker
 * variety is what transfers to new speakers: 166 voices (the other
 * installed variants, each with two or three accents), -p 5–95, -s 110–240 wpm,
 * and a vocal-tract-length warp (resampled by 0.85–1.18, log-uniform: formants
 * and pitch × w, duration ÷ w).
 *
 * Deterministic: every random choice is drawn up front from the seed, each
 * clip's noise from its own derived seed, so the output does not depend on
 * the order in which the concurrent espeak-ng processes finish. Cached: the
 * folder's stamp holds a hash of the settings (including the espeak-ng
 * version); rerunning with the same settings is a no-op.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlforgeError } from '../../errors.js';
import { Rng } from '../../util/random.js';
import { encodeWav, resample } from '../wav.js';
import { assertOwnable, cacheDir, csvLine, finishedStamp, mapLimit, meanSquare, prepareOut, settingsHash, writeStamp, type Stamp } from './common.js';
import { highPass, lowPass, makeNoise, NOISE_KINDS, type NoiseKind } from './noise.js';
import { checkVoices, espeakSay, espeakVersion, KWS_TEST_VOICES, KWS_TRAIN_VOICES, KWS_WARP, warpSpeech } from './voices.js';

export const KWS_KEYWORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'] as const;

/** `unknown` words: none is a keyword or sounds like one (no "know", "write", "upper"). */
export const KWS_UNKNOWN_WORDS = [
  'bed', 'bird', 'cat', 'dog', 'happy', 'house', 'marvin', 'sheila', 'tree', 'wow',
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine',
  'learn', 'follow', 'forward', 'backward', 'visual', 'table', 'water', 'music', 'green', 'yellow',
  'window', 'paper', 'morning', 'orange', 'river', 'little', 'number', 'kitchen', 'garden', 'family',
] as const;

/** Words for babble phrases (no keywords or near-homophones). */
const BABBLE_WORDS = [
  'the', 'a', 'is', 'and', 'we', 'will', 'have', 'some', 'there', 'very', 'good', 'time', 'people', 'today',
  'maybe', 'think', 'really', 'because', 'would', 'could', 'after', 'with', 'about', 'where', 'market',
  ...KWS_UNKNOWN_WORDS,
];

export const KWS_CLASSES = [...KWS_KEYWORDS, 'unknown', 'silence'] as const;

/** Clips per class: 400 left held-out voices at 83 % (ds-cnn, 30 epochs), 1,200 at 91 %; more speech per voice is what transfers. */
export const KWS_DEFAULT_PER_WORD = 1200;
/** Bumped whenever the generator's output changes for the same settings. */
const GENERATOR_VERSION = 2;
/** Least share of each class's clips spoken by the test voices. */
const TEST_SHARE = 0.2;
/** espeak-ng pitch (0–99) and speed (wpm) ranges; test voices keep espeak-ng's usual ones. */
const TEST_PROSODY = { pitch: [20, 80], speed: [120, 210] } as const;
const TRAIN_PROSODY = { pitch: [5, 95], speed: [110, 240] } as const;
/** Babble phrases per split (fewer for tiny sets). */
const babblePerSplit = (perWord: number) => Math.min(16, Math.max(4, perWord));
const SNRS_DB = [25, 20, 15, 10, 5];

export interface SynthKwsOptions {
  /** Output folder; default ~/.cache/mlforge/synth-kws-<hash>. */
  readonly out?: string;
  readonly seed?: number;
  /** Clips per class (keywords, unknown, silence); default KWS_DEFAULT_PER_WORD. */
  readonly perWord?: number;
  readonly keywords?: readonly string[];
  readonly unknownWords?: readonly string[];
  readonly trainVoices?: readonly string[];
  readonly testVoices?: readonly string[];
  readonly sampleRate?: number;
  /** espeak-ng processes at once; default 2. */
  readonly concurrency?: number;
  /** The espeak-ng executable; default `espeak-ng` on PATH. */
  readonly espeak?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SynthKwsSummary {
  readonly out: string;
  readonly manifest: string;
  /** True when the folder already held this dataset and nothing was generated. */
  readonly cached: boolean;
  readonly hash: string;
  readonly clips: number;
  readonly classes: readonly { label: string; train: number; test: number }[];
  readonly voices: { readonly train: readonly string[]; readonly test: readonly string[] };
  readonly sampleRate: number;
  readonly samplesPerClip: number;
  readonly bytes: number;
  /** Wall time of the generation (of the original one when cached). */
  readonly seconds: number;
  readonly espeak: string;
}

interface KwsSettings {
  generator: 'synth-kws';
  version: number;
  seed: number;
  perWord: number;
  keywords: string[];
  unknownWords: string[];
  trainVoices: string[];
  testVoices: string[];
  sampleRate: number;
  espeak: string;
}

interface ClipPlan {
  readonly file: string;
  readonly label: string;
  readonly voice: string;
  readonly split: 'train' | 'test';
  /** Empty for silence. */
  readonly text: string;
  readonly pitch: number;
  readonly speed: number;
  /** Vocal-tract-length warp (1 for test voices and silence). */
  readonly warp: number;
  readonly peakDb: number;
  /** 0..1: where the word sits in the window's free room. */
  readonly place: number;
  readonly noise: NoiseKind | 'none';
  /** Speech-to-noise ratio; undefined for clean clips and silence. */
  readonly snrDb?: number;
  /** Silence only: the noise's RMS level. */
  readonly noiseDb?: number;
  readonly lowpassHz?: number;
  readonly highpassHz?: number;
  readonly seed: number;
}

/** Cuts leading and trailing silence (10-ms frames below −30 dB of the loudest), keeping 20 ms either side. */
export function trimSilence(x: Float32Array, sampleRate: number): Float32Array {
  const frame = Math.max(1, Math.round(sampleRate / 100));
  const frames = Math.ceil(x.length / frame);
  const rms = Float64Array.from({ length: frames }, (_, f) => Math.sqrt(meanSquare(x, f * frame, Math.min(x.length, (f + 1) * frame))));
  const peak = rms.reduce((m, v) => Math.max(m, v), 0);
  const threshold = Math.max(peak * 0.0316, 1e-5);
  let first = 0;
  while (first < frames && rms[first]! < threshold) first++;
  let last = frames - 1;
  while (last > first && rms[last]! < threshold) last--;
  if (first >= frames) return x.slice(0, 0);
  return x.slice(Math.max(0, (first - 2) * frame), Math.min(x.length, (last + 3) * frame));
}

const scaleTo = (x: Float32Array, peak: number): void => {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  if (m > 0) for (let i = 0; i < x.length; i++) x[i]! *= peak / m;
};

/** Speech sampled at `rate`, trimmed, unit RMS: one babble talker. */
async function babbleUtterance(bin: string, voice: string, text: string, pitch: number, speed: number, rate: number, tmpFile: string): Promise<Float32Array> {
  const wav = await espeakSay(bin, voice, text, pitch, speed, tmpFile);
  const s = trimSilence(resample(wav.samples, wav.sampleRate, rate), rate);
  const ms = meanSquare(s);
  if (ms > 0) for (let i = 0; i < s.length; i++) s[i]! /= Math.sqrt(ms);
  return s;
}

function plan(s: KwsSettings): { clips: ClipPlan[]; babble: { split: 'train' | 'test'; voice: string; text: string; pitch: number; speed: number }[] } {
  const rng = new Rng(s.seed);
  const voices = [...s.trainVoices.map((v) => ({ v, split: 'train' as const })), ...s.testVoices.map((v) => ({ v, split: 'test' as const }))];
  const babble = (['train', 'test'] as const).flatMap((split) => {
    const pool = split === 'train' ? s.trainVoices : s.testVoices;
    return Array.from({ length: pool.length ? babblePerSplit(s.perWord) : 0 }, () => ({
      split,
      voice: rng.pick(pool),
      text: Array.from({ length: 4 + rng.int(4) }, () => rng.pick(BABBLE_WORDS)).join(' '),
      pitch: rng.uniform(20, 80),
      speed: rng.uniform(140, 220),
    }));
  });
  const clips: ClipPlan[] = [];
  const labels = [...s.keywords, 'unknown', 'silence'];
  // A fixed share of each class goes to the test voices however many training voices there are, and a
  // test voice speaks no fewer clips than a training voice.
  const share = Math.max(TEST_SHARE, s.testVoices.length / (s.testVoices.length + s.trainVoices.length));
  const nTest = Math.min(s.perWord - 1, Math.max(1, Math.round(s.perWord * share)));
  for (const label of labels) {
    // Every voice of a split gets an equal share of the split's clips of each class, in a seeded order.
    const order = { train: s.trainVoices.slice(), test: s.testVoices.slice() };
    rng.shuffle(order.train);
    rng.shuffle(order.test);
    for (let i = 0; i < s.perWord; i++) {
      const split = i < nTest ? 'test' : 'train';
      const voice = split === 'test' ? order.test[i % order.test.length]! : order.train[(i - nTest) % order.train.length]!;
      const silence = label === 'silence';
      const clean = !silence && rng.next() < 0.1;
      const r = rng.next();
      const noise: NoiseKind | 'none' = clean ? 'none'
        : silence ? (r < 0.1 ? 'none' : NOISE_KINDS[Math.floor(((r - 0.1) / 0.9) * NOISE_KINDS.length)]!)
        : r < 0.3 ? 'babble' : r < 0.5 ? 'pink' : r < 0.65 ? 'white' : r < 0.8 ? 'brown' : 'hum';
      // Training speakers vary more than espeak-ng's voices do: wider pitch and speed, and a warped vocal tract.
      const range = split === 'test' ? TEST_PROSODY : TRAIN_PROSODY;
      clips.push({
        file: `${label}/${voice}_${label}_${String(i).padStart(4, '0')}.wav`,
        label, voice, split,
        text: silence ? '' : label === 'unknown' ? rng.pick(s.unknownWords) : label,
        pitch: Math.round(rng.uniform(range.pitch[0], range.pitch[1])),
        speed: Math.round(rng.uniform(range.speed[0], range.speed[1])),
        warp: split === 'test' || silence ? 1 : +Math.exp(rng.uniform(Math.log(KWS_WARP.min), Math.log(KWS_WARP.max))).toFixed(3),
        peakDb: +rng.uniform(-20, -1).toFixed(1),
        place: rng.next(),
        noise,
        snrDb: silence || noise === 'none' ? undefined : rng.pick(SNRS_DB),
        noiseDb: silence ? (noise === 'none' ? -80 : +rng.uniform(-65, -25).toFixed(1)) : undefined,
        lowpassHz: rng.next() < 0.5 ? Math.round(rng.uniform(3000, 7000)) : undefined,
        highpassHz: rng.next() < 0.5 ? Math.round(rng.uniform(60, 250)) : undefined,
        seed: rng.fork(),
      });
    }
  }
  return { clips, babble };
}

/** Builds one 1-s clip from its plan (speech already synthesised, or undefined for silence). */
function renderClip(p: ClipPlan, speech: Float32Array | undefined, n: number, rate: number, pool: readonly Float32Array[]): Float32Array {
  const rng = new Rng(p.seed);
  const clip = new Float32Array(n);
  let speechMs = 0;
  if (speech && speech.length > 0) {
    let s = speech;
    if (s.length > n) {
      // Longer than the window (slow speech): keep the middle second.
      const from = (s.length - n) >> 1;
      s = s.subarray(from, from + n);
    }
    scaleTo(s, 10 ** (p.peakDb / 20));
    const at = Math.round(p.place * (n - s.length));
    clip.set(s, at);
    speechMs = meanSquare(s);
  }
  if (p.noise !== 'none' || p.label === 'silence') {
    const kind = p.noise === 'none' ? 'white' : p.noise;
    const noise = makeNoise(kind, n, rate, rng, pool);
    const rms = p.label === 'silence' ? 10 ** (p.noiseDb! / 20) : Math.sqrt(speechMs / 10 ** (p.snrDb! / 10));
    for (let i = 0; i < n; i++) clip[i]! += rms * noise[i]!;
  }
  if (p.lowpassHz) lowPass(clip, p.lowpassHz, rate);
  if (p.highpassHz) highPass(clip, p.highpassHz, rate);
  // Never clip: a loud word plus noise is scaled back under full scale.
  let peak = 0;
  for (const v of clip) peak = Math.max(peak, Math.abs(v));
  if (peak > 0.99) scaleTo(clip, 0.99);
  return clip;
}

const MANIFEST_HEADER = ['file', 'label', 'group', 'split', 'voice', 'text', 'pitch', 'speed', 'warp', 'speech_peak_dbfs', 'offset_ms', 'noise', 'snr_db', 'noise_rms_dbfs', 'lowpass_hz', 'highpass_hz'];

function settingsOf(o: SynthKwsOptions, espeak: string): KwsSettings {
  const perWord = o.perWord ?? KWS_DEFAULT_PER_WORD;
  if (!Number.isInteger(perWord) || perWord < 1 || perWord > 100_000) throw new MlforgeError('BAD_INPUT', `synth-kws: perWord must be an integer in 1..100000, got ${perWord}`);
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed)) throw new MlforgeError('BAD_INPUT', `synth-kws: seed must be an integer, got ${seed}`);
  const sampleRate = o.sampleRate ?? 16000;
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 48000) throw new MlforgeError('BAD_INPUT', `synth-kws: sampleRate must be an integer in 8000..48000, got ${sampleRate}`);
  const keywords = [...(o.keywords ?? KWS_KEYWORDS)];
  const unknownWords = [...(o.unknownWords ?? KWS_UNKNOWN_WORDS)];
  const trainVoices = [...(o.trainVoices ?? KWS_TRAIN_VOICES)];
  const testVoices = [...(o.testVoices ?? KWS_TEST_VOICES)];
  for (const w of [...keywords, ...unknownWords]) {
    if (!/^[a-z][a-z' -]*$/i.test(w)) throw new MlforgeError('BAD_INPUT', `synth-kws: word "${w}" must be letters (with spaces, hyphens or apostrophes)`);
  }
  for (const k of keywords) if (['unknown', 'silence'].includes(k) || unknownWords.includes(k)) throw new MlforgeError('BAD_INPUT', `synth-kws: "${k}" cannot be both a keyword and unknown/silence`);
  if (new Set(keywords).size !== keywords.length) throw new MlforgeError('BAD_INPUT', 'synth-kws: keywords repeat');
  if (keywords.length === 0 || unknownWords.length === 0) throw new MlforgeError('BAD_INPUT', 'synth-kws: need at least one keyword and one unknown word');
  if (trainVoices.length === 0 || testVoices.length === 0) throw new MlforgeError('BAD_INPUT', 'synth-kws: need at least one training and one test voice');
  for (const v of [...trainVoices, ...testVoices]) {
    if (!/^[A-Za-z0-9-]+(\+[A-Za-z0-9-]+)?$/.test(v)) throw new MlforgeError('BAD_INPUT', `synth-kws: voice "${v}" must look like LANG or LANG+VARIANT (letters, digits, hyphens)`);
  }
  const shared = trainVoices.filter((v) => testVoices.includes(v));
  if (shared.length) throw new MlforgeError('BAD_INPUT', `synth-kws: voice ${shared[0]} is in both the training and the test voices`);
  // A test voice's timbre is its variant: training may not have it under another accent.
  const variant = (v: string) => v.split('+')[1] ?? '';
  const sameTimbre = trainVoices.find((v) => testVoices.some((t) => variant(t) === variant(v)));
  if (sameTimbre) throw new MlforgeError('BAD_INPUT', `synth-kws: training voice ${sameTimbre} has the variant of a test voice (${variant(sameTimbre) || 'the default'}); test voices must be new timbres`);
  return { generator: 'synth-kws', version: GENERATOR_VERSION, seed, perWord, keywords, unknownWords, trainVoices, testVoices, sampleRate, espeak };
}

export async function synthKws(o: SynthKwsOptions = {}): Promise<SynthKwsSummary> {
  const bin = o.espeak ?? 'espeak-ng';
  const settings = settingsOf(o, await espeakVersion(bin));
  const hash = settingsHash(settings);
  const out = o.out ?? join(cacheDir(), `synth-kws-${hash.slice(0, 12)}`);
  const done = finishedStamp(out, 'synth-kws', hash);
  if (done) return { ...(done.summary as unknown as SynthKwsSummary), out, manifest: join(out, 'manifest.csv'), cached: true };

  assertOwnable(out, 'synth-kws');
  const labels = [...settings.keywords, 'unknown', 'silence'];
  const tmp = mkdtempSync(join(tmpdir(), 'mlforge-kws-'));
  try {
    const concurrency = Math.max(1, Math.min(16, o.concurrency ?? 2));
    // Before the folder is touched: a bad voice costs seconds and changes nothing.
    await checkVoices(bin, [...settings.trainVoices, ...settings.testVoices], concurrency, tmp);
    prepareOut(out, 'synth-kws', hash);
    const stamp: Stamp<KwsSettings> = { generator: 'synth-kws', hash, settings, complete: false, owns: [...labels, 'manifest.csv'] };
    writeStamp(out, stamp);
    for (const l of labels) mkdirSync(join(out, l), { recursive: true });
    const summary = await generate(settings, labels, out, hash, tmp, bin, concurrency, o);
    writeStamp(out, { ...stamp, complete: true, summary: summary as unknown as Record<string, unknown> });
    return summary;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function generate(settings: KwsSettings, labels: readonly string[], out: string, hash: string, tmp: string, bin: string, concurrency: number, o: SynthKwsOptions): Promise<SynthKwsSummary> {
  const t0 = Date.now();
  const rate = settings.sampleRate;
  const n = rate; // 1 s
  const { clips, babble } = plan(settings);
  const total = babble.length + clips.length;
  let done = 0;
  const tick = () => o.onProgress?.(++done, total);

  const babbleAudio = await mapLimit(babble, concurrency, async (b, i) => {
    const u = await babbleUtterance(bin, b.voice, b.text, b.pitch, b.speed, rate, join(tmp, `b${i}.wav`));
    tick();
    return u;
  });
  const pools = {
    train: babbleAudio.filter((_, i) => babble[i]!.split === 'train'),
    test: babbleAudio.filter((_, i) => babble[i]!.split === 'test'),
  };

  let bytes = 0;
  const offsets = await mapLimit(clips, concurrency, async (p, i) => {
    let speech: Float32Array | undefined;
    if (p.text) {
      const wav = await espeakSay(bin, p.voice, p.text, p.pitch, p.speed, join(tmp, `c${i}.wav`));
      speech = trimSilence(warpSpeech(wav.samples, wav.sampleRate, rate, p.warp), rate);
      if (speech.length === 0) throw new MlforgeError('TOOL', `${bin} -v ${p.voice} "${p.text}": produced only silence`);
    }
    const clip = renderClip(p, speech, n, rate, pools[p.split]);
    const data = encodeWav(clip, rate);
    writeFileSync(join(out, p.file), data);
    bytes += data.length;
    tick();
    return speech ? Math.round((Math.round(p.place * Math.max(0, n - speech.length)) / rate) * 1000) : '';
  });

  const rows = clips.map((p, i) => csvLine([p.file, p.label, p.voice, p.split, p.voice, p.text, p.text ? p.pitch : '', p.text ? p.speed : '', p.text ? p.warp : '',
    p.text ? p.peakDb : '', offsets[i]!, p.noise, p.snrDb ?? '', p.noiseDb ?? '', p.lowpassHz ?? '', p.highpassHz ?? '']));
  const manifest = join(out, 'manifest.csv');
  writeFileSync(manifest, [csvLine(MANIFEST_HEADER), ...rows].join('\n') + '\n');
  bytes += statSync(manifest).size;
  return {
    out, manifest, cached: false, hash, clips: clips.length,
    classes: labels.map((label) => ({
      label,
      train: clips.filter((c) => c.label === label && c.split === 'train').length,
      test: clips.filter((c) => c.label === label && c.split === 'test').length,
    })),
    voices: { train: settings.trainVoices, test: settings.testVoices },
    sampleRate: rate, samplesPerClip: n, bytes,
    seconds: +((Date.now() - t0) / 1000).toFixed(1),
    espeak: settings.espeak,
  };
}
