import { describe, expect, it } from 'vitest';
import { defaultFeatureBlocks, featureConfigs } from '../../src/agent/features.js';
import { featureCost } from '../../src/dsp/index.js';
import { estimateDspCost } from '../../src/targets/dsp-cost.js';
import { findBoard } from '../../src/targets/boards.js';

describe('default audio feature blocks', () => {
  it('leave a 64-MHz Cortex-M4 room for a network within a 100-ms KWS budget', () => {
    const board = findBoard('nrf52840dk/nrf52840');
    for (const sampleRate of [16000, 8000]) {
      const raw = { kind: 'audio' as const, sampleRate, length: sampleRate, axes: 1 };
      const configs = featureConfigs(defaultFeatureBlocks(raw), raw, 'default features');
      const ms = configs.map((c) => estimateDspCost(featureCost(c), sampleRate, board).latencyMs);
      // 40-ms frames (a 1024-point FFT at 16 kHz) took ~110 ms alone.
      for (const m of ms) expect(m).toBeLessThan(60);
      expect(Math.min(...ms)).toBeLessThan(40);
    }
  });
});
