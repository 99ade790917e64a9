/**
 * End to end with the feature block on the device: small trained int8 models
 * with MFCC and motion features (test/deploy/features-models.ts) are exported,
 * fed ≥ 100 held-out raw windows on the host and on QEMU Cortex-M4, and
 * compared with the TypeScript twin.
 *
 * Exact (0): the C normalization + quantization of the C features against the
 * TS twin on the same features, the C model against in-process evaluation on
 * the device's input bytes, the C anomaly score against the TS score of the
 * same bytes. Bounded, not 0: the C features are float32 and the TS features
 * float64 (max relative difference ~2e-4 here), which flips an int8 input byte
 * by one step when a feature sits on a rounding boundary — measured 2 of
 * 18,720 bytes (MFCC), 1 of 6,300 (motion), 0 of 5,040 (autoencoder), and no
 * top-1 or anomaly decision changed; bounds below are a few times that.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { rawToInput } from '../../src/codegen/index.js';
import { verify, type VerifyReport } from '../../src/deploy/index.js';
import { createInterpreter } from '../../src/engine/int8/index.js';
import { saveInt8Model } from '../../src/quant/index.js';
import { mfccClassifier, motionAutoencoder, motionClassifier, type FeatureModel } from './features-models.js';

const SLOW = 1_200_000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-fe-verify-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (m: FeatureModel, target: 'host' | 'cortex-m4'): Promise<VerifyReport> =>
  verify(m.saved.model, { target, raw: m.test, features: m.saved.features, normalization: m.saved.normalization, anomaly: m.saved.anomaly });

function line(name: string, r: VerifyReport): string {
  const f = r.frontEnd!;
  const i = f.inputs!;
  return `${name} on ${r.target}: ${f.windows} windows · features max |C − TS| ${f.featureMaxAbsDiff!.toExponential(2)} (rel ${f.featureMaxRelDiff!.toExponential(2)}) · `
    + `input bytes differing ${i.bytesDiffering}/${i.bytes} `
    + `(${(100 * i.byteRate).toFixed(3)} %, ${i.windowsDiffering} windows, max |Δ| ${i.maxDelta})`
    + (f.top1 ? ` · top-1 disagreements ${f.top1.disagreements}` : '')
    + (f.anomaly ? ` · anomaly decisions differing ${f.anomaly.decisionDisagreements}, ${f.anomaly.anomalous} anomalous` : '')
    + (f.instructions ? ` · mlforge_features ${f.instructions.perWindow.toLocaleString('en')} instructions/window (soft float), invoke ${r.instructions!.perInference.toLocaleString('en')}` : '');
}

function expectTwin(r: VerifyReport, windows: number): void {
  const f = r.frontEnd!;
  expect(r.samples).toBe(windows);
  expect(f.windows).toBe(windows);
  expect(windows).toBeGreaterThanOrEqual(100);
  expect(r.firstMismatches).toEqual([]);
  expect(r.mismatches).toBe(0);
  expect(f.pipelineMismatches).toBe(0);
  expect(f.featureMaxRelDiff).toBeLessThan(1e-3);
  expect(f.inputs!.byteRate).toBeLessThan(2e-3);
  expect(f.inputs!.windowRate).toBeLessThan(0.1);
  expect(f.inputs!.maxDelta).toBeLessThanOrEqual(1);
  if (f.top1) expect(f.top1.rate).toBeLessThanOrEqual(0.025);
  if (f.anomaly) {
    expect(f.anomaly.scoreMismatches).toBe(0);
    expect(f.anomaly.rate).toBeLessThanOrEqual(0.025);
  }
}

function expectCortexM(r: VerifyReport, m: FeatureModel): void {
  const f = r.frontEnd!;
  const s = r.size!;
  // mlforge_features' scratch is the model's only RAM besides the arena; its tables are the DSP objects' rodata plus mean/std.
  expect(s.model.bss).toBe(r.arenaBytes + f.cost.ramBytes);
  expect(s.features!.rodata + 8 * m.saved.normalization.mean.length).toBe(f.cost.constBytes);
  expect(s.features!.text).toBeGreaterThan(0);
  expect(f.instructions!.perWindow).toBeGreaterThan(f.cost.macs);
  expect(r.instructions!.plausible).toBe(true);
}

function accuracy(m: FeatureModel): number {
  const interp = createInterpreter(m.saved.model, { backend: 'reference' });
  let ok = 0;
  m.test.forEach((w, k) => {
    const y = interp.invoke([rawToInput(m.saved, w)])[0]!;
    let best = 0;
    for (let i = 1; i < y.length; i++) if (y[i]! > y[best]!) best = i;
    if (best === m.testLabels[k]) ok++;
  });
  return ok / m.test.length;
}

const cases: [string, () => FeatureModel][] = [['MFCC classifier', mfccClassifier], ['motion classifier', motionClassifier], ['motion autoencoder', motionAutoencoder]];
for (const [name, make] of cases) {
  describe(name, () => {
    let model: FeatureModel | undefined;
    const get = (): FeatureModel => (model ??= make());

    it('is a working model (TS twin on the held-out windows)', () => {
      const m = get();
      if (m.saved.anomaly) {
        const thr = m.saved.anomaly.threshold;
        expect(thr).toBeGreaterThan(0);
        console.log(`${name}: threshold ${thr.toPrecision(4)} (99th percentile of training scores)`);
      } else {
        const acc = accuracy(m);
        console.log(`${name}: int8 accuracy with TS features ${(100 * acc).toFixed(1)} % on ${m.test.length} held-out windows`);
        expect(acc).toBeGreaterThan(0.8);
      }
    }, SLOW);

    for (const target of ['host', 'cortex-m4'] as const) {
      it(`${target}: C features + model against the TS twin on ${name.includes('MFCC') || name.includes('auto') ? 120 : 150} raw windows`, async () => {
        const m = get();
        const r = await run(m, target);
        console.log(line(name, r));
        expectTwin(r, m.test.length);
        if (target !== 'host') expectCortexM(r, m);
        if (m.saved.anomaly) {
          // Half the held-out windows carry a 35 Hz fault component.
          const faulty = m.testLabels.filter((l) => l === 1).length;
          expect(r.frontEnd!.anomaly!.anomalous).toBeGreaterThan(faulty / 2);
        }
      }, SLOW);
    }
  });
}

describe('anomaly threshold without features', () => {
  it('host: the device score of random int8 inputs is bit-identical to anomalyScore', async () => {
    const m = motionAutoencoder();
    const r = await verify(m.saved.model, { target: 'host', inputs: 100, anomaly: m.saved.anomaly, seed: 4 });
    expect(r.mismatches).toBe(0);
    expect(r.frontEnd!.anomaly!.scoreMismatches).toBe(0);
    expect(r.frontEnd!.inputs).toBeUndefined();
  }, SLOW);
});

describe('mlforge verify --raw', () => {
  it('reads a motion CSV series into windows and reports the twin comparison (host)', async () => {
    const m = motionClassifier();
    const dir = path.join(tmp, 'motion-int8');
    saveInt8Model(dir, m.saved);
    const rows = m.test.slice(0, 100).flatMap((w, k) => Array.from({ length: 128 }, (_, i) => `${((k * 128 + i) / 100).toFixed(2)},${w[3 * i]},${w[3 * i + 1]},${w[3 * i + 2]}`));
    const csv = path.join(tmp, 'series.csv');
    writeFileSync(csv, `t,ax,ay,az\n${rows.join('\n')}\n`);
    const out = (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', dir, '--raw', csv, '--json'], { maxBuffer: 1 << 24 })).stdout;
    const r = JSON.parse(out) as VerifyReport;
    expectTwin(r, 100);
    const bad = path.join(tmp, 'bad.f32');
    writeFileSync(bad, Buffer.alloc(10));
    await expect(promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', dir, '--raw', bad])).rejects.toThrow(/expected float32 windows of 384 values/);
  }, SLOW);
});
