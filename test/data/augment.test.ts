import { describe, expect, it } from 'vitest';
import { forEachAudioCopy, perturbClip } from '../../src/data/augment.js';

const sine = (n: number, cyclesPerSample: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(2 * Math.PI * cyclesPerSample * i));
/** Rising zero crossings, a frequency estimate robust to the zero-filled ends. */
const crossings = (x: Float32Array) => x.reduce((c, v, i) => c + (i > 0 && x[i - 1]! < 0 && v >= 0 ? 1 : 0), 0);

describe('perturbClip', () => {
  it('at speed 1 and no shift returns the clip unchanged', () => {
    const x = sine(1000, 0.013);
    expect(perturbClip(x, 1, 0)).toEqual(x);
  });

  it('shifts by whole samples with zeros moved in', () => {
    const x = Float32Array.from({ length: 50 }, (_, i) => i + 1);
    const later = perturbClip(x, 1, 7);
    expect([...later.subarray(0, 7)]).toEqual(Array(7).fill(0));
    expect([...later.subarray(7)]).toEqual([...x.subarray(0, 43)]);
    const earlier = perturbClip(x, 1, -5);
    expect([...earlier.subarray(0, 45)]).toEqual([...x.subarray(5)]);
    expect([...earlier.subarray(45)]).toEqual(Array(5).fill(0));
  });

  it('plays faster or slower: frequency × speed, the word kept centred', () => {
    const n = 16000;
    const x = sine(n, 0.01); // 160 cycles
    const fast = perturbClip(x, 1.25, 0);
    const slow = perturbClip(x, 0.8, 0);
    // In the middle half of the window: 0.01 × speed cycles per sample.
    const mid = (y: Float32Array) => crossings(y.subarray(n / 4, (3 * n) / 4));
    expect(Math.abs(mid(fast) - 100)).toBeLessThanOrEqual(1);
    expect(Math.abs(mid(slow) - 64)).toBeLessThanOrEqual(1);
    // The whole input fits the faster window (160 cycles); the slower one holds its middle 80 % (128).
    expect(Math.abs(crossings(fast) - 160)).toBeLessThanOrEqual(1);
    expect(Math.abs(crossings(slow) - 128)).toBeLessThanOrEqual(1);
    // Faster: the clip is 1/1.25 as long, centred, zeros either side.
    expect(fast[0]).toBe(0);
    expect(fast[n - 1]).toBe(0);
    expect(fast[n / 2]).not.toBe(0);
    // The input's middle sample lands in the middle of the output.
    const marked = new Float32Array(n);
    marked[n / 2] = 1;
    const out = perturbClip(marked, 1.25, 0);
    expect(out.indexOf(Math.max(...out))).toBe(n / 2);
  });
});

describe('forEachAudioCopy', () => {
  it('visits copies × clips perturbed clips, the same ones for the same seed', () => {
    const clips = 5, len = 400;
    const x = Float32Array.from({ length: clips * len }, (_, i) => Math.sin(i / 7) * (1 + Math.floor(i / len)));
    const run = (seed: number) => {
      const seen: { clip: number; sum: number }[] = [];
      forEachAudioCopy(x, len, { copies: 3, warp: 0.1, shift: 40, seed }, (c, clip) => seen.push({ clip, sum: c.reduce((a, v) => a + Math.abs(v), 0) }));
      return seen;
    };
    const a = run(1);
    expect(a.map((s) => s.clip)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(run(1)).toEqual(a);
    expect(run(2)).not.toEqual(a);
    // Every copy differs from its clip (a speed or a shift was applied) and keeps its loudness roughly.
    for (const s of a) {
      const orig = x.subarray(s.clip * len, (s.clip + 1) * len).reduce((t, v) => t + Math.abs(v), 0);
      expect(s.sum).not.toBe(orig);
      expect(s.sum / orig).toBeGreaterThan(0.7);
      expect(s.sum / orig).toBeLessThan(1.2);
    }
  });

  it('with 0 copies visits nothing', () => {
    let calls = 0;
    forEachAudioCopy(new Float32Array(100), 50, { copies: 0, warp: 0.1, shift: 5, seed: 1 }, () => calls++);
    expect(calls).toBe(0);
  });
});
