/** The simulated machine's physics: each fault shows where vibration analysts look for it. */
import { describe, expect, it } from 'vitest';
import {
  BEARING_6205, bearingFrequencies, drawMachine, simulateRecording, type VibrationLabel,
} from '../../../src/data/synth/machine.js';
import { Rng } from '../../../src/util/random.js';

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
