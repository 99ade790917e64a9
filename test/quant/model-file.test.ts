import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import { referenceKernels } from '../../src/engine/kernels/reference.js';
import {
  calibrate, foldBatchNorm, INT8_MODEL_FILE, loadInt8Model, lowerToInt8, planQuantization, saveInt8Model,
} from '../../src/quant/index.js';
import { imageModel, randomData, randomGraph } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlforge-int8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function model() {
  const folded = foldBatchNorm(randomGraph(imageModel, 8));
  const plan = planQuantization(folded.resolved);
  const ranges = calibrate(folded, plan, randomData([8, 8, 2], 16, 4, 9), referenceKernels);
  return lowerToInt8(folded, plan, ranges, { labels: ['a', 'b', 'c', 'd', 'e'] });
}

describe('int8 model folder', () => {
  it('round-trips tensors, ops, constants, normalization and labels', () => {
    const m = model();
    const normalization = { mean: [0.1, 0.2], std: [1, 2] };
    saveInt8Model(join(dir, 'a'), { model: m, normalization, quantization: { method: 'minmax' } });
    const back = loadInt8Model(join(dir, 'a'));
    expect(back.normalization).toEqual(normalization);
    expect(back.quantization).toEqual({ method: 'minmax' });
    expect(back.model.meta.labels).toEqual(['a', 'b', 'c', 'd', 'e']);
    const { data, ...json } = m;
    const { data: data2, ...json2 } = back.model;
    expect(json2).toEqual(json);
    expect([...data2.keys()]).toEqual([...data.keys()]);
    for (const [i, d] of data) {
      expect(data2.get(i)!.constructor).toBe(d.constructor);
      expect(Array.from(data2.get(i)!)).toEqual(Array.from(d));
    }
  });

  it('names the file and field of a damaged model', () => {
    saveInt8Model(join(dir, 'b'), { model: model(), normalization: { mean: [0], std: [1] }, quantization: {} });
    const f = join(dir, 'b', INT8_MODEL_FILE);
    const json = JSON.parse(readFileSync(f, 'utf8'));
    json.tensors[0].dtype = 'int4';
    writeFileSync(f, JSON.stringify(json));
    try {
      loadInt8Model(join(dir, 'b'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MlforgeError);
      expect((e as MlforgeError).message).toContain('tensors.0.dtype');
    }
  });

  it('round-trips the feature block and the anomaly threshold; files without them still load', () => {
    const m = model();
    const features = { kind: 'motion' as const, sampleRate: 100, axes: 3, windowLength: 64, bands: [0, 5, 20, 50] };
    const anomaly = { threshold: 0.125, score: 'mse' as const };
    saveInt8Model(join(dir, 'c'), { model: m, normalization: { mean: [0], std: [1] }, quantization: {}, features, anomaly });
    const back = loadInt8Model(join(dir, 'c'));
    // Stored as written with the defaults filled, so it parses again as itself.
    expect(back.features).toEqual({ ...features, stats: ['mean', 'rms', 'std', 'skew', 'kurtosis', 'peak'], window: 'hann', removeMean: true, logBands: true, logFloor: 1e-6 });
    expect(back.anomaly).toEqual(anomaly);
    saveInt8Model(join(dir, 'd'), back);
    expect(readFileSync(join(dir, 'd', INT8_MODEL_FILE), 'utf8')).toBe(readFileSync(join(dir, 'c', INT8_MODEL_FILE), 'utf8'));

    saveInt8Model(join(dir, 'e'), { model: m, normalization: { mean: [0], std: [1] }, quantization: {} });
    const plain = loadInt8Model(join(dir, 'e'));
    expect('features' in plain || 'anomaly' in plain).toBe(false);
    expect(readFileSync(join(dir, 'e', INT8_MODEL_FILE), 'utf8')).not.toMatch(/"features"|"anomaly"/);
  });

  it('names the field of a bad feature block or threshold', () => {
    const m = model();
    const base = { model: m, normalization: { mean: [0], std: [1] }, quantization: {} };
    expect(() => saveInt8Model(join(dir, 'f'), { ...base, features: { kind: 'mfcc', sampleRate: 16000, inputLength: 400, frameLength: 800, frameStride: 160 } }))
      .toThrow(/features\.frameLength: must be at most inputLength/);
    expect(() => saveInt8Model(join(dir, 'f'), { ...base, anomaly: { threshold: -1, score: 'mse' } })).toThrow(/anomaly\.threshold/);
    saveInt8Model(join(dir, 'g'), base);
    const f = join(dir, 'g', INT8_MODEL_FILE);
    const json = JSON.parse(readFileSync(f, 'utf8'));
    json.features = { kind: 'motion', sampleRate: 100, axes: 3, windowLength: 64, bands: [0, 60] };
    writeFileSync(f, JSON.stringify(json));
    expect(() => loadInt8Model(join(dir, 'g'))).toThrow(/model\.int8\.json: features\.bands: edges must ascend within 0–50 Hz/);
  });
});
