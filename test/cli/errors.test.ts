// Bad input gives one clear line naming the problem, a non-zero exit, and no stack trace.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlforge } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mlforge-cli-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

function expectOneLineError(r: { code: number; stderr: string }, pattern: RegExp) {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('  hint:'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack frames
}

describe('mlforge train: bad input', () => {
  it('unknown preset suggests close names', async () => {
    const r = await mlforge(['train', '--model', 'resnet-8', '--dataset', 'mnist']);
    expectOneLineError(r, /unknown model preset "resnet-8"/);
    expect(r.stderr).toContain('resnet8');
  });

  it('unknown dataset', async () => {
    expectOneLineError(await mlforge(['train', '--dataset', 'mnits']), /unknown dataset "mnits"/);
  });

  it('a model JSON whose shapes do not connect names the layer and both shapes', async () => {
    const m = file('bad-model.json', JSON.stringify({
      name: 'bad', input: { shape: [28, 28, 1] },
      layers: [
        { name: 'a', type: 'conv2d', filters: 4, kernel: 3 },
        { name: 'b', type: 'conv2d', filters: 8, kernel: 3, inputs: ['input'] },
        { name: 'sum', type: 'add', inputs: ['a', 'b'] },
      ],
    }));
    expectOneLineError(await mlforge(['train', '--model', m]), /layer "sum" \(add\): adds \[28, 28, 4\] and \[28, 28, 8\]/);
  });

  it('a CSV with a non-numeric cell names file, row and column', async () => {
    const c = file('bad.csv', 'f1,f2,label\n1,2,a\n3,x7,b\n');
    expectOneLineError(await mlforge(['train', '--dataset', c, '--model', 'mlp-small']), /bad\.csv: row 3, column 2 \("f2"\): expected a number, got "x7"/);
  });

  it('a ragged CSV row', async () => {
    const c = file('ragged.csv', 'f1,f2,label\n1,2,a\n3,b\n');
    expectOneLineError(await mlforge(['train', '--dataset', c, '--model', 'mlp-small']), /ragged\.csv: row 3 has 2 columns, expected 3/);
  });

  it('a model that does not fit the dataset', async () => {
    const c = file('small.csv', 'f1,f2,label\n' + Array.from({ length: 40 }, (_, i) => `${i},${i % 3},${i % 2}`).join('\n'));
    expectOneLineError(await mlforge(['train', '--dataset', c, '--model', 'cnn-small']), /takes input \[28, 28, 1\].*small\.csv has samples of shape \[2\]/);
  });

  it('a NaN loss says so and suggests a lower learning rate', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i * 1e3},${(i % 7) * 1e3},${i % 2}`);
    const c = file('diverge.csv', 'f1,f2,label\n' + rows.join('\n'));
    const m = file('mlp.json', JSON.stringify({ name: 'mlp', input: { shape: [2] }, layers: [
      { name: 'fc1', type: 'dense', units: 16 }, { name: 'r', type: 'relu' },
      { name: 'fc2', type: 'dense', units: 2 }, { name: 'sm', type: 'softmax' }] }));
    const r = await mlforge(['train', '--dataset', c, '--model', m, '--lr', '1e30', '--optimizer', 'sgd', '--epochs', '3']);
    expectOneLineError(r, /training diverged: loss is (NaN|Infinity)/);
    expect(r.stderr).toContain('lower the learning rate');
  });

  it('a bad flag value', async () => {
    expectOneLineError(await mlforge(['train', '--epochs', 'many']), /--epochs: expected an integer ≥ 1, got "many"/);
  });
});
