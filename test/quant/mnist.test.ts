/**
 * End to end on MNIST (slow: trains cnn-small for 3 epochs). Float and int8
 * accuracy are measured on the held-out test split the trainer used; int8 runs
 * through the interpreter's native backend (the shipped C kernels) when built.
 *
 * `mlforge train` and `mlforge quantize` run as child processes (the commands a
 * user types), which also keeps minutes of synchronous work off the test
 * worker's event loop.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Splits } from '../../src/data/split.js';
import { nativeInt8Available } from '../../src/engine/int8/index.js';
import { selectKernels } from '../../src/engine/index.js';
import { evaluate, loadTrained, type LoadedModel } from '../../src/train/index.js';
import {
  evaluateInt8, foldBatchNorm, graphOf, loadInt8Model, networkFor, runQuantization, sampleSubset, trainingSplits, type FloatGraph,
} from '../../src/quant/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mlforge-mnist-'));
const backend = nativeInt8Available() ? 'native' : 'reference';
let loaded: LoadedModel;
let splits: Splits;
let floatAcc: number;

const mlforge = async (...args: string[]): Promise<string> =>
  (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { maxBuffer: 1 << 24 })).stdout;

beforeAll(async () => {
  await mlforge('train', '--dataset', 'mnist', '--model', 'cnn-small', '--epochs', '3', '--seed', '0', '--augment-shift', '0', '--out', dir, '--json');
  loaded = loadTrained(dir);
  splits = trainingSplits(loaded.meta);
  floatAcc = evaluate(loaded.network, splits.test, 'classification').accuracy!;
}, 1_800_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A function-preserving change that gives conv1 one outlier channel: its output
 * channel 0 is scaled by `alpha` (relu and max pool commute with a positive
 * scale) and conv2's weights reading that channel by 1/alpha. The float model is
 * unchanged, but a per-tensor int8 grid over conv1's output now spends its range
 * on one channel (the case cross-layer equalization and QAT exist for).
 */
function withOutlierChannel(g: FloatGraph, alpha: number): FloatGraph {
  const w = new Map(g.weights);
  const k1 = w.get('conv1/kernel')!.slice(), b1 = w.get('conv1/bias')!.slice(), k2 = w.get('conv2/kernel')!.slice();
  const [c1, c2] = [16, 32]; // conv1: (3,3,1,16), conv2: (3,3,16,32)
  for (let i = 0; i < k1.length; i += c1) k1[i]! *= alpha;
  b1[0]! *= alpha;
  for (let tap = 0; tap < 9; tap++) for (let co = 0; co < c2; co++) k2[(tap * c1) * c2 + co]! /= alpha;
  w.set('conv1/kernel', k1).set('conv1/bias', b1).set('conv2/kernel', k2);
  return { resolved: g.resolved, weights: w };
}

describe(`MNIST cnn-small (int8 on the ${backend} kernels)`, () => {
  it('post-training quantization stays within 0.5 points of float (mlforge quantize)', async () => {
    const r = JSON.parse(await mlforge('quantize', dir, '--method', 'minmax', '--calibration', '500', '--json'));
    console.log(`float ${(r.float.accuracy * 100).toFixed(2)}% · int8 PTQ minmax ${(r.ptq.accuracy * 100).toFixed(2)}% on ${r.testSamples} test samples (${r.int8Backend})`);
    expect(r.float.accuracy).toBeCloseTo(floatAcc, 6);
    expect(r.testSamples).toBe(splits.test.y.length);
    expect(floatAcc).toBeGreaterThan(0.95);
    expect(Math.abs(floatAcc - r.ptq.accuracy)).toBeLessThanOrEqual(0.005);
    expect(loadInt8Model(join(dir, 'int8')).model.ops.map((o) => o.options.kind)).toEqual(
      ['conv2d', 'max_pool', 'conv2d', 'max_pool', 'conv2d', 'reshape', 'fully_connected', 'softmax']);
  }, 1_800_000);

  it('quantization-aware training closes a large PTQ gap (outlier channel, minmax)', () => {
    const g = withOutlierChannel(foldBatchNorm(graphOf(loaded.network)), 300);
    const same = evaluate(networkFor(g, selectKernels('auto'), 64), splits.test, 'classification').accuracy!;
    expect(same).toBeCloseTo(floatAcc, 2);
    const ptq = evaluateInt8(runQuantization(g, splits.train, { method: 'minmax', calibrationSamples: 500 }).model, splits.test, { backend }).accuracy!;
    const qatData = sampleSubset(splits.train, 2000, 1);
    const qat = evaluateInt8(runQuantization(g, qatData, { method: 'minmax', calibrationSamples: 500, qat: { epochs: 2, lr: 2e-4 } }).model, splits.test, { backend }).accuracy!;
    console.log(`outlier channel ×300: float ${(same * 100).toFixed(2)}% · int8 PTQ ${(ptq * 100).toFixed(2)}% · int8 QAT (2 epochs, 2000 samples) ${(qat * 100).toFixed(2)}%`);
    expect(floatAcc - ptq).toBeGreaterThan(0.05);
    expect(qat - ptq).toBeGreaterThan(0.05);
    expect(floatAcc - qat).toBeLessThan((floatAcc - ptq) / 3);
  }, 1_800_000);
});
