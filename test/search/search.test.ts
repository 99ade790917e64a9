import { describe, expect, it } from 'vitest';
import { FAMILIES, buildModel, familiesFor, genomeKey, mutate, randomGenome, type Problem } from '../../src/search/space.js';
import { paretoFront, paretoRanks, dominates } from '../../src/search/pareto.js';
import { defaultPlan, promote } from '../../src/search/halving.js';
import { resolveModel } from '../../src/ir/index.js';
import { Rng } from '../../src/util/random.js';

const problems: Problem[] = [
  { inputShape: [28, 28, 1], classes: 10, task: 'classification' },
  { inputShape: [49, 10, 1], classes: 12, task: 'classification' },
  { inputShape: [5, 5, 3], classes: 3, task: 'classification' },
  { inputShape: [128, 3], classes: 4, task: 'classification' },
  { inputShape: [40], classes: 2, task: 'classification' },
  { inputShape: [640], classes: 1, task: 'autoencoder' },
];

describe('search space', () => {
  it('every sampled and mutated genome builds a valid model for its problem', () => {
    const rng = new Rng(1);
    for (const p of problems) {
      for (const f of familiesFor(p)) {
        let g = randomGenome(rng, f, p);
        for (let i = 0; i < 40; i++) {
          const r = resolveModel(buildModel(g, p));
          const out = r.outShape.reduce((a, b) => a * b, 1);
          expect(out).toBe(p.task === 'autoencoder' ? p.inputShape.reduce((a, b) => a * b, 1) : p.classes);
          g = mutate(rng, g, p);
        }
      }
    }
  });

  it('is reproducible under a seed and keys genomes canonically', () => {
    const p = problems[0]!;
    const a = FAMILIES.slice(0, 3).map((f) => genomeKey(randomGenome(new Rng(5), f, p)));
    const b = FAMILIES.slice(0, 3).map((f) => genomeKey(randomGenome(new Rng(5), f, p)));
    expect(a).toEqual(b);
    expect(genomeKey({ family: 'mlp', genes: { a: 1, b: [2] } })).toBe(genomeKey({ family: 'mlp', genes: { b: [2], a: 1 } }));
  });
});

describe('Pareto front', () => {
  const obj = [{ key: 'acc', goal: 'max' as const }, { key: 'sram', goal: 'min' as const }];
  const pts = [{ acc: 0.9, sram: 100 }, { acc: 0.95, sram: 200 }, { acc: 0.85, sram: 150 }, { acc: 0.95, sram: 200 }, { acc: 0.99, sram: 400 }];
  it('keeps non-dominated points, ties included', () => {
    expect(paretoFront(pts, obj)).toEqual([0, 1, 3, 4]);
    expect(dominates(pts[0]!, pts[2]!, obj)).toBe(true);
    expect(paretoRanks(pts, obj)).toEqual([0, 0, 1, 0, 0]);
  });
});

describe('successive halving', () => {
  it('plans geometric rungs and promotes the top 1/eta', () => {
    expect(defaultPlan(9).epochs).toEqual([1, 3, 9]);
    expect(defaultPlan(10).epochs).toEqual([1, 3, 10]);
    expect(promote([0.5, 0.9, 0.7, NaN, 0.8, 0.1], 3)).toEqual([1, 4]);
  });
});
