import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../src/data/split.js';
import type { Dataset } from '../../src/data/dataset.js';

function toy(n: number, classes: number, groups?: number): Dataset {
  return {
    name: 'toy', shape: [1],
    x: Float32Array.from({ length: n }, (_, i) => i),
    y: Int32Array.from({ length: n }, (_, i) => i % classes),
    labels: Array.from({ length: classes }, (_, i) => String(i)),
    groups: groups ? Int32Array.from({ length: n }, (_, i) => Math.floor(i / groups) * classes + (i % classes)) : undefined,
  };
}

describe('stratified split', () => {
  it('keeps class proportions, covers every sample once, and repeats under a seed', () => {
    const d = toy(1000, 4);
    const s = stratifiedSplit(d, { val: 0.1, test: 0.2, seed: 3 });
    for (const [part, frac] of [[s.train, 0.7], [s.val, 0.1], [s.test, 0.2]] as const) {
      for (let c = 0; c < 4; c++) expect(part.y.filter((y) => y === c).length).toBe(250 * frac);
    }
    const all = [...s.train.x, ...s.val.x, ...s.test.x].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(stratifiedSplit(d, { val: 0.1, test: 0.2, seed: 3 }).test.x)).toEqual(Array.from(s.test.x));
    expect(Array.from(stratifiedSplit(d, { val: 0.1, test: 0.2, seed: 4 }).test.x)).not.toEqual(Array.from(s.test.x));
  });

  it('never puts one group in two splits', () => {
    const d = toy(600, 3, 10);
    const s = stratifiedSplit(d, { val: 0.2, test: 0.2, seed: 1 });
    const sets = [s.train, s.val, s.test].map((p) => new Set(p.groups));
    for (const g of sets[0]!) expect(sets[1]!.has(g) || sets[2]!.has(g)).toBe(false);
    for (const g of sets[1]!) expect(sets[2]!.has(g)).toBe(false);
  });
});
