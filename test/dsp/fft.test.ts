import { describe, expect, it } from 'vitest';
import { powerSpectrum, rfft, twiddleTable, windowTable } from '../../src/dsp/index.js';
import { Rng } from '../../src/util/random.js';

describe('real FFT', () => {
  it('equals a naive DFT for every power of two from 2 to 2048', () => {
    const rng = new Rng(3);
    for (let n = 2; n <= 2048; n *= 2) {
      const x = Float64Array.from({ length: n }, () => rng.normal());
      const buf = new Float64Array(n + 2);
      buf.set(x);
      rfft(twiddleTable(n), n, buf);
      let err = 0;
      for (let k = 0; k <= n / 2; k++) {
        let re = 0;
        let im = 0;
        for (let t = 0; t < n; t++) {
          re += x[t]! * Math.cos((2 * Math.PI * k * t) / n);
          im -= x[t]! * Math.sin((2 * Math.PI * k * t) / n);
        }
        err = Math.max(err, Math.abs(re - buf[2 * k]!), Math.abs(im - buf[2 * k + 1]!));
      }
      expect(err, `n = ${n}`).toBeLessThan(1e-9 * n);
    }
  });

  it('power spectrum: a bin-centred sine puts N²/4 in its bin (Parseval)', () => {
    const n = 64;
    const buf = new Float64Array(n + 2);
    for (let i = 0; i < n; i++) buf[i] = Math.sin((2 * Math.PI * 5 * i) / n);
    rfft(twiddleTable(n), n, buf);
    powerSpectrum(buf, n / 2 + 1);
    expect(buf[5]).toBeCloseTo((n * n) / 4, 9);
    const rest = Array.from(buf.subarray(0, n / 2 + 1)).reduce((s, v, k) => s + (k === 5 ? 0 : v), 0);
    expect(rest).toBeLessThan(1e-18 * n * n + 1e-12);
  });

  it('periodic windows', () => {
    const h = windowTable('hann', 4);
    [0, 0.5, 1, 0.5].forEach((v, i) => expect(h[i]).toBeCloseTo(v, 12));
    expect(windowTable('hamming', 4)[0]).toBeCloseTo(0.08, 12);
    expect(windowTable('hamming', 4)[2]).toBeCloseTo(1, 12);
  });
});
