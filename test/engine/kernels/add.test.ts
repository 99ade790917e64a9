import { describe, it, expect } from 'vitest';
import { addForward } from '../../../src/engine/kernels/add.js';

describe('add reference', () => {
  it('adds elementwise, also in place', () => {
    const a = Float64Array.from([1, 2, 3]);
    const b = Float64Array.from([10, -2, 0.5]);
    const y = new Float64Array(3);
    addForward(a, b, y);
    expect(Array.from(y)).toEqual([11, 0, 3.5]);
    addForward(a, b, a);
    expect(Array.from(a)).toEqual([11, 0, 3.5]);
  });
});
