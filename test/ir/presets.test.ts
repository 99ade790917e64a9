import { describe, expect, it } from 'vitest';
import { PRESETS, countModel, findPreset, resolveModel } from '../../src/ir/index.js';

// Published counts come from the int8 .tflite files: BN folded, plus the
// 2-element shape tensor of the RESHAPE op in three of them.
const PUBLISHED: Record<string, { params: number; reshape: number }> = {
  'ds-cnn': { params: 22_606, reshape: 2 },
  resnet8: { params: 77_708, reshape: 2 },
  'mobilenet-v1-0.25': { params: 210_852, reshape: 2 },
  'ae-fc': { params: 265_864, reshape: 0 },
};

describe('presets', () => {
  it.each(Object.entries(PUBLISHED))('%s matches the published parameter count', (name, pub) => {
    const c = countModel(resolveModel(findPreset(name)!.build()));
    expect(c.paramsFolded + pub.reshape).toBe(pub.params);
  });

  it('have the MLPerf Tiny shapes', () => {
    const shapes = Object.fromEntries(PRESETS.map((p) => {
      const r = resolveModel(p.build());
      return [p.name, [r.inputShape, r.outShape]];
    }));
    expect(shapes['ds-cnn']).toEqual([[49, 10, 1], [12]]);
    expect(shapes.resnet8).toEqual([[32, 32, 3], [10]]);
    expect(shapes['mobilenet-v1-0.25']).toEqual([[96, 96, 3], [2]]);
    expect(shapes['ae-fc']).toEqual([[640], [640]]);
    expect(shapes['cnn-small']).toEqual([[28, 28, 1], [10]]);
    expect(shapes['mlp-small']).toEqual([[28, 28, 1], [10]]);
  });

  it('ds-cnn first conv is 64@10x4 stride 2 giving 25x5x64', () => {
    const r = resolveModel(findPreset('ds-cnn')!.build());
    expect(r.layers[0]!.outShape).toEqual([25, 5, 64]);
    // MACs: conv1 25*5*64*40 + 4 blocks of (25*5*64*9 + 25*5*64*64) + 64*12
    expect(countModel(r).macs).toBe(25 * 5 * 64 * 40 + 4 * (25 * 5 * 64 * 9 + 25 * 5 * 64 * 64) + 64 * 12);
  });
});
