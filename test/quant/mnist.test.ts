/**
 * End to end on MNIST (slow: trains cnn-small for 3 epochs). Float and int8
 * accuracy are measured on the held-out test split the trainer used; int8 runs
 * through the interpreter's native backend (the shipped C kernels) when built.
 *
 * Everything heavy runs in child processes — `mlforge train`, `mlforge quantize`
 * (the commands a user types) and fixtures/outlier-qat.ts — so minutes of
 * synchronous work never stall the test worker's event loop.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInt8Model } from '../../src/quant/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mlforge-mnist-'));
const tsx = async (...args: string[]): Promise<string> =>
  (await promisify(execFile)(process.execPath, ['--import', 'tsx', ...args], { maxBuffer: 1 << 24 })).stdout;
const mlforge = (...args: string[]) => tsx('src/cli/main.ts', ...args);

beforeAll(async () => {
  await mlforge('train', '--dataset', 'mnist', '--model', 'cnn-small', '--epochs', '3', '--seed', '0', '--augment-shift', '0', '--out', dir, '--json');
}, 1_800_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MNIST cnn-small', () => {
  it('post-training quantization stays within 0.5 points of float (mlforge quantize)', async () => {
    const r = JSON.parse(await mlforge('quantize', dir, '--method', 'minmax', '--calibration', '500', '--json'));
    console.log(`float ${(r.float.accuracy * 100).toFixed(2)}% · int8 PTQ minmax ${(r.ptq.accuracy * 100).toFixed(2)}% on ${r.testSamples} test samples (${r.int8Backend})`);
    expect(r.testSamples).toBeGreaterThan(900);
    expect(r.float.accuracy).toBeGreaterThan(0.95);
    expect(Math.abs(r.float.accuracy - r.ptq.accuracy)).toBeLessThanOrEqual(0.005);
    expect(loadInt8Model(join(dir, 'int8')).model.ops.map((o) => o.options.kind)).toEqual(
      ['conv2d', 'max_pool', 'conv2d', 'max_pool', 'conv2d', 'reshape', 'fully_connected', 'softmax']);
  }, 1_800_000);

  it('quantization-aware training closes a large PTQ gap (outlier channel, minmax)', async () => {
    const r = JSON.parse(await tsx('test/quant/fixtures/outlier-qat.ts', dir, '300', '2000'));
    console.log(`outlier channel ×300: float ${(r.outlierFloat * 100).toFixed(2)}% · int8 PTQ ${(r.ptq * 100).toFixed(2)}% · int8 QAT (2 epochs, 2000 samples) ${(r.qat * 100).toFixed(2)}% (${r.backend})`);
    expect(r.outlierFloat).toBeCloseTo(r.float, 2); // the change preserves the float function
    expect(r.float - r.ptq).toBeGreaterThan(0.05);
    expect(r.qat - r.ptq).toBeGreaterThan(0.05);
    expect(r.float - r.qat).toBeLessThan((r.float - r.ptq) / 3);
  }, 1_800_000);
});
