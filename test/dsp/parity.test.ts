/**
 * DSP parity: the C blocks (float32, native/dsp + emitDspTables) against the
 * TypeScript ones (float64) on 1,000 random inputs per block — silence,
 * whisper-level noise, noise, tones, chirps, clicks, DC and hard clipping for
 * audio; offsets, vibration tones and saturation for motion. Prints and bounds
 * the max absolute difference. Also: the C size functions equal the TS cost
 * model, and the sources build warning-free for Cortex-M4F and M0+ with their
 * const tables exactly the constBytes the cost model reports.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dspSourceFiles, dspSourcesDir, emitDspHeader, emitDspTables, featureCost, featureExtractor, featureShape,
  parseFeatureConfig, scratchFloats, type FeatureConfig, type MotionFeatureConfig,
} from '../../src/dsp/index.js';
import { Rng } from '../../src/util/random.js';
import { AUDIO_KINDS, randomAudio, randomMotion } from './signals.js';

const SLOW = 600_000;
const N = 1000;
const run = async (cmd: string, args: string[], cwd: string): Promise<string> =>
  (await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 24 })).stdout;

const CONFIGS: Record<string, FeatureConfig> = {
  // 0.25 s examples keep 1,000 of them quick; frame/stride/FFT as in KWS front ends.
  mfcc: parseFeatureConfig({ kind: 'mfcc', sampleRate: 16000, inputLength: 4000, frameLength: 480, frameStride: 320, fftLength: 512, melBins: 40, numCoeffs: 13, lifter: 22, cmn: true }),
  logmel: parseFeatureConfig({ kind: 'logmel', sampleRate: 16000, inputLength: 4000, frameLength: 400, frameStride: 160, window: 'hamming', preEmphasis: 0, melBins: 32, fmin: 0, fmax: 7600 }),
  spec: parseFeatureConfig({ kind: 'spectrogram', sampleRate: 8000, inputLength: 2000, frameLength: 256, frameStride: 128 }),
  motion: parseFeatureConfig({ kind: 'motion', sampleRate: 400, axes: 3, windowLength: 200, bands: [0, 5, 10, 20, 50, 100, 200] }),
};

const kindOf = (i: number) => AUDIO_KINDS[i % AUDIO_KINDS.length]!;
const motionNames = (c: MotionFeatureConfig) => [...c.stats, ...c.bandEdges.slice(1).map((_, b) => `band${b}`)];
const inputLength = (c: FeatureConfig) => (c.kind === 'motion' ? c.windowLength * c.axes : c.inputLength);

function harness(): string {
  const names = Object.keys(CONFIGS);
  const upper = (n: string) => `FEAT_${n.toUpperCase()}`;
  const max = (what: string) => names.map((n) => `${upper(n)}_${what}`).reduce((a, b) => `(${a} > ${b} ? ${a} : ${b})`);
  return `#include <stdio.h>
#include <string.h>
${names.map((n) => `#include "feat_${n}.h"`).join('\n')}

static float in[${max('INPUT_LEN')}], out[${max('OUTPUT_LEN')}], scratch[${max('SCRATCH_FLOATS')}];

/* harness sizes | harness <name> <in> <out>: features of every float32 example in <in>. */
int main(int argc, char **argv) {
  FILE *fi, *fo;
  size_t nin = 0, nout = 0;
  if (argc == 2 && strcmp(argv[1], "sizes") == 0) {
${names.map((n) => `    printf("${n} %ld %ld\\n", (long)mlf_${CONFIGS[n]!.kind === 'motion' ? 'motion' : 'audio'}_features_scratch_floats(&feat_${n}), (long)mlf_${CONFIGS[n]!.kind === 'motion' ? 'motion' : 'audio'}_features_output_len(&feat_${n}));`).join('\n')}
    return 0;
  }
  if (argc != 4) return 2;
${names.map((n) => `  if (strcmp(argv[1], "${n}") == 0) { nin = ${upper(n)}_INPUT_LEN; nout = ${upper(n)}_OUTPUT_LEN; }`).join('\n')}
  fi = fopen(argv[2], "rb");
  fo = fopen(argv[3], "wb");
  if (!fi || !fo || !nin) return 3;
  while (fread(in, sizeof(float), nin, fi) == nin) {
${names.map((n) => `    if (strcmp(argv[1], "${n}") == 0) mlf_${CONFIGS[n]!.kind === 'motion' ? 'motion' : 'audio'}_features(&feat_${n}, in, out, scratch);`).join('\n')}
    fwrite(out, sizeof(float), nout, fo);
  }
  fclose(fi);
  fclose(fo);
  return 0;
}
`;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-dsp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const WARN = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic'];
const dsp = dspSourcesDir();
const cSources = dspSourceFiles().filter((f) => f.endsWith('.c')).map((f) => path.join(dsp, f));
const tables = Object.keys(CONFIGS).map((n) => path.join(tmp, `feat_${n}.c`));

beforeAll(() => {
  for (const [n, c] of Object.entries(CONFIGS)) {
    writeFileSync(path.join(tmp, `feat_${n}.c`), emitDspTables(c, `feat_${n}`).replace('"mlf_features.h"', `"feat_${n}.h"`));
    writeFileSync(path.join(tmp, `feat_${n}.h`), emitDspHeader(c, `feat_${n}`));
  }
  writeFileSync(path.join(tmp, 'harness.c'), harness());
});

describe('DSP parity: C (float32) vs TypeScript (float64)', () => {
  let built: Promise<string> | undefined;
  const build = () => (built ??= run('cc', [...WARN, '-O2', `-I${dsp}`, `-I${tmp}`, 'harness.c', ...tables, ...cSources, '-lm', '-o', 'harness'], tmp));

  it('the C size functions equal scratchFloats and featureShape', async () => {
    await build();
    const lines = (await run('./harness', ['sizes'], tmp)).trim().split('\n');
    expect(lines).toEqual(Object.entries(CONFIGS).map(([n, c]) => `${n} ${scratchFloats(c)} ${featureShape(c).reduce((a, b) => a * b, 1)}`));
  }, SLOW);

  // Bounds: about twice the measured maxima (printed; 1.3e-2, 2.8e-4, 4.2e-3, 2.1e-3 with gcc -O2).
  // Float32 FFT rounding is relative to the whole frame's energy, so the log
  // magnifies it in bins 50+ dB below a tone's peak; MFCC sums 40 such log-mel
  // values through the DCT and a lifter of up to 12×. Each stays far below one
  // int8 input step (MFCC spans ±190, a step of ~1.5; log-mel ±14, ~0.1).
  const bounds: Record<string, number> = { mfcc: 3e-2, logmel: 1e-3, spec: 1e-2, motion: 5e-3 };
  for (const name of Object.keys(CONFIGS)) {
    it(`${name}: ${N} random inputs, max |C − TS| bounded`, async () => {
      const c = CONFIGS[name]!;
      const rng = new Rng(name.length * 7919);
      const len = inputLength(c);
      const inputs = new Float32Array(N * len);
      for (let i = 0; i < N; i++) {
        inputs.set(c.kind === 'motion' ? randomMotion(rng, c.windowLength, c.axes, c.sampleRate) : randomAudio(rng, len, c.sampleRate, kindOf(i)), i * len);
      }
      writeFileSync(path.join(tmp, `${name}.in`), inputs);
      await build();
      await run('./harness', [name, `${name}.in`, `${name}.out`], tmp);
      const raw = readFileSync(path.join(tmp, `${name}.out`));
      const got = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
      const f = featureExtractor(c);
      const outLen = featureShape(c).reduce((a, b) => a * b, 1);
      expect(got.length).toBe(N * outLen);
      let maxDiff = 0;
      let maxAbs = 0;
      const byKind = new Map<string, number>();
      for (let i = 0; i < N; i++) {
        const want = f(inputs.subarray(i * len, (i + 1) * len));
        for (let k = 0; k < outLen; k++) {
          const w = want[k]!;
          // Motion mixes scales (mean of 10 m/s², skew of 0.1): relative above 1, absolute below.
          const d = Math.abs(got[i * outLen + k]! - w) / (c.kind === 'motion' ? Math.max(1, Math.abs(w)) : 1);
          maxDiff = Math.max(maxDiff, d);
          const key = c.kind === 'motion' ? motionNames(c)[k % motionNames(c).length]! : kindOf(i);
          byKind.set(key, Math.max(byKind.get(key) ?? 0, d));
          maxAbs = Math.max(maxAbs, Math.abs(w));
        }
      }
      console.log(`DSP parity ${name}: ${N} inputs × ${outLen} values, max |C − TS| = ${maxDiff.toExponential(3)}${c.kind === 'motion' ? ' (relative above 1)' : ''} (values up to ${maxAbs.toFixed(1)}); by ${c.kind === 'motion' ? 'feature' : 'input'}: ${[...byKind].map(([k, d]) => `${k} ${d.toExponential(1)}`).join(', ')}`);
      expect(maxDiff).toBeLessThan(bounds[name]!);
    }, SLOW);
  }
});

describe('DSP C for the device', () => {
  const cost = Object.fromEntries(Object.entries(CONFIGS).map(([n, c]) => [n, featureCost(c)]));
  for (const [cpu, flags] of [
    ['cortex-m4', ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16']],
    ['cortex-m0plus', ['-mcpu=cortex-m0plus', '-mthumb']],
  ] as const) {
    it(`${cpu}: builds warning-free with arm-none-eabi-gcc; const tables are featureCost().constBytes`, async () => {
      const objs = path.join(tmp, cpu);
      mkdirSync(objs, { recursive: true });
      await run('arm-none-eabi-gcc', [...WARN, '-Wdouble-promotion', '-Wconversion', '-O2', '-ffunction-sections', '-fdata-sections', ...flags,
        `-I${dsp}`, `-I${tmp}`, '-c', ...tables, ...cSources], objs);
      for (const n of Object.keys(CONFIGS)) {
        const sections = await run('arm-none-eabi-size', ['-A', `feat_${n}.o`], objs);
        const rodata = [...sections.matchAll(/^\.rodata\S*\s+(\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
        expect(rodata, n).toBe(cost[n]!.constBytes);
      }
      const text = (await run('arm-none-eabi-size', cSources.map((f) => path.basename(f).replace(/\.c$/, '.o')), objs))
        .trim().split('\n').slice(1).map((l) => `${l.trim().split(/\s+/).pop()} ${l.trim().split(/\s+/)[0]} B`);
      console.log(`DSP code on ${cpu} (-O2 .text): ${text.join(', ')}`);
    }, SLOW);
  }
});
