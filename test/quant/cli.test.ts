import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerQuantize } from '../../src/cli/commands/quantize.js';
import { runTraining } from '../../src/train/index.js';
import { loadInt8Model } from '../../src/quant/index.js';
import { rng } from '../helpers/random.js';

const dir = mkdtempSync(join(tmpdir(), 'mlforge-quantize-cli-'));
const csv = join(dir, 'blobs.csv');

beforeAll(() => {
  // Three Gaussian blobs in 4 features.
  const r = rng(1);
  const rows = ['a,b,c,d,label'];
  for (let i = 0; i < 300; i++) {
    const k = i % 3;
    rows.push([0, 1, 2, 3].map((j) => (r.normal() + (j === k ? 3 : 0)).toFixed(4)).join(',') + `,${k}`);
  }
  writeFileSync(csv, rows.join('\n'));
  writeFileSync(join(dir, 'mlp.json'), JSON.stringify({
    name: 'mlp', input: { shape: [4] },
    layers: [
      { name: 'fc1', type: 'dense', units: 16, useBias: false }, { name: 'bn', type: 'batch_norm' }, { name: 'relu', type: 'relu' },
      { name: 'fc2', type: 'dense', units: 3 }, { name: 'softmax', type: 'softmax' },
    ],
  }));
  runTraining({ dataset: csv, model: join(dir, 'mlp.json'), out: join(dir, 'model'), config: { epochs: 20, seed: 0, lr: 0.01, kernels: 'reference' } });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerQuantize(program);
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  try {
    await program.parseAsync(['node', 'mlforge', 'quantize', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

describe('mlforge quantize', () => {
  it('reports float, PTQ and QAT accuracy and writes the int8 folder', async () => {
    const out = join(dir, 'int8');
    const summary = JSON.parse(await run([join(dir, 'model'), '--dataset', csv, '--method', 'percentile', '--calibration', '50', '--qat', '--qat-epochs', '1', '--out', out, '--json']));
    expect(summary).toMatchObject({ model: 'mlp', method: 'percentile', calibrationSamples: 50, testSamples: 30, out });
    for (const k of ['float', 'ptq', 'qat'] as const) expect(summary[k].accuracy).toBeGreaterThan(0.8);
    const saved = loadInt8Model(out);
    expect(saved.model.meta.labels).toEqual(['0', '1', '2']);
    expect(saved.quantization).toMatchObject({ method: 'percentile', qat: { epochs: 1 } });
    expect(saved.normalization.mean).toHaveLength(4);
  });

  it('writes to <model-dir>/int8 by default and rejects an unknown method', async () => {
    await run([join(dir, 'model'), '--dataset', csv, '--json']);
    expect(existsSync(join(dir, 'model', 'int8', 'model.int8.json'))).toBe(true);
    await expect(run([join(dir, 'model'), '--method', 'kl'])).rejects.toThrow(/--method/);
  });
});
