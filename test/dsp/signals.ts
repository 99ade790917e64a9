/** Seeded random test signals: silence, noise, tones, chirps, clicks, DC, hard clipping. */
import { Rng } from '../../src/util/random.js';

export const AUDIO_KINDS = ['silence', 'whisper', 'noise', 'tones', 'clipped', 'chirp', 'clicks', 'dc'] as const;

export function randomAudio(rng: Rng, n: number, sampleRate: number, kind = rng.pick(AUDIO_KINDS)): Float32Array {
  const x = new Float32Array(n);
  const amp = 10 ** rng.uniform(-3, 0);
  const tones = Array.from({ length: 1 + rng.int(3) }, () => ({ f: rng.uniform(30, sampleRate / 2), a: amp * rng.next(), p: rng.uniform(0, 6.3) }));
  const f0 = rng.uniform(50, 500);
  const f1 = rng.uniform(500, sampleRate / 2);
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    let v = 0;
    switch (kind) {
      case 'silence': break;
      case 'whisper': v = 1e-5 * rng.normal(); break;
      case 'noise': v = amp * rng.normal(); break;
      case 'tones': for (const s of tones) v += s.a * Math.sin(2 * Math.PI * s.f * t + s.p); break;
      case 'clipped': v = Math.max(-1, Math.min(1, 5 * Math.sin(2 * Math.PI * f0 * t) + 0.1 * rng.normal())); break;
      case 'chirp': v = amp * Math.sin(2 * Math.PI * (f0 + ((f1 - f0) * i) / (2 * n)) * t); break;
      case 'clicks': v = rng.next() < 0.002 ? rng.uniform(-1, 1) : 0; break;
      case 'dc': v = amp + 0.01 * amp * rng.normal(); break;
    }
    x[i] = v;
  }
  return x;
}

/** [n, axes] interleaved: gravity offset, a few vibration tones, noise, sometimes a saturated axis. */
export function randomMotion(rng: Rng, n: number, axes: number, sampleRate: number): Float32Array {
  const x = new Float32Array(n * axes);
  const sat = rng.next() < 0.2 ? rng.int(axes) : -1;
  for (let a = 0; a < axes; a++) {
    const g = rng.next() < 0.3 ? 9.81 * rng.uniform(-1, 1) : 0;
    const tones = Array.from({ length: rng.int(4) }, () => ({ f: rng.uniform(1, sampleRate / 2), a: 10 ** rng.uniform(-2, 1) }));
    const noise = 10 ** rng.uniform(-4, 0);
    for (let i = 0; i < n; i++) {
      let v = g + noise * rng.normal();
      for (const s of tones) v += s.a * Math.sin((2 * Math.PI * s.f * i) / sampleRate);
      x[i * axes + a] = a === sat ? Math.max(-16, Math.min(16, 8 * v)) : v;
    }
  }
  return x;
}
