/**
 * Deterministic test inputs for exported models: a mix that exercises both
 * saturated and quiet paths, like the MLPerf Tiny golden set — sample k is
 * (k mod 3) 0: uniform over the int8 range; 1: the zero point ± a small
 * amplitude; 2: a smooth sinusoid around the zero point plus noise. Float
 * inputs get the same patterns in [-1, 1].
 */
import type { TensorData, TensorInfo } from '../engine/int8/index.js';
import { Rng } from '../util/random.js';

export function testInput(info: TensorInfo, k: number, seed = 0): TensorData {
  const rng = new Rng(seed * 1000003 + k * 7919 + info.index);
  const n = info.size;
  const pattern = k % 3;
  const amp = 4 + rng.int(29);
  const f = 1 + rng.int(6);
  const phase = rng.uniform(0, 2 * Math.PI);
  const raw = (i: number): number => {
    if (pattern === 0) return rng.uniform(-1, 1);
    if (pattern === 1) return (rng.uniform(-1, 1) * amp) / 128;
    return 0.6 * Math.sin((2 * Math.PI * f * i) / Math.max(1, n) + phase) + rng.uniform(-0.1, 0.1);
  };
  if (info.dtype === 'float32') return Float32Array.from({ length: n }, (_, i) => raw(i));
  const zp = info.zeroPoint ?? 0;
  return Int8Array.from({ length: n }, (_, i) => {
    const v = pattern === 0 ? -128 + rng.int(256) : Math.round(zp + raw(i) * 128);
    return Math.max(-128, Math.min(127, v));
  });
}

/** `count` samples, each one array per model input. */
export function testInputs(inputs: readonly TensorInfo[], count: number, seed = 0): TensorData[][] {
  return Array.from({ length: count }, (_, k) => inputs.map((info) => testInput(info, k, seed)));
}
