import { describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import { decodeWeights, encodeWeights } from '../../src/engine/weights.js';

describe('weights file', () => {
  const tensors = [
    { name: 'conv/kernel', shape: [3, 3, 1, 2], data: Float32Array.from({ length: 18 }, (_, i) => i * 0.5 - 3) },
    { name: 'q/w', shape: [5], data: Int8Array.from([-128, -1, 0, 1, 127]) },
    { name: 'q/b', shape: [2], data: Int32Array.from([-2147483648, 2147483647]) },
    { name: 'scalar', shape: [], data: Float32Array.from([42]) },
  ];

  it('round-trips names, shapes, dtypes and values', () => {
    const back = decodeWeights(encodeWeights(tensors));
    expect(back.map((t) => [t.name, t.shape, t.data.constructor.name, Array.from(t.data)]))
      .toEqual(tensors.map((t) => [t.name, t.shape, t.data.constructor.name, Array.from(t.data)]));
  });

  it('rejects every truncation and a bad magic with BAD_FILE', () => {
    const bytes = encodeWeights(tensors);
    for (let n = 0; n < bytes.length - 3; n += 3) {
      // A cut inside the trailing padding of the last tensor still holds all data.
      try { decodeWeights(bytes.subarray(0, n)); } catch (e) {
        expect(e).toBeInstanceOf(MlforgeError);
        expect((e as MlforgeError).code).toBe('BAD_FILE');
        continue;
      }
      expect(n).toBeGreaterThan(bytes.length - 4);
    }
    const bad = bytes.slice(); bad[0] = 0;
    expect(() => decodeWeights(bad)).toThrow(/bad magic/);
  });
});
