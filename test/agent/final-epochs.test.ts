import { describe, expect, it } from 'vitest';
import { finalEpochs, FINAL_STRETCH } from '../../src/agent/final-epochs.js';

describe('final epochs', () => {
  const base = { planned: 20, rungEpochs: 8, rungSeconds: 80, finalistsLeft: 2 };

  it('trains the planned epochs without a time budget', () => {
    expect(finalEpochs({ ...base, secondsLeft: null })).toBe(20);
    expect(finalEpochs({ ...base, rungEpochs: 24, secondsLeft: null })).toBe(24);
  });

  it('grows into a time budget with room, up to the stretch limit', () => {
    // 10 s per epoch measured, 13 s with the margin; 2 finalists share 1,300 s → 50 epochs.
    expect(finalEpochs({ ...base, secondsLeft: 1300 })).toBe(50);
    expect(finalEpochs({ ...base, secondsLeft: 1e6 })).toBe(20 * FINAL_STRETCH);
  });

  it('shares the time left with the finalists still to train', () => {
    expect(finalEpochs({ ...base, secondsLeft: 1300, finalistsLeft: 1 })).toBe(60);
    expect(finalEpochs({ ...base, secondsLeft: 650, finalistsLeft: 1 })).toBe(50);
  });

  it('never trains fewer epochs than the search rung, even with no time left', () => {
    expect(finalEpochs({ ...base, secondsLeft: 100 })).toBe(8);
    expect(finalEpochs({ ...base, secondsLeft: -50 })).toBe(8);
  });
});
