import { describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import { loadModelArg, resolveModel } from '../../src/ir/index.js';

const err = (f: () => unknown): MlforgeError => {
  try { f(); } catch (e) { if (e instanceof MlforgeError) return e; throw e; }
  throw new Error('expected an MlforgeError');
};

describe('shape inference', () => {
  it('infers same/valid conv and pool shapes', () => {
    const r = resolveModel({
      name: 't', input: { shape: [15, 9, 3] },
      layers: [
        { name: 'c', type: 'conv2d', filters: 4, kernel: 3, stride: 2, padding: 'same' },
        { name: 'v', type: 'conv2d', filters: 5, kernel: [3, 2], padding: 'valid' },
        { name: 'd', type: 'depthwise_conv2d', kernel: 3, depthMultiplier: 2 },
        { name: 'p', type: 'max_pool', pool: 2 },
        { name: 'g', type: 'global_avg_pool' },
      ],
    });
    expect(r.layers.map((l) => l.outShape)).toEqual([[8, 5, 4], [6, 4, 5], [6, 4, 10], [3, 2, 10], [10]]);
  });

  it('names the layer and both shapes when an add does not connect', () => {
    const e = err(() => resolveModel({
      name: 't', input: { shape: [8, 8, 3] },
      layers: [
        { name: 'a', type: 'conv2d', filters: 4, kernel: 3 },
        { name: 'b', type: 'conv2d', filters: 8, kernel: 3, inputs: ['input'] },
        { name: 'sum', type: 'add', inputs: ['a', 'b'] },
      ],
    }));
    expect(e.code).toBe('BAD_SHAPE');
    expect(e.message).toContain('"sum"');
    expect(e.message).toContain('[8, 8, 4]');
    expect(e.message).toContain('[8, 8, 8]');
  });

  it('rejects a dense on an image and explains', () => {
    const e = err(() => resolveModel({ name: 't', input: { shape: [4, 4, 1] }, layers: [{ name: 'fc', type: 'dense', units: 3 }] }));
    expect(e.message).toMatch(/"fc".*\[4, 4, 1\].*flatten/);
  });

  it('reports schema errors with the field path', () => {
    const e = err(() => resolveModel({ name: 't', input: { shape: [4] }, layers: [{ name: 'fc', type: 'dense', units: -1 }] }, 'm.json'));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain('m.json: layers.0.units');
  });

  it('suggests close preset names', () => {
    const e = err(() => loadModelArg('resnet-8'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.hint).toContain('resnet8');
  });
});
