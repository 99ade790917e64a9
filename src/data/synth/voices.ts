/**
 * espeak-ng for synth-kws: running it, checking voices, the default training
 * and test voices, and the vocal-tract-length warp applied to training speech.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MlforgeError } from '../../errors.js';
import { parseWav, resample, type Wav } from '../wav.js';
import { mapLimit } from './common.js';

/** Test-only voices: English accents with variants (timbres) that training never uses. */
export const KWS_TEST_VOICES = [
  'en-us+m6', 'en+f4', 'en-gb-scotland+m7', 'en-029+f5', 'en-us-nyc+klatt4', 'en-gb-x-rp+edward',
] as const;

/**
 * Variants training must not use: the test voices' variants and near-copies of
 * them — f2 (f5's formant frequencies), m8 and Nguyen (m7's formants × 0.96–0.97),
 * robosoft* (m7's upper formants), edward2 (edward's formants), klatt5 (edward's
 * voice source), UniRobot and announcer (klatt4's voice source).
 */
export const KWS_HELD_OUT_VARIANTS = [
  'm6', 'm7', 'f4', 'f5', 'klatt4', 'edward',
  'f2', 'm8', 'Nguyen', 'edward2', 'klatt5', 'UniRobot', 'announcer',
  'robosoft', 'robosoft2', 'robosoft3', 'robosoft4', 'robosoft5', 'robosoft6', 'robosoft7', 'robosoft8',
] as const;

/**
 * Variants for training voices ('' = the language's default): every installed
 * espeak-ng 1.51 variant except the held-out ones and effects that are not a
 * speaker (whisper, echo/robot, Demonic, fast_test, Mr serious) and klatt6
 * (sounds exactly like klatt in espeak-ng 1.51).
 */
const TRAIN_VARIANTS = [
  '', 'm1', 'm2', 'm3', 'm4', 'm5', 'f1', 'f3', 'klatt', 'klatt2', 'klatt3',
  'Alex', 'Alicia', 'Andrea', 'Andy', 'AnxiousAndy', 'Annie', 'Denis', 'Diogo', 'Gene', 'Gene2', 'Henrique', 'Hugo',
  'Jacky', 'Lee', 'Marco', 'Mario', 'Michael', 'Mike', 'Storm', 'Tweaky', 'adam', 'anika', 'antonio', 'aunty',
  'belinda', 'benjamin', 'boris', 'caleb', 'croak', 'david', 'ed', 'grandma', 'grandpa', 'gustave', 'iven', 'iven2',
  'iven3', 'iven4', 'john', 'kaukovalta', 'linda', 'marcelo', 'max', 'michel', 'miguel', 'norbert', 'pablo', 'paul',
  'pedro', 'quincy', 'rob', 'robert', 'sandro', 'shelby', 'steph', 'steph2', 'steph3', 'travis', 'victor', 'zac',
] as const;

/** Language voices that honour variants: English accents, and a few languages reading English words (accented). */
const ENGLISH = ['en-us', 'en', 'en-gb-scotland', 'en-gb-x-rp', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-029', 'en-us-nyc'] as const;
const FOREIGN = ['de', 'nl', 'es', 'pl', 'pt-br', 'it'] as const;

/**
 * Training voices: each variant with two English accents, every third one also
 * with a foreign language; many speakers with a few clips each generalise to
 * new speakers better than a few speakers with many.
 */
export const KWS_TRAIN_VOICES: readonly string[] = TRAIN_VARIANTS.flatMap((v, i) => {
  const langs = [ENGLISH[i % ENGLISH.length]!, ENGLISH[(i + 3) % ENGLISH.length]!, ...(i % 3 === 0 ? [FOREIGN[(i / 3) % FOREIGN.length]!] : [])];
  return langs.map((l) => (v ? `${l}+${v}` : l));
});

/** Range of the training-speech warp: formants and pitch × w, duration ÷ w (about a child's to a tall adult's vocal tract). */
export const KWS_WARP = { min: 0.85, max: 1.18 } as const;

/**
 * Vocal-tract-length warp: reads speech sampled at `from` Hz as if sampled at
 * from·warp and resamples it to `to`. The source rate is rounded to 100 Hz so
 * the resampling kernel stays small (warp within ±0.3 %).
 */
export function warpSpeech(x: Float32Array, from: number, to: number, warp: number): Float32Array {
  return resample(x, warp === 1 ? from : Math.max(100, Math.round((from * warp) / 100) * 100), to);
}

interface RunResult { stdout: Buffer; stderr: string; code: number | null }

function run(bin: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT'
        ? new MlforgeError('TOOL', `${bin} not found: synth-kws needs espeak-ng`, 'install it: sudo apt-get install espeak-ng')
        : new MlforgeError('TOOL', `${bin}: ${e.message}`));
    });
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr: err, code }));
  });
}

/** The first line of `espeak-ng --version`, part of the cache hash. */
export async function espeakVersion(bin = 'espeak-ng'): Promise<string> {
  const r = await run(bin, ['--version']);
  const line = r.stdout.toString().split('\n')[0]!.trim();
  if (r.code !== 0 || !line) throw new MlforgeError('TOOL', `${bin} --version failed (exit ${r.code}): ${r.stderr.trim().split('\n')[0] ?? ''}`);
  return line.replace(/\s+Data at:.*$/, '');
}

/**
 * Speaks one text into `tmpFile` (espeak-ng -w) and reads it back. A file, not
 * --stdout: espeak-ng paces its writes to a pipe (~100 ms a word, −w ~8 ms).
 */
export async function espeakSay(bin: string, voice: string, text: string, pitch: number, speed: number, tmpFile: string): Promise<Wav> {
  const args = ['-v', voice, '-p', String(Math.round(pitch)), '-s', String(Math.round(speed)), '-w', tmpFile, text];
  const what = `${bin} -v ${voice} "${text}"`;
  const r = await run(bin, args);
  // espeak-ng reports an unknown voice on stderr and may still exit 0.
  if (r.code !== 0 || /error/i.test(r.stderr)) {
    throw new MlforgeError('TOOL', `${what} failed (exit ${r.code}): ${r.stderr.trim().split('\n')[0] || 'no message'}`, 'list voices with: espeak-ng --voices; variants with: espeak-ng --voices=variant');
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(tmpFile);
    await rm(tmpFile, { force: true });
  } catch (e) {
    throw new MlforgeError('TOOL', `${what}: wrote no WAV file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // Streamed: a header espeak-ng could not patch (a full disk) still reads.
  const wav = parseWav(bytes, what, { streamed: true });
  if (wav.frames === 0) throw new MlforgeError('TOOL', `${what}: produced no audio`);
  return wav;
}

/** Language voices (codes, file names, "other languages") and variant names espeak-ng knows. */
export async function espeakVoiceNames(bin = 'espeak-ng'): Promise<{ languages: Set<string>; variants: Set<string> }> {
  const [langs, vars] = await Promise.all([run(bin, ['--voices']), run(bin, ['--voices=variant'])]);
  const languages = new Set<string>();
  for (const line of langs.stdout.toString().split('\n').slice(1)) {
    const t = line.trim().split(/\s+/);
    if (t.length < 4) continue;
    languages.add(t[1]!.toLowerCase());
    const file = t.find((x, i) => i > 2 && x.includes('/'));
    if (file) { languages.add(file.toLowerCase()); languages.add(file.slice(file.lastIndexOf('/') + 1).toLowerCase()); }
    for (const m of line.matchAll(/\((\S+) \d+\)/g)) languages.add(m[1]!.toLowerCase());
  }
  const variants = new Set<string>();
  for (const m of vars.stdout.toString().matchAll(/!v\/(\S+)/g)) variants.add(m[1]!);
  return { languages, variants };
}

/**
 * Every voice once, before any clip: an unknown language or variant, or a
 * variant espeak-ng silently ignores (en-gb+m2 sounds exactly like en-gb; use
 * en+m2), fails in seconds rather than after minutes of generation.
 */
export async function checkVoices(bin: string, voices: readonly string[], concurrency: number, tmp: string): Promise<void> {
  const { languages, variants } = await espeakVoiceNames(bin);
  for (const v of voices) {
    const [base, variant] = v.split('+') as [string, string | undefined];
    if (!languages.has(base.toLowerCase())) throw new MlforgeError('BAD_INPUT', `synth-kws: voice ${v}: espeak-ng has no language voice "${base}"`, 'list them with: espeak-ng --voices');
    if (variant !== undefined && !variants.has(variant)) throw new MlforgeError('BAD_INPUT', `synth-kws: voice ${v}: espeak-ng has no variant "${variant}"`, 'list them with: espeak-ng --voices=variant');
  }
  const probes = [...new Set(voices.flatMap((v) => (v.includes('+') ? [v, v.split('+')[0]!] : [v])))];
  const audio = await mapLimit(probes, concurrency, async (v, i) => (await espeakSay(bin, v, 'test', 50, 175, join(tmp, `v${i}.wav`))).samples);
  const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => x === b[i]);
  for (const v of voices) {
    if (!v.includes('+')) continue;
    const base = v.split('+')[0]!;
    if (same(audio[probes.indexOf(v)]!, audio[probes.indexOf(base)]!)) {
      throw new MlforgeError('BAD_INPUT', `synth-kws: voice ${v} sounds exactly like ${base}: espeak-ng ignores the variant with this language name`, `try another name for the language (e.g. en+${v.split('+')[1]} for en-gb+${v.split('+')[1]})`);
    }
  }
}
