import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import { encodeWav, fitLength, parseWav, readWav, resample, writeWav } from '../../src/data/wav.js';
import { Rng } from '../../src/util/random.js';

// WAV bytes built chunk by chunk, so tests can write any (also broken) layout.
const u16 = (v: number): number[] => [v & 255, (v >> 8) & 255];
const u32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
const ascii = (s: string) => Array.from(s, (ch) => ch.charCodeAt(0));

function chunk(id: string, body: number[], declared = body.length): number[] {
  return [...ascii(id), ...u32(declared), ...body, ...(body.length & 1 ? [0] : [])];
}

function fmtBody(o: { code?: number; channels?: number; rate?: number; bits?: number; blockAlign?: number }): number[] {
  const { code = 1, channels = 1, rate = 16000, bits = 16 } = o;
  const align = o.blockAlign ?? (channels * bits) / 8;
  return [...u16(code), ...u16(channels), ...u32(rate), ...u32(rate * align), ...u16(align), ...u16(bits)];
}

/** WAVE_FORMAT_EXTENSIBLE fmt body with the PCM (1) or float (3) sub-format GUID. */
function extensibleBody(o: { sub: number; channels: number; rate: number; bits: number; valid?: number }): number[] {
  return [...fmtBody({ code: 0xfffe, channels: o.channels, rate: o.rate, bits: o.bits }), ...u16(22), ...u16(o.valid ?? o.bits), ...u32(3),
    ...u16(o.sub), 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71];
}

function riff(chunks: number[][], declared?: number): Uint8Array {
  const body = chunks.flat();
  return Uint8Array.from([...ascii('RIFF'), ...u32(declared ?? body.length + 4), ...ascii('WAVE'), ...body]);
}

/** Little-endian sample bytes. */
function pcm(values: number[], bits: number, float = false): number[] {
  const b = new DataView(new ArrayBuffer(values.length * (bits / 8)));
  values.forEach((v, i) => {
    const at = (i * bits) / 8;
    if (float) { if (bits === 32) b.setFloat32(at, v, true); else b.setFloat64(at, v, true); } else if (bits === 8) b.setUint8(at, v);
    else if (bits === 16) b.setInt16(at, v, true);
    else if (bits === 24) { b.setUint16(at, v & 0xffff, true); b.setInt8(at + 2, v >> 16); } else b.setInt32(at, v, true);
  });
  return Array.from(new Uint8Array(b.buffer));
}

const err = (f: () => unknown): MlforgeError => {
  try { f(); } catch (e) { if (e instanceof MlforgeError) return e; throw e; }
  throw new Error('expected an MlforgeError');
};
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-wav-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('WAV reader', () => {
  it('decodes PCM 8/16/24/32-bit and float 32/64 to ±1', () => {
    const cases: [number, boolean, number[], number[]][] = [
      [8, false, [0, 128, 192, 255], [-1, 0, 0.5, 127 / 128]],
      [16, false, [-32768, 0, 16384, 32767], [-1, 0, 0.5, 32767 / 32768]],
      [24, false, [-8388608, 0, 4194304, 8388607], [-1, 0, 0.5, 8388607 / 8388608]],
      [32, false, [-2147483648, 0, 1073741824, 2147483647], [-1, 0, 0.5, 1]],
      [32, true, [-1, 0, 0.5, 0.25], [-1, 0, 0.5, 0.25]],
      [64, true, [-1, 0, 0.5, 1.5], [-1, 0, 0.5, 1.5]],
    ];
    for (const [bits, float, raw, want] of cases) {
      const w = parseWav(riff([chunk('fmt ', fmtBody({ code: float ? 3 : 1, bits })), chunk('data', pcm(raw, bits, float))]), 'x.wav');
      expect(w).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: bits, encoding: float ? 'float' : 'pcm', frames: 4 });
      want.forEach((v, i) => expect(w.samples[i]).toBeCloseTo(v, 6));
      expect(w.clipped, `${bits}-bit`).toBe(float ? (bits === 32 ? 1 : 2) : 2);
    }
  });

  it('WAVE_FORMAT_EXTENSIBLE, stereo: mixes down or picks a channel', () => {
    const bytes = riff([chunk('fmt ', extensibleBody({ sub: 1, channels: 2, rate: 48000, bits: 24, valid: 20 })), chunk('data', pcm([4194304, -4194304, 4194304, 0], 24))]);
    const mix = parseWav(bytes, 'st.wav');
    expect(mix).toMatchObject({ channels: 2, sampleRate: 48000, frames: 2 });
    expect(Array.from(mix.samples)).toEqual([0, 0.25]);
    expect(Array.from(parseWav(bytes, 'st.wav', { channel: 1 }).samples)).toEqual([-0.5, 0]);
    const float = riff([chunk('fmt ', extensibleBody({ sub: 3, channels: 1, rate: 8000, bits: 32 })), chunk('data', pcm([0.25], 32, true))]);
    expect(parseWav(float, 'f.wav').samples[0]).toBe(0.25);
    expect(err(() => parseWav(bytes, 'st.wav', { channel: 2 })).message).toBe('st.wav: channel 2 requested, the file has 2 (0-based)');
  });

  it('skips unknown chunks with their odd-size pad byte, before and after data', () => {
    const bytes = riff([chunk('LIST', [1, 2, 3]), chunk('fmt ', fmtBody({})), chunk('fact', [9]), chunk('data', pcm([16384], 16)), chunk('cue ', [1, 2, 3, 4, 5])]);
    expect(Array.from(parseWav(bytes, 'x.wav').samples)).toEqual([0.5]);
  });

  it('streamed files (espeak-ng --stdout): placeholder sizes only with { streamed: true }', () => {
    const bytes = riff([chunk('fmt ', fmtBody({ rate: 22050 })), chunk('data', pcm([16384, -16384, 0], 16), 0x7ffff000)], 0x7ffff024);
    expect(err(() => parseWav(bytes, 's.wav')).message).toBe('s.wav: RIFF size 2147479588 runs past the end of the file (50 bytes): truncated?');
    expect(Array.from(parseWav(bytes, 's.wav', { streamed: true }).samples)).toEqual([0.5, -0.5, 0]);
    const badFmt = riff([chunk('fmt ', fmtBody({}), 0x7ffff000), chunk('data', [0, 0])], 0x7ffff024);
    expect(err(() => parseWav(badFmt, 's.wav', { streamed: true })).message).toMatch(/^s\.wav: chunk "fmt " at byte 12 declares 2147479552 bytes/);
  });

  it('odd-sized 8-bit data chunk with its pad byte', () => {
    const w = parseWav(riff([chunk('fmt ', fmtBody({ bits: 8 })), chunk('data', [128, 255, 0]), chunk('LIST', [0, 0])]), 'x.wav');
    expect(w.frames).toBe(3);
  });

  it('one-line errors naming the file and the chunk or field', () => {
    const fmt = chunk('fmt ', fmtBody({}));
    const data = chunk('data', pcm([1, 2], 16));
    const cases: [Uint8Array, string, string][] = [
      [Uint8Array.from([82, 73, 70, 70]), 'BAD_FILE', 'w.wav: truncated header: expected at least 12 bytes (RIFF, size, WAVE), got 4'],
      [riff([fmt, data], 1000), 'BAD_FILE', 'w.wav: RIFF size 1000 runs past the end of the file (48 bytes): truncated?'],
      [riff([fmt, chunk('data', pcm([1, 2], 16), 4000)]), 'BAD_FILE', 'w.wav: chunk "data" at byte 36 declares 4000 bytes, but only 4 remain'],
      [riff([fmt]), 'BAD_FILE', 'w.wav: no "data" chunk'],
      [riff([data]), 'BAD_FILE', 'w.wav: no "fmt " chunk'],
      [riff([fmt, fmt, data]), 'BAD_FILE', 'w.wav: second "fmt " chunk at byte 36'],
      [riff([chunk('fmt ', fmtBody({ channels: 0, blockAlign: 2 })), data]), 'BAD_FILE', 'w.wav: "fmt " chunk: zero channels'],
      [riff([chunk('fmt ', fmtBody({ rate: 0 })), data]), 'BAD_FILE', 'w.wav: "fmt " chunk: sample rate is 0'],
      [riff([chunk('fmt ', fmtBody({ rate: 0xffffffff })), data]), 'BAD_FILE', 'w.wav: "fmt " chunk: sample rate 4294967295 Hz (at most 1000000 accepted)'],
      [riff([chunk('fmt ', fmtBody({ channels: 65535, blockAlign: 2 })), data]), 'BAD_FILE', 'w.wav: "fmt " chunk: 65535 channels (at most 64 accepted)'],
      [riff([chunk('fmt ', fmtBody({ blockAlign: 3 })), data]), 'BAD_FILE', 'w.wav: "fmt " chunk: block align 3, expected 2 for 1 channel(s) of 16 bits'],
      [riff([chunk('fmt ', fmtBody({}).slice(0, 12)), data]), 'BAD_FILE', 'w.wav: "fmt " chunk has 12 bytes, expected at least 16'],
      [riff([chunk('fmt ', fmtBody({ code: 7, bits: 8 })), data]), 'UNSUPPORTED', 'w.wav: format code 0x0007 (µ-law); expected PCM (1) or IEEE float (3)'],
      [riff([chunk('fmt ', fmtBody({ bits: 12, blockAlign: 2 })), data]), 'UNSUPPORTED', 'w.wav: 12-bit PCM (expected 8, 16, 24 or 32)'],
      [riff([chunk('fmt ', fmtBody({ code: 3, bits: 16 })), data]), 'UNSUPPORTED', 'w.wav: 16-bit float (expected 32 or 64)'],
      [Uint8Array.from([...Buffer.from('RIFX'), 4, 0, 0, 0, ...Buffer.from('WAVE')]), 'UNSUPPORTED', 'w.wav: "RIFX" (big-endian or 64-bit) WAV files are not supported'],
      [Uint8Array.from([...Buffer.from('ID3\x04'), 4, 0, 0, 0, ...Buffer.from('WAVE')]), 'BAD_FILE', 'w.wav: not a WAV file: starts with "ID3?", expected "RIFF"'],
    ];
    for (const [bytes, code, message] of cases) {
      const e = err(() => parseWav(bytes, 'w.wav'));
      expect([e.code, e.message]).toEqual([code, message]);
    }
    const ext = extensibleBody({ sub: 1, channels: 1, rate: 8000, bits: 16 });
    ext[ext.length - 1] = 0;
    expect(err(() => parseWav(riff([chunk('fmt ', ext), data]), 'w.wav')).message).toBe('w.wav: "fmt " chunk: unknown WAVE_FORMAT_EXTENSIBLE sub-format GUID');
  });

  it('writer: 16-bit PCM round trip (clamped, NaN → 0), files and a missing file', () => {
    const x = Float32Array.from([0, 0.5, -0.5, 2, -2, NaN]);
    const w = parseWav(encodeWav(x, 22050), 'r.wav');
    expect(w).toMatchObject({ sampleRate: 22050, channels: 1, bitsPerSample: 16, frames: 6 });
    [0, 0.5, -0.5, 1, -1, 0].forEach((v, i) => expect(w.samples[i]).toBeCloseTo(v, 4));
    const f = path.join(tmp, 'st.wav');
    writeWav(f, Float32Array.from([0.5, -0.5, 0.25, 0.25]), 8000, 2);
    expect(Array.from(readWav(f).samples).map((v) => +v.toFixed(3))).toEqual([0, 0.25]);
    expect(err(() => readWav(path.join(tmp, 'none.wav'))).code).toBe('NOT_FOUND');
    expect(err(() => encodeWav(new Float32Array(3), 8000, 2)).message).toContain('3 samples do not split into 2 channel(s)');
    writeFileSync(path.join(tmp, 'empty.wav'), '');
    expect(err(() => readWav(path.join(tmp, 'empty.wav'))).message).toContain('truncated header');
  });

  it('fitLength crops or zero-pads the end', () => {
    expect(Array.from(fitLength(Float32Array.from([1, 2, 3]), 2))).toEqual([1, 2]);
    expect(Array.from(fitLength(Float32Array.from([1, 2]), 4))).toEqual([1, 2, 0, 0]);
  });
});

describe('resampler', () => {
  const tone = (f: number, rate: number, n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / rate));
  /** RMS error against the ideal tone, away from the edges. */
  const rmsError = (y: Float32Array, f: number, rate: number) => {
    let s = 0;
    let n = 0;
    for (let i = 200; i < y.length - 200; i++, n++) s += (y[i]! - Math.sin((2 * Math.PI * f * i) / rate)) ** 2;
    return Math.sqrt(s / n);
  };
  const rms = (y: Float32Array) => Math.sqrt(y.subarray(200, -200).reduce((s, v) => s + v * v, 0) / (y.length - 400));

  it('keeps passband tones (−60 dB error or better) between common rates', () => {
    for (const [from, to, f] of [[44100, 16000, 1000], [22050, 16000, 6000], [48000, 16000, 3000], [8000, 16000, 3000], [16000, 44100, 5000], [11025, 16000, 4000]] as const) {
      const y = resample(tone(f, from, from), from, to);
      expect(y.length).toBe(to);
      expect(rmsError(y, f, to), `${from} → ${to}, ${f} Hz`).toBeLessThan(1e-3);
    }
  });

  it('rejects tones above the new Nyquist by ≥ 70 dB instead of aliasing them', () => {
    for (const [from, to, f] of [[44100, 16000, 8600], [44100, 16000, 12000], [48000, 8000, 5000], [22050, 16000, 10000]] as const) {
      expect(rms(resample(tone(f, from, from), from, to)), `${from} → ${to}, ${f} Hz`).toBeLessThan(Math.SQRT1_2 * 10 ** (-70 / 20));
    }
  });

  it('coprime rates with more phases than the table holds stay accurate', () => {
    const y = resample(tone(440, 44101, 44101), 44101, 16003);
    expect(rmsError(y, 440, 16003)).toBeLessThan(1e-3);
  });

  it('same rate copies; bad rates are errors', () => {
    const x = Float32Array.from([1, 2]);
    expect(resample(x, 8000, 8000)).not.toBe(x);
    expect(err(() => resample(x, 0, 8000)).message).toBe('resample: expected an integer source rate in 1..1000000 Hz, got 0');
    expect(err(() => resample(x, 8000, 1.5)).code).toBe('BAD_INPUT');
  });
});

/*
 * Fuzzing the WAV reader: 3,000 mutated files (truncation, chunk and RIFF
 * sizes past the end or huge, zero channels, zero or absurd rates, random
 * format fields, byte flips, inserted chunks, garbage). Every input either
 * decodes or throws a one-line MlforgeError naming the file; nothing else
 * escapes, and no decode allocates more than 4 bytes per input byte.
 */
const FUZZ_N = 3000;

function seeds(rng: Rng): Uint8Array[] {
  const noise = (n: number) => Array.from({ length: n }, () => rng.int(256));
  return [
    encodeWav(Float32Array.from({ length: 300 }, () => rng.uniform(-1, 1)), 16000),
    riff([chunk('fmt ', extensibleBody({ sub: 1, channels: 2, rate: 48000, bits: 24 })), chunk('LIST', noise(7)), chunk('data', noise(6 * 50))]),
    riff([chunk('fmt ', fmtBody({ code: 3, bits: 32, channels: 3, rate: 8000 })), chunk('data', pcm(Array.from({ length: 90 }, () => rng.normal()), 32, true))]),
    riff([chunk('fmt ', fmtBody({ bits: 8, rate: 11025 })), chunk('data', noise(101)), chunk('cue ', noise(3))]),
    riff([chunk('fmt ', extensibleBody({ sub: 3, channels: 1, rate: 44100, bits: 64 })), chunk('fact', noise(4)), chunk('data', pcm([0.5, -0.5, 1, NaN], 64, true))]),
  ];
}

/** Byte offsets of every chunk header in a well-formed file. */
function chunkOffsets(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let p = 12; p + 8 <= b.length; p += 8 + v.getUint32(p + 4, true) + (v.getUint32(p + 4, true) & 1)) out.push(p);
  return out;
}

function mutate(rng: Rng, seed: Uint8Array): [string, Uint8Array] {
  let b = seed.slice();
  const v = new DataView(b.buffer);
  const chunks = chunkOffsets(seed);
  const fmt = chunks.find((p) => String.fromCharCode(...seed.subarray(p, p + 4)) === 'fmt ')! + 8;
  const huge = () => rng.pick([0xffffffff, 0x7fffffff, 0x80000000, b.length, b.length + 1, rng.nextU32()]);
  const kind = rng.int(10);
  switch (kind) {
    case 0: return ['truncated', b.subarray(0, rng.int(b.length))];
    case 1: v.setUint32(4, huge(), true); return ['RIFF size', b];
    case 2: v.setUint32(rng.pick(chunks) + 4, rng.next() < 0.5 ? huge() : rng.int(b.length + 16), true); return ['chunk size', b];
    case 3: v.setUint16(fmt + 2, 0, true); return ['zero channels', b];
    case 4: v.setUint32(fmt + 4, rng.pick([0, 1, 0xffffffff, rng.nextU32()]), true); return ['rate', b];
    case 5: {
      const field = rng.pick([0, 2, 12, 14, 16, 18, 24]);
      if (fmt + field + 2 <= b.length) v.setUint16(fmt + field, rng.pick([0, 1, 3, 8, 16, 24, 32, 64, 0xfffe, 0xffff, rng.int(65536)]), true);
      return ['fmt field', b];
    }
    case 6: for (let i = 1 + rng.int(8); i > 0; i--) b[rng.int(b.length)] = rng.int(256); return ['byte flips', b];
    case 7: {
      const at = rng.pick(chunks);
      const extra = chunk(String.fromCharCode(...Array.from({ length: 4 }, () => 32 + rng.int(95))), Array.from({ length: rng.int(9) }, () => rng.int(256)), rng.next() < 0.5 ? huge() : undefined);
      b = Uint8Array.from([...b.subarray(0, at), ...extra, ...b.subarray(at)]);
      new DataView(b.buffer).setUint32(4, b.length - 8, true);
      return ['inserted chunk', b];
    }
    case 8: return ['garbage', Uint8Array.from({ length: rng.int(64) }, (_, i) => (i < 12 && rng.next() < 0.7 ? seed[i]! : rng.int(256)))];
    default: {
      // Duplicate or drop a chunk, keeping the RIFF size consistent.
      const at = rng.pick(chunks);
      const end = chunks[chunks.indexOf(at) + 1] ?? b.length;
      b = rng.next() < 0.5 ? Uint8Array.from([...b.subarray(0, end), ...b.subarray(at, end), ...b.subarray(end)]) : Uint8Array.from([...b.subarray(0, at), ...b.subarray(end)]);
      new DataView(b.buffer).setUint32(4, b.length - 8, true);
      return ['chunk duplicated/dropped', b];
    }
  }
}

describe('WAV reader fuzz', () => {
  it(`${FUZZ_N} mutated files: 0 crashes, one-line errors, bounded memory`, () => {
    const rng = new Rng(2024);
    const base = seeds(rng);
    const outcomes = new Map<string, number>();
    const crashes: string[] = [];
    const badMessages: string[] = [];
    let decoded = 0;
    let maxRatio = 0;
    const heap0 = process.memoryUsage().arrayBuffers;
    let heapPeak = 0;
    for (let i = 0; i < FUZZ_N; i++) {
      const [what, bytes] = mutate(rng, rng.pick(base));
      try {
        const w = parseWav(bytes, 'fuzz.wav', { channel: rng.next() < 0.2 ? rng.int(4) : 'mix', streamed: rng.next() < 0.3 });
        decoded++;
        expect(w.samples.length).toBe(w.frames);
        maxRatio = Math.max(maxRatio, w.samples.byteLength / bytes.length);
      } catch (e) {
        if (!(e instanceof MlforgeError)) { crashes.push(`${what}: ${(e as Error).stack}`); continue; }
        if (!/^fuzz\.wav: [^\n]{1,400}$/.test(e.message)) badMessages.push(e.message.slice(0, 500));
        outcomes.set(`${e.code}`, (outcomes.get(e.code) ?? 0) + 1);
      }
      if (i % 100 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().arrayBuffers - heap0);
    }
    console.log(`WAV fuzz: ${FUZZ_N} inputs, ${decoded} decoded, errors ${JSON.stringify(Object.fromEntries(outcomes))}, crashes ${crashes.length}, `
      + `largest decode ${maxRatio.toFixed(2)} bytes per input byte, array-buffer growth ≤ ${(heapPeak / 2 ** 20).toFixed(1)} MiB`);
    expect(crashes).toEqual([]);
    expect(badMessages).toEqual([]);
    expect(decoded).toBeGreaterThan(FUZZ_N / 20);
    expect(outcomes.get('BAD_FILE') ?? 0).toBeGreaterThan(FUZZ_N / 4);
    expect(maxRatio).toBeLessThanOrEqual(4);
    expect(heapPeak).toBeLessThan(64 * 2 ** 20);
  });
});
