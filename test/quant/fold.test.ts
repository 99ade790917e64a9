import { describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import { referenceKernels } from '../../src/engine/kernels/reference.js';
import { foldBatchNorm } from '../../src/quant/fold.js';
import { networkFor } from '../../src/quant/graph.js';
import type { ModelInput } from '../../src/ir/index.js';
import { expectClose } from '../helpers/compare.js';
import { forwardAll, imageModel, randomData, randomGraph, sequenceModel } from './helpers.js';

const err = (f: () => unknown): MlforgeError => {
  try { f(); } catch (e) { if (e instanceof MlforgeError) return e; throw e; }
  throw new Error('expected an MlforgeError');
};

describe('batch-norm folding', () => {
  for (const model of [imageModel, sequenceModel]) {
    it(`gives the unfolded outputs in inference mode (${model.name})`, () => {
      const g = randomGraph(model, 3);
      const folded = foldBatchNorm(g);
      expect(folded.resolved.layers.some((l) => l.layer.type === 'batch_norm')).toBe(false);
      expect([...folded.weights.keys()].some((k) => /gamma|beta|moving/.test(k))).toBe(false);
      const data = randomData([...g.resolved.inputShape], 20, 4, 7);
      const ref = forwardAll(networkFor(g, referenceKernels, 8), data);
      const out = forwardAll(networkFor(folded, referenceKernels, 8), data);
      const scale = Math.max(...Array.from(ref, Math.abs));
      expectClose(out, ref, { atol: 1e-5 * scale, rtol: 1e-4, label: `${model.name} folded vs unfolded` });
    });
  }

  it('keeps explicit wiring: readers of a BN read the folded producer', () => {
    const folded = foldBatchNorm(randomGraph(imageModel, 1));
    const byName = new Map(folded.resolved.layers.map((l) => [l.layer.name, l]));
    expect(byName.get('c1_relu')!.inputs).toEqual([byName.get('c1')!.index]);
    expect(folded.resolved.outShape).toEqual([5]);
    expect(folded.resolved.layers.at(-1)!.layer.name).toBe('fc');
    expect(folded.resolved.layers.find((l) => l.layer.name === 'c1')!.layer).toMatchObject({ useBias: true });
    expect(folded.folded.get('fc_bn')).toBe('fc');
  });

  it('names a batch norm that does not follow a conv or dense', () => {
    const model: ModelInput = {
      name: 'bad', input: { shape: [4, 4, 2] },
      layers: [
        { name: 'c', type: 'conv2d', filters: 2, kernel: 3 },
        { name: 'r', type: 'relu' },
        { name: 'after_relu', type: 'batch_norm' },
      ],
    };
    const e = err(() => foldBatchNorm(randomGraph(model, 2)));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain('"after_relu"');
    expect(e.message).toContain('relu "r"');
  });

  it('refuses a batch norm whose producer has another reader', () => {
    const model: ModelInput = {
      name: 'shared', input: { shape: [4, 4, 2] },
      layers: [
        { name: 'c', type: 'conv2d', filters: 2, kernel: 3 },
        { name: 'bn', type: 'batch_norm' },
        { name: 'sum', type: 'add', inputs: ['bn', 'c'] },
      ],
    };
    const e = err(() => foldBatchNorm(randomGraph(model, 2)));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain('"bn"');
    expect(e.message).toContain('"sum"');
  });
});
